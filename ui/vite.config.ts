import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  root,
  // Tauri serves the pages from its own protocol; relative URLs keep them location-independent.
  base: "./",
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    // The word catalogs live beside ui/, shared with the Rust side, and the dev server serves
    // nothing outside its root unless told.
    fs: { allow: [root, resolve(root, "../locales")] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: {
        signin: resolve(root, "signin.html"),
        popup: resolve(root, "popup.html"),
        main: resolve(root, "main.html"),
      },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
    restoreMocks: true,
    // Stylesheets are left out of tests, except as text: the popup's tests read its rules.
    css: { include: [/\.css\?raw$/] },
  },
});
