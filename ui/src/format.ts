/**
 * Pure text helpers shared by the pages: durations, relative times, what a call card or
 * history row says, and the status line.
 */
import type { CallView, StatusView } from "./bindings";
import { errorMessage } from "./ipc";

const twoDigits = (n: number): string => String(n).padStart(2, "0");

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

/** "just now", "5 min ago", "3 h ago", "1 day ago", "4 days ago". */
export function formatRelativeTime(thenMs: number, nowMs: number): string {
  const secs = (nowMs - thenMs) / 1000;
  if (secs < 60) return "just now";
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  const days = Math.floor(secs / 86400);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

const present = (text: string | null): text is string => text !== null && text.trim() !== "";

/** The number a person reads for this call: the server's display form first. */
export function displayedNumber(call: CallView): string | null {
  return [call.numberDisplay, call.number, call.e164].find(present) ?? null;
}

/** What the big line of a call says, and whether it is the caller's label or a number. */
export type CallTitle = { text: string; kind: "label" | "number" | "unknown" };

export function callTitle(call: CallView): CallTitle {
  if (present(call.label)) return { text: call.label, kind: "label" };
  const number = displayedNumber(call);
  return number === null ? { text: "Unknown number", kind: "unknown" } : { text: number, kind: "number" };
}

// "+33 1 23 45 67 89" and "+33123456789" are the same number to a reader.
const sameNumber = (a: string, b: string): boolean => a.replace(/[^\d+]/g, "") === b.replace(/[^\d+]/g, "");

/**
 * The small line under the title: the number when the title was a label, and the E.164
 * form when it says something the displayed number does not.
 */
export function callSubtitle(call: CallView): { number: string | null; e164: string | null } {
  const shown = displayedNumber(call);
  const e164 = present(call.e164) && (shown === null || !sameNumber(call.e164, shown)) ? call.e164 : null;
  return { number: callTitle(call).kind === "label" ? shown : null, e164 };
}

/** The state line of a popup card; `nowMs` drives the live talking timer. */
export function callStateText(call: CallView, nowMs: number): string {
  switch (call.state) {
    case "ringing":
      return call.direction === "incoming" ? "Incoming call…" : "Calling…";
    case "talking":
      return `Talking ${formatDuration(nowMs - (call.answeredAtMs ?? call.startedAtMs))}`;
    case "held":
      return "On hold";
    case "ended":
      if (call.missed) return "Missed call";
      return call.talkMs === null ? "Ended" : `Ended · ${formatDuration(call.talkMs)}`;
  }
}

/** How a call in the history turned out: its talk time, "Missed", or "No answer". */
export function callOutcomeText(call: CallView): string {
  if (call.missed) return "Missed";
  if (call.talkMs !== null) return formatDuration(call.talkMs);
  return call.state === "ended" ? "No answer" : "In progress";
}

/** The header status line: "Online — alice on Desk phone", "Reconnecting in 4 s — …", … */
export function statusText(status: StatusView): string {
  const withDetail = (text: string): string => (present(status.detail) ? `${text} — ${status.detail}` : text);
  switch (status.state) {
    case "signed_out":
      return "Signed out";
    case "connecting":
      return present(status.server) ? `Connecting to ${status.server}…` : "Connecting…";
    case "online": {
      if (!present(status.login)) return "Online";
      const where = status.terminal === null ? " (no terminal chosen)" : ` on ${status.terminal.name}`;
      return `Online — ${status.login}${where}`;
    }
    case "reconnecting":
      return withDetail(
        status.retryInMs !== null && status.retryInMs > 0
          ? `Reconnecting in ${Math.ceil(status.retryInMs / 1000)} s`
          : "Reconnecting…",
      );
    case "failed":
      if (status.error !== null) return `Failed: ${errorMessage(status.error.code, status.error.message)}`;
      return `Failed: ${present(status.detail) ? status.detail : "no reason given"}`;
    case "stopped":
      return withDetail("Stopped");
  }
}
