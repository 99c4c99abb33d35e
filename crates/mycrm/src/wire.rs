//! The JSON of the myCrm API as it arrives, parsed tolerantly, and its translation into
//! domain [`Event`]s.
//!
//! The platform's own examples disagree with its field list, so this module accepts numbers as
//! strings or numbers, `Incoming` or `incoming`, unknown fields and unknown event names. One bad
//! item never costs the other items of its frame.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

use crate::event::{CallType, Event, EventKind};

/// Frames longer than this are refused without being parsed (a hostile or broken server
/// cannot make the client allocate without bound).
pub const MAX_FRAME_LEN: usize = 4 * 1024 * 1024;

/// A terminal (desk phone, softphone) of the signed-in user, as `GetTerminals` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Terminal {
    #[serde(deserialize_with = "string_or_number")]
    pub terminal_id: String,
    #[serde(default, deserialize_with = "opt_string_or_number", skip_serializing_if = "Option::is_none")]
    pub device_model: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number", skip_serializing_if = "Option::is_none")]
    pub terminal_name: Option<String>,
}

impl Terminal {
    /// A name to show a person: the terminal's name, else its model, else its id.
    pub fn describe(&self) -> &str {
        self.terminal_name.as_deref().or(self.device_model.as_deref()).unwrap_or(&self.terminal_id)
    }
}

/// The answer to creating an event listener.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerInfo {
    pub name: String,
    pub rest_uri: String,
}

/// An error body, in either of the platform's two shapes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub first_message: Option<String>,
}

/// What one websocket text frame turned out to be.
#[derive(Debug)]
pub enum Frame {
    /// Call events; `skipped` counts items that could not be read (each was logged).
    Events { events: Vec<Event>, skipped: usize },
    /// The socket-session description some servers send first.
    SocketInfo { timeout_ms: Option<u64> },
    /// Keep-alive traffic, or JSON without events.
    Ignored,
}

/// A frame that is not JSON at all (or too large to read).
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("frame of {0} bytes is over the {MAX_FRAME_LEN}-byte limit")]
    TooLarge(usize),
    #[error("malformed frame: {0}")]
    Malformed(#[from] serde_json::Error),
}

#[derive(Deserialize)]
struct RawFrame<'a> {
    #[serde(default, rename = "listenerName", borrow)]
    listener_name: Option<&'a RawValue>,
    #[serde(default, borrow)]
    item: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "opt_u64")]
    timeout_milliseconds: Option<u64>,
}

#[derive(Deserialize)]
struct RawItem {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    event: Option<String>,
    #[serde(default, rename = "callId", deserialize_with = "opt_string_or_number")]
    call_id: Option<String>,
    #[serde(default, alias = "Incoming", deserialize_with = "opt_bool")]
    incoming: Option<bool>,
    #[serde(default, rename = "type", deserialize_with = "opt_string_or_number")]
    call_type: Option<String>,
    #[serde(default, rename = "acdId", deserialize_with = "opt_string_or_number")]
    acd_id: Option<String>,
    #[serde(default, rename = "displayLabel", deserialize_with = "opt_string_or_number")]
    display_label: Option<String>,
    #[serde(default, rename = "displayNumber", deserialize_with = "opt_string_or_number")]
    display_number: Option<String>,
    #[serde(default, rename = "displayNumberE164", deserialize_with = "opt_string_or_number")]
    display_number_e164: Option<String>,
    #[serde(default, rename = "talkCause", deserialize_with = "opt_string_or_number")]
    talk_cause: Option<String>,
    #[serde(default, rename = "dropCause", deserialize_with = "opt_string_or_number")]
    drop_cause: Option<String>,
    #[serde(default, rename = "ringingTime", deserialize_with = "opt_u64")]
    ringing_time: Option<u64>,
    #[serde(default, rename = "talkingTime", deserialize_with = "opt_u64")]
    talking_time: Option<u64>,
}

/// Reads one websocket text frame.
///
/// # Errors
///
/// [`FrameError`] when the text is not JSON (or is too large). Items that are JSON but not
/// readable as events are skipped and counted, never an error.
pub fn parse_frame(text: &str) -> Result<Frame, FrameError> {
    let trimmed = text.trim();
    if trimmed.len() > MAX_FRAME_LEN {
        return Err(FrameError::TooLarge(trimmed.len()));
    }
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("ping") || trimmed.eq_ignore_ascii_case("pong") {
        return Ok(Frame::Ignored);
    }
    let raw: RawFrame<'_> = serde_json::from_str(trimmed)?;
    let listener = raw.listener_name.and_then(raw_to_string);
    // `item` is a list in every example; a lone object is accepted too.
    let items: Vec<&RawValue> = match raw.item {
        Some(item) if item.get().starts_with('[') => serde_json::from_str(item.get())?,
        Some(item) if item.get().starts_with('{') => vec![item],
        Some(_) => Vec::new(),
        None => {
            return Ok(match raw.timeout_milliseconds {
                Some(ms) => Frame::SocketInfo { timeout_ms: Some(ms) },
                None => Frame::Ignored,
            });
        }
    };
    let mut events = Vec::with_capacity(items.len());
    let mut skipped = 0;
    for item in items {
        match parse_item(item, listener.as_deref()) {
            Ok(event) => events.push(event),
            Err(reason) => {
                skipped += 1;
                tracing::warn!(%reason, item = %truncate(item.get(), 200), "skipping unreadable event item");
            }
        }
    }
    Ok(Frame::Events { events, skipped })
}

fn parse_item(raw: &RawValue, listener: Option<&str>) -> Result<Event, String> {
    let item: RawItem = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    let name = item.event.ok_or("no event name")?;
    let call_id = item.call_id.ok_or("no callId")?;
    let kind = EventKind::from_wire(&name);
    let raw_item = match kind {
        EventKind::Unknown(_) => {
            tracing::info!(event = %name, "unknown event kept as is");
            Some(raw.get().to_owned())
        }
        _ => None,
    };
    Ok(Event {
        listener: listener.map(str::to_owned),
        kind,
        call_id,
        incoming: item.incoming,
        call_type: item.call_type.map(|t| CallType::from_wire(&t)),
        acd_id: item.acd_id,
        display_label: item.display_label,
        display_number: item.display_number,
        display_number_e164: item.display_number_e164,
        talk_cause: item.talk_cause,
        drop_cause: item.drop_cause,
        ringing_time: item.ringing_time,
        talking_time: item.talking_time,
        raw: raw_item,
    })
}

/// Parses an error body; `None` when the text is not one of the platform's JSON shapes.
pub fn parse_error_body(text: &str) -> Option<ErrorBody> {
    let body: ErrorBody = serde_json::from_str(text).ok()?;
    (body.code.is_some() || body.message.is_some() || body.first_message.is_some()).then_some(body)
}

fn raw_to_string(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<FlexString>(raw.get()).ok().and_then(|f| f.0)
}

pub(crate) fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// A string that may arrive as a JSON string, number or boolean; `null` reads as `None`.
struct FlexString(Option<String>);

impl<'de> Deserialize<'de> for FlexString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FlexString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexString, E> {
                Ok(FlexString(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<FlexString, E> {
                Ok(FlexString(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexString, E> {
                Ok(FlexString(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexString, E> {
                Ok(FlexString(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FlexString, E> {
                Ok(FlexString(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FlexString, E> {
                Ok(FlexString(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FlexString, E> {
                Ok(FlexString(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<FlexString, E> {
                Ok(FlexString(None))
            }
        }
        d.deserialize_any(V)
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    FlexString::deserialize(d)?.0.ok_or_else(|| de::Error::custom("expected a string or a number, found null"))
}

fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(FlexString::deserialize(d)?.0)
}

/// Milliseconds as a number (integer or not) or a string of digits; anything else reads as
/// absent rather than failing the item.
fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(FlexString::deserialize(d)?.0.and_then(|s| {
        let s = s.trim();
        s.parse::<u64>().ok().or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
    }))
}

/// `true`/`false` as booleans, strings or 0/1.
fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(FlexString::deserialize(d)?.0.and_then(|s| match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Vec<Event> {
        match parse_frame(text).expect("frame parses") {
            Frame::Events { events, .. } => events,
            other => panic!("expected events, got {other:?}"),
        }
    }

    #[test]
    fn the_guides_ringing_example_reads_as_one_incoming_internal_call() {
        let e = events(
            r#"{"listenerName":"CallLines","item":[{"event":"callRinging","callId":"-428","acdId":"0900000171",
            "displayLabel":"ACD-171-S-0","displayNumber":"104","displayNumberE164":"104","incoming":true,"type":"internal"}]}"#,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind, EventKind::Ringing);
        assert_eq!(e[0].call_id, "-428");
        assert_eq!(e[0].listener.as_deref(), Some("CallLines"));
        assert_eq!(e[0].incoming, Some(true));
        assert_eq!(e[0].call_type, Some(CallType::Internal));
        assert_eq!(e[0].acd_id.as_deref(), Some("0900000171"));
        assert_eq!(e[0].display_label.as_deref(), Some("ACD-171-S-0"));
        assert_eq!(e[0].display_number.as_deref(), Some("104"));
    }

    #[test]
    fn times_arrive_as_strings_or_numbers() {
        let e = events(
            r#"{"item":[{"event":"callDropped","callId":"1","ringingTime":"262","talkingTime":1500,"dropCause":"disconnect"},
            {"event":"callDropped","callId":2,"ringingTime":12.7,"talkingTime":"n/a"}]}"#,
        );
        assert_eq!(e[0].ringing_time, Some(262));
        assert_eq!(e[0].talking_time, Some(1500));
        assert_eq!(e[1].call_id, "2");
        assert_eq!(e[1].ringing_time, Some(12));
        assert_eq!(e[1].talking_time, None);
    }

    #[test]
    fn capitalised_incoming_from_the_field_list_is_accepted() {
        let e = events(r#"{"item":[{"event":"callRinging","callId":"7","Incoming":"true"}]}"#);
        assert_eq!(e[0].incoming, Some(true));
    }

    #[test]
    fn every_item_of_a_frame_is_processed_and_bad_ones_are_skipped() {
        let frame = parse_frame(
            r#"{"item":[{"event":"callRinging","callId":"1"},{"callId":"nameless"},42,
            {"event":"callHeld","callId":"1"},{"event":"callTalking"}]}"#,
        )
        .expect("frame parses");
        let Frame::Events { events, skipped } = frame else { panic!("expected events") };
        assert_eq!(events.len(), 2);
        assert_eq!(skipped, 3);
        assert_eq!(events[1].kind, EventKind::Held);
    }

    #[test]
    fn unknown_events_keep_their_name_and_raw_item() {
        let e = events(r#"{"item":[{"event":"callParked","callId":"9","slot":3}]}"#);
        assert_eq!(e[0].kind, EventKind::Unknown("callParked".into()));
        assert!(e[0].raw.as_deref().is_some_and(|r| r.contains("\"slot\":3")));
    }

    #[test]
    fn display_numbers_are_never_parsed_as_integers() {
        let e = events(
            r#"{"item":[{"event":"callRinging","callId":"1","displayNumber":"+33*12#AB","displayNumberE164":"0012"}]}"#,
        );
        assert_eq!(e[0].display_number.as_deref(), Some("+33*12#AB"));
        assert_eq!(e[0].display_number_e164.as_deref(), Some("0012"));
    }

    #[test]
    fn socket_description_ping_and_itemless_frames_are_not_events() {
        assert!(matches!(
            parse_frame(r#"{"id":"x","timeout_milliseconds":"300000","maxInactiveInterval_seconds":1800}"#),
            Ok(Frame::SocketInfo { timeout_ms: Some(300_000) })
        ));
        assert!(matches!(parse_frame("ping"), Ok(Frame::Ignored)));
        assert!(matches!(parse_frame(r#"{"listenerName":"CallLines"}"#), Ok(Frame::Ignored)));
    }

    #[test]
    fn malformed_and_oversized_frames_are_errors_not_panics() {
        assert!(matches!(parse_frame(r#"{"item":[{"event":"#), Err(FrameError::Malformed(_))));
        assert!(matches!(parse_frame("not json"), Err(FrameError::Malformed(_))));
        let huge = format!("{{\"item\":[\"{}\"]}}", "a".repeat(MAX_FRAME_LEN));
        assert!(matches!(parse_frame(&huge), Err(FrameError::TooLarge(_))));
    }

    #[test]
    fn terminal_ids_stay_strings_even_when_sent_as_numbers() {
        let t: Vec<Terminal> = serde_json::from_str(
            r#"[{"deviceModel":"SIP generic device","terminalId":"5985841581756135023"},{"terminalId":12,"terminalName":"Soft"}]"#,
        )
        .expect("terminals parse");
        assert_eq!(t[0].terminal_id, "5985841581756135023");
        assert_eq!(t[0].describe(), "SIP generic device");
        assert_eq!(t[1].terminal_id, "12");
        assert_eq!(t[1].describe(), "Soft");
    }

    #[test]
    fn both_error_body_shapes_read() {
        let a = parse_error_body(r#"{"code":"MYCRM_ERR_403","message":"user extension not allowed for myCRM"}"#)
            .expect("first shape");
        assert_eq!(a.code.as_deref(), Some("MYCRM_ERR_403"));
        let b = parse_error_body(
            r#"{"message":"Terminal out of service","exceptionId":"restletapi_exception_1402060959373","code":"ERR_100",
            "firstMessage":"Terminal out of service","info":{"type":{"id":"ERR_100","msg":"Invalid State"},
            "model":"terminal","value":"OutOfService","property":"state"}}"#,
        )
        .expect("second shape");
        assert_eq!(b.code.as_deref(), Some("ERR_100"));
        assert_eq!(b.first_message.as_deref(), Some("Terminal out of service"));
        assert!(parse_error_body("<html>Bad gateway</html>").is_none());
        assert!(parse_error_body("{}").is_none());
    }
}
