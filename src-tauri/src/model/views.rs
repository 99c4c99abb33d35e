//! What the UI receives: plain data with camelCase fields, generated into `ui/src/bindings` by
//! ts-rs (`cargo test -p istra-tray export_bindings`), and errors as `{code, message}`.

use std::time::{SystemTime, UNIX_EPOCH};

use mycrm::dial::Destination;
use mycrm::{Call, CallState, CallType, Direction};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use ts_rs::TS;

use crate::model::text::clip;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CallStateView {
    Ringing,
    Talking,
    Held,
    Ended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum DirectionView {
    Incoming,
    Outgoing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CallTypeView {
    Internal,
    External,
}

/// What the popup painted, as the page reports it (for the log and `scripts/bench-app.sh`): a
/// new card in a new window (`cold`), a new card in the window made ready (`warm`), or the
/// caller's name a lookup found, on a card already shown (`named`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Painted {
    Cold,
    Warm,
    Named,
}

/// What the big line of a call is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum TitleKind {
    /// The caller's name from the user's contacts.
    Name,
    /// The platform's label.
    Label,
    Number,
    #[default]
    Unknown,
}

/// What a call says, line by line, in the user's language, decided once on the Rust side for the
/// popup, History, the tray and notifications. Outside text is already cut to 120 characters, on one line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CallLines {
    /// Who: the contact's name, else the platform's label, else the number, else "Unknown caller".
    pub title: String,
    pub title_kind: TitleKind,
    /// The platform's label under a contact's name, when it says something else.
    pub label: Option<String>,
    /// The number under a name or label.
    pub number: Option<String>,
    /// The E.164 form, when it says something the shown number does not.
    pub e164: Option<String>,
    /// "Internal" or "External".
    pub call_type: Option<String>,
    /// "via Support": the queue or ACD number the caller reached.
    pub queue: Option<String>,
    /// The live state: "Incoming call…", "Talking 01:05", "Ended · 01:05", "Missed call", "Declined", …
    pub state: String,
    /// How the call went, for History: "01:05", "Missed", "No answer", "Declined", "In progress".
    pub outcome: String,
    /// How long it rang ("00:12"), when known: for the call's detail.
    pub rang: Option<String>,
    /// How long the parties talked ("01:05"), when they did: for the call's detail.
    pub talked: Option<String>,
    /// What a screen reader says for the call: its lines in reading order, then the state.
    pub summary: String,
}

/// A call as popups, the tray and the history show it. Times are Unix milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CallView {
    pub id: String,
    pub direction: DirectionView,
    pub call_type: Option<CallTypeView>,
    pub number: Option<String>,
    /// The number formatted for people ("+33 1 23 45 67 89") when it is a valid E.164 one.
    pub number_display: Option<String>,
    pub e164: Option<String>,
    pub label: Option<String>,
    /// The caller's name from the user's contacts (given only when the platform's label is
    /// empty or just a number) or, when they do not know the number, from a lookup (CRM,
    /// directory) once it answered.
    pub name: Option<String>,
    /// The caller's company, as a lookup answered it.
    pub company: Option<String>,
    /// The caller's page in the CRM, as a lookup answered it (http or https only): "Open in
    /// CRM" opens it rather than the screen pop's address.
    pub crm_url: Option<String>,
    pub acd: Option<String>,
    pub state: CallStateView,
    /// A queue call the platform gave to a colleague before it was talked on here.
    pub taken_elsewhere: bool,
    pub missed: bool,
    #[ts(type = "number")]
    pub started_at_ms: u64,
    #[ts(type = "number | null")]
    pub answered_at_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub ended_at_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub ring_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub talk_ms: Option<u64>,
    pub end_cause: Option<String>,
    /// The outcome the desk worker picked after the call (the journal's).
    pub outcome: Option<String>,
    /// What the desk worker wrote about the call (the journal's).
    pub note: Option<String>,
    /// A screen pop address is configured: the popup offers "Open in CRM".
    pub screen_pop: bool,
    /// What the call says, line by line (see [`CallView::described`]).
    pub lines: CallLines,
    /// The call has a number to copy or call back.
    pub has_number: bool,
    /// The popup offers "Call back": an incoming call that ended unanswered, with a number.
    pub offers_call_back: bool,
}

/// Unix milliseconds of a tracker instant, as seen from `now`.
fn unix_ms(at: Instant, now: Instant, wall_now: SystemTime) -> u64 {
    wall_ms(wall_now.checked_sub(now.saturating_duration_since(at)).unwrap_or(wall_now))
}

/// Unix milliseconds of a wall-clock time.
pub fn wall_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// "+33 1 23 45 67 89" for a valid E.164 number, otherwise the number as the platform sent it.
pub fn display_number(number: Option<&str>, e164: Option<&str>) -> Option<String> {
    e164.filter(|n| n.starts_with('+'))
        .and_then(|n| mycrm::dial::DialRules::default().destination(n).ok())
        .map(|d| d.display)
        .or_else(|| number.map(str::to_owned))
}

impl CallView {
    /// The tracker's call as the pages receive it, its times in Unix ms as seen from `now` /
    /// `wall_now`. Its lines are not decided yet: [`CallView::described`] (in `lines`) does that,
    /// once the contact's name and the settings are in.
    pub fn from_call(call: &Call, now: Instant, wall_now: SystemTime) -> Self {
        let at = |i: Instant| unix_ms(i, now, wall_now);
        Self {
            id: call.id.clone(),
            direction: match call.direction {
                Direction::Incoming => DirectionView::Incoming,
                Direction::Outgoing => DirectionView::Outgoing,
            },
            call_type: match call.call_type {
                Some(CallType::Internal) => Some(CallTypeView::Internal),
                Some(CallType::External) => Some(CallTypeView::External),
                _ => None,
            },
            number: call.number.clone(),
            number_display: display_number(call.number.as_deref(), call.e164.as_deref()),
            e164: call.e164.clone(),
            label: call.label.clone(),
            name: None,
            company: None,
            crm_url: None,
            acd: call.acd.clone(),
            state: match call.state {
                CallState::Ringing => CallStateView::Ringing,
                CallState::Talking => CallStateView::Talking,
                CallState::Held => CallStateView::Held,
                CallState::Ended => CallStateView::Ended,
            },
            taken_elsewhere: call.taken_elsewhere,
            missed: call.missed,
            started_at_ms: at(call.started),
            answered_at_ms: call.answered.map(at),
            ended_at_ms: call.ended.map(at),
            ring_ms: call.ring_ms,
            talk_ms: call.talk_ms,
            end_cause: call.end_cause.as_ref().map(|c| c.wire_name().to_owned()),
            outcome: None,
            note: None,
            screen_pop: false,
            lines: CallLines::default(),
            has_number: false,
            offers_call_back: false,
        }
    }

    /// Names this call with what a lookup found: its name, company and CRM page (which the
    /// popup's "Open in CRM" then opens).
    pub fn found(&mut self, caller: &lookup::Caller) {
        self.name = Some(caller.name.clone());
        self.company.clone_from(&caller.company);
        self.crm_url = caller.url.as_ref().map(|url| url.as_str().to_owned());
        self.screen_pop |= self.crm_url.is_some();
    }

    /// This call counted by the user's rule: a queue call taken elsewhere is missed only when
    /// `taken_elsewhere_missed` (the setting that keeps the old rule).
    #[must_use]
    pub fn counted(mut self, taken_elsewhere_missed: bool) -> Self {
        self.missed |= self.taken_elsewhere && taken_elsewhere_missed;
        self
    }
}

/// What a dial did, for the toast and the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DialOutcome {
    /// Exactly what was sent to PlaceCall.
    pub destination: String,
    /// The number for people: "+33 1 23 45 67 89", or the extension.
    pub display: String,
}

impl From<&Destination> for DialOutcome {
    fn from(d: &Destination) -> Self {
        Self { destination: d.dial.clone(), display: d.display.clone() }
    }
}

/// Where a dial pad suggestion comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SuggestionSource {
    Contact,
    History,
}

/// A number the dial pad offers while the user types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Suggestion {
    pub name: Option<String>,
    /// What is dialled when the suggestion is chosen: as written in the contact, or E.164.
    pub number: String,
    /// The number as a person reads it: "+33 1 23 45 67 89" for a valid E.164 number, else as
    /// written (the same rule as a call's displayed number).
    pub display: String,
    pub source: SuggestionSource,
}

impl From<journal::Suggestion> for Suggestion {
    fn from(s: journal::Suggestion) -> Self {
        let source = match s.source {
            journal::SuggestionSource::Contact => SuggestionSource::Contact,
            journal::SuggestionSource::History => SuggestionSource::History,
        };
        let display = display_number(Some(&s.number), Some(&s.number)).unwrap_or_else(|| s.number.clone());
        Self { name: s.name.as_deref().map(clip), display: clip(&display), number: s.number, source }
    }
}

/// What an import of contacts did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ContactImport {
    /// Contacts read with at least one valid number.
    pub imported: u32,
    /// Entries left out (no name, or no valid number).
    pub skipped: u32,
    /// Contacts stored now, all imports together.
    pub total: u32,
}

/// A plausible external incoming call from ACME, for the tests of every module.
#[cfg(test)]
pub(crate) fn sample_call(id: &str, state: CallStateView) -> CallView {
    CallView {
        id: id.into(),
        direction: DirectionView::Incoming,
        call_type: Some(CallTypeView::External),
        number: Some("+33123456789".into()),
        number_display: Some("+33 1 23 45 67 89".into()),
        e164: Some("+33123456789".into()),
        label: Some("ACME".into()),
        name: None,
        company: None,
        crm_url: None,
        acd: None,
        state,
        taken_elsewhere: false,
        missed: false,
        started_at_ms: 0,
        answered_at_ms: None,
        ended_at_ms: None,
        ring_ms: None,
        talk_ms: None,
        end_cause: None,
        outcome: None,
        note: None,
        screen_pop: false,
        lines: CallLines::default(),
        has_number: false,
        offers_call_back: false,
    }
    .described(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycrm::{CallTracker, Event, EventKind};
    use std::time::Duration;

    #[test]
    fn a_queue_call_taken_elsewhere_counts_as_missed_only_under_the_old_rule() {
        let call = CallView { taken_elsewhere: true, ..sample_call("-1", CallStateView::Ended) };
        assert!(!call.clone().counted(false).missed);
        assert!(call.clone().counted(true).missed);
        let answered = CallView { taken_elsewhere: false, ..call };
        assert!(!answered.counted(true).missed, "only calls taken elsewhere");
    }

    #[test]
    fn a_call_view_formats_the_number_and_dates_the_call() {
        let t0 = Instant::now();
        let wall = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut e = Event::bare(EventKind::Ringing, "-428");
        e.incoming = Some(true);
        e.display_number = Some("0123456789".into());
        e.display_number_e164 = Some("+33123456789".into());
        e.call_type = Some(CallType::External);
        let mut tracker = CallTracker::default();
        let update = tracker.apply(&e, t0).expect("new call");
        let view = CallView::from_call(&update.call, t0 + Duration::from_secs(2), wall).described(wall_ms(wall));
        assert_eq!(view.number_display.as_deref(), Some("+33 1 23 45 67 89"));
        assert_eq!(view.started_at_ms, 1_800_000_000_000 - 2_000);
        assert_eq!(view.call_type, Some(CallTypeView::External));
        assert_eq!(view.callback_number(), Some("+33123456789"));
        assert_eq!(view.lines.title, "+33 1 23 45 67 89");
        assert!(view.has_number && !view.offers_call_back, "a ringing call is not one to call back");
    }

    #[test]
    fn a_suggestion_shows_its_number_as_people_read_it_and_dials_it_as_it_is() {
        let suggested = |number: &str| {
            Suggestion::from(journal::Suggestion {
                name: None,
                number: number.into(),
                source: journal::SuggestionSource::History,
            })
        };
        let e164 = suggested("+33123456789");
        assert_eq!((e164.number.as_str(), e164.display.as_str()), ("+33123456789", "+33 1 23 45 67 89"));
        let written = suggested("01 23 45 67 00");
        assert_eq!(written.display, "01 23 45 67 00", "as written in the contact");
    }

    #[test]
    fn numbers_that_are_not_e164_are_shown_as_sent() {
        assert_eq!(display_number(Some("104"), Some("104")).as_deref(), Some("104"));
        assert_eq!(display_number(Some("*43#"), None).as_deref(), Some("*43#"));
        assert_eq!(display_number(None, None), None);
    }
}

/// Which calls the History view lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum HistoryFilter {
    #[default]
    All,
    Missed,
    Incoming,
    Outgoing,
}

/// One page of the call history, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryPage {
    pub calls: Vec<CallView>,
    /// Hand back to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}
