import { describe, expect, test } from "vitest";
import {
  callOutcomeText,
  callStateText,
  callSubtitle,
  callTitle,
  clipText,
  formatDateTime,
  formatDuration,
  formatRelativeTime,
  MAX_SHOWN_CHARS,
  secondaryLabel,
  statusText,
} from "./format";
import { setLocale } from "./i18n";
import { sampleCall, sampleStatus } from "./testing";

describe("clipText", () => {
  test("leaves text of up to 120 characters as it is", () => {
    expect(MAX_SHOWN_CHARS).toBe(120);
    expect(clipText("")).toBe("");
    expect(clipText("x".repeat(120))).toBe("x".repeat(120));
  });

  test("cuts longer text to 120 characters, the last one …", () => {
    expect(clipText("x".repeat(121))).toBe(`${"x".repeat(119)}…`);
    expect(Array.from(clipText("x".repeat(10_000)))).toHaveLength(120);
  });

  test("counts characters, not UTF-16 units, and never splits a pair", () => {
    const emoji = "😀".repeat(120);
    expect(emoji.length).toBe(240);
    expect(clipText(emoji)).toBe(emoji);
    expect(clipText(`${emoji}😀`)).toBe(`${"😀".repeat(119)}…`);
  });

  test("does not leave a space before the …", () => {
    expect(clipText(`${"x".repeat(118)} yz`)).toBe(`${"x".repeat(118)}…`);
  });

  test("counts each combining mark, so a pile of them is cut", () => {
    const zalgo = `Z${"\u0301".repeat(5_000)}`;
    expect(Array.from(clipText(zalgo))).toHaveLength(120);
  });
});

describe("formatDuration", () => {
  test.each([
    [0, "00:00"],
    [999, "00:00"],
    [65_000, "01:05"],
    [3_599_000, "59:59"],
    [3_600_000, "1:00:00"],
    [37_230_000, "10:20:30"],
    [-5_000, "00:00"],
  ])("%i ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

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

describe("call title and subtitle", () => {
  test("the label wins, with the displayed number underneath", () => {
    const call = sampleCall();
    expect(callTitle(call)).toEqual({ text: "ACME Corp", kind: "label" });
    expect(callSubtitle(call)).toEqual({ number: "01 23 45 67 89", e164: "+33123456789" });
  });

  test("an empty label falls back to the number", () => {
    expect(callTitle(sampleCall({ label: "  " }))).toEqual({ text: "01 23 45 67 89", kind: "number" });
  });

  test("the raw number is used when there is no display form", () => {
    expect(callTitle(sampleCall({ label: null, numberDisplay: null }))).toEqual({
      text: "0123456789",
      kind: "number",
    });
  });

  test("the international form is hidden when it only differs by spacing", () => {
    const call = sampleCall({ numberDisplay: "+33 1 23 45 67 89" });
    expect(callSubtitle(call).e164).toBeNull();
  });

  test("a call without any number is an Unknown number", () => {
    const call = sampleCall({ label: null, number: null, numberDisplay: null, e164: null });
    expect(callTitle(call)).toEqual({ text: "Unknown number", kind: "unknown" });
    expect(callSubtitle(call)).toEqual({ number: null, e164: null });
  });
});

describe("callStateText", () => {
  const start = 1_000_000;
  test.each([
    [sampleCall({ state: "ringing" }), "Incoming call…"],
    [sampleCall({ state: "ringing", direction: "outgoing" }), "Calling…"],
    [sampleCall({ state: "talking", startedAtMs: start, answeredAtMs: start + 5_000 }), "Talking 01:23"],
    [sampleCall({ state: "held" }), "On hold"],
    [sampleCall({ state: "ended", missed: true }), "Missed call"],
    [sampleCall({ state: "ended", talkMs: 125_000 }), "Ended · 02:05"],
    [sampleCall({ state: "ended", direction: "outgoing" }), "Ended"],
  ])("%#: %s", (call, text) => {
    expect(callStateText(call, start + 88_000)).toBe(text);
  });
});

describe("callOutcomeText", () => {
  test("missed, talked, unanswered and live calls", () => {
    expect(callOutcomeText(sampleCall({ state: "ended", missed: true }))).toBe("Missed");
    expect(callOutcomeText(sampleCall({ state: "ended", talkMs: 61_000 }))).toBe("01:01");
    expect(callOutcomeText(sampleCall({ state: "ended", direction: "outgoing" }))).toBe("No answer");
    expect(callOutcomeText(sampleCall({ state: "talking" }))).toBe("In progress");
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
    [sampleStatus({ state: "stopped" }), "Stopped"],
  ])("%#: %s", (status, text) => {
    expect(statusText(status)).toBe(text);
  });
});

describe("a contact's name", () => {
  test("comes before the label and the number, with the number underneath", () => {
    const call = sampleCall({ name: "Alice Martin", label: "0123456789" });
    expect(callTitle(call)).toEqual({ text: "Alice Martin", kind: "name" });
    expect(callSubtitle(call)).toEqual({ number: "01 23 45 67 89", e164: "+33123456789" });
  });

  test("a blank name falls back to the label", () => {
    expect(callTitle(sampleCall({ name: " " }))).toEqual({ text: "ACME Corp", kind: "label" });
  });

  test("a label saying something else is kept as secondary text", () => {
    expect(secondaryLabel(sampleCall({ name: "Alice Martin", label: "Reception" }))).toBe("Reception");
  });

  test("a label that is only the number, or the name again, is not repeated", () => {
    expect(secondaryLabel(sampleCall({ name: "Alice Martin", label: "01 23 45 67 89" }))).toBeNull();
    expect(secondaryLabel(sampleCall({ name: "Alice Martin", label: "+33 1 23 45 67 89" }))).toBeNull();
    expect(secondaryLabel(sampleCall({ name: "Alice Martin", label: "Alice Martin " }))).toBeNull();
    expect(secondaryLabel(sampleCall({ name: "Alice Martin", label: null }))).toBeNull();
  });

  test("without a name there is no secondary label", () => {
    expect(secondaryLabel(sampleCall())).toBeNull();
  });
});

describe("in French", () => {
  test("call states, outcomes and times", () => {
    setLocale("fr");
    const start = 1_000_000;
    expect(callStateText(sampleCall({ state: "ringing" }), start)).toBe("Appel entrant…");
    expect(callStateText(sampleCall({ state: "talking", startedAtMs: start }), start + 83_000)).toBe(
      "En communication 01:23",
    );
    expect(callStateText(sampleCall({ state: "ended", missed: true }), start)).toBe("Appel manqué");
    expect(callOutcomeText(sampleCall({ state: "ended", direction: "outgoing" }))).toBe("Sans réponse");
    expect(formatRelativeTime(start - 5 * 60_000, start)).toBe("il y a 5 min");
    expect(formatRelativeTime(start, start)).toBe("à l'instant");
    expect(callTitle(sampleCall({ label: null, number: null, numberDisplay: null, e164: null })).text).toBe(
      "Numéro inconnu",
    );
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
