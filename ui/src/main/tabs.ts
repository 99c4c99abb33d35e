/**
 * The main window: the status line on top and the History, Dial and Settings tabs below.
 * The tab follows the URL hash (`main.html#dial`), so the Rust side can open the window on
 * the right tab, also when it is already open.
 */
import { el } from "../dom";
import { t } from "../i18n";
import { mount as mountDialpad } from "./dialpad";
import { mount as mountHistory } from "./history";
import { mount as mountSettings } from "./settings";
import { mount as mountStatus } from "./status";

export const TABS = ["recent", "dial", "settings"] as const;
export type Tab = (typeof TABS)[number];

const MOUNTS: Record<Tab, (host: HTMLElement) => () => void> = {
  recent: mountHistory,
  dial: mountDialpad,
  settings: mountSettings,
};

/** The tab a hash asks for (`#recent` is History, `#about` is Settings at its About section,
 * `#note/<call id>` History with that call's note open); anything else opens History. */
export function tabFromHash(hash: string): Tab {
  const name = hash.replace(/^#/, "").toLowerCase();
  if (name === "about") return "settings";
  return TABS.find((tab) => tab === name) ?? "recent";
}

export function mount(root: HTMLElement): () => void {
  const header = el("header", { className: "main-header" });
  const unmountStatus = mountStatus(header);
  const words = t().tabs;
  const tabList = el("nav", { className: "tabs", attrs: { role: "tablist", "aria-label": words.views } });
  header.append(tabList);

  const panes = TABS.map((tab) => {
    const button = el("button", {
      className: "tab",
      text: words[tab],
      attrs: { type: "button", role: "tab", id: `tab-${tab}`, "aria-controls": `panel-${tab}` },
    });
    const panel = el("section", {
      className: `panel panel-${tab}`,
      attrs: { role: "tabpanel", id: `panel-${tab}`, "aria-labelledby": `tab-${tab}` },
    });
    // Selecting goes through the hash so that the hash always names the tab shown.
    button.addEventListener("click", () => {
      window.location.hash = tab;
    });
    tabList.append(button);
    return { tab, button, panel, unmount: MOUNTS[tab](panel) };
  });

  const page = el("div", { className: "main-window" }, header, ...panes.map((pane) => pane.panel));
  root.append(page);

  const select = (): void => {
    const chosen = tabFromHash(window.location.hash);
    for (const { tab, button, panel } of panes) {
      const selected = tab === chosen;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      panel.hidden = !selected;
      if (selected && tab === "dial") panel.querySelector("input")?.focus();
    }
  };
  select();
  window.addEventListener("hashchange", select);

  // Arrow keys move between tabs, as in any tab list.
  tabList.addEventListener("keydown", (event) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    const current = TABS.indexOf(tabFromHash(window.location.hash));
    const next = panes[(current + step + TABS.length) % TABS.length];
    if (next === undefined) return;
    window.location.hash = next.tab;
    next.button.focus();
  });

  return () => {
    window.removeEventListener("hashchange", select);
    for (const pane of panes) pane.unmount();
    unmountStatus();
    page.remove();
  };
}
