import { emit } from "@tauri-apps/api/event";
import { describe, expect, test, vi } from "vitest";
import type { StatusView } from "./bindings";
import { setLocale } from "./i18n";
import { mount, needsTerminalChoice, SLOW_SIGN_IN_MS } from "./signin";
import { deferred, sampleSettings, sampleStatus, settle, usePage, type Handlers } from "./testing";

const page = usePage(mount);

const input = (name: string): HTMLInputElement => {
  const found = document.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  if (found === null) throw new Error(`no input ${name}`);
  return found;
};
const signInButton = (): HTMLButtonElement =>
  document.querySelector<HTMLButtonElement>(".signin-form button")!;
const errorLine = (): string | null => document.querySelector(".signin-error")?.textContent ?? null;

const openSignIn = (handlers: Handlers) =>
  page.open({
    get_settings: () => sampleSettings(),
    close_window: () => null,
    ...handlers,
  });

async function submit(password = "secret"): Promise<void> {
  input("password").value = password;
  signInButton().click();
  await settle();
}

const twoTerminals = (overrides: Partial<StatusView> = {}) =>
  sampleStatus({
    terminal: null,
    terminals: [
      { id: "t1", name: "Desk phone" },
      { id: "t2", name: "Softphone" },
    ],
    ...overrides,
  });

describe("the sign-in form", () => {
  test("is pre-filled with the last server and login", async () => {
    await openSignIn({});
    expect(input("server").value).toBe("https://pbx.example.com");
    expect(input("login").value).toBe("alice");
    expect(input("password").type).toBe("password");
  });

  test("warns that the password travels unencrypted over http://", async () => {
    await openSignIn({});
    const warning = document.querySelector<HTMLElement>(".plain-http")!;
    expect(warning.hidden).toBe(true);
    input("server").value = "http://pbx.example.com";
    input("server").dispatchEvent(new Event("input"));
    expect(warning.hidden).toBe(false);
    expect(warning.textContent).toBe("The password will travel unencrypted");
  });

  test("signing in with one terminal sends the form and closes the window", async () => {
    const backend = await openSignIn({ sign_in: () => sampleStatus() });
    input("login").value = " bob ";
    await submit("pa ss");
    expect(backend.argsOf("sign_in")).toEqual([
      { server: "https://pbx.example.com", login: "bob", password: "pa ss", remember: true },
    ]);
    expect(backend.argsOf("close_window")).toHaveLength(1);
  });

  test("a refused account shows the reason, the server's words included", async () => {
    const backend = await openSignIn({
      sign_in: () => {
        throw { code: "not_allowed", message: "CRM right missing" };
      },
    });
    await submit();
    expect(errorLine()).toBe(
      "Your account is not allowed to use myCRM — ask your administrator for the CRM right (CRM right missing)",
    );
    expect(signInButton().disabled).toBe(false);
    expect(backend.argsOf("close_window")).toHaveLength(0);
  });

  test("an error code this version does not know still shows the server's message", async () => {
    await openSignIn({
      sign_in: () => {
        throw { code: "quota_exceeded", message: "Too many devices" };
      },
    });
    await submit();
    expect(errorLine()).toBe("Unknown error: Too many devices");
  });

  test("asks for the missing fields instead of sending an empty password", async () => {
    const backend = await openSignIn({ sign_in: () => sampleStatus() });
    await submit("");
    expect(errorLine()).toBe("Enter the server address, your login and your password.");
    expect(backend.argsOf("sign_in")).toHaveLength(0);
  });

  test("is busy while the server checks, and lets the user retry when it is slow", async () => {
    vi.useFakeTimers();
    const first = deferred<StatusView>();
    const answers = [first.promise, Promise.resolve(sampleStatus())];
    const backend = await openSignIn({ sign_in: () => answers.shift() });

    await submit();
    expect(signInButton().disabled).toBe(true);
    expect(signInButton().textContent).toBe("Signing in…");

    vi.advanceTimersByTime(SLOW_SIGN_IN_MS);
    expect(signInButton().disabled).toBe(false);
    expect(errorLine()).toBe("The server has not answered yet. You can wait or try again.");

    await submit();
    expect(backend.argsOf("sign_in")).toHaveLength(2);
    expect(backend.argsOf("close_window")).toHaveLength(1);
    // The first attempt's late failure must not replace the second one's success.
    first.reject({ code: "network", message: "timeout" });
    await settle();
    expect(errorLine()).toBe("");
  });
});

describe("choosing a terminal", () => {
  test("several terminals are offered as a list, and the choice is sent", async () => {
    const backend = await openSignIn({
      sign_in: () => twoTerminals(),
      select_terminal: () => twoTerminals({ terminal: { id: "t2", name: "Softphone" } }),
    });
    await submit();

    const names = [...document.querySelectorAll(".terminal-name")].map((element) => element.textContent);
    expect(names).toEqual(["Desk phone", "Softphone"]);
    const done = document.querySelector<HTMLButtonElement>("button.done")!;
    expect(done.disabled).toBe(true);
    expect(backend.argsOf("close_window")).toHaveLength(0);

    const softphone = document.querySelector<HTMLInputElement>('input[value="t2"]')!;
    softphone.checked = true;
    softphone.dispatchEvent(new Event("change"));
    await settle();
    expect(backend.argsOf("select_terminal")).toEqual([{ terminalId: "t2" }]);
    expect(done.disabled).toBe(false);

    done.click();
    await settle();
    expect(backend.argsOf("close_window")).toHaveLength(1);
  });

  test("a terminal that cannot be used shows why and the selection goes back", async () => {
    await openSignIn({
      sign_in: () => twoTerminals({ terminal: { id: "t1", name: "Desk phone" } }),
      select_terminal: () => {
        throw { code: "terminal_out_of_service", message: "" };
      },
    });
    await submit();
    const softphone = document.querySelector<HTMLInputElement>('input[value="t2"]')!;
    softphone.checked = true;
    softphone.dispatchEvent(new Event("change"));
    await settle();
    expect(document.querySelector(".terminal-error")?.textContent).toBe("This terminal is out of service");
    expect(document.querySelector<HTMLInputElement>('input[value="t1"]')?.checked).toBe(true);
    expect(softphone.checked).toBe(false);
  });

  test("a terminal name with markup is shown as text", async () => {
    await openSignIn({
      sign_in: () =>
        twoTerminals({
          terminals: [
            { id: "x", name: "<i>Desk</i>" },
            { id: "y", name: "Soft" },
          ],
        }),
    });
    await submit();
    expect(document.querySelector(".terminal-name")?.textContent).toBe("<i>Desk</i>");
    expect(document.querySelector(".terminal-name i")).toBeNull();
  });
});

describe("the terminal picker follows the connection", () => {
  const radio = (id: string): HTMLInputElement =>
    document.querySelector<HTMLInputElement>(`input[name="terminal"][value="${id}"]`)!;
  const doneButton = (): HTMLButtonElement => document.querySelector<HTMLButtonElement>("button.done")!;
  const checkedIds = (): string[] =>
    [...document.querySelectorAll<HTMLInputElement>('input[name="terminal"]')]
      .filter((input) => input.checked)
      .map((input) => input.value);

  test("checks the terminal the connection settles on", async () => {
    await openSignIn({ sign_in: () => twoTerminals({ state: "connecting" }) });
    await submit();
    expect(checkedIds()).toEqual([]);
    expect(doneButton().disabled).toBe(true);

    await emit("status-changed", twoTerminals({ terminal: { id: "t2", name: "Softphone" } }));
    expect(radio("t2").checked).toBe(true);
    expect(checkedIds()).toEqual(["t2"]);
    expect(doneButton().disabled).toBe(false);
  });

  test("checks the terminal a status pulled right after sign-in names", async () => {
    await openSignIn({
      sign_in: () => twoTerminals({ state: "connecting" }),
      get_status: () => twoTerminals({ terminal: { id: "t1", name: "Desk phone" } }),
    });
    await submit();
    expect(checkedIds()).toEqual(["t1"]);
    expect(doneButton().disabled).toBe(false);
  });

  test("a terminal the user chose stays checked whatever a later status says", async () => {
    const backend = await openSignIn({
      sign_in: () => twoTerminals({ state: "connecting" }),
      select_terminal: () => twoTerminals({ terminal: { id: "t2", name: "Softphone" } }),
    });
    await submit();
    radio("t2").checked = true;
    radio("t2").dispatchEvent(new Event("change"));
    await settle();
    expect(backend.argsOf("select_terminal")).toEqual([{ terminalId: "t2" }]);

    await emit("status-changed", twoTerminals({ terminal: { id: "t1", name: "Desk phone" } }));
    expect(checkedIds()).toEqual(["t2"]);
    expect(doneButton().disabled).toBe(false);
  });

  test("a changed list of terminals is shown, the checked one kept", async () => {
    await openSignIn({ sign_in: () => twoTerminals({ terminal: { id: "t2", name: "Softphone" } }) });
    await submit();
    await emit(
      "status-changed",
      twoTerminals({
        terminal: { id: "t2", name: "Softphone" },
        terminals: [
          { id: "t1", name: "Desk phone" },
          { id: "t2", name: "Softphone" },
          { id: "t3", name: "Mobile" },
        ],
      }),
    );
    const names = [...document.querySelectorAll(".terminal-name")].map((element) => element.textContent);
    expect(names).toEqual(["Desk phone", "Softphone", "Mobile"]);
    expect(checkedIds()).toEqual(["t2"]);
  });

  test("stops following once the page is unmounted", async () => {
    await openSignIn({ sign_in: () => twoTerminals({ state: "connecting" }) });
    await submit();
    const softphone = radio("t2");
    page.unmount();
    await emit("status-changed", twoTerminals({ terminal: { id: "t2", name: "Softphone" } }));
    expect(softphone.checked).toBe(false);
  });
});

describe("needsTerminalChoice", () => {
  test("asks when there are several terminals and none is chosen", () => {
    expect(needsTerminalChoice(twoTerminals({ state: "connecting" }))).toBe(true);
  });
  test("offers to change the terminal once online with several", () => {
    expect(needsTerminalChoice(twoTerminals({ terminal: { id: "t1", name: "Desk phone" } }))).toBe(true);
  });
  test("does not ask with a single terminal", () => {
    expect(needsTerminalChoice(sampleStatus())).toBe(false);
  });
});

describe("in French", () => {
  test("the form speaks French", async () => {
    setLocale("fr");
    await openSignIn({
      sign_in: () => {
        throw { code: "bad_credentials", message: "" };
      },
    });
    expect(document.querySelector("h1")?.textContent).toBe("Connexion");
    const captions = [...document.querySelectorAll(".signin-form .caption")].map((c) => c.textContent);
    expect(captions).toEqual(["Adresse du serveur", "Identifiant", "Mot de passe", "Se souvenir de moi"]);
    expect(signInButton().textContent).toBe("Se connecter");
    expect(document.querySelector(".plain-http")?.textContent).toBe("Le mot de passe circulera en clair");

    await submit("");
    expect(errorLine()).toBe("Saisissez l'adresse du serveur, votre identifiant et votre mot de passe.");
    await submit();
    expect(errorLine()).toBe("Identifiant ou mot de passe incorrect");
  });

  test("the terminal picker speaks French", async () => {
    setLocale("fr");
    await openSignIn({ sign_in: () => twoTerminals() });
    await submit();
    expect(document.querySelector(".terminal-picker h2")?.textContent).toBe(
      "Quel poste utilisez-vous\u00a0?",
    );
    expect(document.querySelector("button.done")?.textContent).toBe("Terminer");
  });
});
