import { describe, expect, test } from "vitest";
import { formatDateTime, formatRelativeTime } from "./format";
import { setLocale } from "./i18n";

describe("formatRelativeTime", () => {
  const now = 1_700_000_000_000;
  test.each([
    [10_000, "just now"],
    [-10_000, "just now"],
    [5 * 60_000, "5 min ago"],
    [3 * 3_600_000, "3 h ago"],
    [25 * 3_600_000, "1 day ago"],
    [4 * 86_400_000, "4 days ago"],
  ])("%i ms ago reads %s", (ago, text) => {
    expect(formatRelativeTime(now - ago, now)).toBe(text);
  });
});

describe("in French", () => {
  test("relative times", () => {
    setLocale("fr");
    const now = 1_700_000_000_000;
    expect(formatRelativeTime(now - 5 * 60_000, now)).toBe("il y a 5 min");
    expect(formatRelativeTime(now, now)).toBe("à l'instant");
    expect(formatRelativeTime(now - 3 * 3_600_000, now)).toBe("il y a 3 h");
    expect(formatRelativeTime(now - 25 * 3_600_000, now)).toBe("il y a 1 jour");
    expect(formatRelativeTime(now - 4 * 86_400_000, now)).toBe("il y a 4 jours");
  });

  test("dates and times are written the French way", () => {
    setLocale("fr");
    expect(formatDateTime(Date.UTC(2025, 2, 15, 12))).toMatch(/^15 mars 2025/);
    setLocale("en");
    expect(formatDateTime(Date.UTC(2025, 2, 15, 12))).toMatch(/^Mar 15, 2025/);
  });
});
