/**
 * The pages' language. It follows the OS, as the webview reports it in `navigator.languages`:
 * French when the first preferred language is French, English otherwise (as the Rust side
 * decides for the tray and notifications). Every word a page shows comes from the catalog of
 * that language through `t()`; `setLocale` forces a language (tests use it) and keeps
 * `<html lang>` in step.
 */
import { en, type Catalog } from "./locales/en";
import { fr } from "./locales/fr";

export type { Catalog } from "./locales/en";
export type Locale = "en" | "fr";

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

/** The language the OS asks for. */
export const systemLocale = (): Locale => localeFor(preferredLanguages());

let current: Locale = systemLocale();

/** Uses `locale` from now on; pages read their words when they render, so mount after this. */
export function setLocale(locale: Locale): void {
  current = locale;
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

/** The language in use. */
export const locale = (): Locale => current;

/** The words of the language in use. */
export const t = (): Catalog => CATALOGS[current];

setLocale(current);
