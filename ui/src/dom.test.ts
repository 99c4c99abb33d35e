import { describe, expect, test } from "vitest";
import type { CallLines } from "./bindings";
import {
  caFileInput,
  caFileValue,
  callSubtitleElement,
  callTitleElement,
  el,
  isolated,
  isPlainHttp,
  notice,
  serverInput,
} from "./dom";
import { setLocale } from "./i18n";
import { sampleLines } from "./testing";

describe("el", () => {
  test("puts text in as characters, never as markup", () => {
    const element = el("p", { text: "<img src=x onerror=alert(1)>" });
    expect(element.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(element.children).toHaveLength(0);
  });
});

describe("isolated", () => {
  test("wraps outside text in a bdi with its own direction", () => {
    const element = isolated("مرحبا", "label");
    expect(element.tagName).toBe("BDI");
    expect(element.getAttribute("dir")).toBe("auto");
    expect(isolated("+33 1", "number", "ltr").getAttribute("dir")).toBe("ltr");
  });

  test("shows the text whole, the Rust side having cut it, and repeats it in the title", () => {
    const text = `${"A".repeat(119)}…`;
    const element = isolated(text, "label");
    expect(element.textContent).toBe(text);
    expect(element.title).toBe(text);
  });
});

describe("a call's lines", () => {
  test("a contact's name or a label reads in its own direction, a number left to right", () => {
    const title = (overrides: Partial<CallLines>) => callTitleElement(sampleLines(overrides));
    expect(title({ title: "أحمد", titleKind: "name" }).getAttribute("dir")).toBe("auto");
    expect(title({ title: "ACME", titleKind: "label" }).getAttribute("dir")).toBe("auto");
    expect(title({ title: "+33 1", titleKind: "number" }).getAttribute("dir")).toBe("ltr");
    expect(title({ title: "Unknown caller", titleKind: "unknown" }).getAttribute("dir")).toBe("ltr");
    expect(title({ title: "Alice", titleKind: "name" }).className).toBe("title name");
  });

  test("the line under the title holds the label, number and E.164 form it has, in that order", () => {
    const line = callSubtitleElement(sampleLines({ label: "Reception" }));
    expect(
      [...line.children].map((part) => [part.className, part.textContent, part.getAttribute("dir")]),
    ).toEqual([
      ["label", "Reception", "auto"],
      ["number", "01 23 45 67 89", "ltr"],
      ["e164", "+33123456789", "ltr"],
    ]);
    expect(callSubtitleElement(sampleLines({ number: null, e164: null })).childElementCount).toBe(0);
  });
});

describe("isPlainHttp", () => {
  test.each([
    ["http://pbx.example.com", true],
    ["  HTTP://pbx", true],
    ["https://pbx.example.com", false],
    ["pbx.example.com", false],
    // This computer's loopback (the demo's simulator): nothing crosses a network.
    ["http://127.0.0.1:41234", false],
    ["http://localhost:8080/restletrouter", false],
    ["http://[::1]:80", false],
    ["http://127.0.0.1.evil.example", true],
    ["http://localhost.evil.example", true],
    ["http://", true],
  ])("%s → %s", (url, plain) => {
    expect(isPlainHttp(url)).toBe(plain);
  });
});

describe("serverInput", () => {
  test("shows the warning once the value is set from code and refreshed", () => {
    const { input, warning, refresh } = serverInput();
    expect(warning.hidden).toBe(true);
    input.value = "http://pbx";
    refresh();
    expect(warning.hidden).toBe(false);
  });

  test("follows what is typed, and ties the warning to the input while shown", () => {
    const { input, warning } = serverInput();
    const typed = (value: string): void => {
      input.value = value;
      input.dispatchEvent(new Event("input"));
    };
    expect(warning.getAttribute("role")).toBe("status");
    expect(warning.classList.contains("plain-http-warning")).toBe(true);
    typed(" HTTP://pbx");
    expect(warning.hidden).toBe(false);
    expect(input.getAttribute("aria-describedby")).toBe(warning.id);
    typed("https://pbx");
    expect(warning.hidden).toBe(true);
    expect(input.hasAttribute("aria-describedby")).toBe(false);
  });

  test("two inputs have warnings of their own", () => {
    expect(serverInput().warning.id).not.toBe(serverInput().warning.id);
  });

  test("warns in French when the locale is French", () => {
    setLocale("fr");
    expect(serverInput().warning.textContent).toBe(
      "Cette adresse n'est pas chiffrée\u00a0: votre mot de passe circulerait en clair sur le réseau. Utilisez https:// sauf avis contraire de votre administrateur.",
    );
  });
});

describe("the CA file", () => {
  test("has a text input named caFile with an example path", () => {
    const input = caFileInput();
    expect(input.name).toBe("caFile");
    expect(input.type).toBe("text");
    expect(input.placeholder).toBe("/etc/ssl/certs/company-ca.pem");
  });

  test.each([
    ["", null],
    ["   ", null],
    [" /etc/ssl/ca.pem ", "/etc/ssl/ca.pem"],
    ["C:\\Certs\\Company CA.pem", "C:\\Certs\\Company CA.pem"],
  ])("%j is sent as %j", (typed, sent) => {
    expect(caFileValue(typed)).toBe(sent);
  });
});

describe("notice", () => {
  test("hides when cleared", () => {
    const line = notice("x");
    line.show("Saved", "success");
    expect(line.element.hidden).toBe(false);
    expect(line.element.dataset.tone).toBe("success");
    line.show(null);
    expect(line.element.hidden).toBe(true);
  });
});
