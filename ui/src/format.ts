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

/** The local calendar day of `ms`, as a key that differs from one day to the next. */
export function dayKey(ms: number): string {
  const day = new Date(ms);
  return `${day.getFullYear()}-${day.getMonth()}-${day.getDate()}`;
}

/** A day heading: "Today", "Yesterday", else the date with its weekday ("Monday, March 3"; the
 * year too when it is not this one), in the language in use. */
export function formatDay(ms: number, nowMs: number): string {
  const words = t().time;
  if (dayKey(ms) === dayKey(nowMs)) return words.today;
  const yesterday = new Date(nowMs);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayKey(ms) === dayKey(yesterday.getTime())) return words.yesterday;
  const sameYear = new Date(ms).getFullYear() === new Date(nowMs).getFullYear();
  const text = new Intl.DateTimeFormat(locale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(ms);
  return text.charAt(0).toLocaleUpperCase(locale()) + text.slice(1);
}
