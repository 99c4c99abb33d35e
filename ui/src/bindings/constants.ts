// Generated from src-tauri/src/popup.rs (cargo test -p istra-tray). Do not edit by hand.

/** The popup window's width, in CSS pixels. */
export const POPUP_WIDTH = 340;
/** Each call card's height: the window is as tall as its cards. */
export const POPUP_CARD_HEIGHT = 150;
/** The placeholders a screen pop address may hold. */
export const SCREEN_POP_PLACEHOLDERS = ["number","e164","label","name","acd","callId","direction"];
/** The commands the pages may invoke. */
export const COMMANDS = ["get_status","sign_in","select_terminal","sign_out","popup_calls","dismiss_call","popup_painted","copy_number","call_back","history_page","export_history","mark_all_seen","dial_text","get_settings","save_settings","close_window","suggest_numbers","import_contacts","clear_contacts","contact_count","screen_pop"] as const;
export type Command = (typeof COMMANDS)[number];
