/**
 * The History tab: the call journal, newest first, a page at a time. A search box (number,
 * name or label) and a filter (all, missed, incoming, outgoing) choose the calls; scrolling
 * near the bottom, or "Load more", brings the next page. Each row has direction, who, when,
 * how it went, the outcome and note written after it, and "Call back" / "Copy" / "Details" (the
 * call's times, durations, type and queue, unfolded under the row) / "Note" (an outcome from the
 * user's list and a note, edited under the row; `#note/<call id>` opens it from the call's ended
 * card). The listed calls can be exported as CSV. In a narrow window
 * (CSS decides) a row's actions go into a "⋯" menu: the same buttons' work. The toolbar measures
 * itself instead, as its words are longer in some languages: see {@link TOOLBAR_FITS}.
 *
 * `host` is the scrolling panel. When calls change, the first page is queried again if the
 * user is at the top; further down, a "New calls — show" button offers it instead, so the
 * list does not move under the reader. Relative times are refreshed every half minute.
 */
import type { CallView, HistoryFilter, HistoryPage, Settings } from "../bindings";
import { NOTE_MAX_CHARS } from "../bindings/constants";
import { callSubtitleElement, callTitleElement, el, field, isolated, notice, overflowMenu } from "../dom";
import { dayKey, formatDateTime, formatDay, formatRelativeTime } from "../format";
import { fmt, t } from "../i18n";
import {
  callBack,
  copyNumber,
  describeError,
  exportHistory,
  getSettings,
  historyPage,
  markAllSeen,
  saveNote,
  watchCallHistory,
  type HistoryQuery,
} from "../ipc";

const REFRESH_MS = 30_000;
/**
 * The toolbar's layouts, tried in turn until one keeps its controls on the rows it means:
 * everything on one row; the actions in a "⋯" menu; the search on a row of its own above the
 * filter and the menu (the last one always fits).
 */
export const TOOLBAR_FITS = ["whole", "menu", "stacked"] as const;
export type ToolbarFit = (typeof TOOLBAR_FITS)[number];

/** Whether laid out controls spill onto another row than the one they mean to share. */
export function spills(boxes: readonly { top: number; bottom: number }[]): boolean {
  const [first, ...rest] = boxes;
  return first !== undefined && rest.some((box) => box.top >= first.bottom);
}

/**
 * Lays the toolbar's controls out in the first of {@link TOOLBAR_FITS} that fits: `shared`
 * gives, for a layout, the controls that must share one row.
 */
export function fitToolbar(row: HTMLElement, shared: (fit: ToolbarFit) => HTMLElement[]): ToolbarFit {
  for (const fit of TOOLBAR_FITS) {
    row.dataset.fit = fit;
    if (!spills(shared(fit).map((control) => control.getBoundingClientRect()))) return fit;
  }
  return row.dataset.fit as ToolbarFit;
}

/** Typing pauses this long before the search runs. */
export const SEARCH_DELAY_MS = 200;
/** The next page loads once the bottom of the list is this close. */
const NEAR_BOTTOM_PX = 240;
/** Scrolled less than this counts as being at the top. */
const AT_TOP_PX = 16;
/** The Rust side refuses longer searches. */
const MAX_SEARCH_CHARS = 200;

const FILTERS: readonly HistoryFilter[] = ["all", "missed", "incoming", "outgoing"];

/** A call's detail: what it says apart from its row, every time it has, how long it rang and
 * talked, and how it went — the lines the Rust side decided, laid out as a list. */
export function callDetail(call: CallView): HTMLElement {
  const words = t().history.detail;
  const { lines } = call;
  const at = (ms: number | null): string | null => (ms === null ? null : formatDateTime(ms));
  const rows: Array<[string, string | null, "auto" | "ltr"]> = [
    [words.number, call.numberDisplay ?? call.number, "ltr"],
    [words.e164, lines.e164, "ltr"],
    [words.type, lines.callType, "auto"],
    [words.queue, lines.queue, "auto"],
    [words.started, at(call.startedAtMs), "auto"],
    [words.answered, at(call.answeredAtMs), "auto"],
    [words.ended, at(call.endedAtMs), "auto"],
    [words.rang, lines.rang, "ltr"],
    [words.talked, lines.talked, "ltr"],
    [words.outcome, lines.state, "auto"],
  ];
  const list = el("dl", { className: "call-detail" });
  for (const [caption, value, dir] of rows) {
    if (value === null || value === "") continue;
    list.append(el("dt", { text: caption }), el("dd", {}, isolated(value, "value", dir)));
  }
  return list;
}

/** The outcomes a note offers: the user's list, or the built-in one in their language (one per
 * line in the catalog). */
export function outcomeChoices(settings: Pick<Settings, "outcomes"> | null): string[] {
  return settings?.outcomes ?? t().history.note.outcomes.split("\n");
}

/** The call a `#note/<call id>` hash opens the note of, if it names one. */
export function noteAsked(hash: string): string | null {
  const match = /^#note\/(.+)$/.exec(hash);
  if (match?.[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** The outcome and the note written after a call, as its row shows them (nothing when none). */
export function noteLine(call: CallView): HTMLElement | null {
  if (call.outcome === null && call.note === null) return null;
  const line = el("div", { className: "noted" });
  if (call.outcome !== null) line.append(isolated(call.outcome, "badge outcome-chip"));
  if (call.note !== null) line.append(isolated(call.note, "note-text"));
  return line;
}

/**
 * The editor of a call's outcome and note, under its row: the outcomes offered are `choices`
 * (and the call's own, when the list no longer has it). `save` keeps what is written; `close`
 * runs after a save or Cancel (Escape too).
 */
export function noteEditor(
  call: CallView,
  choices: readonly string[],
  save: (outcome: string, note: string) => Promise<unknown>,
  close: () => void,
): HTMLFormElement {
  const words = t().history.note;
  const options = [...choices];
  if (call.outcome !== null && !options.includes(call.outcome)) options.push(call.outcome);
  const outcome = el(
    "select",
    { attrs: { name: "outcome" } },
    el("option", { text: words.noOutcome, attrs: { value: "" } }),
    ...options.map((choice) => el("option", { text: choice, attrs: { value: choice } })),
  );
  outcome.value = call.outcome ?? "";
  const note = el("textarea", {
    attrs: { name: "note", rows: "3", maxlength: String(NOTE_MAX_CHARS), placeholder: words.placeholder },
  });
  note.value = call.note ?? "";
  const saveButton = el("button", { className: "primary", text: words.save, attrs: { type: "submit" } });
  const cancel = el("button", { text: words.cancel, attrs: { type: "button" } });
  const problem = el("p", { className: "note-error", attrs: { role: "alert" } });
  problem.hidden = true;
  const form = el(
    "form",
    { className: "note-editor", attrs: { "aria-label": words.label } },
    field(words.outcome, outcome),
    field(words.label, note),
    el("div", { className: "note-actions" }, saveButton, cancel),
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveButton.disabled = true;
    problem.hidden = true;
    save(outcome.value, note.value)
      .then(close, (reason: unknown) => {
        problem.textContent = describeError(reason);
        problem.hidden = false;
      })
      .finally(() => {
        saveButton.disabled = false;
      });
  });
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  return form;
}

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

  /** A toolbar action: its button, and its item in the narrow window's "⋯" menu. */
  const toolbarAction = (className: string, text: string): [HTMLButtonElement, HTMLButtonElement] => [
    el("button", { className, text, attrs: { type: "button" } }),
    el("button", { className, text, attrs: { type: "button" } }),
  ];
  const [markSeen, markSeenItem] = toolbarAction("mark-seen", words.markSeen);
  const [exportCsv, exportItem] = toolbarAction("export", words.exportCsv);
  const newCalls = el("button", {
    className: "new-calls",
    text: words.newCalls,
    attrs: { type: "button" },
  });
  newCalls.hidden = true;
  const panelNotice = notice("history-notice");

  const actions = el("span", { className: "history-actions" }, markSeen, exportCsv);
  const toolbarMenu = overflowMenu(words.more, "toolbar-menu", [markSeenItem, exportItem]);
  const controls = el(
    "div",
    { className: "history-controls", attrs: { "data-fit": "whole" } },
    searchForm,
    filterGroup,
    actions,
    toolbarMenu,
  );
  const toolbar = el("div", { className: "history-toolbar" }, controls, newCalls, panelNotice.element);
  const sharingARow = (fit: ToolbarFit): HTMLElement[] => {
    if (fit === "whole") return [searchForm, filterGroup, actions];
    if (fit === "menu") return [searchForm, filterGroup, toolbarMenu];
    return [filterGroup, toolbarMenu];
  };
  // Measured again when the width changes (also from nothing, when the tab is first shown);
  // only then, as a new layout changes the toolbar's height and would call this again.
  let fittedWidth = -1;
  const resized = new ResizeObserver(() => {
    const width = controls.clientWidth;
    if (width === fittedWidth) return;
    fittedWidth = width;
    fitToolbar(controls, sharingARow);
  });
  resized.observe(controls);
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
    const noted = noteLine(call);
    if (noted !== null) who.append(noted);

    const when = el("time", {
      className: "when",
      attrs: {
        datetime: new Date(call.startedAtMs).toISOString(),
        title: formatDateTime(call.startedAtMs),
      },
    });
    times.push({ element: when, atMs: call.startedAtMs });

    const detail = callDetail(call);
    detail.hidden = true;
    detail.id = `call-detail-${call.id}`;
    /** Each action twice: a button in the row, an item in its narrow-window menu. */
    const twice = (className: string, text: string, enabled: boolean): HTMLButtonElement[] =>
      [0, 1].map(() => {
        const button = el("button", { className, text, attrs: { type: "button" } });
        button.disabled = !enabled;
        return button;
      });
    const backs = twice("call-back", t().call.callBack, call.hasNumber);
    const copies = twice("copy", words.copy, call.hasNumber);
    const details = twice("details", words.details, true);
    const notes = twice("note", call.outcome === null && call.note === null ? words.note.write : words.note.edit, true);
    for (const back of backs) {
      act(back, () => callBack(call.id).then((outcome) => fmt(t().toast.calling, { number: outcome.display })));
    }
    for (const copy of copies) act(copy, () => copyNumber(call.id).then(() => words.copied));
    for (const button of details) {
      button.setAttribute("aria-controls", detail.id);
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", () => {
        detail.hidden = !detail.hidden;
        for (const each of details) each.setAttribute("aria-expanded", String(!detail.hidden));
      });
    }
    const [back, menuBack] = backs as [HTMLButtonElement, HTMLButtonElement];
    const [copy, menuCopy] = copies as [HTMLButtonElement, HTMLButtonElement];
    const [showDetail, menuDetail] = details as [HTMLButtonElement, HTMLButtonElement];
    const [writeNote, menuNote] = notes as [HTMLButtonElement, HTMLButtonElement];
    for (const button of notes) button.addEventListener("click", () => openEditor(call.id));

    const direction = call.direction === "incoming" ? t().call.incoming : t().call.outgoing;
    const item = el(
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
      el("span", { className: "row-actions" }, back, copy, showDetail, writeNote),
      overflowMenu(fmt(words.moreFor, { who: call.lines.title }), "row-menu", [
        menuBack,
        menuCopy,
        menuDetail,
        menuNote,
      ]),
      detail,
    );
    rows.set(call.id, { call, item });
    return item;
  };

  /** Each listed call and its row, by call id. */
  let rows = new Map<string, { call: CallView; item: HTMLLIElement }>();
  /** The note editor open (one at a time), and the call it is for. */
  let editing: { callId: string; form: HTMLFormElement } | null = null;
  /** A call whose note `#note/<id>` asked for, opened once its row is listed. */
  let noteWanted: string | null = noteAsked(window.location.hash);
  /** The user's outcomes, once read (the built-in list until then). */
  let outcomes: string[] = outcomeChoices(null);
  getSettings().then(
    (settings) => {
      outcomes = outcomeChoices(settings);
    },
    () => undefined,
  );

  const closeEditor = (): void => {
    editing?.form.remove();
    editing = null;
    // Calls that came while the note was written are shown now, as they would have been.
    if (!newCalls.hidden && atTop()) reload();
  };

  /** Opens the note editor under the call's row (closing another one). */
  const openEditor = (callId: string): void => {
    const listed = rows.get(callId);
    if (listed === undefined) return;
    if (editing?.callId === callId) {
      editing.form.querySelector("textarea")?.focus();
      return;
    }
    closeEditor();
    const form = noteEditor(
      listed.call,
      outcomes,
      (outcome, note) =>
        saveNote(listed.call, outcome, note).then(() => {
          say(words.note.saved, "success");
        }),
      () => {
        if (editing?.form !== form) return;
        closeEditor();
        reload();
      },
    );
    listed.item.append(form);
    editing = { callId, form };
    form.scrollIntoView({ block: "nearest" });
    form.querySelector("textarea")?.focus();
  };

  /** Opens the note `#note/<id>` asked for when its row is listed, and puts the hash back. */
  const openWantedNote = (): void => {
    if (noteWanted === null || !rows.has(noteWanted)) return;
    const callId = noteWanted;
    noteWanted = null;
    window.history.replaceState(null, "", "#recent");
    openEditor(callId);
  };
  const onHash = (): void => {
    const asked = noteAsked(window.location.hash);
    if (asked === null) return;
    noteWanted = asked;
    host.scrollTop = 0;
    reload();
  };
  window.addEventListener("hashchange", onHash);

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
    rows = new Map();
    editing = null;
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
    openWantedNote();
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

  for (const button of [markSeen, markSeenItem]) act(button, () => markAllSeen().then(() => words.markedSeen));
  for (const button of [exportCsv, exportItem]) {
    act(button, () => {
      applyQuery();
      return exportHistory(query).then((path) => fmt(words.exported, { path }));
    });
  }
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
      // A note being written is not swept away by a new call: the call waits to be shown.
      if (!loaded || (atTop() && editing === null)) reload();
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
    window.removeEventListener("hashchange", onHash);
    resized.disconnect();
    toolbar.remove();
    list.remove();
    empty.remove();
    footer.remove();
  };
}
