//! A faithful simulator of the Centile Istra **myCrm** HTTP and websocket API
//! (`/restletrouter`), for integration tests, benchmarks and demo modes.
//!
//! It speaks what `shared/mycrm-api.md` describes: Basic login answered with a session cookie
//! and an `X-Application` token that must travel together, terminals, event listeners, the
//! two readings of the event stream (service socket linked by `GET CallLine`, or `CallLine`
//! as a websocket), `PlaceCall`, and both error shapes. Faults (dropped or half-open sockets,
//! expired sessions, IPTC down, terminals out of service, slow answers, malformed frames) and
//! scripted calls are driven through [`SimControl`] or the `/_sim` HTTP control API.
//!
//! Given a TLS identity ([`SimConfig::tls`]) it speaks HTTPS and WSS instead, for tests of
//! certificate handling with a private CA.
//!
//! # Examples
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use std::time::Duration;
//! use mycrm_sim::{Scenario, Sim, SimConfig};
//!
//! let sim = Sim::start(SimConfig::default()).await?;
//! let control = sim.control();
//! // ... point a client at sim.base_url(), let it subscribe ...
//! if control.wait_for_subscriber("5985841581756135023", Duration::from_secs(5)).await {
//!     control.run_scenario("5985841581756135023", Scenario::IncomingAnswered).await;
//! }
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//!
//! - `config`: users, terminals and the socket mode a simulator starts with.
//! - `state`: sessions, listeners, open sockets, faults and recordings, behind one lock.
//! - `routes`: the HTTP endpoints, one file per concern, and the `/_sim` control API.
//! - `ws`: the task behind each open websocket.
//! - `events` and `scenario`: event items and the scripted calls made of them.
//! - `control`: [`SimControl`], the handle tests hold.
//! - `tls`: the HTTPS listener, when the simulator has a TLS identity.

mod authority;
mod config;
mod control;
mod error;
mod events;
mod routes;
mod scenario;
mod state;
mod tls;
mod ws;

use std::{
    fmt, io,
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use tokio::{net::TcpListener, task::JoinHandle};

use crate::state::SimState;
pub use crate::{
    authority::Authority,
    config::{SimConfig, SimTerminal, SimTls, SimUser, UnknownWsMode, WsMode},
    control::SimControl,
    scenario::{Scenario, UnknownScenario},
    state::PlacedCall,
};

/// A running simulator. Dropping it, or awaiting [`Sim::shutdown`], stops it.
pub struct Sim {
    addr: SocketAddr,
    tls: bool,
    control: SimControl,
    server: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim").field("addr", &self.addr).field("tls", &self.tls).finish_non_exhaustive()
    }
}

impl Sim {
    /// Starts a simulator on `127.0.0.1` and a free port.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start(config: SimConfig) -> io::Result<Sim> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a simulator on the given address (port 0 picks a free one).
    ///
    /// # Errors
    ///
    /// When the address cannot be bound, or ([`io::ErrorKind::InvalidInput`]) when the TLS
    /// identity of `config` cannot be used.
    pub async fn start_on(addr: SocketAddr, config: SimConfig) -> io::Result<Sim> {
        let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(SimState::new(config));
        let app = routes::router(state.clone());
        let server_state = state.clone();
        let stop = async move { server_state.shutting_down().await };
        let server = match tls.clone() {
            None => tokio::spawn(async move {
                if let Err(err) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
                    tracing::error!(%err, "simulator stopped serving");
                }
            }),
            Some(tls) => {
                let (listener, accepting) = tls::TlsListener::new(listener, tls)?;
                tokio::spawn(async move {
                    let serving = axum::serve(listener, app).with_graceful_shutdown(stop);
                    let (served, ()) = tokio::join!(serving.into_future(), accepting);
                    if let Err(err) = served {
                        tracing::error!(%err, "simulator stopped serving");
                    }
                })
            }
        };
        tokio::spawn(sweep_idle_sessions(state.clone()));
        tracing::info!(%addr, tls = tls.is_some(), "simulator started");
        Ok(Sim { addr, tls: tls.is_some(), control: SimControl::new(state), server: Some(server) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<ip>:<port>`, or with a TLS identity `https://localhost:<port>` (the name a test
    /// certificate is issued for), without a trailing slash.
    pub fn base_url(&self) -> String {
        if self.tls { format!("https://localhost:{}", self.addr.port()) } else { format!("http://{}", self.addr) }
    }

    /// `true` when the simulator speaks HTTPS and WSS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    pub fn control(&self) -> SimControl {
        self.control.clone()
    }

    /// Stops accepting, ends every socket and scenario, and waits (a bounded time) for
    /// requests in flight.
    pub async fn shutdown(mut self) {
        self.control.state().shut_down();
        if let Some(server) = self.server.take() {
            // A request stuck behind a long response delay must not hold shutdown forever.
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.control.state().shut_down();
    }
}

/// Sessions also expire while nobody asks, so that their sockets close on time.
async fn sweep_idle_sessions(state: Arc<SimState>) {
    let period = (state.config.session_idle_timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
    let sweeping = async {
        loop {
            tokio::time::sleep(period).await;
            state.sweep_idle_sessions();
        }
    };
    tokio::select! {
        () = sweeping => {}
        () = state.shutting_down() => {}
    }
}
