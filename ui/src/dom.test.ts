import { describe, expect, test } from "vitest";
import { el, isolated, isPlainHttp, notice, serverInput } from "./dom";

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
