//! The items of event frames, shaped as the guide's examples show them.

use serde_json::{Map, Value, json};

/// The far end of a call, as the platform displays it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Party {
    /// `external` or `internal`.
    pub(crate) call_type: &'static str,
    /// The ACD or PSTN number reached, when the call came through one.
    pub(crate) acd_id: Option<&'static str>,
    pub(crate) display_label: String,
    pub(crate) display_number: String,
    pub(crate) display_number_e164: String,
}

impl Party {
    pub(crate) fn external(label: &str, national: &str, e164: &str) -> Self {
        Self {
            call_type: "external",
            acd_id: None,
            display_label: label.to_owned(),
            display_number: national.to_owned(),
            display_number_e164: e164.to_owned(),
        }
    }

    pub(crate) fn internal(label: &str, extension: &str) -> Self {
        Self {
            call_type: "internal",
            acd_id: None,
            display_label: label.to_owned(),
            display_number: extension.to_owned(),
            display_number_e164: extension.to_owned(),
        }
    }

    /// The party a dialled destination reaches: short numbers are extensions.
    pub(crate) fn dialled(destination: &str) -> Self {
        let digits = destination.chars().filter(char::is_ascii_digit).count();
        if digits <= 6 && !destination.starts_with('+') {
            Self::internal("", destination)
        } else {
            let e164 = match destination.strip_prefix("00") {
                Some(rest) => format!("+{rest}"),
                None => destination.to_owned(),
            };
            Self::external("", destination, &e164)
        }
    }

    /// The same caller, reaching the user through an ACD queue.
    pub(crate) fn via_acd(mut self, acd_id: &'static str, label: &str) -> Self {
        self.acd_id = Some(acd_id);
        label.clone_into(&mut self.display_label);
        self
    }
}

/// Builds the successive items of one call.
#[derive(Clone, Debug)]
pub(crate) struct CallItems {
    pub(crate) call_id: String,
    pub(crate) party: Party,
    pub(crate) incoming: bool,
    /// The guide's examples carry durations both as strings and as numbers.
    pub(crate) durations_as_strings: bool,
}

impl CallItems {
    fn base(&self, event: &str) -> Map<String, Value> {
        let mut item = Map::new();
        item.insert("event".into(), event.into());
        item.insert("callId".into(), self.call_id.clone().into());
        if let Some(acd_id) = self.party.acd_id {
            item.insert("acdId".into(), acd_id.into());
        }
        item.insert("displayLabel".into(), self.party.display_label.clone().into());
        item.insert("displayNumber".into(), self.party.display_number.clone().into());
        item.insert("displayNumberE164".into(), self.party.display_number_e164.clone().into());
        item.insert("type".into(), self.party.call_type.into());
        item
    }

    fn with_direction(&self, event: &str) -> Map<String, Value> {
        let mut item = self.base(event);
        item.insert("incoming".into(), self.incoming.into());
        item
    }

    pub(crate) fn alerting(&self) -> Value {
        self.base("callAlerting").into()
    }

    pub(crate) fn ringing(&self) -> Value {
        self.with_direction("callRinging").into()
    }

    pub(crate) fn talking(&self, cause: &str) -> Value {
        let mut item = self.with_direction("callTalking");
        item.insert("talkCause".into(), cause.into());
        item.into()
    }

    /// Only `callId` is guaranteed on `callHeld`, so that is all it carries.
    pub(crate) fn held(&self) -> Value {
        json!({"event": "callHeld", "callId": self.call_id})
    }

    pub(crate) fn dropped(&self, cause: &str, ringing_ms: u64, talking_ms: u64) -> Value {
        let mut item = self.with_direction("callDropped");
        item.insert("dropCause".into(), cause.into());
        item.insert("ringingTime".into(), self.duration(ringing_ms));
        item.insert("talkingTime".into(), self.duration(talking_ms));
        item.into()
    }

    fn duration(&self, millis: u64) -> Value {
        if self.durations_as_strings { millis.to_string().into() } else { millis.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(durations_as_strings: bool) -> CallItems {
        CallItems {
            call_id: "-428".into(),
            party: Party::internal("Jean Petit", "104").via_acd("0900000171", "ACD-171-S-0"),
            incoming: true,
            durations_as_strings,
        }
    }

    #[test]
    fn ringing_matches_the_guides_example() {
        assert_eq!(
            call(false).ringing(),
            json!({"event":"callRinging","callId":"-428","acdId":"0900000171",
                   "displayLabel":"ACD-171-S-0","displayNumber":"104",
                   "displayNumberE164":"104","incoming":true,"type":"internal"})
        );
    }

    #[test]
    fn dropped_durations_come_as_strings_or_numbers() {
        assert_eq!(call(true).dropped("disconnect", 262, 0)["ringingTime"], "262");
        assert_eq!(call(false).dropped("disconnect", 262, 0)["ringingTime"], 262);
    }

    #[test]
    fn alerting_has_no_direction_and_held_only_the_call_id() {
        assert!(call(false).alerting().get("incoming").is_none());
        assert_eq!(call(false).held(), json!({"event": "callHeld", "callId": "-428"}));
    }

    #[test]
    fn short_destinations_are_extensions() {
        assert_eq!(Party::dialled("104").call_type, "internal");
        let external = Party::dialled("0033612345678");
        assert_eq!(external.call_type, "external");
        assert_eq!(external.display_number_e164, "+33612345678");
    }
}
