fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
        "get_status",
        "sign_in",
        "select_terminal",
        "sign_out",
        "popup_calls",
        "dismiss_call",
        "copy_number",
        "call_back",
        "history_page",
        "export_history",
        "mark_all_seen",
        "dial_text",
        "get_settings",
        "save_settings",
        "close_window",
        "suggest_numbers",
        "import_contacts",
        "clear_contacts",
        "contact_count",
        "screen_pop",
    ])))
    .expect("tauri build script");
}
