import { describe, expect, test } from "vitest";
import { formatDateTime, formatRelativeTime, statusText } from "./format";
import { setLocale } from "./i18n";
import { sampleStatus } from "./testing";

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

describe("statusText", () => {
  test.each([
    [sampleStatus(), "Online — alice on Desk phone"],
    [sampleStatus({ terminal: null }), "Online — alice (no terminal chosen)"],
    [
      sampleStatus({ state: "reconnecting", retryInMs: 3_200, detail: "connection reset" }),
      "Reconnecting in 4 s — connection reset",
    ],
    [sampleStatus({ state: "reconnecting", retryInMs: null }), "Reconnecting…"],
    [sampleStatus({ state: "signed_out", login: null }), "Signed out"],
    [sampleStatus({ state: "connecting" }), "Connecting to https://pbx.example.com…"],
    [
      sampleStatus({ state: "failed", error: { code: "bad_credentials", message: "" } }),
      "Failed: Wrong login or password",
    ],
    [
      sampleStatus({ state: "failed", error: { code: "mystery", message: "odd" } }),
      "Failed: Unknown error: odd",
    ],
    [sampleStatus({ state: "failed", detail: "the server closed" }), "Failed: the server closed"],
    [sampleStatus({ state: "failed" }), "Failed: no reason given"],
    [sampleStatus({ state: "stopped" }), "Stopped"],
  ])("%#: %s", (status, text) => {
    expect(statusText(status)).toBe(text);
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

  test("status lines", () => {
    setLocale("fr");
    expect(statusText(sampleStatus())).toBe("En ligne — alice sur Desk phone");
    expect(statusText(sampleStatus({ state: "reconnecting", retryInMs: 3_200 }))).toBe(
      "Reconnexion dans 4 s",
    );
    expect(
      statusText(sampleStatus({ state: "failed", error: { code: "bad_credentials", message: "" } })),
    ).toBe("Échec\u00a0: Identifiant ou mot de passe incorrect");
  });

  test("dates and times are written the French way", () => {
    setLocale("fr");
    expect(formatDateTime(Date.UTC(2025, 2, 15, 12))).toMatch(/^15 mars 2025/);
    setLocale("en");
    expect(formatDateTime(Date.UTC(2025, 2, 15, 12))).toMatch(/^Mar 15, 2025/);
  });
});
