/**
 * Pure text helpers shared by the pages: durations, relative times and dates, what a call card
 * or history row says, and the status line — all in the language in use (`i18n.ts`).
 */
import type { CallView, StatusView } from "./bindings";
import { locale, t } from "./i18n";
import { errorMessage } from "./ipc";

const twoDigits = (n: number): string => String(n).padStart(2, "0");

/** The most characters outside text (a caller's label, a contact's name) shows. */
export const MAX_SHOWN_CHARS = 120;

/**
 * `text` cut to at most `MAX_SHOWN_CHARS` characters, the last of them "…" when it was cut.
 * Characters are code points: a cut never splits a surrogate pair, and each combining mark
 * counts, so a pile of them is cut too.
 */
export function clipText(text: string): string {
  // A string's length counts UTF-16 units, never fewer than its code points.
  if (text.length <= MAX_SHOWN_CHARS) return text;
  const kept: string[] = [];
  for (const char of text) {
    if (kept.length === MAX_SHOWN_CHARS) return `${kept.slice(0, -1).join("").trimEnd()}…`;
    kept.push(char);
  }
  return text;
}

/** `mm:ss` under an hour, `h:mm:ss` from an hour on; negative spans read `00:00`. */
export function formatDuration(ms: number): string {
  const totalSecs = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSecs / 3600);
  const minutes = Math.floor((totalSecs % 3600) / 60);
  const seconds = totalSecs % 60;
  return hours > 0
    ? `${hours}:${twoDigits(minutes)}:${twoDigits(seconds)}`
    : `${twoDigits(minutes)}:${twoDigits(seconds)}`;
}

/** "just now", "5 min ago", "3 h ago", "1 day ago", "4 days ago" (or the French of it). */
export function formatRelativeTime(thenMs: number, nowMs: number): string {
  const words = t().time;
  const secs = (nowMs - thenMs) / 1000;
  if (secs < 60) return words.justNow;
  if (secs < 3600) return words.minutesAgo(Math.floor(secs / 60));
  if (secs < 86400) return words.hoursAgo(Math.floor(secs / 3600));
  return words.daysAgo(Math.floor(secs / 86400));
}

/** A date and time the way the language in use writes them: "Mar 1, 2025, 10:00 AM". */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

const present = (text: string | null): text is string => text !== null && text.trim() !== "";

/** The number a person reads for this call: the server's display form first. */
export function displayedNumber(call: CallView): string | null {
  return [call.numberDisplay, call.number, call.e164].find(present) ?? null;
}

/**
 * What the big line of a call says, and what it is: the caller's name from the user's
 * contacts, the platform's label, or a number.
 */
export type CallTitle = { text: string; kind: "name" | "label" | "number" | "unknown" };

export function callTitle(call: CallView): CallTitle {
  if (present(call.name)) return { text: call.name, kind: "name" };
  if (present(call.label)) return { text: call.label, kind: "label" };
  const number = displayedNumber(call);
  return number === null
    ? { text: t().call.unknownNumber, kind: "unknown" }
    : { text: number, kind: "number" };
}

// "+33 1 23 45 67 89" and "+33123456789" are the same number to a reader; text without digits
// is no number at all.
const digitsOf = (text: string): string => text.replace(/[^\d+]/g, "");
const sameNumber = (a: string, b: string): boolean => /\d/.test(a) && digitsOf(a) === digitsOf(b);

/**
 * The small line under the title: the number when the title was a name or label, and the
 * E.164 form when it says something the displayed number does not.
 */
export function callSubtitle(call: CallView): { number: string | null; e164: string | null } {
  const kind = callTitle(call).kind;
  const shown = displayedNumber(call);
  const e164 = present(call.e164) && (shown === null || !sameNumber(call.e164, shown)) ? call.e164 : null;
  return { number: kind === "name" || kind === "label" ? shown : null, e164 };
}

/**
 * The platform's label when the title is a contact's name and the label says something else
 * (neither the name nor one of the call's numbers); shown as secondary text.
 */
export function secondaryLabel(call: CallView): string | null {
  const title = callTitle(call);
  if (title.kind !== "name" || !present(call.label)) return null;
  const label = call.label.trim();
  const numbers = [call.numberDisplay, call.number, call.e164].filter(present);
  if (label === title.text.trim() || numbers.some((number) => sameNumber(label, number))) return null;
  return label;
}

/** The state line of a popup card; `nowMs` drives the live talking timer. */
export function callStateText(call: CallView, nowMs: number): string {
  const words = t().call;
  switch (call.state) {
    case "ringing":
      return call.direction === "incoming" ? words.incomingRinging : words.outgoingRinging;
    case "talking":
      return words.talking(formatDuration(nowMs - (call.answeredAtMs ?? call.startedAtMs)));
    case "held":
      return words.onHold;
    case "ended":
      if (call.missed) return words.missedCall;
      return call.talkMs === null ? words.ended : words.endedAfter(formatDuration(call.talkMs));
  }
}

/** How a call in the history turned out: its talk time, "Missed", or "No answer". */
export function callOutcomeText(call: CallView): string {
  const words = t().call;
  if (call.missed) return words.missed;
  if (call.talkMs !== null) return formatDuration(call.talkMs);
  return call.state === "ended" ? words.noAnswer : words.inProgress;
}

/** The header status line: "Online — alice on Desk phone", "Reconnecting in 4 s — …", … */
export function statusText(status: StatusView): string {
  const words = t().status;
  const withDetail = (text: string): string => (present(status.detail) ? `${text} — ${status.detail}` : text);
  switch (status.state) {
    case "signed_out":
      return words.signedOut;
    case "connecting":
      return present(status.server) ? words.connectingTo(status.server) : words.connecting;
    case "online":
      if (!present(status.login)) return words.online;
      return status.terminal === null
        ? words.onlineNoTerminal(status.login)
        : words.onlineOn(status.login, status.terminal.name);
    case "reconnecting":
      return withDetail(
        status.retryInMs !== null && status.retryInMs > 0
          ? words.reconnectingIn(Math.ceil(status.retryInMs / 1000))
          : words.reconnecting,
      );
    case "failed":
      if (status.error !== null) return words.failed(errorMessage(status.error.code, status.error.message));
      return words.failed(present(status.detail) ? status.detail : words.noReason);
    case "stopped":
      return withDetail(words.stopped);
  }
}
