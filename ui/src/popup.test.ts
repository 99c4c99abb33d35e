import { emit } from "@tauri-apps/api/event";
import { describe, expect, test, vi } from "vitest";
import type { CallView } from "./bindings";
import { setLocale } from "./i18n";
import { mount } from "./popup";
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

const page = usePage(mount, { fakeTime: true });

const showPopup = (calls: CallView[], handlers: Handlers = {}) =>
  page.open({ popup_calls: () => calls, ...handlers });

const card = (id = "call-1"): HTMLElement => {
  const found = document.querySelector<HTMLElement>(`.call[data-call-id="${id}"]`);
  if (found === null) throw new Error(`no card for ${id}`);
  return found;
};
const text = (selector: string, id?: string): string | null =>
  card(id).querySelector(selector)?.textContent ?? null;

describe("an incoming call card", () => {
  test("shows the caller's label big, then the number and its international form", async () => {
    await showPopup([sampleCall({ acd: "Sales" })]);
    expect(text(".title")).toBe("ACME Corp");
    expect(card().querySelector(".title")?.classList.contains("label")).toBe(true);
    expect(text(".number")).toBe("01 23 45 67 89");
    expect(text(".e164")).toBe("+33123456789");
    expect(text(".call-type")).toBe("External");
    expect(text(".acd")).toBe("via Sales");
    expect(text(".state")).toBe("Incoming call…");
  });

  test("without a label shows the number as the title and does not repeat it", async () => {
    await showPopup([sampleCall({ label: null, numberDisplay: "+33 1 23 45 67 89", callType: "internal" })]);
    expect(text(".title")).toBe("+33 1 23 45 67 89");
    expect(card().querySelector(".label")).toBeNull();
    expect(card().querySelectorAll(".number")).toHaveLength(1);
    expect(card().querySelector(".e164")).toBeNull();
    expect(text(".call-type")).toBe("Internal");
  });

  test("a label containing markup is shown as those characters", async () => {
    const label = "<img src=x onerror=alert(1)>";
    await showPopup([sampleCall({ label, acd: "<b>Sales</b>" })]);
    expect(text(".label")).toBe(label);
    expect(text(".acd")).toBe("via <b>Sales</b>");
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector(".acd b")).toBeNull();
  });

  test("an outgoing call that rings says Calling…", async () => {
    await showPopup([sampleCall({ direction: "outgoing" })]);
    expect(text(".state")).toBe("Calling…");
    expect(card().classList.contains("outgoing")).toBe(true);
  });
});

describe("a hostile caller label", () => {
  const titleOf = (): HTMLElement => card().querySelector<HTMLElement>(".title")!;

  test("10,000 characters are cut to 120 with …, the title holding them all", async () => {
    await showPopup([sampleCall({ label: HOSTILE_LABELS.long })]);
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

  test("as secondary text under a contact's name it is cut too", async () => {
    await showPopup([sampleCall({ name: "Alice Martin", label: HOSTILE_LABELS.long })]);
    const label = card().querySelector<HTMLElement>(".subtitle .label")!;
    expect(label.textContent).toBe(`${"ש".repeat(119)}…`);
    expect(label.title).toBe(HOSTILE_LABELS.long);
    expect(text(".title")).toBe("Alice Martin");
  });

  test("direction overrides and isolates stay inside the label's own bdi", async () => {
    await showPopup([sampleCall({ label: HOSTILE_LABELS.overrides, acd: "\u202ESales" })]);
    const title = titleOf();
    expect(title.tagName).toBe("BDI");
    expect(title.getAttribute("dir")).toBe("auto");
    expect(title.textContent).toBe(HOSTILE_LABELS.overrides);
    expect(title.title).toBe(HOSTILE_LABELS.overrides);
    const acd = card().querySelector<HTMLElement>(".acd")!;
    expect(acd.tagName).toBe("BDI");
    const carriers = textNodesUnder(card()).filter((node) => BIDI_CONTROLS.test(node.data));
    expect(carriers).toHaveLength(2);
    for (const node of carriers) expect([title, acd]).toContain(node.parentElement);
    // The number, the state and the buttons hold none of them.
    for (const selector of [".number", ".e164", ".state", ".actions"]) {
      expect(text(selector)).not.toMatch(BIDI_CONTROLS);
    }
    expect(card().querySelector(".number")?.getAttribute("dir")).toBe("ltr");
  });

  test("markup is shown as its characters and creates no element", async () => {
    await showPopup([sampleCall({ label: HOSTILE_LABELS.markup })]);
    expectMarkupShownAsText(titleOf(), HOSTILE_LABELS.markup);
  });
});

describe("call progress", () => {
  test("once answered the card shows a talking timer that runs every second", async () => {
    await showPopup([sampleCall()]);
    expect(card().classList.contains("ringing")).toBe(true);

    await emit("popup-calls-changed", [sampleCall({ state: "talking", answeredAtMs: Date.now() })]);
    expect(card().classList.contains("talking")).toBe(true);
    expect(text(".state")).toBe("Talking 00:00");

    vi.advanceTimersByTime(83_000);
    expect(text(".state")).toBe("Talking 01:23");
  });

  test("a held call says On hold", async () => {
    await showPopup([sampleCall({ state: "held", answeredAtMs: Date.now() })]);
    expect(text(".state")).toBe("On hold");
  });

  test("an unanswered incoming call ends as Missed call", async () => {
    await showPopup([sampleCall({ state: "ended", missed: true, endedAtMs: Date.now() })]);
    expect(text(".state")).toBe("Missed call");
    expect(card().classList.contains("missed")).toBe(true);
  });

  test("an answered call ends showing how long it lasted", async () => {
    await showPopup([sampleCall({ state: "ended", talkMs: 125_000 })]);
    expect(text(".state")).toBe("Ended · 02:05");
  });
});

describe("for a screen reader", () => {
  test("the card is named by all its lines, the live state included", async () => {
    await showPopup([sampleCall({ acd: "Sales" })]);
    expect(card().getAttribute("aria-label")).toBe(
      "ACME Corp, 01 23 45 67 89, +33123456789, External, via Sales, Incoming call…",
    );
    await emit("popup-calls-changed", [
      sampleCall({ acd: "Sales", state: "talking", answeredAtMs: Date.now() }),
    ]);
    vi.advanceTimersByTime(83_000);
    expect(card().getAttribute("aria-label")).toBe(
      "ACME Corp, 01 23 45 67 89, +33123456789, External, via Sales, Talking 01:23",
    );
  });

  test("a huge label is cut there too", async () => {
    await showPopup([sampleCall({ label: "x".repeat(10_000) })]);
    expect(card().getAttribute("aria-label")?.length).toBeLessThan(300);
  });
});

describe("several calls", () => {
  test("stack newest on top and the page says how many there are", async () => {
    await showPopup([sampleCall({ id: "new", label: "Newest" }), sampleCall({ id: "old", label: "Oldest" })]);
    const ids = [...document.querySelectorAll<HTMLElement>(".call")].map((element) => element.dataset.callId);
    expect(ids).toEqual(["new", "old"]);
    expect(document.body.dataset.callCount).toBe("2");

    await emit("popup-calls-changed", [
      sampleCall({ id: "newer", label: "Newer" }),
      sampleCall({ id: "new", label: "Newest" }),
    ]);
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

describe("card buttons", () => {
  test("Copy number copies this call's number and says Copied", async () => {
    const backend = await showPopup([sampleCall({ id: "a" }), sampleCall({ id: "b" })], {
      copy_number: () => null,
    });
    card("b").querySelector<HTMLButtonElement>("button.copy")?.click();
    await settle();
    expect(backend.argsOf("copy_number")).toEqual([{ callId: "b" }]);
    expect(text("button.copy", "b")).toBe("Copied");
    vi.advanceTimersByTime(2000);
    expect(text("button.copy", "b")).toBe("Copy number");
  });

  test("Dismiss asks to dismiss this call", async () => {
    const backend = await showPopup([sampleCall({ id: "a" })], { dismiss_call: () => null });
    card("a").querySelector<HTMLButtonElement>("button.dismiss")?.click();
    await settle();
    expect(backend.argsOf("dismiss_call")).toEqual([{ callId: "a" }]);
  });

  test("a failed copy shows why on the card", async () => {
    await showPopup([sampleCall()], {
      copy_number: () => {
        throw { code: "no_number", message: "" };
      },
    });
    card().querySelector<HTMLButtonElement>("button.copy")?.click();
    await settle();
    expect(text(".state")).toBe("There is no number to use");
    vi.advanceTimersByTime(4000);
    expect(text(".state")).toBe("Incoming call…");
  });

  test("a withheld number cannot be copied", async () => {
    await showPopup([sampleCall({ label: null, number: null, numberDisplay: null, e164: null })]);
    expect(text(".title")).toBe("Unknown number");
    expect(card().querySelector<HTMLButtonElement>("button.copy")?.disabled).toBe(true);
  });
});

describe("a caller from the contacts", () => {
  test("shows the contact's name before the label and the number", async () => {
    await showPopup([sampleCall({ name: "Alice Martin", label: "Reception" })]);
    expect(text(".title")).toBe("Alice Martin");
    expect(card().querySelector(".title")?.classList.contains("name")).toBe(true);
    expect(card().querySelector(".title")?.getAttribute("dir")).toBe("auto");
    expect(text(".subtitle .label")).toBe("Reception");
    expect(text(".subtitle .number")).toBe("01 23 45 67 89");
  });

  test("a label that is only the number is not shown again", async () => {
    await showPopup([sampleCall({ name: "Alice Martin", label: "0123456789" })]);
    expect(text(".title")).toBe("Alice Martin");
    expect(card().querySelector(".label")).toBeNull();
  });

  test("a name with markup is shown as text", async () => {
    await showPopup([sampleCall({ name: "<img src=x onerror=alert(1)>" })]);
    expect(text(".title")).toBe("<img src=x onerror=alert(1)>");
    expect(document.querySelector("img")).toBeNull();
  });
});

describe("Open in CRM", () => {
  const crmButton = (id?: string): HTMLButtonElement =>
    card(id).querySelector<HTMLButtonElement>("button.screen-pop")!;

  test("is offered only when a screen pop address is configured", async () => {
    await showPopup([sampleCall({ id: "a", screenPop: true }), sampleCall({ id: "b" })]);
    expect(crmButton("a").hidden).toBe(false);
    expect(crmButton("a").textContent).toBe("Open in CRM");
    expect(crmButton("b").hidden).toBe(true);

    await emit("popup-calls-changed", [sampleCall({ id: "a" }), sampleCall({ id: "b", screenPop: true })]);
    expect(crmButton("a").hidden).toBe(true);
    expect(crmButton("b").hidden).toBe(false);
  });

  test("opens this call's CRM page", async () => {
    const backend = await showPopup([sampleCall({ id: "a", screenPop: true })], { screen_pop: () => null });
    crmButton("a").click();
    expect(crmButton("a").disabled).toBe(true);
    await settle();
    expect(backend.argsOf("screen_pop")).toEqual([{ callId: "a" }]);
    expect(crmButton("a").disabled).toBe(false);
  });

  test("a page that cannot be opened shows why on the card", async () => {
    await showPopup([sampleCall({ screenPop: true })], {
      screen_pop: () => {
        throw { code: "browser", message: "" };
      },
    });
    crmButton().click();
    await settle();
    expect(text(".state")).toBe("The web browser could not be opened");
    vi.advanceTimersByTime(4000);
    expect(text(".state")).toBe("Incoming call…");
  });
});

describe("in French", () => {
  test("the card speaks French", async () => {
    setLocale("fr");
    await showPopup([sampleCall({ acd: "Ventes", screenPop: true })]);
    expect(text(".state")).toBe("Appel entrant…");
    expect(text(".call-type")).toBe("Externe");
    expect(text(".acd")).toBe("via Ventes");
    expect(text("button.copy")).toBe("Copier le numéro");
    expect(text("button.dismiss")).toBe("Ignorer");
    expect(text("button.screen-pop")).toBe("Ouvrir dans le CRM");
    expect(document.documentElement.lang).toBe("fr");
  });

  test("states and errors are French too", async () => {
    setLocale("fr");
    await showPopup([sampleCall({ state: "ended", missed: true, callType: "internal" })], {
      copy_number: () => {
        throw { code: "no_number", message: "" };
      },
    });
    expect(text(".state")).toBe("Appel manqué");
    expect(text(".call-type")).toBe("Interne");
    card().querySelector<HTMLButtonElement>("button.copy")?.click();
    await settle();
    expect(text(".state")).toBe("Il n'y a aucun numéro à utiliser");
  });
});
