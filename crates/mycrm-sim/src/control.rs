//! [`SimControl`]: how tests, benchmarks and the control API drive the simulated platform.

use std::{fmt, future::Future, sync::Arc, time::Duration};

use serde_json::Value;
use tokio::task::JoinHandle;

use crate::{
    config::SimUser,
    scenario::{self, Scenario},
    state::{PlacedCall, SimState},
};

/// A cheap, cloneable handle on a running [`Sim`](crate::Sim).
#[derive(Clone)]
pub struct SimControl {
    state: Arc<SimState>,
}

impl fmt::Debug for SimControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimControl").field("stats", &self.state.stats()).finish_non_exhaustive()
    }
}

impl SimControl {
    pub(crate) fn new(state: Arc<SimState>) -> Self {
        Self { state }
    }

    pub(crate) fn state(&self) -> &SimState {
        &self.state
    }

    // ---- events ----

    /// Sends one frame holding `items` to every socket linked to a listener on the terminal;
    /// returns how many sockets it went to.
    pub fn send_items(&self, terminal_id: &str, items: Vec<Value>) -> usize {
        let items = Value::Array(items).to_string();
        self.state.send_to_terminal(terminal_id, |listener| {
            format!(r#"{{"listenerName":{},"item":{items}}}"#, Value::from(listener))
        })
    }

    /// Sends a raw text frame (malformed on purpose, say) to the terminal's sockets.
    pub fn send_raw(&self, terminal_id: &str, text: String) -> usize {
        self.state.send_to_terminal(terminal_id, |_| text.clone())
    }

    /// Waits until at least one socket is linked to a listener on the terminal; false on timeout.
    pub async fn wait_for_subscriber(&self, terminal_id: &str, timeout: Duration) -> bool {
        self.wait_until(timeout, || self.subscriber_count(terminal_id) > 0).await
    }

    /// How many sockets are linked to a listener on the terminal.
    pub fn subscriber_count(&self, terminal_id: &str) -> usize {
        self.state.subscriber_count(terminal_id)
    }

    // ---- what clients did ----

    pub fn placed_calls(&self) -> Vec<PlacedCall> {
        self.state.placed_calls()
    }

    /// Waits until at least `n` calls were placed (or the timeout), then returns them all.
    pub async fn wait_for_placed_calls(&self, n: usize, timeout: Duration) -> Vec<PlacedCall> {
        self.wait_until(timeout, || self.state.placed_calls().len() >= n).await;
        self.placed_calls()
    }

    /// Logins that opened a session.
    pub fn login_count(&self) -> usize {
        self.state.stats().logins
    }

    /// Login requests with credentials, refused ones included.
    pub fn login_attempts(&self) -> usize {
        self.state.stats().login_attempts
    }

    pub fn logout_count(&self) -> usize {
        self.state.stats().logouts
    }

    /// Listeners alive in live sessions.
    pub fn listener_count(&self) -> usize {
        self.state.stats().listeners
    }

    /// Listeners removed with `DELETE`.
    pub fn deleted_listener_count(&self) -> usize {
        self.state.stats().deleted_listeners
    }

    // ---- faults ----

    /// Ends every socket at once: the TCP connection closes without a close frame.
    pub fn drop_sockets(&self) {
        self.state.drop_sockets();
    }

    /// Ends every session now (their sockets get a close frame); the next request gets 401.
    pub fn expire_sessions(&self) {
        self.state.expire_sessions();
    }

    /// While down, every platform endpoint answers 503 `ROUTER_ERR_503`.
    pub fn set_iptc_down(&self, down: bool) {
        self.state.set_iptc_down(down);
    }

    /// While out of service, `PlaceCall` on the terminal answers 512 `ERR_100`.
    pub fn set_out_of_service(&self, terminal_id: &str, oos: bool) {
        self.state.set_out_of_service(terminal_id, oos);
    }

    /// Delays every platform answer (not the control API's) by `d`.
    pub fn set_delay(&self, d: Duration) {
        self.state.set_delay(d);
    }

    /// Makes the sockets open now half-open (they neither read, write nor close), or
    /// revives them. Sockets opened later are not affected; frames queued meanwhile are
    /// delivered on revival, as TCP would after an outage.
    pub fn set_silent(&self, silent: bool) {
        self.state.set_silent(silent);
    }

    /// Replaces the users, e.g. to change a password; open sessions stay open.
    pub fn set_users(&self, users: Vec<SimUser>) {
        self.state.set_users(users);
    }

    // ---- scenarios ----

    /// The unit of scenario timing (default 300 ms); demo steps last about four units.
    pub fn set_step_delay(&self, d: Duration) {
        self.state.set_step_delay(d);
    }

    pub fn step_delay(&self) -> Duration {
        self.state.step_delay()
    }

    /// The terminal scenarios use when none is named: the first user's first terminal.
    pub fn default_terminal(&self) -> Option<String> {
        self.state.config.default_terminal().map(str::to_owned)
    }

    /// Runs a scenario in the background; it stops when the simulator shuts down.
    pub fn spawn_scenario(&self, terminal_id: &str, scenario: Scenario) -> JoinHandle<()> {
        let control = self.clone();
        let terminal_id = terminal_id.to_owned();
        tokio::spawn(async move { control.run_scenario(&terminal_id, scenario).await })
    }

    /// Runs a scenario to its end (never, for `Demo`, until the simulator shuts down).
    pub async fn run_scenario(&self, terminal_id: &str, scenario: Scenario) {
        tracing::info!(terminal_id, %scenario, "scenario");
        self.until_shutdown(scenario::run(self, terminal_id, scenario)).await;
    }

    pub(crate) fn next_call_number(&self) -> u64 {
        self.state.next_call_number()
    }

    pub(crate) async fn until_shutdown(&self, work: impl Future<Output = ()>) {
        tokio::select! {
            () = work => {}
            () = self.state.shutting_down() => {}
        }
    }

    async fn wait_until(&self, timeout: Duration, ready: impl Fn() -> bool) -> bool {
        // Subscribing before checking means no change can slip between check and wait.
        let mut changes = self.state.changes();
        let waiting = async {
            while !ready() {
                if changes.changed().await.is_err() {
                    return ready();
                }
            }
            true
        };
        tokio::time::timeout(timeout, waiting).await.unwrap_or(false)
    }
}
