/**
 * Element building for the pages. Text always goes in through `textContent`, never as markup,
 * so caller labels, numbers and server messages show exactly the characters they hold.
 */
import type { CallLines, Managed } from "./bindings";
import { fmt, t } from "./i18n";

type ElementOptions = {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
};

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className !== undefined) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Text from outside (a caller's label, an ACD name) in an isolated run: `<bdi dir="auto">`
 * keeps right-to-left text, and any direction override characters it holds, from reordering
 * what is around it. Numbers use `dir="ltr"`. The Rust side already cut call text to a
 * readable length; the `title` repeats the text for when the CSS cuts it to the width.
 */
export function isolated(text: string, className: string, dir: "auto" | "ltr" = "auto"): HTMLElement {
  return el("bdi", { className, text, attrs: { dir, title: text } });
}

/** A call's title line: a name or label reads in its own direction, a number always left to right. */
export function callTitleElement(lines: CallLines): HTMLElement {
  const named = lines.titleKind === "name" || lines.titleKind === "label";
  return isolated(lines.title, `title ${lines.titleKind}`, named ? "auto" : "ltr");
}

/** The line under a call's title: the label, the number and the E.164 form, those it has. */
export function callSubtitleElement(lines: CallLines): HTMLElement {
  const line = el("div", { className: "subtitle" });
  if (lines.label !== null) line.append(isolated(lines.label, "label"));
  if (lines.number !== null) line.append(isolated(lines.number, "number", "ltr"));
  if (lines.e164 !== null) line.append(isolated(lines.e164, "e164", "ltr"));
  return line;
}

/** A labelled form row: caption, control, and a line for that field's validation message. */
export function field(caption: string, control: HTMLElement, hint?: string): HTMLElement {
  const row = el(
    "label",
    { className: "field" },
    el("span", { className: "caption", text: caption }),
    control,
  );
  if (hint !== undefined) row.append(el("small", { className: "hint", text: hint }));
  return row;
}

/**
 * Marks `control` as set by the administrators when they locked the setting `name`: it cannot
 * be changed, and its field says why (their reason is text, never HTML). Returns whether it was.
 */
export function markManaged(
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  name: string,
  managed: Managed,
): boolean {
  if (!managed.locked.includes(name)) return false;
  const words = t().common;
  control.disabled = true;
  const why = managed.reason === null ? words.managed : fmt(words.managedBecause, { reason: managed.reason });
  control.closest(".field")?.append(el("small", { className: "managed", text: why }));
  return true;
}

/** A checkbox row, caption after the box. */
export function checkboxField(caption: string, box: HTMLInputElement): HTMLElement {
  return el(
    "label",
    { className: "field checkbox" },
    box,
    el("span", { className: "caption", text: caption }),
  );
}

/**
 * A "⋯" menu: a button (`label` is its accessible name) that opens `items` below it. Choosing
 * an item, Escape or a press elsewhere closes it. Built on `<details>`, so the keyboard opens it
 * as it opens any disclosure.
 */
export function overflowMenu(label: string, className: string, items: HTMLButtonElement[]): HTMLDetailsElement {
  const summary = el("summary", { text: "⋯", attrs: { "aria-label": label, title: label } });
  const menu = el(
    "details",
    { className: `overflow-menu ${className}` },
    summary,
    el("div", { className: "menu-items", attrs: { role: "menu" } }, ...items),
  );
  for (const item of items) {
    item.setAttribute("role", "menuitem");
    item.addEventListener("click", () => {
      menu.open = false;
    });
  }
  const pressedElsewhere = (event: Event): void => {
    if (!(event.target instanceof Node) || !menu.contains(event.target)) menu.open = false;
  };
  menu.addEventListener("toggle", () => {
    if (menu.open) document.addEventListener("pointerdown", pressedElsewhere);
    else document.removeEventListener("pointerdown", pressedElsewhere);
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    summary.focus();
  });
  return menu;
}

/** A one-line message area; `show` with `null` hides it. */
export type Notice = {
  element: HTMLElement;
  show(text: string | null, tone?: "info" | "error" | "success"): void;
};

export function notice(className: string, role: "status" | "alert" = "status"): Notice {
  const element = el("p", { className: `notice ${className}`, attrs: { role } });
  element.hidden = true;
  return {
    element,
    show(text, tone = "info") {
      element.hidden = text === null;
      element.textContent = text ?? "";
      element.dataset.tone = tone;
    },
  };
}

/** Whether a server address would send the password in clear. */
/**
 * Whether signing in at `url` would send the password across the network unencrypted: plain
 * `http://` to any host but this computer's loopback (where the demo's built-in simulator
 * listens), which no network ever carries.
 */
export function isPlainHttp(url: string): boolean {
  const text = url.trim();
  if (!text.toLowerCase().startsWith("http://")) return false;
  let host: string;
  try {
    host = new URL(text).hostname.toLowerCase();
  } catch {
    return true;
  }
  return !(host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host));
}

/** Tells apart the warning lines of server inputs, for `aria-describedby`. */
let serverInputs = 0;

/**
 * The server address input, with its "unencrypted" warning line kept in step as the user
 * types (and tied to the input with `aria-describedby` while shown); call `refresh` after
 * setting the value from code.
 */
export function serverInput(): { input: HTMLInputElement; warning: HTMLElement; refresh(): void } {
  serverInputs += 1;
  const warningId = `plain-http-warning-${serverInputs}`;
  const input = el("input", {
    attrs: {
      type: "text",
      name: "server",
      inputmode: "url",
      autocomplete: "url",
      spellcheck: "false",
      placeholder: "https://pbx.example.com",
      required: "",
    },
  });
  const warning = el("p", {
    className: "warning plain-http-warning",
    text: t().common.plainHttpWarning,
    attrs: { id: warningId, role: "status" },
  });
  const refresh = (): void => {
    const plain = isPlainHttp(input.value);
    warning.hidden = !plain;
    if (plain) {
      input.setAttribute("aria-describedby", warningId);
    } else {
      input.removeAttribute("aria-describedby");
    }
  };
  input.addEventListener("input", refresh);
  refresh();
  return { input, warning, refresh };
}

/** An example path for the CA file input's placeholder. */
export const CA_FILE_PLACEHOLDER = "/etc/ssl/certs/company-ca.pem";

/** The input for the path of an extra certificate authority file (`caFile`). */
export function caFileInput(): HTMLInputElement {
  return el("input", {
    attrs: {
      type: "text",
      name: "caFile",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: CA_FILE_PLACEHOLDER,
    },
  });
}

/** A typed CA file path as `Settings.caFile` holds it: trimmed, `null` when empty. */
export function caFileValue(text: string): string | null {
  const path = text.trim();
  return path === "" ? null : path;
}
