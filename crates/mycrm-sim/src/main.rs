//! `mycrm-sim`: the simulator as a program, for shell scripts, end-to-end tests and demos.

use std::{
    io::{self, Write},
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use clap::Parser;
use mycrm_sim::{Scenario, Sim, SimConfig, SimTerminal, SimTls, SimUser, WsMode};
use tracing_subscriber::EnvFilter;

/// Simulates the Centile Istra myCrm API on one port.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port to listen on; 0 picks a free one (the line printed on start tells which).
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// service, callline or both.
    #[arg(long, default_value = "service")]
    ws_mode: WsMode,
    /// LOGIN:PASSWORD (repeatable; the password may contain ':'). Default: alice:secret.
    #[arg(long = "user", value_parser = parse_user)]
    users: Vec<(String, String)>,
    /// A scenario name; `demo` plays calls forever, others play once to the first subscriber.
    #[arg(long)]
    scenario: Option<Scenario>,
    /// Terminal ids every user gets (repeatable). Default: two terminals.
    #[arg(long = "terminal")]
    terminals: Vec<String>,
    /// Idle seconds after which a session expires.
    #[arg(long, default_value_t = 1800)]
    idle_timeout_secs: u64,
    /// Announced to service sockets; a silent socket is closed after it.
    #[arg(long, default_value_t = 300_000)]
    socket_timeout_ms: u64,
    /// Scenario step unit in milliseconds.
    #[arg(long, default_value_t = 300)]
    step_delay_ms: u64,
    /// Answer 405 to POST Logout and end the session on GET.
    #[arg(long)]
    logout_requires_get: bool,
    /// Answer 204 rather than 200 `{}` to a plain GET CallLine.
    #[arg(long)]
    callline_204: bool,
    /// Follow each PlaceCall with outgoing-call events (always on with --scenario demo).
    #[arg(long)]
    simulate_outgoing: bool,
    /// Serve HTTPS and WSS with this certificate chain (PEM, server certificate first);
    /// the printed URL then names `localhost`.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

fn parse_user(value: &str) -> Result<(String, String), String> {
    value
        .split_once(':')
        .map(|(login, password)| (login.to_owned(), password.to_owned()))
        .filter(|(login, _)| !login.is_empty())
        .ok_or_else(|| format!("expected LOGIN:PASSWORD, got {value:?}"))
}

fn read(path: &Path, what: &str) -> io::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| io::Error::new(e.kind(), format!("cannot read the {what} {}: {e}", path.display())))
}

fn config(args: &Args) -> io::Result<SimConfig> {
    let defaults = SimConfig::default();
    let terminals = if args.terminals.is_empty() {
        defaults.users[0].terminals.clone()
    } else {
        args.terminals
            .iter()
            .enumerate()
            .map(|(index, id)| SimTerminal::new(id, "SIP generic device", format!("Phone {}", index + 1)))
            .collect()
    };
    let users = if args.users.is_empty() {
        defaults.users.iter().map(|user| SimUser { terminals: terminals.clone(), ..user.clone() }).collect()
    } else {
        args.users
            .iter()
            .map(|(login, password)| SimUser {
                login: login.clone(),
                password: password.clone(),
                allowed: true,
                terminals: terminals.clone(),
            })
            .collect()
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(SimTls { cert_chain_pem: read(cert, "TLS certificate")?, key_pem: read(key, "TLS key")? })
        }
        _ => None,
    };
    Ok(SimConfig {
        users,
        ws_mode: args.ws_mode,
        session_idle_timeout: Duration::from_secs(args.idle_timeout_secs),
        socket_timeout_ms: args.socket_timeout_ms,
        logout_requires_get: args.logout_requires_get,
        callline_204: args.callline_204,
        simulate_outgoing: args.simulate_outgoing || args.scenario == Some(Scenario::Demo),
        tls,
    })
}

#[tokio::main]
async fn main() -> io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(io::stderr)
        .init();
    let args = Args::parse();
    let sim = Sim::start_on(SocketAddr::new(args.host, args.port), config(&args)?).await?;
    let control = sim.control();
    control.set_step_delay(Duration::from_millis(args.step_delay_ms));
    {
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "mycrm-sim listening on {}", sim.base_url())?;
        stdout.flush()?;
    }
    if let (Some(scenario), Some(terminal_id)) = (args.scenario, control.default_terminal()) {
        tokio::spawn(async move {
            if scenario != Scenario::Demo {
                // A one-off scenario is only worth playing to someone.
                while !control.wait_for_subscriber(&terminal_id, Duration::from_secs(3600)).await {}
            }
            control.run_scenario(&terminal_id, scenario).await;
        });
    }
    shutdown_signal().await;
    tracing::info!("shutting down");
    sim.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(err) => {
                tracing::warn!(%err, "cannot watch SIGTERM");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
