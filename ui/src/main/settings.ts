/**
 * The Settings tab. Each control applies as it changes: a box ticked, a choice picked, a text
 * field left (or Enter pressed) is checked here first (so most mistakes are caught before the
 * round trip), then sent alone as a `SettingChange`, checked again and applied by the Rust side;
 * a quiet "Saved" says it is done, or the field says why not. The account (server, login) is
 * shown, not edited: another account is a sign-out and a sign-in away. Sections show what
 * applies only: the popup's corner and delay with popups on, when to open the screen pop with
 * an address, GNOME's shortcut on GNOME without a portal, "Remove all contacts" with contacts.
 * Last comes About: the version and "Copy diagnostics" (the window opened at `#about` shows it).
 */
import type {
  AppError,
  HookAction,
  Hooks,
  LookupSettings,
  LookupSource,
  PopupCorner,
  ScreenPopTrigger,
  Secret,
  SettingChange,
  Settings,
  StatusView,
  TerminalView,
} from "../bindings";
import { checkboxField, el, field, markManaged, notice, type Notice } from "../dom";
import { fmt, locale, t } from "../i18n";
import {
  ask,
  clearContacts,
  contactCount,
  describeError,
  getSettings,
  getStatus,
  importContacts,
  changeSetting,
  selectTerminal,
  setSecret,
  signOut,
  syncAddressBook,
  testLookup,
} from "../ipc";
import { DIAL_COUNTRIES, SCREEN_POP_PLACEHOLDERS } from "../bindings/constants";
import { outcomeChoices } from "./history";

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
const CORNERS: readonly PopupCorner[] = ["auto", "top-left", "top-right", "bottom-left", "bottom-right"];
const TRIGGERS: readonly ScreenPopTrigger[] = ["ringing", "answered", "button"];
/** The Rust side refuses longer screen pop addresses. */
const MAX_SCREEN_POP_CHARS = 2000;
/** How long "Saved" shows after a change. */
export const SAVED_SHOWN_MS = 3000;
/** Contacts files larger than this are refused before being read. */
export const MAX_CONTACTS_FILE_BYTES = 20 * 1024 * 1024;
const CONTACTS_FILE_TYPES = ".csv,.vcf,.vcard,text/csv,text/vcard,text/x-vcard";

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

/** What a key event asks of the shortcut recorder: the accelerator pressed ("Ctrl+Alt+D"),
 * "" to clear (Backspace or Delete alone), or null to let the event be (a modifier still
 * being pressed, Tab, or a key without modifiers). */
export function recordedHotkey(
  event: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "altKey" | "shiftKey" | "metaKey">,
): string | null {
  const modifiers = [
    event.ctrlKey ? "Ctrl" : null,
    event.altKey ? "Alt" : null,
    event.shiftKey ? "Shift" : null,
    event.metaKey ? "Super" : null,
  ].filter((name): name is string => name !== null);
  if (modifiers.length === 0) return event.key === "Backspace" || event.key === "Delete" ? "" : null;
  const code = event.code;
  const key = /^Key[A-Z]$/.test(code)
    ? code.slice(3)
    : /^Digit\d$/.test(code)
      ? code.slice(5)
      : /^Arrow(Up|Down|Left|Right)$/.test(code)
        ? code.slice(5)
        : code;
  return normalizeHotkey([...modifiers, key].join("+"));
}

/** The settings typed as text, checked here before they are sent. */
export type TextSetting = "hotkey" | "popupLingerSecs" | "outsideLinePrefix" | "screenPopUrl";

/** Whether a screen pop address is acceptable here: empty (none), or http(s) with a host after. */
export const isScreenPopUrl = (text: string): boolean => text === "" || /^https?:\/\/[^\s/]/i.test(text);

/** The change a text field's `raw` value asks for, or why it cannot be made (the field's own
 * words). */
export function textChange(name: TextSetting, raw: string): { change: SettingChange } | { error: string } {
  const text = raw.trim();
  const error = { error: t().settings.invalid[name] };
  switch (name) {
    case "hotkey": {
      const hotkey = text === "" ? "" : normalizeHotkey(text);
      return hotkey === null ? error : { change: { field: name, value: hotkey } };
    }
    case "popupLingerSecs": {
      const secs = Number(text);
      const ok = text !== "" && Number.isInteger(secs) && secs >= 1 && secs <= 120;
      return ok ? { change: { field: name, value: secs } } : error;
    }
    case "outsideLinePrefix":
      return /^\d*$/.test(text) ? { change: { field: name, value: text === "" ? null : text } } : error;
    case "screenPopUrl":
      return isScreenPopUrl(text) ? { change: { field: name, value: text } } : error;
  }
}

/** Whether `change` would leave `settings` as they are (nothing to send). */
export const changesNothing = (settings: Settings, change: SettingChange): boolean =>
  JSON.stringify(settings[change.field]) === JSON.stringify(change.value);

/** The outcomes typed one per line: each trimmed, blank lines left out. */
export const outcomesTyped = (text: string): string[] =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** Two lists with the same items in the same order. */
export const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((item, index) => item === b[index]);

/** The caller lookup's sources, and its settings typed as text. */
const LOOKUP_SOURCES: readonly LookupSource[] = ["crm", "directory"];
const LOOKUP_TEXT_PARTS = [
  "crmUrl",
  "crmHeader",
  "directoryUrl",
  "directoryBaseDn",
  "directoryBindDn",
  "directoryFilter",
  "addressBookUrl",
  "addressBookUser",
] as const;
type LookupTextPart = (typeof LOOKUP_TEXT_PARTS)[number];
type LookupPart = keyof LookupSettings;

/** The moments a call hook follows, in the order a call goes through them. */
const HOOK_MOMENTS = ["ringing", "answered", "ended", "missed"] as const;
type HookMoment = (typeof HOOK_MOMENTS)[number];
type HookPart = keyof HookAction;

const isCorner = (value: string): value is PopupCorner => CORNERS.some((corner) => corner === value);
const isTrigger = (value: string): value is ScreenPopTrigger => TRIGGERS.some((trigger) => trigger === value);

/** The default country: every country the dial rules know (decided on the Rust side), by its
 * name in the language in use, sorted by that name. */
function countryPicker(): HTMLSelectElement {
  const names = new Intl.DisplayNames([locale()], { type: "region" });
  const named = DIAL_COUNTRIES.map((code) => ({ code, name: names.of(code) ?? code }));
  named.sort((a, b) => a.name.localeCompare(b.name, locale()));
  return el(
    "select",
    { attrs: { name: "defaultCountry" } },
    ...named.map(({ code, name }) => el("option", { text: name, attrs: { value: code } })),
  );
}

const textInput = (name: string, attrs: Record<string, string> = {}): HTMLInputElement =>
  el("input", { attrs: { type: "text", name, spellcheck: "false", autocomplete: "off", ...attrs } });
const checkbox = (name: string): HTMLInputElement => el("input", { attrs: { type: "checkbox", name } });

/** Reads a chosen file's text; a file that cannot be read is a `contacts_file` error. */
const readContactsFile = (file: File): Promise<string> =>
  file.text().catch((reason: unknown) => {
    const error: AppError = { code: "contacts_file", message: reason instanceof Error ? reason.message : "" };
    throw error;
  });

/**
 * The Contacts section: the number of stored contacts, a file to import, and "Remove all
 * contacts", which asks for a second click on "Confirm removal" (or "Cancel") first.
 */
function contactsSection(): { element: HTMLElement; discard(): void } {
  const words = t().settings;
  let active = true;
  const count = el("p", { className: "contact-count", attrs: { "aria-live": "polite" } });
  // The browser's own file button speaks the system's language, not the app's: it stays
  // hidden, and a button in the user's words opens it.
  const file = el("input", {
    className: "contacts-file",
    attrs: { type: "file", name: "contactsFile", accept: CONTACTS_FILE_TYPES },
  });
  file.hidden = true;
  // Not in a label, which would name the button with all its text: the button says what it
  // does, and is described by the kind of file and the one chosen.
  const chooseButton = el("button", {
    className: "choose-file",
    text: words.chooseAFile,
    attrs: { type: "button", "aria-describedby": "contacts-file-caption chosen-file" },
  });
  const chosen = el("span", {
    className: "chosen-file",
    text: words.noFileChosen,
    attrs: { id: "chosen-file" },
  });
  chooseButton.addEventListener("click", () => file.click());
  file.addEventListener("change", () => {
    chosen.textContent = file.files?.[0]?.name ?? words.noFileChosen;
  });
  const importButton = el("button", {
    className: "import-contacts",
    text: words.importContacts,
    attrs: { type: "button" },
  });
  const remove = el("button", {
    className: "clear-contacts",
    text: words.removeAll,
    attrs: { type: "button" },
  });
  const cancel = el("button", { className: "cancel-clear", text: words.cancel, attrs: { type: "button" } });
  cancel.hidden = true;
  const message = notice("contacts-notice");
  const element = el(
    "fieldset",
    { className: "contacts" },
    el("legend", { text: words.contacts }),
    count,
    file,
    el(
      "div",
      { className: "field" },
      el("span", { className: "caption", text: words.contactsFile, attrs: { id: "contacts-file-caption" } }),
      el("span", { className: "file-choice" }, chooseButton, chosen),
    ),
    el("div", { className: "buttons" }, importButton),
    message.element,
    el("div", { className: "buttons" }, cancel, remove),
  );

  let confirming = false;
  /** Bumped by each count request: an older answer does not overwrite a newer one. */
  let countRequest = 0;
  const refreshCount = (): void => {
    countRequest += 1;
    const mine = countRequest;
    contactCount().then(
      (n) => {
        if (!active || mine !== countRequest) return;
        count.textContent = n === 0 ? words.noContacts : fmt(words.contactCount, { count: n });
        count.dataset.count = String(n);
        // Nothing to remove: no button for it.
        if (!confirming) remove.hidden = n === 0;
      },
      (reason: unknown) => {
        if (!active || mine !== countRequest) return;
        count.textContent = describeError(reason);
        delete count.dataset.count;
      },
    );
  };

  importButton.addEventListener("click", () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) {
      message.show(words.chooseFile, "error");
      return;
    }
    if (chosen.size > MAX_CONTACTS_FILE_BYTES) {
      message.show(fmt(words.tooBig, { megabytes: MAX_CONTACTS_FILE_BYTES / (1024 * 1024) }), "error");
      return;
    }
    importButton.disabled = true;
    message.show(words.importing);
    readContactsFile(chosen)
      .then((content) => importContacts(chosen.name, content))
      .then(
        (done) => {
          if (!active) return;
          const imported = fmt(words.importedCount, { count: done.imported });
          const skipped = fmt(words.skippedCount, { count: done.skipped });
          message.show(fmt(words.imported, { imported, skipped }), "success");
          file.value = "";
          refreshCount();
        },
        (reason: unknown) => {
          if (active) message.show(describeError(reason), "error");
        },
      )
      .finally(() => {
        importButton.disabled = false;
      });
  });

  const setConfirming = (on: boolean): void => {
    confirming = on;
    remove.textContent = on ? words.confirmRemoval : words.removeAll;
    remove.classList.toggle("confirming", on);
    cancel.hidden = !on;
    message.show(on ? words.confirmPrompt : null);
  };

  remove.addEventListener("click", (event) => {
    // The second click of a double click is not a confirmation.
    if (event.detail > 1) return;
    if (!confirming) {
      setConfirming(true);
      return;
    }
    remove.disabled = true;
    cancel.disabled = true;
    message.show(words.removing);
    clearContacts()
      .then(
        () => {
          if (!active) return;
          setConfirming(false);
          message.show(words.removed, "success");
          refreshCount();
        },
        (reason: unknown) => {
          if (!active) return;
          setConfirming(false);
          message.show(describeError(reason), "error");
        },
      )
      .finally(() => {
        remove.disabled = false;
        cancel.disabled = false;
      });
  });
  cancel.addEventListener("click", () => setConfirming(false));

  refreshCount();
  return {
    element,
    discard() {
      active = false;
    },
  };
}

/** About: the app, its version, and diagnostics to copy for support (said in `shown`). */
function aboutSection(shown: Notice): HTMLElement {
  const words = t().settings;
  const copy = el("button", {
    className: "copy-diagnostics",
    text: words.copyDiagnostics,
    attrs: { type: "button" },
  });
  copy.addEventListener("click", () => {
    ask("copyDiagnostics").catch((reason: unknown) => shown.show(describeError(reason), "error"));
  });
  const version = window.__ISTRA__?.version;
  const section = el(
    "fieldset",
    { className: "about", attrs: { id: "about" } },
    el("legend", { text: words.about }),
    el("p", { className: "about-what", text: words.aboutWhat }),
  );
  if (version !== undefined) {
    section.append(el("p", { className: "about-version", text: fmt(words.version, { version }) }));
  }
  section.append(
    el(
      "div",
      { className: "account-actions" },
      el("small", { className: "hint", text: words.diagnosticsHint }),
      copy,
    ),
  );
  return section;
}

type Controls = {
  terminalId: HTMLSelectElement;
  hotkey: HTMLInputElement;
  popupEnabled: HTMLInputElement;
  popupCorner: HTMLSelectElement;
  popupLingerSecs: HTMLInputElement;
  notifyIncoming: HTMLInputElement;
  notifyMissed: HTMLInputElement;
  queueTakenElsewhereMissed: HTMLInputElement;
  defaultCountry: HTMLSelectElement;
  outsideLinePrefix: HTMLInputElement;
  startAtLogin: HTMLInputElement;
  screenPopUrl: HTMLInputElement;
  screenPopOn: HTMLSelectElement;
  handleLinks: HTMLInputElement;
  gnomeShortcut: HTMLInputElement;
};
type Toggle =
  | "popupEnabled"
  | "notifyIncoming"
  | "notifyMissed"
  | "queueTakenElsewhereMissed"
  | "startAtLogin"
  | "handleLinks"
  | "gnomeShortcut";
const TOGGLES: readonly Toggle[] = [
  "popupEnabled",
  "notifyIncoming",
  "notifyMissed",
  "queueTakenElsewhereMissed",
  "startAtLogin",
  "handleLinks",
  "gnomeShortcut",
];
const TEXT_SETTINGS: readonly TextSetting[] = [
  "hotkey",
  "popupLingerSecs",
  "outsideLinePrefix",
  "screenPopUrl",
];

/** What a choice list's value asks for, or null for a value it never offers. */
function choiceChange(
  name: "popupCorner" | "screenPopOn" | "defaultCountry",
  value: string,
): SettingChange | null {
  if (name === "popupCorner") return isCorner(value) ? { field: name, value } : null;
  if (name === "screenPopOn") return isTrigger(value) ? { field: name, value } : null;
  return DIAL_COUNTRIES.includes(value) ? { field: name, value } : null;
}

export function mount(host: HTMLElement): () => void {
  const words = t().settings;
  const controls: Controls = {
    terminalId: el("select", { attrs: { name: "terminalId" } }),
    hotkey: textInput("hotkey", { placeholder: "Ctrl+Alt+D" }),
    popupEnabled: checkbox("popupEnabled"),
    popupCorner: el(
      "select",
      { attrs: { name: "popupCorner" } },
      ...CORNERS.map((value) => el("option", { text: words.corners[value], attrs: { value } })),
    ),
    popupLingerSecs: el("input", {
      attrs: { type: "number", name: "popupLingerSecs", min: "1", max: "120", step: "1" },
    }),
    notifyIncoming: checkbox("notifyIncoming"),
    notifyMissed: checkbox("notifyMissed"),
    queueTakenElsewhereMissed: checkbox("queueTakenElsewhereMissed"),
    defaultCountry: countryPicker(),
    outsideLinePrefix: textInput("outsideLinePrefix", { inputmode: "numeric", placeholder: words.noPrefix }),
    startAtLogin: checkbox("startAtLogin"),
    screenPopUrl: textInput("screenPopUrl", {
      inputmode: "url",
      maxlength: String(MAX_SCREEN_POP_CHARS),
      placeholder: "https://crm.example.com/search?phone={e164}",
    }),
    screenPopOn: el(
      "select",
      { attrs: { name: "screenPopOn" } },
      ...TRIGGERS.map((value) => el("option", { text: words.triggers[value], attrs: { value } })),
    ),
    handleLinks: checkbox("handleLinks"),
    gnomeShortcut: checkbox("gnomeShortcut"),
  };

  const saveNotice = notice("settings-notice");
  /** "Saved" is said for a moment; a reason why not stays until the next change. */
  let quietTimer: number | undefined;
  const saySaved = (): void => {
    saveNotice.show(words.saved, "success");
    window.clearTimeout(quietTimer);
    quietTimer = window.setTimeout(() => saveNotice.show(null), SAVED_SHOWN_MS);
  };
  const notSaved = (text: string): void => {
    window.clearTimeout(quietTimer);
    saveNotice.show(text, "error");
  };
  const signOutButton = el("button", {
    className: "sign-out",
    text: words.signOut,
    attrs: { type: "button" },
  });
  const contacts = contactsSection();
  const placeholders = SCREEN_POP_PLACEHOLDERS.map((name) => `{${name}}`).join(" ");

  const serverLine = el("dd", { className: "account-server" });
  const loginLine = el("dd", { className: "account-login" });
  const terminalField = field(words.terminal, controls.terminalId);
  const cornerField = field(words.popupCorner, controls.popupCorner);
  const lingerField = field(words.popupLinger, controls.popupLingerSecs);
  const screenPopOnField = field(words.screenPopOn, controls.screenPopOn);
  // Shown only where GNOME lets no app hold a key and the app can add GNOME's own shortcut.
  const gnomeShortcutField = checkboxField(words.gnomeShortcut, controls.gnomeShortcut);
  gnomeShortcutField.hidden = true;

  const form = el(
    "form",
    { className: "settings-form", attrs: { novalidate: "" } },
    el(
      "fieldset",
      { className: "account" },
      el("legend", { text: words.account }),
      el(
        "dl",
        { className: "account-identity" },
        el("dt", { text: t().common.login }),
        loginLine,
        el("dt", { text: t().common.serverAddress }),
        serverLine,
      ),
      terminalField,
      el(
        "div",
        { className: "account-actions" },
        el("small", { className: "hint", text: words.accountHint }),
        signOutButton,
      ),
    ),
    el(
      "fieldset",
      {},
      el("legend", { text: words.calls }),
      checkboxField(words.popupEnabled, controls.popupEnabled),
      cornerField,
      lingerField,
      checkboxField(words.notifyIncoming, controls.notifyIncoming),
      checkboxField(words.notifyMissed, controls.notifyMissed),
      checkboxField(words.queueTakenElsewhereMissed, controls.queueTakenElsewhereMissed),
    ),
    el(
      "fieldset",
      {},
      el("legend", { text: words.dialling }),
      field(words.hotkey, controls.hotkey, words.hotkeyHint),
      gnomeShortcutField,
      field(words.defaultCountry, controls.defaultCountry),
      field(words.outsideLinePrefix, controls.outsideLinePrefix),
      checkboxField(words.handleLinks, controls.handleLinks),
      checkboxField(words.startAtLogin, controls.startAtLogin),
    ),
    el(
      "fieldset",
      { className: "screen-pop" },
      el("legend", { text: words.screenPop }),
      field(words.screenPopUrl, controls.screenPopUrl, fmt(words.screenPopHint, { placeholders })),
      screenPopOnField,
    ),
    contacts.element,
    aboutSection(saveNotice),
  );
  const loadNotice = notice("settings-load-error", "alert");
  // The quiet "Saved" (or why not) stays in sight at the bottom of the tab.
  const footer = el("div", { className: "settings-status" }, saveNotice.element);
  host.append(loadNotice.element, form, footer);
  form.hidden = true;

  /** Where the desktop holds the dial key, the field says how to change it, and cannot. */
  const showHotkeyWay = (status: StatusView): void => {
    if (status.hotkeyWay === "grab") return;
    const way = el("small", { className: "hotkey-way" });
    controls.hotkey.closest(".field")?.append(way);
    if (status.hotkeyWay === "portal") {
      controls.hotkey.disabled = true;
      way.textContent =
        status.hotkey === "" ? words.hotkeyByPortalUnset : fmt(words.hotkeyByPortal, { key: status.hotkey });
      if (status.hotkeyConfigurable) {
        // The desktop's own dialog; the key it gives comes back in the status.
        const change = el("button", {
          className: "change-dial-key",
          text: words.changeDialKey,
          attrs: { type: "button" },
        });
        change.addEventListener("click", () => {
          ask("changeDialKey").catch((reason: unknown) => saveNotice.show(describeError(reason), "error"));
        });
        way.append(" ", change);
      }
      return;
    }
    const offer = status.shortcutOffer;
    if (offer.kind === "gnome") {
      // The key the user types here is the one GNOME's shortcut gets.
      way.textContent = words.hotkeyByGnome;
      gnomeShortcutField.hidden = false;
    } else if (offer.kind === "line") {
      controls.hotkey.disabled = true;
      way.append(words.hotkeyByLine, el("code", { className: "shortcut-line", text: offer.line }));
    } else {
      controls.hotkey.disabled = true;
      way.textContent = words.hotkeyByShortcut;
    }
  };

  type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  const fieldErrors = new Map<Control, HTMLElement>();
  const clearFieldError = (control: Control): void => {
    fieldErrors.get(control)?.remove();
    fieldErrors.delete(control);
    control.removeAttribute("aria-invalid");
  };
  const showFieldError = (control: Control, message: string): void => {
    clearFieldError(control);
    const line = el("small", { className: "field-error", text: message });
    control.setAttribute("aria-invalid", "true");
    control.closest(".field")?.append(line);
    fieldErrors.set(control, line);
  };

  const setTerminals = (terminals: TerminalView[], chosen: string | null): void => {
    const options = [{ id: "", name: words.noTerminal }, ...terminals];
    if (chosen !== null && !terminals.some((terminal) => terminal.id === chosen)) {
      options.push({ id: chosen, name: chosen });
    }
    controls.terminalId.replaceChildren(
      ...options.map((terminal) => el("option", { text: terminal.name, attrs: { value: terminal.id } })),
    );
    controls.terminalId.value = chosen ?? "";
    // A choice of one is no choice.
    terminalField.hidden = terminals.length < 2;
  };

  /** The settings in use, as the Rust side last said. */
  let current: Settings | null = null;
  /** Shows `settings` in `names` (every control by default); hides what does not apply. */
  const fill = (
    settings: Settings,
    names: readonly (keyof Controls)[] = Object.keys(controls) as (keyof Controls)[],
  ): void => {
    current = settings;
    for (const name of names) {
      const control = controls[name];
      if (name === "terminalId") continue;
      const value = settings[name];
      if (control instanceof HTMLInputElement && control.type === "checkbox")
        control.checked = value === true;
      else control.value = value === null ? "" : String(value);
    }
    serverLine.textContent = settings.server;
    loginLine.textContent = settings.login;
    cornerField.hidden = !settings.popupEnabled;
    lingerField.hidden = !settings.popupEnabled;
    screenPopOnField.hidden = settings.screenPopUrl === "";
  };

  let active = true;
  /** Changes are sent one after the other, each once the one before was answered. */
  let queue: Promise<void> = Promise.resolve();
  /**
   * Sends the change made at `control` after the changes before it: `change` makes it from the
   * settings in use once those are saved (a part of a group of settings keeps the other parts
   * changed meanwhile). `show` puts what is in use back in the control (after a refusal only
   * for a box or a choice: typed text stays, to be corrected).
   */
  const applyAt = (
    control: Control,
    asked: SettingChange | ((settings: Settings) => SettingChange),
    show: (settings: Settings) => void,
  ): void => {
    clearFieldError(control);
    queue = queue.then(async () => {
      if (!active || current === null) return;
      const change = typeof asked === "function" ? asked(current) : asked;
      if (changesNothing(current, change)) return;
      try {
        const saved = await changeSetting(change);
        if (!active) return;
        show(saved);
        saySaved();
      } catch (reason: unknown) {
        if (!active) return;
        const message = describeError(reason);
        showFieldError(control, message);
        notSaved(fmt(words.notSaved, { reason: message }));
        const typed = control instanceof HTMLInputElement && control.type !== "checkbox";
        if (current !== null && !typed) show(current);
      }
    });
  };
  const apply = (name: keyof Controls, change: SettingChange): void => {
    applyAt(controls[name], change, (settings) => fill(settings, [name]));
  };

  // Call hooks: each moment's command and webhook, sent as the whole set of hooks.
  const hookInput = (moment: HookMoment, part: HookPart): HTMLInputElement => {
    const input = textInput(`hooks.${moment}.${part}`, {
      inputmode: part === "url" ? "url" : "text",
      placeholder:
        part === "url" ? "https://hooks.example.com/calls" : "/usr/local/bin/log-call {e164} {name}",
    });
    const send = (): void => {
      const typed = input.value;
      const change = (settings: Settings): SettingChange => {
        const hooks: Hooks = { ...settings.hooks, [moment]: { ...settings.hooks[moment], [part]: typed } };
        return { field: "hooks", value: hooks };
      };
      applyAt(input, change, (settings) => {
        fill(settings, []);
        input.value = settings.hooks[moment][part];
      });
    };
    input.addEventListener("change", send);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        send();
      }
    });
    return input;
  };
  const hookInputs = HOOK_MOMENTS.map((moment) => ({
    moment,
    command: hookInput(moment, "command"),
    url: hookInput(moment, "url"),
  }));
  /** A secret's field: what is typed goes to the keyring when the field is left, never back. */
  const secretInput = (which: Secret): HTMLInputElement => {
    const input = el("input", {
      attrs: {
        type: "password",
        name: which,
        autocomplete: "new-password",
        placeholder: words.secretUnchanged,
      },
    });
    input.addEventListener("change", () => {
      clearFieldError(input);
      setSecret(which, input.value).then(
        () => {
          input.value = "";
          saySaved();
        },
        (reason: unknown) => showFieldError(input, describeError(reason)),
      );
    });
    return input;
  };
  const hooksSecret = secretInput("hooksSecret");
  const endedAfterNote = checkbox("hooks.endedAfterNote");
  endedAfterNote.addEventListener("change", () => {
    const on = endedAfterNote.checked;
    applyAt(
      endedAfterNote,
      (settings) => ({ field: "hooks", value: { ...settings.hooks, endedAfterNote: on } }),
      (settings) => {
        fill(settings, []);
        endedAfterNote.checked = settings.hooks.endedAfterNote;
      },
    );
  });

  // Call notes: the outcomes offered, one per line; the built-in list is kept as "none set".
  const outcomes = el("textarea", { attrs: { name: "outcomes", rows: "5" } });
  outcomes.addEventListener("change", () => {
    const listed = outcomesTyped(outcomes.value);
    applyAt(
      outcomes,
      { field: "outcomes", value: sameList(listed, outcomeChoices(null)) ? null : listed },
      (settings) => {
        fill(settings, []);
        outcomes.value = outcomeChoices(settings).join("\n");
      },
    );
  });
  form.insertBefore(
    el(
      "fieldset",
      { className: "notes" },
      el("legend", { text: words.notes }),
      el("small", { className: "hint", text: words.outcomesHint }),
      field(words.outcomes, outcomes),
    ),
    contacts.element,
  );
  form.insertBefore(
    el(
      "fieldset",
      { className: "hooks" },
      el("legend", { text: words.hooks }),
      el("small", { className: "hint", text: fmt(words.hooksHint, { placeholders }) }),
      ...hookInputs.map(({ moment, command, url }) =>
        el(
          "div",
          { className: "hook" },
          el("h3", { text: words.hookMoments[moment] }),
          field(words.hookCommand, command),
          field(words.hookUrl, url),
        ),
      ),
      field(words.hooksSecret, hooksSecret, words.hooksSecretHint),
      checkboxField(words.endedAfterNote, endedAfterNote),
    ),
    form.querySelector(".notes"),
  );
  const fillHooks = (settings: Settings): void => {
    endedAfterNote.checked = settings.hooks.endedAfterNote;
    outcomes.value = outcomeChoices(settings).join("\n");
    for (const { moment, command, url } of hookInputs) {
      command.value = settings.hooks[moment].command;
      url.value = settings.hooks[moment].url;
    }
  };

  // Caller lookup: each field sends the whole lookup settings; secrets go to the keyring.
  const lookupChange =
    (part: LookupPart, value: string | boolean | number) =>
    (settings: Settings): SettingChange => ({
      field: "lookup",
      value: { ...settings.lookup, [part]: value },
    });
  const lookupText = (part: LookupTextPart, placeholder: string): HTMLInputElement => {
    const input = textInput(`lookup.${part}`, { placeholder });
    const send = (): void => {
      applyAt(input, lookupChange(part, input.value), (settings) => {
        fill(settings, []);
        input.value = settings.lookup[part];
      });
    };
    input.addEventListener("change", send);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        send();
      }
    });
    return input;
  };
  const lookupControls = {
    crmUrl: lookupText("crmUrl", "https://crm.example.com/api/callers?phone={e164}"),
    crmHeader: lookupText("crmHeader", "Authorization"),
    directoryUrl: lookupText("directoryUrl", "ldaps://directory.example.com"),
    directoryBaseDn: lookupText("directoryBaseDn", "ou=people,dc=example,dc=com"),
    directoryBindDn: lookupText("directoryBindDn", words.anonymous),
    directoryFilter: lookupText("directoryFilter", words.defaultFilter),
    addressBookUrl: lookupText(
      "addressBookUrl",
      "https://cloud.example.com/remote.php/dav/addressbooks/users/ada/contacts/",
    ),
    addressBookUser: lookupText("addressBookUser", ""),
  };
  const syncMinutes = el("input", {
    attrs: { type: "number", name: "lookup.addressBookSyncMinutes", min: "1", max: "1440", step: "1" },
  });
  syncMinutes.addEventListener("change", () => {
    const minutes = Number(syncMinutes.value);
    if (!Number.isInteger(minutes)) return;
    applyAt(syncMinutes, lookupChange("addressBookSyncMinutes", minutes), (settings) => {
      fill(settings, []);
      syncMinutes.value = String(settings.lookup.addressBookSyncMinutes);
    });
  });
  const syncNow = el("button", { className: "sync-now", text: words.syncNow, attrs: { type: "button" } });
  const syncAnswer = el("p", { className: "sync-answer", attrs: { role: "status" } });
  syncNow.addEventListener("click", () => {
    syncNow.disabled = true;
    syncAnswer.textContent = words.syncing;
    syncAddressBook()
      .then(
        (outcome) => {
          if (active)
            syncAnswer.textContent = fmt(words.synced, { count: outcome.contacts, changed: outcome.changed });
        },
        (reason: unknown) => {
          if (active) syncAnswer.textContent = describeError(reason);
        },
      )
      .finally(() => {
        syncNow.disabled = false;
      });
  });
  const starttls = checkbox("lookup.directoryStarttls");
  starttls.addEventListener("change", () => {
    applyAt(starttls, lookupChange("directoryStarttls", starttls.checked), (settings) => {
      fill(settings, []);
      starttls.checked = settings.lookup.directoryStarttls;
    });
  });
  const first = el(
    "select",
    { attrs: { name: "lookup.first" } },
    ...LOOKUP_SOURCES.map((source) =>
      el("option", { text: words.lookupFirst[source], attrs: { value: source } }),
    ),
  );
  first.addEventListener("change", () => {
    const source = LOOKUP_SOURCES.find((known) => known === first.value);
    if (source === undefined) return;
    applyAt(first, lookupChange("first", source), (settings) => {
      fill(settings, []);
      first.value = settings.lookup.first;
    });
  });
  // Only at load: after a change, each control shows its own field (another may be being typed in).
  const fillLookup = (settings: Settings): void => {
    for (const part of LOOKUP_TEXT_PARTS) lookupControls[part].value = settings.lookup[part];
    starttls.checked = settings.lookup.directoryStarttls;
    first.value = settings.lookup.first;
    syncMinutes.value = String(settings.lookup.addressBookSyncMinutes);
  };
  // "Look up +33 1 23 45 67 89": the answer of one source, or why it failed.
  const testNumber = textInput("lookup.testNumber", { inputmode: "tel", placeholder: "+33 1 23 45 67 89" });
  const testAnswer = el("p", { className: "lookup-answer", attrs: { role: "status" } });
  const testButtons = LOOKUP_SOURCES.map((source) => {
    const button = el("button", {
      className: `test-lookup test-${source}`,
      text: words.lookupTest[source],
      attrs: { type: "button" },
    });
    button.addEventListener("click", () => {
      testAnswer.textContent = words.lookingUp;
      testLookup(source, testNumber.value).then(
        (answer) => {
          if (!active) return;
          testAnswer.textContent =
            answer === null
              ? words.lookupNobody
              : [answer.name, answer.company, answer.url].filter((part) => part !== null).join(" · ");
        },
        (reason: unknown) => {
          if (active) testAnswer.textContent = describeError(reason);
        },
      );
    });
    return button;
  });
  form.insertBefore(
    el(
      "fieldset",
      { className: "lookup" },
      el("legend", { text: words.lookup }),
      el("small", { className: "hint", text: words.lookupHint }),
      field(words.crmUrl, lookupControls.crmUrl, fmt(words.crmUrlHint, { placeholders })),
      field(words.crmHeader, lookupControls.crmHeader),
      field(words.crmToken, secretInput("crmToken"), words.secretHint),
      field(words.directoryUrl, lookupControls.directoryUrl),
      checkboxField(words.directoryStarttls, starttls),
      field(words.directoryBaseDn, lookupControls.directoryBaseDn),
      field(words.directoryBindDn, lookupControls.directoryBindDn),
      field(words.directoryPassword, secretInput("directoryPassword"), words.secretHint),
      field(words.directoryFilter, lookupControls.directoryFilter),
      field(words.lookupOrder, first),
      field(words.lookupTestNumber, testNumber),
      el("div", { className: "lookup-tests" }, ...testButtons),
      testAnswer,
      el("h3", { text: words.addressBook }),
      el("small", { className: "hint", text: words.addressBookHint }),
      field(words.addressBookUrl, lookupControls.addressBookUrl),
      field(words.addressBookUser, lookupControls.addressBookUser),
      field(words.addressBookPassword, secretInput("addressBookPassword"), words.secretHint),
      field(words.addressBookSyncMinutes, syncMinutes),
      el("div", { className: "lookup-tests" }, syncNow),
      syncAnswer,
    ),
    form.querySelector(".hooks"),
  );

  for (const name of TOGGLES) {
    controls[name].addEventListener("change", () => {
      apply(name, { field: name, value: controls[name].checked });
    });
  }
  for (const name of ["popupCorner", "screenPopOn", "defaultCountry"] as const) {
    controls[name].addEventListener("change", () => {
      const change = choiceChange(name, controls[name].value);
      if (change !== null) apply(name, change);
    });
  }
  const applyText = (name: TextSetting): void => {
    const checked = textChange(name, controls[name].value);
    if ("error" in checked) {
      showFieldError(controls[name], checked.error);
      notSaved(fmt(words.notSaved, { reason: checked.error }));
    } else {
      apply(name, checked.change);
    }
  };
  for (const name of TEXT_SETTINGS) {
    controls[name].addEventListener("change", () => applyText(name));
    controls[name].addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        applyText(name);
      }
    });
  }
  // The shortcut is recorded as the keys are pressed, not typed out, and applied at once.
  controls.hotkey.addEventListener("keydown", (event) => {
    const recorded = recordedHotkey(event);
    if (recorded === null) return;
    event.preventDefault();
    controls.hotkey.value = recorded;
    applyText("hotkey");
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  controls.terminalId.addEventListener("change", () => {
    const id = controls.terminalId.value;
    if (id === "") return;
    clearFieldError(controls.terminalId);
    selectTerminal(id).then(
      () => {
        if (active) saySaved();
      },
      (reason: unknown) => {
        if (!active) return;
        showFieldError(controls.terminalId, describeError(reason));
        controls.terminalId.value = current?.terminalId ?? "";
      },
    );
  });

  // The terminal list and the hotkey's way are niceties: without a status the form still loads.
  const loadStatus = getStatus().then(
    (status): StatusView | null => status,
    () => null,
  );
  Promise.all([getSettings(), loadStatus]).then(
    ([settings, status]) => {
      if (!active) return;
      setTerminals(status?.terminals ?? [], settings.terminalId);
      fill(settings);
      fillHooks(settings);
      fillLookup(settings);
      if (status !== null) showHotkeyWay(status);
      for (const name of Object.keys(controls) as (keyof Controls)[]) {
        markManaged(controls[name], name, settings.managed);
      }
      for (const { command, url } of hookInputs) {
        for (const input of [command, url]) markManaged(input, "hooks", settings.managed);
      }
      markManaged(endedAfterNote, "hooks", settings.managed);
      markManaged(outcomes, "outcomes", settings.managed);
      for (const input of [...Object.values(lookupControls), starttls, first, syncMinutes]) {
        markManaged(input, "lookup", settings.managed);
      }
      form.hidden = false;
      showAboutWhenAsked();
    },
    (reason: unknown) => {
      if (active) loadNotice.show(describeError(reason), "error");
    },
  );

  /** The window opened (or asked again) at `#about`: the About section comes into view. */
  const showAboutWhenAsked = (): void => {
    if (window.location.hash === "#about" && !form.hidden) form.querySelector(".about")?.scrollIntoView();
  };
  window.addEventListener("hashchange", showAboutWhenAsked);

  signOutButton.addEventListener("click", () => {
    signOutButton.disabled = true;
    signOut()
      .then(
        () => saveNotice.show(words.signedOut, "success"),
        (reason: unknown) => saveNotice.show(describeError(reason), "error"),
      )
      .finally(() => {
        signOutButton.disabled = false;
      });
  });

  return () => {
    active = false;
    window.clearTimeout(quietTimer);
    window.removeEventListener("hashchange", showAboutWhenAsked);
    contacts.discard();
    loadNotice.element.remove();
    form.remove();
    footer.remove();
  };
}
