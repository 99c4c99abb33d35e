/// The commands the web pages may invoke, written once: the app manifest (`build.rs`) and the
/// pages' generated `COMMANDS` (`ui/src/bindings/constants.ts`) come from here; `lib.rs`
/// registers a handler for each.
pub const COMMANDS: &[&str] = &[
    "get_status",
    "sign_in",
    "select_terminal",
    "sign_out",
    "popup_calls",
    "dismiss_call",
    "popup_painted",
    "copy_number",
    "call_back",
    "history_page",
    "export_history",
    "mark_all_seen",
    "dial_text",
    "get_settings",
    "change_setting",
    "set_secret",
    "test_lookup",
    "close_window",
    "suggest_numbers",
    "import_contacts",
    "clear_contacts",
    "contact_count",
    "screen_pop",
    "ask",
];
