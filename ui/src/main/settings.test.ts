import { describe, expect, test } from "vitest";
import type { Settings } from "../bindings";
import { sampleSettings, sampleStatus, settle, usePage, type Handlers } from "../testing";
import { mount, normalizeHotkey, validateSettings, type SettingsDraft } from "./settings";

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

const draftOf = (settings: Settings, overrides: Partial<SettingsDraft> = {}): SettingsDraft => ({
  ...settings,
  terminalId: settings.terminalId ?? "",
  popupLingerSecs: String(settings.popupLingerSecs),
  outsideLinePrefix: settings.outsideLinePrefix ?? "",
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
