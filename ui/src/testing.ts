/**
 * Test support: a fake Rust side built on `mockIPC` (events mocked too), and sample DTOs.
 * Only test files import this module.
 */
import { mockIPC } from "@tauri-apps/api/mocks";
import type { CallView, Settings, StatusView } from "./bindings";

type Args = Record<string, unknown>;
type Handler = (args: Args) => unknown;

/**
 * Answers each command with its handler (a thrown value becomes the rejection) and records
 * every invocation. A command without a handler rejects as `internal`.
 */
export function fakeBackend(handlers: Record<string, Handler>) {
  const invocations: Array<{ command: string; args: Args }> = [];
  mockIPC(
    (command, payload) => {
      const args = (payload ?? {}) as Args;
      invocations.push({ command, args });
      const handler = handlers[command];
      if (handler === undefined) throw { code: "internal", message: `no fake for ${command}` };
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return {
    /** The arguments of each call to `command`, oldest first. */
    argsOf: (command: string): Args[] =>
      invocations.filter((entry) => entry.command === command).map((entry) => entry.args),
  };
}

/** A promise the test settles by hand, to hold a command "in flight". */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise chains (IPC round trips through the mocks) run to the end. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i += 1) await Promise.resolve();
}

export function sampleCall(overrides: Partial<CallView> = {}): CallView {
  return {
    id: "call-1",
    direction: "incoming",
    callType: "external",
    number: "0123456789",
    numberDisplay: "01 23 45 67 89",
    e164: "+33123456789",
    label: "ACME Corp",
    acd: null,
    state: "ringing",
    missed: false,
    startedAtMs: Date.now(),
    answeredAtMs: null,
    endedAtMs: null,
    ringMs: null,
    talkMs: null,
    endCause: null,
    ...overrides,
  };
}

export function sampleStatus(overrides: Partial<StatusView> = {}): StatusView {
  const desk = { id: "t1", name: "Desk phone" };
  return {
    state: "online",
    login: "alice",
    server: "https://pbx.example.com",
    terminal: desk,
    terminals: [desk],
    detail: null,
    error: null,
    retryInMs: null,
    dnd: false,
    missedCount: 0,
    hotkey: "Ctrl+Alt+D",
    ...overrides,
  };
}

export function sampleSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    server: "https://pbx.example.com",
    login: "alice",
    terminalId: "t1",
    hotkey: "Ctrl+Alt+D",
    popupEnabled: true,
    popupCorner: "bottom-right",
    popupLingerSecs: 10,
    notifyIncoming: true,
    notifyMissed: true,
    defaultCountry: "FR",
    outsideLinePrefix: null,
    startAtLogin: false,
    dnd: false,
    ...overrides,
  };
}
