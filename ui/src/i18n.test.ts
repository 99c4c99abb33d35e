import { afterEach, describe, expect, test, vi } from "vitest";
import { appLocale, CATALOGS, fmt, locale, localeFor, setLocale, t } from "./i18n";

/** French words that may read exactly as the English ones, by key path. */
const SAME_IN_FRENCH = new Set([
  "settings.contacts",
  "dial.sources.contact",
  "call.via",
  "windows.main",
  "settings.imported",
  "settings.version",
  "history.detail.e164",
  "history.detail.type",
  "history.note.write",
  "history.note.label",
  "popup.note",
]);

/** A message of a catalog and its key path: a string, or a plural message's forms by category. */
type Entry = { path: string; message: string | Record<string, unknown> };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// A section never has a "one" or "other" key, so either marks a plural message, even a broken one.
const isPlural = (value: Record<string, unknown>): boolean => "one" in value || "other" in value;

/** Every message of a catalog, by key path. */
function entries(catalog: unknown, path = ""): Entry[] {
  if (typeof catalog === "string") return [{ path, message: catalog }];
  if (!isObject(catalog)) throw new Error(`${path}: a ${typeof catalog} is not a message`);
  if (isPlural(catalog)) return [{ path, message: catalog }];
  return Object.entries(catalog).flatMap(([key, value]) =>
    entries(value, path === "" ? key : `${path}.${key}`),
  );
}

/** Every string a person may read, plural forms included. */
const texts = ({ message }: Entry): string[] =>
  typeof message === "string" ? [message] : Object.values(message).map(String);

/** The names of the holes of a message, all its forms together. */
function holes(entry: Entry): string[] {
  const names = texts(entry).flatMap((text) =>
    [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1] ?? ""),
  );
  return [...new Set(names)].sort();
}

describe("the catalogs", () => {
  const en = entries(CATALOGS.en);
  const fr = entries(CATALOGS.fr);
  const frByPath = new Map(fr.map((entry) => [entry.path, entry]));

  test("hold a good number of words", () => {
    expect(en.length).toBeGreaterThan(200);
  });

  test("have exactly the same keys", () => {
    expect(fr.map((entry) => entry.path)).toEqual(en.map((entry) => entry.path));
  });

  test("have the same plural messages, each with exactly a one and an other form", () => {
    const plurals = (list: Entry[]) =>
      list.filter((entry) => typeof entry.message !== "string").map((entry) => entry.path);
    expect(plurals(fr)).toEqual(plurals(en));
    expect(plurals(en)).toContain("tray.markMissedSeen");
    for (const { path, message } of [...en, ...fr]) {
      if (typeof message === "string") continue;
      expect(Object.keys(message).sort(), path).toEqual(["one", "other"]);
      for (const form of Object.values(message)) expect(typeof form, path).toBe("string");
    }
  });

  test("give each message the same holes in both languages", () => {
    for (const entry of en) {
      const french = frByPath.get(entry.path);
      expect(french, entry.path).toBeDefined();
      if (french !== undefined) expect(holes(french), entry.path).toEqual(holes(entry));
    }
  });

  test("count with the {count} hole: a plural's other forms all hold it", () => {
    for (const { path, message } of [...en, ...fr]) {
      if (typeof message !== "string") expect(message.other, path).toMatch(/\{count\}/);
    }
  });

  test("write holes with ASCII letters only, and no brace outside a hole", () => {
    for (const entry of [...en, ...fr]) {
      for (const text of texts(entry)) {
        expect(text.replace(/\{[A-Za-z]+\}/g, ""), entry.path).not.toMatch(/[{}]/);
      }
    }
  });

  test("French has every word, none empty", () => {
    for (const entry of fr) {
      for (const text of texts(entry)) expect(text.trim(), entry.path).not.toBe("");
    }
  });

  test("French never just repeats the English, except for a few words", () => {
    const same = en.filter((entry) => {
      const french = frByPath.get(entry.path);
      return (
        french !== undefined &&
        JSON.stringify(texts(french)) === JSON.stringify(texts(entry)) &&
        !SAME_IN_FRENCH.has(entry.path)
      );
    });
    expect(same.map((entry) => entry.path)).toEqual([]);
  });

  test("French puts a no-break space before a colon or question mark", () => {
    for (const entry of fr) {
      for (const text of texts(entry)) expect(text, entry.path).not.toMatch(/ [:?!;]/);
    }
  });

  test("French plurals are real plurals, not (s)", () => {
    for (const entry of fr) {
      for (const text of texts(entry)) expect(text, entry.path).not.toContain("(s)");
    }
  });
});

describe("fmt", () => {
  test("fills named holes", () => {
    expect(fmt(t().call.talking, { duration: "01:05" })).toBe("Talking 01:05");
    expect(fmt("{login} on {terminal}", { login: "alice", terminal: "Desk 1" })).toBe("alice on Desk 1");
    expect(fmt("{n}{n}", { n: 4 })).toBe("44");
  });

  test("English: one for 1, other for 0 and 2", () => {
    setLocale("en");
    const missed = t().status.missedCalls;
    expect([0, 1, 2].map((count) => fmt(missed, { count }))).toEqual([
      "0 missed calls",
      "1 missed call",
      "2 missed calls",
    ]);
  });

  test("French: one for 0 and 1, other for 2", () => {
    setLocale("fr");
    const missed = t().status.missedCalls;
    expect([0, 1, 2].map((count) => fmt(missed, { count }))).toEqual([
      "0 appel manqué",
      "1 appel manqué",
      "2 appels manqués",
    ]);
  });

  test('French puts a million in the other form: the catalogs write no "many" form', () => {
    setLocale("fr");
    expect(fmt(t().status.missedCalls, { count: 1_000_000 })).toBe("1000000 appels manqués");
  });

  test("a missing value leaves its hole visible, and never throws", () => {
    expect(fmt("{a} and {b}", { a: "x" })).toBe("x and {b}");
    expect(fmt(t().status.missedCalls, {})).toBe("{count} missed calls");
    expect(fmt(t().call.via)).toBe("via {queue}");
  });

  test("a value is never read as a template", () => {
    expect(fmt("{a}", { a: "{a}" })).toBe("{a}");
    expect(fmt("{a} {b}", { a: "{b}", b: "x" })).toBe("{b} x");
    expect(fmt("{a}", { a: "$& $1 $$" })).toBe("$& $1 $$");
  });

  test("only ASCII letters name a hole; other braces stay as written", () => {
    expect(fmt("{ a } {a1} {} {é} {", { a: "x", a1: "y", é: "z" })).toBe("{ a } {a1} {} {é} {");
  });

  test("a name the object inherits is no value", () => {
    expect(fmt("{constructor}", {})).toBe("{constructor}");
  });
});

describe("the locale", () => {
  afterEach(() => {
    delete (window as { __ISTRA__?: unknown }).__ISTRA__;
  });

  test.each([
    [["fr-FR", "en-US"], "fr"],
    [["fr"], "fr"],
    [["FR-ca"], "fr"],
    [["fr_BE"], "fr"],
    [["en-US", "fr-FR"], "en"],
    [["de-DE"], "en"],
    [["fry"], "en"],
    [[], "en"],
  ])("%j reads %s", (languages, expected) => {
    expect(localeFor(languages)).toBe(expected);
  });

  test("without word from the Rust side, follows the first preferred language of the webview", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["fr-FR", "en"]);
    expect(appLocale()).toBe("fr");
  });

  test("falls back to navigator.language when languages is empty", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue([]);
    vi.spyOn(navigator, "language", "get").mockReturnValue("fr-CA");
    expect(appLocale()).toBe("fr");
  });

  test("the Rust side's choice wins over the webview's languages", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["fr-FR"]);
    window.__ISTRA__ = { locale: "en" } as const;
    expect(appLocale()).toBe("en");
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["en-US"]);
    window.__ISTRA__ = { locale: "fr" } as const;
    expect(appLocale()).toBe("fr");
  });

  test("a language the app does not speak from the Rust side is ignored", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["fr-FR"]);
    for (const locale of ["de", "FR", "", 7, null]) {
      (window as { __ISTRA__?: unknown }).__ISTRA__ = { locale };
      expect(appLocale(), String(locale)).toBe("fr");
    }
  });

  test("forcing a locale switches the words and the document's language", () => {
    setLocale("fr");
    expect(locale()).toBe("fr");
    expect(document.documentElement.lang).toBe("fr");
    expect(t().tabs.dial).toBe("Composer");
    setLocale("en");
    expect(document.documentElement.lang).toBe("en");
    expect(t().tabs.dial).toBe("Dial");
  });
});
