/**
 * The Dial tab: type or paste a number, press Enter or "Call". The Rust side reads the text
 * (country rules, outside-line prefix) and answers with what it dialled.
 *
 * While the user types, numbers from the contacts and the call history are suggested in a list
 * under the field (an ARIA combobox): once the text has `MIN_SUGGEST_CHARS` characters and the
 * typing pauses, the Rust side is asked; only the answer to the latest question is shown. Arrow
 * keys move through the list, Enter or a click dials the highlighted number, Escape closes it.
 * A suggestion shows its number as a person reads it (`display`, decided on the Rust side:
 * "+33 1 23 45 67 89" for an E.164 number) and dials its `number`.
 *
 * Under the field, a desk phone's keypad: each key types its character where the caret is (or
 * over the selection), as typing would, so the suggestions follow; holding 0 types "+".
 * Pressing a key leaves the focus in the field, so the keyboard, arrow keys and Enter go on
 * working there. A Backspace key beside the field erases the character before the caret.
 */
import type { Suggestion } from "../bindings";
import { el, isolated, notice } from "../dom";
import { fmt, t } from "../i18n";
import { describeError, dialText, suggestNumbers } from "../ipc";

/** Typing pauses this long before suggestions are asked for. */
export const SUGGEST_DELAY_MS = 150;
/** Shorter text asks for no suggestions. */
export const MIN_SUGGEST_CHARS = 2;
/** The Rust side refuses longer text (a search, not a number); it asks for no suggestions. */
const MAX_SUGGEST_CHARS = 200;
/** The list never shows more numbers than this. */
export const MAX_SUGGESTIONS = 8;

/** Holding 0 this long types "+" instead. */
export const LONG_PRESS_MS = 500;

/** The keys of the pad as phones lay them out (ITU E.161), row by row: character and letters. */
export const KEYS: ReadonlyArray<{ key: string; letters: string }> = [
  { key: "1", letters: "" },
  { key: "2", letters: "ABC" },
  { key: "3", letters: "DEF" },
  { key: "4", letters: "GHI" },
  { key: "5", letters: "JKL" },
  { key: "6", letters: "MNO" },
  { key: "7", letters: "PQRS" },
  { key: "8", letters: "TUV" },
  { key: "9", letters: "WXYZ" },
  { key: "*", letters: "" },
  { key: "0", letters: "+" },
  { key: "#", letters: "" },
];

const LIST_ID = "dial-suggestions";
const optionId = (index: number): string => `${LIST_ID}-${index}`;

/** One suggested number: who (when known), the number, and where it comes from. */
function optionElement(suggestion: Suggestion, index: number): HTMLLIElement {
  const option = el("li", {
    className: `suggestion ${suggestion.source}`,
    attrs: { role: "option", id: optionId(index), "aria-selected": "false" },
  });
  if (suggestion.name !== null && suggestion.name.trim() !== "") {
    option.append(isolated(suggestion.name, "name"));
  }
  option.append(
    isolated(suggestion.display, "number", "ltr"),
    el("span", { className: "badge source", text: t().dial.sources[suggestion.source] }),
  );
  return option;
}

/** What a key is called: "2 ABC" as it reads; the star and pound keys by their names. */
function keyName(key: string, letters: string): string {
  const words = t().dial;
  if (key === "*") return words.star;
  if (key === "#") return words.pound;
  return letters === "" ? key : `${key} ${letters}`;
}

/** One key of the pad: its character, and under it, small, its letters. */
function keyElement({ key, letters }: { key: string; letters: string }): HTMLButtonElement {
  const button = el(
    "button",
    {
      className: "dial-key",
      attrs: { type: "button", "data-key": key, "aria-label": keyName(key, letters) },
    },
    el("span", { className: "digit", text: key, attrs: { "aria-hidden": "true" } }),
    el("span", { className: "letters", text: letters, attrs: { "aria-hidden": "true" } }),
  );
  if (key === "0") button.title = t().dial.holdForPlus;
  return button;
}

const SVG = "http://www.w3.org/2000/svg";

/** The Backspace key's picture: a key-shaped outline with a cross in it. */
function backspaceIcon(): SVGSVGElement {
  const icon = document.createElementNS(SVG, "svg");
  for (const [name, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "20",
    height: "20",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    focusable: "false",
  })) {
    icon.setAttribute(name, value);
  }
  for (const d of ["M9 5h11a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H9l-6-7z", "M12.5 9.5l5 5M17.5 9.5l-5 5"]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    icon.append(path);
  }
  return icon;
}

/** How many UTF-16 units the character ending at `end` takes: 2 for a surrogate pair. */
function charLengthBefore(text: string, end: number): number {
  const low = text.charCodeAt(end - 1);
  const high = text.charCodeAt(end - 2);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
}

export function mount(host: HTMLElement): () => void {
  const words = t().dial;
  const input = el("input", {
    className: "dial-input",
    attrs: {
      type: "text",
      name: "number",
      inputmode: "tel",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: words.number,
      "aria-label": words.number,
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-controls": LIST_ID,
      "aria-expanded": "false",
    },
  });
  const list = el("ul", {
    className: "dial-suggestions",
    attrs: { role: "listbox", id: LIST_ID, "aria-label": words.suggestions },
  });
  list.hidden = true;
  const backspace = el(
    "button",
    {
      className: "dial-backspace",
      attrs: { type: "button", "aria-label": words.backspace, title: words.backspace },
    },
    backspaceIcon(),
  );
  const keypad = el(
    "div",
    { className: "dial-keypad", attrs: { role: "group", "aria-label": words.keypad } },
    ...KEYS.map(keyElement),
  );
  const button = el("button", { className: "primary dial", text: words.call, attrs: { type: "submit" } });
  const result = notice("dial-result");
  const form = el(
    "form",
    { className: "dial-form" },
    el("div", { className: "dial-row" }, el("div", { className: "dial-combo" }, input, list), backspace),
    keypad,
    button,
    result.element,
  );
  host.append(form);

  let active = true;
  let suggestions: Suggestion[] = [];
  let highlighted = -1;
  /** Bumped by every change of the text: answers to older requests are dropped. */
  let request = 0;
  let suggestTimer: number | undefined;

  const highlight = (index: number): void => {
    highlighted = index;
    [...list.children].forEach((option, at) => {
      option.setAttribute("aria-selected", String(at === index));
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
    } else {
      input.setAttribute("aria-activedescendant", optionId(index));
      list.children[index]?.scrollIntoView({ block: "nearest" });
    }
  };

  const isOpen = (): boolean => !list.hidden;

  const close = (): void => {
    suggestions = [];
    list.replaceChildren();
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlight(-1);
  };

  const show = (found: Suggestion[]): void => {
    suggestions = found.slice(0, MAX_SUGGESTIONS);
    if (suggestions.length === 0) {
      close();
      return;
    }
    list.replaceChildren(...suggestions.map(optionElement));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  };

  /** Forgets the pending request and any answer still to come. */
  const cancelSuggestions = (): void => {
    request += 1;
    window.clearTimeout(suggestTimer);
    suggestTimer = undefined;
  };

  const suggest = (text: string): void => {
    cancelSuggestions();
    const mine = request;
    suggestNumbers(text).then(
      (found) => {
        if (active && mine === request) show(found);
      },
      () => {
        // Suggestions only help: without them the field still dials what is typed.
        if (active && mine === request) close();
      },
    );
  };

  const typed = (): string => input.value.trim();
  const worthSuggesting = (text: string): boolean =>
    text.length >= MIN_SUGGEST_CHARS && text.length <= MAX_SUGGEST_CHARS;

  let pending = false;
  const dial = (text: string): void => {
    if (pending) return;
    if (text === "") {
      result.show(words.empty, "error");
      return;
    }
    pending = true;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    result.show(null);
    dialText(text)
      .then(
        (outcome) => result.show(fmt(t().toast.calling, { number: outcome.display }), "success"),
        (reason: unknown) => result.show(describeError(reason), "error"),
      )
      .finally(() => {
        pending = false;
        button.disabled = false;
        form.setAttribute("aria-busy", "false");
      });
  };

  const choose = (suggestion: Suggestion): void => {
    input.value = suggestion.number;
    cancelSuggestions();
    close();
    dial(suggestion.number);
  };

  input.addEventListener("input", () => {
    cancelSuggestions();
    // The list shown is for older text: nothing in it stays chosen.
    highlight(-1);
    const text = typed();
    if (!worthSuggesting(text)) {
      close();
      return;
    }
    suggestTimer = window.setTimeout(() => suggest(text), SUGGEST_DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "Enter" && event.repeat) {
      // A held Enter dials once: it may have begun on a key of the pad, which hands the focus here.
      event.preventDefault();
      return;
    }
    const count = suggestions.length;
    if (event.key === "ArrowDown" && isOpen()) {
      event.preventDefault();
      highlight((highlighted + 1) % count);
    } else if (event.key === "ArrowDown" && worthSuggesting(typed())) {
      // A closed list opens again at once.
      event.preventDefault();
      suggest(typed());
    } else if (event.key === "ArrowUp" && isOpen()) {
      event.preventDefault();
      highlight(highlighted <= 0 ? count - 1 : highlighted - 1);
    } else if (event.key === "Enter" && isOpen() && highlighted >= 0) {
      // Without a highlighted number, Enter submits the form and dials the typed text.
      const chosen = suggestions[highlighted];
      if (chosen === undefined) return;
      event.preventDefault();
      choose(chosen);
    } else if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      event.stopPropagation();
      cancelSuggestions();
      close();
    }
  });

  input.addEventListener("blur", () => {
    cancelSuggestions();
    close();
  });
  // Pressing on the list must not move the focus out of the field (which closes the list).
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
    const chosen = option === null ? undefined : suggestions[[...list.children].indexOf(option)];
    if (chosen !== undefined) choose(chosen);
  });

  /**
   * Puts `text` in place of the characters from `start` to `end`, the caret after it, the
   * focus in the field; then tells the field's listeners, as typing would.
   */
  const edit = (start: number, end: number, text: string): void => {
    input.focus();
    const before = input.value;
    input.value = before.slice(0, start) + text + before.slice(end);
    input.setSelectionRange(start + text.length, start + text.length);
    if (input.value !== before) input.dispatchEvent(new Event("input", { bubbles: true }));
  };

  /** Where the caret is, or the selection, in order. */
  const caret = (): [number, number] => {
    const end = input.selectionEnd ?? input.value.length;
    return [Math.min(input.selectionStart ?? end, end), end];
  };

  const type = (text: string): void => {
    const [start, end] = caret();
    edit(start, end, text);
  };

  const erase = (): void => {
    const [start, end] = caret();
    if (start !== end) edit(start, end, "");
    else if (start > 0) edit(start - charLengthBefore(input.value, start), start, "");
    else input.focus();
  };

  // Pressing a key or Backspace with the mouse must not take the focus from the field (which
  // would close the list and lose the caret).
  for (const pad of [keypad, backspace]) pad.addEventListener("mousedown", (event) => event.preventDefault());
  backspace.addEventListener("click", erase);

  const keyOf = (target: EventTarget | null): HTMLElement | null =>
    target instanceof Element ? target.closest<HTMLElement>(".dial-key") : null;

  /** The key held down, shown pressed: a press kept from focusing it may not make it `:active`. */
  let held: HTMLElement | null = null;
  /** The timer of a press on 0 that may become a long one. */
  let holdTimer: number | undefined;
  /** A long press typed "+": the click its release makes types nothing more. */
  let heldZero = false;
  const release = (): void => {
    held?.classList.remove("pressed");
    held = null;
    window.clearTimeout(holdTimer);
    holdTimer = undefined;
  };

  keypad.addEventListener("pointerdown", (event) => {
    // Each press starts afresh: a long press released off the key left no click to swallow.
    release();
    heldZero = false;
    const key = keyOf(event.target);
    if (key === null || event.button !== 0) return;
    held = key;
    key.classList.add("pressed");
    if (key.dataset.key !== "0") return;
    holdTimer = window.setTimeout(() => {
      holdTimer = undefined;
      heldZero = true;
      type("+");
    }, LONG_PRESS_MS);
  });
  keypad.addEventListener("pointerup", release);
  keypad.addEventListener("pointercancel", release);
  keypad.addEventListener("pointerout", (event) => {
    const into = event.relatedTarget;
    if (held !== null && !(into instanceof Node && held.contains(into))) release();
  });
  // A key pressed from the keyboard (Enter, Space) comes with no pointer press before it.
  keypad.addEventListener("keydown", () => {
    heldZero = false;
  });
  // A long touch would open the context menu instead.
  keypad.addEventListener("contextmenu", (event) => event.preventDefault());

  keypad.addEventListener("click", (event) => {
    const character = keyOf(event.target)?.dataset.key;
    if (character === undefined) return;
    if (character === "0" && heldZero) {
      heldZero = false;
      return;
    }
    type(character);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    cancelSuggestions();
    close();
    dial(typed());
  });

  return () => {
    active = false;
    cancelSuggestions();
    release();
    form.remove();
  };
}
