/**
 * The call popup, on every platform: one card per call the Rust side wants shown, newest on
 * top. The Rust side decides what a card says (`CallView.lines`, in the user's language) and
 * sends the calls again whenever that changes, every second while one is talking; this page
 * only lays the lines out.
 *
 * A card, top to bottom: who (the title); the label, number and E.164 form; the call type and
 * queue chips; the state line. Beside them the buttons: "Open in CRM" when a screen pop address
 * is configured, "Copy number", "Call back" when the Rust side offers it, and "Dismiss", beside
 * it "Note" once the call ended (History opens on the call's note). Every card is
 * `POPUP_CARD_HEIGHT` high, the height the Rust side sizes the window by.
 *
 * The calls of the first paint come with the page (`window.__ISTRA__.popupCalls`), so they show
 * without waiting for an IPC round trip. Cards are kept by call id across updates, so a
 * button's "Copied" or pending state survives a `popup-calls-changed` event. The host element
 * carries `data-call-count`.
 */
import type { CallLines, CallView, Painted } from "./bindings";
import { POPUP_CARD_HEIGHT } from "./bindings/constants";
import { callSubtitleElement, callTitleElement, el, isolated } from "./dom";
import { t } from "./i18n";
import {
  callBack,
  copyNumber,
  describeError,
  dismissCall,
  openNote,
  popupPainted,
  screenPop,
  watchPopupCalls,
} from "./ipc";

const FEEDBACK_MS = 2000;
const ERROR_MS = 4000;

/**
 * What a screen reader says for a card: the Rust side's summary, which ends with the state,
 * with an error shown in the state's place (after the summary should it not end so). WebKit
 * leaves the items of a flex row out of the accessibility tree, so the card carries its lines
 * as its name.
 */
function spokenSummary({ summary, state }: CallLines, error: string | null): string {
  if (error === null) return summary;
  return summary.endsWith(state)
    ? `${summary.slice(0, summary.length - state.length)}${error}`
    : `${summary}, ${error}`;
}

type CallCard = {
  element: HTMLElement;
  update(call: CallView): void;
  discard(): void;
};

function createCard(first: CallView): CallCard {
  const words = t().popup;
  let call = first;
  let error: string | null = null;
  let errorTimer: number | undefined;
  let copiedTimer: number | undefined;
  /** The buttons whose command is still running. */
  const pending = new Set<HTMLButtonElement>();
  /** Dismissed: the card stays until the Rust side sends the calls without it. */
  let dismissed = false;

  const button = (className: string, text: string): HTMLButtonElement =>
    el("button", { className, text, attrs: { type: "button" } });
  const crm = button("screen-pop", words.openInCrm);
  const copy = button("copy", words.copyNumber);
  const back = button("call-back", t().call.callBack);
  const note = button("note", words.note);
  const dismiss = button("dismiss", words.dismiss);
  const details = el("div", { className: "details" });
  const state = el("div", { className: "state" });
  const element = el(
    "article",
    { attrs: { "data-call-id": call.id } },
    details,
    el("div", { className: "actions" }, crm, copy, back, el("div", { className: "pair" }, note, dismiss)),
  );

  const showState = (): void => {
    state.textContent = error ?? call.lines.state;
    state.classList.toggle("error", error !== null);
    element.setAttribute("aria-label", spokenSummary(call.lines, error));
  };

  const showError = (reason: unknown): void => {
    error = describeError(reason);
    showState();
    window.clearTimeout(errorTimer);
    errorTimer = window.setTimeout(() => {
      error = null;
      showState();
    }, ERROR_MS);
  };

  const showButtons = (): void => {
    crm.hidden = !call.screenPop;
    back.hidden = !call.offersCallBack;
    note.hidden = call.state !== "ended";
    crm.disabled = pending.has(crm);
    copy.disabled = pending.has(copy) || !call.hasNumber;
    back.disabled = pending.has(back);
    note.disabled = pending.has(note);
    dismiss.disabled = pending.has(dismiss) || dismissed;
  };

  /** Runs `command` on click, the button disabled until it settles; a failure shows on the state line. */
  const onPress = (pressed: HTMLButtonElement, command: () => Promise<unknown>): void => {
    pressed.addEventListener("click", () => {
      pending.add(pressed);
      showButtons();
      command()
        .catch(showError)
        .finally(() => {
          pending.delete(pressed);
          showButtons();
        });
    });
  };

  const render = (): void => {
    const { lines } = call;
    const chips = el("div", { className: "chips" });
    if (lines.callType !== null)
      chips.append(el("span", { className: "badge call-type", text: lines.callType }));
    if (lines.queue !== null) chips.append(isolated(lines.queue, "badge queue"));
    details.replaceChildren(callTitleElement(lines), callSubtitleElement(lines), chips, state);
    element.className = `call ${call.state} ${call.direction}${call.missed ? " missed" : ""}`;
    showButtons();
    showState();
  };

  onPress(crm, () => screenPop(call.id));
  onPress(copy, () =>
    copyNumber(call.id).then(() => {
      copy.textContent = words.copied;
      window.clearTimeout(copiedTimer);
      copiedTimer = window.setTimeout(() => {
        copy.textContent = words.copyNumber;
      }, FEEDBACK_MS);
    }),
  );
  // A call placed gets a card of its own, which says it is calling.
  onPress(back, () => callBack(call.id));
  // The note is written in History, where there is room for it.
  onPress(note, () => openNote(call.id));
  onPress(dismiss, () =>
    dismissCall(call.id).then(() => {
      dismissed = true;
    }),
  );

  render();
  return {
    element,
    update(next) {
      call = next;
      render();
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
  // The CSS takes the height from here so the number lives in one place; a strict CSP
  // (`style-src 'self'`) allows setting it through the CSSOM, unlike a style attribute.
  list.style.setProperty("--card-height", `${POPUP_CARD_HEIGHT}px`);
  host.append(list);
  host.dataset.callCount = "0";
  const cards = new Map<string, CallCard>();

  // The page's first cards came with it (a new popup window); the others arrived while it was
  // ready. Each new card tells the Rust side when it was painted, and again when it shows the
  // name a lookup found, for the log and the bench.
  let firstPaint = true;
  /** The calls whose card shows a name. */
  const named = new Set<string>();
  const reportPainted = (callId: string, painted: Painted): void => {
    // A timer set from an animation frame runs once that frame is painted.
    window.requestAnimationFrame(() => {
      window.setTimeout(() => {
        popupPainted(callId, Date.now(), painted).catch(() => undefined);
      }, 0);
    });
  };

  const show = (calls: CallView[]): void => {
    const ids = new Set(calls.map((call) => call.id));
    for (const [id, card] of cards) {
      if (!ids.has(id)) {
        card.discard();
        cards.delete(id);
        named.delete(id);
      }
    }
    for (const call of calls) {
      const card = cards.get(call.id);
      if (card === undefined) {
        cards.set(call.id, createCard(call));
        reportPainted(call.id, firstPaint ? "cold" : "warm");
      } else {
        card.update(call);
        if (call.name !== null && !named.has(call.id)) reportPainted(call.id, "named");
      }
      if (call.name !== null) named.add(call.id);
    }
    // Appending an element already in the list moves it: this puts the cards in the given order.
    list.append(...calls.flatMap((call) => cards.get(call.id)?.element ?? []));
    host.dataset.callCount = String(calls.length);
    firstPaint = false;
  };

  const firstCalls = window.__ISTRA__?.popupCalls;
  if (Array.isArray(firstCalls)) show(firstCalls);
  const unwatch = watchPopupCalls(show, (error) => {
    console.error("popup: cannot load calls", error);
  });

  return () => {
    unwatch();
    for (const card of cards.values()) card.discard();
    list.remove();
    delete host.dataset.callCount;
  };
}
