/**
 * Runs before every test file (vite.config.ts `setupFiles`): each test starts in English,
 * whatever the machine's language or a previous test forced with `setLocale`. jsdom lays
 * nothing out, so it has no ResizeObserver: one that is never called stands in (the
 * measuring code is tested with given boxes).
 */
import { beforeEach } from "vitest";
import { setLocale } from "./i18n";

class UnusedResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= UnusedResizeObserver;

beforeEach(() => {
  setLocale("en");
});
