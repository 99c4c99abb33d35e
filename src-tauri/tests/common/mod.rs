//! What the controller's tests share: a controller on Tauri's mock runtime with a journal in
//! memory, one signed in to a fresh simulator, and a poll for what happens in the background.

use std::sync::Arc;
use std::time::Duration;

use istra_tray::control::controller::{Controller, Persistence};
use istra_tray::model::settings::Settings;
use istra_tray::model::status::ConnectionState;
use mycrm::Credentials;
use mycrm_sim::{Sim, SimConfig};
use tauri::Manager as _;
use tauri::test::{MockRuntime, mock_app};

pub const DESK: &str = "5985841581756135023";
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Signed {
    pub sim: Sim,
    pub app: tauri::App<MockRuntime>,
    pub controller: Controller<MockRuntime>,
}

pub fn settings_for(sim: &Sim) -> Settings {
    Settings { server: sim.base_url(), login: "alice".into(), terminal_id: Some(DESK.into()), ..Settings::default() }
}

/// A controller on the mock runtime with a journal in memory, its settings' secrets read and
/// lookup sources built as at the app's start.
pub async fn controller(
    settings: Settings,
    persistence: Persistence,
) -> (tauri::App<MockRuntime>, Controller<MockRuntime>) {
    let app = mock_app();
    let journal = Arc::new(journal::Journal::open_in_memory().expect("journal"));
    let controller = Controller::new(app.handle().clone(), settings, persistence, Some(journal));
    app.manage(controller.clone());
    controller.load_secrets().await;
    (app, controller)
}

/// A controller with `settings` (made from the simulator's), signed in and online.
pub async fn signed_in_with(settings: impl FnOnce(Settings) -> Settings) -> Signed {
    let sim = Sim::start(SimConfig::default()).await.expect("simulator");
    let (app, controller) = controller(settings(settings_for(&sim)), Persistence::Memory).await;
    controller.connect(Credentials::new("alice", "secret")).await.expect("signed in");
    assert!(sim.control().wait_for_subscriber(DESK, WAIT).await, "the app listens");
    eventually("online", || controller.status().state == ConnectionState::Online).await;
    Signed { sim, app, controller }
}

/// Polls `done` until it holds, for at most [`WAIT`].
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = tokio::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < WAIT, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
