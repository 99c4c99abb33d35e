//! The controller on Tauri's mock runtime, against the simulator over real loopback HTTP and
//! websockets, with a journal in memory: what a call does to the popup, History and the tray's
//! status; Do not disturb; a refused sign-in and a sign-out; a terminal switch; settings that
//! cannot be saved; a dial that fails and is tried again at once.

mod common;

use common::{DESK, Signed, WAIT, controller, eventually, settings_for, signed_in_with};
use istra_tray::control::controller::Persistence;
use istra_tray::model::error::ErrorCode;
use istra_tray::model::settings::{Managed, SettingChange, Settings};
use istra_tray::model::status::ConnectionState;
use istra_tray::model::views::{CallStateView, HistoryFilter};
use istra_tray::platform::settings_file::SettingsFiles;
use mycrm::Credentials;
use mycrm_sim::{Sim, SimConfig};
use serde_json::{Value, json};
use tauri::Manager as _;

const SOFTPHONE: &str = "5985841581756135024";

async fn signed_in() -> Signed {
    signed_in_with(|s| s).await
}

fn ringing(id: &str, number: &str, label: &str) -> Value {
    json!({"event":"callRinging","callId":id,"displayNumber":number,"displayNumberE164":number,
           "displayLabel":label,"incoming":true,"type":"external"})
}

fn dropped(id: &str, cause: &str) -> Value {
    json!({"event":"callDropped","callId":id,"dropCause":cause,"talkingTime":0})
}

#[tokio::test]
async fn an_incoming_call_pops_up_is_journaled_and_a_missed_one_is_counted() {
    let s = signed_in().await;
    s.sim.control().send_items(DESK, vec![ringing("-1", "+33123456789", "ACME")]);
    eventually("the call is in the popup", || s.controller.popup_calls().iter().any(|c| c.id == "-1")).await;
    let shown = s.controller.popup_calls();
    assert_eq!(shown[0].lines.title, "ACME");
    assert_eq!(shown[0].state, CallStateView::Ringing);
    eventually("the popup window exists", || s.app.get_webview_window("popup").is_some()).await;

    s.sim.control().send_items(DESK, vec![dropped("-1", "noAnswer")]);
    eventually("the missed call is counted", || s.controller.status().missed_count == 1).await;
    assert!(s.controller.recent_calls().iter().any(|c| c.id == "-1" && c.missed), "recent calls (the tray's)");
    eventually("History has it", || {
        s.controller.history_page(HistoryFilter::All, None, None).is_ok_and(|p| p.calls.iter().any(|c| c.id == "-1"))
    })
    .await;
    s.controller.mark_missed_seen();
    assert_eq!(s.controller.status().missed_count, 0, "seen from the tray");
}

#[tokio::test]
async fn do_not_disturb_records_calls_without_a_popup() {
    let s = signed_in().await;
    s.controller.set_dnd(true);
    assert!(s.controller.status().dnd);
    s.sim.control().send_items(DESK, vec![ringing("-2", "+33123456789", "Quiet"), dropped("-2", "noAnswer")]);
    eventually("the call is recorded", || s.controller.recent_calls().iter().any(|c| c.id == "-2")).await;
    assert!(s.controller.popup_calls().is_empty(), "no popup in Do not disturb");
    assert_eq!(s.controller.status().missed_count, 1, "counted all the same");
    s.controller.set_dnd(false);
    s.sim.control().send_items(DESK, vec![ringing("-3", "+33123456780", "Loud")]);
    eventually("popups are back", || s.controller.popup_calls().iter().any(|c| c.id == "-3")).await;
}

#[tokio::test]
async fn a_refused_sign_in_says_why_and_a_sign_out_stops_listening() {
    let sim = Sim::start(SimConfig::default()).await.expect("simulator");
    let (_app, controller) = controller(settings_for(&sim), Persistence::Memory).await;
    controller.connect(Credentials::new("alice", "wrong")).await.expect("tried");
    eventually("the refusal is told", || controller.status().state == ConnectionState::Failed).await;
    let status = controller.status();
    assert_eq!(status.error.map(|e| e.code), Some(ErrorCode::BadCredentials));
    assert!(status.line.contains("Wrong login or password"), "{}", status.line);
    assert_eq!(sim.control().login_attempts(), 1, "a refused password is not tried again by itself");
    assert_eq!(sim.control().subscriber_count(DESK), 0);

    controller.connect(Credentials::new("alice", "secret")).await.expect("signed in");
    eventually("online", || controller.status().state == ConnectionState::Online).await;
    controller.sign_out().await;
    assert_eq!(controller.status().state, ConnectionState::SignedOut);
    eventually("the listener is gone", || sim.control().subscriber_count(DESK) == 0).await;
    eventually("the session is closed on the server", || sim.control().logout_count() == 1).await;
}

#[tokio::test]
async fn switching_the_terminal_listens_to_the_new_one() {
    let s = signed_in().await;
    s.controller.select_terminal(SOFTPHONE).await.expect("switched");
    assert!(s.sim.control().wait_for_subscriber(SOFTPHONE, WAIT).await, "listening to the softphone");
    eventually("the status names the softphone", || s.controller.status().terminal.is_some_and(|t| t.id == SOFTPHONE))
        .await;
    assert_eq!(s.controller.settings().terminal_id.as_deref(), Some(SOFTPHONE), "the choice is kept");
    let refused = s.controller.select_terminal("42").await;
    assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::BadTerminal), "not one of the user's");
}

#[tokio::test]
async fn settings_that_cannot_be_saved_change_nothing() {
    let sim = Sim::start(SimConfig::default()).await.expect("simulator");
    // The settings file's folder is a file: saving fails.
    let blocker = std::env::temp_dir().join(format!("istra-tray-blocker-{}", std::process::id()));
    std::fs::write(&blocker, "not a folder").expect("written");
    let persistence = Persistence::Stored(SettingsFiles { user: blocker.join("settings.json"), system: None });
    let (_app, controller) = controller(settings_for(&sim), persistence).await;
    let before = controller.settings();
    let refused = controller.change_setting(SettingChange::OutsideLinePrefix(Some("0".into()))).await;
    assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::Internal), "the file cannot be written");
    assert_eq!(controller.settings(), before, "the running settings are the file's");
    let _ = std::fs::remove_file(blocker);
}

#[tokio::test]
async fn a_setting_changed_applies_at_once_and_keeps_what_the_tray_changed() {
    let s = signed_in().await;
    s.controller.set_dnd(true);
    let saved = s.controller.change_setting(SettingChange::OutsideLinePrefix(Some(" 0 ".into()))).await;
    assert_eq!(saved.map(|saved| saved.outside_line_prefix), Ok(Some("0".to_owned())), "checked and tidied");
    assert!(s.controller.settings().dnd, "Do not disturb from the tray is kept");
    let placed = s.controller.dial_text("+33 1 23 45 67 89").await.expect("dialed");
    assert_eq!(placed.destination, "0+33123456789", "the new prefix is used without a restart");
    let refused = s.controller.change_setting(SettingChange::PopupLingerSecs(0)).await;
    assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::InvalidSettings));
    assert_eq!(s.controller.settings().popup_linger_secs, Settings::default().popup_linger_secs, "nothing changed");
}

#[tokio::test]
async fn a_setting_the_administrators_locked_is_refused_and_the_others_still_change() {
    let sim = Sim::start(SimConfig::default()).await.expect("simulator");
    let managed = Managed { locked: vec!["hotkey".into(), "server".into()], reason: Some("IT, ext. 1234".into()) };
    let (_app, controller) = controller(Settings { managed, ..settings_for(&sim) }, Persistence::Memory).await;
    let refused = controller.change_setting(SettingChange::Hotkey("Ctrl+Alt+K".into())).await;
    assert_eq!(refused.map_err(|e| e.code), Err(ErrorCode::LockedSetting));
    let changed = controller.change_setting(SettingChange::NotifyMissed(false)).await.expect("not locked");
    assert_eq!(changed.managed.locked, vec!["hotkey".to_owned(), "server".to_owned()], "the locks stay");
    let elsewhere = controller.sign_in("https://other.example.com", "alice", "pw".into(), false, None).await;
    assert_eq!(elsewhere.map_err(|e| e.code), Err(ErrorCode::LockedSetting), "no sign-in to another server");
}

#[tokio::test]
async fn a_dial_that_fails_can_be_tried_again_at_once() {
    let s = signed_in().await;
    s.sim.control().set_out_of_service(DESK, true);
    let failed = s.controller.dial_text("+33 1 23 45 67 89").await;
    assert_eq!(failed.map_err(|e| e.code), Err(ErrorCode::TerminalOutOfService));
    s.sim.control().set_out_of_service(DESK, false);
    let placed = s.controller.dial_text("+33 1 23 45 67 89").await.expect("placed on the retry");
    assert_eq!(placed.destination, "+33123456789");
    assert_eq!(s.sim.control().wait_for_placed_calls(1, WAIT).await.len(), 1);
    let again = s.controller.dial_text("+33 1 23 45 67 89").await;
    assert_eq!(again.map_err(|e| e.code), Err(ErrorCode::Duplicate), "a double press dials nothing");
}
