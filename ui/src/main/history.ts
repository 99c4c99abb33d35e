/**
 * The Recent tab: the last calls, newest first, each with direction, who, when, how it went,
 * and "Call back" / "Copy" buttons. Relative times ("5 min ago") are refreshed every half minute.
 */
import type { CallView } from "../bindings";
import { callTitleElement, el, isolated, notice } from "../dom";
import { callOutcomeText, callSubtitle, callTitle, displayedNumber, formatRelativeTime } from "../format";
import { callBack, copyNumber, describeError, watchRecentCalls } from "../ipc";

const REFRESH_MS = 30_000;

export function mount(host: HTMLElement): () => void {
  const list = el("ol", { className: "recent-list" });
  const empty = el("p", { className: "empty", text: "No recent calls." });
  const panelNotice = notice("recent-notice");
  host.append(panelNotice.element, list, empty);
  empty.hidden = true;

  let times: Array<{ element: HTMLTimeElement; atMs: number }> = [];

  const refreshTimes = (): void => {
    const now = Date.now();
    for (const { element, atMs } of times) element.textContent = formatRelativeTime(atMs, now);
  };

  const act = (button: HTMLButtonElement, action: () => Promise<string>): void => {
    button.addEventListener("click", () => {
      button.disabled = true;
      panelNotice.show(null);
      action()
        .then(
          (done) => panelNotice.show(done, "success"),
          (reason: unknown) => panelNotice.show(describeError(reason), "error"),
        )
        .finally(() => {
          button.disabled = false;
        });
    });
  };

  const row = (call: CallView): HTMLLIElement => {
    const title = callTitle(call);
    const { number } = callSubtitle(call);
    const who = el("div", { className: "who" }, callTitleElement(title));
    if (number !== null) who.append(isolated(number, "number", "ltr"));

    const when = el("time", {
      className: "when",
      attrs: {
        datetime: new Date(call.startedAtMs).toISOString(),
        title: new Date(call.startedAtMs).toLocaleString(),
      },
    });
    times.push({ element: when, atMs: call.startedAtMs });

    const reachable = displayedNumber(call) !== null;
    const back = el("button", { className: "call-back", text: "Call back", attrs: { type: "button" } });
    const copy = el("button", { className: "copy", text: "Copy", attrs: { type: "button" } });
    back.disabled = !reachable;
    copy.disabled = !reachable;
    act(back, () => callBack(call.id).then((outcome) => `Calling ${outcome.display}`));
    act(copy, () => copyNumber(call.id).then(() => "Number copied"));

    const direction = call.direction === "incoming" ? "Incoming" : "Outgoing";
    return el(
      "li",
      {
        className: `recent-call ${call.direction}${call.missed ? " missed" : ""}`,
        attrs: { "data-call-id": call.id },
      },
      el("span", {
        className: "direction",
        attrs: { role: "img", "aria-label": direction, title: direction },
      }),
      who,
      when,
      el("span", { className: "outcome", text: callOutcomeText(call) }),
      el("span", { className: "row-actions" }, back, copy),
    );
  };

  const show = (calls: CallView[]): void => {
    times = [];
    list.replaceChildren(...calls.map(row));
    empty.hidden = calls.length > 0;
    refreshTimes();
  };

  const unwatch = watchRecentCalls(show, (error) => panelNotice.show(describeError(error), "error"));
  const refresher = window.setInterval(refreshTimes, REFRESH_MS);

  return () => {
    unwatch();
    window.clearInterval(refresher);
    panelNotice.element.remove();
    list.remove();
    empty.remove();
  };
}
