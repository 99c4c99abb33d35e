import { emit } from "@tauri-apps/api/event";
import { describe, expect, test, vi } from "vitest";
import type { CallView, HistoryPage } from "../bindings";
import { setLocale } from "../i18n";
import {
  BIDI_CONTROLS,
  deferred,
  sampleSettings,
  HOSTILE_LABELS,
  sampleCall,
  settle,
  textNodesUnder,
  usePage,
  type Handlers,
  expectMarkupShownAsText,
} from "../testing";
import { fitToolbar, mount, noteAsked, outcomeChoices, SEARCH_DELAY_MS, spills, type ToolbarFit } from "./history";

const page = usePage(mount, { fakeTime: true });

const MINUTE = 60_000;

/**
 * A fake journal over `calls` (given newest first): filters and searches them as the Rust
 * side does and hands them out `pageSize` at a time, the cursor being the next index.
 */
function journal(calls: CallView[], pageSize = 2) {
  return (args: Record<string, unknown>): HistoryPage => {
    const search = typeof args.search === "string" ? args.search.toLowerCase() : null;
    const matching = calls.filter((call) => {
      const kept =
        args.filter === "missed"
          ? call.missed
          : args.filter === "incoming" || args.filter === "outgoing"
            ? call.direction === args.filter
            : true;
      const text = [call.label, call.number, call.numberDisplay].join(" ").toLowerCase();
      return kept && (search === null || text.includes(search));
    });
    const start = typeof args.cursor === "string" ? Number(args.cursor) : 0;
    const end = start + pageSize;
    return { calls: matching.slice(start, end), nextCursor: end < matching.length ? String(end) : null };
  };
}

/** Five ended calls, newest first: ids c1 (1 min ago) … c5 (5 min ago); c2 and c4 missed. */
function fiveCalls(): CallView[] {
  const now = Date.now();
  return [1, 2, 3, 4, 5].map((n) =>
    sampleCall({
      id: `c${n}`,
      label: n % 2 === 0 ? "Bob Martin" : "ACME Corp",
      direction: n === 5 ? "outgoing" : "incoming",
      state: "ended",
      missed: n === 2 || n === 4,
      talkMs: n === 2 || n === 4 ? null : 60_000,
      startedAtMs: now - n * MINUTE,
      lines: { outcome: n === 2 || n === 4 ? "Missed" : "01:00" },
    }),
  );
}

const open = (calls: CallView[], handlers: Handlers = {}, pageSize = 2) =>
  page.open({ history_page: journal(calls, pageSize), ...handlers });

const rows = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(".history-call")];
const ids = (): Array<string | undefined> => rows().map((row) => row.dataset.callId);
const noticeText = (): string | null => {
  const element = document.querySelector<HTMLElement>(".history-notice");
  return element === null || element.hidden ? null : element.textContent;
};
const button = (selector: string): HTMLButtonElement => {
  const found = document.querySelector<HTMLButtonElement>(selector);
  if (found === null) throw new Error(`no ${selector}`);
  return found;
};
const loadMore = (): HTMLButtonElement => button("button.load-more");
const emptyText = (): string | null => {
  const element = document.querySelector<HTMLElement>(".empty");
  return element === null || element.hidden ? null : element.textContent;
};

async function type(text: string): Promise<void> {
  const input = document.querySelector<HTMLInputElement>(".history-search")!;
  input.value = text;
  input.dispatchEvent(new Event("input"));
  vi.advanceTimersByTime(SEARCH_DELAY_MS);
  await settle();
}

async function click(selector: string): Promise<void> {
  button(selector).click();
  await settle();
}

test("the first page lists calls newest first with who, when and how they went", async () => {
  const now = Date.now();
  const backend = await open([
    sampleCall({
      id: "b",
      state: "ended",
      missed: true,
      startedAtMs: now - 5 * MINUTE,
      lines: { outcome: "Missed" },
    }),
    sampleCall({
      id: "a",
      label: null,
      direction: "outgoing",
      state: "ended",
      talkMs: 125_000,
      startedAtMs: now - 2 * 3_600_000,
      lines: { title: "01 23 45 67 89", titleKind: "number", number: null, e164: null, outcome: "02:05" },
    }),
  ]);
  expect(backend.argsOf("history_page")).toEqual([{ filter: "all", search: null, cursor: null }]);
  const [missed, talked] = rows();
  expect(missed?.dataset.callId).toBe("b");
  expect(missed?.querySelector(".title")?.textContent).toBe("ACME Corp");
  expect(missed?.querySelector(".number")?.textContent).toBe("01 23 45 67 89");
  expect(missed?.querySelector(".e164")?.textContent).toBe("+33123456789");
  expect(missed?.querySelector(".when")?.textContent).toBe("5 min ago");
  expect(missed?.querySelector(".outcome")?.textContent).toBe("Missed");
  expect(missed?.classList.contains("missed")).toBe(true);
  expect(missed?.querySelector(".direction")?.getAttribute("aria-label")).toBe("Incoming");

  expect(talked?.querySelector(".title")?.textContent).toBe("01 23 45 67 89");
  expect(talked?.querySelector(".title")?.getAttribute("dir")).toBe("ltr");
  expect(talked?.querySelector(".subtitle")?.childElementCount).toBe(0);
  expect(talked?.querySelector(".outcome")?.textContent).toBe("02:05");
  expect(talked?.querySelector(".direction")?.getAttribute("aria-label")).toBe("Outgoing");
  expect(loadMore().hidden).toBe(true);
  expect(emptyText()).toBeNull();
});

test("times move on while the list is open", async () => {
  await open([sampleCall({ state: "ended", startedAtMs: Date.now() })]);
  expect(document.querySelector(".when")?.textContent).toBe("just now");
  vi.advanceTimersByTime(2 * MINUTE);
  expect(document.querySelector(".when")?.textContent).toBe("2 min ago");
});

test("Load more appends the next page with its cursor, and goes once the last page is in", async () => {
  const backend = await open(fiveCalls());
  expect(ids()).toEqual(["c1", "c2"]);
  expect(loadMore().hidden).toBe(false);

  await click("button.load-more");
  expect(ids()).toEqual(["c1", "c2", "c3", "c4"]);
  await click("button.load-more");
  expect(ids()).toEqual(["c1", "c2", "c3", "c4", "c5"]);
  expect(loadMore().hidden).toBe(true);
  expect(backend.argsOf("history_page").map((args) => args.cursor)).toEqual([null, "2", "4"]);
});

test("scrolling near the bottom loads the next page", async () => {
  const backend = await open(fiveCalls());
  vi.spyOn(document.body, "scrollHeight", "get").mockReturnValue(2000);
  vi.spyOn(document.body, "clientHeight", "get").mockReturnValue(500);

  document.body.scrollTop = 600;
  document.body.dispatchEvent(new Event("scroll"));
  await settle();
  expect(backend.argsOf("history_page")).toHaveLength(1);

  document.body.scrollTop = 1400;
  document.body.dispatchEvent(new Event("scroll"));
  document.body.dispatchEvent(new Event("scroll"));
  await settle();
  expect(backend.argsOf("history_page").map((args) => args.cursor)).toEqual([null, "2"]);
  expect(ids()).toEqual(["c1", "c2", "c3", "c4"]);
});

test("a call that comes again on the next page is listed once", async () => {
  const calls = fiveCalls();
  await open(calls, {
    history_page: (args) =>
      args.cursor === null
        ? { calls: calls.slice(0, 2), nextCursor: "x" }
        : { calls: calls.slice(1, 3), nextCursor: null },
  });
  await click("button.load-more");
  expect(ids()).toEqual(["c1", "c2", "c3"]);
});

test("typing a search queries again from the first page, once the typing pauses", async () => {
  const backend = await open(fiveCalls());
  await click("button.load-more");

  const input = document.querySelector<HTMLInputElement>(".history-search")!;
  input.value = "bo";
  input.dispatchEvent(new Event("input"));
  vi.advanceTimersByTime(SEARCH_DELAY_MS - 50);
  input.value = "bob";
  input.dispatchEvent(new Event("input"));
  vi.advanceTimersByTime(SEARCH_DELAY_MS - 50);
  expect(backend.argsOf("history_page")).toHaveLength(2);

  vi.advanceTimersByTime(50);
  await settle();
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "all", search: "bob", cursor: null });
  expect(backend.argsOf("history_page")).toHaveLength(3);
  expect(ids()).toEqual(["c2", "c4"]);
  expect(loadMore().hidden).toBe(true);
});

test("a search that only adds spaces does not query again; clearing it lists everything", async () => {
  const backend = await open(fiveCalls());
  await type("acme");
  await type("  acme ");
  expect(backend.argsOf("history_page").map((args) => args.search)).toEqual([null, "acme"]);
  await type("");
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "all", search: null, cursor: null });
  expect(ids()).toEqual(["c1", "c2"]);
});

test("Enter runs the search at once", async () => {
  const backend = await open(fiveCalls());
  const input = document.querySelector<HTMLInputElement>(".history-search")!;
  input.value = "bob";
  input.dispatchEvent(new Event("input"));
  input.form?.requestSubmit();
  await settle();
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "all", search: "bob", cursor: null });
  vi.advanceTimersByTime(SEARCH_DELAY_MS);
  await settle();
  expect(backend.argsOf("history_page")).toHaveLength(2);
});

test("switching the filter queries again with it, keeping the search", async () => {
  const backend = await open(fiveCalls());
  await type("o");
  await click('button[data-filter="missed"]');
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "missed", search: "o", cursor: null });
  expect(ids()).toEqual(["c2", "c4"]);
  expect(button('button[data-filter="missed"]').getAttribute("aria-pressed")).toBe("true");
  expect(button('button[data-filter="all"]').getAttribute("aria-pressed")).toBe("false");

  await click('button[data-filter="outgoing"]');
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "outgoing", search: "o", cursor: null });
  expect(ids()).toEqual(["c5"]);
});

test("says when nothing is listed, in the words of the filter or search", async () => {
  await open([]);
  expect(emptyText()).toBe("No calls yet.");
  await click('button[data-filter="missed"]');
  expect(emptyText()).toBe("No missed calls.");
  await type("zzz");
  expect(emptyText()).toBe("No calls match.");
});

test("an answer to an older query is dropped", async () => {
  const slow = deferred<HistoryPage>();
  const calls = fiveCalls();
  const fast = journal(calls, 10);
  await open(calls, {
    history_page: (args) => (args.filter === "all" && args.search === "acme" ? slow.promise : fast(args)),
  });
  await type("acme");
  await click('button[data-filter="missed"]');
  slow.resolve({ calls: [calls[0]!], nextCursor: "9" });
  await settle();
  expect(ids()).toEqual([]);
  expect(emptyText()).toBe("No calls match.");
});

test("a failed query says why, and the next one that works clears it", async () => {
  let broken = true;
  const working = journal(fiveCalls());
  await open([], {
    history_page: (args) => {
      if (broken) throw { code: "journal", message: "the call history is unavailable" };
      return working(args);
    },
  });
  expect(noticeText()).toBe("The call history is not available (the call history is unavailable)");
  expect(emptyText()).toBeNull();

  broken = false;
  await emit("recent-calls-changed", []);
  await settle();
  expect(noticeText()).toBeNull();
  expect(ids()).toEqual(["c1", "c2"]);
});

test("a failed next page keeps the list and lets Load more try again", async () => {
  const working = journal(fiveCalls());
  let broken = false;
  await open([], {
    history_page: (args) => {
      if (broken) throw { code: "network", message: "" };
      return working(args);
    },
  });
  broken = true;
  await click("button.load-more");
  expect(noticeText()).toBe("Cannot reach the server — check the address and your network");
  expect(ids()).toEqual(["c1", "c2"]);
  broken = false;
  await click("button.load-more");
  expect(ids()).toEqual(["c1", "c2", "c3", "c4"]);
  expect(noticeText()).toBeNull();
});

test("Export CSV exports what is listed and says where the file went", async () => {
  const backend = await open(fiveCalls(), {
    export_history: () => "/home/alice/Downloads/istra-tray-calls-1740823200.csv",
  });
  await click('button[data-filter="incoming"]');
  const input = document.querySelector<HTMLInputElement>(".history-search")!;
  input.value = "acme";
  input.dispatchEvent(new Event("input"));
  await click("button.export");
  expect(backend.argsOf("export_history")).toEqual([{ filter: "incoming", search: "acme" }]);
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "incoming", search: "acme", cursor: null });
  expect(noticeText()).toBe("Exported to /home/alice/Downloads/istra-tray-calls-1740823200.csv");
});

test("a failed export says why", async () => {
  await open(fiveCalls(), {
    export_history: () => {
      throw { code: "journal", message: "cannot write the file" };
    },
  });
  await click("button.export");
  expect(noticeText()).toBe("The call history is not available (cannot write the file)");
  expect(button("button.export").disabled).toBe(false);
});

test("Mark all as seen tells the Rust side", async () => {
  const backend = await open(fiveCalls(), { mark_all_seen: () => null });
  await click("button.mark-seen");
  expect(backend.argsOf("mark_all_seen")).toEqual([{}]);
  expect(noticeText()).toBe("Missed calls marked as seen");
});

test("calls changing at the top of the list reload its first page", async () => {
  const calls = fiveCalls();
  const backend = await open(calls, {
    history_page: (args) => journal(calls)(args),
  });
  await click("button.load-more");
  await click('button[data-filter="missed"]');
  calls.unshift(sampleCall({ id: "c0", state: "ended", missed: true }));
  await emit("recent-calls-changed", [calls[0]]);
  await settle();
  expect(backend.argsOf("history_page").at(-1)).toEqual({ filter: "missed", search: null, cursor: null });
  expect(ids()).toEqual(["c0", "c2"]);
});

test("calls changing further down offer to show them instead of moving the list", async () => {
  const calls = fiveCalls();
  const backend = await open(calls, { history_page: (args) => journal(calls)(args) });
  await click("button.load-more");
  document.body.scrollTop = 400;
  calls.unshift(sampleCall({ id: "c0", state: "ended" }));
  await emit("recent-calls-changed", [calls[0]]);
  await settle();
  expect(backend.argsOf("history_page")).toHaveLength(2);
  expect(ids()).toEqual(["c1", "c2", "c3", "c4"]);
  expect(button("button.new-calls").hidden).toBe(false);

  await click("button.new-calls");
  expect(document.body.scrollTop).toBe(0);
  expect(ids()).toEqual(["c0", "c1"]);
  expect(button("button.new-calls").hidden).toBe(true);
});

test("scrolling back to the top shows the new calls", async () => {
  const calls = fiveCalls();
  await open(calls, { history_page: (args) => journal(calls)(args) });
  document.body.scrollTop = 400;
  calls.unshift(sampleCall({ id: "c0", state: "ended" }));
  await emit("recent-calls-changed", [calls[0]]);
  document.body.scrollTop = 0;
  document.body.dispatchEvent(new Event("scroll"));
  await settle();
  expect(ids()).toEqual(["c0", "c1"]);
  expect(button("button.new-calls").hidden).toBe(true);
});

test("Call back dials that call and says what is being called", async () => {
  const backend = await open([sampleCall({ id: "a" }), sampleCall({ id: "b" })], {
    call_back: () => ({ destination: "0123456789", display: "01 23 45 67 89" }),
  });
  rows()[1]?.querySelector<HTMLButtonElement>("button.call-back")?.click();
  await settle();
  expect(backend.argsOf("call_back")).toEqual([{ callId: "b" }]);
  expect(noticeText()).toBe("Calling 01 23 45 67 89");
});

test("a failed call back says why", async () => {
  await open([sampleCall()], {
    call_back: () => {
      throw { code: "not_signed_in", message: "" };
    },
  });
  rows()[0]?.querySelector<HTMLButtonElement>("button.call-back")?.click();
  await settle();
  expect(noticeText()).toBe("You are not signed in");
});

test("Copy copies that call's number", async () => {
  const backend = await open([sampleCall({ id: "a" })], { copy_number: () => null });
  rows()[0]?.querySelector<HTMLButtonElement>("button.copy")?.click();
  await settle();
  expect(backend.argsOf("copy_number")).toEqual([{ callId: "a" }]);
  expect(noticeText()).toBe("Number copied");
});

test("a label with markup is shown as text", async () => {
  await open([
    sampleCall({ lines: { title: "Alice", titleKind: "name", label: "<img src=x onerror=alert(1)>" } }),
  ]);
  expect(document.querySelector(".label")?.textContent).toBe("<img src=x onerror=alert(1)>");
  expect(document.querySelector("img")).toBeNull();
});

describe("a hostile caller label", () => {
  const firstRow = (): HTMLElement => rows()[0]!;
  const titleOf = (): HTMLElement => firstRow().querySelector<HTMLElement>(".title")!;

  test("cut to 120 characters, it shows whole, its title holding it too", async () => {
    await open([
      sampleCall({ state: "ended", talkMs: 60_000, lines: { title: HOSTILE_LABELS.long, outcome: "01:00" } }),
    ]);
    const title = titleOf();
    expect(title.textContent).toBe(`${"ש".repeat(119)}…`);
    expect(title.getAttribute("title")).toBe(HOSTILE_LABELS.long);
    expect(title.tagName).toBe("BDI");
    expect(title.getAttribute("dir")).toBe("auto");
    // The rest of the row is still there, and short.
    expect(firstRow().querySelector(".number")?.textContent).toBe("01 23 45 67 89");
    expect(firstRow().querySelector(".outcome")?.textContent).toBe("01:00");
    expect(firstRow().textContent?.length).toBeLessThan(400);
  });

  test("as secondary text under a contact's name it shows the same", async () => {
    await open([
      sampleCall({ lines: { title: "Alice Martin", titleKind: "name", label: HOSTILE_LABELS.long } }),
    ]);
    const label = firstRow().querySelector<HTMLElement>(".who .label")!;
    expect(label.textContent).toBe(`${"ש".repeat(119)}…`);
    expect(label.title).toBe(HOSTILE_LABELS.long);
    expect(titleOf().textContent).toBe("Alice Martin");
  });

  test("direction overrides and isolates stay inside the label's own bdi", async () => {
    await open([
      sampleCall({
        state: "ended",
        talkMs: 60_000,
        lines: { title: HOSTILE_LABELS.overrides, outcome: "01:00" },
      }),
    ]);
    const title = titleOf();
    expect(title.tagName).toBe("BDI");
    expect(title.getAttribute("dir")).toBe("auto");
    expect(title.textContent).toBe(HOSTILE_LABELS.overrides);
    expect(title.title).toBe(HOSTILE_LABELS.overrides);
    const carriers = textNodesUnder(firstRow()).filter((node) => BIDI_CONTROLS.test(node.data));
    expect(carriers.map((node) => node.parentElement)).toEqual([title]);
    // The numbers, the time, the outcome and the buttons hold none of them.
    for (const selector of [".number", ".e164", ".when", ".outcome", ".row-actions"]) {
      expect(firstRow().querySelector(selector)?.textContent).not.toMatch(BIDI_CONTROLS);
    }
    expect(firstRow().querySelector(".number")?.getAttribute("dir")).toBe("ltr");
  });

  test("markup is shown as its characters and creates no element", async () => {
    await open([sampleCall({ lines: { title: HOSTILE_LABELS.markup } })]);
    expectMarkupShownAsText(titleOf(), HOSTILE_LABELS.markup);
  });
});

test("a call without a number can be neither called back nor copied", async () => {
  await open([
    sampleCall({
      label: null,
      number: null,
      numberDisplay: null,
      e164: null,
      hasNumber: false,
      lines: { title: "Unknown caller", titleKind: "unknown", number: null, e164: null },
    }),
  ]);
  expect(document.querySelector(".title")?.textContent).toBe("Unknown caller");
  expect(document.querySelector<HTMLButtonElement>("button.call-back")?.disabled).toBe(true);
  expect(document.querySelector<HTMLButtonElement>("button.copy")?.disabled).toBe(true);
});

test("a call with a number can be called back and copied", async () => {
  await open([sampleCall()]);
  expect(document.querySelector<HTMLButtonElement>("button.call-back")?.disabled).toBe(false);
  expect(document.querySelector<HTMLButtonElement>("button.copy")?.disabled).toBe(false);
});

test("after unmounting, nothing more is queried", async () => {
  const backend = await open(fiveCalls());
  const input = document.querySelector<HTMLInputElement>(".history-search")!;
  input.value = "bob";
  input.dispatchEvent(new Event("input"));
  page.unmount();
  vi.advanceTimersByTime(SEARCH_DELAY_MS);
  await emit("recent-calls-changed", []);
  await settle();
  expect(backend.argsOf("history_page")).toHaveLength(1);
  expect(document.querySelector(".history-toolbar")).toBeNull();
});

test("a caller from the contacts is listed by name, then label and number", async () => {
  await open([
    sampleCall({ lines: { title: "Alice Martin", titleKind: "name", label: "Reception" } }),
    sampleCall({ id: "b", lines: { title: "Bob", titleKind: "name", label: "ACME Corp" } }),
  ]);
  const [first, second] = rows();
  expect(first?.querySelector(".title")?.textContent).toBe("Alice Martin");
  expect(first?.querySelector(".title")?.classList.contains("name")).toBe(true);
  expect(first?.querySelector(".who .label")?.textContent).toBe("Reception");
  expect(first?.querySelector(".who .number")?.textContent).toBe("01 23 45 67 89");
  expect(second?.querySelector(".title")?.textContent).toBe("Bob");
  expect(second?.querySelector(".who .label")?.textContent).toBe("ACME Corp");
});

test("the full date and time of a call is written in the language in use", async () => {
  setLocale("fr");
  await open([sampleCall({ state: "ended", startedAtMs: Date.UTC(2025, 2, 1, 10) })]);
  expect(document.querySelector(".when")?.getAttribute("title")).toMatch(/^1 mars 2025/);
});

test("in French, the History tab speaks French", async () => {
  setLocale("fr");
  const backend = await open(fiveCalls(), {
    call_back: () => ({ destination: "0123456789", display: "01 23 45 67 89" }),
  });
  const search = document.querySelector<HTMLInputElement>(".history-search")!;
  expect(search.placeholder).toBe("Numéro ou nom");
  expect(search.getAttribute("aria-label")).toBe("Rechercher dans les appels");
  expect([...document.querySelectorAll(".filter")].map((filter) => filter.textContent)).toEqual([
    "Tous",
    "Manqués",
    "Entrants",
    "Sortants",
  ]);
  expect(button("button.mark-seen").textContent).toBe("Tout marquer comme vu");
  expect(button("button.export").textContent).toBe("Exporter en CSV");
  expect(loadMore().textContent).toBe("Afficher plus");
  const [first, second] = rows();
  expect(first?.querySelector(".when")?.textContent).toBe("il y a 1 min");
  expect(second?.querySelector(".when")?.textContent).toBe("il y a 2 min");
  expect(first?.querySelector(".direction")?.getAttribute("aria-label")).toBe("Entrant");
  expect(first?.querySelector(".call-back")?.textContent).toBe("Rappeler");
  expect(first?.querySelector(".copy")?.textContent).toBe("Copier");

  await click("button.call-back");
  expect(backend.argsOf("call_back")).toHaveLength(1);
  expect(noticeText()).toBe("Appel vers 01 23 45 67 89");

  await click('button[data-filter="missed"]');
  await type("zzz");
  expect(emptyText()).toBe("Aucun appel ne correspond.");
});

test("in French, an empty history says so in French", async () => {
  setLocale("fr");
  await open([]);
  expect(emptyText()).toBe("Aucun appel pour l'instant.");
});

test("calls are grouped under a heading per day: Today, Yesterday, then the date", async () => {
  const now = Date.now();
  const DAY = 24 * 3_600_000;
  await open(
    [
      sampleCall({ id: "t", startedAtMs: now - MINUTE }),
      sampleCall({ id: "t2", startedAtMs: now - 2 * MINUTE }),
      sampleCall({ id: "y", startedAtMs: now - DAY }),
      sampleCall({ id: "o", startedAtMs: now - 4 * DAY }),
    ],
    {},
    10,
  );
  const list = [...document.querySelectorAll<HTMLElement>(".history-list > li")].map((item) =>
    item.classList.contains("history-day") ? `# ${item.textContent}` : item.dataset.callId,
  );
  expect(list).toEqual(["# Today", "t", "t2", "# Yesterday", "y", "# Tuesday, February 25", "o"]);
  expect(document.querySelector(".history-day")?.getAttribute("role")).toBe("heading");
});

test("day headings speak French", async () => {
  setLocale("fr");
  const now = Date.now();
  await open(
    [
      sampleCall({ id: "y", startedAtMs: now - 24 * 3_600_000 }),
      sampleCall({ id: "o", startedAtMs: now - 4 * 24 * 3_600_000 }),
    ],
    {},
    10,
  );
  const days = [...document.querySelectorAll(".history-day")].map((day) => day.textContent);
  expect(days).toEqual(["Hier", "Mardi 25 février"]);
});

describe("a call's detail", () => {
  const answered = (): CallView =>
    sampleCall({
      id: "d1",
      state: "ended",
      startedAtMs: Date.UTC(2026, 2, 1, 10, 0, 0),
      answeredAtMs: Date.UTC(2026, 2, 1, 10, 0, 12),
      endedAtMs: Date.UTC(2026, 2, 1, 10, 1, 17),
      ringMs: 12_000,
      talkMs: 65_000,
      lines: { queue: "via Support", rang: "00:12", talked: "01:05", state: "Ended · 01:05", outcome: "01:05" },
    });
  const detailOf = (row: HTMLElement): Array<[string, string]> =>
    [...row.querySelectorAll(".call-detail dt")].map((dt) => [
      dt.textContent ?? "",
      dt.nextElementSibling?.textContent ?? "",
    ]);

  test("Details unfolds every time, duration, type and queue under the row, and folds them again", async () => {
    await open([answered()]);
    const row = rows()[0]!;
    const button = row.querySelector<HTMLButtonElement>(".row-actions button.details")!;
    const detail = row.querySelector<HTMLElement>(".call-detail")!;
    expect(detail.hidden).toBe(true);
    expect(button.getAttribute("aria-controls")).toBe(detail.id);
    button.click();
    expect(detail.hidden).toBe(false);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(detailOf(row)).toEqual([
      ["Number", "01 23 45 67 89"],
      ["International", "+33123456789"],
      ["Type", "External"],
      ["Queue", "via Support"],
      ["Started", "Mar 1, 2026, 10:00 AM"],
      ["Answered", "Mar 1, 2026, 10:00 AM"],
      ["Ended", "Mar 1, 2026, 10:01 AM"],
      ["Rang for", "00:12"],
      ["Talked for", "01:05"],
      ["How it went", "Ended · 01:05"],
    ]);
    button.click();
    expect(detail.hidden).toBe(true);
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  test("says only what the call has", async () => {
    await open([
      sampleCall({ id: "m", missed: true, state: "ended", lines: { e164: null, callType: null, state: "Missed call" } }),
    ]);
    const row = rows()[0]!;
    row.querySelector<HTMLButtonElement>(".row-actions button.details")!.click();
    expect(detailOf(row).map(([caption]) => caption)).toEqual(["Number", "Started", "How it went"]);
  });

  test("a queue name with markup is shown as text", async () => {
    await open([sampleCall({ lines: { queue: "via <img src=x onerror=alert(1)>" } })]);
    const row = rows()[0]!;
    row.querySelector<HTMLButtonElement>(".row-actions button.details")!.click();
    expect(row.querySelector(".call-detail img")).toBeNull();
    expect(detailOf(row)).toContainEqual(["Queue", "via <img src=x onerror=alert(1)>"]);
  });

  test("speaks French", async () => {
    setLocale("fr");
    await open([answered()]);
    const row = rows()[0]!;
    row.querySelector<HTMLButtonElement>(".row-actions button.details")!.click();
    expect(detailOf(row).map(([caption]) => caption)).toEqual([
      "Numéro",
      "International",
      "Type",
      "File d'attente",
      "Début",
      "Décroché",
      "Fin",
      "A sonné",
      "Conversation",
      "Issue",
    ]);
  });
});

describe("the narrow window's menus", () => {
  const menuOf = (row: HTMLElement): HTMLDetailsElement => row.querySelector<HTMLDetailsElement>(".row-menu")!;

  test("a row's menu holds its actions, named after the call, and does what the buttons do", async () => {
    const backend = await open([sampleCall({ id: "a", lines: { title: "ACME Corp" } })], {
      call_back: () => ({ destination: "0123456789", display: "01 23 45 67 89" }),
    });
    const menu = menuOf(rows()[0]!);
    expect(menu.querySelector("summary")?.getAttribute("aria-label")).toBe("More for ACME Corp");
    const items = [...menu.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
    expect(items.map((item) => item.textContent)).toEqual(["Call back", "Copy", "Details", "Note"]);
    menu.open = true;
    items[0]!.click();
    await settle();
    expect(menu.open).toBe(false);
    expect(backend.argsOf("call_back")).toEqual([{ callId: "a" }]);
    expect(noticeText()).toBe("Calling 01 23 45 67 89");
    items[2]!.click();
    expect(rows()[0]!.querySelector<HTMLElement>(".call-detail")!.hidden).toBe(false);
    expect(rows()[0]!.querySelector(".row-actions button.details")?.getAttribute("aria-expanded")).toBe("true");
  });

  test("a call without a number has its menu's Call back and Copy disabled too", async () => {
    await open([sampleCall({ hasNumber: false })]);
    const items = [...menuOf(rows()[0]!).querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
    expect(items.map((item) => item.disabled)).toEqual([true, true, false, false]);
  });

  test("Escape or a press elsewhere closes a menu", async () => {
    await open([sampleCall()]);
    const menu = menuOf(rows()[0]!);
    menu.open = true;
    menu.dispatchEvent(new Event("toggle"));
    menu.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(menu.open).toBe(false);
    menu.open = true;
    menu.dispatchEvent(new Event("toggle"));
    document.body.dispatchEvent(new Event("pointerdown", { bubbles: true }));
    expect(menu.open).toBe(false);
  });

  test("the toolbar's menu holds Mark all as seen and Export CSV", async () => {
    const backend = await open(fiveCalls(), { mark_all_seen: () => null });
    const menu = document.querySelector<HTMLDetailsElement>(".toolbar-menu")!;
    expect(menu.querySelector("summary")?.getAttribute("aria-label")).toBe("More actions");
    const items = [...menu.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
    expect(items.map((item) => item.textContent)).toEqual(["Mark all as seen", "Export CSV"]);
    items[0]!.click();
    await settle();
    expect(backend.argsOf("mark_all_seen")).toHaveLength(1);
    expect(noticeText()).toBe("Missed calls marked as seen");
  });
});

describe("the toolbar's layout", () => {
  const box = (top: number, height = 30) => ({ top, bottom: top + height });

  test("controls spill when one starts below the first's bottom", () => {
    expect(spills([])).toBe(false);
    expect(spills([box(0), box(2, 26), box(0)])).toBe(false);
    expect(spills([box(0), box(0), box(36)])).toBe(true);
  });

  /** A toolbar whose controls lie on one row only in the layouts of `fitting`. */
  const measured = (fitting: ToolbarFit[]) => {
    const row = document.createElement("div");
    const control = (index: number) => {
      const element = document.createElement("span");
      element.getBoundingClientRect = () => {
        const fits = fitting.includes(row.dataset.fit as ToolbarFit);
        return { ...box(fits || index === 0 ? 0 : 40), left: 0, right: 0, width: 0, height: 30, x: 0, y: 0 } as DOMRect;
      };
      return element;
    };
    const controls = [control(0), control(1), control(2)];
    return { row, shared: () => controls };
  };

  test("the first layout that fits is kept: whole, then the menu, then the search above", () => {
    for (const [fitting, chosen] of [
      [["whole", "menu", "stacked"], "whole"],
      [["menu", "stacked"], "menu"],
      [["stacked"], "stacked"],
      [[], "stacked"],
    ] as [ToolbarFit[], ToolbarFit][]) {
      const { row, shared } = measured(fitting);
      expect(fitToolbar(row, shared)).toBe(chosen);
      expect(row.dataset.fit).toBe(chosen);
    }
  });

  test("the toolbar starts whole", async () => {
    await open(fiveCalls());
    expect(document.querySelector<HTMLElement>(".history-controls")?.dataset.fit).toBe("whole");
  });
});

describe("a call's note and outcome", () => {
  const editor = (): HTMLFormElement | null => document.querySelector<HTMLFormElement>(".note-editor");
  const outcomeSelect = (): HTMLSelectElement => editor()!.querySelector<HTMLSelectElement>("select")!;
  const noteArea = (): HTMLTextAreaElement => editor()!.querySelector<HTMLTextAreaElement>("textarea")!;

  test("a row shows the outcome and the note written after the call, as text", async () => {
    const noted = sampleCall({ id: "n", state: "ended", outcome: "<b>Sale</b>", note: "<img src=x onerror=alert(1)>" });
    await open([noted, sampleCall({ id: "plain", state: "ended" })]);
    const line = rows()[0]!.querySelector(".noted")!;
    expect(line.querySelector(".outcome-chip")?.textContent).toBe("<b>Sale</b>");
    expect(line.querySelector(".note-text")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(document.querySelector("img, b")).toBeNull();
    expect(rows()[0]!.querySelector(".row-actions button.note")?.textContent).toBe("Edit note");
    expect(rows()[1]!.querySelector(".noted")).toBeNull();
    expect(rows()[1]!.querySelector(".row-actions button.note")?.textContent).toBe("Note");
  });

  test("Note opens an editor offering the user's outcomes; Save keeps them and lists the call again", async () => {
    const call = sampleCall({ id: "c", state: "ended", startedAtMs: 1_714_986_000_000 });
    const backend = await open([call], {
      get_settings: () => sampleSettings({ outcomes: ["Sale", "No sale"] }),
      save_note: () => ({ ...call, outcome: "Sale", note: "Wants a quote" }),
    });
    button(".row-actions button.note").click();
    expect([...outcomeSelect().options].map((o) => o.textContent)).toEqual(["No outcome", "Sale", "No sale"]);
    expect(document.activeElement).toBe(noteArea());
    expect(noteArea().maxLength).toBe(2000);
    outcomeSelect().value = "Sale";
    noteArea().value = "Wants a quote";
    editor()!.requestSubmit();
    await settle();
    expect(backend.argsOf("save_note")).toEqual([
      { callId: "c", startedAtMs: 1_714_986_000_000, outcome: "Sale", note: "Wants a quote" },
    ]);
    expect(editor()).toBeNull();
    expect(noticeText()).toBe("Note saved");
    expect(backend.argsOf("history_page").length).toBe(2);
  });

  test("a refused note stays in the editor with the reason; Escape closes it", async () => {
    await open([sampleCall({ id: "c", state: "ended", outcome: "Gone from the list" })], {
      get_settings: () => sampleSettings(),
      save_note: () => {
        throw { code: "invalid_note", message: "the note is longer than 2000 characters" };
      },
    });
    button(".row-actions button.note").click();
    expect([...outcomeSelect().options].map((o) => o.value)).toEqual([
      "",
      ...outcomeChoices(null),
      "Gone from the list",
    ]);
    expect(outcomeSelect().value).toBe("Gone from the list");
    noteArea().value = "typed";
    editor()!.requestSubmit();
    await settle();
    expect(editor()?.querySelector(".note-error")?.textContent).toBe(
      "The note cannot be kept (the note is longer than 2000 characters)",
    );
    expect(noteArea().value).toBe("typed");
    noteArea().dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(editor()).toBeNull();
  });

  test("a new call while a note is written waits behind the button instead of sweeping it away", async () => {
    const backend = await open([sampleCall({ id: "c", state: "ended" })], { get_settings: () => sampleSettings() });
    button(".row-actions button.note").click();
    noteArea().value = "half written";
    await emit("recent-calls-changed", []);
    await settle();
    expect(backend.argsOf("history_page").length).toBe(1);
    expect(noteArea().value).toBe("half written");
    expect(button("button.new-calls").hidden).toBe(false);
  });

  test("#note/<id> (the ended card's Note) opens that call's note once it is listed", async () => {
    window.history.replaceState(null, "", "#note/c2");
    await open(fiveCalls(), { get_settings: () => sampleSettings() });
    expect(editor()?.closest<HTMLElement>(".history-call")?.dataset.callId).toBe("c2");
    expect(window.location.hash).toBe("#recent");
    expect(noteAsked("#note/-7")).toBe("-7");
    expect(noteAsked("#note/%E0%A4%A")).toBeNull();
    expect(noteAsked("#recent")).toBeNull();
  });

  test("the built-in outcomes speak the user's language", () => {
    setLocale("fr");
    expect(outcomeChoices(null)).toContain("À rappeler");
    expect(outcomeChoices({ outcomes: [] })).toEqual([]);
    setLocale("en");
  });
});
