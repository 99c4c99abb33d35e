import { emit } from "@tauri-apps/api/event";
import { expect, test } from "vitest";
import { setLocale } from "../i18n";
import { sampleStatus, settle, usePage } from "../testing";
import { mount } from "./status";

const page = usePage(mount);

const line = (): HTMLElement => document.querySelector<HTMLElement>(".status-line")!;
const statusText = (): string | null => document.querySelector(".status-text")?.textContent ?? null;

async function open(status = sampleStatus()): Promise<void> {
  await page.open({ get_status: () => status });
}

test("shows who is online on which phone as soon as the window opens", async () => {
  await open();
  expect(statusText()).toBe("Online — alice on Desk phone");
  expect(line().dataset.state).toBe("online");
});

test("follows status-changed, showing the line the Rust side decided", async () => {
  await open();
  await emit("status-changed", sampleStatus({ state: "signed_out", login: null, line: "Signed out" }));
  expect(statusText()).toBe("Signed out");
  const failed = "Failed: The connection to the server was lost";
  await emit("status-changed", sampleStatus({ state: "failed", line: failed }));
  expect(statusText()).toBe(failed);
  expect(line().dataset.state).toBe("failed");
  // Counting down to a reconnection, the Rust side sends the status every second.
  await emit("status-changed", sampleStatus({ state: "reconnecting", line: "Reconnecting in 2 s" }));
  expect(statusText()).toBe("Reconnecting in 2 s");
});

test("shows Do not disturb and the missed call count only when they apply", async () => {
  await open();
  const dnd = document.querySelector<HTMLElement>(".dnd-toggle")!;
  const missed = document.querySelector<HTMLElement>(".missed-count")!;
  expect(dnd.getAttribute("aria-pressed")).toBe("false");
  expect(missed.hidden).toBe(true);
  await emit("status-changed", sampleStatus({ dnd: true, missedCount: 3 }));
  expect(dnd.getAttribute("aria-pressed")).toBe("true");
  expect(missed.hidden).toBe(false);
  expect(missed.textContent).toBe("3 missed");
  expect(missed.title).toBe("3 missed calls");
  await emit("status-changed", sampleStatus({ missedCount: 1 }));
  expect(missed.title).toBe("1 missed call");
});

test("warns of an unencrypted connection while the server address is plain http", async () => {
  await open();
  const badge = document.querySelector<HTMLElement>(".status-line .plain-http")!;
  expect(badge.hidden).toBe(true);
  await emit("status-changed", sampleStatus({ server: "http://pbx.example.com", plainHttp: true }));
  expect(badge.hidden).toBe(false);
  expect(badge.classList.contains("badge")).toBe(true);
  expect(badge.textContent).toBe("Unencrypted connection");
  expect(badge.title).toBe(
    "This connection is not encrypted: your password crosses the network in clear text. Use an https:// server address unless your administrator says otherwise.",
  );
  await emit("status-changed", sampleStatus({ plainHttp: false }));
  expect(badge.hidden).toBe(true);
});

test("the whole status sentence is in the title, for when the width cuts it", async () => {
  await open(sampleStatus({ state: "reconnecting", line: `Reconnecting… — ${"x".repeat(300)}` }));
  const text = document.querySelector<HTMLElement>(".status-text")!;
  expect(text.title).toBe(`Reconnecting… — ${"x".repeat(300)}`);
  expect(text.title).toBe(text.textContent);
});

test("in French, the unencrypted connection badge speaks French", async () => {
  setLocale("fr");
  await open(sampleStatus({ server: "http://pbx.example.com", plainHttp: true }));
  const badge = document.querySelector<HTMLElement>(".plain-http")!;
  expect(badge.hidden).toBe(false);
  expect(badge.textContent).toBe("Connexion non chiffrée");
  expect(badge.title).toBe(
    "Cette connexion n'est pas chiffrée\u00a0: votre mot de passe circule en clair sur le réseau. Utilisez une adresse de serveur en https:// sauf avis contraire de votre administrateur.",
  );
});

test("in French, the status line speaks French", async () => {
  setLocale("fr");
  await open(sampleStatus({ dnd: true, missedCount: 2 }));
  expect(document.querySelector(".dnd-toggle")?.textContent).toBe("Ne pas déranger");
  expect(document.querySelector(".missed-count")?.textContent).toBe("2 manqués");
  expect(document.querySelector<HTMLElement>(".missed-count")?.title).toBe("2 appels manqués");
  await emit("status-changed", sampleStatus({ state: "signed_out", login: null, missedCount: 1 }));
  expect(document.querySelector(".missed-count")?.textContent).toBe("1 manqué");
});

test("a terminal name with markup is shown as text", async () => {
  await open(sampleStatus({ line: "Online — alice on <b>Desk</b>" }));
  expect(statusText()).toBe("Online — alice on <b>Desk</b>");
  expect(line().querySelector("b")).toBeNull();
});

test("where no tray shows, says so and offers the tray menu's actions, each sent as asked", async () => {
  const asked: unknown[] = [];
  await page.open({ get_status: () => sampleStatus(), ask: (args) => void asked.push(args) });
  const panel = document.querySelector<HTMLElement>(".tray-missing")!;
  expect(panel.hidden).toBe(true);
  await emit("status-changed", sampleStatus({ trayMissing: true, dnd: true }));
  expect(panel.hidden).toBe(false);
  expect(panel.textContent).toContain("No tray shows istra-tray's icon on this desktop");
  expect(panel.textContent).toContain("AppIndicator and KStatusNotifierItem Support");
  for (const name of ["tray-dial-clipboard", "tray-sign-out", "tray-quit"]) {
    panel.querySelector<HTMLButtonElement>(`.${name}`)!.click();
  }
  await Promise.resolve();
  expect(asked).toEqual([{ asked: "dialClipboard" }, { asked: "signOut" }, { asked: "quit" }]);
  await emit("status-changed", sampleStatus({ trayMissing: true, state: "signed_out", login: null }));
  expect(panel.querySelector<HTMLButtonElement>(".tray-sign-out")!.hidden).toBe(true);
});

test("says Demo while signed in to the built-in simulator", async () => {
  await open();
  const badge = document.querySelector<HTMLElement>(".status-line .demo")!;
  expect(badge.hidden).toBe(true);
  await emit("status-changed", sampleStatus({ demo: true }));
  expect(badge.hidden).toBe(false);
  expect(badge.textContent).toBe("Demo");
  expect(badge.title).toContain("simulator");
});

test("Do not disturb is one click in the header, sent as asked", async () => {
  const asked: unknown[] = [];
  await page.open({ get_status: () => sampleStatus(), ask: (args) => void asked.push(args) });
  document.querySelector<HTMLButtonElement>(".status-line .dnd-toggle")!.click();
  await Promise.resolve();
  expect(asked).toEqual([{ asked: "toggleDoNotDisturb" }]);
});

test("a request the app refuses is said, not swallowed", async () => {
  const refuse = () => {
    throw { code: "internal", message: "no intents" };
  };
  await page.open({ get_status: () => sampleStatus({ trayMissing: true }), ask: refuse });
  document.querySelector<HTMLButtonElement>(".status-line .dnd-toggle")!.click();
  await settle();
  expect(statusText()).toBe("Something went wrong inside istra-tray (no intents)");
  document.querySelector<HTMLButtonElement>(".tray-quit")!.click();
  await settle();
  expect(document.querySelector(".tray-missing-error")?.textContent).toBe(
    "Something went wrong inside istra-tray (no intents)",
  );
});
