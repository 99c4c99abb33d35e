import { describe, expect, test, vi } from "vitest";
import { CATALOGS, locale, localeFor, setLocale, systemLocale, t } from "./i18n";

/**
 * French words that may read exactly as the English ones, by key path. A function's path
 * stands for what it returns.
 */
const SAME_IN_FRENCH = new Set(["settings.contacts", "dial.sources.contact", "call.via"]);

type Entry = { path: string; en: string; fr: string };

/** Every string of both catalogs, side by side; functions are called with sample values. */
function entries(en: unknown, fr: unknown, path = ""): Entry[] {
  if (typeof en === "string") return [{ path, en, fr: String(fr) }];
  if (typeof en === "function" && typeof fr === "function") {
    return [1, 7].map((value) => {
      const args = Array.from({ length: en.length }, () => value);
      return { path, en: String(en(...args)), fr: String(fr(...args)) };
    });
  }
  if (typeof en === "object" && en !== null) {
    const frObject = (fr ?? {}) as Record<string, unknown>;
    return Object.entries(en).flatMap(([key, value]) =>
      entries(value, frObject[key], path === "" ? key : `${path}.${key}`),
    );
  }
  throw new Error(`${path}: unexpected ${typeof en}`);
}

describe("the catalogs", () => {
  const all = entries(CATALOGS.en, CATALOGS.fr);

  test("hold a good number of words", () => {
    expect(all.length).toBeGreaterThan(150);
  });

  test("French has every word, none empty", () => {
    for (const { path, fr } of all) {
      expect(fr.trim(), path).not.toBe("");
      expect(fr, path).not.toBe("undefined");
    }
  });

  test("French never just repeats the English, except for a few words", () => {
    const same = all.filter(({ path, en, fr }) => en === fr && !SAME_IN_FRENCH.has(path));
    expect(same).toEqual([]);
  });

  test("French puts a no-break space before a colon or question mark", () => {
    for (const { path, fr } of all) {
      expect(fr, path).not.toMatch(/ [:?!;]/);
    }
  });
});

describe("plural forms", () => {
  test("English: one for 1, else other", () => {
    setLocale("en");
    expect(t().status.missedCalls(1)).toBe("1 missed call");
    expect(t().status.missedCalls(2)).toBe("2 missed calls");
    expect(t().status.missedCalls(0)).toBe("0 missed calls");
    expect(t().time.daysAgo(1)).toBe("1 day ago");
    expect(t().settings.imported(1, 3)).toBe("Imported 1 contact (3 skipped)");
  });

  test("French: singular for 0 and 1, plural from 2", () => {
    setLocale("fr");
    expect(t().status.missedCalls(1)).toBe("1 appel manqué");
    expect(t().status.missedCalls(2)).toBe("2 appels manqués");
    expect(t().status.missedCalls(0)).toBe("0 appel manqué");
    expect(t().time.daysAgo(4)).toBe("il y a 4 jours");
    expect(t().settings.imported(12, 0)).toBe("12 contacts importés (0 ignoré)");
    expect(t().settings.contactCount(0)).toBe("Aucun contact enregistré");
    expect(t().settings.contactCount(1)).toBe("1 contact enregistré");
  });
});

describe("the locale", () => {
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

  test("follows the first preferred language of the webview", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["fr-FR", "en"]);
    expect(systemLocale()).toBe("fr");
  });

  test("falls back to navigator.language when languages is empty", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue([]);
    vi.spyOn(navigator, "language", "get").mockReturnValue("fr-CA");
    expect(systemLocale()).toBe("fr");
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
