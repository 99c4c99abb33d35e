//! Call events as the rest of the program sees them: one [`Event`] per wire item, with typed
//! kinds and every field optional except the call id.

use serde::{Serialize, Serializer};

/// What happened to a call, per the platform's event name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `callAlerting`: a call is being offered (outgoing: the far end rings).
    Alerting,
    /// `callRinging`: the user's terminal rings.
    Ringing,
    /// `callTalking`: the call is connected.
    Talking,
    /// `callHeld`: the call is on hold.
    Held,
    /// `callDropped`: the call ended.
    Dropped,
    /// Any other name, kept as the platform sent it.
    Unknown(String),
}

impl EventKind {
    pub fn from_wire(name: &str) -> Self {
        match name {
            "callAlerting" => Self::Alerting,
            "callRinging" => Self::Ringing,
            "callTalking" => Self::Talking,
            "callHeld" => Self::Held,
            "callDropped" => Self::Dropped,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// The platform's name for this kind.
    pub fn wire_name(&self) -> &str {
        match self {
            Self::Alerting => "callAlerting",
            Self::Ringing => "callRinging",
            Self::Talking => "callTalking",
            Self::Held => "callHeld",
            Self::Dropped => "callDropped",
            Self::Unknown(name) => name,
        }
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.wire_name())
    }
}

/// Whether the other party is on the platform (`internal`) or outside it (`external`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CallType {
    Internal,
    External,
    Other(String),
}

impl CallType {
    pub fn from_wire(name: &str) -> Self {
        match name {
            "internal" => Self::Internal,
            "external" => Self::External,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn wire_name(&self) -> &str {
        match self {
            Self::Internal => "internal",
            Self::External => "external",
            Self::Other(name) => name,
        }
    }
}

impl Serialize for CallType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.wire_name())
    }
}

/// One event item of a frame. Serializes to the `mycrm listen` line format: the wire's
/// camelCase names, absent fields as `null`, times as integer milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The frame's `listenerName`.
    pub listener: Option<String>,
    #[serde(rename = "event")]
    pub kind: EventKind,
    pub call_id: String,
    pub incoming: Option<bool>,
    #[serde(rename = "type")]
    pub call_type: Option<CallType>,
    pub acd_id: Option<String>,
    pub display_label: Option<String>,
    pub display_number: Option<String>,
    #[serde(rename = "displayNumberE164")]
    pub display_number_e164: Option<String>,
    pub talk_cause: Option<String>,
    pub drop_cause: Option<String>,
    /// Milliseconds.
    pub ringing_time: Option<u64>,
    /// Milliseconds.
    pub talking_time: Option<u64>,
    /// The item's JSON as received, kept for events this client does not know.
    #[serde(skip)]
    pub raw: Option<String>,
}

impl Event {
    /// An event with only a kind and a call id, the rest absent.
    pub fn bare(kind: EventKind, call_id: impl Into<String>) -> Self {
        Self {
            listener: None,
            kind,
            call_id: call_id.into(),
            incoming: None,
            call_type: None,
            acd_id: None,
            display_label: None,
            display_number: None,
            display_number_e164: None,
            talk_cause: None,
            drop_cause: None,
            ringing_time: None,
            talking_time: None,
            raw: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_lines_use_wire_names_and_nulls() {
        let mut e = Event::bare(EventKind::Dropped, "-428");
        e.ringing_time = Some(262);
        e.call_type = Some(CallType::External);
        let line = serde_json::to_string(&e).expect("serializes");
        assert_eq!(
            line,
            r#"{"listener":null,"event":"callDropped","callId":"-428","incoming":null,"type":"external","acdId":null,"displayLabel":null,"displayNumber":null,"displayNumberE164":null,"talkCause":null,"dropCause":null,"ringingTime":262,"talkingTime":null}"#
        );
    }
}
