//! What happens around the connection that the socket cannot tell quickly: the computer slept
//! (the wall clock jumped ahead of the monotonic clock, which stands still during a suspend),
//! the network changed (the machine's own addresses changed), or the server, unreachable
//! during an outage, accepts connections again.
//!
//! The supervisor looks at these every [`Watch::tick`]: a sleep or a network change makes it
//! test the live socket at once instead of waiting for the keepalive to notice, and while it
//! waits to reconnect, any of them makes it try again at once instead of at the end of its
//! backoff delay. The clock and the address list are functions each supervisor is given, so a
//! test moves its own ([`manual::Manual`]).

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::time::{Instant, timeout};
use url::Url;

/// A wall clock that moved this much more (or less) than the monotonic clock means a sleep or
/// a clock change.
const JUMP: Duration = Duration::from_secs(5);

/// How the supervisor looks around; the clock and the network are replaceable for tests.
#[derive(Clone)]
pub struct Watch {
    /// How often to look.
    pub tick: Duration,
    /// The wall clock.
    pub wall_clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
    /// A fingerprint of the machine's network addresses.
    pub network: Arc<dyn Fn() -> u64 + Send + Sync>,
}

impl Default for Watch {
    fn default() -> Self {
        Self { tick: Duration::from_secs(1), wall_clock: Arc::new(SystemTime::now), network: Arc::new(local_addresses) }
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch").field("tick", &self.tick).finish_non_exhaustive()
    }
}

/// A fingerprint of the machine's non-loopback addresses (0 when they cannot be listed).
pub fn local_addresses() -> u64 {
    let mut addresses: Vec<String> = if_addrs::get_if_addrs()
        .map(|list| list.into_iter().filter(|i| !i.is_loopback()).map(|i| format!("{}={}", i.name, i.ip())).collect())
        .unwrap_or_default();
    addresses.sort();
    let mut hasher = DefaultHasher::new();
    addresses.hash(&mut hasher);
    hasher.finish()
}

/// Surroundings that tests and benches move by hand.
pub mod manual {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, SystemTime};

    use tokio::time::Instant;

    use super::Watch;

    /// A wall clock a test can push ahead (a sleep) and a network fingerprint it can change.
    /// Each is its own: supervisors of tests running side by side do not see each other's.
    #[derive(Clone, Debug, Default)]
    pub struct Manual {
        ahead_s: Arc<AtomicU64>,
        network: Arc<AtomicU64>,
    }

    impl Manual {
        /// A [`Watch`] that looks at this hand-moved clock and network. Between moves the wall
        /// clock runs with tokio's clock, so a test on paused time sees no sleep it did not ask for.
        pub fn watch(&self) -> Watch {
            let (ahead_s, network) = (Arc::clone(&self.ahead_s), Arc::clone(&self.network));
            let (wall, mono) = (SystemTime::now(), Instant::now());
            Watch {
                wall_clock: Arc::new(move || {
                    wall + mono.elapsed() + Duration::from_secs(ahead_s.load(Ordering::SeqCst))
                }),
                network: Arc::new(move || network.load(Ordering::SeqCst)),
                ..Watch::default()
            }
        }

        /// As if the computer had slept for `secs` seconds.
        pub fn sleep(&self, secs: u64) {
            self.ahead_s.fetch_add(secs, Ordering::SeqCst);
        }

        /// As if the clock had been set back to the real time.
        pub fn reset_clock(&self) {
            self.ahead_s.store(0, Ordering::SeqCst);
        }

        /// As if the machine had joined another network.
        pub fn change_network(&self) {
            self.network.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Something that happened around the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The wall clock moved this much further than the monotonic clock (a sleep, or the time
    /// was set).
    ClockJump(Duration),
    /// The machine's network addresses changed.
    Network,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ClockJump(by) => write!(f, "the clock jumped by {} s (sleep or time change)", by.as_secs()),
            Self::Network => f.write_str("the network changed"),
        }
    }
}

/// Remembers the last look, to tell what changed since.
#[derive(Debug)]
pub struct Surroundings {
    watch: Watch,
    mono: Instant,
    wall: SystemTime,
    network: u64,
}

impl Surroundings {
    pub fn new(watch: Watch) -> Self {
        let (wall, network) = ((watch.wall_clock)(), (watch.network)());
        Self { watch, mono: Instant::now(), wall, network }
    }

    /// What changed since the last call (or since [`Surroundings::new`]).
    pub fn check(&mut self) -> Option<Change> {
        let (mono, wall, network) = (Instant::now(), (self.watch.wall_clock)(), (self.watch.network)());
        let mono_elapsed = mono.saturating_duration_since(self.mono);
        let wall_elapsed = wall.duration_since(self.wall);
        let network_changed = network != self.network;
        (self.mono, self.wall, self.network) = (mono, wall, network);
        let gap = match wall_elapsed {
            Ok(wall_elapsed) => wall_elapsed.abs_diff(mono_elapsed),
            // The wall clock went back: a time change, as telling as a jump forward.
            Err(back) => back.duration() + mono_elapsed,
        };
        if gap >= JUMP {
            Some(Change::ClockJump(gap))
        } else if network_changed {
            Some(Change::Network)
        } else {
            None
        }
    }
}

/// Whether the server accepts TCP connections again after it did not.
#[derive(Debug)]
pub struct Reachability {
    host: String,
    port: u16,
    seen_down: bool,
}

impl Reachability {
    pub fn new(base: &Url) -> Self {
        Self {
            host: base.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned(),
            port: base.port_or_known_default().unwrap_or(443),
            seen_down: false,
        }
    }

    /// Tries one TCP connection (DNS included), bounded by `limit`; true when it works after
    /// an earlier try failed: the server has just come back.
    pub async fn came_back(&mut self, limit: Duration) -> bool {
        let reachable =
            matches!(timeout(limit, tokio::net::TcpStream::connect((self.host.as_str(), self.port))).await, Ok(Ok(_)));
        let came_back = reachable && self.seen_down;
        self.seen_down = !reachable;
        came_back
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_and_a_network_change_are_noticed_once() {
        let around = manual::Manual::default();
        let mut seen = Surroundings::new(around.watch());
        assert_eq!(seen.check(), None, "nothing happened");
        around.sleep(3_600);
        assert!(matches!(seen.check(), Some(Change::ClockJump(by)) if by >= Duration::from_secs(3_599)));
        assert_eq!(seen.check(), None, "told once");
        around.change_network();
        assert_eq!(seen.check(), Some(Change::Network));
        assert_eq!(seen.check(), None);
        around.reset_clock();
        assert!(matches!(seen.check(), Some(Change::ClockJump(_))), "the clock set back counts too");
    }

    #[test]
    fn the_real_address_list_is_stable_between_two_looks() {
        assert_eq!(local_addresses(), local_addresses());
    }

    #[tokio::test]
    async fn a_server_coming_back_is_seen_only_after_it_was_down() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let url = Url::parse(&format!("http://{addr}")).expect("url");
        let mut reach = Reachability::new(&url);
        let limit = Duration::from_millis(500);
        assert!(!reach.came_back(limit).await, "up from the start is not a comeback");
        drop(listener);
        assert!(!reach.came_back(limit).await, "down");
        let _listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
        assert!(reach.came_back(limit).await, "back");
        assert!(!reach.came_back(limit).await, "told once");
        let mut nowhere = Reachability::new(&Url::parse("https://no-such-host.invalid").expect("url"));
        assert!(!nowhere.came_back(limit).await, "a name that does not resolve is down");
    }
}
