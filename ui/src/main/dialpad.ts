/**
 * The Dial tab: type or paste a number, press Enter or "Call". The Rust side reads the text
 * (country rules, outside-line prefix) and answers with what it dialled.
 */
import { el, notice } from "../dom";
import { describeError, dialText } from "../ipc";

export function mount(host: HTMLElement): () => void {
  const input = el("input", {
    className: "dial-input",
    attrs: {
      type: "text",
      name: "number",
      inputmode: "tel",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "Number to call",
      "aria-label": "Number to call",
    },
  });
  const button = el("button", { className: "primary dial", text: "Call", attrs: { type: "submit" } });
  const result = notice("dial-result");
  const form = el(
    "form",
    { className: "dial-form" },
    el("div", { className: "dial-row" }, input, button),
    result.element,
  );
  host.append(form);

  let pending = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (pending) return;
    if (text === "") {
      result.show("Type a number to call.", "error");
      return;
    }
    pending = true;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    result.show(null);
    dialText(text)
      .then(
        (outcome) => result.show(`Calling ${outcome.display}`, "success"),
        (reason: unknown) => result.show(describeError(reason), "error"),
      )
      .finally(() => {
        pending = false;
        button.disabled = false;
        form.setAttribute("aria-busy", "false");
      });
  });

  return () => form.remove();
}
