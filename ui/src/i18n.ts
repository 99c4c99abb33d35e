/**
 * The pages' language and words. The language is one decision for the whole app: the Rust side
 * makes it (for the tray and notifications too) and hands it to every page as
 * `window.__ISTRA__.locale`; a page opened without it (a browser, a test) follows the OS as the
 * webview reports it in `navigator.languages`. `setLocale` forces a language (tests use it) and
 * keeps `<html lang>` in step.
 *
 * The words come from the catalogs the Rust side embeds too, `locales/<language>.json` at the
 * repository root: a message is a string with named holes (`"Talking {duration}"`), or, when it
 * depends on a count, a `Plural`. `fmt` fills either.
 */
import en from "../../locales/en.json";
import fr from "../../locales/fr.json";

export type Catalog = typeof en;
export type Locale = "en" | "fr";

/** A message whose words depend on `count`: one form per plural category the languages use. */
export type Plural = { one: string; other: string };
export type Message = string | Plural;

export const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, fr };

/** The language for preferred language tags, most preferred first: `fr`, `fr-CA`, `fr_FR` are French. */
export function localeFor(languages: readonly string[]): Locale {
  const primary = (languages[0] ?? "").split(/[-_.@]/)[0] ?? "";
  return primary.toLowerCase() === "fr" ? "fr" : "en";
}

/** The user's preferred languages, most preferred first; empty when the webview does not say. */
function preferredLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  if (navigator.languages !== undefined && navigator.languages.length > 0) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

/** The language the Rust side chose for the app, when it told this page a valid one. */
function injectedLocale(): Locale | null {
  const chosen: unknown = typeof window === "undefined" ? undefined : window.__ISTRA__?.locale;
  return chosen === "en" || chosen === "fr" ? chosen : null;
}

/** The app's language: the Rust side's choice, else the OS's. */
export const appLocale = (): Locale => injectedLocale() ?? localeFor(preferredLanguages());

let current: Locale = appLocale();

/** Uses `locale` from now on; pages read their words when they render, so mount after this. */
export function setLocale(locale: Locale): void {
  current = locale;
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

/** The language in use. */
export const locale = (): Locale => current;

/** The words of the language in use. */
export const t = (): Catalog => CATALOGS[current];

const HOLE = /\{([A-Za-z]+)\}/g;

/**
 * `message` in words: for a `Plural`, the form `values.count` takes in the language in use;
 * then each `{name}` hole gets `values[name]`. A hole without a value stays as written, so a
 * mistake shows on screen instead of throwing or vanishing.
 */
export function fmt(message: Message, values: Readonly<Record<string, string | number>> = {}): string {
  let template: string;
  if (typeof message === "string") {
    template = message;
  } else {
    const count = values.count;
    // French has a "many" form for millions, and a missing count has no form: the catalogs
    // only write "one" and "other", and "other" is the right words for both.
    const form = typeof count === "number" ? new Intl.PluralRules(current).select(count) : "other";
    template = form === "one" ? message.one : message.other;
  }
  // A replacer function inserts its result as it is: a value holding "{x}" or "$&" is not read again.
  return template.replace(HOLE, (hole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : hole,
  );
}

setLocale(current);
