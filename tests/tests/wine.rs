//! The Windows build of the app (`istra-tray.exe`, MinGW) under Wine, against the simulator on
//! loopback: what it does without the WebView2 runtime, and a phone link opened the way the
//! installer registered it reaching the running app, which dials it. Wine has no WebView2, so
//! no window or popup shows here. `scripts/windows.sh` builds the .exe, runs the installer's
//! hooks, provides an X display and runs these with `--ignored`; they need all of that.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use istra_tray_e2e::signing_in;
use mycrm_sim::{Sim, SimConfig};
use tokio::io::AsyncWriteExt as _;
use tokio::process::{Child, Command};

const DESK: &str = "5985841581756135023";
const PASSWORD: &str = "pw-wine-4e1b";
/// Wine starts slowly, the first time in a prefix most of all.
const WAIT: Duration = Duration::from_secs(60);

async fn sim() -> Sim {
    let mut config = SimConfig::default();
    config.users[0].password = PASSWORD.to_owned();
    Sim::start(config).await.expect("simulator")
}

/// The .exe `scripts/windows.sh` built.
fn exe() -> PathBuf {
    PathBuf::from(std::env::var("ISTRA_TRAY_EXE").expect("ISTRA_TRAY_EXE: run by scripts/windows.sh"))
}

/// A folder of the Windows user (`APPDATA`, `LOCALAPPDATA`), as a Linux path.
async fn windows_folder(variable: &str) -> PathBuf {
    let echoed = Command::new("wine").args(["cmd", "/c", "echo", &format!("%{variable}%")]).output().await;
    let windows_path = String::from_utf8_lossy(&echoed.expect("wine cmd").stdout).trim().to_owned();
    let unix = Command::new("winepath").args(["-u", &windows_path]).output().await.expect("winepath");
    PathBuf::from(String::from_utf8_lossy(&unix.stdout).trim())
}

/// `istra-tray.exe --server … --login alice --password-stdin` under Wine, with `env`.
async fn signed_in(sim: &Sim, env: &[(&str, &str)]) -> Child {
    let mut wine = Command::new("wine");
    wine.arg(exe()).envs(env.iter().copied());
    signing_in(wine, &sim.base_url(), "alice", PASSWORD).await
}

/// The X windows titled exactly `title`.
async fn windows_titled(title: &str) -> Vec<String> {
    let found = Command::new("xdotool").args(["search", "--name", &format!("^{title}$")]).output().await;
    found.map(|out| String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()).unwrap_or_default()
}

/// The text of every log file in `folder`.
fn logs_in(folder: &Path) -> String {
    let Ok(files) = std::fs::read_dir(folder) else { return String::new() };
    files.flatten().filter_map(|file| std::fs::read_to_string(file.path()).ok()).collect()
}

/// Kills a Wine app (Wine's own process for it, then what is left of the `wine` launcher).
async fn stop(mut app: Child) {
    let _ = Command::new("wine").args(["taskkill", "/f", "/im", "istra-tray.exe"]).output().await;
    let _ = app.kill().await;
}

#[tokio::test]
#[ignore = "needs Wine and the Windows build: scripts/windows.sh runs it"]
async fn without_webview2_the_app_says_so_in_a_message_box_and_ends_after_reading_its_folders() {
    let sim = sim().await;
    let (config, local) = (windows_folder("APPDATA").await, windows_folder("LOCALAPPDATA").await);
    // A setting out of range in the user's file: the log must say it was left out.
    std::fs::create_dir_all(config.join("istra-tray")).expect("config folder");
    std::fs::write(config.join("istra-tray").join("settings.json"), r#"{"popupLingerSecs": 999}"#).expect("settings");
    let logs = local.join("istra-tray").join("logs");
    let _ = std::fs::remove_dir_all(&logs);

    let start = Instant::now();
    let mut app = signed_in(&sim, &[]).await;
    let title = "istra-tray cannot start";
    while windows_titled(title).await.is_empty() {
        assert!(start.elapsed() < WAIT, "no message box within {WAIT:?}");
        assert!(app.try_wait().expect("status").is_none(), "the app ended without a message box");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("message box shown {} ms after start", start.elapsed().as_millis());

    // A second start (a phone link) hands over to the first and ends, with no box of its own.
    let second = Command::new("wine").arg(exe()).arg("tel:+33123456789").stdin(Stdio::null()).output();
    let second = tokio::time::timeout(WAIT, second).await.expect("the second start ends").expect("runs");
    assert!(second.status.success(), "handed over: {:?}", second.status);
    assert_eq!(windows_titled(title).await.len(), 1, "one message box");

    // OK closes it; the app ends with status 3.
    let boxes = windows_titled(title).await;
    let pressed = Command::new("xdotool").args(["key", "--window", &boxes[0], "Return"]).status().await;
    assert!(pressed.is_ok_and(|s| s.success()), "Enter pressed on the message box");
    let ended = tokio::time::timeout(WAIT, app.wait()).await.expect("the app ends").expect("status");
    assert_eq!(ended.code(), Some(3), "{ended:?}");
    assert!(sim.control().placed_calls().is_empty(), "nothing dialled");

    let log = logs_in(&logs);
    assert!(log.contains("no WebView2 runtime"), "the log under %LOCALAPPDATA% says why: {log}");
    assert!(log.contains("popupLingerSecs"), "the settings under %APPDATA% were read: {log}");
    assert!(!log.contains(PASSWORD), "no password in the log");
}

#[tokio::test]
#[ignore = "needs Wine, the Windows build and the installer's hooks: scripts/windows.sh runs it"]
async fn a_phone_link_opened_as_the_installer_registered_it_is_dialled_by_the_running_app() {
    let sim = sim().await;
    let start = Instant::now();
    let app = signed_in(&sim, &[("ISTRA_TRAY_WITHOUT_WEBVIEW2", "1")]).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await, "the app comes online under Wine");
    println!("istra-tray.exe online {} ms after start", start.elapsed().as_millis());

    // What Windows runs for a tel: link once the user chose istra-tray under "Default apps"
    // (Wine has no such choice): the installer's command line, "%1" being the link.
    let key = r"HKCU\Software\Classes\istra-tray.tel\shell\open\command";
    let query = Command::new("wine").args(["reg", "query", key, "/ve"]).output().await.expect("wine reg");
    let answer = String::from_utf8_lossy(&query.stdout).into_owned();
    let command = answer.lines().find_map(|line| line.split_once("REG_SZ")).map(|(_, value)| value.trim());
    let command = command.unwrap_or_else(|| panic!("the installer registered no command: {answer}"));
    let (program, argument) = command.split_once("\" \"").expect("\"program\" \"%1\"");
    assert_eq!(argument, "%1\"", "the link is one argument");
    let program = program.trim_start_matches('"');
    assert!(program.ends_with(r"\istra-tray.exe"), "{program}");

    let link = "tel:+33-1-23-45-67-89";
    let opened = Command::new("wine").args([program, link]).stdin(Stdio::null()).output();
    let opened = tokio::time::timeout(WAIT, opened).await.expect("the link's start ends").expect("runs");
    assert!(opened.status.success(), "handed over: {:?}", opened.status);
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls.len(), 1, "the running app dialled");
    assert_eq!(calls[0].destination, "+33123456789");
    assert_eq!(sim.control().login_count(), 1, "by the running app, not a second sign-in");
    stop(app).await;
}

/// The X clipboard's text (Wine keeps the Windows clipboard and the X one in step).
async fn x_clipboard() -> String {
    let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).output().await.expect("xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Puts `text` on the X clipboard (so on Wine's).
async fn set_x_clipboard(text: &str) {
    let mut xclip =
        Command::new("xclip").args(["-i", "-selection", "clipboard"]).stdin(Stdio::piped()).spawn().expect("xclip");
    xclip.stdin.take().expect("stdin").write_all(text.as_bytes()).await.expect("written");
    assert!(xclip.wait().await.expect("xclip ends").success());
}

/// Wine's Notepad showing `text`, all of it selected, in front.
async fn notepad_with_selected(folder: &Path, text: &str) -> Child {
    let file = folder.join("selection.txt");
    std::fs::write(&file, text).expect("the text file");
    let notepad = Command::new("wine").arg("notepad").arg(&file).kill_on_drop(true).spawn().expect("notepad");
    let start = Instant::now();
    let window = loop {
        if let Some(window) = windows_titled("selection.txt - Notepad").await.into_iter().next() {
            break window;
        }
        assert!(start.elapsed() < WAIT, "Notepad never showed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // No window manager here: the focus is given straight, the keys typed through XTEST.
    for keys in [vec!["windowfocus", "--sync", &window], vec!["key", "ctrl+a"]] {
        assert!(Command::new("xdotool").args(&keys).status().await.is_ok_and(|s| s.success()), "{keys:?}");
    }
    notepad
}

#[tokio::test]
#[ignore = "needs Wine, the Windows build and an X display: scripts/windows.sh runs it"]
async fn dial_selection_copies_from_a_wine_program_and_puts_the_clipboard_back() {
    let sim = sim().await;
    let app = signed_in(&sim, &[("ISTRA_TRAY_WITHOUT_WEBVIEW2", "1")]).await;
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await, "online");
    let folder = std::env::temp_dir().join(format!("istra-tray-wine-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");

    // A number selected in Notepad, something else on the clipboard.
    let notepad = notepad_with_selected(&folder, "Please call Jean on +33 1 23 45 67 89 today").await;
    set_x_clipboard("what the user copied before").await;
    // What the dial key does (through the running app, as a desktop shortcut would run it).
    let asked = Command::new("wine").arg(exe()).arg("dial-selection").stdin(Stdio::null()).status().await;
    assert!(asked.is_ok_and(|s| s.success()), "handed over");
    let calls = sim.control().wait_for_placed_calls(1, WAIT).await;
    assert_eq!(calls.first().map(|c| c.destination.as_str()), Some("+33123456789"), "the selected number");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(x_clipboard().await, "what the user copied before", "the clipboard is back");
    let _ = Command::new("wine").args(["taskkill", "/f", "/im", "notepad.exe"]).output().await;
    drop(notepad);

    // A selection without a number dials nothing.
    let notepad = notepad_with_selected(&folder, "See you at the meeting").await;
    let asked = Command::new("wine").arg(exe()).arg("dial-selection").stdin(Stdio::null()).status().await;
    assert!(asked.is_ok_and(|s| s.success()), "handed over");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sim.control().placed_calls().len(), 1, "nothing more dialled");
    assert_eq!(x_clipboard().await, "what the user copied before", "the clipboard is back again");
    let _ = Command::new("wine").args(["taskkill", "/f", "/im", "notepad.exe"]).output().await;
    drop(notepad);
    let _ = std::fs::remove_dir_all(&folder);
    stop(app).await;
}
