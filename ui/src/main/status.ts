/**
 * The main window's status line: connection state in words (the line the Rust side decided, which
 * it sends again every second while counting down to a reconnection), a "Do not disturb" marker,
 * the number of missed calls, and an "Unencrypted connection" warning when the server address is
 * plain http (the password travels in clear).
 */
import type { StatusView } from "../bindings";
import { el } from "../dom";
import { fmt, t } from "../i18n";
import { describeError, watchStatus } from "../ipc";

export function mount(host: HTMLElement): () => void {
  const words = t().status;
  const dot = el("span", { className: "status-dot", attrs: { "aria-hidden": "true" } });
  const text = el("span", { className: "status-text", text: words.loading });
  const dnd = el("span", { className: "badge dnd", text: words.dnd });
  const missed = el("span", { className: "badge missed-count" });
  const plainHttp = el("span", {
    className: "badge plain-http",
    text: words.plainHttp,
    attrs: { title: words.plainHttpDetail },
  });
  const line = el(
    "div",
    { className: "status-line", attrs: { role: "status" } },
    dot,
    text,
    plainHttp,
    dnd,
    missed,
  );
  dnd.hidden = true;
  missed.hidden = true;
  plainHttp.hidden = true;
  host.append(line);

  /** The line can be cut by its width (a long terminal name or detail): the title has it all. */
  const say = (sentence: string): void => {
    text.textContent = sentence;
    text.title = sentence;
  };

  const show = (status: StatusView): void => {
    line.dataset.state = status.state;
    say(status.line);
    plainHttp.hidden = !status.plainHttp;
    dnd.hidden = !status.dnd;
    missed.hidden = status.missedCount === 0;
    missed.textContent = fmt(words.missedBadge, { count: status.missedCount });
    missed.title = fmt(words.missedCalls, { count: status.missedCount });
  };

  const unwatch = watchStatus(show, (error) => {
    line.dataset.state = "failed";
    say(describeError(error));
  });

  return () => {
    unwatch();
    line.remove();
  };
}
