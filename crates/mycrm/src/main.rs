//! `mycrm`: the myCrm client for scripts and operators (`terminals`, `listen`, `dial`).
//! Its options, output and exit codes are a contract: see `mycrm --help` and the README.

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use mycrm::dial::{DialError, DialRules};
use mycrm::supervisor::{self, ConnectionState, SupervisorConfig};
use mycrm::{Client, Credentials, Error, ErrorKind, Server, Session, Terminal, TlsOptions, WsMode};

/// Talk to a Centile Istra myCrm server as an end user.
#[derive(Debug, Parser)]
#[command(name = "mycrm", version, after_help = EXIT_CODES)]
struct Cli {
    /// Server URL, e.g. https://pbx.example.com
    #[arg(long, env = "MYCRM_SERVER")]
    server: String,
    /// PEM file of certificate authorities to trust besides the system's (on-premises servers).
    #[arg(long, env = "MYCRM_CA_FILE")]
    ca_file: Option<PathBuf>,
    /// The end user's login.
    #[arg(long, env = "MYCRM_LOGIN")]
    login: String,
    /// Read the password from the first line of standard input (otherwise MYCRM_PASSWORD).
    #[arg(long)]
    password_stdin: bool,
    /// Terminal id to use; defaults to the user's first terminal.
    #[arg(long)]
    terminal: Option<String>,
    /// Country for numbers written without an international prefix (ISO code, e.g. FR).
    #[arg(long, env = "MYCRM_COUNTRY", default_value = "FR")]
    country: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the user's terminals as a JSON array.
    Terminals,
    /// Print call events as JSON lines until interrupted.
    Listen {
        /// Name of the event listener to create.
        #[arg(long, default_value = "CallLines")]
        listener: String,
        /// How to open the event websocket.
        #[arg(long, default_value = "auto")]
        ws_mode: WsMode,
    },
    /// Find the phone number in TEXT, place the call and print the destination sent.
    Dial {
        /// Free text holding one phone number, e.g. "Tel.: +33 (0)1 23 45 67 89".
        text: String,
    },
}

const EXIT_CODES: &str = "Exit codes: 0 ok, 1 other error, 2 usage, 3 bad credentials or not allowed, \
4 bad terminal or terminal out of service, 5 server not ready or unreachable, 6 no phone number in TEXT";

/// Failures of a command, each with its exit code.
#[derive(Debug)]
enum Failure {
    Usage(String),
    Api(Error),
    NoNumber(DialError),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            Self::NoNumber(_) => 6,
            Self::Api(e) => match e.kind {
                ErrorKind::BadCredentials | ErrorKind::NotAllowed => 3,
                ErrorKind::BadTerminal | ErrorKind::TerminalOutOfService => 4,
                ErrorKind::ServerNotReady | ErrorKind::Network => 5,
                _ => 1,
            },
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Api(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mycrm: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match &failure {
                Failure::Usage(message) => eprintln!("mycrm: {message}"),
                Failure::Api(e) => eprintln!("mycrm: {e}"),
                Failure::NoNumber(e) => eprintln!("mycrm: {e}"),
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let server = Server::parse(&cli.server).map_err(|e| Failure::Usage(e.to_string()))?;
    if server.is_plain_http() {
        tracing::warn!("the server address is plain http: the password travels unencrypted");
    }
    let tls = match &cli.ca_file {
        Some(path) => TlsOptions::from_ca_file(path).map_err(|e| Failure::Usage(e.to_string()))?,
        None => TlsOptions::default(),
    };
    // Refuse text with no number before asking for anything on the network.
    let destination = match &cli.command {
        Command::Dial { text } => {
            let rules = DialRules::new(&cli.country).map_err(|e| Failure::Usage(e.to_string()))?;
            Some(rules.destination(text).map_err(Failure::NoNumber)?)
        }
        _ => None,
    };
    let credentials = Credentials::new(cli.login.clone(), read_password(cli.password_stdin)?);
    match cli.command {
        Command::Terminals => {
            let session = login(&server, &tls, &credentials).await?;
            let terminals = retry_once_on_session_loss(&session, |s| async move { s.terminals().await }).await;
            let _ = session.logout().await;
            let json = serde_json::to_string(&terminals?).map_err(|e| Failure::Api(Error::protocol(e.to_string())))?;
            println!("{json}");
            Ok(())
        }
        Command::Dial { .. } => {
            let Some(destination) = destination else { return Ok(()) };
            let session = login(&server, &tls, &credentials).await?;
            let result = dial(&session, cli.terminal.as_deref(), &destination.dial).await;
            let _ = session.logout().await;
            result?;
            println!("{}", destination.dial);
            Ok(())
        }
        Command::Listen { listener, ws_mode } => {
            let mut config = SupervisorConfig::new(server, credentials);
            config.tls = tls;
            config.terminal = cli.terminal;
            config.listener_name = listener;
            config.ws_mode = ws_mode;
            listen(config).await
        }
    }
}

fn read_password(from_stdin: bool) -> Result<String, Failure> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::Usage(format!("cannot read the password from standard input: {e}")))?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    std::env::var("MYCRM_PASSWORD")
        .map_err(|_| Failure::Usage("no password: pass --password-stdin or set MYCRM_PASSWORD".into()))
}

/// Signs in, trying a few times while the server is unreachable or not ready.
async fn login(server: &Server, tls: &TlsOptions, credentials: &Credentials) -> Result<Session, Error> {
    let client = Client::with_tls(server.clone(), tls)?;
    let mut delay = Duration::from_millis(500);
    let mut tries = 1;
    loop {
        match client.login(credentials).await {
            Err(e) if matches!(e.kind, ErrorKind::Network | ErrorKind::ServerNotReady) && tries < 4 => {
                eprintln!("mycrm: {e}; trying again in {} ms", delay.as_millis());
                tokio::time::sleep(delay).await;
                delay *= 2;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// Runs `request`; when the session turns out lost, signs in once more and runs it again.
async fn retry_once_on_session_loss<T, F, Fut>(session: &Session, request: F) -> Result<T, Error>
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    match request(session.clone()).await {
        Err(e) if e.kind == ErrorKind::SessionLost => {
            let fresh = session.relogin().await?;
            request(fresh).await
        }
        other => other,
    }
}

async fn dial(session: &Session, terminal: Option<&str>, destination: &str) -> Result<(), Error> {
    let terminals = retry_once_on_session_loss(session, |s| async move { s.terminals().await }).await?;
    let terminal = pick_terminal(&terminals, terminal)?;
    // No retry on network errors: the platform may have placed the call already.
    retry_once_on_session_loss(session, |s| {
        let terminal = terminal.terminal_id.clone();
        async move { s.place_call(&terminal, destination).await }
    })
    .await
}

fn pick_terminal<'a>(terminals: &'a [Terminal], wanted: Option<&str>) -> Result<&'a Terminal, Error> {
    match wanted {
        Some(id) => terminals.iter().find(|t| t.terminal_id == id).ok_or_else(|| {
            Error::new(ErrorKind::BadTerminal, format!("terminal {id} is not one of this user's terminals"))
        }),
        None => {
            let first =
                terminals.first().ok_or_else(|| Error::new(ErrorKind::BadTerminal, "this user has no terminal"))?;
            if terminals.len() > 1 {
                eprintln!(
                    "mycrm: {} terminals; using the first, {} ({}); choose with --terminal",
                    terminals.len(),
                    first.terminal_id,
                    first.describe()
                );
            }
            Ok(first)
        }
    }
}

async fn listen(config: SupervisorConfig) -> Result<(), Failure> {
    let (handle, mut events) = supervisor::spawn(config)?;
    let mut states = handle.subscribe();
    let stop = shutdown_signal();
    tokio::pin!(stop);
    let mut stdout = std::io::stdout().lock();
    loop {
        tokio::select! {
            () = &mut stop => break,
            changed = states.changed() => {
                if changed.is_err() {
                    break;
                }
                let state = states.borrow_and_update().clone();
                eprintln!("mycrm: {}", describe(&state));
                if let ConnectionState::Failed(e) = state {
                    handle.shutdown().await;
                    return Err(Failure::Api(e));
                }
            }
            event = events.recv() => {
                let Some(event) = event else { break };
                let written = serde_json::to_string(&event)
                    .map_err(std::io::Error::other)
                    .and_then(|line| writeln!(stdout, "{line}"))
                    .and_then(|()| stdout.flush());
                if written.is_err() {
                    break;
                }
            }
        }
    }
    handle.shutdown().await;
    Ok(())
}

fn describe(state: &ConnectionState) -> String {
    match state {
        ConnectionState::Connecting => "connecting".into(),
        ConnectionState::Online(o) => format!(
            "online as {} on terminal {} ({}), {} socket",
            o.login,
            o.terminal.terminal_id,
            o.terminal.describe(),
            o.mode
        ),
        ConnectionState::Reconnecting { attempt, delay, reason } => {
            format!("connection lost ({reason}); retry {attempt} in {:.1} s", delay.as_secs_f64())
        }
        ConnectionState::Failed(e) => format!("failed: {e}"),
        ConnectionState::Stopped => "stopped".into(),
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
