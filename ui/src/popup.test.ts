import { emit } from "@tauri-apps/api/event";
import { describe, expect, test, vi } from "vitest";
import type { CallView } from "./bindings";
import { POPUP_CARD_HEIGHT } from "./bindings/constants";
import { setLocale } from "./i18n";
import { mount } from "./popup";
import baseCss from "./styles/base.css?raw";
import popupCss from "./styles/popup.css?raw";
import {
  BIDI_CONTROLS,
  deferred,
  HOSTILE_LABELS,
  sampleCall,
  settle,
  textNodesUnder,
  usePage,
  type Handlers,
  expectMarkupShownAsText,
} from "./testing";

const page = usePage(mount, {
  fakeTime: true,
  reset: () => {
    delete window.__ISTRA__;
  },
});

const showPopup = (calls: CallView[], handlers: Handlers = {}) =>
  page.open({ popup_calls: () => calls, ...handlers });

const card = (id = "call-1"): HTMLElement => {
  const found = document.querySelector<HTMLElement>(`.call[data-call-id="${id}"]`);
  if (found === null) throw new Error(`no card for ${id}`);
  return found;
};
const text = (selector: string, id?: string): string | null =>
  card(id).querySelector(selector)?.textContent ?? null;
const button = (className: string, id?: string): HTMLButtonElement =>
  card(id).querySelector<HTMLButtonElement>(`button.${className}`)!;

describe("an incoming call card", () => {
  test("shows the caller big, then the number line, the chips and the state, each on its own line", async () => {
    await showPopup([sampleCall({ lines: { queue: "via Sales" } })]);
    const details = card().querySelector(".details")!;
    expect([...details.children].map((line) => line.className)).toEqual([
      "title label",
      "subtitle",
      "chips",
      "state",
    ]);
    expect(text(".title")).toBe("ACME Corp");
    expect(text(".subtitle .number")).toBe("01 23 45 67 89");
    expect(text(".subtitle .e164")).toBe("+33123456789");
    expect(text(".chips .call-type")).toBe("External");
    expect(text(".chips .queue")).toBe("via Sales");
    expect(text(".state")).toBe("Incoming call…");
  });

  test("a number as the title reads left to right and is not repeated", async () => {
    await showPopup([
      sampleCall({
        lines: {
          title: "+33 1 23 45 67 89",
          titleKind: "number",
          number: null,
          e164: null,
          callType: "Internal",
        },
      }),
    ]);
    expect(text(".title")).toBe("+33 1 23 45 67 89");
    expect(card().querySelector(".title")?.getAttribute("dir")).toBe("ltr");
    expect(card().querySelector(".subtitle")?.childElementCount).toBe(0);
    expect(text(".call-type")).toBe("Internal");
  });

  test("without a call type or queue the chips line is empty", async () => {
    await showPopup([sampleCall({ lines: { callType: null } })]);
    expect(card().querySelector(".chips")?.childElementCount).toBe(0);
  });

  test("a label or queue containing markup is shown as those characters", async () => {
    const label = "<img src=x onerror=alert(1)>";
    await showPopup([
      sampleCall({ lines: { title: "Alice", titleKind: "name", label, queue: "via <b>Sales</b>" } }),
    ]);
    expect(text(".subtitle .label")).toBe(label);
    expect(text(".queue")).toBe("via <b>Sales</b>");
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector(".queue b")).toBeNull();
  });

  test("the card's classes say the call's state and direction", async () => {
    await showPopup([
      sampleCall({ id: "out", direction: "outgoing", lines: { state: "Calling…" } }),
      sampleCall({ id: "gone", state: "ended", missed: true, lines: { state: "Missed call" } }),
    ]);
    expect(card("out").className).toBe("call ringing outgoing");
    expect(text(".state", "out")).toBe("Calling…");
    expect(card("gone").className).toBe("call ended incoming missed");
    expect(text(".state", "gone")).toBe("Missed call");
  });
});

describe("a hostile caller label", () => {
  const titleOf = (): HTMLElement => card().querySelector<HTMLElement>(".title")!;

  test("cut to 120 characters, it shows whole, its title holding it too", async () => {
    await showPopup([sampleCall({ lines: { title: HOSTILE_LABELS.long } })]);
    const title = titleOf();
    expect(title.textContent).toBe(`${"ש".repeat(119)}…`);
    expect(title.getAttribute("title")).toBe(HOSTILE_LABELS.long);
    expect(title.tagName).toBe("BDI");
    expect(title.getAttribute("dir")).toBe("auto");
    expect(title.classList.contains("label")).toBe(true);
    // The rest of the card is still there, and short.
    expect(text(".number")).toBe("01 23 45 67 89");
    expect(card().textContent?.length).toBeLessThan(400);
  });

  test("as secondary text under a contact's name it shows the same", async () => {
    await showPopup([
      sampleCall({ lines: { title: "Alice Martin", titleKind: "name", label: HOSTILE_LABELS.long } }),
    ]);
    const label = card().querySelector<HTMLElement>(".subtitle .label")!;
    expect(label.textContent).toBe(`${"ש".repeat(119)}…`);
    expect(label.title).toBe(HOSTILE_LABELS.long);
    expect(text(".title")).toBe("Alice Martin");
  });

  test("direction overrides and isolates stay inside the label's own bdi", async () => {
    await showPopup([sampleCall({ lines: { title: HOSTILE_LABELS.overrides, queue: "via \u202ESales" } })]);
    const title = titleOf();
    expect(title.tagName).toBe("BDI");
    expect(title.getAttribute("dir")).toBe("auto");
    expect(title.textContent).toBe(HOSTILE_LABELS.overrides);
    expect(title.title).toBe(HOSTILE_LABELS.overrides);
    const queue = card().querySelector<HTMLElement>(".queue")!;
    expect(queue.tagName).toBe("BDI");
    const carriers = textNodesUnder(card()).filter((node) => BIDI_CONTROLS.test(node.data));
    expect(carriers).toHaveLength(2);
    for (const node of carriers) expect([title, queue]).toContain(node.parentElement);
    // The numbers, the state and the buttons hold none of them.
    for (const selector of [".number", ".e164", ".state", ".actions"]) {
      expect(text(selector)).not.toMatch(BIDI_CONTROLS);
    }
    expect(card().querySelector(".number")?.getAttribute("dir")).toBe("ltr");
  });

  test("markup is shown as its characters and creates no element", async () => {
    await showPopup([sampleCall({ lines: { title: HOSTILE_LABELS.markup } })]);
    expectMarkupShownAsText(titleOf(), HOSTILE_LABELS.markup);
  });
});

describe("call progress", () => {
  test("the state line shows what the Rust side sends, and the page runs no timer of its own", async () => {
    await showPopup([sampleCall()]);
    expect(card().classList.contains("ringing")).toBe(true);
    // The new card's one report of its paint, then nothing.
    vi.advanceTimersByTime(50);

    const talking = (state: string) =>
      sampleCall({ state: "talking", answeredAtMs: Date.now(), lines: { state, outcome: "In progress" } });
    await emit("popup-calls-changed", [talking("Talking 00:00")]);
    expect(card().classList.contains("talking")).toBe(true);
    expect(text(".state")).toBe("Talking 00:00");
    expect(vi.getTimerCount()).toBe(0);

    vi.advanceTimersByTime(83_000);
    expect(text(".state")).toBe("Talking 00:00");
    await emit("popup-calls-changed", [talking("Talking 01:23")]);
    expect(text(".state")).toBe("Talking 01:23");
  });
});

test("each new card tells the Rust side once when it was painted, the first ones as cold", async () => {
  const painted: unknown[] = [];
  await showPopup([sampleCall({ id: "a" })], {
    popup_painted: (args: unknown) => {
      painted.push(args);
    },
  });
  vi.advanceTimersByTime(50);
  await emit("popup-calls-changed", [sampleCall({ id: "b" }), sampleCall({ id: "a" })]);
  vi.advanceTimersByTime(50);
  await vi.waitFor(() => expect(painted).toHaveLength(2));
  expect(painted).toMatchObject([
    { callId: "a", painted: "cold" },
    { callId: "b", painted: "warm" },
  ]);
  expect((painted[0] as { paintedAtMs: number }).paintedAtMs).toBeGreaterThan(0);
});

test("a card tells the Rust side once when it shows the name a lookup found", async () => {
  const painted: unknown[] = [];
  await showPopup([sampleCall({ id: "a", name: null })], {
    popup_painted: (args: unknown) => {
      painted.push(args);
    },
  });
  vi.advanceTimersByTime(50);
  await emit("popup-calls-changed", [sampleCall({ id: "a", name: "Caller 01" })]);
  vi.advanceTimersByTime(50);
  await emit("popup-calls-changed", [sampleCall({ id: "a", name: "Caller 01" })]);
  vi.advanceTimersByTime(50);
  // A card that came with its name has nothing more to tell.
  await emit("popup-calls-changed", [
    sampleCall({ id: "b", name: "Known" }),
    sampleCall({ id: "a", name: "Caller 01" }),
  ]);
  vi.advanceTimersByTime(50);
  await vi.waitFor(() => expect(painted).toHaveLength(3));
  expect(painted).toMatchObject([
    { callId: "a", painted: "cold" },
    { callId: "a", painted: "named" },
    { callId: "b", painted: "warm" },
  ]);
});

describe("for a screen reader", () => {
  test("the card is named by the Rust side's summary, kept in step", async () => {
    await showPopup([sampleCall({ lines: { queue: "via Sales" } })]);
    expect(card().getAttribute("aria-label")).toBe(
      "ACME Corp, 01 23 45 67 89, +33123456789, External, via Sales, Incoming call…",
    );
    await emit("popup-calls-changed", [
      sampleCall({ state: "talking", lines: { queue: "via Sales", state: "Talking 01:23" } }),
    ]);
    expect(card().getAttribute("aria-label")).toBe(
      "ACME Corp, 01 23 45 67 89, +33123456789, External, via Sales, Talking 01:23",
    );
  });

  test("an error shown on the state line takes the state's place in the name while it shows", async () => {
    await showPopup([sampleCall()], {
      copy_number: () => {
        throw { code: "internal", message: "" };
      },
    });
    button("copy").click();
    await settle();
    expect(card().getAttribute("aria-label")).toBe(
      "ACME Corp, 01 23 45 67 89, +33123456789, External, Something went wrong inside istra-tray",
    );
    vi.advanceTimersByTime(4000);
    expect(card().getAttribute("aria-label")).toBe(
      "ACME Corp, 01 23 45 67 89, +33123456789, External, Incoming call…",
    );
  });

  test("an error still gets said after a summary that does not end with the state", async () => {
    await showPopup([sampleCall({ lines: { summary: "ACME Corp" } })], {
      copy_number: () => {
        throw { code: "internal", message: "" };
      },
    });
    button("copy").click();
    await settle();
    expect(card().getAttribute("aria-label")).toBe("ACME Corp, Something went wrong inside istra-tray");
  });
});

describe("several calls", () => {
  test("stack newest on top and the page says how many there are", async () => {
    await showPopup([sampleCall({ id: "new" }), sampleCall({ id: "old" })]);
    const ids = [...document.querySelectorAll<HTMLElement>(".call")].map((element) => element.dataset.callId);
    expect(ids).toEqual(["new", "old"]);
    expect(document.body.dataset.callCount).toBe("2");

    await emit("popup-calls-changed", [sampleCall({ id: "newer" }), sampleCall({ id: "new" })]);
    const after = [...document.querySelectorAll<HTMLElement>(".call")].map(
      (element) => element.dataset.callId,
    );
    expect(after).toEqual(["newer", "new"]);
  });

  test("an empty list leaves no card", async () => {
    await showPopup([sampleCall()]);
    await emit("popup-calls-changed", []);
    expect(document.querySelectorAll(".call")).toHaveLength(0);
    expect(document.body.dataset.callCount).toBe("0");
  });

  test("a list sent before the pull answers is not overwritten by the older pull", async () => {
    const pull = deferred<CallView[]>();
    await page.open({ popup_calls: () => pull.promise });
    await emit("popup-calls-changed", [sampleCall({ id: "fresh" })]);
    pull.resolve([sampleCall({ id: "stale" })]);
    await settle();
    expect(document.querySelector(".call")?.getAttribute("data-call-id")).toBe("fresh");
  });
});

describe("the first paint", () => {
  test("shows the calls that came with the page at once, before any IPC answer", async () => {
    window.__ISTRA__ = { locale: "en", popupCalls: [sampleCall({ id: "early" })] };
    const pull = deferred<CallView[]>();
    page.start({ popup_calls: () => pull.promise });
    expect(card("early").querySelector(".title")?.textContent).toBe("ACME Corp");
    expect(document.body.dataset.callCount).toBe("1");

    pull.resolve([sampleCall({ id: "later" })]);
    await settle();
    expect(document.querySelector(".call")?.getAttribute("data-call-id")).toBe("later");
    expect(document.body.dataset.callCount).toBe("1");
  });

  test("an event replaces them too", async () => {
    window.__ISTRA__ = { locale: "en", popupCalls: [sampleCall({ id: "early" })] };
    await page.open({ popup_calls: () => deferred<CallView[]>().promise });
    await emit("popup-calls-changed", []);
    expect(document.querySelectorAll(".call")).toHaveLength(0);
  });

  test("without calls from the Rust side the page waits for the pull", () => {
    (window as { __ISTRA__?: unknown }).__ISTRA__ = { locale: "en", popupCalls: "nope" };
    page.start({ popup_calls: () => deferred<CallView[]>().promise });
    expect(document.querySelectorAll(".call")).toHaveLength(0);
    expect(document.body.dataset.callCount).toBe("0");
  });
});

describe("card buttons", () => {
  test("Copy number copies this call's number and says Copied, also across an update", async () => {
    const backend = await showPopup([sampleCall({ id: "a" }), sampleCall({ id: "b" })], {
      copy_number: () => null,
    });
    button("copy", "b").click();
    await settle();
    expect(backend.argsOf("copy_number")).toEqual([{ callId: "b" }]);
    expect(text("button.copy", "b")).toBe("Copied");
    await emit("popup-calls-changed", [sampleCall({ id: "a" }), sampleCall({ id: "b" })]);
    expect(text("button.copy", "b")).toBe("Copied");
    vi.advanceTimersByTime(2000);
    expect(text("button.copy", "b")).toBe("Copy number");
  });

  test("Dismiss asks to dismiss this call and stays pressed until the card goes", async () => {
    const backend = await showPopup([sampleCall({ id: "a" })], { dismiss_call: () => null });
    button("dismiss", "a").click();
    await settle();
    expect(backend.argsOf("dismiss_call")).toEqual([{ callId: "a" }]);
    expect(button("dismiss", "a").disabled).toBe(true);
  });

  test("a failed dismiss shows why and can be tried again", async () => {
    await showPopup([sampleCall()], {
      dismiss_call: () => {
        throw { code: "internal", message: "" };
      },
    });
    button("dismiss").click();
    await settle();
    expect(text(".state")).toBe("Something went wrong inside istra-tray");
    expect(button("dismiss").disabled).toBe(false);
  });

  test("a failed copy shows why on the card, for 4 seconds", async () => {
    await showPopup([sampleCall()], {
      copy_number: () => {
        throw { code: "no_number", message: "" };
      },
    });
    button("copy").click();
    await settle();
    expect(text(".state")).toBe("No phone number found in the selection");
    expect(card().querySelector(".state")?.classList.contains("error")).toBe(true);
    vi.advanceTimersByTime(4000);
    expect(text(".state")).toBe("Incoming call…");
    expect(card().querySelector(".state")?.classList.contains("error")).toBe(false);
  });

  test("a withheld number cannot be copied", async () => {
    await showPopup([
      sampleCall({
        number: null,
        numberDisplay: null,
        e164: null,
        hasNumber: false,
        lines: { title: "Unknown caller", titleKind: "unknown", number: null, e164: null },
      }),
    ]);
    expect(text(".title")).toBe("Unknown caller");
    expect(button("copy").disabled).toBe(true);
  });
});

describe("Note", () => {
  test("an ended card offers it beside Dismiss, and it opens History on the call's note", async () => {
    const backend = await showPopup([sampleCall({ id: "a", state: "ended" }), sampleCall({ id: "b" })], {
      open_note: () => null,
    });
    expect(button("note", "a").hidden).toBe(false);
    expect(button("note", "a").textContent).toBe("Note");
    expect(button("note", "a").parentElement?.querySelector(".dismiss")).not.toBeNull();
    expect(button("note", "b").hidden).toBe(true);
    button("note", "a").click();
    await settle();
    expect(backend.argsOf("open_note")).toEqual([{ callId: "a" }]);
  });
});

describe("Call back", () => {
  const missed = (overrides: Partial<CallView> = {}) =>
    sampleCall({
      state: "ended",
      missed: true,
      offersCallBack: true,
      lines: { state: "Missed call", outcome: "Missed" },
      ...overrides,
    });

  test("is offered only when the Rust side offers it", async () => {
    await showPopup([missed({ id: "a" }), sampleCall({ id: "b" })]);
    expect(button("call-back", "a").hidden).toBe(false);
    expect(button("call-back", "a").textContent).toBe("Call back");
    expect(button("call-back", "b").hidden).toBe(true);

    await emit("popup-calls-changed", [missed({ id: "a", offersCallBack: false }), missed({ id: "b" })]);
    expect(button("call-back", "a").hidden).toBe(true);
    expect(button("call-back", "b").hidden).toBe(false);
  });

  test("calls this call back, the button disabled while it goes", async () => {
    const placed = deferred<unknown>();
    const backend = await showPopup([missed({ id: "a" }), missed({ id: "b" })], {
      call_back: () => placed.promise,
    });
    button("call-back", "b").click();
    expect(button("call-back", "b").disabled).toBe(true);
    await settle();
    expect(backend.argsOf("call_back")).toEqual([{ callId: "b" }]);
    expect(button("call-back", "a").disabled).toBe(false);

    placed.resolve({ destination: "+33123456789", display: "01 23 45 67 89" });
    await settle();
    expect(button("call-back", "b").disabled).toBe(false);
    expect(text(".state", "b")).toBe("Missed call");
  });

  test("stays disabled while pending across an update", async () => {
    await showPopup([missed()], { call_back: () => deferred<unknown>().promise });
    button("call-back").click();
    await emit("popup-calls-changed", [missed()]);
    expect(button("call-back").disabled).toBe(true);
  });

  test("a call back that fails shows why on the state line", async () => {
    await showPopup([missed()], {
      call_back: () => {
        throw { code: "not_signed_in", message: "" };
      },
    });
    button("call-back").click();
    await settle();
    expect(text(".state")).toBe("You are not signed in");
    expect(button("call-back").disabled).toBe(false);
    vi.advanceTimersByTime(4000);
    expect(text(".state")).toBe("Missed call");
  });
});

describe("a caller from the contacts", () => {
  test("shows the contact's name, then the label and the number", async () => {
    await showPopup([
      sampleCall({ lines: { title: "Alice Martin", titleKind: "name", label: "Reception" } }),
    ]);
    expect(text(".title")).toBe("Alice Martin");
    expect(card().querySelector(".title")?.classList.contains("name")).toBe(true);
    expect(card().querySelector(".title")?.getAttribute("dir")).toBe("auto");
    expect(text(".subtitle .label")).toBe("Reception");
    expect(text(".subtitle .number")).toBe("01 23 45 67 89");
  });

  test("a name with markup is shown as text", async () => {
    await showPopup([sampleCall({ lines: { title: "<img src=x onerror=alert(1)>", titleKind: "name" } })]);
    expect(text(".title")).toBe("<img src=x onerror=alert(1)>");
    expect(document.querySelector("img")).toBeNull();
  });
});

describe("Open in CRM", () => {
  test("is offered only when a screen pop address is configured", async () => {
    await showPopup([sampleCall({ id: "a", screenPop: true }), sampleCall({ id: "b" })]);
    expect(button("screen-pop", "a").hidden).toBe(false);
    expect(button("screen-pop", "a").textContent).toBe("Open in CRM");
    expect(button("screen-pop", "b").hidden).toBe(true);

    await emit("popup-calls-changed", [sampleCall({ id: "a" }), sampleCall({ id: "b", screenPop: true })]);
    expect(button("screen-pop", "a").hidden).toBe(true);
    expect(button("screen-pop", "b").hidden).toBe(false);
  });

  test("opens this call's CRM page", async () => {
    const backend = await showPopup([sampleCall({ id: "a", screenPop: true })], { screen_pop: () => null });
    button("screen-pop", "a").click();
    expect(button("screen-pop", "a").disabled).toBe(true);
    await settle();
    expect(backend.argsOf("screen_pop")).toEqual([{ callId: "a" }]);
    expect(button("screen-pop", "a").disabled).toBe(false);
  });

  test("a page that cannot be opened shows why on the card", async () => {
    await showPopup([sampleCall({ screenPop: true })], {
      screen_pop: () => {
        throw { code: "browser", message: "" };
      },
    });
    button("screen-pop").click();
    await settle();
    expect(text(".state")).toBe("The web browser could not be opened");
    vi.advanceTimersByTime(4000);
    expect(text(".state")).toBe("Incoming call…");
  });
});

describe("the card's layout", () => {
  test("every card is POPUP_CARD_HEIGHT high, a number the CSS takes from the page", async () => {
    await showPopup([sampleCall()]);
    const list = document.querySelector<HTMLElement>(".popup")!;
    expect(list.style.getPropertyValue("--card-height")).toBe(`${POPUP_CARD_HEIGHT}px`);
    expect(popupCss).toMatch(/\.call \{[^}]*\bheight: var\(--card-height\);/);
    expect(popupCss).not.toContain(String(POPUP_CARD_HEIGHT));
  });

  test("the state line is never cut with an ellipsis, whatever rule could match it", async () => {
    await showPopup([sampleCall()], {
      copy_number: () => {
        throw { code: "tls", message: "" };
      },
    });
    const state = card().querySelector<HTMLElement>(".state")!;
    const cutting = `${baseCss}\n${popupCss}`
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .split("}")
      .map((rule) => rule.split("{"))
      .filter((parts) => /text-overflow|nowrap/.test(parts.at(-1) ?? ""))
      .map((parts) => parts.at(-2)?.trim() ?? "");
    expect(cutting).toContain(".title,\n.name,\n.label,\n.number,\n.e164,\n.queue,\n.terminal-name");
    const check = (): void => {
      for (const selector of cutting) expect(state.matches(selector), selector).toBe(false);
    };
    check();
    button("copy").click();
    await settle();
    expect(state.classList.contains("error")).toBe(true);
    check();
  });

  test("loads nothing from the network: no web font, no import, no outside address", () => {
    for (const css of [baseCss, popupCss]) {
      expect(css).not.toMatch(/@font-face|@import|url\(/);
    }
  });
});

describe("in French", () => {
  test("the card's own words are French", async () => {
    setLocale("fr");
    await showPopup([sampleCall({ screenPop: true, offersCallBack: true })]);
    expect(text("button.copy")).toBe("Copier le numéro");
    expect(text("button.dismiss")).toBe("Ignorer");
    expect(text("button.screen-pop")).toBe("Ouvrir dans le CRM");
    expect(text("button.call-back")).toBe("Rappeler");
    expect(document.documentElement.lang).toBe("fr");
  });

  test("errors are French too", async () => {
    setLocale("fr");
    await showPopup([sampleCall({ lines: { state: "Appel manqué" } })], {
      copy_number: () => {
        throw { code: "no_number", message: "" };
      },
    });
    expect(text(".state")).toBe("Appel manqué");
    button("copy").click();
    await settle();
    expect(text(".state")).toBe("Aucun numéro de téléphone trouvé dans la sélection");
  });
});
