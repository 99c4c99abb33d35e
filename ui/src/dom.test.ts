import { describe, expect, test } from "vitest";
import { callTitleElement, el, isolated, isPlainHttp, notice, serverInput } from "./dom";
import { setLocale } from "./i18n";

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
});

describe("callTitleElement", () => {
  test("a contact's name or a label reads in its own direction, a number left to right", () => {
    expect(callTitleElement({ text: "أحمد", kind: "name" }).getAttribute("dir")).toBe("auto");
    expect(callTitleElement({ text: "ACME", kind: "label" }).getAttribute("dir")).toBe("auto");
    expect(callTitleElement({ text: "+33 1", kind: "number" }).getAttribute("dir")).toBe("ltr");
    expect(callTitleElement({ text: "Alice", kind: "name" }).className).toBe("title name");
  });
});

describe("isPlainHttp", () => {
  test.each([
    ["http://pbx.example.com", true],
    ["  HTTP://pbx", true],
    ["https://pbx.example.com", false],
    ["pbx.example.com", false],
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

  test("warns in French when the locale is French", () => {
    setLocale("fr");
    expect(serverInput().warning.textContent).toBe("Le mot de passe circulera en clair");
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
