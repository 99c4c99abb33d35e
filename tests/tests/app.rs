//! The real app, as a desk worker uses it. Run inside `scripts/desktop-session.sh` (see
//! `scripts/e2e.sh`), one test at a time.

use std::time::{Duration, Instant};

use istra_tray_e2e::{
    AccessibleWatch, App, BareCompositor, CrmDouble, Known, NoTray, PortalDouble, Sway, Unattended, WebDriver,
    accessible_text, close_window, copy_text, helper_processes, helpers_gone_within, keyring_items, notifications_seen,
    popup_geometry, popup_hidden_within, popup_size, popup_visible, press, press_button, process_tree, select_text,
    visible_window, visible_window_within, wait_for_notification,
};
use mycrm_sim::{PlacedCall, Scenario, Sim, SimConfig};
use serde_json::{Value, json};

const DESK: &str = "5985841581756135023";
const PASSWORD: &str = "pw-7f3c9a:x";
const WAIT: Duration = Duration::from_secs(10);
/// How long a screen reader may wait for a text: a new web process must join the accessibility
/// bus before its page is seen, which in a full run on a loaded 2-core machine has taken over
/// 10 s (a popup or a reloaded page shows to the eye in under a second).
const READER_WAIT: Duration = Duration::from_secs(30);

async fn sim() -> Sim {
    sim_with(SimConfig::default()).await
}

async fn sim_with(mut config: SimConfig) -> Sim {
    config.users[0].password = PASSWORD.to_owned();
    Sim::start(config).await.expect("simulator")
}

/// Starts the app and signs in through its window; the sign-in window stays current.
async fn signed_in(name: &str, sim: &Sim) -> App {
    signed_in_with_env(name, sim, &[]).await
}

/// As [`signed_in`], with extra environment variables for the app.
async fn signed_in_with_env(name: &str, sim: &Sim, env: &[(&str, &str)]) -> App {
    let app = App::start_with_env(name, &[], env).await;
    app.sign_in(&sim.base_url(), "alice", PASSWORD).await.expect("sign-in form");
    let status = app.wait_online(WAIT).await;
    assert_eq!(status["state"], "online", "{status}");
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    app
}

/// A call that rings on the desk phone and stops unanswered: a missed call.
fn ring_unanswered(sim: &Sim, id: &str, number: &str, label: &str) {
    sim.control().send_items(DESK, vec![ringing(id, number, label)]);
    sim.control().send_items(DESK, vec![json!({"event":"callDropped","callId":id,"dropCause":"noAnswer"})]);
}

fn ringing(id: &str, number: &str, label: &str) -> serde_json::Value {
    json!({"event":"callRinging","callId":id,"displayNumber":number,"displayNumberE164":number,
           "displayLabel":label,"incoming":true,"type":"external"})
}

#[tokio::test]
async fn signing_in_through_the_window_keeps_the_password_in_the_keyring_only() {
    let sim = sim().await;
    let app = signed_in("signin", &sim).await;
    app.driver.wait_for(".terminal-name", WAIT).await.expect("the terminal picker");
    let mut names = Vec::new();
    for element in app.driver.find_all(".terminal-name").await.expect("names") {
        names.push(app.driver.text(&element).await.expect("text"));
    }
    assert_eq!(names, ["Desk phone", "Softphone"]);
    let settings = std::fs::read_to_string(app.folder.join("config/istra-tray/settings.json")).expect("settings saved");
    assert!(settings.contains(&sim.base_url()) && settings.contains("alice"), "{settings}");
    assert!(keyring_items().await.contains(PASSWORD), "the password is in the keyring");
    assert_eq!(app.files_containing(PASSWORD), Vec::<std::path::PathBuf>::new(), "and in no file");
    // Done: a welcome says where the app lives and which key dials; Got it closes the window.
    let d = &app.driver;
    d.click(&d.wait_for("button.done:not([disabled])", WAIT).await.expect("Done")).await.expect("pressed");
    let key = d.wait_for_text(".welcome-key", WAIT, |t| !t.is_empty()).await.expect("the welcome");
    assert_eq!(key, "Select a phone number anywhere and press Ctrl+Alt+D to call it.");
    let where_ = d.text(&d.wait_for(".welcome-where", WAIT).await.expect("where")).await.expect("text");
    assert!(where_.contains("runs in the tray"), "{where_}");
    let before = d.windows().await.expect("windows").len();
    // The press closes the window it was sent to: WebDriver may answer it with "no such
    // window" (seen in CI). Whether the window closed is what the count below checks.
    let _ = d.click(&d.wait_for("button.got-it", WAIT).await.expect("Got it")).await;
    let start = Instant::now();
    while d.windows().await.map(|w| w.len()).unwrap_or(0) >= before && start.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(d.windows().await.map(|w| w.len()).unwrap_or(0) < before, "the sign-in window closed");
    app.stop().await;
}

#[tokio::test]
async fn the_administrators_defaults_and_locks_apply_at_start() {
    let sim = sim().await;
    let etc = std::env::temp_dir().join(format!("istra-tray-etc-{}", std::process::id()));
    std::fs::create_dir_all(&etc).expect("folder");
    std::fs::write(etc.join("defaults.json"), r#"{"popupLingerSecs": 9, "hotkey": "Ctrl+Alt+K"}"#).expect("written");
    let policy =
        json!({"locked": {"server": sim.base_url(), "hotkey": "Ctrl+Alt+J"}, "reason": "Set by IT (ext. 1234)"});
    std::fs::write(etc.join("policy.json"), policy.to_string()).expect("written");
    let etc_text = etc.to_string_lossy().into_owned();
    let app = App::start_with_env("managed", &[], &[("ISTRA_TRAY_SYSTEM_DIR", etc_text.as_str())]).await;
    let d = &app.driver;
    // The sign-in window shows the server the administrators set, and why it cannot be typed.
    let why = d.wait_for_text(".field .managed", WAIT, |text| text.contains("ext. 1234")).await.expect("the reason");
    assert_eq!(why, "Set by your administrators: Set by IT (ext. 1234)");
    let server = d.script("return document.querySelector('input[name=server]').value").await.expect("value");
    assert_eq!(server, json!(sim.base_url()));
    d.type_into(&d.wait_for("input[name=login]", WAIT).await.expect("login"), "alice").await.expect("typed");
    d.type_into(&d.wait_for("input[name=password]", WAIT).await.expect("password"), PASSWORD).await.expect("typed");
    d.click(&d.wait_for(".signin-form button[type=submit]", WAIT).await.expect("button")).await.expect("click");
    assert_eq!(app.wait_online(WAIT).await["state"], "online");
    let settings = d.invoke("get_settings", json!({})).await.expect("settings");
    assert_eq!(settings["popupLingerSecs"], 9, "the administrators' default: {settings}");
    assert_eq!(settings["hotkey"], "Ctrl+Alt+J", "the lock over the default: {settings}");
    let locked = settings["managed"]["locked"].as_array().cloned().unwrap_or_default();
    assert!(locked.contains(&json!("hotkey")) && locked.contains(&json!("server")) && locked.len() == 2, "{settings}");
    // Settings shows the locked dial key with the reason, and the app refuses to change it.
    app.click_tray_item("Open history").await.expect("clicked through dbusmenu");
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    d.script("location.hash = 'settings'").await.expect("Settings");
    let why = d.wait_for_text(".field .managed", WAIT, |text| !text.is_empty()).await.expect("the reason");
    assert_eq!(why, "Set by your administrators: Set by IT (ext. 1234)");
    let disabled = d.script("return document.querySelector('input[name=hotkey]').disabled").await.expect("hotkey");
    assert_eq!(disabled, json!(true));
    let refused = d.invoke("change_setting", json!({"change": {"field": "hotkey", "value": "Ctrl+Alt+L"}})).await;
    assert!(format!("{refused:?}").contains("locked_setting"), "{refused:?}");
    app.stop().await;
    let _ = std::fs::remove_dir_all(etc);
}

/// The processes whose command line holds `argument` and whose environment names `folder`.
fn processes_with(argument: &str, folder: &std::path::Path) -> Vec<u32> {
    let folder = folder.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            let has = |bytes: &[u8], text: &str| {
                bytes.split(|b| *b == 0).any(|part| String::from_utf8_lossy(part).contains(text))
            };
            (has(&cmdline, argument) && has(&environ, &folder)).then_some(pid)
        })
        .collect()
}

#[tokio::test]
async fn try_the_demo_on_the_sign_in_page_starts_the_demo_in_place_of_the_sign_in() {
    let app = App::start("try-demo", &[]).await;
    let d = &app.driver;
    let offer = d.wait_for_text(".demo-offer", WAIT, |t| t.contains("Try the demo")).await.expect("the offer");
    assert!(offer.contains("No account yet?"), "{offer}");
    d.click(&d.wait_for("button.try-demo", WAIT).await.expect("the button")).await.expect("clicked");
    // The app hands over to `istra-tray --demo` and ends; the demo's first call pops up.
    let logs = app.folder.join("state/istra-tray/logs");
    let painted = || {
        std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .any(|file| std::fs::read_to_string(file.path()).is_ok_and(|text| text.contains("popup painted")))
    };
    let start = Instant::now();
    while !painted() && start.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let demos = processes_with("--demo", &app.folder);
    for pid in &demos {
        let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
    }
    assert_eq!(demos.len(), 1, "one demo runs in place of the sign-in");
    assert!(painted(), "the demo's first call pops up");
    app.stop().await;
}

#[tokio::test]
async fn a_refused_sign_in_says_why_in_a_sentence_with_the_servers_words_under_details_and_clears_as_the_user_types() {
    let sim = sim().await;
    let app = App::start("refused", &[]).await;
    app.sign_in(&sim.base_url(), "alice", "wrong").await.expect("form");
    let d = &app.driver;
    let error = d.wait_for_text(".signin-error", WAIT, |t| !t.is_empty()).await.expect("an error line");
    assert_eq!(error, "Wrong login or password");
    d.click(&d.wait_for(".error-details summary", WAIT).await.expect("Details")).await.expect("opened");
    let detail = d.wait_for_text(".error-detail", WAIT, |t| !t.is_empty()).await.expect("the server's words");
    assert!(detail.contains("bad login or password"), "{detail}");
    assert_eq!(sim.control().login_count(), 0);
    d.type_into(&d.wait_for("input[name=password]", WAIT).await.expect("password"), "x").await.expect("typed");
    let cleared = d.wait_for_text(".signin-error", WAIT, str::is_empty).await;
    assert!(cleared.is_ok(), "the error goes as the user types: {cleared:?}");
    app.stop().await;
}

/// Starts the app as a login script would and waits until it watches the desk phone; the
/// popup is read and pressed through AT-SPI as a screen reader would.
async fn started(name: &str, sim: &Sim) -> Unattended {
    started_with_env(name, sim, &[]).await
}

/// As [`started`], with extra environment variables for the app.
async fn started_with_env(name: &str, sim: &Sim, env: &[(&str, &str)]) -> Unattended {
    let app = Unattended::sign_in_within(Unattended::folder(name), &sim.base_url(), "alice", PASSWORD, &[], env).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await, "online");
    app
}

/// The seconds a "Talking mm:ss" line in `text` reads.
fn talking_seconds(text: &str) -> Option<u32> {
    let clock = text.split("Talking ").nth(1)?.get(..5)?;
    let (minutes, seconds) = clock.split_once(':')?;
    Some(minutes.parse::<u32>().ok()? * 60 + seconds.parse::<u32>().ok()?)
}

/// Waits until `text` shows in the app's windows (AT-SPI); `send` runs once the reader looks.
async fn shows_after<T>(pid: u32, text: &str, send: impl FnOnce() -> T) -> bool {
    let watch = AccessibleWatch::start(pid, text, READER_WAIT).await;
    send();
    watch.found().await.is_some()
}

#[tokio::test]
async fn an_incoming_call_pops_up_follows_the_call_and_closes() {
    let sim = sim().await;
    let app = started("popup", &sim).await;
    let pid = app.pid().expect("running");
    let label = "<img src=x onerror=alert(1)>";
    let send = || sim.control().send_items(DESK, vec![ringing("-428", "+33123456789", label)]);
    assert!(shows_after(pid, "+33 1 23 45 67 89", send).await, "the popup shows the number");
    let seen = accessible_text(pid).await;
    assert!(seen.contains(label), "the label shows as the characters it is: {seen}");
    assert!(!seen.contains("\timage\t") && !seen.lines().any(|l| l.starts_with("image")), "and draws no image: {seen}");
    assert!(seen.contains("Incoming call…") && seen.contains("External"), "{seen}");
    // dunst shows notifications at the top right: the popup takes the bottom right of the
    // 1280×800 screen (no panel), 16 px in from the edges, one 150 px card tall.
    assert_eq!(popup_geometry().await, Some((924, 634, 340, 150)), "away from the notifications");
    let answer =
        || sim.control().send_items(DESK, vec![json!({"event":"callTalking","callId":"-428","talkCause":"answer"})]);
    assert!(shows_after(pid, "Talking 00:0", answer).await, "talking, with a timer");
    let first = talking_seconds(&accessible_text(pid).await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let later = talking_seconds(&accessible_text(pid).await);
    assert!(first.zip(later).is_some_and(|(a, b)| b >= a + 2), "that ticks: {first:?} then {later:?}");
    let drop = || {
        sim.control().send_items(
            DESK,
            vec![json!({"event":"callDropped","callId":"-428","dropCause":"disconnect","talkingTime":"65000"})],
        );
    };
    assert!(shows_after(pid, "Ended · 01:05", drop).await, "ended, with the talk time");
    assert!(popup_visible().await, "the popup is on screen during the call");
    assert!(popup_hidden_within(WAIT).await, "the popup went away by itself after the call");
    // Through a queue: the platform's label names the queue; the caller comes first.
    let queued = json!({"event":"callRinging","callId":"-429","displayNumber":"104","displayNumberE164":"104",
                        "displayLabel":"Support","incoming":true,"type":"internal","acdId":"0900000171"});
    assert!(shows_after(pid, "via Support", || sim.control().send_items(DESK, vec![queued])).await, "the next call");
    assert!(popup_visible().await, "on screen again");
    let seen = accessible_text(pid).await;
    assert!(seen.find("104") < seen.find("via Support"), "the caller first, the queue second: {seen}");
    let reject = json!({"event":"callDropped","callId":"-429","dropCause":"rejected","talkingTime":0});
    let declined = || sim.control().send_items(DESK, vec![reject]);
    assert!(shows_after(pid, "Declined", declined).await, "a call declined on the phone says so, not 'missed'");
    assert!(press_button(pid, "Call back", 0).await, "an unanswered call offers Call back");
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls.first().map(|c| c.destination.as_str()), Some("104"), "called back");
}

#[tokio::test]
async fn simultaneous_calls_stack_newest_on_top_and_a_card_is_dismissed_by_its_button() {
    let sim = sim().await;
    let app = started("stack", &sim).await;
    let pid = app.pid().expect("running");
    let send = || {
        sim.control().send_items(DESK, vec![ringing("1", "+4930123456", "Berlin"), ringing("2", "104", "Reception")]);
    };
    assert!(shows_after(pid, "Berlin", send).await && shows_after(pid, "Reception", || {}).await, "both calls");
    let seen = accessible_text(pid).await;
    assert!(seen.find("Reception") < seen.find("Berlin"), "newest on top: {seen}");
    // The window is as tall as its cards: 150 px each.
    let size_becomes = |wanted: (u32, u32)| async move {
        let start = Instant::now();
        let mut size = popup_size().await;
        while size != Some(wanted) && start.elapsed() < WAIT {
            tokio::time::sleep(Duration::from_millis(50)).await;
            size = popup_size().await;
        }
        size
    };
    assert_eq!(size_becomes((340, 300)).await, Some((340, 300)), "two cards");
    assert!(press_button(pid, "Dismiss", 0).await, "the top card's Dismiss button");
    assert_eq!(size_becomes((340, 150)).await, Some((340, 150)), "one card");
    let seen = accessible_text(pid).await;
    assert!(!seen.contains("Reception") && seen.contains("Berlin"), "the top card went: {seen}");
    assert!(press_button(pid, "Copy number", 0).await);
    assert!(shows_after(pid, "Copied", || {}).await, "Copy number says it copied");
    let clipboard = tokio::process::Command::new("xclip").args(["-o", "-selection", "clipboard"]).output().await;
    assert_eq!(String::from_utf8_lossy(&clipboard.expect("xclip").stdout), "+4930123456", "the caller's number");
}

/// The WebKit web process drawing the app's pages (the popup's, when it is the only window).
fn web_process(pid: u32) -> Option<u32> {
    process_tree(pid)
        .into_iter()
        .find(|p| std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.starts_with("WebKitWebProces")))
}

/// Kills the app's web process as the kernel's out-of-memory killer would; whether a new one
/// took its place in time.
async fn web_process_replaced_after_kill(pid: u32) -> bool {
    let killed = web_process(pid).expect("a web process to kill");
    let status = std::process::Command::new("kill").args(["-KILL", &killed.to_string()]).status().expect("kill");
    assert!(status.success());
    let start = Instant::now();
    while web_process(pid).is_none_or(|p| p == killed) && start.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    web_process(pid).is_some_and(|p| p != killed)
}

#[tokio::test]
async fn a_popup_whose_web_process_dies_draws_the_call_again_and_an_idle_app_keeps_no_webkit() {
    let sim = sim().await;
    // The popup is kept ready 2 s after the last call instead of minutes.
    let app = started_with_env("popup-crash", &sim, &[("ISTRA_TRAY_POPUP_KEEP_WARM_SECS", "2")]).await;
    let pid = app.pid().expect("running");
    let send = || sim.control().send_items(DESK, vec![ringing("-50", "+33123456789", "Crash Test")]);
    assert!(shows_after(pid, "Crash Test", send).await, "the popup shows the call");
    assert!(web_process_replaced_after_kill(pid).await, "a new web process draws the popup");
    assert!(shows_after(pid, "Crash Test", || {}).await, "the ringing call is drawn again");
    let drop = json!({"event":"callDropped","callId":"-50","dropCause":"disconnect","talkingTime":"1000"});
    sim.control().send_items(DESK, vec![drop]);
    assert!(popup_hidden_within(WAIT).await, "the popup went away after the call");
    assert!(helpers_gone_within(pid, 3 * WAIT).await, "idle again, no WebKit process is left");
    let call = || sim.control().send_items(DESK, vec![ringing("-51", "104", "Second Caller")]);
    assert!(shows_after(pid, "Second Caller", call).await, "and the next call pops up");
}

#[tokio::test]
async fn the_demos_first_call_pops_up() {
    let folder = Unattended::folder("demo");
    let mut app = tokio::process::Command::new(istra_tray_e2e::app_binary())
        .arg("--demo")
        .envs(istra_tray_e2e::folder_env(&folder))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the demo starts");
    // The demo's first call rings 3 s after the app listens; its second comes far later. The
    // popup's page reports each card it painted, and the app logs it.
    let logs = folder.join("state/istra-tray/logs");
    let painted = || {
        std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .any(|file| std::fs::read_to_string(file.path()).is_ok_and(|text| text.contains("popup painted")))
    };
    let start = Instant::now();
    while !painted() && start.elapsed() < Duration::from_secs(8) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = app.start_kill();
    assert!(painted(), "the first call of the demo pops up");
}

#[tokio::test]
async fn a_web_page_whose_process_dies_loads_again_and_closing_the_last_window_ends_webkit() {
    let sim = sim().await;
    // Started as a login script would: WebDriver would lose its session with the web process.
    // The popup made ready at sign-in is kept 2 s, not minutes: the page's is then the only
    // web process.
    let app = started_with_env("crash", &sim, &[("ISTRA_TRAY_POPUP_KEEP_WARM_SECS", "2")]).await;
    let pid = app.pid().expect("running");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(helpers_gone_within(pid, 3 * WAIT).await, "the popup made ready at sign-in went away");
    let open = || assert!(app.start_again(), "a second start opens the main window");
    let shown = shows_after(pid, "alice on Desk phone", open).await;
    assert!(shown, "the main window shows the status: {}", accessible_text(pid).await);
    assert!(web_process_replaced_after_kill(pid).await, "a new web process draws the page");
    let reloaded = shows_after(pid, "alice on Desk phone", || {}).await;
    assert!(reloaded, "the page loaded again: {}", accessible_text(pid).await);
    // Closed, the last window takes WebKit's processes with it.
    assert!(close_window("istra-tray").await, "the main window closed");
    helpers_gone_within(pid, 3 * WAIT).await;
    assert_eq!(helper_processes(pid), Vec::<String>::new(), "no WebKit process is left while idle");
    // Two seconds later WebKit's libraries are paged out; the window opens again all the same.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let shown = shows_after(pid, "alice on Desk phone", open).await;
    assert!(shown, "the main window opens again: {}", accessible_text(pid).await);
}

#[tokio::test]
async fn a_missed_call_notifies_and_is_counted() {
    let sim = sim().await;
    let app = signed_in("missed", &sim).await;
    // The session's notification log holds the earlier tests' too: only what follows counts.
    let before = notifications_seen().len();
    sim.control().send_items(DESK, vec![ringing("-7", "+33123456789", "Missed Caller Ltd")]);
    sim.control()
        .send_items(DESK, vec![json!({"event":"callDropped","callId":"-7","dropCause":"noAnswer","talkingTime":0})]);
    let status = app.wait_status(WAIT, |s| s["missedCount"] == 1).await;
    assert_eq!(status["missedCount"], 1, "missed count never reached 1: {status}");
    let seen = wait_for_notification("Missed Caller Ltd", WAIT).await.get(before..).unwrap_or_default().to_owned();
    assert!(seen.contains("Missed call") && seen.contains("Missed Caller Ltd"), "{seen}");
    assert!(seen.contains("call.missed") && seen.contains("desktop-entry"), "grouped under the app: {seen}");
    assert!(!seen.contains("Incoming call"), "one alert per call: the popup, not also a notification: {seen}");
    app.stop().await;
}

/// Presses the dial hotkey; returns the calls the simulator received (waits for the first).
async fn dial_selection_with_hotkey(sim: &Sim) -> Vec<PlacedCall> {
    press("ctrl+alt+d").await;
    sim.control().wait_for_placed_calls(1, WAIT).await
}

/// Presses the dial hotkey over a selection without a number: the user is told, nothing is dialed.
async fn hotkey_dials_nothing(sim: &Sim) {
    // The session's notification log holds every test's notifications: count the new ones.
    // The reason tells an unreadable selection ("cannot be read") from one without a number.
    let told = || notifications_seen().matches("No phone number found in the selection").count();
    let (told_before, placed_before) = (told(), sim.control().placed_calls().len());
    press("ctrl+alt+d").await;
    let start = Instant::now();
    while told() == told_before && start.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(told() > told_before, "the user is told why");
    assert_eq!(sim.control().placed_calls().len(), placed_before, "nothing was dialed");
}

#[tokio::test]
async fn the_hotkey_dials_the_selected_number_and_never_text_without_one() {
    // The simulated platform follows each placed call with the events of an outgoing call.
    let sim = sim_with(SimConfig { simulate_outgoing: true, ..SimConfig::default() }).await;
    let app = signed_in("hotkey", &sim).await;
    select_text("Tel.: +33 (0)1 23 45 67 89").await;
    // The number the popup of the placed call shows from the start to the end of the call.
    let progress = AccessibleWatch::start(app.app_pid().expect("running"), "+33 1 23 45 67 89", WAIT).await;
    let calls = dial_selection_with_hotkey(&sim).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].destination, "+33123456789");
    assert_eq!(calls[0].terminal_id, DESK);
    assert!(progress.found().await.is_some(), "the popup shows the call placed");
    select_text("see you at 12:30 in room 4").await;
    hotkey_dials_nothing(&sim).await;
    app.stop().await;
}

#[tokio::test]
async fn the_hotkey_dials_the_wayland_primary_selection_where_the_compositor_offers_it() {
    let mut sway = Sway::start().await;
    eprintln!("sway accepted connections {:?} after it started", sway.started_in);
    let sim = sim().await;
    let display = sway.display().to_string_lossy().into_owned();
    // Windows and the hotkey stay on the X display; the selection comes from the compositor.
    let app = signed_in_with_env("wayland", &sim, &[("WAYLAND_DISPLAY", &display), ("GDK_BACKEND", "x11")]).await;
    sway.select_text("Call +33 1 23 45 67 89").await;
    // A different number in the X11 selection: dialing it would mean X11 was read instead.
    select_text("Tel.: +33 4 56 78 90 12").await;
    let calls = dial_selection_with_hotkey(&sim).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].destination, "+33123456789", "the Wayland selection was dialed, not the X11 one");
    let logged = app.files_containing("the Wayland primary selection (data-control)");
    assert!(!logged.is_empty(), "the log says which selection is read");
    sway.select_text("see you at 12:30 in room 4").await;
    select_text("Tel.: +33 4 56 78 90 12").await;
    hotkey_dials_nothing(&sim).await;
    app.stop().await;
}

#[tokio::test]
async fn a_desktop_shortcut_running_dial_selection_dials_once_through_the_running_app() {
    // Where the app cannot hold a global key (GNOME 46 on Wayland, sway), the desktop's own
    // shortcut runs `istra-tray dial-selection`: the running app reads the selection as the
    // hotkey would (here the compositor's), and dials it once.
    let mut sway = Sway::start().await;
    let sim = sim().await;
    let display = sway.display().to_string_lossy().into_owned();
    let app = signed_in_with_env("shortcut", &sim, &[("WAYLAND_DISPLAY", &display), ("GDK_BACKEND", "x11")]).await;
    sway.select_text("Call +33 1 23 45 67 89").await;
    select_text("Tel.: +33 4 56 78 90 12").await;
    let binary = istra_tray_e2e::app_binary().to_string_lossy().into_owned();
    run_as_user(&app, &binary, &["dial-selection"]).await;
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].destination, "+33123456789", "the selection the user sees was dialed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.control().placed_calls().len(), 1, "dialed once");
    assert_eq!(sim.control().login_count(), 2, "by the running app, not a second sign-in");
    app.stop().await;
}

#[tokio::test]
async fn on_wayland_with_layer_shell_the_popup_shows_above_the_users_window_in_its_corner_without_taking_the_focus() {
    // A GTK window cannot place itself or stay on top on Wayland (sway tiles it full screen and
    // focuses it): where the compositor offers layer-shell, the app stays on Wayland and its
    // popup is a layer surface. Layer surfaces are not in sway's tree, so the popup is found on
    // screen: what changed since the call came is exactly the popup, in its corner.
    let sway = Sway::start().await;
    let display = sway.display().to_string_lossy().into_owned();
    // The user's application, tiled over the whole output and focused.
    let _user_window = sway.open_window("user's window").await;
    let sim = sim().await;
    let folder = Unattended::folder("layer");
    std::fs::create_dir_all(folder.join("config/istra-tray")).expect("config folder");
    let settings = r#"{"popupCorner":"bottom-left","popupLingerSecs":1}"#;
    std::fs::write(folder.join("config/istra-tray/settings.json"), settings).expect("settings");
    // No GDK_BACKEND: the app chooses by itself (the session's X display is there too). The
    // popup made ready at sign-in is gone a second later: the call's popup is a new window.
    let env = [("WAYLAND_DISPLAY", display.as_str()), ("ISTRA_TRAY_POPUP_KEEP_WARM_SECS", "1")];
    let app = Unattended::sign_in_within(folder, &sim.base_url(), "alice", PASSWORD, &[], &env).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await, "online");
    let logged = || app_log(&app.folder);
    assert!(logged().contains("display: native Wayland; the popup is a layer surface"), "{}", logged());
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let before = sway.screenshot().await;
    let bottom = before.height - 16;
    // Waits until what changed on screen since `before` is `wanted`; returns what changed.
    let changes_to = |wanted: (usize, usize, usize, usize)| {
        let before = &before;
        let sway = &sway;
        async move {
            let start = Instant::now();
            let mut changed = None;
            while changed != Some(wanted) && start.elapsed() < WAIT {
                tokio::time::sleep(Duration::from_millis(50)).await;
                changed = sway.screenshot().await.changed_since(before);
            }
            eprintln!("the screen showed {changed:?} after {:?}", start.elapsed());
            changed
        }
    };
    sim.control().send_items(DESK, vec![ringing("-501", "+33123456789", "Wayland")]);
    // One card, 340 × 150, 16 px in from the left and bottom edges of the output.
    let one = (16, bottom - 150, 340, 150);
    assert_eq!(changes_to(one).await, Some(one), "the popup is drawn above the user's window, bottom left");
    assert_eq!(sway.focused_window().await.as_deref(), Some("user's window"), "the popup took no focus");
    let seats = sway.ask("get_seats").await;
    assert_eq!(seats[0]["focus"], focused_id(&sway.ask("get_tree").await).expect("a focus"), "{seats}");
    // A second call: the popup grows upwards from its corner, and shrinks back when it ends.
    sim.control().send_items(DESK, vec![ringing("-502", "104", "Reception")]);
    let two = (16, bottom - 300, 340, 300);
    assert_eq!(changes_to(two).await, Some(two), "two cards, still in the corner");
    let drop = json!({"event":"callDropped","callId":"-502","dropCause":"disconnect","talkingTime":"0"});
    sim.control().send_items(DESK, vec![drop]);
    assert_eq!(changes_to(one).await, Some(one), "one card again");
    assert_eq!(sway.focused_window().await.as_deref(), Some("user's window"), "the focus never moved");
    let timings = ["page committed", "page loaded", "popup painted"];
    for line in logged().lines().filter(|l| timings.iter().any(|t| l.contains(t))) {
        eprintln!("{line}");
    }
}

#[tokio::test]
async fn on_a_wayland_desktop_without_layer_shell_the_app_goes_through_xwayland_and_the_popup_keeps_its_corner() {
    // GNOME's Mutter has no layer-shell, but places an Xwayland window where it asks and keeps
    // it above: there the whole app runs through Xwayland (the session's X display stands in).
    let compositor = BareCompositor::start();
    let display = compositor.display().to_string_lossy().into_owned();
    let sim = sim().await;
    let env = [("WAYLAND_DISPLAY", display.as_str())];
    let app =
        Unattended::sign_in_within(Unattended::folder("xwayland"), &sim.base_url(), "alice", PASSWORD, &[], &env).await;
    let online = sim.control().wait_for_subscriber(DESK, WAIT).await;
    assert!(online, "online: {}", app_log(&app.folder));
    let log = app_log(&app.folder);
    assert!(log.contains("the compositor has no layer-shell: the app runs through Xwayland"), "{log}");
    let pid = app.pid().expect("running");
    let send = || sim.control().send_items(DESK, vec![ringing("-510", "+33123456789", "GNOME")]);
    assert!(shows_after(pid, "+33 1 23 45 67 89", send).await, "the popup shows the call");
    // As on X11: the bottom right of the 1280×800 screen (dunst notifies at the top right).
    assert_eq!(popup_geometry().await, Some((924, 634, 340, 150)), "an X11 window in its corner");
}

/// Everything the app under `folder` logged so far.
fn app_log(folder: &std::path::Path) -> String {
    std::fs::read_dir(folder.join("state/istra-tray/logs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|file| std::fs::read_to_string(file.path()).ok())
        .collect()
}

/// The id of the node sway's tree marks focused.
fn focused_id(node: &serde_json::Value) -> Option<serde_json::Value> {
    if node["focused"] == true {
        return Some(node["id"].clone());
    }
    ["nodes", "floating_nodes"].iter().filter_map(|key| node[key].as_array()).flatten().find_map(focused_id)
}

#[tokio::test]
async fn without_a_tray_the_main_window_opens_says_why_and_does_what_the_tray_menu_would() {
    let sim = sim().await;
    let no_tray = NoTray::start().await;
    let app = signed_in("no-tray", &sim).await;
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window opens by itself");
    let said = d.wait_for_text(".tray-missing", WAIT, |t| t.contains("No tray shows")).await.expect("it says why");
    assert!(said.contains("AppIndicator"), "and how to get the icon on GNOME: {said}");
    d.click(&d.wait_for(".status-line .dnd-toggle", WAIT).await.expect("Do not disturb")).await.expect("pressed");
    assert_eq!(app.wait_status(WAIT, |s| s["dnd"] == true).await["dnd"], true, "do not disturb is on, from the header");
    copy_text("+33 1 23 45 67 89").await;
    d.click(&d.wait_for(".tray-dial-clipboard", WAIT).await.expect("Dial clipboard")).await.expect("pressed");
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls[0].destination, "+33123456789", "the copied number was dialed");
    app.stop().await;
    drop(no_tray);
}

#[tokio::test]
async fn on_wayland_the_desktops_portal_holds_the_dial_key_bound_once_and_shown_as_given() {
    let mut sway = Sway::start().await;
    let portal = PortalDouble::start().await;
    // The desktop decides the key: here another one than the app's Ctrl+Alt+D.
    portal.give_trigger("LOGO+F9").await;
    let sim = sim().await;
    let display = sway.display().to_string_lossy().into_owned();
    let env = [("WAYLAND_DISPLAY", display.as_str()), ("GDK_BACKEND", "x11"), ("XDG_SESSION_TYPE", "wayland")];
    let app = signed_in_with_env("portal", &sim, &env).await;
    let status = app.wait_status(WAIT, |s| s["hotkeyWay"] == "portal").await;
    assert_eq!(status["hotkey"], "LOGO+F9", "the key the desktop gave is the one shown: {status}");
    let state = portal.state().await;
    let ours = &state["apps"]["com.istra_tray.IstraTray"];
    assert_eq!(ours["binds"], 1, "bound under the app's own id: {state}");
    assert_eq!(ours["shortcuts"]["dial-selection"]["trigger"], "LOGO+F9");
    let told = || notifications_seen().matches("Dial selection: LOGO+F9").count();
    assert!(wait_for_notification("Dial selection: LOGO+F9", WAIT).await.contains("held by the desktop"));
    // The key pressed: the desktop tells the app, which dials the selection (Wayland's here).
    sway.select_text("Call +33 1 23 45 67 89").await;
    select_text("Tel.: +33 4 56 78 90 12").await;
    portal.press("dial-selection").await;
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls[0].destination, "+33123456789");
    // Started again, the app finds its shortcut and binds nothing (KDE would ask the user again);
    // the user was told once.
    let app = app.restart_with_env(&[], &env).await;
    let status = app.wait_status(WAIT, |s| s["hotkeyWay"] == "portal" && s["state"] == "online").await;
    assert_eq!(status["hotkey"], "LOGO+F9");
    assert_eq!(portal.state().await["apps"]["com.istra_tray.IstraTray"]["binds"], 1, "not bound again");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(told(), 1, "told once, not at every start");
    // Settings changes the key through the desktop's own dialog; the key it gives is shown.
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    let said = d.wait_for_text(".hotkey-way", WAIT, |t| t.contains("LOGO+F9")).await.expect("Settings says the key");
    assert!(said.contains("the desktop holds the dial key"), "{said}");
    portal.give_trigger("CTRL+ALT+F12").await;
    d.click(&d.wait_for(".change-dial-key", WAIT).await.expect("Change…")).await.expect("pressed");
    let status = app.wait_status(WAIT, |s| s["hotkey"] == "CTRL+ALT+F12").await;
    assert_eq!(status["hotkey"], "CTRL+ALT+F12", "the key given in the desktop's dialog");
    assert_eq!(portal.state().await["apps"]["com.istra_tray.IstraTray"]["configures"], 1);
    app.stop().await;
}

/// `gsettings` as the app's user, on the keyfile backend the GNOME test gives the app.
async fn gsettings(app: &App, args: &[&str]) -> String {
    run_as_user_with(app, "gsettings", args, &[("GSETTINGS_BACKEND", "keyfile")]).await.trim().to_owned()
}

#[tokio::test]
async fn on_gnome_without_a_portal_the_user_may_add_gnomes_own_shortcut_and_take_it_back() {
    const MEDIA_KEYS: &str = "org.gnome.settings-daemon.plugins.media-keys";
    const OURS: &str = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/istra-tray-dial-selection/";
    let sim = sim().await;
    let env =
        [("XDG_SESSION_TYPE", "wayland"), ("XDG_CURRENT_DESKTOP", "ubuntu:GNOME"), ("GSETTINGS_BACKEND", "keyfile")];
    let app = signed_in_with_env("gnome", &sim, &env).await;
    // A shortcut the user made in GNOME Settings, which must stay.
    let theirs = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/custom0/";
    gsettings(&app, &["set", MEDIA_KEYS, "custom-keybindings", &format!("['{theirs}']")]).await;
    let status = app.wait_status(WAIT, |s| s["hotkeyWay"] == "desktopShortcut").await;
    assert_eq!(status["shortcutOffer"]["kind"], "gnome", "{status}");
    assert!(wait_for_notification("Dial selection needs a desktop shortcut", WAIT).await.contains("dial-selection"));
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    // Ticked: applied at once, no Save.
    d.click(&d.wait_for("input[name=gnomeShortcut]", WAIT).await.expect("the offer")).await.expect("ticked");
    d.wait_for_text(".settings-notice", WAIT, |t| t == "Saved").await.expect("saved");
    let list = gsettings(&app, &["get", MEDIA_KEYS, "custom-keybindings"]).await;
    assert_eq!(list, format!("['{theirs}', '{OURS}']"), "added beside the user's own");
    let ours = format!("{MEDIA_KEYS}.custom-keybinding:{OURS}");
    assert_eq!(gsettings(&app, &["get", &ours, "binding"]).await, "'<Control><Alt>d'");
    let command = gsettings(&app, &["get", &ours, "command"]).await;
    assert!(command.ends_with("istra-tray dial-selection'"), "{command}");
    // Turned off: GNOME's shortcut goes, the user's stays.
    d.click(&d.wait_for("input[name=gnomeShortcut]", WAIT).await.expect("the offer")).await.expect("unticked");
    let start = Instant::now();
    let mut list = String::new();
    while start.elapsed() < WAIT && list != format!("['{theirs}']") {
        tokio::time::sleep(Duration::from_millis(100)).await;
        list = gsettings(&app, &["get", MEDIA_KEYS, "custom-keybindings"]).await;
    }
    assert_eq!(list, format!("['{theirs}']"));
    app.stop().await;
}

#[tokio::test]
async fn at_480_px_the_history_shows_its_first_row_whole_below_the_toolbar() {
    let sim = sim().await;
    let app = signed_in("narrow", &sim).await;
    ring_unanswered(&sim, "-31", "+33123456789", "Dupont Immobilier");
    app.wait_status(WAIT, |s| s["missedCount"] == 1).await;
    app.click_tray_item("Open history").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    d.resize(480, 640).await.expect("resized");
    d.wait_for_text(".history-call .title", WAIT, |t| t == "Dupont Immobilier").await.expect("the call listed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let boxes = d
        .script(
            "const bar = document.querySelector('.history-toolbar').getBoundingClientRect();
             const row = document.querySelector('.history-call').getBoundingClientRect();
             return { width: window.innerWidth, barBottom: bar.bottom, rowTop: row.top, rowBottom: row.bottom };",
        )
        .await
        .expect("the boxes");
    assert!(boxes["width"].as_f64().is_some_and(|w| w <= 480.0), "{boxes}");
    let (bar_bottom, row_top) = (boxes["barBottom"].as_f64().expect("bar"), boxes["rowTop"].as_f64().expect("row"));
    assert!(row_top >= bar_bottom - 0.5, "the first row starts below the toolbar: {boxes}");
    app.stop().await;
}

#[tokio::test]
async fn the_dial_pads_keys_type_a_number_and_call_dials_it() {
    let sim = sim().await;
    let app = signed_in("keypad", &sim).await;
    app.click_tray_item("Open history").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    d.click(&d.wait_for("#tab-dial", WAIT).await.expect("the Dial tab")).await.expect("opened");
    let key = |k: char| format!(".dial-key[data-key='{k}']");
    // As on a desk phone: the digits pressed one by one, a slip taken back with Backspace.
    for k in "01234567899".chars() {
        d.click(&d.wait_for(&key(k), WAIT).await.expect("a key")).await.expect("pressed");
    }
    d.click(&d.wait_for(".dial-backspace", WAIT).await.expect("Backspace")).await.expect("pressed");
    let typed = d.script("return document.querySelector('.dial-input').value;").await.expect("the field");
    assert_eq!(typed, "0123456789");
    d.click(&d.wait_for(".dial-form button.dial", WAIT).await.expect("Call")).await.expect("pressed");
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls[0].destination, "+33123456789", "the number typed on the keypad, as France dials it");
    app.stop().await;
}

#[tokio::test]
async fn do_not_disturb_from_the_tray_menu_stops_popups_but_records_calls() {
    let sim = sim().await;
    let app = signed_in("dnd", &sim).await;
    app.click_tray_item("Do not disturb").await.expect("clicked through dbusmenu");
    assert_eq!(app.wait_status(WAIT, |s| s["dnd"] == true).await["dnd"], true, "do not disturb never came on");
    ring_unanswered(&sim, "-9", "+33123456789", "Quiet Please");
    assert_eq!(app.wait_status(WAIT, |s| s["missedCount"] == 1).await["missedCount"], 1, "the call was not recorded");
    assert!(!popup_visible().await, "no popup shown");
    assert!(!notifications_seen().contains("Quiet Please"), "no notification either");
    app.stop().await;
}

#[tokio::test]
async fn settings_apply_as_they_change_without_a_save_button() {
    let sim = sim().await;
    let app = signed_in("settings", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    assert!(d.find_all("button.save").await.expect("query").is_empty(), "no Save button");
    // As a user would: tick a box; type an outside-line prefix and press Enter.
    d.click(&d.wait_for("input[name=startAtLogin]", WAIT).await.expect("the settings form")).await.expect("ticked");
    d.wait_for_text(".settings-notice", WAIT, |t| t == "Saved").await.expect("the page says Saved");
    let autostart = app.folder.join("config/autostart/istra-tray.desktop");
    assert!(autostart.exists(), "start at login registered at {}", autostart.display());
    let prefix = d.wait_for("input[name=outsideLinePrefix]", WAIT).await.expect("prefix");
    d.type_into(&prefix, "0\u{E007}").await.expect("typed, Enter pressed");
    let saved = settings_when(d, |s| s["outsideLinePrefix"] == "0").await;
    assert_eq!(saved["startAtLogin"], true, "{saved}");
    let outcome = d.invoke("dial_text", json!({"text": "+33 1 23 45 67 89"})).await.expect("dialed");
    assert_eq!(outcome["destination"], "0+33123456789", "the new prefix is used without restart");
    assert_eq!(sim.control().wait_for_placed_calls(1, WAIT).await[0].destination, "0+33123456789");
    // A country picked applies alone; a screen pop whose placeholder would choose the site passes
    // the page's check but not the app's: refused at the field with a reason, the rest kept.
    d.click(&d.wait_for("select[name=defaultCountry] option[value=BE]", WAIT).await.expect("Belgium"))
        .await
        .expect("picked");
    settings_when(d, |s| s["defaultCountry"] == "BE").await;
    let template = d.wait_for("input[name=screenPopUrl]", WAIT).await.expect("screen pop");
    d.type_into(&template, "https://{name}.crm.example/\u{E007}").await.expect("typed");
    let refused = d.wait_for_text(".screen-pop .field-error", WAIT, |t| t.starts_with("This screen pop address")).await;
    assert!(refused.is_ok(), "bad settings are refused with a reason: {refused:?}");
    let saved = d.invoke("get_settings", json!({})).await.expect("settings");
    assert_eq!((saved["defaultCountry"].as_str(), saved["screenPopUrl"].as_str()), (Some("BE"), Some("")));
    app.stop().await;
}

/// A webhook receiver on loopback: its address, and each body with its signature header.
async fn webhook_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>) {
    use axum::{Router, http::HeaderMap, routing::post};
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&received);
    let app = Router::new().route(
        "/calls",
        post(move |headers: HeaderMap, body: String| {
            let seen = std::sync::Arc::clone(&seen);
            async move {
                let signature = headers.get("x-istra-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
                seen.lock().expect("received").push((body, signature.to_owned()));
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let url = format!("http://{}/calls", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test]
async fn call_hooks_set_in_settings_post_signed_webhooks_and_run_commands_without_a_shell() {
    use hmac::Mac as _;
    let sim = sim().await;
    let (url, received) = webhook_receiver().await;
    let app = signed_in("hooks", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    // As a user would: the signing secret, a webhook for missed calls, a command when one rings.
    let secret = d.wait_for("input[name=hooksSecret]", WAIT).await.expect("the secret field");
    d.type_into(&secret, "hook-s3cret\u{E004}").await.expect("typed, Tab pressed");
    d.wait_for_text(".settings-notice", WAIT, |t| t == "Saved").await.expect("the secret kept");
    let webhook = d.wait_for("input[name='hooks.missed.url']", WAIT).await.expect("the webhook field");
    d.type_into(&webhook, &format!("{url}\u{E007}")).await.expect("typed, Enter pressed");
    let out = app.folder.join("ringing.txt");
    let command =
        format!("sh -c 'printf \"%s %s\\n\" \"$ISTRA_EVENT\" \"$1\" >> \"$2\"' hook {{label}} {}", out.display());
    let field = d.wait_for("input[name='hooks.ringing.command']", WAIT).await.expect("the command field");
    d.type_into(&field, &format!("{command}\u{E007}")).await.expect("typed, Enter pressed");
    settings_when(d, |s| s["hooks"]["ringing"]["command"] != "" && s["hooks"]["missed"]["url"] != "").await;
    ring_unanswered(&sim, "-5", "+33123456789", "Dupont & Fils $(id)");
    let start = Instant::now();
    while received.lock().expect("received").is_empty() {
        assert!(start.elapsed() < WAIT, "the missed call's webhook never came");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (body, signature) = received.lock().expect("received")[0].clone();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"hook-s3cret").expect("key");
    mac.update(body.as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(signature, format!("sha256={expected}"), "signed with the secret from the keyring");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!((body["event"].as_str(), body["login"].as_str()), (Some("missed"), Some("alice")), "{body}");
    assert_eq!((body["call"]["callId"].as_str(), body["call"]["missed"].as_bool()), (Some("-5"), Some(true)));
    let ran = std::fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(ran, "ringing Dupont & Fils $(id)\n", "the label is one argument, run by nothing");
    assert!(keyring_items().await.contains("webhooks-signing-secret@settings"), "the secret is in the keyring");
    let settings = std::fs::read_to_string(app.folder.join("config/istra-tray/settings.json")).expect("settings");
    assert!(!settings.contains("hook-s3cret"), "and nowhere else: {settings}");
    app.stop().await;
}

#[tokio::test]
async fn a_note_written_from_the_ended_card_is_kept_searchable_exported_and_carried_by_the_ended_webhook() {
    let sim = sim().await;
    let (url, received) = webhook_receiver().await;
    let app = signed_in("notes", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    // As a user would: a webhook when a call ends, held until the note is written.
    let webhook = d.wait_for("input[name='hooks.ended.url']", WAIT).await.expect("the webhook field");
    d.type_into(&webhook, &format!("{url}\u{E007}")).await.expect("typed, Enter pressed");
    let wait = d.wait_for("input[name='hooks.endedAfterNote']", WAIT).await.expect("the box");
    d.click(&wait).await.expect("ticked");
    settings_when(d, |s| s["hooks"]["endedAfterNote"] == true && s["hooks"]["ended"]["url"] != "").await;
    assert!(close_window("istra-tray").await, "the main window closed: the popup is all there is");

    let pid = app.app_pid().expect("running");
    let ring = || ring_unanswered(&sim, "-8", "+33123456789", "Dupont SA");
    assert!(shows_after(pid, "Dupont SA", ring).await, "the call pops up");
    assert!(press_button(pid, "Note", 0).await, "the ended card's Note");
    d.switch_to_titled("istra-tray", WAIT).await.expect("History opens");
    let note = d.wait_for(".history-call[data-call-id=\"-8\"] .note-editor textarea", WAIT).await.expect("its note");
    assert!(received.lock().expect("received").is_empty(), "the ended webhook waits for the note");
    d.click(&d.wait_for(".note-editor select option[value='Call back']", WAIT).await.expect("an outcome"))
        .await
        .expect("picked");
    d.type_into(&note, "Wants the <b>price list</b> by Friday").await.expect("typed");
    d.click(&d.wait_for(".note-editor button[type=submit]", WAIT).await.expect("Save")).await.expect("saved");
    let row = d
        .wait_for_text(".history-call[data-call-id=\"-8\"] .noted", WAIT, |t| t.contains("price list"))
        .await
        .expect("the row shows the note");
    assert_eq!(row, "Call backWants the <b>price list</b> by Friday", "outcome chip, then the note, as text");

    // The webhook that waited now carries them.
    let start = Instant::now();
    while received.lock().expect("received").is_empty() {
        assert!(start.elapsed() < WAIT, "the ended webhook never came");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (body, _) = received.lock().expect("received")[0].clone();
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["event"], "ended", "{body}");
    assert_eq!(
        (body["call"]["outcome"].as_str(), body["call"]["note"].as_str()),
        (Some("Call back"), Some("Wants the <b>price list</b> by Friday"))
    );

    // Searchable, and in the export.
    let search = d.wait_for("input[name=search]", WAIT).await.expect("the search");
    d.type_into(&search, "price list").await.expect("typed");
    d.wait_for_text(".history-list", WAIT, |t| t.contains("Dupont SA")).await.expect("found by its note");
    let path = d.invoke("export_history", json!({"filter": "all", "search": "price list"})).await.expect("exported");
    let csv = std::fs::read_to_string(path.as_str().expect("a path")).expect("the CSV");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",outcome,note"), "{csv}");
    assert!(lines[1].ends_with(",Call back,Wants the <b>price list</b> by Friday"), "{csv}");
    app.stop().await;
}

#[tokio::test]
async fn a_caller_the_contacts_do_not_know_is_named_by_the_crm_after_the_popup_shows_the_number() {
    let sim = sim().await;
    let ada = Known {
        e164: "+33184881234".into(),
        name: "Ada Lovelace".into(),
        company: Some("Analytical Engines".into()),
        url: Some("https://crm.example.com/contacts/42".into()),
    };
    let crm = CrmDouble::start(vec![ada], Some("crm-t0ken"), Duration::from_millis(300)).await;
    let template = crm.template.clone();
    let app = signed_in("lookup", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    // As a user would: the CRM's address, its token's header and the token, then a test.
    let address = d.wait_for("input[name='lookup.crmUrl']", WAIT).await.expect("the CRM field");
    d.type_into(&address, &format!("{template}\u{E007}")).await.expect("typed, Enter pressed");
    let header = d.wait_for("input[name='lookup.crmHeader']", WAIT).await.expect("the header field");
    d.type_into(&header, "X-Api-Key\u{E007}").await.expect("typed, Enter pressed");
    let token = d.wait_for("input[name=crmToken]", WAIT).await.expect("the token field");
    d.type_into(&token, "crm-t0ken\u{E004}").await.expect("typed, Tab pressed");
    settings_when(d, |s| s["lookup"]["crmHeader"] == "X-Api-Key").await;
    d.wait_for_text(".settings-notice", WAIT, |t| t == "Saved").await.expect("the token kept");
    let number = d.wait_for("input[name='lookup.testNumber']", WAIT).await.expect("the number to try");
    d.type_into(&number, "01 84 88 12 34").await.expect("typed");
    d.click(&d.wait_for("button.test-crm", WAIT).await.expect("Look up in the CRM")).await.expect("clicked");
    let answer = d.wait_for_text(".lookup-answer", WAIT, |t| t.contains("Lovelace")).await.expect("the CRM's answer");
    assert_eq!(answer, "Ada Lovelace · Analytical Engines · https://crm.example.com/contacts/42");
    // A call from that number: the number at once, the name when the CRM answers. (History
    // first: the test's answer on the Settings page would be read as the popup's.)
    d.script("location.hash = 'recent'").await.expect("History");
    d.wait_for(".history-toolbar", WAIT).await.expect("History shown");
    let pid = app.app_pid().expect("running");
    let ring = || sim.control().send_items(DESK, vec![ringing("-31", "+33184881234", "")]);
    assert!(shows_after(pid, "+33 1 84 88 12 34", ring).await, "the popup shows the number");
    let named = AccessibleWatch::start(pid, "Ada Lovelace", READER_WAIT).await;
    let company = AccessibleWatch::start(pid, "Analytical Engines", READER_WAIT).await;
    assert!(named.found().await.is_some(), "then the name: {}", accessible_text(pid).await);
    assert!(company.found().await.is_some(), "and the company: {}", accessible_text(pid).await);
    sim.control().send_items(DESK, vec![json!({"event":"callDropped","callId":"-31","dropCause":"noAnswer"})]);
    // History and the journal keep the name found.
    let row = d
        .wait_for_text(".history-call[data-call-id=\"-31\"]", WAIT, |t| t.contains("Ada Lovelace"))
        .await
        .expect("History names the caller");
    assert!(row.contains("Ada Lovelace"), "{row}");
    assert!(crm.asked().iter().all(|(_, token)| token == "crm-t0ken"), "the token went with each");
    assert!(keyring_items().await.contains("crm-lookup-token@settings"), "the token is in the keyring");
    let settings = std::fs::read_to_string(app.folder.join("config/istra-tray/settings.json")).expect("settings");
    assert!(!settings.contains("crm-t0ken"), "and nowhere else: {settings}");
    app.stop().await;
}

#[path = "../../crates/lookup/tests/common/mod.rs"]
mod slapd;

#[tokio::test]
async fn a_caller_is_named_from_a_real_ldap_directory_found_under_the_way_it_was_written() {
    assert!(slapd::slapd_installed(), "slapd is needed");
    let directory = slapd::Slapd::start(200, true);
    let sim = sim().await;
    let app = signed_in("directory", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    let which = json!({"which": "directoryPassword", "secret": slapd::READER_PASSWORD});
    d.invoke("set_secret", which).await.expect("the password kept");
    let lookup = json!({"crmUrl": "", "crmHeader": "", "directoryUrl": directory.ldap_url, "directoryStarttls": false,
                        "directoryBaseDn": slapd::BASE_DN, "directoryBindDn": slapd::READER_DN,
                        "directoryFilter": "", "first": "directory"});
    d.invoke("change_setting", json!({"change": {"field": "lookup", "value": lookup}})).await.expect("saved");
    // Person 3's office number is written "0033 1 40 00 00 03" in the directory.
    let answer = d.invoke("test_lookup", json!({"source": "directory", "number": "01 40 00 00 03"})).await;
    assert_eq!(answer.expect("answered")["name"], "Display 3");
    let pid = app.app_pid().expect("running");
    let ring = || sim.control().send_items(DESK, vec![ringing("-41", "+33140000003", "")]);
    assert!(shows_after(pid, "Display 3", ring).await, "named: {}", accessible_text(pid).await);
    assert!(accessible_text(pid).await.contains("Company 3"), "with the company");
    app.stop().await;
}

#[path = "../../crates/lookup/tests/common_carddav/mod.rs"]
mod radicale;

#[tokio::test]
async fn a_carddav_address_book_synced_from_settings_names_callers_and_is_suggested() {
    let server = radicale::Radicale::start().expect("Radicale is needed");
    server.create_address_book("/ada/desk/").await;
    server.put_card("/ada/desk/grace.vcf", radicale::vcard("grace", "Grace Hopper", &["01 84 88 12 77"])).await;
    server.put_card("/ada/desk/alan.vcf", radicale::vcard("alan", "Alan Turing", &["+44 20 7946 0018"])).await;
    let sim = sim().await;
    let app = signed_in("carddav", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    // As a user would: the address book's address, the user, the password, then Sync now.
    let address = d.wait_for("input[name='lookup.addressBookUrl']", WAIT).await.expect("the address field");
    d.type_into(&address, &format!("{}\u{E007}", server.url("/ada/desk/"))).await.expect("typed");
    let user = d.wait_for("input[name='lookup.addressBookUser']", WAIT).await.expect("the user field");
    d.type_into(&user, &format!("{}\u{E007}", radicale::USER)).await.expect("typed");
    let password = d.wait_for("input[name=addressBookPassword]", WAIT).await.expect("the password field");
    d.type_into(&password, &format!("{}\u{E004}", radicale::PASSWORD)).await.expect("typed, Tab pressed");
    settings_when(d, |s| s["lookup"]["addressBookUser"] == radicale::USER).await;
    d.click(&d.wait_for("button.sync-now", WAIT).await.expect("Sync now")).await.expect("clicked");
    let said = d.wait_for_text(".sync-answer", WAIT, |t| t.starts_with('2')).await.expect("synced");
    assert_eq!(said, "2 contact numbers from the address book (2 cards new or changed)");
    // The dial pad suggests them; a call from one is named at once.
    let suggested = d.invoke("suggest_numbers", json!({"text": "grace"})).await.expect("suggestions");
    assert_eq!(suggested[0]["name"], "Grace Hopper", "{suggested}");
    let pid = app.app_pid().expect("running");
    let ring = || sim.control().send_items(DESK, vec![ringing("-51", "+33184881277", "")]);
    assert!(shows_after(pid, "Grace Hopper", ring).await, "named: {}", accessible_text(pid).await);
    // A card removed on the server is gone after the next sync.
    server.delete("/ada/desk/alan.vcf").await;
    d.click(&d.wait_for("button.sync-now", WAIT).await.expect("Sync now")).await.expect("clicked");
    d.wait_for_text(".sync-answer", WAIT, |t| t.starts_with("1 contact")).await.expect("synced again");
    let gone = d.invoke("suggest_numbers", json!({"text": "turing"})).await.expect("suggestions");
    assert!(gone.as_array().is_none_or(Vec::is_empty), "{gone}");
    assert!(keyring_items().await.contains("address-book-password@settings"), "the password is in the keyring");
    app.stop().await;
}

/// The settings in use once `done` holds of them (or the last read, after [`WAIT`]).
async fn settings_when(d: &WebDriver, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let settings = d.invoke("get_settings", json!({})).await.expect("settings");
        if done(&settings) || start.elapsed() > WAIT {
            assert!(done(&settings), "never came: {settings}");
            return settings;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_second_start_with_dial_hands_the_number_to_the_running_app() {
    let sim = sim().await;
    let app = signed_in("handover", &sim).await;
    let second = tokio::process::Command::new(istra_tray_e2e::app_binary())
        .args(["dial", "0033 1 23 45 67 89"])
        .envs(app.env())
        .kill_on_drop(true)
        .status();
    let status = tokio::time::timeout(WAIT, second).await.expect("the second start exits").expect("it ran");
    assert!(status.success(), "{status}");
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls.len(), 1, "dialed once, by the running app");
    assert_eq!(calls[0].destination, "+33123456789");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.control().placed_calls().len(), 1);
    assert_eq!(sim.control().login_count(), 2, "the second start did not sign in on its own");
    app.stop().await;
}

#[tokio::test]
async fn the_history_lists_journal_calls_searches_them_and_calls_back() {
    let sim = sim().await;
    let app = signed_in("history", &sim).await;
    for (id, number, label) in [("-1", "+33123456789", "ACME Paris"), ("-2", "+4930123456", "Berlin GmbH")] {
        ring_unanswered(&sim, id, number, label);
    }
    assert_eq!(app.wait_status(WAIT, |s| s["missedCount"] == 2).await["missedCount"], 2, "both calls recorded");
    app.click_tray_item("Open history").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    d.wait_for(".history-call[data-call-id=\"-2\"]", WAIT).await.expect("the newest call listed");
    assert_eq!(d.find_all(".history-call").await.expect("rows").len(), 2);
    d.type_into(&d.wait_for(".history-search", WAIT).await.expect("search box"), "acme").await.expect("typed");
    let start = Instant::now();
    while d.find_all(".history-call").await.expect("rows").len() != 1 {
        assert!(start.elapsed() < WAIT, "the search narrows the list");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    d.click(&d.wait_for(".history-call[data-call-id=\"-1\"] .call-back", WAIT).await.expect("button"))
        .await
        .expect("click");
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls[0].destination, "+33123456789");
    assert_eq!(
        d.invoke("get_status", json!({})).await.expect("status")["missedCount"],
        0,
        "opening History marked them seen"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_queue_call_a_colleague_took_is_not_missed_and_the_history_says_so() {
    let sim = sim().await;
    let app = signed_in("queue", &sim).await;
    // Rings here through the queue, then the platform gives it to a colleague.
    sim.control().run_scenario(DESK, Scenario::AcdQueueElsewhere).await;
    ring_unanswered(&sim, "-2", "+4930123456", "Berlin GmbH");
    // Calls are taken in the order they came: once the second is counted, the first was not.
    assert_eq!(app.wait_status(WAIT, |s| s["missedCount"] == 1).await["missedCount"], 1, "only the call no one took");
    let missed = wait_for_notification("Berlin GmbH", WAIT).await;
    assert!(!missed.contains("ACD-171"), "no missed-call notification for the queue call: {missed}");
    app.click_tray_item("Open history").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    let queue_row = d
        .wait_for_text(".history-call:not([data-call-id=\"-2\"])", WAIT, |text| text.contains("Taken by a colleague"))
        .await
        .expect("the queue call listed as taken by a colleague");
    assert!(!queue_row.contains("Missed"), "{queue_row}");
    app.stop().await;
}

const VCARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice Martin\r\nTEL;TYPE=work:01 23 45 67 89\r\nEND:VCARD\r\n";

#[tokio::test]
async fn contacts_name_callers_and_the_journal_survives_a_restart() {
    let sim = sim().await;
    let app = signed_in("restart", &sim).await;
    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    let imported = d.invoke("import_contacts", json!({"fileName": "people.vcf", "content": VCARD})).await;
    assert_eq!(imported.expect("imported")["imported"], 1);
    // The platform gives no label, only the number in another form than the file's.
    ring_unanswered(&sim, "-7", "+33123456789", "");
    let note = wait_for_notification("Alice Martin", WAIT).await;
    assert!(note.contains("Alice Martin"), "the missed-call notification names the contact: {note}");
    assert_eq!(app.wait_status(WAIT, |s| s["missedCount"] == 1).await["missedCount"], 1);

    let app = app.restart(&["--show"]).await;
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window opened by --show");
    assert_eq!(app.wait_online(WAIT).await["state"], "online", "signed in silently from the keyring");
    let row = d.wait_for(".history-call[data-call-id=\"-7\"]", WAIT).await.expect("the call is still in History");
    let text = d.text(&row).await.expect("row text");
    assert!(text.contains("Alice Martin"), "{text}");
    assert_eq!(d.invoke("contact_count", json!({})).await.expect("count"), 1, "contacts kept too");
    app.stop().await;
}

/// Whether a screen reader finds `text` in the windows of process `pid` within [`WAIT`].
async fn reads(pid: u32, text: &str) -> bool {
    AccessibleWatch::start(pid, text, WAIT).await.found().await.is_some()
}

// Without WebDriver: a page WebDriver drives never shows a file dialog (WebKit answers it for
// the automation), so the app runs as a user starts it and is read and pressed through AT-SPI.
#[tokio::test]
async fn a_contacts_file_chosen_in_the_file_dialog_is_imported() {
    let sim = sim().await;
    let app = started("import", &sim).await;
    let pid = app.pid().expect("running");
    let file = app.folder.join("home/people.vcf");
    std::fs::write(&file, VCARD).expect("the user's file");
    assert!(app.show("settings"), "Settings opened");
    assert!(reads(pid, "No file chosen").await, "the chooser's line: {}", accessible_text(pid).await);
    assert!(press_button(pid, "Choose a file…", 0).await, "the chooser's button: {}", accessible_text(pid).await);
    // WebKitGTK's own file dialog; the path typed as a user would (Ctrl+L, the path, Enter).
    let dialog = visible_window_within("Select File", WAIT).await.expect("the file dialog opened");
    let focused = tokio::process::Command::new("xdotool").args(["windowfocus", "--sync", &dialog]).status().await;
    assert!(focused.is_ok_and(|s| s.success()), "the dialog takes the keys");
    press("ctrl+l").await;
    let path = file.display().to_string();
    let typed = tokio::process::Command::new("xdotool").args(["type", "--delay", "20", &path]).status().await;
    assert!(typed.is_ok_and(|s| s.success()));
    // The first Enter may only take the entry's completion: Enter again while the dialog stays.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        press("Return").await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        if visible_window("Select File").await.is_none() {
            break;
        }
    }
    let chosen = "CSV or vCard file \u{fffc} people.vcf";
    assert!(reads(pid, chosen).await, "the chosen file's name shown: {}", accessible_text(pid).await);
    assert!(press_button(pid, "Import", 0).await, "Import");
    assert!(reads(pid, "Imported 1 contact (0 skipped)").await, "the import said: {}", accessible_text(pid).await);
    assert!(reads(pid, "1 contact saved").await);
}

/// Runs a desktop program as the app's user (same HOME and XDG folders); returns its stdout.
async fn run_as_user(app: &App, program: &str, args: &[&str]) -> String {
    run_as_user_with(app, program, args, &[]).await
}

/// As [`run_as_user`], with extra environment variables.
async fn run_as_user_with(app: &App, program: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let run = tokio::process::Command::new(program)
        .args(args)
        .envs(app.env())
        .envs(env.iter().copied())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(WAIT, run).await.expect("it ends").expect("it runs");
    assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn a_tel_link_opened_on_the_desktop_dials_once_through_the_running_app() {
    let sim = sim().await;
    let app = signed_in("links", &sim).await;
    let handler = run_as_user(&app, "xdg-mime", &["query", "default", "x-scheme-handler/tel"]).await;
    assert_eq!(handler.trim(), "istra-tray-links.desktop", "istra-tray registered itself for tel: links");
    run_as_user(&app, "xdg-open", &["tel:+33-1-23-45-67-89"]).await;
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].destination, "+33123456789");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.control().placed_calls().len(), 1, "dialed once");
    assert_eq!(sim.control().login_count(), 2, "by the running app, not a second sign-in");
    app.stop().await;
}

#[tokio::test]
async fn a_screen_pop_opens_the_crm_page_in_the_default_browser() {
    let sim = sim().await;
    let app = signed_in("screenpop", &sim).await;
    // A stand-in browser that writes down the address it is asked to open, and the GDK_GL it
    // got (the app turns GTK's GL off for itself only).
    let opened = app.folder.join("opened.txt");
    let gl = app.folder.join("gl.txt");
    let script = app.folder.join("browser.sh");
    let record = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\nprintf '%s' \"${{GDK_GL-unset}}\" > '{}'\n",
        opened.display(),
        gl.display()
    );
    std::fs::write(&script, record).expect("script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("executable");
    let desktop = format!(
        "[Desktop Entry]\nType=Application\nName=Stand-in browser\nExec={} %u\n\
         MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
        script.display()
    );
    std::fs::write(app.folder.join("data/applications/stand-in-browser.desktop"), desktop).expect("desktop file");
    run_as_user(&app, "xdg-mime", &["default", "stand-in-browser.desktop", "x-scheme-handler/http"]).await;

    app.click_tray_item("Settings…").await.expect("clicked through dbusmenu");
    let d = &app.driver;
    d.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    for change in [
        json!({"field": "screenPopUrl", "value": "http://crm.test/search?phone={e164}&who={label}"}),
        json!({"field": "screenPopOn", "value": "ringing"}),
    ] {
        d.invoke("change_setting", json!({ "change": change })).await.expect("saved");
    }

    sim.control().send_items(DESK, vec![ringing("-9", "+33123456789", "ACME & Sons <b>")]);
    sim.control().send_items(DESK, vec![json!({"event":"callTalking","callId":"-9","talkCause":"answer"})]);
    let start = Instant::now();
    let mut text = String::new();
    while start.elapsed() < WAIT && text.is_empty() {
        tokio::time::sleep(Duration::from_millis(100)).await;
        text = std::fs::read_to_string(&opened).unwrap_or_default();
    }
    assert_eq!(text, "http://crm.test/search?phone=%2B33123456789&who=ACME%20%26%20Sons%20%3Cb%3E\n");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let opened_count = || std::fs::read_to_string(&opened).unwrap_or_default().lines().count();
    assert_eq!(opened_count(), 1, "opened once per call");
    assert_eq!(std::fs::read_to_string(&gl).unwrap_or_default(), "unset", "the browser has the user's environment");
    // And again from the popup's button.
    assert!(press_button(app.app_pid().expect("running"), "Open in CRM", 0).await, "the popup offers Open in CRM");
    let start = Instant::now();
    while opened_count() < 2 && start.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(opened_count(), 2, "Open in CRM opens the page");
    app.stop().await;
}

#[tokio::test]
async fn after_a_whole_session_the_password_is_only_in_the_keyring_and_diagnostics_are_redacted() {
    let sim = sim().await;
    let app = signed_in("secrets", &sim).await;
    ring_unanswered(&sim, "-21", "+33123456789", "ACME");
    assert_eq!(app.wait_status(WAIT, |s| s["missedCount"] == 1).await["missedCount"], 1);
    app.click_tray_item("Open history").await.expect("clicked through dbusmenu");
    app.driver.switch_to_titled("istra-tray", WAIT).await.expect("the main window");
    app.driver.invoke("dial_text", json!({"text": "+33 4 56 78 90 12"})).await.expect("dialed");
    sim.control().drop_sockets();
    assert_eq!(app.wait_online(WAIT).await["state"], "online", "reconnected");

    app.click_tray_item("Copy diagnostics").await.expect("clicked through dbusmenu");
    wait_for_notification("Diagnostics copied", WAIT).await;
    let report = run_as_user(&app, "xclip", &["-o", "-selection", "clipboard"]).await;
    assert!(report.starts_with("istra-tray: "), "{report}");
    assert!(report.contains(&sim.base_url()) && report.contains("login: alice"), "{report}");
    assert!(report.contains("--- last log lines"), "{report}");
    assert!(!report.contains(PASSWORD), "the report holds no password");

    let logs = app.folder.join("state/istra-tray/logs");
    let log_files: Vec<_> = std::fs::read_dir(&logs).expect("a log folder").flatten().collect();
    assert!(!log_files.is_empty(), "logs are written to {}", logs.display());
    assert!(app.folder.join("data/istra-tray/journal.sqlite3").exists(), "the journal is on disk");
    assert_eq!(app.files_containing(PASSWORD), Vec::<std::path::PathBuf>::new(), "settings, journal, logs: none");
    assert!(keyring_items().await.contains(PASSWORD), "the keyring has it");
    app.stop().await;
}

#[tokio::test]
async fn an_on_premises_server_with_a_company_ca_is_refused_until_its_ca_file_is_given() {
    let ca = mycrm_sim::Authority::new("ACME on-premises CA").expect("a company CA");
    let mut config = SimConfig { tls: Some(ca.identity("localhost").expect("identity")), ..SimConfig::default() };
    config.users[0].password = PASSWORD.to_owned();
    let sim = Sim::start(config).await.expect("TLS simulator");
    let app = App::start("tls", &[]).await;
    let ca_file = app.folder.join("company-ca.pem");
    std::fs::write(&ca_file, &ca.pem).expect("CA file");

    app.sign_in(&sim.base_url(), "alice", PASSWORD).await.expect("form");
    let d = &app.driver;
    let error = d.wait_for_text(".signin-error", WAIT, |t| !t.is_empty()).await.expect("an error line");
    assert!(error.contains("certificate"), "the user is told it is the certificate: {error}");
    assert_eq!(sim.control().login_count(), 0, "nothing was sent to an untrusted server");

    // A certificate failure opens "Advanced" by itself, where the CA file goes.
    assert_eq!(d.find_all(".advanced[open]").await.expect("query").len(), 1, "Advanced is open");
    d.type_into(&d.wait_for("input[name=caFile]", WAIT).await.expect("CA field"), &ca_file.to_string_lossy())
        .await
        .expect("typed");
    d.click(&d.wait_for(".signin-form button[type=submit]", WAIT).await.expect("button")).await.expect("click");
    assert_eq!(app.wait_online(WAIT).await["state"], "online", "online over HTTPS and WSS");
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await);
    let settings = std::fs::read_to_string(app.folder.join("config/istra-tray/settings.json")).expect("settings");
    assert!(settings.contains("company-ca.pem"), "the CA file is remembered: {settings}");
    app.stop().await;
}
