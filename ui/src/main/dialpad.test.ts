import { describe, expect, test, vi } from "vitest";
import type { DialOutcome, Suggestion } from "../bindings";
import { setLocale } from "../i18n";
import { deferred, settle, usePage, type Handlers } from "../testing";
import { KEYS, LONG_PRESS_MS, MAX_SUGGESTIONS, mount, SUGGEST_DELAY_MS } from "./dialpad";

const { start: open, unmount } = usePage(mount, { fakeTime: true });

const input = (): HTMLInputElement => document.querySelector<HTMLInputElement>(".dial-input")!;
const button = (): HTMLButtonElement => document.querySelector<HTMLButtonElement>("button.dial")!;
const result = (): string | null => document.querySelector(".dial-result")?.textContent ?? null;

async function dial(text: string): Promise<void> {
  input().value = text;
  button().click();
  await settle();
}

test("Call sends the typed text and shows the number being called", async () => {
  const backend = open({ dial_text: () => ({ destination: "+33123456789", display: "+33 1 23 45 67 89" }) });
  await dial(" 01 23 45 67 89 ");
  expect(backend.argsOf("dial_text")).toEqual([{ text: "01 23 45 67 89" }]);
  expect(result()).toBe("Calling +33 1 23 45 67 89");
});

test("pressing Enter in the field calls too", async () => {
  const backend = open({ dial_text: () => ({ destination: "12", display: "12" }) });
  input().value = "12";
  input().form?.requestSubmit();
  await settle();
  expect(backend.argsOf("dial_text")).toHaveLength(1);
});

test("a number the server cannot dial shows why", async () => {
  open({
    dial_text: () => {
      throw { code: "ambiguous_number", message: "" };
    },
  });
  await dial("123");
  expect(result()).toBe("This text holds several phone numbers — keep just the one to call");
});

test("the Call button is disabled while the call is being placed, and a second press is ignored", async () => {
  const pending = deferred<DialOutcome>();
  const backend = open({ dial_text: () => pending.promise });
  await dial("12");
  expect(button().disabled).toBe(true);
  input().form?.requestSubmit();
  await settle();
  expect(backend.argsOf("dial_text")).toHaveLength(1);
  pending.resolve({ destination: "12", display: "12" });
  await settle();
  expect(button().disabled).toBe(false);
});

test("an empty field asks for a number without calling", async () => {
  const backend = open({});
  await dial("   ");
  expect(result()).toBe("Type a number to call.");
  expect(backend.argsOf("dial_text")).toHaveLength(0);
});

describe("suggestions", () => {
  const alice: Suggestion = {
    name: "Alice Martin",
    number: "+33123456789",
    display: "+33 1 23 45 67 89",
    source: "contact",
  };
  const recent: Suggestion = { name: null, number: "0123456700", display: "0123456700", source: "history" };

  const list = (): HTMLElement => document.querySelector<HTMLElement>('[role="listbox"]')!;
  const options = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>('[role="option"]')];
  const numbers = (): Array<string | null> =>
    options().map((option) => option.querySelector(".number")?.textContent ?? null);

  /** Types `text` into the field and lets the pause pass, with the answers settled. */
  async function typeText(text: string, wait = SUGGEST_DELAY_MS): Promise<void> {
    input().value = text;
    input().dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(wait);
    await settle();
  }

  const press = (key: string): KeyboardEvent => {
    const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
    input().dispatchEvent(event);
    return event;
  };

  const openWith = (found: Suggestion[], handlers: Handlers = {}) =>
    open({
      suggest_numbers: () => found,
      dial_text: ({ text }) => ({ destination: String(text), display: String(text) }),
      ...handlers,
    });

  test("are asked for once typing pauses, and listed with name, number and source", async () => {
    const backend = openWith([alice, recent]);
    input().value = "01";
    input().dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(SUGGEST_DELAY_MS - 50);
    input().value = "012";
    input().dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(SUGGEST_DELAY_MS - 1);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toHaveLength(0);

    vi.advanceTimersByTime(1);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toEqual([{ text: "012" }]);
    expect(list().hidden).toBe(false);
    expect(input().getAttribute("aria-expanded")).toBe("true");
    expect(input().getAttribute("aria-controls")).toBe(list().id);
    const [first, second] = options();
    expect(first?.querySelector(".name")?.textContent).toBe("Alice Martin");
    expect(first?.querySelector(".number")?.textContent).toBe("+33 1 23 45 67 89");
    expect(first?.querySelector(".source")?.textContent).toBe("Contact");
    expect(second?.querySelector(".name")).toBeNull();
    expect(second?.querySelector(".source")?.textContent).toBe("History");
  });

  test("are not asked for under two characters, and the list closes", async () => {
    const backend = openWith([alice]);
    await typeText("0");
    await typeText("  1 ");
    expect(backend.argsOf("suggest_numbers")).toHaveLength(0);
    await typeText("01");
    expect(list().hidden).toBe(false);
    await typeText("0");
    expect(list().hidden).toBe(true);
    expect(input().getAttribute("aria-expanded")).toBe("false");
    expect(backend.argsOf("suggest_numbers")).toHaveLength(1);
  });

  test("are not asked for text longer than a search may be", async () => {
    const backend = openWith([alice]);
    await typeText("1".repeat(201));
    expect(backend.argsOf("suggest_numbers")).toHaveLength(0);
    await typeText("1".repeat(200));
    expect(backend.argsOf("suggest_numbers")).toHaveLength(1);
  });

  test("an answer to older text is dropped", async () => {
    const slow = deferred<Suggestion[]>();
    openWith([], {
      suggest_numbers: ({ text }) => (text === "01" ? slow.promise : [recent]),
    });
    await typeText("01");
    await typeText("0123");
    slow.resolve([alice]);
    await settle();
    expect(numbers()).toEqual(["0123456700"]);
  });

  test("an answer arriving after more typing is dropped, even before the next request", async () => {
    const slow = deferred<Suggestion[]>();
    const backend = openWith([], { suggest_numbers: () => slow.promise });
    await typeText("01");
    input().value = "012";
    input().dispatchEvent(new Event("input"));
    slow.resolve([alice]);
    await settle();
    expect(options()).toHaveLength(0);
    expect(list().hidden).toBe(true);
    expect(backend.argsOf("suggest_numbers")).toHaveLength(1);
  });

  test("never shows more than eight numbers", async () => {
    const many = Array.from({ length: 20 }, (_, n) => ({ ...recent, number: `01000000${10 + n}` }));
    openWith(many);
    await typeText("0100");
    expect(options()).toHaveLength(MAX_SUGGESTIONS);
    expect(MAX_SUGGESTIONS).toBe(8);
  });

  test("no match closes the list", async () => {
    openWith([]);
    await typeText("zz");
    expect(list().hidden).toBe(true);
    expect(input().getAttribute("aria-expanded")).toBe("false");
  });

  test("a failed request closes the list and keeps the field usable", async () => {
    const backend = openWith([], {
      suggest_numbers: () => {
        throw { code: "contacts", message: "" };
      },
    });
    await typeText("01");
    expect(list().hidden).toBe(true);
    await dial("0123");
    expect(backend.argsOf("dial_text")).toEqual([{ text: "0123" }]);
  });

  test("arrow keys move the highlight, which the field announces", async () => {
    openWith([alice, recent]);
    await typeText("01");
    expect(input().hasAttribute("aria-activedescendant")).toBe(false);

    expect(press("ArrowDown").defaultPrevented).toBe(true);
    const [first, second] = options();
    expect(input().getAttribute("aria-activedescendant")).toBe(first?.id);
    expect(first?.getAttribute("aria-selected")).toBe("true");
    expect(second?.getAttribute("aria-selected")).toBe("false");

    press("ArrowDown");
    expect(input().getAttribute("aria-activedescendant")).toBe(second?.id);
    press("ArrowDown");
    expect(input().getAttribute("aria-activedescendant")).toBe(first?.id);
    press("ArrowUp");
    expect(input().getAttribute("aria-activedescendant")).toBe(second?.id);
    expect(first?.getAttribute("aria-selected")).toBe("false");
  });

  test("Enter on a highlighted number fills the field with it and dials it", async () => {
    const backend = openWith([alice, recent]);
    await typeText("01");
    press("ArrowDown");
    press("ArrowDown");
    const enter = press("Enter");
    await settle();
    expect(enter.defaultPrevented).toBe(true);
    expect(input().value).toBe("0123456700");
    expect(backend.argsOf("dial_text")).toEqual([{ text: "0123456700" }]);
    expect(result()).toBe("Calling 0123456700");
    expect(list().hidden).toBe(true);
    expect(input().hasAttribute("aria-activedescendant")).toBe(false);
  });

  test("Enter without a highlight leaves the form to dial the typed text", async () => {
    const backend = openWith([alice]);
    await typeText("01");
    expect(press("Enter").defaultPrevented).toBe(false);
    input().form?.requestSubmit();
    await settle();
    expect(backend.argsOf("dial_text")).toEqual([{ text: "01" }]);
    expect(list().hidden).toBe(true);
  });

  test("Escape closes the list without dialling; ArrowDown asks again", async () => {
    const backend = openWith([alice]);
    await typeText("01");
    press("ArrowDown");
    expect(press("Escape").defaultPrevented).toBe(true);
    expect(list().hidden).toBe(true);
    expect(input().getAttribute("aria-expanded")).toBe("false");
    expect(input().hasAttribute("aria-activedescendant")).toBe(false);
    expect(backend.argsOf("dial_text")).toHaveLength(0);

    press("ArrowDown");
    await settle();
    expect(list().hidden).toBe(false);
    expect(backend.argsOf("suggest_numbers")).toHaveLength(2);
  });

  test("a number shows as people read it, and clicking it dials the number itself", async () => {
    const backend = openWith([alice, recent]);
    await typeText("01");
    expect(options()[0]?.querySelector(".number")?.textContent).toBe("+33 1 23 45 67 89");
    options()[0]?.querySelector<HTMLElement>(".name")?.click();
    await settle();
    expect(input().value).toBe("+33123456789");
    expect(backend.argsOf("dial_text")).toEqual([{ text: "+33123456789" }]);
    expect(list().hidden).toBe(true);
  });

  test("names and numbers with markup are shown as text", async () => {
    const label = "<img src=x onerror=alert(1)>";
    openWith([{ name: label, number: "<b>12</b>", display: "<b>12</b>", source: "contact" }]);
    await typeText("12");
    expect(options()[0]?.querySelector(".name")?.textContent).toBe(label);
    expect(options()[0]?.querySelector(".number")?.textContent).toBe("<b>12</b>");
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector('[role="option"] b')).toBeNull();
  });

  test("leaving the field closes the list and forgets a pending request", async () => {
    const backend = openWith([alice]);
    await typeText("01");
    input().dispatchEvent(new FocusEvent("blur"));
    expect(list().hidden).toBe(true);
    await typeText("012", SUGGEST_DELAY_MS - 10);
    input().dispatchEvent(new FocusEvent("blur"));
    vi.advanceTimersByTime(SUGGEST_DELAY_MS);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toHaveLength(1);
  });
});

describe("the keypad", () => {
  const keypad = (): HTMLElement => document.querySelector<HTMLElement>('[role="group"]')!;
  const key = (character: string): HTMLButtonElement =>
    document.querySelector<HTMLButtonElement>(`.dial-key[data-key="${character}"]`)!;
  const backspace = (): HTMLButtonElement => document.querySelector<HTMLButtonElement>(".dial-backspace")!;
  const caret = (): [number | null, number | null] => [input().selectionStart, input().selectionEnd];
  const pointer = (target: HTMLElement, type: string): void => {
    target.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, button: 0 }));
  };

  /** The field holds `value`, with the caret (or the selection) from `start` to `end`. */
  function place(value: string, start: number, end = start): void {
    input().value = value;
    input().setSelectionRange(start, end);
  }

  /** Counts the field's input events, as its own listener sees them. */
  function inputEvents(): { count: number } {
    const seen = { count: 0 };
    input().addEventListener("input", () => (seen.count += 1));
    return seen;
  }

  test("is a labelled group of the twelve keys of a phone, each a named button", () => {
    open({});
    expect(keypad().getAttribute("aria-label")).toBe("Keypad");
    const keys = [...keypad().querySelectorAll("button")];
    expect(keys.map((button) => button.getAttribute("aria-label"))).toEqual([
      "1",
      "2 ABC",
      "3 DEF",
      "4 GHI",
      "5 JKL",
      "6 MNO",
      "7 PQRS",
      "8 TUV",
      "9 WXYZ",
      "Star",
      "0 +",
      "Pound",
    ]);
    expect(keys.map((button) => button.querySelector(".digit")?.textContent).join("")).toBe("123456789*0#");
    expect(keys.map((button) => button.dataset.key)).toEqual(KEYS.map(({ key }) => key));
    expect(key("7").querySelector(".letters")?.textContent).toBe("PQRS");
    expect(key("0").querySelector(".letters")?.textContent).toBe("+");
    expect(key("0").title).toBe("Hold for +");
    for (const button of keys) {
      expect(button.type).toBe("button");
      expect(button.form).toBe(input().form);
    }
    expect(backspace().getAttribute("aria-label")).toBe("Backspace");
    expect(backspace().type).toBe("button");
    expect(backspace().querySelector("svg")?.getAttribute("aria-hidden")).toBe("true");
  });

  test("Tab reaches the field, Backspace, every key, then Call, in that order", () => {
    open({});
    const reachable = [...input().form!.querySelectorAll<HTMLElement>("input, button")].filter(
      (control) => control.tabIndex >= 0 && !control.hasAttribute("disabled"),
    );
    expect(reachable).toEqual([input(), backspace(), ...keypad().querySelectorAll("button"), button()]);
  });

  test("a key types its character at the caret, or over the selection, and keeps the focus in the field", () => {
    open({});
    input().focus();
    place("0189", 2);
    key("2").click();
    expect(input().value).toBe("01289");
    expect(caret()).toEqual([3, 3]);
    expect(document.activeElement).toBe(input());

    place("01289", 1, 4);
    key("#").click();
    expect(input().value).toBe("0#9");
    expect(caret()).toEqual([2, 2]);

    place("0#9", 3);
    key("*").click();
    expect(input().value).toBe("0#9*");
  });

  test("a key pressed from the keyboard brings the focus back to the field", () => {
    open({});
    key("5").focus();
    key("5").click();
    expect(input().value).toBe("5");
    expect(document.activeElement).toBe(input());
  });

  test("pressing a key with the mouse does not take the focus from the field", () => {
    open({});
    const press = new MouseEvent("mousedown", { bubbles: true, cancelable: true });
    key("4").querySelector(".digit")!.dispatchEvent(press);
    expect(press.defaultPrevented).toBe(true);
    const erase = new MouseEvent("mousedown", { bubbles: true, cancelable: true });
    backspace().dispatchEvent(erase);
    expect(erase.defaultPrevented).toBe(true);
  });

  test("Backspace erases the character before the caret, or the selection", () => {
    open({});
    const events = inputEvents();
    place("01234", 3);
    backspace().click();
    expect(input().value).toBe("0134");
    expect(caret()).toEqual([2, 2]);
    expect(document.activeElement).toBe(input());

    place("0134", 1, 3);
    backspace().click();
    expect(input().value).toBe("04");
    expect(caret()).toEqual([1, 1]);
    expect(events.count).toBe(2);

    place("04", 0);
    backspace().click();
    expect(input().value).toBe("04");
    expect(events.count).toBe(2);
    expect(document.activeElement).toBe(input());
  });

  test("holding 0 types +, and its release types nothing more; a short press types 0", () => {
    open({});
    const zero = key("0");
    pointer(zero, "pointerdown");
    expect(zero.classList.contains("pressed")).toBe(true);
    vi.advanceTimersByTime(LONG_PRESS_MS - 1);
    expect(input().value).toBe("");
    vi.advanceTimersByTime(1);
    expect(input().value).toBe("+");
    expect(document.activeElement).toBe(input());
    pointer(zero, "pointerup");
    zero.click();
    expect(input().value).toBe("+");
    expect(zero.classList.contains("pressed")).toBe(false);

    pointer(zero, "pointerdown");
    vi.advanceTimersByTime(LONG_PRESS_MS - 100);
    pointer(zero, "pointerup");
    zero.click();
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(input().value).toBe("+0");
  });

  test("a long press released off the key swallows no later press", () => {
    open({});
    const zero = key("0");
    pointer(zero, "pointerdown");
    vi.advanceTimersByTime(LONG_PRESS_MS);
    zero.dispatchEvent(new PointerEvent("pointerout", { bubbles: true, relatedTarget: document.body }));
    expect(zero.classList.contains("pressed")).toBe(false);
    // The next press, from the keyboard, types its 0.
    zero.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    zero.click();
    expect(input().value).toBe("+0");
  });

  test("a press on 0 that leaves the key before the time types no +", () => {
    open({});
    const zero = key("0");
    pointer(zero, "pointerdown");
    vi.advanceTimersByTime(LONG_PRESS_MS - 100);
    pointer(zero, "pointercancel");
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(input().value).toBe("");
  });

  test("holding another key types it once, when released", () => {
    open({});
    pointer(key("8"), "pointerdown");
    vi.advanceTimersByTime(LONG_PRESS_MS * 2);
    expect(input().value).toBe("");
    pointer(key("8"), "pointerup");
    key("8").click();
    expect(input().value).toBe("8");
  });

  test("keys and Backspace ask for suggestions as typing does", async () => {
    const alice: Suggestion = {
      name: "Alice Martin",
      number: "+33123456789",
      display: "+33 1 23 45 67 89",
      source: "contact",
    };
    const backend = open({ suggest_numbers: () => [alice] });
    input().focus();
    key("0").click();
    vi.advanceTimersByTime(SUGGEST_DELAY_MS);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toHaveLength(0);

    key("1").click();
    vi.advanceTimersByTime(SUGGEST_DELAY_MS - 1);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toHaveLength(0);
    vi.advanceTimersByTime(1);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toEqual([{ text: "01" }]);
    const list = document.querySelector<HTMLElement>('[role="listbox"]')!;
    expect(list.hidden).toBe(false);
    expect(input().getAttribute("aria-expanded")).toBe("true");

    // In the middle of the text too.
    input().setSelectionRange(1, 1);
    key("2").click();
    vi.advanceTimersByTime(SUGGEST_DELAY_MS);
    await settle();
    expect(backend.argsOf("suggest_numbers").at(-1)).toEqual({ text: "021" });

    input().setSelectionRange(3, 3);
    backspace().click();
    backspace().click();
    expect(list.hidden).toBe(true);
    vi.advanceTimersByTime(SUGGEST_DELAY_MS);
    await settle();
    expect(backend.argsOf("suggest_numbers")).toHaveLength(2);
  });

  test("Enter in the field still dials what the keys typed", async () => {
    const backend = open({ dial_text: ({ text }) => ({ destination: String(text), display: String(text) }) });
    for (const character of "0123") key(character).click();
    const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    input().dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(false);
    input().form?.requestSubmit();
    await settle();
    expect(backend.argsOf("dial_text")).toEqual([{ text: "0123" }]);
    expect(result()).toBe("Calling 0123");
  });

  test("a held Enter dials once: its repeats do nothing", () => {
    open({});
    const repeat = new KeyboardEvent("keydown", {
      key: "Enter",
      repeat: true,
      bubbles: true,
      cancelable: true,
    });
    input().dispatchEvent(repeat);
    expect(repeat.defaultPrevented).toBe(true);
  });

  test("unmounting stops a long press under way", () => {
    open({});
    const field = input();
    pointer(key("0"), "pointerdown");
    unmount();
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(field.value).toBe("");
  });
});

describe("in French", () => {
  test("the Dial tab speaks French", async () => {
    setLocale("fr");
    open({
      dial_text: () => ({ destination: "+33123456789", display: "+33 1 23 45 67 89" }),
      suggest_numbers: () => [{ name: null, number: "0123456700", display: "0123456700", source: "history" }],
    });
    expect(input().placeholder).toBe("Numéro à appeler");
    expect(input().getAttribute("aria-label")).toBe("Numéro à appeler");
    expect(button().textContent).toBe("Appeler");
    expect(document.querySelector('[role="listbox"]')?.getAttribute("aria-label")).toBe("Numéros suggérés");
    expect(document.querySelector('[role="group"]')?.getAttribute("aria-label")).toBe("Clavier");
    const names = [...document.querySelectorAll(".dial-key")].map((key) => key.getAttribute("aria-label"));
    expect(names.slice(9)).toEqual(["Étoile", "0 +", "Dièse"]);
    expect(document.querySelector(".dial-backspace")?.getAttribute("aria-label")).toBe("Effacer");
    expect(document.querySelector<HTMLElement>('.dial-key[data-key="0"]')?.title).toBe(
      "Maintenir appuyé pour +",
    );
    input().value = "01";
    input().dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(SUGGEST_DELAY_MS);
    await settle();
    expect(document.querySelector('[role="option"] .source')?.textContent).toBe("Historique");
    await dial("   ");
    expect(result()).toBe("Saisissez un numéro à appeler.");
    await dial("0123456789");
    expect(result()).toBe("Appel vers +33 1 23 45 67 89");
  });
});
