import { describe, expect, test, vi } from "vitest";
import type { ContactImport, Settings } from "../bindings";
import { setLocale } from "../i18n";
import { deferred, sampleSettings, sampleStatus, settle, usePage, type Handlers } from "../testing";
import {
  MAX_CONTACTS_FILE_BYTES,
  mount,
  normalizeHotkey,
  validateSettings,
  type SettingsDraft,
} from "./settings";

const page = usePage(mount);

const open = (handlers: Handlers = {}) =>
  page.open({
    get_settings: () => sampleSettings(),
    get_status: () =>
      sampleStatus({
        terminals: [
          { id: "t1", name: "Desk phone" },
          { id: "t2", name: "Softphone" },
        ],
      }),
    save_settings: ({ settings }) => settings,
    contact_count: () => 3,
    ...handlers,
  });

const control = <T extends HTMLInputElement | HTMLSelectElement = HTMLInputElement>(name: string): T =>
  document.querySelector<T>(`[name="${name}"]`)!;
const type = (name: string, value: string): void => {
  control(name).value = value;
};
const save = async (): Promise<void> => {
  document.querySelector<HTMLButtonElement>("button.save")!.click();
  await settle();
};
const noticeText = (): string | null => document.querySelector(".settings-notice")?.textContent ?? null;
const click = async (selector: string): Promise<void> => {
  document.querySelector<HTMLButtonElement>(selector)!.click();
  await settle();
};

const draftOf = (settings: Settings, overrides: Partial<SettingsDraft> = {}): SettingsDraft => ({
  ...settings,
  terminalId: settings.terminalId ?? "",
  popupLingerSecs: String(settings.popupLingerSecs),
  outsideLinePrefix: settings.outsideLinePrefix ?? "",
  caFile: settings.caFile ?? "",
  ...overrides,
});

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

describe("validateSettings", () => {
  test("turns a valid form into settings, tidying what was typed", () => {
    const result = validateSettings(
      draftOf(sampleSettings(), {
        defaultCountry: "be",
        outsideLinePrefix: "",
        hotkey: "ctrl+alt+d",
        terminalId: "",
      }),
    );
    expect(result).toEqual({
      settings: sampleSettings({
        defaultCountry: "BE",
        outsideLinePrefix: null,
        hotkey: "Ctrl+Alt+D",
        terminalId: null,
      }),
    });
  });

  test("names every wrong field", () => {
    const result = validateSettings(
      draftOf(sampleSettings(), {
        server: "pbx",
        login: " ",
        hotkey: "Q",
        popupLingerSecs: "0",
        defaultCountry: "FRA",
        outsideLinePrefix: "0a",
        popupCorner: "middle",
      }),
    );
    expect("errors" in result && result.errors.map((error) => error.field)).toEqual([
      "server",
      "login",
      "hotkey",
      "popupLingerSecs",
      "defaultCountry",
      "outsideLinePrefix",
      "popupCorner",
    ]);
  });

  test.each([
    ["1", true],
    ["120", true],
    ["121", false],
    ["2.5", false],
    ["", false],
  ])("linger %j seconds is valid: %s", (linger, valid) => {
    expect("settings" in validateSettings(draftOf(sampleSettings(), { popupLingerSecs: linger }))).toBe(
      valid,
    );
  });

  test("an empty shortcut means no shortcut", () => {
    expect(validateSettings(draftOf(sampleSettings(), { hotkey: "" }))).toEqual({
      settings: sampleSettings({ hotkey: "" }),
    });
  });
});

describe("the settings tab", () => {
  test("loads the saved settings into the form", async () => {
    await open();
    expect(control("server").value).toBe("https://pbx.example.com");
    expect(control("login").value).toBe("alice");
    expect(control("hotkey").value).toBe("Ctrl+Alt+D");
    expect(control("popupEnabled").checked).toBe(true);
    expect(control<HTMLSelectElement>("popupCorner").value).toBe("bottom-right");
    expect(control("popupLingerSecs").value).toBe("10");
    expect(control("defaultCountry").value).toBe("FR");
    expect(control("outsideLinePrefix").value).toBe("");
    expect(control("dnd").checked).toBe(false);
    const terminal = control<HTMLSelectElement>("terminalId");
    expect([...terminal.options].map((option) => option.textContent)).toEqual([
      "None",
      "Desk phone",
      "Softphone",
    ]);
    expect(terminal.value).toBe("t1");
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
    box.checked = true;
    await save();
    expect(backend.argsOf("save_settings")[0]).toMatchObject({
      settings: { gnomeShortcut: true, hotkey: "Ctrl+Alt+D" },
    });
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

  test("the shortcut is recorded as the keys are pressed; Backspace clears it", async () => {
    await open();
    const field = control("hotkey");
    const press = (init: KeyboardEventInit): KeyboardEvent => {
      const event = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
      field.dispatchEvent(event);
      return event;
    };
    expect(press({ key: "Control", code: "ControlLeft", ctrlKey: true }).defaultPrevented).toBe(false);
    expect(field.value).toBe("Ctrl+Alt+D");
    expect(press({ key: "k", code: "KeyK", ctrlKey: true, shiftKey: true }).defaultPrevented).toBe(true);
    expect(field.value).toBe("Ctrl+Shift+K");
    press({ key: "F9", code: "F9", metaKey: true });
    expect(field.value).toBe("Super+F9");
    expect(press({ key: "Tab", code: "Tab" }).defaultPrevented).toBe(false);
    press({ key: "Backspace", code: "Backspace" });
    expect(field.value).toBe("");
  });

  test("Sign out sits with the account, away from Save", async () => {
    await open();
    const signOutButton = document.querySelector<HTMLButtonElement>("button.sign-out")!;
    expect(signOutButton.closest("fieldset")?.querySelector("legend")?.textContent).toBe("Account");
    expect(document.querySelector(".settings-form > .buttons button.sign-out")).toBeNull();
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
    picker.value = "BE";
    await save();
    expect(backend.argsOf("save_settings")[0]).toMatchObject({ settings: { defaultCountry: "BE" } });
  });

  test("country names speak French", async () => {
    setLocale("fr");
    await open();
    const picker = control<HTMLSelectElement>("defaultCountry");
    picker.value = "DE";
    expect(picker.selectedOptions[0]?.textContent).toBe("Allemagne");
  });

  test("Save sends the edited settings, keeps the password when none is typed, and says Saved", async () => {
    const backend = await open();
    type("outsideLinePrefix", "0");
    control("dnd").checked = true;
    control<HTMLSelectElement>("terminalId").value = "t2";
    await save();
    expect(backend.argsOf("save_settings")).toEqual([
      { settings: sampleSettings({ outsideLinePrefix: "0", dnd: true, terminalId: "t2" }), password: null },
    ]);
    expect(noticeText()).toBe("Saved");
  });

  test("a new password is sent once and the field is emptied", async () => {
    const backend = await open();
    type("password", "n3w");
    await save();
    expect(backend.argsOf("save_settings")[0]?.password).toBe("n3w");
    expect(control("password").value).toBe("");
  });

  test("an implausible shortcut is flagged next to the field and nothing is saved", async () => {
    const backend = await open();
    type("hotkey", "Ctrl+Alt");
    await save();
    expect(backend.argsOf("save_settings")).toHaveLength(0);
    expect(control("hotkey").getAttribute("aria-invalid")).toBe("true");
    expect(control("hotkey").closest(".field")?.querySelector(".field-error")?.textContent).toMatch(
      /Ctrl\+Alt\+D/,
    );
    expect(noticeText()).toBe("Some settings need fixing.");

    type("hotkey", "Ctrl+Alt+K");
    await save();
    expect(control("hotkey").hasAttribute("aria-invalid")).toBe(false);
    expect(document.querySelectorAll(".field-error")).toHaveLength(0);
  });

  test("the server's refusal names the field", async () => {
    await open({
      save_settings: () => {
        throw { code: "invalid_settings", message: "server: unknown host" };
      },
    });
    await save();
    expect(noticeText()).toBe("Some settings are not valid (server: unknown host)");
  });

  test("a shortcut taken by another application is reported", async () => {
    await open({
      save_settings: () => {
        throw { code: "hotkey_taken", message: "Ctrl+Alt+D" };
      },
    });
    await save();
    expect(noticeText()).toBe("This shortcut is already used by another application (Ctrl+Alt+D)");
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
    document.querySelector<HTMLButtonElement>("button.sign-out")!.click();
    await settle();
    expect(backend.argsOf("sign_out")).toHaveLength(1);
    expect(noticeText()).toBe("Signed out");
  });
});

describe("the screen pop settings", () => {
  test("load into the form with the placeholders listed", async () => {
    await open({
      get_settings: () =>
        sampleSettings({
          screenPopUrl: "https://crm.example.com/?p={e164}",
          screenPopOn: "answered",
          handleLinks: false,
        }),
    });
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

  test("are saved with the rest, the address trimmed", async () => {
    const backend = await open();
    type("screenPopUrl", "  https://crm.example.com/search?phone={e164}&who={name} ");
    control<HTMLSelectElement>("screenPopOn").value = "button";
    control("handleLinks").checked = false;
    await save();
    expect(backend.argsOf("save_settings")).toEqual([
      {
        settings: sampleSettings({
          screenPopUrl: "https://crm.example.com/search?phone={e164}&who={name}",
          screenPopOn: "button",
          handleLinks: false,
        }),
        password: null,
      },
    ]);
  });

  test.each(["crm.example.com/?p={e164}", "javascript:alert(1)", "ftp://crm", "https://", "https:// x"])(
    "refuse the address %j before sending it",
    async (address) => {
      const backend = await open();
      type("screenPopUrl", address);
      await save();
      expect(backend.argsOf("save_settings")).toHaveLength(0);
      expect(control("screenPopUrl").getAttribute("aria-invalid")).toBe("true");
      expect(control("screenPopUrl").closest(".field")?.querySelector(".field-error")?.textContent).toBe(
        "The address must start with http:// or https://.",
      );
    },
  );

  test("an empty address means no screen pop", () => {
    const result = validateSettings(draftOf(sampleSettings(), { screenPopUrl: "   " }));
    expect(result).toEqual({ settings: sampleSettings({ screenPopUrl: "" }) });
  });

  test("an unknown trigger is refused", () => {
    const result = validateSettings(draftOf(sampleSettings(), { screenPopOn: "sometimes" }));
    expect("errors" in result && result.errors.map((error) => error.field)).toEqual(["screenPopOn"]);
  });

  test("the Rust side's refusal of the address is shown", async () => {
    await open({
      save_settings: () => {
        throw { code: "invalid_template", message: "screen pop: unknown placeholder {phone}" };
      },
    });
    type("screenPopUrl", "https://crm.example.com/?p={phone}");
    await save();
    expect(noticeText()).toBe(
      "This screen pop address is not valid — it must start with http:// or https:// (screen pop: unknown placeholder {phone})",
    );
  });
});

describe("the server address", () => {
  const warning = (): HTMLElement => document.querySelector<HTMLElement>(".plain-http-warning")!;
  const typeServer = (value: string): void => {
    control("server").value = value;
    control("server").dispatchEvent(new Event("input"));
  };

  test("warns under the field, as it is typed, that http:// sends the password in clear", async () => {
    await open();
    expect(warning().getAttribute("role")).toBe("status");
    expect(warning().hidden).toBe(true);
    expect(warning().previousElementSibling?.contains(control("server"))).toBe(true);
    typeServer("http://pbx.example.com");
    expect(warning().hidden).toBe(false);
    expect(warning().textContent).toBe(
      "This address is not encrypted: your password would cross the network in clear text. Use https:// unless your administrator says otherwise.",
    );
    typeServer("https://pbx.example.com");
    expect(warning().hidden).toBe(true);
  });

  test("warns at once when the saved address is plain http", async () => {
    await open({ get_settings: () => sampleSettings({ server: " HTTP://10.0.0.5:8080" }) });
    expect(warning().hidden).toBe(false);
  });

  test("a plain http address can still be saved", async () => {
    const backend = await open();
    typeServer("http://10.0.0.5:8080");
    await save();
    expect(backend.argsOf("save_settings")[0]?.settings).toEqual(
      sampleSettings({ server: "http://10.0.0.5:8080" }),
    );
  });
});

describe("the CA file", () => {
  const advanced = (): HTMLElement => document.querySelector<HTMLElement>("fieldset.advanced")!;

  test("is under Advanced, empty when none is set, with its hint", async () => {
    await open();
    expect(advanced().querySelector("legend")?.textContent).toBe("Advanced");
    expect(advanced().contains(control("caFile"))).toBe(true);
    expect(control("caFile").value).toBe("");
    expect(control("caFile").placeholder).toBe("/etc/ssl/certs/company-ca.pem");
    const row = control("caFile").closest(".field");
    expect(row?.querySelector(".caption")?.textContent).toBe("Certificate authority (CA) file");
    expect(row?.querySelector(".hint")?.textContent).toBe(
      "Only for servers using a company certificate authority.",
    );
  });

  test("loads the saved path and saves the one typed, trimmed", async () => {
    const backend = await open({ get_settings: () => sampleSettings({ caFile: "/opt/pbx/ca.pem" }) });
    expect(control("caFile").value).toBe("/opt/pbx/ca.pem");
    type("caFile", " /etc/ssl/certs/company-ca.pem  ");
    await save();
    expect(backend.argsOf("save_settings")).toEqual([
      { settings: sampleSettings({ caFile: "/etc/ssl/certs/company-ca.pem" }), password: null },
    ]);
    expect(control("caFile").value).toBe("/etc/ssl/certs/company-ca.pem");
  });

  test("an emptied field is saved as none", async () => {
    const backend = await open({ get_settings: () => sampleSettings({ caFile: "/opt/pbx/ca.pem" }) });
    type("caFile", "  ");
    await save();
    expect(backend.argsOf("save_settings")[0]?.settings).toEqual(sampleSettings({ caFile: null }));
  });

  test("a CA file the Rust side cannot use is reported", async () => {
    await open({
      save_settings: () => {
        throw { code: "ca_file", message: "no certificate in /tmp/x.pem" };
      },
    });
    type("caFile", "/tmp/x.pem");
    await save();
    expect(noticeText()).toBe("The CA file cannot be used (no certificate in /tmp/x.pem)");
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
      "Contacts",
      "Options avancées",
    ]);
    expect(document.querySelector("button.save")?.textContent).toBe("Enregistrer");
    expect(document.querySelector("button.sign-out")?.textContent).toBe("Se déconnecter");
    expect(document.querySelector(".contact-count")?.textContent).toBe("3 contacts enregistrés");
    expect(document.querySelector("button.import-contacts")?.textContent).toBe("Importer");
    expect(document.querySelector("button.clear-contacts")?.textContent).toBe("Supprimer tous les contacts");
    expect(control("password").placeholder).toBe("Laissez vide pour garder le mot de passe actuel");
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
    const caRow = control("caFile").closest(".field");
    expect(caRow?.querySelector(".caption")?.textContent).toBe("Fichier de l'autorité de certification (CA)");
    expect(caRow?.querySelector(".hint")?.textContent).toBe(
      "Seulement pour les serveurs qui utilisent une autorité de certification d'entreprise.",
    );
  });

  test("the unencrypted address warning and the CA file error are French", async () => {
    setLocale("fr");
    await open({
      save_settings: () => {
        throw { code: "ca_file", message: "" };
      },
    });
    const warning = document.querySelector<HTMLElement>(".plain-http-warning")!;
    expect(warning.hidden).toBe(true);
    control("server").value = "http://pbx.example.com";
    control("server").dispatchEvent(new Event("input"));
    expect(warning.hidden).toBe(false);
    expect(warning.textContent).toBe(
      "Cette adresse n'est pas chiffrée\u00a0: votre mot de passe circulerait en clair sur le réseau. Utilisez https:// sauf avis contraire de votre administrateur.",
    );
    await save();
    expect(noticeText()).toBe("Le fichier CA ne peut pas être utilisé");
  });

  test("checks and messages are French too", async () => {
    setLocale("fr");
    await open();
    type("screenPopUrl", "crm.example.com");
    type("hotkey", "Q");
    await save();
    expect(noticeText()).toBe("Certains paramètres sont à corriger.");
    expect(control("screenPopUrl").closest(".field")?.querySelector(".field-error")?.textContent).toBe(
      "L'adresse doit commencer par http:// ou https://.",
    );
    await click("button.clear-contacts");
    expect(document.querySelector("button.clear-contacts")?.textContent).toBe("Confirmer la suppression");
    expect(document.querySelector("button.cancel-clear")?.textContent).toBe("Annuler");
  });
});
