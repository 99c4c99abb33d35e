/**
 * The call popup on Windows and macOS (Linux draws it with GTK: `src-tauri/src/popup_gtk.rs`,
 * same lines and buttons): one card per call the Rust side wants shown, newest on top, each
 * with a live state line and "Copy number" / "Dismiss" buttons, plus "Open in CRM" when a
 * screen pop address is configured.
 *
 * Cards are kept by call id across updates, so a button's "Copied" or pending state survives
 * a `popup-calls-changed` event. The host element carries `data-call-count`.
 */
import type { CallView } from "./bindings";
import { callTitleElement, el, isolated } from "./dom";
import { callStateText, callSubtitle, callTitle, clipText, displayedNumber, secondaryLabel } from "./format";
import { t } from "./i18n";
import { copyNumber, describeError, dismissCall, screenPop, watchPopupCalls } from "./ipc";

const TICK_MS = 1000;
const FEEDBACK_MS = 2000;
const ERROR_MS = 4000;

type CallCard = {
  element: HTMLElement;
  update(call: CallView): void;
  tick(nowMs: number): void;
  discard(): void;
};

function createCard(first: CallView): CallCard {
  const words = t().popup;
  let call = first;
  let error: string | null = null;
  let errorTimer: number | undefined;
  let copiedTimer: number | undefined;

  const details = el("div", { className: "details" });
  const state = el("span", { className: "state" });
  const crm = el("button", { className: "screen-pop", text: words.openInCrm, attrs: { type: "button" } });
  const copy = el("button", { className: "copy", text: words.copyNumber, attrs: { type: "button" } });
  const dismiss = el("button", { className: "dismiss", text: words.dismiss, attrs: { type: "button" } });
  const element = el(
    "article",
    { attrs: { "data-call-id": call.id } },
    details,
    el("div", { className: "actions" }, crm, copy, dismiss),
  );

  // What a screen reader says for the card: its lines in reading order. WebKit leaves the
  // items of a flex row out of the accessibility tree, so the card carries them as its name.
  let summary: string[] = [];

  const showState = (nowMs: number): void => {
    state.textContent = error ?? callStateText(call, nowMs);
    state.classList.toggle("error", error !== null);
    element.setAttribute("aria-label", [...summary, state.textContent].join(", "));
  };

  const showError = (reason: unknown): void => {
    error = describeError(reason);
    showState(Date.now());
    window.clearTimeout(errorTimer);
    errorTimer = window.setTimeout(() => {
      error = null;
      showState(Date.now());
    }, ERROR_MS);
  };

  const render = (): void => {
    const title = callTitle(call);
    const { number, e164 } = callSubtitle(call);
    const label = secondaryLabel(call);
    const subtitle = el("div", { className: "subtitle" });
    if (label !== null) subtitle.append(isolated(label, "label"));
    if (number !== null) subtitle.append(isolated(number, "number", "ltr"));
    if (e164 !== null) subtitle.append(isolated(e164, "e164", "ltr"));
    const meta = el("div", { className: "meta" });
    if (call.callType !== null) {
      meta.append(
        el("span", {
          className: "badge call-type",
          text: call.callType === "internal" ? t().call.internal : t().call.external,
        }),
      );
    }
    if (call.acd !== null && call.acd !== "") meta.append(isolated(t().call.via(call.acd), "badge acd"));
    meta.append(state);
    const badges = [...meta.querySelectorAll(".badge")].map((badge) => badge.textContent);
    summary = [title.text, label, number, e164, ...badges]
      .filter((part): part is string => part !== null && part !== "")
      .map(clipText);
    details.replaceChildren(callTitleElement(title), subtitle, meta);
    element.className = `call ${call.state} ${call.direction}${call.missed ? " missed" : ""}`;
    copy.disabled = displayedNumber(call) === null;
    crm.hidden = !call.screenPop;
    showState(Date.now());
  };

  copy.addEventListener("click", () => {
    copy.disabled = true;
    copyNumber(call.id)
      .then(() => {
        copy.textContent = words.copied;
        window.clearTimeout(copiedTimer);
        copiedTimer = window.setTimeout(() => {
          copy.textContent = words.copyNumber;
        }, FEEDBACK_MS);
      }, showError)
      .finally(() => {
        copy.disabled = displayedNumber(call) === null;
      });
  });

  crm.addEventListener("click", () => {
    crm.disabled = true;
    screenPop(call.id)
      .catch(showError)
      .finally(() => {
        crm.disabled = false;
      });
  });

  dismiss.addEventListener("click", () => {
    // The card goes when the Rust side sends the list without it.
    dismiss.disabled = true;
    dismissCall(call.id).catch((reason: unknown) => {
      dismiss.disabled = false;
      showError(reason);
    });
  });

  render();
  return {
    element,
    update(next) {
      call = next;
      render();
    },
    tick(nowMs) {
      if (call.state === "talking") showState(nowMs);
    },
    discard() {
      window.clearTimeout(errorTimer);
      window.clearTimeout(copiedTimer);
      element.remove();
    },
  };
}

export function mount(host: HTMLElement): () => void {
  const list = el("main", { className: "popup" });
  host.append(list);
  host.dataset.callCount = "0";
  const cards = new Map<string, CallCard>();
  let ticker: number | undefined;

  const tick = (): void => {
    const now = Date.now();
    for (const card of cards.values()) card.tick(now);
  };

  const show = (calls: CallView[]): void => {
    const ids = new Set(calls.map((call) => call.id));
    for (const [id, card] of cards) {
      if (!ids.has(id)) {
        card.discard();
        cards.delete(id);
      }
    }
    for (const call of calls) {
      const card = cards.get(call.id);
      if (card === undefined) {
        cards.set(call.id, createCard(call));
      } else {
        card.update(call);
      }
    }
    // Appending an element already in the list moves it: this puts the cards in the given order.
    list.append(...calls.flatMap((call) => cards.get(call.id)?.element ?? []));
    host.dataset.callCount = String(calls.length);

    const live = calls.some((call) => call.state === "talking");
    if (live && ticker === undefined) {
      ticker = window.setInterval(tick, TICK_MS);
    } else if (!live && ticker !== undefined) {
      window.clearInterval(ticker);
      ticker = undefined;
    }
  };

  const unwatch = watchPopupCalls(show, (error) => {
    console.error("popup: cannot load calls", error);
  });

  return () => {
    unwatch();
    window.clearInterval(ticker);
    for (const card of cards.values()) card.discard();
    list.remove();
    delete host.dataset.callCount;
  };
}
