// Generated from src-tauri/src/shell/popup.rs (cargo test -p istra-tray). Do not edit by hand.

/** The popup window's width, in CSS pixels. */
export const POPUP_WIDTH = 340;
/** Each call card's height: the window is as tall as its cards. */
export const POPUP_CARD_HEIGHT = 150;
/** The placeholders a screen pop address may hold. */
export const SCREEN_POP_PLACEHOLDERS = ["number","e164","label","name","acd","callId","direction"];
/** The commands the pages may invoke. */
export const COMMANDS = ["get_status","sign_in","select_terminal","sign_out","popup_calls","dismiss_call","popup_painted","copy_number","call_back","history_page","export_history","mark_all_seen","save_note","open_note","dial_text","get_settings","change_setting","set_secret","test_lookup","sync_address_book","close_window","suggest_numbers","import_contacts","clear_contacts","contact_count","screen_pop","ask"] as const;
export type Command = (typeof COMMANDS)[number];
/** The countries the dial rules know (ISO 3166 alpha-2): Settings' default country. */
export const DIAL_COUNTRIES = ["AC","AD","AE","AF","AG","AI","AL","AM","AO","AR","AS","AT","AU","AW","AX","AZ","BA","BB","BD","BE","BF","BG","BH","BI","BJ","BL","BM","BN","BO","BQ","BR","BS","BT","BW","BY","BZ","CA","CC","CD","CF","CG","CH","CI","CK","CL","CM","CN","CO","CR","CU","CV","CW","CX","CY","CZ","DE","DJ","DK","DM","DO","DZ","EC","EE","EG","EH","ER","ES","ET","FI","FJ","FK","FM","FO","FR","GA","GB","GD","GE","GF","GG","GH","GI","GL","GM","GN","GP","GQ","GR","GT","GU","GW","GY","HK","HN","HR","HT","HU","ID","IE","IL","IM","IN","IO","IQ","IR","IS","IT","JE","JM","JO","JP","KE","KG","KH","KI","KM","KN","KP","KR","KW","KY","KZ","LA","LB","LC","LI","LK","LR","LS","LT","LU","LV","LY","MA","MC","MD","ME","MF","MG","MH","MK","ML","MM","MN","MO","MP","MQ","MR","MS","MT","MU","MV","MW","MX","MY","MZ","NA","NC","NE","NF","NG","NI","NL","NO","NP","NR","NU","NZ","OM","PA","PE","PF","PG","PH","PK","PL","PM","PR","PS","PT","PW","PY","QA","RE","RO","RS","RU","RW","SA","SB","SC","SD","SE","SG","SH","SI","SJ","SK","SL","SM","SN","SO","SR","SS","ST","SV","SX","SY","SZ","TA","TC","TD","TG","TH","TJ","TK","TL","TM","TN","TO","TR","TT","TV","TW","TZ","UA","UG","US","UY","UZ","VA","VC","VE","VG","VI","VN","VU","WF","WS","XK","YE","YT","ZA","ZM","ZW"];
/** The most characters a call's note, and one outcome, keep; the most outcomes listed. */
export const NOTE_MAX_CHARS = 2000;
export const OUTCOME_MAX_CHARS = 60;
export const MAX_OUTCOMES = 20;
