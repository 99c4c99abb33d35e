/**
 * The Settings tab: a form over every `Settings` field plus an optional new password, checked
 * here first (so most mistakes are caught before the round trip) and then by the Rust side,
 * whose `invalid_settings` message names the field. Also holds the Sign out button.
 */
import type { PopupCorner, Settings, TerminalView } from "../bindings";
import { checkboxField, el, field, notice, serverInput } from "../dom";
import { describeError, getSettings, getStatus, saveSettings, signOut } from "../ipc";

const MODIFIERS = ["Ctrl", "Alt", "Shift", "Super"] as const;
const NAMED_KEYS = [
  "Space",
  "Tab",
  "Enter",
  "Escape",
  "Backspace",
  "Delete",
  "Insert",
  "Home",
  "End",
  "PageUp",
  "PageDown",
  "Up",
  "Down",
  "Left",
  "Right",
];
const CORNERS: Record<PopupCorner, string> = {
  "top-left": "Top left",
  "top-right": "Top right",
  "bottom-left": "Bottom left",
  "bottom-right": "Bottom right",
};

function canonicalKey(part: string): string | null {
  if (/^[a-z0-9]$/i.test(part)) return part.toUpperCase();
  const fn = /^f(\d{1,2})$/i.exec(part);
  if (fn?.[1] !== undefined) {
    const n = Number(fn[1]);
    return n >= 1 && n <= 24 ? `F${n}` : null;
  }
  return NAMED_KEYS.find((name) => name.toLowerCase() === part.toLowerCase()) ?? null;
}

/**
 * The accelerator in canonical form ("ctrl+alt+d" → "Ctrl+Alt+D"), or null when it is not a
 * plausible global shortcut: one or more distinct modifiers among Ctrl, Alt, Shift and Super,
 * then exactly one key (a letter, a digit, F1–F24 or a named key such as Space).
 */
export function normalizeHotkey(text: string): string | null {
  const parts = text.split("+").map((part) => part.trim());
  const keyPart = parts.pop();
  if (keyPart === undefined || parts.length === 0) return null;
  const key = canonicalKey(keyPart);
  const modifiers = parts.map((part) => MODIFIERS.find((name) => name.toLowerCase() === part.toLowerCase()));
  if (key === null || modifiers.some((name) => name === undefined)) return null;
  if (new Set(modifiers).size !== modifiers.length) return null;
  return [...MODIFIERS.filter((name) => modifiers.includes(name)), key].join("+");
}

/** The form as typed: text fields are raw strings, checkboxes booleans. */
export type SettingsDraft = Omit<
  Settings,
  "terminalId" | "popupCorner" | "popupLingerSecs" | "outsideLinePrefix"
> & {
  terminalId: string;
  popupCorner: string;
  popupLingerSecs: string;
  outsideLinePrefix: string;
};

export type FieldError = { field: keyof Settings; message: string };

const isCorner = (value: string): value is PopupCorner => Object.hasOwn(CORNERS, value);

/** Turns the form into `Settings`, or says which fields are wrong and why. */
export function validateSettings(draft: SettingsDraft): { settings: Settings } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: keyof Settings, message: string): void => {
    errors.push({ field, message });
  };

  const server = draft.server.trim();
  if (!/^https?:\/\/[^\s/]+/i.test(server)) {
    fail("server", "Enter the server address, like https://pbx.example.com.");
  }
  const login = draft.login.trim();
  if (login === "") fail("login", "Enter your login.");

  const hotkeyText = draft.hotkey.trim();
  const hotkey = hotkeyText === "" ? "" : normalizeHotkey(hotkeyText);
  if (hotkey === null) {
    fail("hotkey", "Use modifiers (Ctrl, Alt, Shift, Super) and one key, like Ctrl+Alt+D.");
  }

  const linger = Number(draft.popupLingerSecs.trim());
  const lingerOk =
    draft.popupLingerSecs.trim() !== "" && Number.isInteger(linger) && linger >= 1 && linger <= 120;
  if (!lingerOk) fail("popupLingerSecs", "Enter a whole number of seconds from 1 to 120.");

  const country = draft.defaultCountry.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) fail("defaultCountry", "Enter a two-letter country code, like FR.");

  const prefix = draft.outsideLinePrefix.trim();
  if (!/^\d*$/.test(prefix)) fail("outsideLinePrefix", "The outside line prefix can only hold digits.");

  if (!isCorner(draft.popupCorner)) fail("popupCorner", "Choose a corner of the screen.");

  if (errors.length > 0 || hotkey === null || !isCorner(draft.popupCorner)) return { errors };
  return {
    settings: {
      server,
      login,
      terminalId: draft.terminalId === "" ? null : draft.terminalId,
      hotkey,
      popupEnabled: draft.popupEnabled,
      popupCorner: draft.popupCorner,
      popupLingerSecs: linger,
      notifyIncoming: draft.notifyIncoming,
      notifyMissed: draft.notifyMissed,
      defaultCountry: country,
      outsideLinePrefix: prefix === "" ? null : prefix,
      startAtLogin: draft.startAtLogin,
      dnd: draft.dnd,
    },
  };
}

const textInput = (name: string, attrs: Record<string, string> = {}): HTMLInputElement =>
  el("input", { attrs: { type: "text", name, spellcheck: "false", autocomplete: "off", ...attrs } });
const checkbox = (name: string): HTMLInputElement => el("input", { attrs: { type: "checkbox", name } });

export function mount(host: HTMLElement): () => void {
  const server = serverInput();
  const controls = {
    server: server.input,
    login: textInput("login", { autocomplete: "username" }),
    terminalId: el("select", { attrs: { name: "terminalId" } }),
    hotkey: textInput("hotkey", { placeholder: "Ctrl+Alt+D" }),
    popupEnabled: checkbox("popupEnabled"),
    popupCorner: el(
      "select",
      { attrs: { name: "popupCorner" } },
      ...Object.entries(CORNERS).map(([value, text]) => el("option", { text, attrs: { value } })),
    ),
    popupLingerSecs: el("input", {
      attrs: { type: "number", name: "popupLingerSecs", min: "1", max: "120", step: "1" },
    }),
    notifyIncoming: checkbox("notifyIncoming"),
    notifyMissed: checkbox("notifyMissed"),
    defaultCountry: textInput("defaultCountry", { maxlength: "2", placeholder: "FR" }),
    outsideLinePrefix: textInput("outsideLinePrefix", { inputmode: "numeric", placeholder: "none" }),
    startAtLogin: checkbox("startAtLogin"),
    dnd: checkbox("dnd"),
  } satisfies Record<keyof Settings, HTMLInputElement | HTMLSelectElement>;
  const password = el("input", {
    attrs: {
      type: "password",
      name: "password",
      autocomplete: "new-password",
      placeholder: "Leave empty to keep the current one",
    },
  });

  const save = el("button", { className: "primary save", text: "Save", attrs: { type: "submit" } });
  const saveNotice = notice("settings-notice");
  const signOutButton = el("button", { className: "sign-out", text: "Sign out", attrs: { type: "button" } });
  const form = el(
    "form",
    { className: "settings-form", attrs: { novalidate: "" } },
    el(
      "fieldset",
      {},
      el("legend", { text: "Account" }),
      field("Server address", controls.server),
      server.warning,
      field("Login", controls.login),
      field("New password", password),
      field("Terminal", controls.terminalId),
    ),
    el(
      "fieldset",
      {},
      el("legend", { text: "Calls" }),
      checkboxField("Show a popup for calls", controls.popupEnabled),
      field("Popup corner", controls.popupCorner),
      field("Keep ended calls on screen (seconds)", controls.popupLingerSecs),
      checkboxField("Notify incoming calls", controls.notifyIncoming),
      checkboxField("Notify missed calls", controls.notifyMissed),
      checkboxField("Do not disturb", controls.dnd),
    ),
    el(
      "fieldset",
      {},
      el("legend", { text: "Dialling" }),
      field("Dial shortcut", controls.hotkey, "Leave empty for no shortcut."),
      field("Default country", controls.defaultCountry),
      field("Outside line prefix", controls.outsideLinePrefix),
      checkboxField("Start at login", controls.startAtLogin),
    ),
    el("div", { className: "buttons" }, saveNotice.element, signOutButton, save),
  );
  const loadNotice = notice("settings-load-error", "alert");
  host.append(loadNotice.element, form);
  form.hidden = true;

  const fieldErrors = new Map<keyof Settings, HTMLElement>();
  const clearFieldErrors = (): void => {
    for (const [name, message] of fieldErrors) {
      message.remove();
      controls[name].removeAttribute("aria-invalid");
    }
    fieldErrors.clear();
  };
  const showFieldError = ({ field: name, message }: FieldError): void => {
    const line = el("small", { className: "field-error", text: message });
    controls[name].setAttribute("aria-invalid", "true");
    controls[name].closest(".field")?.append(line);
    fieldErrors.set(name, line);
  };

  const setTerminals = (terminals: TerminalView[], chosen: string | null): void => {
    const options = [{ id: "", name: "None" }, ...terminals];
    if (chosen !== null && !terminals.some((terminal) => terminal.id === chosen)) {
      options.push({ id: chosen, name: chosen });
    }
    controls.terminalId.replaceChildren(
      ...options.map((terminal) => el("option", { text: terminal.name, attrs: { value: terminal.id } })),
    );
    controls.terminalId.value = chosen ?? "";
  };

  let terminals: TerminalView[] = [];
  const fill = (settings: Settings): void => {
    controls.server.value = settings.server;
    server.refresh();
    controls.login.value = settings.login;
    setTerminals(terminals, settings.terminalId);
    controls.hotkey.value = settings.hotkey;
    controls.popupEnabled.checked = settings.popupEnabled;
    controls.popupCorner.value = settings.popupCorner;
    controls.popupLingerSecs.value = String(settings.popupLingerSecs);
    controls.notifyIncoming.checked = settings.notifyIncoming;
    controls.notifyMissed.checked = settings.notifyMissed;
    controls.defaultCountry.value = settings.defaultCountry;
    controls.outsideLinePrefix.value = settings.outsideLinePrefix ?? "";
    controls.startAtLogin.checked = settings.startAtLogin;
    controls.dnd.checked = settings.dnd;
    password.value = "";
  };

  const draft = (): SettingsDraft => ({
    server: controls.server.value,
    login: controls.login.value,
    terminalId: controls.terminalId.value,
    hotkey: controls.hotkey.value,
    popupEnabled: controls.popupEnabled.checked,
    popupCorner: controls.popupCorner.value,
    popupLingerSecs: controls.popupLingerSecs.value,
    notifyIncoming: controls.notifyIncoming.checked,
    notifyMissed: controls.notifyMissed.checked,
    defaultCountry: controls.defaultCountry.value,
    outsideLinePrefix: controls.outsideLinePrefix.value,
    startAtLogin: controls.startAtLogin.checked,
    dnd: controls.dnd.checked,
  });

  let active = true;
  // The terminal list is a nicety: without a status the form still loads.
  const loadTerminals = getStatus().then(
    (status) => status.terminals,
    () => [],
  );
  Promise.all([getSettings(), loadTerminals]).then(
    ([settings, known]) => {
      if (!active) return;
      terminals = known;
      fill(settings);
      form.hidden = false;
    },
    (reason: unknown) => {
      if (active) loadNotice.show(describeError(reason), "error");
    },
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (save.disabled) return;
    clearFieldErrors();
    const checked = validateSettings(draft());
    if ("errors" in checked) {
      checked.errors.forEach(showFieldError);
      saveNotice.show("Some settings need fixing.", "error");
      return;
    }
    save.disabled = true;
    saveNotice.show("Saving…");
    saveSettings(checked.settings, password.value === "" ? null : password.value)
      .then(
        (saved) => {
          if (!active) return;
          fill(saved);
          saveNotice.show("Saved", "success");
        },
        (reason: unknown) => saveNotice.show(describeError(reason), "error"),
      )
      .finally(() => {
        save.disabled = false;
      });
  });

  signOutButton.addEventListener("click", () => {
    signOutButton.disabled = true;
    signOut()
      .then(
        () => saveNotice.show("Signed out", "success"),
        (reason: unknown) => saveNotice.show(describeError(reason), "error"),
      )
      .finally(() => {
        signOutButton.disabled = false;
      });
  });

  return () => {
    active = false;
    loadNotice.element.remove();
    form.remove();
  };
}
