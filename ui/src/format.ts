/**
 * Pure text helpers shared by the pages: relative times, dates and the status line, in the
 * language in use (`i18n.ts`). What a call says is decided on the Rust side (`CallView.lines`).
 */
import type { StatusView } from "./bindings";
import { fmt, locale, t } from "./i18n";
import { errorMessage } from "./ipc";

/** "just now", "5 min ago", "3 h ago", "1 day ago", "4 days ago" (or the French of it). */
export function formatRelativeTime(thenMs: number, nowMs: number): string {
  const words = t().time;
  const secs = (nowMs - thenMs) / 1000;
  if (secs < 60) return words.justNow;
  if (secs < 3600) return fmt(words.minutesAgo, { minutes: Math.floor(secs / 60) });
  if (secs < 86400) return fmt(words.hoursAgo, { hours: Math.floor(secs / 3600) });
  return fmt(words.daysAgo, { count: Math.floor(secs / 86400) });
}

/** A date and time the way the language in use writes them: "Mar 1, 2025, 10:00 AM". */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

const present = (text: string | null): text is string => text !== null && text.trim() !== "";

/** The header status line: "Online — alice on Desk phone", "Reconnecting in 4 s — …", … */
export function statusText(status: StatusView): string {
  const words = t().status;
  const withDetail = (text: string): string => (present(status.detail) ? `${text} — ${status.detail}` : text);
  switch (status.state) {
    case "signed_out":
      return words.signedOut;
    case "connecting":
      return present(status.server) ? fmt(words.connectingTo, { server: status.server }) : words.connecting;
    case "online":
      if (!present(status.login)) return words.online;
      return status.terminal === null
        ? fmt(words.onlineNoTerminal, { login: status.login })
        : fmt(words.onlineOn, { login: status.login, terminal: status.terminal.name });
    case "reconnecting":
      return withDetail(
        status.retryInMs !== null && status.retryInMs > 0
          ? fmt(words.reconnectingIn, { seconds: Math.ceil(status.retryInMs / 1000) })
          : words.reconnecting,
      );
    case "failed": {
      const reason =
        status.error !== null
          ? errorMessage(status.error.code, status.error.message)
          : present(status.detail)
            ? status.detail
            : words.noReason;
      return fmt(words.failed, { reason });
    }
    case "stopped":
      return withDetail(words.stopped);
  }
}
