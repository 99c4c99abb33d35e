//! A client for the Centile Istra **myCrm** API: sign in as an end user, watch a terminal's
//! calls over a websocket, and place calls.
//!
//! # Layout
//!
//! - [`session`]: one signed-in session and every request of the API.
//! - [`stream`]: the event websocket in both socket modes, with keep-alive.
//! - [`wire`]: the JSON as it arrives, parsed tolerantly; [`event`]: the typed events.
//! - [`supervisor`]: the task that owns the connection and rebuilds it after failures.
//! - [`backoff`]: reconnect delays; [`surroundings`]: sleeps, network changes, the server's return.
//! - [`tracker`]: the life of each call from its events (pure, time passed in).
//! - [`dial`]: the phone number in text a user selected, normalised for PlaceCall.
//! - [`tls`]: which authorities the secure connections trust, and TLS failures told apart.
//! - [`error`]: errors typed by what the caller should do.
//!
//! Nothing here knows about the desktop: the app and the `mycrm` command both build on it.

pub mod backoff;
pub mod dial;
pub mod error;
pub mod event;
pub mod secret;
pub mod session;
pub mod stream;
pub mod supervisor;
pub mod surroundings;
pub mod tls;
pub mod tracker;
pub mod wire;

pub use error::{Error, ErrorKind};
pub use event::{CallType, Event, EventKind};
pub use secret::{Credentials, Password};
pub use session::{Client, ListenerBody, Server, Session};
pub use stream::{EventStream, StreamConfig, WsMode};
pub use supervisor::{ConnectionState, Online, SupervisorConfig, SupervisorHandle};
pub use tls::TlsOptions;
pub use tracker::{Call, CallState, CallTracker, CallUpdate, Direction, EndCause, TrackerConfig, taken_elsewhere};
pub use wire::Terminal;
