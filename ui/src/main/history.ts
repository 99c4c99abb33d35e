/**
 * The History tab: the call journal, newest first, a page at a time. A search box (number,
 * name or label) and a filter (all, missed, incoming, outgoing) choose the calls; scrolling
 * near the bottom, or "Load more", brings the next page. Each row has direction, who, when,
 * how it went, and "Call back" / "Copy" buttons. The listed calls can be exported as CSV.
 *
 * `host` is the scrolling panel. When calls change, the first page is queried again if the
 * user is at the top; further down, a "New calls — show" button offers it instead, so the
 * list does not move under the reader. Relative times are refreshed every half minute.
 */
import type { CallView, HistoryFilter, HistoryPage } from "../bindings";
import { callSubtitleElement, callTitleElement, el, notice } from "../dom";
import { dayKey, formatDateTime, formatDay, formatRelativeTime } from "../format";
import { fmt, t } from "../i18n";
import {
  callBack,
  copyNumber,
  describeError,
  exportHistory,
  historyPage,
  markAllSeen,
  watchCallHistory,
  type HistoryQuery,
} from "../ipc";

const REFRESH_MS = 30_000;
/** Typing pauses this long before the search runs. */
export const SEARCH_DELAY_MS = 200;
/** The next page loads once the bottom of the list is this close. */
const NEAR_BOTTOM_PX = 240;
/** Scrolled less than this counts as being at the top. */
const AT_TOP_PX = 16;
/** The Rust side refuses longer searches. */
const MAX_SEARCH_CHARS = 200;

const FILTERS: readonly HistoryFilter[] = ["all", "missed", "incoming", "outgoing"];

export function mount(host: HTMLElement): () => void {
  const words = t().history;
  const search = el("input", {
    className: "history-search",
    attrs: {
      type: "search",
      name: "search",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: String(MAX_SEARCH_CHARS),
      placeholder: words.searchPlaceholder,
      "aria-label": words.searchLabel,
    },
  });
  const searchForm = el("form", { className: "history-search-form", attrs: { role: "search" } }, search);

  let filter: HistoryFilter = "all";
  const filterButtons = FILTERS.map((value) => {
    const button = el("button", {
      className: "filter",
      text: words.filters[value].caption,
      attrs: { type: "button", "data-filter": value, "aria-pressed": String(value === filter) },
    });
    button.addEventListener("click", () => {
      filter = value;
      for (const other of filterButtons) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      applyQuery();
    });
    return button;
  });
  const filterGroup = el(
    "div",
    { className: "history-filter", attrs: { role: "group", "aria-label": words.show } },
    ...filterButtons,
  );

  const markSeen = el("button", {
    className: "mark-seen",
    text: words.markSeen,
    attrs: { type: "button" },
  });
  const exportCsv = el("button", { className: "export", text: words.exportCsv, attrs: { type: "button" } });
  const newCalls = el("button", {
    className: "new-calls",
    text: words.newCalls,
    attrs: { type: "button" },
  });
  newCalls.hidden = true;
  const panelNotice = notice("history-notice");

  const toolbar = el(
    "div",
    { className: "history-toolbar" },
    el(
      "div",
      { className: "history-controls" },
      searchForm,
      filterGroup,
      el("span", { className: "history-actions" }, markSeen, exportCsv),
    ),
    newCalls,
    panelNotice.element,
  );
  const list = el("ol", { className: "history-list", attrs: { "aria-label": words.calls } });
  const empty = el("p", { className: "empty" });
  empty.hidden = true;
  const loadMoreButton = el("button", {
    className: "load-more",
    text: words.loadMore,
    attrs: { type: "button" },
  });
  loadMoreButton.hidden = true;
  const footer = el("div", { className: "history-footer" }, loadMoreButton);
  host.append(toolbar, list, empty, footer);

  /** The query the list shows (or is loading). */
  let query: HistoryQuery = { filter, search: null };
  let nextCursor: string | null = null;
  /** Bumped by each first-page query: answers to older queries are dropped. */
  let generation = 0;
  let loading = false;
  /** Whether a first page has been shown since mounting. */
  let loaded = false;
  /** Whether the notice holds a failed load, to clear once a load succeeds. */
  let showingLoadError = false;
  let shownIds = new Set<string>();
  let times: Array<{ element: HTMLTimeElement; atMs: number }> = [];
  let searchTimer: number | undefined;

  const say = (text: string | null, tone?: "info" | "error" | "success"): void => {
    showingLoadError = false;
    panelNotice.show(text, tone);
  };

  const refreshTimes = (): void => {
    const now = Date.now();
    for (const { element, atMs } of times) element.textContent = formatRelativeTime(atMs, now);
  };

  /** Runs `action` on click with the button disabled meanwhile; its result goes to the notice. */
  const act = (button: HTMLButtonElement, action: () => Promise<string>): void => {
    button.addEventListener("click", () => {
      button.disabled = true;
      say(null);
      action()
        .then(
          (done) => say(done, "success"),
          (reason: unknown) => say(describeError(reason), "error"),
        )
        .finally(() => {
          button.disabled = false;
        });
    });
  };

  const row = (call: CallView): HTMLLIElement => {
    const who = el(
      "div",
      { className: "who" },
      callTitleElement(call.lines),
      callSubtitleElement(call.lines),
    );

    const when = el("time", {
      className: "when",
      attrs: {
        datetime: new Date(call.startedAtMs).toISOString(),
        title: formatDateTime(call.startedAtMs),
      },
    });
    times.push({ element: when, atMs: call.startedAtMs });

    const back = el("button", { className: "call-back", text: t().call.callBack, attrs: { type: "button" } });
    const copy = el("button", { className: "copy", text: words.copy, attrs: { type: "button" } });
    back.disabled = !call.hasNumber;
    copy.disabled = !call.hasNumber;
    act(back, () => callBack(call.id).then((outcome) => fmt(t().toast.calling, { number: outcome.display })));
    act(copy, () => copyNumber(call.id).then(() => words.copied));

    const direction = call.direction === "incoming" ? t().call.incoming : t().call.outgoing;
    return el(
      "li",
      {
        className: `history-call ${call.direction}${call.missed ? " missed" : ""}`,
        attrs: { "data-call-id": call.id },
      },
      el("span", {
        className: "direction",
        attrs: { role: "img", "aria-label": direction, title: direction },
      }),
      who,
      when,
      el("span", { className: "outcome", text: call.lines.outcome }),
      el("span", { className: "row-actions" }, back, copy),
    );
  };

  /** Brings the footer, the empty line and the busy mark in line with the state. */
  const update = (): void => {
    list.setAttribute("aria-busy", String(loading));
    loadMoreButton.hidden = nextCursor === null;
    loadMoreButton.disabled = loading;
    const none = list.childElementCount === 0;
    empty.hidden = !none || loading || showingLoadError;
    empty.textContent = query.search === null ? words.filters[query.filter].empty : words.noMatch;
  };

  /** The day of the last row listed, for its heading. */
  let lastDay: string | null = null;

  const clearRows = (): void => {
    list.replaceChildren();
    lastDay = null;
    shownIds = new Set();
    times = [];
    nextCursor = null;
  };

  /** Appends the page's calls, skipping any already listed, under a heading for each day
   * (Today, Yesterday, then dates), and keeps its cursor. */
  const append = (page: HistoryPage): void => {
    for (const call of page.calls) {
      if (shownIds.has(call.id)) continue;
      shownIds.add(call.id);
      const day = dayKey(call.startedAtMs);
      if (day !== lastDay) {
        lastDay = day;
        list.append(
          el("li", {
            className: "history-day",
            text: formatDay(call.startedAtMs, Date.now()),
            attrs: { role: "heading", "aria-level": "3" },
          }),
        );
      }
      list.append(row(call));
    }
    nextCursor = page.nextCursor;
    refreshTimes();
    if (showingLoadError) say(null);
  };

  const failed = (reason: unknown): void => {
    say(describeError(reason), "error");
    showingLoadError = true;
  };

  /** Queries the first page of `query` again; the rows shown stay until the answer comes. */
  const reload = (): void => {
    generation += 1;
    const mine = generation;
    newCalls.hidden = true;
    loading = true;
    update();
    historyPage(query, null)
      .then(
        (page) => {
          if (mine !== generation) return;
          clearRows();
          append(page);
          loaded = true;
        },
        (reason: unknown) => {
          if (mine !== generation) return;
          // Rows of another filter or search would read as an answer to this one.
          clearRows();
          failed(reason);
        },
      )
      .finally(() => {
        if (mine !== generation) return;
        loading = false;
        update();
      });
  };

  const loadMore = (): void => {
    const cursor = nextCursor;
    if (loading || cursor === null) return;
    const mine = generation;
    loading = true;
    update();
    historyPage(query, cursor)
      .then(
        (page) => {
          if (mine === generation) append(page);
        },
        (reason: unknown) => {
          if (mine === generation) failed(reason);
        },
      )
      .finally(() => {
        if (mine !== generation) return;
        loading = false;
        update();
      });
  };

  /** The query the controls ask for. */
  const wanted = (): HistoryQuery => {
    const text = search.value.trim();
    return { filter, search: text === "" ? null : text };
  };

  /** Runs the controls' query now (cancelling a pending search), unless the list shows it. */
  const applyQuery = (): void => {
    window.clearTimeout(searchTimer);
    searchTimer = undefined;
    const next = wanted();
    if (next.filter === query.filter && next.search === query.search) return;
    query = next;
    host.scrollTop = 0;
    reload();
  };

  search.addEventListener("input", () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(applyQuery, SEARCH_DELAY_MS);
  });
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    applyQuery();
  });

  act(markSeen, () => markAllSeen().then(() => words.markedSeen));
  act(exportCsv, () => {
    applyQuery();
    return exportHistory(query).then((path) => fmt(words.exported, { path }));
  });
  loadMoreButton.addEventListener("click", loadMore);
  newCalls.addEventListener("click", () => {
    host.scrollTop = 0;
    reload();
  });

  const atTop = (): boolean => host.scrollTop < AT_TOP_PX;

  const onScroll = (): void => {
    if (!newCalls.hidden && atTop()) {
      reload();
      return;
    }
    const rest = host.scrollHeight - host.scrollTop - host.clientHeight;
    if (host.scrollHeight > host.clientHeight && rest < NEAR_BOTTOM_PX) loadMore();
  };
  host.addEventListener("scroll", onScroll, { passive: true });

  const unwatch = watchCallHistory(
    () => {
      if (!loaded || atTop()) reload();
      else newCalls.hidden = false;
    },
    (error) => say(describeError(error), "error"),
  );
  const refresher = window.setInterval(refreshTimes, REFRESH_MS);

  return () => {
    unwatch();
    generation += 1;
    window.clearInterval(refresher);
    window.clearTimeout(searchTimer);
    host.removeEventListener("scroll", onScroll);
    toolbar.remove();
    list.remove();
    empty.remove();
    footer.remove();
  };
}
