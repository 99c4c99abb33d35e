/**
 * The Settings tab: a form over every `Settings` field plus an optional new password, checked
 * here first (so most mistakes are caught before the round trip) and then by the Rust side,
 * whose `invalid_settings` (or `invalid_template`, `ca_file`) message names the field. A plain
 * http:// server address gets a warning as it is typed; the file of an extra certificate
 * authority is under "Advanced". Also holds the Sign out button, and the Contacts section: how
 * many contacts are stored, importing a CSV or vCard file, and removing them all (after a
 * confirmation click).
 */
import type {
  AppError,
  PopupCorner,
  ScreenPopTrigger,
  Settings,
  StatusView,
  TerminalView,
} from "../bindings";
import { caFileInput, caFileValue, checkboxField, el, field, notice, serverInput } from "../dom";
import { fmt, locale, t } from "../i18n";
import {
  ask,
  clearContacts,
  contactCount,
  describeError,
  getSettings,
  getStatus,
  importContacts,
  saveSettings,
  signOut,
} from "../ipc";
import { DIAL_COUNTRIES, SCREEN_POP_PLACEHOLDERS } from "../bindings/constants";

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

/** The form as typed: text fields are raw strings, checkboxes booleans. */
export type SettingsDraft = Omit<
  Settings,
  "terminalId" | "popupCorner" | "popupLingerSecs" | "outsideLinePrefix" | "screenPopOn" | "caFile"
> & {
  terminalId: string;
  popupCorner: string;
  popupLingerSecs: string;
  outsideLinePrefix: string;
  screenPopOn: string;
  caFile: string;
};

export type FieldError = { field: keyof Settings; message: string };

const isCorner = (value: string): value is PopupCorner => CORNERS.some((corner) => corner === value);
const isTrigger = (value: string): value is ScreenPopTrigger => TRIGGERS.some((trigger) => trigger === value);

/** Whether a screen pop address is acceptable here: empty (none), or http(s) with a host after. */
export const isScreenPopUrl = (text: string): boolean => text === "" || /^https?:\/\/[^\s/]/i.test(text);

/** Turns the form into `Settings`, or says which fields are wrong and why. */
export function validateSettings(draft: SettingsDraft): { settings: Settings } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const invalid = t().settings.invalid;
  const fail = (field: keyof typeof invalid): void => {
    errors.push({ field, message: invalid[field] });
  };

  const server = draft.server.trim();
  if (!/^https?:\/\/[^\s/]+/i.test(server)) fail("server");
  const login = draft.login.trim();
  if (login === "") fail("login");

  const hotkeyText = draft.hotkey.trim();
  const hotkey = hotkeyText === "" ? "" : normalizeHotkey(hotkeyText);
  if (hotkey === null) fail("hotkey");

  const linger = Number(draft.popupLingerSecs.trim());
  const lingerOk =
    draft.popupLingerSecs.trim() !== "" && Number.isInteger(linger) && linger >= 1 && linger <= 120;
  if (!lingerOk) fail("popupLingerSecs");

  const country = draft.defaultCountry.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) fail("defaultCountry");

  const prefix = draft.outsideLinePrefix.trim();
  if (!/^\d*$/.test(prefix)) fail("outsideLinePrefix");

  if (!isCorner(draft.popupCorner)) fail("popupCorner");

  const screenPopUrl = draft.screenPopUrl.trim();
  if (!isScreenPopUrl(screenPopUrl)) fail("screenPopUrl");
  if (!isTrigger(draft.screenPopOn)) fail("screenPopOn");

  if (errors.length > 0 || hotkey === null || !isCorner(draft.popupCorner) || !isTrigger(draft.screenPopOn)) {
    return { errors };
  }
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
      screenPopUrl,
      screenPopOn: draft.screenPopOn,
      handleLinks: draft.handleLinks,
      gnomeShortcut: draft.gnomeShortcut,
      caFile: caFileValue(draft.caFile),
    },
  };
}

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
  const file = el("input", {
    className: "contacts-file",
    attrs: { type: "file", name: "contactsFile", accept: CONTACTS_FILE_TYPES },
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
    field(words.contactsFile, file),
    el("div", { className: "buttons" }, importButton),
    message.element,
    el("div", { className: "buttons" }, cancel, remove),
  );

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

  let confirming = false;
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

export function mount(host: HTMLElement): () => void {
  const words = t().settings;
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
      ...CORNERS.map((value) => el("option", { text: words.corners[value], attrs: { value } })),
    ),
    popupLingerSecs: el("input", {
      attrs: { type: "number", name: "popupLingerSecs", min: "1", max: "120", step: "1" },
    }),
    notifyIncoming: checkbox("notifyIncoming"),
    notifyMissed: checkbox("notifyMissed"),
    defaultCountry: countryPicker(),
    outsideLinePrefix: textInput("outsideLinePrefix", { inputmode: "numeric", placeholder: words.noPrefix }),
    startAtLogin: checkbox("startAtLogin"),
    dnd: checkbox("dnd"),
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
    caFile: caFileInput(),
  } satisfies Record<keyof Settings, HTMLInputElement | HTMLSelectElement>;
  const password = el("input", {
    attrs: {
      type: "password",
      name: "password",
      autocomplete: "new-password",
      placeholder: words.keepPassword,
    },
  });

  const save = el("button", { className: "primary save", text: words.save, attrs: { type: "submit" } });
  const saveNotice = notice("settings-notice");
  const signOutButton = el("button", {
    className: "sign-out",
    text: words.signOut,
    attrs: { type: "button" },
  });
  const contacts = contactsSection();
  const placeholders = SCREEN_POP_PLACEHOLDERS.map((name) => `{${name}}`).join(" ");
  // The shortcut is recorded as the keys are pressed, not typed out.
  controls.hotkey.addEventListener("keydown", (event) => {
    const recorded = recordedHotkey(event);
    if (recorded === null) return;
    event.preventDefault();
    controls.hotkey.value = recorded;
    controls.hotkey.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // Shown only where GNOME lets no app hold a key and the app can add GNOME's own shortcut.
  const gnomeShortcutField = checkboxField(words.gnomeShortcut, controls.gnomeShortcut);
  gnomeShortcutField.hidden = true;

  const form = el(
    "form",
    { className: "settings-form", attrs: { novalidate: "" } },
    el(
      "fieldset",
      {},
      el("legend", { text: words.account }),
      field(t().common.serverAddress, controls.server),
      server.warning,
      field(t().common.login, controls.login),
      field(words.newPassword, password),
      field(words.terminal, controls.terminalId),
      el("div", { className: "account-actions" }, signOutButton),
    ),
    el(
      "fieldset",
      {},
      el("legend", { text: words.calls }),
      checkboxField(words.popupEnabled, controls.popupEnabled),
      field(words.popupCorner, controls.popupCorner),
      field(words.popupLinger, controls.popupLingerSecs),
      checkboxField(words.notifyIncoming, controls.notifyIncoming),
      checkboxField(words.notifyMissed, controls.notifyMissed),
      checkboxField(t().status.dnd, controls.dnd),
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
      field(words.screenPopOn, controls.screenPopOn),
    ),
    contacts.element,
    el(
      "fieldset",
      { className: "advanced" },
      el("legend", { text: t().common.advanced }),
      field(t().common.caFile, controls.caFile, t().common.caFileHint),
    ),
    el("div", { className: "buttons" }, saveNotice.element, save),
  );
  const loadNotice = notice("settings-load-error", "alert");
  host.append(loadNotice.element, form);
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
          void ask("changeDialKey").catch(() => undefined);
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
    const options = [{ id: "", name: words.noTerminal }, ...terminals];
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
    controls.screenPopUrl.value = settings.screenPopUrl;
    controls.screenPopOn.value = settings.screenPopOn;
    controls.handleLinks.checked = settings.handleLinks;
    controls.gnomeShortcut.checked = settings.gnomeShortcut;
    controls.caFile.value = settings.caFile ?? "";
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
    screenPopUrl: controls.screenPopUrl.value,
    screenPopOn: controls.screenPopOn.value,
    handleLinks: controls.handleLinks.checked,
    gnomeShortcut: controls.gnomeShortcut.checked,
    caFile: controls.caFile.value,
  });

  let active = true;
  // The terminal list and the hotkey's way are niceties: without a status the form still loads.
  const loadStatus = getStatus().then(
    (status): StatusView | null => status,
    () => null,
  );
  Promise.all([getSettings(), loadStatus]).then(
    ([settings, status]) => {
      if (!active) return;
      terminals = status?.terminals ?? [];
      fill(settings);
      if (status !== null) showHotkeyWay(status);
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
      saveNotice.show(words.needsFixing, "error");
      return;
    }
    save.disabled = true;
    saveNotice.show(words.saving);
    saveSettings(checked.settings, password.value === "" ? null : password.value)
      .then(
        (saved) => {
          if (!active) return;
          fill(saved);
          saveNotice.show(words.saved, "success");
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
        () => saveNotice.show(words.signedOut, "success"),
        (reason: unknown) => saveNotice.show(describeError(reason), "error"),
      )
      .finally(() => {
        signOutButton.disabled = false;
      });
  });

  return () => {
    active = false;
    contacts.discard();
    loadNotice.element.remove();
    form.remove();
  };
}
