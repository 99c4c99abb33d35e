//! Scripted calls: event sequences played to the sockets of one terminal.

use std::{
    fmt,
    str::FromStr,
    time::{Duration, Instant},
};

use rand::{Rng, seq::IndexedRandom};
use serde_json::Value;

use crate::{
    SimControl,
    events::{CallItems, Party},
};

/// A scripted sequence of call events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// callRinging → callTalking (answer) → callDropped (disconnect).
    IncomingAnswered,
    /// callRinging → callDropped (noAnswer).
    Missed,
    /// callRinging → callDropped (rejected).
    Rejected,
    /// callAlerting → callTalking → callDropped.
    Outgoing,
    /// Ringing → talking → callHeld → callTalking (unHold) → dropped.
    HeldResumed,
    /// Ringing → talking → callTalking (transferred) → callDropped (transferred).
    Transferred,
    /// An incoming call through the ACD queue `0900000171`, answered here.
    AcdQueue,
    /// A call through the same queue that rings here, then stops because the platform gave it
    /// to a colleague: callDropped (transferred) with no talk here.
    AcdQueueElsewhere,
    /// `calls` calls, each ringing then dropped, as fast as possible.
    Burst { calls: usize },
    /// Every other scenario in turn, with varied callers and believable pauses, forever.
    Demo,
}

impl Scenario {
    const DEFAULT_BURST: usize = 100;
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IncomingAnswered => f.write_str("incoming-answered"),
            Self::Missed => f.write_str("missed"),
            Self::Rejected => f.write_str("rejected"),
            Self::Outgoing => f.write_str("outgoing"),
            Self::HeldResumed => f.write_str("held-resumed"),
            Self::Transferred => f.write_str("transferred"),
            Self::AcdQueue => f.write_str("acd-queue"),
            Self::AcdQueueElsewhere => f.write_str("acd-queue-elsewhere"),
            Self::Burst { calls } => write!(f, "burst-{calls}"),
            Self::Demo => f.write_str("demo"),
        }
    }
}

/// A name that is no scenario.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown scenario {0:?} (expected incoming-answered, missed, rejected, outgoing, \
     held-resumed, transferred, acd-queue, acd-queue-elsewhere, burst, burst-N or demo)"
)]
pub struct UnknownScenario(String);

impl FromStr for Scenario {
    type Err = UnknownScenario;

    /// Kebab-case names; `burst` takes an optional count as `burst-N` or `burst:N`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownScenario(s.to_owned());
        Ok(match s.to_ascii_lowercase().as_str() {
            "incoming-answered" => Self::IncomingAnswered,
            "missed" => Self::Missed,
            "rejected" => Self::Rejected,
            "outgoing" => Self::Outgoing,
            "held-resumed" => Self::HeldResumed,
            "transferred" => Self::Transferred,
            "acd-queue" => Self::AcdQueue,
            "acd-queue-elsewhere" => Self::AcdQueueElsewhere,
            "demo" => Self::Demo,
            "burst" => Self::Burst { calls: Self::DEFAULT_BURST },
            other => {
                let count =
                    other.strip_prefix("burst-").or_else(|| other.strip_prefix("burst:")).ok_or_else(unknown)?;
                Self::Burst { calls: count.parse().map_err(|_| unknown())? }
            }
        })
    }
}

/// How long the steps of a call last.
#[derive(Clone, Copy, Debug)]
struct Pace {
    unit: Duration,
    /// Demo calls vary their timing so they do not look machine-made.
    jitter: bool,
}

impl Pace {
    async fn steps(self, count: f64) {
        let factor = if self.jitter { rand::rng().random_range(0.6..1.6) } else { 1.0 };
        tokio::time::sleep(self.unit.mul_f64(count * factor)).await;
    }
}

/// One call on one terminal: sends its items and keeps the clock for the drop durations.
struct Call<'a> {
    control: &'a SimControl,
    terminal_id: &'a str,
    items: CallItems,
    started: Instant,
    answered: Option<Instant>,
}

impl<'a> Call<'a> {
    fn new(control: &'a SimControl, terminal_id: &'a str, party: Party, incoming: bool) -> Self {
        let number = control.next_call_number();
        let call_id = if incoming { format!("-{number}") } else { number.to_string() };
        Self {
            control,
            terminal_id,
            items: CallItems { call_id, party, incoming, durations_as_strings: number.is_multiple_of(2) },
            started: Instant::now(),
            answered: None,
        }
    }

    fn send(&self, item: Value) {
        self.control.send_items(self.terminal_id, vec![item]);
    }

    fn offer(&self) {
        let item = if self.items.incoming { self.items.ringing() } else { self.items.alerting() };
        self.send(item);
    }

    fn talk(&mut self, cause: &str) {
        self.answered.get_or_insert_with(Instant::now);
        self.send(self.items.talking(cause));
    }

    fn drop_call(&self, cause: &str) {
        let ringing = self.answered.unwrap_or_else(Instant::now) - self.started;
        let talking = self.answered.map_or(Duration::ZERO, |at| at.elapsed());
        self.send(self.items.dropped(cause, millis(ringing), millis(talking)));
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Plays a scenario to the sockets of a terminal; `Demo` never returns.
pub(crate) async fn run(control: &SimControl, terminal_id: &str, scenario: Scenario) {
    let pace = Pace { unit: control.step_delay(), jitter: false };
    match scenario {
        Scenario::Burst { calls } => burst(control, terminal_id, calls),
        Scenario::Demo => demo(control, terminal_id).await,
        single => {
            let party = standard_party(single);
            play(control, terminal_id, single, party, pace).await;
        }
    }
}

/// The events a platform sends after `PlaceCall`: the far end rings, answers, hangs up.
pub(crate) async fn placed_call(control: &SimControl, terminal_id: &str, destination: &str) {
    let mut call = Call::new(control, terminal_id, Party::dialled(destination), false);
    call.offer();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    call.talk("answer");
    tokio::time::sleep(Duration::from_secs(4)).await;
    call.drop_call("disconnect");
}

async fn play(control: &SimControl, terminal_id: &str, scenario: Scenario, party: Party, pace: Pace) {
    let incoming = scenario != Scenario::Outgoing;
    let mut call = Call::new(control, terminal_id, party, incoming);
    call.offer();
    match scenario {
        Scenario::Missed => {
            pace.steps(3.0).await;
            call.drop_call("noAnswer");
        }
        Scenario::Rejected => {
            pace.steps(1.0).await;
            call.drop_call("rejected");
        }
        Scenario::HeldResumed => {
            pace.steps(1.0).await;
            call.talk("answer");
            pace.steps(2.0).await;
            call.send(call.items.held());
            pace.steps(2.0).await;
            call.talk("unHold");
            pace.steps(2.0).await;
            call.drop_call("disconnect");
        }
        Scenario::AcdQueueElsewhere => {
            pace.steps(3.0).await;
            call.drop_call("transferred");
        }
        Scenario::Transferred => {
            pace.steps(1.0).await;
            call.talk("answer");
            pace.steps(2.0).await;
            call.talk("transferred");
            pace.steps(1.0).await;
            call.drop_call("transferred");
        }
        _ => {
            pace.steps(2.0).await;
            call.talk("answer");
            pace.steps(3.0).await;
            call.drop_call("disconnect");
        }
    }
}

fn burst(control: &SimControl, terminal_id: &str, calls: usize) {
    for index in 0..calls {
        let extension = format!("{}", 100 + index % 900);
        let call = Call::new(control, terminal_id, Party::internal("", &extension), true);
        call.offer();
        call.drop_call("noAnswer");
    }
}

const ACD_ID: &str = "0900000171";

fn standard_party(scenario: Scenario) -> Party {
    match scenario {
        Scenario::Outgoing => Party::external("Acme Corp", "+12125550147", "+12125550147"),
        Scenario::AcdQueue | Scenario::AcdQueueElsewhere => {
            Party::internal("Jean Petit", "104").via_acd(ACD_ID, "ACD-171-S-0")
        }
        Scenario::HeldResumed => Party::internal("Reception", "100"),
        Scenario::Missed => Party::external("Müller Logistik GmbH", "004930901820", "+4930901820"),
        _ => Party::external("Dupont Immobilier", "0184881234", "+33184881234"),
    }
}

/// Callers the demo picks from.
fn demo_callers() -> Vec<Party> {
    vec![
        Party::external("Dupont Immobilier", "0184881234", "+33184881234"),
        Party::external("Claire Moreau", "0612345678", "+33612345678"),
        Party::external("Boulangerie Martin", "0472103344", "+33472103344"),
        Party::external("Müller Logistik GmbH", "004930901820", "+4930901820"),
        Party::external("Acme Corp", "+12125550147", "+12125550147"),
        Party::external("", "0970000123", "+33970000123"),
        Party::internal("Jean Petit", "104"),
        Party::internal("Reception", "100"),
        Party::internal("Sophie Laurent", "121"),
    ]
}

async fn demo(control: &SimControl, terminal_id: &str) {
    const CYCLE: [Scenario; 9] = [
        Scenario::IncomingAnswered,
        Scenario::Missed,
        Scenario::Outgoing,
        Scenario::AcdQueue,
        Scenario::AcdQueueElsewhere,
        Scenario::IncomingAnswered,
        Scenario::HeldResumed,
        Scenario::Rejected,
        Scenario::Transferred,
    ];
    // Calls sent before anyone listens are lost, as on the real platform: the demo waits for
    // the app to watch the terminal, then gives the user a few seconds to look around (ten
    // steps: 3 s at the default pace).
    while !control.wait_for_subscriber(terminal_id, Duration::from_secs(3600)).await {}
    tokio::time::sleep(control.step_delay() * 10).await;
    let callers = demo_callers();
    for scenario in CYCLE.iter().cycle() {
        let pace = Pace { unit: control.step_delay() * 4, jitter: true };
        let party = pick_demo_party(&callers, *scenario);
        play(control, terminal_id, *scenario, party, pace).await;
        pace.steps(4.0).await;
    }
}

fn pick_demo_party(callers: &[Party], scenario: Scenario) -> Party {
    let mut rng = rand::rng();
    let caller = callers.choose(&mut rng).cloned().unwrap_or_else(|| standard_party(scenario));
    if matches!(scenario, Scenario::AcdQueue | Scenario::AcdQueueElsewhere) {
        caller.via_acd(ACD_ID, "Support")
    } else {
        caller
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for scenario in [
            Scenario::IncomingAnswered,
            Scenario::Missed,
            Scenario::Rejected,
            Scenario::Outgoing,
            Scenario::HeldResumed,
            Scenario::Transferred,
            Scenario::AcdQueue,
            Scenario::AcdQueueElsewhere,
            Scenario::Burst { calls: 7 },
            Scenario::Demo,
        ] {
            assert_eq!(scenario.to_string().parse::<Scenario>().unwrap(), scenario);
        }
    }

    #[test]
    fn burst_takes_a_count_or_a_default() {
        assert_eq!("burst".parse::<Scenario>().unwrap(), Scenario::Burst { calls: 100 });
        assert_eq!("burst:3".parse::<Scenario>().unwrap(), Scenario::Burst { calls: 3 });
        assert!("burst-x".parse::<Scenario>().is_err());
        assert!("ringing".parse::<Scenario>().is_err());
    }
}
