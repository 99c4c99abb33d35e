import { expect, test } from "vitest";
import type { DialOutcome } from "../bindings";
import { deferred, settle, usePage } from "../testing";
import { mount } from "./dialpad";

const { start: open } = usePage(mount);

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
  expect(result()).toBe("This number is ambiguous — add the country code");
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
