//! What a simulated platform is made of: its users, their terminals, the socket mode, and the
//! TLS identity it serves HTTPS and WSS with, if any.

use std::{fmt, str::FromStr, time::Duration};

/// Everything fixed when a [`Sim`](crate::Sim) starts.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The end users that may log in.
    pub users: Vec<SimUser>,
    /// Which of the two event-stream readings the platform speaks.
    pub ws_mode: WsMode,
    /// Sessions unused for longer than this expire.
    pub session_idle_timeout: Duration,
    /// Announced to service sockets in their first frame; a service socket that receives
    /// nothing from its client for this long is closed.
    pub socket_timeout_ms: u64,
    /// When true, `POST Logout` answers 405 and `GET Logout` ends the session.
    pub logout_requires_get: bool,
    /// When true, a plain `GET CallLine` answers 204 instead of 200 `{}`.
    pub callline_204: bool,
    /// When true, every placed call is followed by the events of an outgoing call.
    pub simulate_outgoing: bool,
    /// When set, the simulator speaks HTTPS and WSS only, with this identity.
    pub tls: Option<SimTls>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            users: vec![SimUser {
                login: "alice".to_owned(),
                password: "secret".to_owned(),
                allowed: true,
                terminals: vec![
                    SimTerminal::new("5985841581756135023", "SIP generic device", "Desk phone"),
                    SimTerminal::new("5985841581756135024", "SIP generic device", "Softphone"),
                ],
            }],
            ws_mode: WsMode::Service,
            session_idle_timeout: Duration::from_secs(30 * 60),
            socket_timeout_ms: 300_000,
            logout_requires_get: false,
            callline_204: false,
            simulate_outgoing: false,
            tls: None,
        }
    }
}

impl SimConfig {
    /// The terminal scenarios use when none is named: the first terminal of the first user.
    pub fn default_terminal(&self) -> Option<&str> {
        self.users.iter().flat_map(|user| user.terminals.iter()).map(|terminal| terminal.id.as_str()).next()
    }
}

/// The certificate a TLS simulator presents, and its private key.
#[derive(Clone, PartialEq, Eq)]
pub struct SimTls {
    /// PEM: the server certificate first, then any intermediates.
    pub cert_chain_pem: Vec<u8>,
    /// PEM: the private key of the server certificate (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
}

impl fmt::Debug for SimTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimTls")
            .field("cert_chain_pem", &format_args!("<{} bytes>", self.cert_chain_pem.len()))
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// An end user of the platform.
#[derive(Clone, PartialEq, Eq)]
pub struct SimUser {
    pub login: String,
    pub password: String,
    /// False when the admin has not granted the CRM right: login then answers `MYCRM_ERR_403`.
    pub allowed: bool,
    pub terminals: Vec<SimTerminal>,
}

impl fmt::Debug for SimUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimUser")
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .field("allowed", &self.allowed)
            .field("terminals", &self.terminals)
            .finish()
    }
}

/// A phone of a user, as `GetTerminals` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimTerminal {
    /// A string of about 19 digits.
    pub id: String,
    /// `deviceModel`.
    pub model: String,
    /// `terminalName`.
    pub name: String,
}

impl SimTerminal {
    pub fn new(id: impl Into<String>, model: impl Into<String>, name: impl Into<String>) -> Self {
        Self { id: id.into(), model: model.into(), name: name.into() }
    }
}

/// Which event-stream reading of the guide the simulated platform speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WsMode {
    /// Events arrive on `ws-service/myCrm`; a plain `GET CallLine` links it.
    Service,
    /// `GET CallLine` is itself the websocket handshake.
    CallLine,
    /// Both readings work.
    Both,
}

impl WsMode {
    pub(crate) fn allows_service_socket(self) -> bool {
        matches!(self, Self::Service | Self::Both)
    }

    pub(crate) fn allows_callline_socket(self) -> bool {
        matches!(self, Self::CallLine | Self::Both)
    }
}

/// A name that is not `service`, `callline` or `both`.
#[derive(Debug, thiserror::Error)]
#[error("unknown websocket mode {0:?} (expected service, callline or both)")]
pub struct UnknownWsMode(String);

impl FromStr for WsMode {
    type Err = UnknownWsMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "service" => Ok(Self::Service),
            "callline" | "call-line" => Ok(Self::CallLine),
            "both" => Ok(Self::Both),
            _ => Err(UnknownWsMode(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_mode_parses_its_three_names() {
        assert_eq!("service".parse::<WsMode>().unwrap(), WsMode::Service);
        assert_eq!("CallLine".parse::<WsMode>().unwrap(), WsMode::CallLine);
        assert_eq!("both".parse::<WsMode>().unwrap(), WsMode::Both);
        assert!("socket".parse::<WsMode>().is_err());
    }

    #[test]
    fn default_terminal_is_the_first_users_first_terminal() {
        assert_eq!(SimConfig::default().default_terminal(), Some("5985841581756135023"));
    }

    #[test]
    fn tls_debug_hides_the_key() {
        let tls = SimTls { cert_chain_pem: b"CERT".to_vec(), key_pem: b"PRIVATE KEY".to_vec() };
        let shown = format!("{tls:?}");
        assert!(!shown.contains("PRIVATE") && shown.contains("<4 bytes>"), "{shown}");
    }

    #[test]
    fn user_debug_hides_the_password() {
        let shown = format!("{:?}", SimConfig::default().users[0]);
        assert!(!shown.contains("secret"), "{shown}");
    }
}
