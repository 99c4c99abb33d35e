import { emit } from "@tauri-apps/api/event";
import { expect, test, vi } from "vitest";
import type { CallView } from "../bindings";
import { sampleCall, settle, usePage, type Handlers } from "../testing";
import { mount } from "./history";

const page = usePage(mount, { fakeTime: true });

const open = (calls: CallView[], handlers: Handlers = {}) =>
  page.open({ recent_calls: () => calls, ...handlers });

const rows = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(".recent-call")];
const noticeText = (): string | null => document.querySelector(".recent-notice")?.textContent ?? null;

test("lists recent calls newest first with who, when and how they went", async () => {
  const now = Date.now();
  await open([
    sampleCall({ id: "b", state: "ended", missed: true, startedAtMs: now - 5 * 60_000 }),
    sampleCall({
      id: "a",
      label: null,
      direction: "outgoing",
      state: "ended",
      talkMs: 125_000,
      startedAtMs: now - 2 * 3_600_000,
    }),
  ]);
  const [missed, talked] = rows();
  expect(missed?.dataset.callId).toBe("b");
  expect(missed?.querySelector(".title")?.textContent).toBe("ACME Corp");
  expect(missed?.querySelector(".number")?.textContent).toBe("01 23 45 67 89");
  expect(missed?.querySelector(".when")?.textContent).toBe("5 min ago");
  expect(missed?.querySelector(".outcome")?.textContent).toBe("Missed");
  expect(missed?.classList.contains("missed")).toBe(true);
  expect(missed?.querySelector(".direction")?.getAttribute("aria-label")).toBe("Incoming");

  expect(talked?.querySelector(".title")?.textContent).toBe("01 23 45 67 89");
  expect(talked?.querySelector(".outcome")?.textContent).toBe("02:05");
  expect(talked?.querySelector(".direction")?.getAttribute("aria-label")).toBe("Outgoing");
});

test("times move on while the list is open", async () => {
  await open([sampleCall({ state: "ended", startedAtMs: Date.now() })]);
  expect(document.querySelector(".when")?.textContent).toBe("just now");
  vi.advanceTimersByTime(2 * 60_000);
  expect(document.querySelector(".when")?.textContent).toBe("2 min ago");
});

test("says there are no calls yet, then shows new ones as they come", async () => {
  await open([]);
  expect(document.querySelector<HTMLElement>(".empty")?.hidden).toBe(false);
  await emit("recent-calls-changed", [sampleCall({ state: "ended", missed: true })]);
  expect(rows()).toHaveLength(1);
  expect(document.querySelector<HTMLElement>(".empty")?.hidden).toBe(true);
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
  await open([sampleCall({ label: "<img src=x onerror=alert(1)>" })]);
  expect(document.querySelector(".label")?.textContent).toBe("<img src=x onerror=alert(1)>");
  expect(document.querySelector("img")).toBeNull();
});

test("a call without a number cannot be called back", async () => {
  await open([sampleCall({ label: null, number: null, numberDisplay: null, e164: null })]);
  expect(document.querySelector<HTMLButtonElement>("button.call-back")?.disabled).toBe(true);
});
