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
const gotIt = async (): Promise<void> => {
  document.querySelector<HTMLButtonElement>("button.got-it")!.click();
  await settle();
};
const plainHttpWarning = (): HTMLElement => document.querySelector<HTMLElement>(".plain-http-warning")!;
const typeServer = (value: string): void => {
  input("server").value = value;
  input("server").dispatchEvent(new Event("input"));
};

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

  test("a server the administrators locked is shown, with their reason, and not typed", async () => {
    const managed = { locked: ["server"], reason: "<b>IT</b>, ext. 1234" };
    await openSignIn({ get_settings: () => sampleSettings({ managed }) });
    expect(input("server").disabled).toBe(true);
    expect(input("login").disabled).toBe(false);
    const why = input("server").closest(".field")?.querySelector(".managed");
    expect(why?.textContent).toBe("Set by your administrators: <b>IT</b>, ext. 1234");
    expect(why?.querySelector("b")).toBeNull();
  });

  test("warns under the server field, as it is typed, that http:// sends the password in clear", async () => {
    await openSignIn({});
    const warning = plainHttpWarning();
    expect(warning.getAttribute("role")).toBe("status");
    expect(warning.hidden).toBe(true);
    expect(warning.previousElementSibling?.contains(input("server"))).toBe(true);

    typeServer("http://pbx.example.com");
    expect(warning.hidden).toBe(false);
    expect(warning.textContent).toBe(
      "This address is not encrypted: your password would cross the network in clear text. Use https:// unless your administrator says otherwise.",
    );
    typeServer("https://pbx.example.com");
    expect(warning.hidden).toBe(true);
    typeServer("  HTTP://PBX.example.com ");
    expect(warning.hidden).toBe(false);
    typeServer("pbx.example.com/http://");
    expect(warning.hidden).toBe(true);
  });

  test("warns at once when the last server used was plain http", async () => {
    await openSignIn({ get_settings: () => sampleSettings({ server: "http://10.0.0.5:8080" }) });
    expect(plainHttpWarning().hidden).toBe(false);
  });

  test("signing in with one terminal sends the form, welcomes the user, and closes on Got it", async () => {
    const backend = await openSignIn({ sign_in: () => sampleStatus() });
    input("login").value = " bob ";
    await submit("pa ss");
    expect(backend.argsOf("sign_in")).toEqual([
      { server: "https://pbx.example.com", login: "bob", password: "pa ss", remember: true, caFile: null },
    ]);
    const welcome = document.querySelector<HTMLElement>(".welcome")!;
    expect(welcome.hidden).toBe(false);
    expect(document.querySelector<HTMLElement>(".signin-form")!.hidden).toBe(true);
    // The sign-in's own heading goes with the form: the welcome is all the page says.
    expect(document.querySelector<HTMLElement>(".intro")!.hidden).toBe(true);
    expect(welcome.querySelector(".welcome-where")?.textContent).toContain("runs in the tray");
    expect(welcome.querySelector(".welcome-key")?.textContent).toBe(
      "Select a phone number anywhere and press Ctrl+Alt+D to call it.",
    );
    expect(backend.argsOf("close_window")).toHaveLength(0);
    await gotIt();
    expect(backend.argsOf("close_window")).toHaveLength(1);
  });

  test("the welcome says where the app lives and how the key works on this desktop", async () => {
    await openSignIn({
      sign_in: () => sampleStatus({ trayMissing: true, hotkeyWay: "desktopShortcut", hotkey: "" }),
    });
    await submit();
    expect(document.querySelector(".welcome-where")?.textContent).toContain("its window stays at hand");
    expect(document.querySelector(".welcome-key")?.textContent).toContain("add a keyboard shortcut");
  });

  test("a refused account shows the reason, the server's words included", async () => {
    const backend = await openSignIn({
      sign_in: () => {
        throw { code: "not_allowed", message: "CRM right missing" };
      },
    });
    await submit();
    expect(errorLine()).toBe(
      "Your account is not allowed to use myCRM — ask your administrator for the CRM right",
    );
    const details = document.querySelector<HTMLDetailsElement>("details.error-details")!;
    expect(details.hidden).toBe(false);
    expect(details.open).toBe(false);
    expect(details.querySelector("summary")?.textContent).toBe("Details");
    expect(details.querySelector(".error-detail")?.textContent).toBe("CRM right missing");
    expect(input("login").getAttribute("aria-invalid")).toBe("true");
    expect(signInButton().disabled).toBe(false);
    expect(backend.argsOf("close_window")).toHaveLength(0);
    // Typing again clears what was said about the last attempt.
    input("login").value = "bobby";
    input("login").dispatchEvent(new Event("input", { bubbles: true }));
    expect(errorLine()).toBe("");
    expect(details.hidden).toBe(true);
    expect(input("login").hasAttribute("aria-invalid")).toBe(false);
  });

  test("an unreachable server marks the address and folds the network's words", async () => {
    await openSignIn({
      sign_in: () => {
        throw {
          code: "network",
          message: "error sending request for url (http://127.0.0.1:9/restletrouter/v1/service/Login)",
        };
      },
    });
    await submit();
    expect(errorLine()).toBe("Cannot reach the server — check the address and your network");
    expect(input("server").getAttribute("aria-invalid")).toBe("true");
    expect(document.querySelector(".error-detail")?.textContent).toContain("restletrouter");
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
    await gotIt();
    expect(backend.argsOf("close_window")).toHaveLength(1);
    // The first attempt's late failure must not replace the second one's success.
    first.reject({ code: "network", message: "timeout" });
    await settle();
    expect(errorLine()).toBe("");
  });
});

describe("the demo offer", () => {
  const offer = (): HTMLElement => document.querySelector<HTMLElement>(".demo-offer")!;

  test("builds with a demo offer it beside the form; Try the demo asks the app to start it", async () => {
    const backend = await openSignIn({
      get_status: () => sampleStatus({ state: "signed_out", canTryDemo: true }),
      ask: () => null,
    });
    expect(offer().hidden).toBe(false);
    expect(offer().textContent).toContain("No account yet?");
    const button = document.querySelector<HTMLButtonElement>("button.try-demo")!;
    expect(button.textContent).toBe("Try the demo");
    button.click();
    await settle();
    expect(backend.argsOf("ask")).toEqual([{ asked: "tryDemo" }]);
    expect(button.disabled).toBe(true);
  });

  test("builds without one do not mention it", async () => {
    await openSignIn({ get_status: () => sampleStatus({ state: "signed_out", canTryDemo: false }) });
    expect(offer().hidden).toBe(true);
    page.unmount();
    document.body.replaceChildren();
    await openSignIn({});
    expect(offer().hidden).toBe(true);
  });

  test("a demo that cannot start says why, and may be tried again", async () => {
    await openSignIn({
      get_status: () => sampleStatus({ state: "signed_out", canTryDemo: true }),
      ask: () => {
        throw { code: "internal", message: "no simulator" };
      },
    });
    const button = document.querySelector<HTMLButtonElement>("button.try-demo")!;
    button.click();
    await settle();
    expect(document.querySelector(".demo-error")?.textContent).toBe(
      "Something went wrong inside istra-tray (no simulator)",
    );
    expect(button.disabled).toBe(false);
  });

  test("goes once signed in", async () => {
    await openSignIn({
      get_status: () => sampleStatus({ state: "signed_out", canTryDemo: true }),
      sign_in: () => sampleStatus(),
    });
    await submit();
    expect(offer().hidden).toBe(true);
  });

  test("speaks French", async () => {
    setLocale("fr");
    await openSignIn({ get_status: () => sampleStatus({ state: "signed_out", canTryDemo: true }) });
    expect(document.querySelector("button.try-demo")?.textContent).toBe("Essayer la démo");
    expect(offer().textContent).toContain("Pas encore de compte\u00a0?");
  });
});

describe("the Advanced disclosure", () => {
  const advanced = (): HTMLDetailsElement => document.querySelector<HTMLDetailsElement>("details.advanced")!;

  test("is closed at first and holds the CA file field with its hint", async () => {
    await openSignIn({});
    expect(advanced().open).toBe(false);
    expect(advanced().querySelector("summary")?.textContent).toBe("Advanced");
    expect(advanced().contains(input("caFile"))).toBe(true);
    expect(input("caFile").value).toBe("");
    expect(input("caFile").placeholder).toBe("/etc/ssl/certs/company-ca.pem");
    const row = input("caFile").closest(".field");
    expect(row?.querySelector(".caption")?.textContent).toBe("Certificate authority (CA) file");
    expect(row?.querySelector(".hint")?.textContent).toBe(
      "Only for servers using a company certificate authority.",
    );
  });

  test("a CA file typed there is sent with the sign-in, trimmed", async () => {
    const backend = await openSignIn({ sign_in: () => sampleStatus() });
    advanced().open = true;
    input("caFile").value = "  /etc/ssl/certs/company-ca.pem ";
    await submit();
    expect(backend.argsOf("sign_in")[0]?.caFile).toBe("/etc/ssl/certs/company-ca.pem");
  });

  test("a blank CA file is sent as none", async () => {
    const backend = await openSignIn({ sign_in: () => sampleStatus() });
    input("caFile").value = "   ";
    await submit();
    expect(backend.argsOf("sign_in")[0]?.caFile).toBeNull();
  });

  test("opens with the CA file used last time", async () => {
    const backend = await openSignIn({
      get_settings: () => sampleSettings({ caFile: "/opt/pbx/ca.pem" }),
      sign_in: () => sampleStatus(),
    });
    expect(advanced().open).toBe(true);
    expect(input("caFile").value).toBe("/opt/pbx/ca.pem");
    await submit();
    expect(backend.argsOf("sign_in")[0]?.caFile).toBe("/opt/pbx/ca.pem");
  });

  test.each([
    [
      "tls",
      "The server's certificate is not trusted — ask your administrator for its certificate authority (CA) file and add it under Advanced",
    ],
    ["ca_file", "The CA file cannot be used"],
  ])("opens when the sign-in fails with %s, and says why", async (code, sentence) => {
    await openSignIn({
      sign_in: () => {
        throw { code, message: "" };
      },
    });
    await submit();
    expect(errorLine()).toBe(sentence);
    expect(advanced().open).toBe(true);
  });

  test("stays closed when the sign-in fails for another reason", async () => {
    await openSignIn({
      sign_in: () => {
        throw { code: "bad_credentials", message: "" };
      },
    });
    await submit();
    expect(advanced().open).toBe(false);
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
    expect(document.querySelector<HTMLElement>(".welcome")!.hidden).toBe(false);
    await gotIt();
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
    expect(captions).toEqual([
      "Adresse du serveur",
      "Identifiant",
      "Mot de passe",
      "Se souvenir de moi",
      "Fichier de l'autorité de certification (CA)",
    ]);
    expect(signInButton().textContent).toBe("Se connecter");

    await submit("");
    expect(errorLine()).toBe("Saisissez l'adresse du serveur, votre identifiant et votre mot de passe.");
    await submit();
    expect(errorLine()).toBe("Identifiant ou mot de passe incorrect");
  });

  test("the unencrypted address warning speaks French", async () => {
    setLocale("fr");
    await openSignIn({});
    expect(plainHttpWarning().hidden).toBe(true);
    typeServer("http://pbx.example.com");
    expect(plainHttpWarning().hidden).toBe(false);
    expect(plainHttpWarning().textContent).toBe(
      "Cette adresse n'est pas chiffrée\u00a0: votre mot de passe circulerait en clair sur le réseau. Utilisez https:// sauf avis contraire de votre administrateur.",
    );
  });

  test("the Advanced disclosure and the certificate errors speak French", async () => {
    setLocale("fr");
    await openSignIn({
      sign_in: () => {
        throw { code: "tls", message: "" };
      },
    });
    expect(document.querySelector("details.advanced summary")?.textContent).toBe("Options avancées");
    expect(input("caFile").closest(".field")?.querySelector(".hint")?.textContent).toBe(
      "Seulement pour les serveurs qui utilisent une autorité de certification d'entreprise.",
    );
    await submit();
    expect(errorLine()).toBe(
      "Le certificat du serveur n'est pas reconnu — demandez à votre administrateur le fichier de son autorité de certification (CA) et ajoutez-le dans «\u00a0Options avancées\u00a0»",
    );
    expect(document.querySelector<HTMLDetailsElement>("details.advanced")?.open).toBe(true);
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
