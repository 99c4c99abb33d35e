import { emit } from "@tauri-apps/api/event";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, test, vi } from "vitest";
import { setLocale } from "./i18n";
import {
  clearContacts,
  contactCount,
  dialText,
  errorMessage,
  exportHistory,
  historyPage,
  importContacts,
  screenPop,
  changeSetting,
  selectTerminal,
  suggestNumbers,
  toAppError,
  watchCallHistory,
  watchStatus,
} from "./ipc";
import { deferred, fakeBackend, sampleSettings, sampleStatus, settle } from "./testing";

afterEach(() => {
  clearMocks();
});

describe("errorMessage", () => {
  test("explains a refused account in plain words", () => {
    expect(errorMessage("not_allowed", "")).toBe(
      "Your account is not allowed to use myCRM — ask your administrator for the CRM right",
    );
  });

  test("adds the server's own words after the sentence", () => {
    expect(errorMessage("bad_credentials", "Invalid password for alice")).toBe(
      "Wrong login or password (Invalid password for alice)",
    );
  });

  test("says Unknown error with the message for a code it does not know", () => {
    expect(errorMessage("brand_new_code", "Licence expired")).toBe("Unknown error: Licence expired");
    expect(errorMessage("brand_new_code", "")).toBe("Unknown error");
  });

  test("does not mistake an object member name for a known code", () => {
    expect(errorMessage("constructor", "x")).toBe("Unknown error: x");
  });

  test("has a sentence for every code of the contract", () => {
    const codes = [
      "not_allowed",
      "bad_credentials",
      "session_lost",
      "bad_terminal",
      "terminal_out_of_service",
      "server_not_ready",
      "network",
      "tls",
      "ca_file",
      "protocol",
      "no_number",
      "invalid_number",
      "ambiguous_number",
      "too_long",
      "invalid_settings",
      "keyring",
      "not_signed_in",
      "hotkey_taken",
      "journal",
      "duplicate",
      "invalid_template",
      "contacts_file",
      "browser",
      "contacts",
      "internal",
    ];
    for (const code of codes) expect(errorMessage(code, "")).not.toMatch(/^Unknown error/);
  });

  test("explains the screen pop and contacts errors", () => {
    expect(errorMessage("invalid_template", "")).toBe(
      "This screen pop address is not valid — it must start with http:// or https://",
    );
    expect(errorMessage("contacts_file", "line 3: no number")).toBe(
      "istra-tray cannot read contacts from this file (line 3: no number)",
    );
    expect(errorMessage("browser", "")).toBe("The web browser could not be opened");
    expect(errorMessage("contacts", "")).toBe("Your contacts are not available");
  });

  test("explains an untrusted certificate and an unusable CA file", () => {
    expect(errorMessage("tls", "invalid peer certificate: UnknownIssuer")).toBe(
      "The server's certificate is not trusted — ask your administrator for its certificate authority (CA) file and add it under Advanced (invalid peer certificate: UnknownIssuer)",
    );
    expect(errorMessage("ca_file", "")).toBe("The CA file cannot be used");
  });

  test("explains the certificate errors in French", () => {
    setLocale("fr");
    expect(errorMessage("tls", "")).toBe(
      "Le certificat du serveur n'est pas reconnu — demandez à votre administrateur le fichier de son autorité de certification (CA) et ajoutez-le dans «\u00a0Options avancées\u00a0»",
    );
    expect(errorMessage("ca_file", "no certificate in the file")).toBe(
      "Le fichier CA ne peut pas être utilisé (no certificate in the file)",
    );
  });

  test("speaks French when the locale is French", () => {
    setLocale("fr");
    expect(errorMessage("network", "")).toBe(
      "Impossible de joindre le serveur — vérifiez l'adresse et votre réseau",
    );
    expect(errorMessage("browser", "no xdg-open")).toBe(
      "Le navigateur web n'a pas pu être ouvert (no xdg-open)",
    );
    expect(errorMessage("brand_new_code", "Licence expired")).toBe("Erreur inconnue\u00a0: Licence expired");
    expect(errorMessage("brand_new_code", "")).toBe("Erreur inconnue");
    expect(errorMessage("constructor", "")).toBe("Erreur inconnue");
  });
});

describe("toAppError", () => {
  test("keeps code and message of a contract error", () => {
    expect(toAppError({ code: "network", message: "refused", extra: 1 })).toEqual({
      code: "network",
      message: "refused",
    });
  });

  test("calls a code the Rust side never sends unknown, keeping its message", () => {
    expect(toAppError({ code: "constructor", message: "odd" })).toEqual({ code: "unknown", message: "odd" });
    expect(toAppError({ code: 7, message: "odd" })).toEqual({ code: "unknown", message: "odd" });
  });

  test("turns a bare string rejection (e.g. a missing command) into an unknown error", () => {
    expect(toAppError("command foo not found")).toEqual({
      code: "unknown",
      message: "command foo not found",
    });
  });

  test("turns a thrown Error into an unknown error with its message", () => {
    expect(toAppError(new Error("boom"))).toEqual({ code: "unknown", message: "boom" });
  });
});

describe("command wrappers", () => {
  test("send camelCase arguments", async () => {
    const backend = fakeBackend({
      select_terminal: () => sampleStatus(),
      change_setting: () => sampleSettings(),
    });
    await selectTerminal("t2");
    await changeSetting({ field: "outsideLinePrefix", value: null });
    expect(backend.argsOf("select_terminal")).toEqual([{ terminalId: "t2" }]);
    expect(backend.argsOf("change_setting")).toEqual([{ change: { field: "outsideLinePrefix", value: null } }]);
  });

  test("send the history query with explicit nulls", async () => {
    const backend = fakeBackend({
      history_page: () => ({ calls: [], nextCursor: null }),
      export_history: () => "/tmp/calls.csv",
    });
    await historyPage({ filter: "missed", search: null }, "c2");
    await historyPage({ filter: "all", search: "acme" }, null);
    await expect(exportHistory({ filter: "outgoing", search: null })).resolves.toBe("/tmp/calls.csv");
    expect(backend.argsOf("history_page")).toEqual([
      { filter: "missed", search: null, cursor: "c2" },
      { filter: "all", search: "acme", cursor: null },
    ]);
    expect(backend.argsOf("export_history")).toEqual([{ filter: "outgoing", search: null }]);
  });

  test("send the suggestion, contacts and screen pop arguments", async () => {
    const backend = fakeBackend({
      suggest_numbers: () => [{ name: "Alice", number: "+33123456789", source: "contact" }],
      import_contacts: () => ({ imported: 2, skipped: 1, total: 3 }),
      clear_contacts: () => null,
      contact_count: () => 42,
      screen_pop: () => null,
    });
    await expect(suggestNumbers("01 2")).resolves.toEqual([
      { name: "Alice", number: "+33123456789", source: "contact" },
    ]);
    await expect(importContacts("team.vcf", "BEGIN:VCARD")).resolves.toEqual({
      imported: 2,
      skipped: 1,
      total: 3,
    });
    await clearContacts();
    await expect(contactCount()).resolves.toBe(42);
    await screenPop("call-7");
    expect(backend.argsOf("suggest_numbers")).toEqual([{ text: "01 2" }]);
    expect(backend.argsOf("import_contacts")).toEqual([{ fileName: "team.vcf", content: "BEGIN:VCARD" }]);
    expect(backend.argsOf("clear_contacts")).toEqual([{}]);
    expect(backend.argsOf("contact_count")).toEqual([{}]);
    expect(backend.argsOf("screen_pop")).toEqual([{ callId: "call-7" }]);
  });

  test("reject with a {code, message} error", async () => {
    fakeBackend({
      dial_text: () => {
        throw "no handler";
      },
    });
    await expect(dialText("12")).rejects.toEqual({ code: "unknown", message: "no handler" });
  });
});

describe("watchStatus", () => {
  test("pulls the current status, then follows status-changed", async () => {
    fakeBackend({ get_status: () => sampleStatus({ state: "connecting" }) });
    const seen: string[] = [];
    const stop = watchStatus(
      (status) => seen.push(status.state),
      () => {},
    );
    await settle();
    await emit("status-changed", sampleStatus({ state: "online" }));
    expect(seen).toEqual(["connecting", "online"]);
    stop();
  });

  test("stops delivering after unsubscribing, even if it was still starting", async () => {
    const pull = deferred<unknown>();
    fakeBackend({ get_status: () => pull.promise });
    const apply = vi.fn();
    const stop = watchStatus(apply, () => {});
    stop();
    pull.resolve(sampleStatus());
    await settle();
    await emit("status-changed", sampleStatus());
    expect(apply).not.toHaveBeenCalled();
  });

  test("reports a failed pull", async () => {
    fakeBackend({
      get_status: () => {
        throw { code: "internal", message: "poisoned" };
      },
    });
    const onError = vi.fn();
    const stop = watchStatus(() => {}, onError);
    await settle();
    expect(onError).toHaveBeenCalledWith({ code: "internal", message: "poisoned" });
    stop();
  });
});

describe("watchCallHistory", () => {
  test("runs once listening has begun, then on each recent-calls-changed", async () => {
    fakeBackend({});
    const changed = vi.fn();
    const stop = watchCallHistory(changed, () => {});
    await settle();
    expect(changed).toHaveBeenCalledTimes(1);
    await emit("recent-calls-changed", []);
    expect(changed).toHaveBeenCalledTimes(2);
    stop();
    await emit("recent-calls-changed", []);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  test("does nothing when unsubscribed while still starting", async () => {
    fakeBackend({});
    const changed = vi.fn();
    watchCallHistory(changed, () => {})();
    await settle();
    await emit("recent-calls-changed", []);
    expect(changed).not.toHaveBeenCalled();
  });
});
