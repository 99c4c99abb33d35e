import { describe, expect, test } from "vitest";
import { setLocale } from "../i18n";
import { sampleSettings, sampleStatus, usePage } from "../testing";
import { mount, tabFromHash } from "./tabs";

const page = usePage(mount, {
  reset: () => {
    window.location.hash = "";
  },
});

async function open(hash: string): Promise<void> {
  window.location.hash = hash;
  await page.open({
    get_status: () => sampleStatus(),
    get_settings: () => sampleSettings(),
    history_page: () => ({ calls: [], nextCursor: null }),
    contact_count: () => 0,
  });
}

const shownPanels = (): string[] =>
  [...document.querySelectorAll<HTMLElement>(".panel")]
    .filter((panel) => !panel.hidden)
    .map((panel) => panel.id);

describe("tabFromHash", () => {
  test.each([
    ["#settings", "settings"],
    ["#dial", "dial"],
    ["#recent", "recent"],
    ["#about", "settings"],
    ["#DIAL", "dial"],
    ["", "recent"],
    ["#nonsense", "recent"],
  ])("%j opens %s", (hash, tab) => {
    expect(tabFromHash(hash)).toBe(tab);
  });
});

describe("the main window", () => {
  test("opens on the tab named in the address, with the status line on top", async () => {
    await open("#settings");
    expect(shownPanels()).toEqual(["panel-settings"]);
    expect(document.querySelector("#tab-settings")?.getAttribute("aria-selected")).toBe("true");
    expect([...document.querySelectorAll(".tab")].map((tab) => tab.textContent)).toEqual([
      "History",
      "Dial",
      "Settings",
    ]);
    expect(document.querySelector(".status-text")?.textContent).toBe("Online — alice on Desk phone");
  });

  test("opening on Dial puts the cursor in the number field", async () => {
    await open("#dial");
    expect(shownPanels()).toEqual(["panel-dial"]);
    expect(document.activeElement).toBe(document.querySelector(".dial-input"));
  });

  test("clicking a tab shows it and follows when the address changes", async () => {
    await open("");
    expect(shownPanels()).toEqual(["panel-recent"]);
    document.querySelector<HTMLButtonElement>("#tab-dial")!.click();
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    expect(window.location.hash).toBe("#dial");
    expect(shownPanels()).toEqual(["panel-dial"]);
  });

  test("arrow keys move between tabs", async () => {
    await open("#recent");
    const tabs = document.querySelector(".tabs")!;
    tabs.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    expect(shownPanels()).toEqual(["panel-settings"]);
  });
});

describe("in French", () => {
  test("the tabs speak French", async () => {
    setLocale("fr");
    await open("#recent");
    expect(document.documentElement.lang).toBe("fr");
    expect(document.querySelector(".tabs")?.getAttribute("aria-label")).toBe("Vues");
    expect([...document.querySelectorAll(".tab")].map((tab) => tab.textContent)).toEqual([
      "Historique",
      "Composer",
      "Paramètres",
    ]);
    expect(document.querySelector(".empty")?.textContent).toBe("Aucun appel pour l'instant.");
  });
});
