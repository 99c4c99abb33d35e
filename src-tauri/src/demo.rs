//! Demo mode (`--demo`, cargo feature `demo`): the app signs in to a simulator it runs itself,
//! which plays a stream of demo calls once the app listens.

use mycrm_sim::{Scenario, Sim, SimConfig};
use tauri::{AppHandle, Manager as _, Wry};

use crate::model::settings::Settings;

/// Keeps the demo simulator running for the life of the app.
struct DemoServer {
    _sim: Sim,
}

/// Starts the simulator and its demo calls; the settings that sign in to it.
pub fn start(app: &AppHandle<Wry>) -> std::io::Result<Settings> {
    // The simulator's tasks must start inside the async runtime.
    let sim = tauri::async_runtime::block_on(async {
        let sim = Sim::start(SimConfig { simulate_outgoing: true, ..SimConfig::default() }).await?;
        let control = sim.control();
        if let Some(terminal) = control.default_terminal() {
            control.spawn_scenario(&terminal, Scenario::Demo);
        }
        Ok::<_, std::io::Error>(sim)
    })?;
    let settings = Settings { server: sim.base_url(), login: "alice".into(), terminal_id: None, ..Settings::default() };
    tracing::info!(server = %settings.server, "demo simulator running");
    app.manage(DemoServer { _sim: sim });
    Ok(settings)
}
