//! Turns the event stream into the life of each call. Pure: no I/O, and the time is passed in.
//!
//! The platform may repeat, skip, coalesce or reorder transitions, and lose `callDropped` with
//! the connection. The tracker therefore reports only real changes (a repeated `callRinging`
//! is no new call), never moves a connected call back to ringing, ignores late events of a
//! call that ended, and closes calls that stay silent too long, so memory stays bounded.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use crate::event::{CallType, Event, EventKind};

/// Who started the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// Where a call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallState {
    /// Offered: the user's terminal rings (incoming) or the far end rings (outgoing).
    Ringing,
    Talking,
    Held,
    Ended,
}

/// Why a call ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EndCause {
    Disconnect,
    Rejected,
    Transferred,
    Busy,
    NoAnswer,
    Unavailable,
    Error,
    /// No event came for too long (a `callDropped` lost with the connection).
    TimedOut,
    /// A cause outside the documented list, as sent.
    Other(String),
}

impl EndCause {
    /// The platform's name for the cause (`timedOut` for calls the tracker closed).
    pub fn wire_name(&self) -> &str {
        match self {
            Self::Disconnect => "disconnect",
            Self::Rejected => "rejected",
            Self::Transferred => "transferred",
            Self::Busy => "busy",
            Self::NoAnswer => "noAnswer",
            Self::Unavailable => "unavailable",
            Self::Error => "error",
            Self::TimedOut => "timedOut",
            Self::Other(cause) => cause,
        }
    }

    fn from_wire(cause: Option<&str>) -> Self {
        match cause {
            Some("disconnect") | None => Self::Disconnect,
            Some("rejected") => Self::Rejected,
            Some("transferred") => Self::Transferred,
            Some("busy") => Self::Busy,
            Some("noAnswer") => Self::NoAnswer,
            Some("unavailable") => Self::Unavailable,
            Some("error") => Self::Error,
            Some(other) => Self::Other(other.to_owned()),
        }
    }
}

/// Everything known about one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub id: String,
    pub direction: Direction,
    pub call_type: Option<CallType>,
    /// The other party's number as displayed by the platform (may hold `+`, `*`, `#`, letters).
    pub number: Option<String>,
    pub e164: Option<String>,
    pub label: Option<String>,
    /// The ACD / queue / PSTN number that was reached.
    pub acd: Option<String>,
    pub state: CallState,
    pub started: Instant,
    pub answered: Option<Instant>,
    pub ended: Option<Instant>,
    pub ring_ms: Option<u64>,
    pub talk_ms: Option<u64>,
    pub end_cause: Option<EndCause>,
    /// A queue call that the platform gave to someone else before it was talked on here
    /// (see [`taken_elsewhere`]).
    pub taken_elsewhere: bool,
    /// Incoming and ended without ever talking, and not [taken elsewhere](Self::taken_elsewhere).
    pub missed: bool,
    last_event: Instant,
}

/// A change to a call, as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallUpdate {
    pub call: Call,
    /// This is the first update of the call.
    pub is_new: bool,
}

/// Time limits of the tracker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackerConfig {
    /// A ringing call with no news for this long is closed.
    pub ringing_timeout: Duration,
    /// A connected or held call with no news for this long is closed.
    pub active_timeout: Duration,
    /// Ended call ids are remembered this long, so late or repeated events do not revive them.
    pub remember_ended: Duration,
    /// At most this many ended call ids are remembered.
    pub max_remembered: usize,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            ringing_timeout: Duration::from_secs(180),
            active_timeout: Duration::from_secs(12 * 3600),
            remember_ended: Duration::from_secs(600),
            max_remembered: 10_000,
        }
    }
}

/// Calls by id.
#[derive(Debug, Default)]
pub struct CallTracker {
    config: TrackerConfig,
    calls: HashMap<String, Call>,
    ended: HashMap<String, Instant>,
    ended_order: VecDeque<(String, Instant)>,
}

impl CallTracker {
    pub fn new(config: TrackerConfig) -> Self {
        Self { config, ..Self::default() }
    }

    /// Calls in progress.
    pub fn active(&self) -> impl Iterator<Item = &Call> {
        self.calls.values()
    }

    /// Ended call ids still remembered (bounded by [`TrackerConfig::max_remembered`]).
    pub fn remembered(&self) -> usize {
        self.ended.len()
    }

    /// Applies one event; `None` when it changes nothing a user could see.
    pub fn apply(&mut self, event: &Event, now: Instant) -> Option<CallUpdate> {
        if self.ended.contains_key(&event.call_id) {
            tracing::debug!(call = %event.call_id, event = event.kind.wire_name(), "event for an ended call ignored");
            return None;
        }
        let is_new = !self.calls.contains_key(&event.call_id);
        if is_new && matches!(event.kind, EventKind::Unknown(_)) {
            return None;
        }
        let call = self.calls.entry(event.call_id.clone()).or_insert_with(|| new_call(event, now));
        let before = call.clone();
        call.last_event = now;
        merge_details(call, event);
        match &event.kind {
            EventKind::Alerting | EventKind::Ringing | EventKind::Unknown(_) => {}
            EventKind::Talking => {
                call.state = CallState::Talking;
                call.answered.get_or_insert(now);
            }
            EventKind::Held => call.state = CallState::Held,
            EventKind::Dropped => {
                end_call(call, now, event.drop_cause.as_deref(), event.ringing_time, event.talking_time);
                let call = self.calls.remove(&event.call_id)?;
                self.remember_ended(call.id.clone(), now);
                return Some(CallUpdate { call, is_new });
            }
        }
        let mut unchanged = before;
        unchanged.last_event = now;
        (is_new || *call != unchanged).then(|| CallUpdate { call: call.clone(), is_new })
    }

    /// Closes calls that have been silent too long and forgets old ended ids.
    pub fn expire(&mut self, now: Instant) -> Vec<CallUpdate> {
        let config = self.config;
        let stale: Vec<String> = self
            .calls
            .values()
            .filter(|c| {
                let limit = if c.state == CallState::Ringing { config.ringing_timeout } else { config.active_timeout };
                now.saturating_duration_since(c.last_event) >= limit
            })
            .map(|c| c.id.clone())
            .collect();
        let mut updates = Vec::with_capacity(stale.len());
        for id in stale {
            if let Some(mut call) = self.calls.remove(&id) {
                end_call(&mut call, now, None, None, None);
                call.end_cause = Some(EndCause::TimedOut);
                self.remember_ended(id, now);
                updates.push(CallUpdate { call, is_new: false });
            }
        }
        while let Some((id, at)) = self.ended_order.front() {
            if now.saturating_duration_since(*at) < config.remember_ended
                && self.ended_order.len() <= config.max_remembered
            {
                break;
            }
            self.ended.remove(id);
            self.ended_order.pop_front();
        }
        updates
    }

    fn remember_ended(&mut self, id: String, now: Instant) {
        self.ended.insert(id.clone(), now);
        self.ended_order.push_back((id, now));
        if self.ended_order.len() > self.config.max_remembered {
            if let Some((old, _)) = self.ended_order.pop_front() {
                self.ended.remove(&old);
            }
        }
    }
}

fn new_call(event: &Event, now: Instant) -> Call {
    let direction = match (event.incoming, &event.kind) {
        (Some(true), _) => Direction::Incoming,
        (Some(false), _) | (None, EventKind::Alerting) => Direction::Outgoing,
        (None, _) => Direction::Incoming,
    };
    let state = match event.kind {
        EventKind::Talking => CallState::Talking,
        EventKind::Held => CallState::Held,
        _ => CallState::Ringing,
    };
    Call {
        id: event.call_id.clone(),
        direction,
        call_type: None,
        number: None,
        e164: None,
        label: None,
        acd: None,
        state,
        started: now,
        // A call first seen connected was answered before we saw it.
        answered: (state != CallState::Ringing).then_some(now),
        ended: None,
        ring_ms: None,
        talk_ms: None,
        end_cause: None,
        taken_elsewhere: false,
        missed: false,
        last_event: now,
    }
}

fn merge_details(call: &mut Call, event: &Event) {
    fn keep(slot: &mut Option<String>, value: &Option<String>) {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            if slot.as_deref() != Some(v) {
                *slot = Some(v.to_owned());
            }
        }
    }
    keep(&mut call.number, &event.display_number);
    keep(&mut call.e164, &event.display_number_e164);
    keep(&mut call.label, &event.display_label);
    keep(&mut call.acd, &event.acd_id);
    if event.call_type.is_some() && call.call_type != event.call_type {
        call.call_type.clone_from(&event.call_type);
    }
}

fn end_call(call: &mut Call, now: Instant, cause: Option<&str>, ring_ms: Option<u64>, talk_ms: Option<u64>) {
    let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let rang_until = call.answered.unwrap_or(now);
    call.ring_ms = ring_ms.or_else(|| Some(millis(rang_until.saturating_duration_since(call.started))));
    call.talk_ms = talk_ms.or_else(|| Some(call.answered.map_or(0, |a| millis(now.saturating_duration_since(a)))));
    let talked = call.answered.is_some() || call.talk_ms.is_some_and(|ms| ms > 0);
    call.state = CallState::Ended;
    call.ended = Some(now);
    let cause = EndCause::from_wire(cause);
    call.taken_elsewhere = taken_elsewhere(call.direction, call.acd.as_deref(), talked, cause.wire_name());
    call.missed = call.direction == Direction::Incoming && !talked && !call.taken_elsewhere;
    call.end_cause = Some(cause);
}

/// Whether an ended call stopped ringing here because the platform gave it to a colleague: an
/// incoming call through a queue (`acdId` set) that was never talked on here and ended with the
/// cause `transferred`. It is not this user's missed call: the caller was served elsewhere. A
/// queue call the caller hung up on while it rang here (`disconnect`), or that no one took
/// (`noAnswer`), is still missed. `cause` is the platform's name ([`EndCause::wire_name`]).
pub fn taken_elsewhere(direction: Direction, acd: Option<&str>, talked: bool, cause: &str) -> bool {
    direction == Direction::Incoming
        && acd.is_some_and(|acd| !acd.trim().is_empty())
        && !talked
        && cause == "transferred"
}

#[cfg(test)]
mod tests;
