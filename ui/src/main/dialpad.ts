/**
 * The Dial tab: type or paste a number, press Enter or "Call". The Rust side reads the text
 * (country rules, outside-line prefix) and answers with what it dialled.
 *
 * While the user types, numbers from the contacts and the call history are suggested in a list
 * under the field (an ARIA combobox): once the text has `MIN_SUGGEST_CHARS` characters and the
 * typing pauses, the Rust side is asked; only the answer to the latest question is shown. Arrow
 * keys move through the list, Enter or a click dials the highlighted number, Escape closes it.
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
    isolated(suggestion.number, "number", "ltr"),
    el("span", { className: "badge source", text: t().dial.sources[suggestion.source] }),
  );
  return option;
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
  const button = el("button", { className: "primary dial", text: words.call, attrs: { type: "submit" } });
  const result = notice("dial-result");
  const form = el(
    "form",
    { className: "dial-form" },
    el("div", { className: "dial-row" }, el("div", { className: "dial-combo" }, input, list), button),
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

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    cancelSuggestions();
    close();
    dial(typed());
  });

  return () => {
    active = false;
    cancelSuggestions();
    form.remove();
  };
}
