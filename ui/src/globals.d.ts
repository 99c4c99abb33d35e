import type { CallView } from "./bindings";

declare global {
  interface Window {
    /**
     * What the Rust side tells every page before any of its scripts runs
     * (`src-tauri/src/shell/windows.rs`): the app's language and version and, for the popup, the
     * calls to draw at once. Absent when a page runs outside the app.
     */
    __ISTRA__?: { readonly locale: "en" | "fr"; readonly version?: string; readonly popupCalls?: CallView[] };
  }
}
