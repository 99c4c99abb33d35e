/**
 * Runs before every test file (vite.config.ts `setupFiles`): each test starts in English,
 * whatever the machine's language or a previous test forced with `setLocale`.
 */
import { beforeEach } from "vitest";
import { setLocale } from "./i18n";

beforeEach(() => {
  setLocale("en");
});
