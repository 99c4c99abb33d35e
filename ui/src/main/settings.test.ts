import { describe, expect, test, vi } from "vitest";
import type { ContactImport, SettingChange, Settings } from "../bindings";
import { fmt, setLocale, t } from "../i18n";
import { deferred, sampleSettings, sampleStatus, settle, usePage, type Handlers } from "../testing";
import {
  MAX_CONTACTS_FILE_BYTES,
  SAVED_SHOWN_MS,
  changesNothing,
  mount,
  normalizeHotkey,
  textChange,
} from "./settings";

const page = usePage(mount);

/** A backend that applies each change to the settings it holds, as the Rust side does. */
const open = (handlers: Handlers = {}, settings: Settings = sampleSettings()) => {
  let held = settings;
  return page.open({
    get_settings: () => held,
    get_status: () =>
      sampleStatus({
        terminals: [
          { id: "t1", name: "Desk phone" },
          { id: "t2", name: "Softphone" },
        ],
      }),
    change_setting: ({ change }) => {
      const { field, value } = change as SettingChange;
      held = { ...held, [field]: value };
      return held;
    },
    select_terminal: () => sampleStatus(),
    contact_count: () => 3,
    ...handlers,
  });
};

const control = <T extends HTMLInputElement | HTMLSelectElement = HTMLInputElement>(name: string): T =>
  document.querySelector<T>(`[name="${name}"]`)!;
/** As a user would: the value typed, then the field left. */
const type = async (name: string, value: string): Promise<void> => {
  control(name).value = value;
  control(name).dispatchEvent(new Event("change"));
  await settle();
};
/** A box ticked or unticked, a choice picked. */
const choose = async (name: string, value: string | boolean): Promise<void> => {
  const target = control(name);
  if (typeof value === "boolean") target.checked = value;
  else target.value = value;
  target.dispatchEvent(new Event("change"));
  await settle();
};
const noticeText = (): string | null => {
  const element = document.querySelector<HTMLElement>(".settings-notice");
  return element === null || element.hidden ? null : element.textContent;
};
const fieldError = (name: string): string | null =>
  control(name).closest(".field")?.querySelector(".field-error")?.textContent ?? null;
const click = async (selector: string): Promise<void> => {
  document.querySelector<HTMLButtonElement>(selector)!.click();
  await settle();
};
const shown = (name: string): boolean => !control(name).closest<HTMLElement>(".field")!.hidden;

describe("normalizeHotkey", () => {
  test.each([
    ["Ctrl+Alt+D", "Ctrl+Alt+D"],
    ["alt + ctrl + d", "Ctrl+Alt+D"],
    ["Super+Shift+F12", "Shift+Super+F12"],
    ["Ctrl+Space", "Ctrl+Space"],
    ["Ctrl+5", "Ctrl+5"],
  ])("accepts %s as %s", (text, canonical) => {
    expect(normalizeHotkey(text)).toBe(canonical);
  });

  test.each(["D", "Ctrl", "Ctrl+", "Ctrl+D+E", "Ctrl+Ctrl+D", "Hyper+D", "Ctrl+F25", "Ctrl+Alt+Dee", ""])(
    "rejects %j",
    (text) => {
      expect(normalizeHotkey(text)).toBeNull();
    },
  );
});

describe("textChange", () => {
  test("tidies what was typed into the change to send", () => {
    expect(textChange("hotkey", " ctrl+alt+d ")).toEqual({
      change: { field: "hotkey", value: "Ctrl+Alt+D" },
    });
    expect(textChange("hotkey", "")).toEqual({ change: { field: "hotkey", value: "" } });
    expect(textChange("outsideLinePrefix", " ")).toEqual({
      change: { field: "outsideLinePrefix", value: null },
    });
    expect(textChange("outsideLinePrefix", "00")).toEqual({
      change: { field: "outsideLinePrefix", value: "00" },
    });
    expect(textChange("screenPopUrl", "   ")).toEqual({ change: { field: "screenPopUrl", value: "" } });
    expect(textChange("popupLingerSecs", "7")).toEqual({ change: { field: "popupLingerSecs", value: 7 } });
  });

  test.each([
    ["hotkey", "Q"],
    ["outsideLinePrefix", "0a"],
    ["popupLingerSecs", "0"],
    ["popupLingerSecs", "121"],
    ["popupLingerSecs", "2.5"],
    ["popupLingerSecs", ""],
    ["screenPopUrl", "crm.example.com"],
  ] as const)("refuses %s %j with the field's own words", (name, raw) => {
    expect(textChange(name, raw)).toHaveProperty("error");
  });

  test("a change to the value in use changes nothing", () => {
    expect(changesNothing(sampleSettings(), { field: "popupEnabled", value: true })).toBe(true);
    expect(changesNothing(sampleSettings(), { field: "outsideLinePrefix", value: null })).toBe(true);
    expect(changesNothing(sampleSettings(), { field: "outsideLinePrefix", value: "0" })).toBe(false);
  });
});

describe("the settings tab", () => {
  test("loads the settings in use; the account is shown, not edited", async () => {
    await open();
    expect(document.querySelector(".account-login")?.textContent).toBe("alice");
    expect(document.querySelector(".account-server")?.textContent).toBe("https://pbx.example.com");
    expect(
      document.querySelector('[name="server"], [name="login"], [name="password"], [name="caFile"]'),
    ).toBeNull();
    expect(control("hotkey").value).toBe("Ctrl+Alt+D");
    expect(control("popupEnabled").checked).toBe(true);
    expect(control<HTMLSelectElement>("popupCorner").value).toBe("bottom-right");
    expect(control("popupLingerSecs").value).toBe("10");
    expect(control("defaultCountry").value).toBe("FR");
    expect(control("outsideLinePrefix").value).toBe("");
    const terminal = control<HTMLSelectElement>("terminalId");
    expect([...terminal.options].map((option) => option.textContent)).toEqual([
      "None",
      "Desk phone",
      "Softphone",
    ]);
    expect(terminal.value).toBe("t1");
    expect(document.querySelector("button.save")).toBeNull();
    expect(noticeText()).toBeNull();
  });

  test("a box ticked is applied at once, alone, and the tab says Saved", async () => {
    const backend = await open();
    await choose("startAtLogin", true);
    expect(backend.argsOf("change_setting")).toEqual([{ change: { field: "startAtLogin", value: true } }]);
    expect(noticeText()).toBe("Saved");
  });

  test("a text field is applied when left or on Enter, tidied, and only when it changed", async () => {
    const backend = await open();
    await type("outsideLinePrefix", " 0 ");
    expect(backend.argsOf("change_setting")).toEqual([
      { change: { field: "outsideLinePrefix", value: "0" } },
    ]);
    expect(control("outsideLinePrefix").value).toBe("0");
    await type("outsideLinePrefix", "0");
    expect(backend.argsOf("change_setting")).toHaveLength(1);
    control("popupLingerSecs").value = "7";
    control("popupLingerSecs").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(backend.argsOf("change_setting")[1]).toEqual({ change: { field: "popupLingerSecs", value: 7 } });
  });

  test("changes made quickly are sent one after the other, each after the last answer", async () => {
    const first = deferred<Settings>();
    let calls = 0;
    const backend = await open({
      change_setting: ({ change }) => {
        calls += 1;
        const { field, value } = change as SettingChange;
        return calls === 1 ? first.promise : { ...sampleSettings({ notifyMissed: false }), [field]: value };
      },
    });
    await choose("notifyMissed", false);
    await choose("notifyIncoming", false);
    expect(backend.argsOf("change_setting")).toHaveLength(1);
    first.resolve(sampleSettings({ notifyMissed: false }));
    await settle();
    expect(backend.argsOf("change_setting")).toEqual([
      { change: { field: "notifyMissed", value: false } },
      { change: { field: "notifyIncoming", value: false } },
    ]);
    expect(noticeText()).toBe("Saved");
  });

  test("an implausible shortcut is flagged at the field and not sent; a good one clears the flag", async () => {
    const backend = await open();
    await type("hotkey", "Ctrl+Alt");
    expect(backend.argsOf("change_setting")).toHaveLength(0);
    expect(control("hotkey").getAttribute("aria-invalid")).toBe("true");
    expect(fieldError("hotkey")).toMatch(/Ctrl\+Alt\+D/);
    expect(noticeText()).toMatch(/^Not saved: /);
    await type("hotkey", "Ctrl+Alt+K");
    expect(control("hotkey").hasAttribute("aria-invalid")).toBe(false);
    expect(document.querySelectorAll(".field-error")).toHaveLength(0);
    expect(backend.argsOf("change_setting")).toEqual([{ change: { field: "hotkey", value: "Ctrl+Alt+K" } }]);
  });

  test("the shortcut is recorded as the keys are pressed and applied; Backspace clears it", async () => {
    const backend = await open();
    const field = control("hotkey");
    const press = async (init: KeyboardEventInit): Promise<KeyboardEvent> => {
      const event = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
      field.dispatchEvent(event);
      await settle();
      return event;
    };
    expect((await press({ key: "Control", code: "ControlLeft", ctrlKey: true })).defaultPrevented).toBe(
      false,
    );
    expect(field.value).toBe("Ctrl+Alt+D");
    expect((await press({ key: "k", code: "KeyK", ctrlKey: true, shiftKey: true })).defaultPrevented).toBe(
      true,
    );
    expect(field.value).toBe("Ctrl+Shift+K");
    await press({ key: "F9", code: "F9", metaKey: true });
    expect(field.value).toBe("Super+F9");
    expect((await press({ key: "Tab", code: "Tab" })).defaultPrevented).toBe(false);
    await press({ key: "Backspace", code: "Backspace" });
    expect(field.value).toBe("");
    expect(backend.argsOf("change_setting").map((args) => (args.change as SettingChange).value)).toEqual([
      "Ctrl+Shift+K",
      "Super+F9",
      "",
    ]);
  });

  test("a shortcut the desktop refuses says so at the field, and keeps the keys pressed to retry", async () => {
    await open({
      change_setting: () => {
        throw { code: "hotkey_taken", message: "Ctrl+Alt+D" };
      },
    });
    await type("hotkey", "Ctrl+Alt+J");
    expect(fieldError("hotkey")).toBe("This shortcut is already used by another application (Ctrl+Alt+D)");
    expect(noticeText()).toBe("Not saved: This shortcut is already used by another application (Ctrl+Alt+D)");
    expect(control("hotkey").value).toBe("Ctrl+Alt+J");
  });

  test("a box whose change is refused shows what is in use again", async () => {
    await open({
      change_setting: () => {
        throw { code: "internal", message: "disk full" };
      },
    });
    await choose("startAtLogin", true);
    expect(control("startAtLogin").checked).toBe(false);
    expect(fieldError("startAtLogin")).toBe("Something went wrong inside istra-tray (disk full)");
  });

  test("the popup's corner and delay show only with popups on", async () => {
    await open();
    expect([shown("popupCorner"), shown("popupLingerSecs")]).toEqual([true, true]);
    await choose("popupEnabled", false);
    expect([shown("popupCorner"), shown("popupLingerSecs")]).toEqual([false, false]);
    await choose("popupEnabled", true);
    expect(shown("popupCorner")).toBe(true);
  });

  test("the terminal is picked only when there is a choice, and applied at once", async () => {
    const backend = await open();
    await choose("terminalId", "t2");
    expect(backend.argsOf("select_terminal")).toEqual([{ terminalId: "t2" }]);
    expect(noticeText()).toBe("Saved");
    page.unmount();
    document.body.replaceChildren();
    await open({ get_status: () => sampleStatus({ terminals: [{ id: "t1", name: "Desk phone" }] }) });
    expect(shown("terminalId")).toBe(false);
  });

  test("where the desktop holds the dial key, says which key and where to change it, and the field is read-only", async () => {
    await open({ get_status: () => sampleStatus({ hotkeyWay: "portal", hotkey: "LOGO+F9" }) });
    expect(control("hotkey").disabled).toBe(true);
    const way = (): string | null | undefined => document.querySelector(".hotkey-way")?.textContent;
    expect(way()).toBe(
      "On this desktop the desktop holds the dial key for istra-tray: LOGO+F9. Change it in the desktop's keyboard shortcut settings.",
    );
    page.unmount();
    document.body.replaceChildren();
    await open({ get_status: () => sampleStatus({ hotkeyWay: "desktopShortcut", hotkey: "" }) });
    expect(way()).toContain("istra-tray dial-selection");
    page.unmount();
    document.body.replaceChildren();
    await open();
    expect(control("hotkey").disabled).toBe(false);
    expect(document.querySelector(".hotkey-way")).toBeNull();
    expect(control("gnomeShortcut").closest<HTMLElement>("label, .field, div")!.hidden).toBe(true);
  });

  test("on GNOME without a portal, offers to add GNOME's own shortcut; on sway, gives the line for its config", async () => {
    const backend = await open({
      get_status: () =>
        sampleStatus({ hotkeyWay: "desktopShortcut", hotkey: "", shortcutOffer: { kind: "gnome" } }),
    });
    const box = control("gnomeShortcut");
    expect(box.closest<HTMLElement>("label, .field, div")!.hidden).toBe(false);
    expect(control("hotkey").disabled).toBe(false);
    await choose("gnomeShortcut", true);
    expect(backend.argsOf("change_setting")).toEqual([{ change: { field: "gnomeShortcut", value: true } }]);
    page.unmount();
    document.body.replaceChildren();
    const line = "bindsym Ctrl+Alt+d exec /usr/bin/istra-tray dial-selection";
    await open({
      get_status: () =>
        sampleStatus({ hotkeyWay: "desktopShortcut", hotkey: "", shortcutOffer: { kind: "line", line } }),
    });
    expect(document.querySelector(".shortcut-line")?.textContent).toBe(line);
    expect(control("hotkey").disabled).toBe(true);
  });

  test("Change… asks the desktop for its dialog, and says so when it cannot", async () => {
    const backend = await open({
      get_status: () => sampleStatus({ hotkeyWay: "portal", hotkey: "LOGO+F9", hotkeyConfigurable: true }),
      ask: () => {
        throw { code: "internal", message: "no portal" };
      },
    });
    await click("button.change-dial-key");
    expect(backend.argsOf("ask")).toEqual([{ asked: "changeDialKey" }]);
    expect(noticeText()).toBe("Something went wrong inside istra-tray (no portal)");
  });

  test("Sign out sits with the account, with how to use another one", async () => {
    await open();
    const signOutButton = document.querySelector<HTMLButtonElement>("button.sign-out")!;
    const account = signOutButton.closest("fieldset")!;
    expect(account.querySelector("legend")?.textContent).toBe("Account");
    expect(account.querySelector(".hint")?.textContent).toBe(
      "To use another account or server, sign out and sign in again.",
    );
  });

  test("the default country is picked by name from the countries the dial rules know", async () => {
    const backend = await open();
    const picker = control<HTMLSelectElement>("defaultCountry");
    expect(picker.tagName).toBe("SELECT");
    expect(picker.value).toBe("FR");
    expect(picker.selectedOptions[0]?.textContent).toBe("France");
    const names = [...picker.options].map((option) => option.textContent ?? "");
    expect(names.length).toBeGreaterThan(200);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en")));
    await choose("defaultCountry", "BE");
    expect(backend.argsOf("change_setting")).toEqual([{ change: { field: "defaultCountry", value: "BE" } }]);
  });

  test("country names speak French", async () => {
    setLocale("fr");
    await open();
    const picker = control<HTMLSelectElement>("defaultCountry");
    picker.value = "DE";
    expect(picker.selectedOptions[0]?.textContent).toBe("Allemagne");
  });

  test("shows why the settings could not be loaded", async () => {
    await open({
      get_settings: () => {
        throw { code: "internal", message: "config unreadable" };
      },
    });
    expect(document.querySelector(".settings-load-error")?.textContent).toBe(
      "Something went wrong inside istra-tray (config unreadable)",
    );
    expect(document.querySelector<HTMLElement>(".settings-form")?.hidden).toBe(true);
  });

  test("Sign out signs out", async () => {
    const backend = await open({ sign_out: () => null });
    await click("button.sign-out");
    expect(backend.argsOf("sign_out")).toHaveLength(1);
    expect(noticeText()).toBe("Signed out");
  });
});

describe("About", () => {
  test("says what the app is, its version, and copies diagnostics through the app", async () => {
    window.__ISTRA__ = { locale: "en", version: "1.2.3" };
    const backend = await open({ ask: () => null });
    const about = document.querySelector<HTMLElement>("fieldset.about")!;
    expect(about.querySelector("legend")?.textContent).toBe("About");
    expect(about.querySelector(".about-version")?.textContent).toBe("Version 1.2.3");
    expect(about.querySelector(".about-what")?.textContent).toBe(
      "Incoming-call popups and dial-the-selection for Centile Istra.",
    );
    await click("button.copy-diagnostics");
    expect(backend.argsOf("ask")).toEqual([{ asked: "copyDiagnostics" }]);
    delete window.__ISTRA__;
  });

  test("opened at #about, comes into view once the settings are in", async () => {
    const seen = vi.fn();
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element) {
      seen(this.className);
    };
    window.location.hash = "#about";
    await open();
    expect(seen).toHaveBeenCalledWith("about");
    window.location.hash = "";
    Element.prototype.scrollIntoView = original;
  });
});

describe("the screen pop settings", () => {
  test("load into the form with the placeholders listed", async () => {
    await open(
      {},
      sampleSettings({
        screenPopUrl: "https://crm.example.com/?p={e164}",
        screenPopOn: "answered",
        handleLinks: false,
      }),
    );
    expect(control("screenPopUrl").value).toBe("https://crm.example.com/?p={e164}");
    expect(control("screenPopUrl").placeholder).toBe("https://crm.example.com/search?phone={e164}");
    expect(control<HTMLSelectElement>("screenPopOn").value).toBe("answered");
    expect(control("handleLinks").checked).toBe(false);
    const hint = control("screenPopUrl").closest(".field")?.querySelector(".hint")?.textContent ?? "";
    for (const name of ["{number}", "{e164}", "{label}", "{name}", "{acd}", "{callId}", "{direction}"]) {
      expect(hint).toContain(name);
    }
    const select = control<HTMLSelectElement>("screenPopOn");
    expect([...select.options].map((option) => [option.value, option.textContent])).toEqual([
      ["ringing", "When an incoming call rings"],
      ["answered", "When an incoming call is answered"],
      ["button", "Only from the popup's “Open in CRM” button"],
    ]);
  });

  test("when to open it shows once there is an address; the address is sent trimmed", async () => {
    const backend = await open();
    expect(shown("screenPopOn")).toBe(false);
    await type("screenPopUrl", "  https://crm.example.com/search?phone={e164}&who={name} ");
    expect(shown("screenPopOn")).toBe(true);
    await choose("screenPopOn", "button");
    expect(backend.argsOf("change_setting")).toEqual([
      { change: { field: "screenPopUrl", value: "https://crm.example.com/search?phone={e164}&who={name}" } },
      { change: { field: "screenPopOn", value: "button" } },
    ]);
  });

  test.each(["crm.example.com/?p={e164}", "javascript:alert(1)", "ftp://crm", "https://", "https:// x"])(
    "refuse the address %j before sending it",
    async (address) => {
      const backend = await open();
      await type("screenPopUrl", address);
      expect(backend.argsOf("change_setting")).toHaveLength(0);
      expect(control("screenPopUrl").getAttribute("aria-invalid")).toBe("true");
      expect(fieldError("screenPopUrl")).toBe("The address must start with http:// or https://.");
    },
  );

  test("the Rust side's refusal of the address is shown at the field, the text kept", async () => {
    await open({
      change_setting: () => {
        throw { code: "invalid_template", message: "screen pop: unknown placeholder {phone}" };
      },
    });
    await type("screenPopUrl", "https://crm.example.com/?p={phone}");
    expect(fieldError("screenPopUrl")).toBe(
      "This screen pop address is not valid — it must start with http:// or https:// (screen pop: unknown placeholder {phone})",
    );
    expect(control("screenPopUrl").value).toBe("https://crm.example.com/?p={phone}");
  });
});

describe("the contacts section", () => {
  const countText = (): string | null => document.querySelector(".contact-count")?.textContent ?? null;
  const contactsNotice = (): string | null => {
    const element = document.querySelector<HTMLElement>(".contacts-notice");
    return element === null || element.hidden ? null : element.textContent;
  };
  const fileInput = (): HTMLInputElement => document.querySelector<HTMLInputElement>(".contacts-file")!;
  const button = (selector: string): HTMLButtonElement =>
    document.querySelector<HTMLButtonElement>(selector)!;
  const choose = (file: File): void => {
    Object.defineProperty(fileInput(), "files", { value: [file], configurable: true });
    fileInput().dispatchEvent(new Event("change"));
  };
  const csv = (text = "name,number\nAlice,0123456789\n", name = "team.csv") =>
    new File([text], name, { type: "text/csv" });

  test("shows how many contacts are stored and which files it takes", async () => {
    await open();
    expect(countText()).toBe("3 contacts saved");
    expect(fileInput().type).toBe("file");
    expect(fileInput().accept).toBe(".csv,.vcf,.vcard,text/csv,text/vcard,text/x-vcard");
  });

  test("the file is chosen with a button in the user's words, and its name shows as text", async () => {
    setLocale("fr");
    await open();
    expect(fileInput().hidden).toBe(true);
    expect(button("button.choose-file").textContent).toBe("Choisir un fichier…");
    expect(document.querySelector(".chosen-file")?.textContent).toBe("Aucun fichier choisi");
    const opened = vi.fn();
    fileInput().addEventListener("click", opened);
    button("button.choose-file").click();
    expect(opened).toHaveBeenCalledOnce();
    choose(csv("name,number\n", "<b>équipe</b>.csv"));
    expect(document.querySelector(".chosen-file")?.textContent).toBe("<b>équipe</b>.csv");
    expect(document.querySelector(".chosen-file b")).toBeNull();
  });

  test("no contacts and one contact read naturally", async () => {
    let count = 0;
    await open({
      contact_count: () => count,
      import_contacts: () => ({ imported: 1, skipped: 0, total: 1 }),
    });
    expect(countText()).toBe("No contacts saved");
    count = 1;
    choose(csv());
    await click("button.import-contacts");
    expect(countText()).toBe("1 contact saved");
    expect(contactsNotice()).toBe("Imported 1 contact (0 skipped)");
  });

  test("in French, zero and one take the singular, as every count does", async () => {
    setLocale("fr");
    let imported = { imported: 0, skipped: 1, total: 0 };
    await open({ contact_count: () => imported.total, import_contacts: () => imported });
    expect(countText()).toBe("Aucun contact enregistré");
    choose(csv());
    await click("button.import-contacts");
    expect(contactsNotice()).toBe("0 contact importé (1 ignoré)");
    imported = { imported: 12, skipped: 2, total: 12 };
    choose(csv());
    await click("button.import-contacts");
    expect(contactsNotice()).toBe("12 contacts importés (2 ignorés)");
    expect(countText()).toBe("12 contacts enregistrés");
  });

  test("a contacts count that cannot be read says why", async () => {
    await open({
      contact_count: () => {
        throw { code: "contacts", message: "" };
      },
    });
    expect(countText()).toBe("Your contacts are not available");
  });

  test("Import reads the chosen file, sends it with its name, and says how it went", async () => {
    let count = 3;
    const backend = await open({
      contact_count: () => count,
      import_contacts: () => {
        count = 15;
        return { imported: 12, skipped: 2, total: 14 } satisfies ContactImport;
      },
    });
    choose(csv("name,number\nAlice,0123456789\n", "Équipe.csv"));
    await click("button.import-contacts");
    expect(backend.argsOf("import_contacts")).toEqual([
      { fileName: "Équipe.csv", content: "name,number\nAlice,0123456789\n" },
    ]);
    expect(contactsNotice()).toBe("Imported 12 contacts (2 skipped)");
    expect(countText()).toBe("15 contacts saved");
    expect(backend.argsOf("contact_count")).toHaveLength(2);
  });

  test("Import is busy while the file is imported", async () => {
    const pending = deferred<ContactImport>();
    await open({ import_contacts: () => pending.promise });
    choose(csv());
    await click("button.import-contacts");
    expect(button("button.import-contacts").disabled).toBe(true);
    expect(contactsNotice()).toBe("Importing…");
    pending.resolve({ imported: 1, skipped: 0, total: 1 });
    await settle();
    expect(button("button.import-contacts").disabled).toBe(false);
  });

  test("Import without a file asks for one", async () => {
    const backend = await open({ import_contacts: () => ({ imported: 0, skipped: 0, total: 0 }) });
    await click("button.import-contacts");
    expect(contactsNotice()).toBe("Choose a CSV or vCard file first.");
    expect(backend.argsOf("import_contacts")).toHaveLength(0);
  });

  test("a file over 20 MiB is refused before it is read", async () => {
    const backend = await open({ import_contacts: () => ({ imported: 0, skipped: 0, total: 0 }) });
    const big = csv();
    Object.defineProperty(big, "size", { value: MAX_CONTACTS_FILE_BYTES + 1 });
    const read = vi.spyOn(big, "text");
    choose(big);
    await click("button.import-contacts");
    expect(contactsNotice()).toBe("This file is too big: a contacts file can be up to 20 MB.");
    expect(read).not.toHaveBeenCalled();
    expect(backend.argsOf("import_contacts")).toHaveLength(0);
    expect(MAX_CONTACTS_FILE_BYTES).toBe(20 * 1024 * 1024);
  });

  test("a file of exactly 20 MiB is still read", async () => {
    const backend = await open({ import_contacts: () => ({ imported: 0, skipped: 0, total: 0 }) });
    const file = csv();
    Object.defineProperty(file, "size", { value: MAX_CONTACTS_FILE_BYTES });
    choose(file);
    await click("button.import-contacts");
    expect(backend.argsOf("import_contacts")).toHaveLength(1);
  });

  test("a file the Rust side cannot read shows why, and the count stays", async () => {
    const backend = await open({
      import_contacts: () => {
        throw { code: "contacts_file", message: "no name or number column" };
      },
    });
    choose(csv());
    await click("button.import-contacts");
    expect(contactsNotice()).toBe(
      "istra-tray cannot read contacts from this file (no name or number column)",
    );
    expect(backend.argsOf("contact_count")).toHaveLength(1);
    expect(button("button.import-contacts").disabled).toBe(false);
  });

  test("a file the webview cannot read is reported without calling the Rust side", async () => {
    const backend = await open({ import_contacts: () => ({ imported: 0, skipped: 0, total: 0 }) });
    const file = csv();
    vi.spyOn(file, "text").mockRejectedValue(new Error("NotReadableError"));
    choose(file);
    await click("button.import-contacts");
    expect(contactsNotice()).toBe("istra-tray cannot read contacts from this file (NotReadableError)");
    expect(backend.argsOf("import_contacts")).toHaveLength(0);
  });

  test("Remove all contacts asks for a second click on Confirm removal", async () => {
    let count = 3;
    const backend = await open({
      contact_count: () => count,
      clear_contacts: () => {
        count = 0;
        return null;
      },
    });
    const remove = button("button.clear-contacts");
    expect(remove.textContent).toBe("Remove all contacts");
    expect(button("button.cancel-clear").hidden).toBe(true);

    await click("button.clear-contacts");
    expect(backend.argsOf("clear_contacts")).toHaveLength(0);
    expect(remove.textContent).toBe("Confirm removal");
    expect(button("button.cancel-clear").hidden).toBe(false);
    expect(contactsNotice()).toBe("All contacts will be removed from istra-tray.");

    await click("button.clear-contacts");
    expect(backend.argsOf("clear_contacts")).toEqual([{}]);
    expect(remove.textContent).toBe("Remove all contacts");
    expect(contactsNotice()).toBe("All contacts removed");
    expect(countText()).toBe("No contacts saved");
  });

  test("Cancel backs out of the removal", async () => {
    const backend = await open({ clear_contacts: () => null });
    await click("button.clear-contacts");
    await click("button.cancel-clear");
    expect(button("button.clear-contacts").textContent).toBe("Remove all contacts");
    expect(button("button.cancel-clear").hidden).toBe(true);
    expect(contactsNotice()).toBeNull();
    await click("button.clear-contacts");
    expect(backend.argsOf("clear_contacts")).toHaveLength(0);
  });

  test("the second click of a double click does not confirm", async () => {
    const backend = await open({ clear_contacts: () => null });
    const remove = button("button.clear-contacts");
    remove.dispatchEvent(new MouseEvent("click", { detail: 1 }));
    remove.dispatchEvent(new MouseEvent("click", { detail: 2 }));
    await settle();
    expect(backend.argsOf("clear_contacts")).toHaveLength(0);
    expect(remove.textContent).toBe("Confirm removal");
  });

  test("a failed removal says why", async () => {
    await open({
      clear_contacts: () => {
        throw { code: "contacts", message: "database is locked" };
      },
    });
    await click("button.clear-contacts");
    await click("button.clear-contacts");
    expect(contactsNotice()).toBe("Your contacts are not available (database is locked)");
    expect(button("button.clear-contacts").textContent).toBe("Remove all contacts");
    expect(button("button.clear-contacts").disabled).toBe(false);
  });
});

describe("in French", () => {
  test("the settings tab speaks French", async () => {
    setLocale("fr");
    await open();
    const legends = [...document.querySelectorAll("legend")].map((legend) => legend.textContent);
    expect(legends).toEqual([
      "Compte",
      "Appels",
      "Numérotation",
      "Remontée de fiche",
      "Recherche de l'appelant",
      "Actions sur les appels",
      "Notes d’appel",
      "Contacts",
      "À propos",
    ]);
    expect(document.querySelector("button.sign-out")?.textContent).toBe("Se déconnecter");
    expect(document.querySelector(".contact-count")?.textContent).toBe("3 contacts enregistrés");
    expect(document.querySelector("button.import-contacts")?.textContent).toBe("Importer");
    expect(document.querySelector("button.clear-contacts")?.textContent).toBe("Supprimer tous les contacts");
    expect(control("handleLinks").closest(".field")?.textContent).toBe(
      "Ouvrir les liens tel:, callto: et sip: avec istra-tray",
    );
    expect(
      [...control<HTMLSelectElement>("popupCorner").options].map((option) => option.textContent),
    ).toEqual([
      "À l'écart des notifications",
      "En haut à gauche",
      "En haut à droite",
      "En bas à gauche",
      "En bas à droite",
    ]);
    expect(control<HTMLSelectElement>("screenPopOn").options[1]?.textContent).toBe(
      "Quand un appel entrant est décroché",
    );
    expect(control<HTMLSelectElement>("terminalId").options[0]?.textContent).toBe("Aucun");
    await choose("notifyMissed", false);
    expect(noticeText()).toBe("Enregistré");
  });

  test("checks and messages are French too", async () => {
    setLocale("fr");
    await open();
    await type("screenPopUrl", "crm.example.com");
    expect(noticeText()).toBe("Non enregistré\u00a0: L'adresse doit commencer par http:// ou https://.");
    expect(fieldError("screenPopUrl")).toBe("L'adresse doit commencer par http:// ou https://.");
    await click("button.clear-contacts");
    expect(document.querySelector("button.clear-contacts")?.textContent).toBe("Confirmer la suppression");
    expect(document.querySelector("button.cancel-clear")?.textContent).toBe("Annuler");
  });
});

describe("Saved", () => {
  test("is said for a moment; a reason why not stays", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      await open();
      await choose("notifyMissed", false);
      expect(noticeText()).toBe("Saved");
      vi.advanceTimersByTime(SAVED_SHOWN_MS);
      expect(noticeText()).toBeNull();
      await type("outsideLinePrefix", "x");
      vi.advanceTimersByTime(SAVED_SHOWN_MS * 2);
      expect(noticeText()).toMatch(/^Not saved/);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("settings the administrators locked", () => {
  test("are shown, not changed, each with the reason; the others still apply", async () => {
    const managed = { locked: ["hotkey", "screenPopUrl", "notifyMissed"], reason: null };
    const backend = await open({}, sampleSettings({ managed }));
    for (const name of managed.locked) {
      expect(control(name).disabled).toBe(true);
      expect(control(name).closest(".field")?.querySelector(".managed")?.textContent).toBe(
        "Set by your administrators",
      );
    }
    expect(control("notifyIncoming").disabled).toBe(false);
    expect(control("notifyIncoming").closest(".field")?.querySelector(".managed")).toBeNull();
    setLocale("fr");
    expect(fmt(t().common.managedBecause, { reason: "DSI" })).toBe("Fixé par vos administrateurs\u00a0: DSI");
    expect(backend.argsOf("change_setting")).toHaveLength(0);
  });
});

describe("call hooks", () => {
  const typeInto = async (name: string, text: string) => {
    const input = control(name);
    input.value = text;
    input.dispatchEvent(new Event("change"));
    await settle();
  };

  test("a command or a webhook typed for a moment is sent as the whole set of hooks", async () => {
    const backend = await open();
    await typeInto("hooks.missed.url", " https://hooks.example.com/in ");
    await typeInto("hooks.ringing.command", "log-call {e164}");
    const sent = backend
      .argsOf("change_setting")
      .map((args) => (args.change as SettingChange & { field: "hooks" }).value);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.missed).toEqual({ command: "", url: " https://hooks.example.com/in " });
    expect(sent[1]!.missed.url).toBe(" https://hooks.example.com/in ");
    expect(sent[1]!.ringing.command).toBe("log-call {e164}");
  });

  test("a refused command stays to be fixed, with the reason under it", async () => {
    await open({
      change_setting: () =>
        Promise.reject({ code: "invalid_settings", message: "ended command: a ' is not closed" }),
    });
    await typeInto("hooks.ended.command", "notify 'x");
    expect(control("hooks.ended.command").value).toBe("notify 'x");
    expect(control("hooks.ended.command").getAttribute("aria-invalid")).toBe("true");
  });

  test("the ended hooks can wait for the call's note", async () => {
    const backend = await open();
    expect(control("hooks.endedAfterNote").checked).toBe(false);
    await choose("hooks.endedAfterNote", true);
    const sent = backend.argsOf("change_setting").map((args) => args.change as SettingChange);
    expect(sent).toEqual([{ field: "hooks", value: { ...sampleSettings().hooks, endedAfterNote: true } }]);
    expect(control("hooks.endedAfterNote").checked).toBe(true);
  });

  test("the outcomes are edited one per line; the built-in list stays the built-in list", async () => {
    const backend = await open();
    const outcomes = document.querySelector<HTMLTextAreaElement>('[name="outcomes"]')!;
    expect(outcomes.value).toBe("Resolved\nCall back\nInformation sent\nFollow-up needed\nWrong number");
    outcomes.value = " Sale \n\nNo sale\n";
    outcomes.dispatchEvent(new Event("change"));
    await settle();
    outcomes.value = "Resolved\nCall back\nInformation sent\nFollow-up needed\nWrong number";
    outcomes.dispatchEvent(new Event("change"));
    await settle();
    expect(backend.argsOf("change_setting").map((args) => args.change)).toEqual([
      { field: "outcomes", value: ["Sale", "No sale"] },
      { field: "outcomes", value: null },
    ]);
  });

  test("the signing secret goes to the keyring and is never shown again", async () => {
    const backend = await open({ set_secret: () => null });
    await typeInto("hooksSecret", "s3cret");
    expect(backend.argsOf("set_secret")).toEqual([{ which: "hooksSecret", secret: "s3cret" }]);
    expect(control("hooksSecret").value).toBe("");
    expect(control("hooksSecret").type).toBe("password");
  });
});

describe("caller lookup", () => {
  const typeInto = async (name: string, text: string) => {
    const input = control(name);
    input.value = text;
    input.dispatchEvent(new Event("change"));
    await settle();
  };

  test("a source's address is sent with the rest of the lookup settings; its token goes to the keyring", async () => {
    const backend = await open({ set_secret: () => null });
    await typeInto("lookup.crmUrl", "https://crm.example.com/api/callers?phone={e164}");
    await typeInto("lookup.crmHeader", "X-Api-Key");
    await typeInto("crmToken", "t0ken");
    const sent = backend.argsOf("change_setting").map((args) => args.change as SettingChange);
    expect(sent.at(-1)).toEqual({
      field: "lookup",
      value: {
        ...sampleSettings().lookup,
        crmUrl: "https://crm.example.com/api/callers?phone={e164}",
        crmHeader: "X-Api-Key",
      },
    });
    expect(backend.argsOf("set_secret")).toEqual([{ which: "crmToken", secret: "t0ken" }]);
    expect(control("crmToken").value).toBe("");
  });

  test("two fields typed one after the other both count, and neither refills the other", async () => {
    const first = deferred<Settings>();
    let held = sampleSettings();
    const backend = await open({
      change_setting: ({ change }) => {
        held = { ...held, lookup: (change as SettingChange & { field: "lookup" }).value };
        return backend.argsOf("change_setting").length === 1 ? first.promise.then(() => held) : held;
      },
    });
    await typeInto("lookup.directoryUrl", "ldaps://dir.example.com");
    control("lookup.directoryBaseDn").value = "dc=exam";
    await typeInto("lookup.crmHeader", "X-Api-Key");
    first.resolve(held);
    await settle();
    expect(control("lookup.directoryBaseDn").value, "text being typed stays").toBe("dc=exam");
    const last = backend.argsOf("change_setting").at(-1)!.change as SettingChange & { field: "lookup" };
    expect([last.value.directoryUrl, last.value.crmHeader]).toEqual(["ldaps://dir.example.com", "X-Api-Key"]);
  });

  test("trying a number shows who a source found, as text, or why it failed", async () => {
    const refused = { code: "lookup", message: "the CRM did not answer within 1.5 s" };
    let answer: unknown = { name: "<b>Ada</b> Lovelace", company: "Engines", url: null };
    const backend = await open({
      test_lookup: () => (answer === refused ? Promise.reject(refused) : answer),
    });
    control("lookup.testNumber").value = "+33 1 23 45 67 89";
    document.querySelector<HTMLButtonElement>("button.test-directory")!.click();
    await settle();
    expect(backend.argsOf("test_lookup")).toEqual([{ source: "directory", number: "+33 1 23 45 67 89" }]);
    const shown = document.querySelector(".lookup-answer")!;
    expect(shown.textContent).toBe("<b>Ada</b> Lovelace · Engines");
    expect(shown.querySelector("b")).toBeNull();
    answer = null;
    document.querySelector<HTMLButtonElement>("button.test-crm")!.click();
    await settle();
    expect(shown.textContent).toBe("Nobody found for this number");
    answer = refused;
    document.querySelector<HTMLButtonElement>("button.test-crm")!.click();
    await settle();
    expect(shown.textContent).toContain("The caller lookup failed");
  });
});

describe("the address book", () => {
  test("Sync now says how many contacts came, or why not", async () => {
    let outcome: unknown = { contacts: 12, changed: 3, removed: 0, skipped: 0 };
    const refused = {
      code: "lookup",
      message: "the address book server refused the user name or password (HTTP 401)",
    };
    const backend = await open({
      sync_address_book: () => (outcome === refused ? Promise.reject(refused) : outcome),
    });
    const syncNow = document.querySelector<HTMLButtonElement>("button.sync-now")!;
    syncNow.click();
    await settle();
    expect(backend.argsOf("sync_address_book")).toHaveLength(1);
    const said = document.querySelector(".sync-answer")!;
    expect(said.textContent).toBe("12 contact numbers from the address book (3 cards new or changed)");
    outcome = refused;
    syncNow.click();
    await settle();
    expect(said.textContent).toContain("The caller lookup failed");
    expect(syncNow.disabled).toBe(false);
  });

  test("the minutes between syncs are sent as a number", async () => {
    const backend = await open();
    const minutes = control("lookup.addressBookSyncMinutes");
    expect(minutes.value).toBe("15");
    minutes.value = "30";
    minutes.dispatchEvent(new Event("change"));
    await settle();
    const sent = backend.argsOf("change_setting").at(-1)!.change as SettingChange & { field: "lookup" };
    expect(sent.value.addressBookSyncMinutes).toBe(30);
  });
});
