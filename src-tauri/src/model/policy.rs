//! Decisions the controller asks about calls, without I/O: the time is passed in, the answer
//! comes back, and the tables below test them. The repeat-dial guard and the app's own outgoing
//! calls ([`Dials`]); whether a call opens its CRM page by itself ([`ScreenPops`]); which
//! desktop notification an update raises, replaces or closes ([`Alerts`]).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::model::board::Notice;
use crate::model::screenpop::ScreenPopTrigger;
use crate::model::settings::Settings;
use crate::model::views::{CallStateView, CallView, DirectionView};

/// A second dial of the same number within this time dials nothing.
pub const REPEAT_GUARD: Duration = Duration::from_secs(3);
/// An outgoing call that shows up this soon after the app placed a call to its number is the
/// one the app placed: its popup shows its progress.
pub const PLACED_MATCH: Duration = Duration::from_secs(30);
/// How many numbers the app placed calls to are remembered for [`PLACED_MATCH`].
const PLACED_MEMORY: usize = 8;
/// How many call ids a policy remembers: those screen-popped (a call pops its CRM page once),
/// and those with an "Incoming call" notification up.
const CALLS_REMEMBERED: usize = 64;

/// The numbers the app is dialling or just dialled.
#[derive(Debug, Default)]
pub struct Dials {
    /// The last number taken for a call, and when; given back when the call failed.
    last: Option<(String, Instant)>,
    /// Numbers sent to PlaceCall, newest last, until their outgoing call shows up.
    placed: VecDeque<(String, Instant)>,
}

impl Dials {
    /// Takes `dial` (as sent to PlaceCall) for a call placed at `now`. `false`: the same number
    /// was taken less than [`REPEAT_GUARD`] ago (a double press), and nothing must be dialled.
    /// Taken before the call is placed, so a second press while it is on its way waits its
    /// turn; remembered as placed before too, since the platform may announce the call before
    /// it answers the request.
    pub fn take(&mut self, dial: &str, now: Instant) -> bool {
        if let Some((last, at)) = &self.last {
            if last == dial && now.saturating_duration_since(*at) < REPEAT_GUARD {
                return false;
            }
        }
        self.last = Some((dial.to_owned(), now));
        if self.placed.len() == PLACED_MEMORY {
            self.placed.pop_front();
        }
        self.placed.push_back((dial.to_owned(), now));
        true
    }

    /// The call to `dial` could not be placed: only a call placed counts, so the user may try
    /// again at once, and no outgoing call to it is expected.
    pub fn failed(&mut self, dial: &str) {
        if self.last.as_ref().is_some_and(|(last, _)| last == dial) {
            self.last = None;
        }
        self.placed.retain(|(placed, _)| placed != dial);
    }

    /// Whether a new outgoing call is one the app just placed (and forgets that number).
    pub fn placed_here(&mut self, outgoing: &CallView, now: Instant) -> bool {
        self.placed.retain(|(_, at)| now.saturating_duration_since(*at) < PLACED_MATCH);
        let found = self.placed.iter().position(|(destination, _)| same_destination(destination, outgoing));
        found.and_then(|i| self.placed.remove(i)).is_some()
    }
}

/// `outgoing` is the call the app placed to `destination`: the same digits, or the same last
/// nine (one written with a country code, the other with a trunk prefix or an outside line).
fn same_destination(destination: &str, outgoing: &CallView) -> bool {
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let wanted = digits(destination);
    [&outgoing.e164, &outgoing.number].into_iter().flatten().map(|n| digits(n)).any(|got| {
        !got.is_empty()
            && (got == wanted
                || (got.len() >= 9 && wanted.len() >= 9 && got[got.len() - 9..] == wanted[wanted.len() - 9..]))
    })
}

/// The calls whose CRM page was opened by itself, newest last.
#[derive(Debug, Default)]
pub struct ScreenPops {
    popped: VecDeque<String>,
}

impl ScreenPops {
    /// Whether this update of `call` opens its CRM page by itself: at the moment the settings
    /// choose, for incoming calls, not in Do not disturb, with an address set, once per call.
    pub fn should_pop(&mut self, settings: &Settings, call: &CallView, is_new: bool) -> bool {
        let moment = match settings.screen_pop_on {
            ScreenPopTrigger::Ringing => is_new && call.state == CallStateView::Ringing,
            ScreenPopTrigger::Answered => call.state == CallStateView::Talking,
            ScreenPopTrigger::Button => false,
        };
        let wanted = moment
            && call.direction == DirectionView::Incoming
            && !settings.dnd
            && !settings.screen_pop_url.is_empty()
            && !self.popped.contains(&call.id);
        if wanted {
            if self.popped.len() == CALLS_REMEMBERED {
                self.popped.pop_front();
            }
            self.popped.push_back(call.id.clone());
        }
        wanted
    }
}

/// What to do with the desktop's notifications after a call's update.
#[derive(Clone, Debug, PartialEq)]
pub enum Alert {
    /// "Incoming call": the call rings and no popup shows it.
    Incoming(CallView),
    /// "Missed call", in place of the call's "Incoming call" if it had one.
    Missed(CallView),
    /// Close the call's "Incoming call": it stopped ringing and nothing replaces it.
    Close(String),
}

/// The calls with an "Incoming call" notification up: one alert per call, closed or replaced
/// when the call moves on.
#[derive(Debug, Default)]
pub struct Alerts {
    ringing: VecDeque<String>,
}

impl Alerts {
    /// The alert for an update of call `call_id` (which still rings or not) after which the
    /// board gave `notice`: none in Do not disturb, none of a kind the user turned off.
    pub fn after(
        &mut self,
        notice: Option<Notice>,
        call_id: &str,
        still_ringing: bool,
        settings: &Settings,
    ) -> Option<Alert> {
        let quiet = settings.dnd;
        match notice {
            Some(Notice::Incoming(call)) if settings.notify_incoming && !quiet => {
                if !self.ringing.contains(&call.id) {
                    if self.ringing.len() == CALLS_REMEMBERED {
                        self.ringing.pop_front();
                    }
                    self.ringing.push_back(call.id.clone());
                }
                return Some(Alert::Incoming(call));
            }
            Some(Notice::Missed(call)) if settings.notify_missed && !quiet => {
                self.forget(&call.id);
                return Some(Alert::Missed(call));
            }
            _ => {}
        }
        (!still_ringing && self.forget(call_id)).then(|| Alert::Close(call_id.to_owned()))
    }

    /// Forgets the call's "Incoming call"; whether it had one.
    fn forget(&mut self, call_id: &str) -> bool {
        let before = self.ringing.len();
        self.ringing.retain(|id| id != call_id);
        self.ringing.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::views::sample_call;

    #[test]
    fn a_second_dial_of_the_same_number_within_three_seconds_dials_nothing() {
        let t0 = Instant::now();
        let mut dials = Dials::default();
        assert!(dials.take("+33123456789", t0));
        assert!(!dials.take("+33123456789", t0 + Duration::from_secs(1)), "a double press");
        assert!(dials.take("+33987654321", t0 + Duration::from_secs(1)), "another number is fine");
        assert!(dials.take("+33123456789", t0 + Duration::from_secs(2)), "the last taken was another number");
        assert!(dials.take("+33123456789", t0 + Duration::from_secs(5) + REPEAT_GUARD), "after the guard");
    }

    #[test]
    fn a_dial_that_failed_may_be_retried_at_once_and_is_not_expected() {
        let t0 = Instant::now();
        let mut dials = Dials::default();
        assert!(dials.take("+33123456789", t0));
        dials.failed("+33123456789");
        assert!(dials.take("+33123456789", t0 + Duration::from_millis(10)), "only a call placed counts");
        dials.failed("+33123456789");
        let mut outgoing = sample_call("-7", CallStateView::Ringing);
        outgoing.direction = DirectionView::Outgoing;
        assert!(!dials.placed_here(&outgoing, t0 + Duration::from_secs(1)), "a failed dial places no call");
    }

    #[test]
    fn the_apps_own_outgoing_call_is_recognised_once_and_not_too_late() {
        let t0 = Instant::now();
        let mut outgoing = sample_call("-7", CallStateView::Ringing);
        outgoing.direction = DirectionView::Outgoing;
        // (dialled as, the call's numbers as the platform reports them, seconds later, placed here)
        let table = [
            ("+33123456789", Some("+33123456789"), Some("+33123456789"), 1, true),
            ("0+33123456789", None, Some("0123456789"), 1, true),
            ("+33123456789", Some("+33123456789"), None, 31, false),
            ("+33123456789", Some("+44123456780"), Some("+44123456780"), 1, false),
            ("104", None, Some("104"), 1, true),
            ("104", None, None, 1, false),
        ];
        for (dialled, e164, number, after, expected) in table {
            let mut dials = Dials::default();
            assert!(dials.take(dialled, t0));
            outgoing.e164 = e164.map(str::to_owned);
            outgoing.number = number.map(str::to_owned);
            let now = t0 + Duration::from_secs(after);
            assert_eq!(dials.placed_here(&outgoing, now), expected, "{dialled} vs {e164:?}/{number:?} after {after}s");
            assert!(!dials.placed_here(&outgoing, now), "recognised once");
        }
    }

    #[test]
    fn a_call_opens_its_crm_page_once_at_the_chosen_moment() {
        let settings = |on, dnd, url: &str| Settings {
            screen_pop_on: on,
            dnd,
            screen_pop_url: url.to_owned(),
            ..Settings::default()
        };
        let url = "https://crm.example.com/?n={e164}";
        let ringing = sample_call("-1", CallStateView::Ringing);
        let talking = sample_call("-1", CallStateView::Talking);
        let mut outgoing = sample_call("-1", CallStateView::Ringing);
        outgoing.direction = DirectionView::Outgoing;
        // (trigger, do not disturb, address, the update, new call, pops)
        let table = [
            (ScreenPopTrigger::Ringing, false, url, &ringing, true, true),
            (ScreenPopTrigger::Ringing, false, url, &ringing, false, false),
            (ScreenPopTrigger::Ringing, true, url, &ringing, true, false),
            (ScreenPopTrigger::Ringing, false, "", &ringing, true, false),
            (ScreenPopTrigger::Ringing, false, url, &outgoing, true, false),
            (ScreenPopTrigger::Answered, false, url, &ringing, true, false),
            (ScreenPopTrigger::Answered, false, url, &talking, false, true),
            (ScreenPopTrigger::Button, false, url, &ringing, true, false),
        ];
        for (on, dnd, address, call, is_new, expected) in table {
            let mut pops = ScreenPops::default();
            let chosen = settings(on, dnd, address);
            assert_eq!(pops.should_pop(&chosen, call, is_new), expected, "{on:?} dnd={dnd} {:?}", call.state);
            assert!(!pops.should_pop(&chosen, call, is_new), "never twice for one call");
        }
    }

    #[test]
    fn one_alert_per_call_replaced_or_closed_when_it_moves_on() {
        let ringing = sample_call("7", CallStateView::Ringing);
        let missed = CallView { missed: true, ..sample_call("7", CallStateView::Ended) };
        let on = Settings::default();
        let incoming = || Some(Notice::Incoming(ringing.clone()));
        let miss = || Some(Notice::Missed(missed.clone()));
        let dnd = Settings { dnd: true, ..Settings::default() };
        let no_incoming = Settings { notify_incoming: false, ..Settings::default() };
        let no_missed = Settings { notify_missed: false, ..Settings::default() };
        let close = Some(Alert::Close("7".into()));
        // (had an "Incoming call", notice, still ringing, settings, expected)
        type Row<'s> = (bool, Option<Notice>, bool, &'s Settings, Option<Alert>);
        let table: [Row<'_>; 9] = [
            (false, incoming(), true, &on, Some(Alert::Incoming(ringing.clone()))),
            (false, incoming(), true, &dnd, None),
            (false, incoming(), true, &no_incoming, None),
            (true, miss(), false, &on, Some(Alert::Missed(missed.clone()))),
            (true, miss(), false, &no_missed, close.clone()),
            (false, miss(), false, &dnd, None),
            (true, None, false, &on, close.clone()),
            (true, None, true, &on, None),
            (false, None, false, &on, None),
        ];
        for (i, (had_incoming, notice, still_ringing, settings, expected)) in table.into_iter().enumerate() {
            let mut alerts = Alerts::default();
            if had_incoming {
                alerts.after(incoming(), "7", true, &on);
            }
            assert_eq!(alerts.after(notice, "7", still_ringing, settings), expected, "row {i}");
        }
    }

    #[test]
    fn a_closed_or_replaced_alert_is_not_closed_twice() {
        let mut alerts = Alerts::default();
        let settings = Settings::default();
        let ringing = sample_call("7", CallStateView::Ringing);
        alerts.after(Some(Notice::Incoming(ringing)), "7", true, &settings);
        assert_eq!(alerts.after(None, "7", false, &settings), Some(Alert::Close("7".into())));
        assert_eq!(alerts.after(None, "7", false, &settings), None, "already closed");
    }
}
