/**
 * Test support: a fake Rust side built on `mockIPC` (events mocked too), and sample DTOs.
 * Only test files import this module.
 */
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, expect, vi } from "vitest";
import type { CallLines, CallView, Settings, StatusView } from "./bindings";

type Args = Record<string, unknown>;
/** Fake commands by name: each gets the command's arguments and returns (or throws) its answer. */
export type Handlers = Record<string, (args: Args) => unknown>;

/** The clock of tests that ask `usePage` for fake time. */
export const TEST_NOW = new Date("2025-03-01T10:00:00Z");

/**
 * Registers the hooks of a test file whose tests mount the page `mount` into `document.body`,
 * and returns how to mount it. After each test the page is unmounted, the IPC mocks cleared,
 * real timers restored, `reset` run and the body emptied. With `fakeTime`, each test starts
 * with fake timers and the clock at `TEST_NOW`.
 */
export function usePage(
  mount: (host: HTMLElement) => () => void,
  options: { fakeTime?: boolean; reset?: () => void } = {},
) {
  let unmount: () => void = () => {};
  if (options.fakeTime === true) {
    beforeEach(() => {
      vi.useFakeTimers();
      vi.setSystemTime(TEST_NOW);
    });
  }
  /** Unmounts the page mounted last, if it is still there. */
  const unmountPage = (): void => {
    unmount();
    unmount = () => {};
  };
  afterEach(() => {
    unmountPage();
    clearMocks();
    vi.useRealTimers();
    options.reset?.();
    document.body.replaceChildren();
  });
  /** Fakes the backend with `handlers` and mounts the page. */
  const start = (handlers: Handlers) => {
    const backend = fakeBackend(handlers);
    unmount = mount(document.body);
    return backend;
  };
  return {
    start,
    unmount: unmountPage,
    /** `start`, then lets the page's first IPC round trips run to the end. */
    open: async (handlers: Handlers) => {
      const backend = start(handlers);
      await settle();
      return backend;
    },
  };
}

/**
 * Answers each command with its handler (a thrown value becomes the rejection) and records
 * every invocation. A command without a handler rejects as `internal`.
 */
export function fakeBackend(handlers: Handlers) {
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

/**
 * Caller labels as hostile as the outside can send, as the Rust side passes them on: very long
 * (so cut to 120 characters), full of direction overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), or holding markup.
 */
export const HOSTILE_LABELS = {
  long: `${"ש".repeat(119)}…`,
  overrides: "\u202Efdp.exe\u202C \u2066Payroll\u2067 \u202Dlrt\u202Bltr\u202Aend\u2068",
  markup: '<img src=x onerror=alert(1)><b>Boss</b><script>alert(2)</script><bdo dir="rtl">x</bdo>',
};

/** The direction control characters: embeddings, overrides and isolates with their ends. */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** The text nodes under `root`, in document order. */
export function textNodesUnder(root: Node): Text[] {
  return [...root.childNodes].flatMap((child) =>
    child.nodeType === Node.TEXT_NODE ? [child as Text] : textNodesUnder(child),
  );
}

/**
 * What the Rust side says for `sampleCall()` in English, with `overrides`. The summary, unless
 * given, reads the lines in order, then the state, as the Rust side builds it.
 */
export function sampleLines(overrides: Partial<CallLines> = {}): CallLines {
  const lines: CallLines = {
    title: "ACME Corp",
    titleKind: "label",
    label: null,
    number: "01 23 45 67 89",
    e164: "+33123456789",
    callType: "External",
    queue: null,
    state: "Incoming call…",
    outcome: "In progress",
    rang: null,
    talked: null,
    summary: "",
    ...overrides,
  };
  const { title, label, number, e164, callType, queue, state } = lines;
  const parts = [title, label, number, e164, callType, queue, state].filter((part) => part !== null);
  return { ...lines, summary: overrides.summary ?? parts.join(", ") };
}

/** An incoming call ringing now from ACME Corp; `lines` overrides only the lines it names. */
export function sampleCall(
  overrides: Partial<Omit<CallView, "lines">> & { lines?: Partial<CallLines> } = {},
): CallView {
  const { lines, ...fields } = overrides;
  return {
    id: "call-1",
    direction: "incoming",
    callType: "external",
    number: "0123456789",
    numberDisplay: "01 23 45 67 89",
    e164: "+33123456789",
    label: "ACME Corp",
    name: null,
    company: null,
    crmUrl: null,
    acd: null,
    state: "ringing",
    takenElsewhere: false,
    missed: false,
    startedAtMs: Date.now(),
    answeredAtMs: null,
    endedAtMs: null,
    ringMs: null,
    talkMs: null,
    endCause: null,
    outcome: null,
    note: null,
    screenPop: false,
    hasNumber: true,
    offersCallBack: false,
    ...fields,
    lines: sampleLines(lines),
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
    plainHttp: false,
    hotkeyWay: "grab",
    hotkeyConfigurable: false,
    shortcutOffer: { kind: "none" },
    trayMissing: false,
    demo: false,
    canTryDemo: false,
    line: "Online — alice on Desk phone",
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
    queueTakenElsewhereMissed: false,
    defaultCountry: "FR",
    outsideLinePrefix: null,
    startAtLogin: false,
    dnd: false,
    screenPopUrl: "",
    screenPopOn: "ringing",
    handleLinks: true,
    gnomeShortcut: false,
    caFile: null,
    hooks: {
      ringing: { command: "", url: "" },
      answered: { command: "", url: "" },
      ended: { command: "", url: "" },
      missed: { command: "", url: "" },
      endedAfterNote: false,
    },
    lookup: {
      crmUrl: "",
      crmHeader: "",
      directoryUrl: "",
      directoryStarttls: true,
      directoryBaseDn: "",
      directoryBindDn: "",
      directoryFilter: "",
      first: "crm",
      addressBookUrl: "",
      addressBookUser: "",
      addressBookSyncMinutes: 15,
    },
    outcomes: null,
    managed: { locked: [], reason: null },
    ...overrides,
  };
}

/**
 * A label made of markup is shown as its characters (in the tooltip too) and no element is
 * made from it anywhere in the page.
 */
export function expectMarkupShownAsText(title: HTMLElement, label: string): void {
  expect(title.textContent).toBe(label);
  expect(title.title).toBe(label);
  expect(title.children).toHaveLength(0);
  for (const tag of ["img", "b", "script", "bdo"]) expect(document.querySelector(tag)).toBeNull();
}
