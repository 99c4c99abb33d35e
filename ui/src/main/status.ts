/**
 * The main window's status line: connection state in words (the line the Rust side decided, which
 * it sends again every second while counting down to a reconnection), a "Do not disturb" marker,
 * the number of missed calls, a "Demo" badge against the built-in simulator, and an "Unencrypted connection" warning when the server address is
 * plain http (the password travels in clear), and Do not disturb as a toggle, one click away.
 * Where no tray shows the app's icon, a panel under it says so and offers what the rest of the
 * tray menu would: Dial clipboard, Sign out, Quit.
 */
import type { Ask, StatusView } from "../bindings";
import { el, notice } from "../dom";
import { fmt, t } from "../i18n";
import { ask, describeError, watchStatus } from "../ipc";

export function mount(host: HTMLElement): () => void {
  const words = t().status;
  const dot = el("span", { className: "status-dot", attrs: { "aria-hidden": "true" } });
  const text = el("span", { className: "status-text", text: words.loading });
  // Do not disturb, one click away: a toggle whose pressed state is the app's.
  const dnd = el("button", {
    className: "dnd-toggle",
    text: words.dnd,
    attrs: { type: "button", "aria-pressed": "false" },
  });
  dnd.addEventListener("click", () => {
    // A refusal shows until the next status comes (at once, or within a second).
    ask("toggleDoNotDisturb").catch((reason: unknown) => say(describeError(reason)));
  });
  const demo = el("span", { className: "badge demo", text: words.demo, attrs: { title: words.demoDetail } });
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
    demo,
    plainHttp,
    missed,
    dnd,
  );
  demo.hidden = true;
  missed.hidden = true;
  plainHttp.hidden = true;
  host.append(line);
  const noTray = trayStandIn();
  host.append(noTray.panel);

  /** The line can be cut by its width (a long terminal name or detail): the title has it all. */
  const say = (sentence: string): void => {
    text.textContent = sentence;
    text.title = sentence;
  };

  const show = (status: StatusView): void => {
    line.dataset.state = status.state;
    say(status.line);
    plainHttp.hidden = !status.plainHttp;
    demo.hidden = !status.demo;
    dnd.setAttribute("aria-pressed", String(status.dnd));
    missed.hidden = status.missedCount === 0;
    missed.textContent = fmt(words.missedBadge, { count: status.missedCount });
    missed.title = fmt(words.missedCalls, { count: status.missedCount });
    noTray.show(status);
  };

  const unwatch = watchStatus(show, (error) => {
    line.dataset.state = "failed";
    say(describeError(error));
  });

  return () => {
    unwatch();
    line.remove();
    noTray.panel.remove();
  };
}

/** The tray menu's place where no tray shows: why, how to get one, and its actions. */
function trayStandIn(): { panel: HTMLElement; show: (status: StatusView) => void } {
  const words = t();
  const refused = notice("tray-missing-error", "alert");
  const button = (text: string, className: string, asked: Ask): HTMLButtonElement => {
    const b = el("button", { className, text, attrs: { type: "button" } });
    b.addEventListener("click", () => {
      refused.show(null);
      ask(asked).catch((reason: unknown) => refused.show(describeError(reason), "error"));
    });
    return b;
  };
  const signOut = button(words.tray.signOut, "tray-sign-out", "signOut");
  const panel = el(
    "section",
    { className: "tray-missing", attrs: { "aria-label": words.status.trayActions } },
    el("p", { text: words.status.noTray }),
    el("p", { className: "hint", text: words.status.noTrayGnome }),
    el(
      "div",
      { className: "buttons" },
      button(words.tray.dialClipboard, "tray-dial-clipboard", "dialClipboard"),
      signOut,
      button(words.tray.quit, "tray-quit", "quit"),
    ),
    refused.element,
  );
  panel.hidden = true;
  return {
    panel,
    show: (status) => {
      panel.hidden = !status.trayMissing;
      signOut.hidden = status.state === "signed_out";
    },
  };
}
