/**
 * Pure text helpers shared by the pages: relative times and dates, in the language in use
 * (`i18n.ts`). What a call says (`CallView.lines`) and the status line (`StatusView.line`) are
 * decided on the Rust side.
 */
import { fmt, locale, t } from "./i18n";

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
