/**
 * The sign-in window: server, login, password and "Remember me", with an "Advanced" disclosure
 * for the file of an extra certificate authority (on-premises servers), then, for accounts with
 * several terminals, a choice of terminal, then a short welcome: where the app now lives (the
 * tray, or its window where no tray shows) and the key that dials a selected number.
 * In a build with a demo, the first screen also offers "Try the demo": the app starts again
 * against its built-in simulator.
 * A plain http:// address gets a warning as it is typed: the password would travel in clear.
 * A refusal is one sentence; the server's or the network's own words are folded under
 * "Details", the field at fault is marked, and both go as soon as the user types again.
 *
 * Signing in can take seconds; the form shows it is busy but never locks the user in: after
 * `SLOW_SIGN_IN_MS` the button comes back so the user can try again, and the answer of an
 * attempt that a newer one replaced is ignored.
 */
import type { ErrorCode, StatusView, TerminalView } from "./bindings";
import {
  caFileInput,
  caFileValue,
  checkboxField,
  el,
  field,
  isolated,
  markManaged,
  notice,
  serverInput,
  type Notice,
} from "./dom";
import { fmt, t } from "./i18n";
import {
  ask,
  closeWindow,
  describeError,
  errorMessage,
  getSettings,
  getStatus,
  selectTerminal,
  signIn,
  toAppError,
  UNKNOWN_CODE,
  watchStatus,
  type Unsubscribe,
} from "./ipc";

export const SLOW_SIGN_IN_MS = 15_000;

/** Error codes the CA file can fix: the "Advanced" disclosure opens on them. */
const CERTIFICATE_CODES: ReadonlySet<string> = new Set<ErrorCode>(["tls", "ca_file"]);

/** The field a refusal points at, by its code. */
const FIELD_AT_FAULT: Partial<Record<ErrorCode, "server" | "login" | "password" | "caFile">> = {
  network: "server",
  protocol: "server",
  tls: "server",
  ca_file: "caFile",
  bad_credentials: "password",
  not_allowed: "login",
};

/** What the welcome says about the dial key, from the status the sign-in ends with. */
export function welcomeHotkey(status: StatusView): string {
  const words = t().signin;
  if (status.hotkeyWay === "desktopShortcut") return words.welcomeDesktopShortcut;
  if (status.hotkey === "") return words.welcomeNoHotkey;
  return fmt(words.welcomeHotkey, { key: status.hotkey });
}

/** Whether the user must (or may) pick a terminal after signing in. */
export function needsTerminalChoice(status: StatusView): boolean {
  return status.terminals.length > 1 && (status.terminal === null || status.state === "online");
}

const sameTerminals = (a: TerminalView[], b: TerminalView[]): boolean =>
  a.length === b.length &&
  a.every((terminal, index) => terminal.id === b[index]?.id && terminal.name === b[index].name);

export function mount(host: HTMLElement): () => void {
  const words = t().signin;
  const common = t().common;
  let active = true;

  const server = serverInput();
  const login = el("input", {
    attrs: { type: "text", name: "login", autocomplete: "username", required: "" },
  });
  const password = el("input", {
    attrs: { type: "password", name: "password", autocomplete: "current-password", required: "" },
  });
  const remember = el("input", { attrs: { type: "checkbox", name: "remember" } });
  remember.checked = true;
  const caFile = caFileInput();
  const advanced = el(
    "details",
    { className: "advanced" },
    el("summary", { text: common.advanced }),
    field(common.caFile, caFile, common.caFileHint),
  );
  const submit = el("button", { className: "primary", text: words.submit, attrs: { type: "submit" } });
  const formNotice = notice("signin-error", "alert");
  const detailText = el("code", { className: "error-detail" });
  const details = el(
    "details",
    { className: "error-details" },
    el("summary", { text: words.details }),
    detailText,
  );
  details.hidden = true;
  const form = el(
    "form",
    { className: "signin-form", attrs: { novalidate: "" } },
    field(common.serverAddress, server.input),
    server.warning,
    field(common.login, login),
    field(words.password, password),
    checkboxField(words.remember, remember),
    advanced,
    formNotice.element,
    details,
    el("div", { className: "buttons" }, submit),
  );

  const terminalList = el("div", { className: "terminal-list", attrs: { role: "radiogroup" } });
  const pickerNotice = notice("terminal-error", "alert");
  const done = el("button", { className: "primary done", text: words.done, attrs: { type: "button" } });
  const picker = el(
    "section",
    { className: "terminal-picker" },
    el("h2", { text: words.whichPhone }),
    terminalList,
    pickerNotice.element,
    el("div", { className: "buttons" }, done),
  );
  picker.hidden = true;

  const welcomeWhere = el("p", { className: "welcome-where" });
  const welcomeKey = el("p", { className: "welcome-key" });
  const gotIt = el("button", { className: "primary got-it", text: words.gotIt, attrs: { type: "button" } });
  const welcomeNotice = notice("welcome-error", "alert");
  const welcome = el(
    "section",
    { className: "welcome", attrs: { "aria-labelledby": "welcome-heading" } },
    el("h2", { text: words.welcomeHeading, attrs: { id: "welcome-heading" } }),
    welcomeWhere,
    welcomeKey,
    el("p", { className: "welcome-settings", text: words.welcomeSettings }),
    welcomeNotice.element,
    el("div", { className: "buttons" }, gotIt),
  );
  welcome.hidden = true;

  const tryDemo = el("button", { className: "try-demo", text: words.tryDemo, attrs: { type: "button" } });
  const demoNotice = notice("demo-error", "alert");
  const demoOffer = el(
    "section",
    { className: "demo-offer" },
    el("p", { className: "no-account" }, el("strong", { text: words.noAccount }), tryDemo),
    el("small", { className: "hint", text: words.tryDemoHint }),
    demoNotice.element,
  );
  demoOffer.hidden = true;

  // The sign-in's heading and lead; the welcome, once signed in, has its own.
  const intro = el(
    "header",
    { className: "intro" },
    el("h1", { text: words.heading }),
    el("p", { className: "lead", text: words.lead }),
  );
  const page = el(
    "main",
    { className: "signin" },
    intro,
    form,
    demoOffer,
    picker,
    welcome,
  );
  host.append(page);

  /** Says why the sign-in was refused: one sentence, the detail folded, the field marked. */
  const showRefusal = (reason: unknown): void => {
    const { code, message } = toAppError(reason);
    const known = code !== UNKNOWN_CODE;
    formNotice.show(known ? errorMessage(code, "") : errorMessage(code, message), "error");
    const detail = message.trim();
    detailText.textContent = detail;
    details.open = false;
    details.hidden = !known || detail === "";
    const faulty = known ? FIELD_AT_FAULT[code] : undefined;
    const inputs = { server: server.input, login, password, caFile };
    if (faulty !== undefined) inputs[faulty].setAttribute("aria-invalid", "true");
    // The sentence for these codes points to "Advanced": show what it points to.
    if (CERTIFICATE_CODES.has(code)) advanced.open = true;
  };

  /** The user types again: what was said about the last attempt goes. */
  const clearRefusal = (): void => {
    formNotice.show(null);
    details.hidden = true;
    for (const input of [server.input, login, password, caFile]) input.removeAttribute("aria-invalid");
  };
  form.addEventListener("input", clearRefusal);

  const close = (shown: Notice): void => {
    closeWindow().catch((reason: unknown) => shown.show(describeError(reason), "error"));
  };

  // Pre-fill what the user signed in with last time, without overwriting anything already typed.
  getSettings().then(
    (settings) => {
      if (!active) return;
      if (server.input.value === "") server.input.value = settings.server;
      if (login.value === "") login.value = settings.login;
      if (caFile.value === "" && settings.caFile !== null) {
        caFile.value = settings.caFile;
        advanced.open = true;
      }
      server.refresh();
      // What the administrators locked is shown, not typed.
      markManaged(server.input, "server", settings.managed);
      markManaged(login, "login", settings.managed);
    },
    () => {
      // No saved settings yet: the empty form is the right start.
    },
  );

  // The demo is offered only by builds that have one.
  getStatus().then(
    (status) => {
      if (active && !form.hidden) demoOffer.hidden = !status.canTryDemo;
    },
    () => {
      // No status: no offer; signing in still works.
    },
  );
  tryDemo.addEventListener("click", () => {
    tryDemo.disabled = true;
    demoNotice.show(null);
    ask("tryDemo").catch((reason: unknown) => {
      tryDemo.disabled = false;
      demoNotice.show(describeError(reason), "error");
    });
  });

  let attempt = 0;
  let slowTimer: number | undefined;

  const setBusy = (busy: boolean): void => {
    submit.disabled = busy;
    submit.textContent = busy ? words.busy : words.submit;
    form.setAttribute("aria-busy", String(busy));
  };

  // The picker's state. `chosen` is the terminal in use: the latest status's until the user
  // has picked one, then the one the server confirmed. `pending` is a pick still being sent.
  let terminals: TerminalView[] = [];
  let radios: HTMLInputElement[] = [];
  let chosen: string | null = null;
  let pending: string | null = null;
  let userChose = false;
  let unwatch: Unsubscribe | null = null;

  const syncRadios = (): void => {
    const checked = pending ?? chosen;
    for (const radio of radios) {
      radio.disabled = pending !== null;
      radio.checked = radio.value === checked;
    }
    done.disabled = pending !== null || chosen === null;
  };

  const pick = (terminalId: string): void => {
    pending = terminalId;
    pickerNotice.show(null);
    syncRadios();
    selectTerminal(terminalId)
      .then(
        (next) => {
          chosen = next.terminal?.id ?? terminalId;
          userChose = true;
        },
        (reason: unknown) => pickerNotice.show(describeError(reason), "error"),
      )
      .finally(() => {
        // On failure the selection goes back to the terminal actually in use.
        pending = null;
        syncRadios();
      });
  };

  const listTerminals = (next: TerminalView[]): void => {
    terminals = next;
    terminalList.replaceChildren();
    radios = next.map((terminal) => {
      const radio = el("input", { attrs: { type: "radio", name: "terminal", value: terminal.id } });
      radio.addEventListener("change", () => pick(terminal.id));
      terminalList.append(
        el("label", { className: "terminal" }, radio, isolated(terminal.name, "terminal-name")),
      );
      return radio;
    });
    if (!next.some((terminal) => terminal.id === chosen)) {
      // The terminal in use (or picked) is gone from the account: nothing is chosen any more.
      chosen = null;
      userChose = false;
    }
  };

  /** Brings the picker up to date with a status: its list, and the terminal in use. */
  const followStatus = (status: StatusView): void => {
    latest = status;
    if (!sameTerminals(terminals, status.terminals)) listTerminals(status.terminals);
    if (status.terminal !== null && !userChose) chosen = status.terminal.id;
    syncRadios();
  };

  const showTerminals = (status: StatusView): void => {
    form.hidden = true;
    demoOffer.hidden = true;
    picker.hidden = false;
    followStatus(status);
    // The connection goes on after sign-in (the terminal is often still unknown while it is
    // "connecting"), so the picker follows the status while it is shown. Should following
    // fail, the picker keeps what the sign-in answered, which is still usable.
    unwatch ??= watchStatus(followStatus, () => {});
  };

  let latest: StatusView | null = null;
  const showWelcome = (status: StatusView): void => {
    unwatch?.();
    unwatch = null;
    form.hidden = true;
    demoOffer.hidden = true;
    picker.hidden = true;
    intro.hidden = true;
    welcomeWhere.textContent = status.trayMissing ? words.welcomeWindow : words.welcomeTray;
    welcomeKey.textContent = welcomeHotkey(status);
    welcome.hidden = false;
    gotIt.focus();
  };

  const finish = (status: StatusView): void => {
    latest = status;
    if (needsTerminalChoice(status)) {
      showTerminals(status);
    } else {
      showWelcome(status);
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = {
      server: server.input.value.trim(),
      login: login.value.trim(),
      password: password.value,
      remember: remember.checked,
      caFile: caFileValue(caFile.value),
    };
    if (request.server === "" || request.login === "" || request.password === "") {
      formNotice.show(words.missingFields, "error");
      return;
    }
    attempt += 1;
    const mine = attempt;
    setBusy(true);
    formNotice.show(null);
    window.clearTimeout(slowTimer);
    slowTimer = window.setTimeout(() => {
      setBusy(false);
      formNotice.show(words.slow, "info");
    }, SLOW_SIGN_IN_MS);

    clearRefusal();
    signIn(request).then(
      (status) => {
        if (!active || mine !== attempt) return;
        window.clearTimeout(slowTimer);
        setBusy(false);
        finish(status);
      },
      (reason: unknown) => {
        if (!active || mine !== attempt) return;
        window.clearTimeout(slowTimer);
        setBusy(false);
        showRefusal(reason);
      },
    );
  });

  done.addEventListener("click", () => {
    if (latest !== null) showWelcome(latest);
    else close(pickerNotice);
  });
  gotIt.addEventListener("click", () => close(welcomeNotice));

  return () => {
    active = false;
    window.clearTimeout(slowTimer);
    unwatch?.();
    page.remove();
  };
}
