/**
 * The UI's only door to the Rust side: typed wrappers over the contract's commands and events.
 *
 * Every command wrapper rejects with a `Rejection` (`{code, message}`, the code one of the
 * generated `ErrorCode`s or `unknown`), whatever the IPC layer threw, and `errorMessage` turns
 * such an error into the sentence a user reads, in the user's language.
 */
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  Ask,
  AppError,
  CallView,
  ErrorCode,
  ContactImport,
  DialOutcome,
  HistoryFilter,
  HistoryPage,
  LookupAnswer,
  LookupSource,
  Painted,
  Secret,
  SettingChange,
  Settings,
  StatusView,
  SyncOutcome,
  Suggestion,
} from "./bindings";
import type { Command } from "./bindings/constants";
import { fmt, t } from "./i18n";

/** Code given to rejections that did not come as `{code, message}` (e.g. a missing command). */
export const UNKNOWN_CODE = "unknown";

/** What a command wrapper rejects with: the Rust side's error, or one it did not send. */
export type Rejection = Omit<AppError, "code"> & { code: ErrorCode | typeof UNKNOWN_CODE };

/** Every error code's sentence in the language in use: the catalogs must have one per code. */
const sentences = (): Readonly<Record<ErrorCode, string>> => t().errors;

/** Whether `code` is one the Rust side sends. */
function isErrorCode(code: string): code is ErrorCode {
  // `hasOwn`: a code such as "constructor" must not find a prototype member.
  return Object.hasOwn(sentences(), code);
}

/**
 * The sentence shown for an error. Known codes get a plain sentence followed by the
 * server's own words in parentheses; unknown codes read "Unknown error: <message>".
 */
export function errorMessage(code: string, message: string): string {
  const detail = message.trim();
  if (!isErrorCode(code)) {
    return detail === "" ? t().unknownError : fmt(t().unknownErrorWith, { detail });
  }
  const sentence = sentences()[code];
  return detail === "" || detail === sentence ? sentence : `${sentence} (${detail})`;
}

/** Normalises anything a command may reject with into a `Rejection`; codes the Rust side does
 * not send become `unknown`. */
export function toAppError(reason: unknown): Rejection {
  if (typeof reason === "object" && reason !== null) {
    const { code, message } = reason as { code?: unknown; message?: unknown };
    const text = typeof message === "string" ? message : "";
    return { code: typeof code === "string" && isErrorCode(code) ? code : UNKNOWN_CODE, message: text };
  }
  return { code: UNKNOWN_CODE, message: typeof reason === "string" ? reason : String(reason) };
}

/** The sentence for whatever a wrapper (or anything else) rejected with. */
export function describeError(reason: unknown): string {
  const { code, message } = toAppError(reason);
  return errorMessage(code, message);
}

async function call<T>(command: Command, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toAppError(reason);
  }
}

/** `caFile` is the path of an extra certificate authority file to trust, `null` for none. */
export type SignInRequest = {
  server: string;
  login: string;
  password: string;
  remember: boolean;
  caFile: string | null;
};

export const getStatus = (): Promise<StatusView> => call("get_status");
export const signIn = (request: SignInRequest): Promise<StatusView> => call("sign_in", request);
export const selectTerminal = (terminalId: string): Promise<StatusView> =>
  call("select_terminal", { terminalId });
export const signOut = (): Promise<void> => call("sign_out");
export const popupCalls = (): Promise<CallView[]> => call("popup_calls");
export const dismissCall = (callId: string): Promise<void> => call("dismiss_call", { callId });
/** Tells the Rust side what the popup painted of a call at `paintedAtMs` (Unix ms). */
export const popupPainted = (callId: string, paintedAtMs: number, painted: Painted): Promise<void> =>
  call("popup_painted", { callId, paintedAtMs, painted });
export const copyNumber = (callId: string): Promise<void> => call("copy_number", { callId });
/** What the History view lists: `search` (number, name or label) is `null` for no search. */
export type HistoryQuery = { filter: HistoryFilter; search: string | null };
/** A page of the call history; `cursor` is `null` for the first page, else the last `nextCursor`. */
export const historyPage = (query: HistoryQuery, cursor: string | null): Promise<HistoryPage> =>
  call("history_page", { filter: query.filter, search: query.search, cursor });
/** Writes the calls `query` lists to a CSV file; resolves to the file's path. */
export const exportHistory = (query: HistoryQuery): Promise<string> =>
  call("export_history", { filter: query.filter, search: query.search });
export const markAllSeen = (): Promise<void> => call("mark_all_seen");
/** Keeps the outcome and note written for a call (empty: none); resolves to the call as History
 * now lists it. */
export const saveNote = (noted: CallView, outcome: string, note: string): Promise<CallView> =>
  call("save_note", { callId: noted.id, startedAtMs: noted.startedAtMs, outcome, note });
/** Opens History on the call's note (from its ended card). */
export const openNote = (callId: string): Promise<void> => call("open_note", { callId });
export const callBack = (callId: string): Promise<DialOutcome> => call("call_back", { callId });
export const dialText = (text: string): Promise<DialOutcome> => call("dial_text", { text });
export const getSettings = (): Promise<Settings> => call("get_settings");
/** Makes one change to the settings, applied at once; resolves to the settings now in use. */
export const changeSetting = (change: SettingChange): Promise<Settings> => call("change_setting", { change });
/** Keeps one of the settings' secrets in the keyring (empty: none); it never comes back. */
export const setSecret = (which: Secret, secret: string): Promise<void> =>
  call("set_secret", { which, secret });
/** Syncs the CardDAV address book into the contacts now. */
export const syncAddressBook = (): Promise<SyncOutcome> => call("sync_address_book");
/** Asks one caller lookup source about a number typed in Settings. */
export const testLookup = (source: LookupSource, number: string): Promise<LookupAnswer | null> =>
  call("test_lookup", { source, number });
export const closeWindow = (): Promise<void> => call("close_window");
/** Numbers from the contacts and the call history that match what is typed in the Dial tab. */
export const suggestNumbers = (text: string): Promise<Suggestion[]> => call("suggest_numbers", { text });
/** Adds the contacts of a CSV or vCard file (`content` is its text) to the stored ones. */
export const importContacts = (fileName: string, content: string): Promise<ContactImport> =>
  call("import_contacts", { fileName, content });
export const clearContacts = (): Promise<void> => call("clear_contacts");
export const contactCount = (): Promise<number> => call("contact_count");
/** Opens the CRM page of a call (the screen pop address) in the web browser. */
export const screenPop = (callId: string): Promise<void> => call("screen_pop", { callId });
/** What the tray menu would do (the main window stands in where no tray shows). */
export const ask = (asked: Ask): Promise<void> => call("ask", { asked });

export type Unsubscribe = () => void;

/**
 * Keeps `apply` fed with the current value: listens to `event`, then pulls the value once
 * (an event emitted before the page listened is lost, so the pull is what fills the page).
 *
 * Events carry full snapshots, so once one has arrived a pull still in flight is older or
 * equal and is dropped. A failed listen or pull goes to `onError`.
 */
function watch<T>(
  event: string,
  pull: () => Promise<T>,
  apply: (value: T) => void,
  onError: (error: Rejection) => void,
): Unsubscribe {
  let active = true;
  let heardEvent = false;
  let stopListening: (() => void) | null = null;

  void (async () => {
    try {
      const stop = await listen<T>(event, ({ payload }) => {
        if (!active) return;
        heardEvent = true;
        apply(payload);
      });
      if (!active) {
        stop();
        return;
      }
      stopListening = stop;
      const current = await pull();
      if (active && !heardEvent) apply(current);
    } catch (reason) {
      if (active) onError(toAppError(reason));
    }
  })();

  return () => {
    active = false;
    stopListening?.();
  };
}

export const watchStatus = (apply: (status: StatusView) => void, onError: (error: Rejection) => void) =>
  watch("status-changed", getStatus, apply, onError);
export const watchPopupCalls = (apply: (calls: CallView[]) => void, onError: (error: Rejection) => void) =>
  watch("popup-calls-changed", popupCalls, apply, onError);

/**
 * Calls `changed` once listening to `recent-calls-changed` has begun, and on each such event
 * after. The event's payload (the recent calls) is not passed on: the History view queries its
 * own page again. When listening fails, the error goes to `onError` and `changed` still runs
 * once, so the view fills even without live updates.
 */
export function watchCallHistory(changed: () => void, onError: (error: Rejection) => void): Unsubscribe {
  let active = true;
  let stopListening: (() => void) | null = null;

  listen("recent-calls-changed", () => {
    if (active) changed();
  }).then(
    (stop) => {
      if (!active) {
        stop();
        return;
      }
      stopListening = stop;
      changed();
    },
    (reason: unknown) => {
      if (!active) return;
      onError(toAppError(reason));
      changed();
    },
  );

  return () => {
    active = false;
    stopListening?.();
  };
}
