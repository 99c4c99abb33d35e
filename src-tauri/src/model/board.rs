//! What the app shows about calls, decided without any window: the popup's stack, the recent
//! calls, the missed count, and which notifications a call deserves. Pure; time passed in.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

use crate::model::views::{CallStateView, CallView, DirectionView};

/// How many ended calls the tray and the main window list.
pub const RECENT_LEN: usize = 10;

/// A notification a call update asks for (the caller applies the user's switches). One alert
/// per call: a ringing call that pops up gets no notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A call rings and no popup shows it.
    Incoming(CallView),
    Missed(CallView),
}

/// How the user wants calls shown, at the time of an update.
#[derive(Clone, Copy, Debug)]
pub struct Showing {
    /// Popups are on and the user is not in Do not disturb.
    pub popups: bool,
    /// How long an ended call stays in the popup.
    pub linger: Duration,
}

/// What changed on the board after an update or a tick.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BoardChange {
    pub popup: bool,
    pub recent: bool,
    pub tray: bool,
    pub notice: Option<Notice>,
}

#[derive(Debug, Default)]
pub struct CallBoard {
    /// Newest first.
    popup: Vec<CallView>,
    /// When each ended popup call leaves the stack.
    leaving: HashMap<String, Instant>,
    /// Newest first, ended calls only.
    recent: VecDeque<CallView>,
    /// Calls in progress.
    active: HashMap<String, CallView>,
    missed: u32,
}

impl CallBoard {
    pub fn popup(&self) -> &[CallView] {
        &self.popup
    }

    pub fn recent(&self) -> Vec<CallView> {
        self.recent.iter().cloned().collect()
    }

    pub fn find(&self, call_id: &str) -> Option<&CallView> {
        self.active
            .get(call_id)
            .or_else(|| self.popup.iter().find(|c| c.id == call_id))
            .or_else(|| self.recent.iter().find(|c| c.id == call_id))
    }

    pub fn missed_count(&self) -> u32 {
        self.missed
    }

    /// An incoming call is ringing right now.
    pub fn is_ringing(&self) -> bool {
        self.active.values().any(|c| c.direction == DirectionView::Incoming && c.state == CallStateView::Ringing)
    }

    /// Applies one call update. A new ringing call pops up when it is incoming, or outgoing and
    /// `placed_here` (the user dialled it through the app: the popup shows its progress);
    /// calls are recorded all the same whatever `showing` says.
    pub fn apply(
        &mut self,
        call: CallView,
        is_new: bool,
        placed_here: bool,
        showing: Showing,
        now: Instant,
    ) -> BoardChange {
        let mut change = BoardChange { tray: true, ..BoardChange::default() };
        let incoming = call.direction == DirectionView::Incoming;
        let rings = is_new && call.state == CallStateView::Ringing;
        if let Some(shown) = self.popup.iter_mut().find(|c| c.id == call.id) {
            *shown = call.clone();
            change.popup = true;
        } else if rings && (incoming || placed_here) && showing.popups {
            self.popup.insert(0, call.clone());
            change.popup = true;
        }
        if rings && incoming && !change.popup {
            change.notice = Some(Notice::Incoming(call.clone()));
        }
        if call.state == CallStateView::Ended {
            self.active.remove(&call.id);
            if change.popup {
                self.leaving.insert(call.id.clone(), now + showing.linger);
            }
            if call.missed {
                self.missed = self.missed.saturating_add(1);
                change.notice = Some(Notice::Missed(call.clone()));
            }
            self.recent.retain(|c| c.id != call.id);
            self.recent.push_front(call);
            self.recent.truncate(RECENT_LEN);
            change.recent = true;
        } else {
            self.active.insert(call.id.clone(), call);
        }
        change
    }

    /// Gives every shown copy of the call `call_id` what `name` does to it (a lookup's answer
    /// arrived): its popup card, its line in progress or among the recent calls.
    pub fn rename(&mut self, call_id: &str, name: impl Fn(&mut CallView)) -> BoardChange {
        let mut change = BoardChange::default();
        for call in self.popup.iter_mut().filter(|c| c.id == call_id) {
            name(call);
            change.popup = true;
        }
        if let Some(call) = self.active.get_mut(call_id) {
            name(call);
            change.tray = true;
        }
        for call in self.recent.iter_mut().filter(|c| c.id == call_id) {
            name(call);
            change.recent = true;
            change.tray = true;
        }
        change
    }

    /// Removes ended calls whose linger time has passed; `true` when the popup changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        let gone: Vec<String> = self.leaving.iter().filter(|(_, at)| **at <= now).map(|(id, _)| id.clone()).collect();
        for id in &gone {
            self.leaving.remove(id);
        }
        let before = self.popup.len();
        self.popup.retain(|c| !gone.contains(&c.id));
        before != self.popup.len()
    }

    /// A call in the popup is talking: its timer moves every second.
    pub fn has_running_timer(&self) -> bool {
        self.popup.iter().any(|c| c.state == CallStateView::Talking)
    }

    /// When the next ended call leaves the popup, if any.
    pub fn next_departure(&self) -> Option<Instant> {
        self.leaving.values().min().copied()
    }

    /// The user dismissed a call from the popup; `true` when it was there.
    pub fn dismiss(&mut self, call_id: &str) -> bool {
        self.leaving.remove(call_id);
        let before = self.popup.len();
        self.popup.retain(|c| c.id != call_id);
        before != self.popup.len()
    }

    /// The user has seen the missed calls.
    pub fn mark_missed_seen(&mut self) -> bool {
        std::mem::take(&mut self.missed) > 0
    }

    /// Starts from what the journal remembers (after a restart).
    pub fn seed(&mut self, recent: Vec<CallView>, missed: u32) {
        self.recent = recent.into_iter().take(RECENT_LEN).collect();
        self.missed = missed;
    }

    /// Forget everything (sign-out).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str, state: CallStateView, missed: bool) -> CallView {
        CallView { missed, ..crate::model::views::sample_call(id, state) }
    }

    const LINGER: Duration = Duration::from_secs(5);
    const POPUPS: Showing = Showing { popups: true, linger: LINGER };
    const NO_POPUPS: Showing = Showing { popups: false, linger: LINGER };

    #[test]
    fn a_ringing_call_pops_up_without_a_notification_of_the_same() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        let change = board.apply(call("1", CallStateView::Ringing, false), true, false, POPUPS, now);
        assert!(change.popup);
        assert_eq!(change.notice, None, "one alert per call");
        assert!(board.is_ringing());
        assert_eq!(board.popup().len(), 1);
        assert!(!board.has_running_timer());
        board.apply(call("1", CallStateView::Talking, false), false, false, POPUPS, now);
        assert!(board.has_running_timer(), "a talking call's timer ticks");
    }

    #[test]
    fn a_name_found_later_reaches_the_card_and_the_recent_calls() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        board.apply(call("1", CallStateView::Ringing, false), true, false, POPUPS, now);
        let named = |c: &mut CallView| c.name = Some("Ada Lovelace".into());
        let change = board.rename("1", named);
        assert!(change.popup && change.tray && !change.recent);
        assert_eq!(board.popup()[0].name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(board.find("1").and_then(|c| c.name.as_deref()), Some("Ada Lovelace"));
        board.apply(call("2", CallStateView::Ended, true), true, false, NO_POPUPS, now);
        assert!(board.rename("2", named).recent, "an ended call's line in the recent calls");
        assert_eq!(board.rename("3", named), BoardChange::default(), "an unknown call changes nothing");
    }

    #[test]
    fn with_popups_off_a_ringing_call_is_notified() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        let change = board.apply(call("1", CallStateView::Ringing, false), true, false, NO_POPUPS, now);
        assert!(!change.popup);
        assert!(matches!(change.notice, Some(Notice::Incoming(_))));
    }

    #[test]
    fn the_popup_follows_the_call_and_leaves_after_the_linger_time() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        board.apply(call("1", CallStateView::Ringing, false), true, false, POPUPS, now);
        board.apply(call("1", CallStateView::Talking, false), false, false, POPUPS, now);
        assert_eq!(board.popup()[0].state, CallStateView::Talking);
        let end = board.apply(call("1", CallStateView::Ended, false), false, false, POPUPS, now);
        assert!(end.popup && end.recent);
        assert_eq!(board.next_departure(), Some(now + LINGER));
        assert!(!board.tick(now + Duration::from_secs(4)));
        assert!(board.tick(now + LINGER));
        assert!(board.popup().is_empty());
        assert_eq!(board.recent().len(), 1);
    }

    #[test]
    fn simultaneous_calls_stack_newest_first() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        board.apply(call("1", CallStateView::Ringing, false), true, false, POPUPS, now);
        board.apply(call("2", CallStateView::Ringing, false), true, false, POPUPS, now);
        assert_eq!(board.popup().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["2", "1"]);
        assert!(board.dismiss("2"));
        assert!(!board.dismiss("2"));
        assert_eq!(board.popup().len(), 1);
    }

    #[test]
    fn a_missed_call_counts_and_asks_for_its_own_notification() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        board.apply(call("1", CallStateView::Ringing, false), true, false, POPUPS, now);
        let change = board.apply(call("1", CallStateView::Ended, true), false, false, POPUPS, now);
        assert!(matches!(change.notice, Some(Notice::Missed(_))));
        assert_eq!(board.missed_count(), 1);
        assert!(board.mark_missed_seen());
        assert_eq!(board.missed_count(), 0);
    }

    #[test]
    fn do_not_disturb_records_calls_without_popups() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        let change = board.apply(call("1", CallStateView::Ringing, false), true, false, NO_POPUPS, now);
        assert!(!change.popup);
        assert!(board.popup().is_empty());
        board.apply(call("1", CallStateView::Ended, true), false, false, NO_POPUPS, now);
        assert_eq!(board.recent().len(), 1);
        assert_eq!(board.missed_count(), 1);
    }

    #[test]
    fn outgoing_calls_pop_up_only_when_placed_through_the_app() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        let mut c = call("out", CallStateView::Ringing, false);
        c.direction = DirectionView::Outgoing;
        let change = board.apply(c.clone(), true, true, POPUPS, now);
        assert!(change.popup && change.notice.is_none(), "the popup shows the call the user placed");
        c.state = CallStateView::Talking;
        board.apply(c, false, false, POPUPS, now);
        assert_eq!(board.popup()[0].state, CallStateView::Talking, "and follows it");
    }

    #[test]
    fn calls_dialled_on_the_phone_never_pop_up_and_recent_keeps_ten() {
        let now = Instant::now();
        let mut board = CallBoard::default();
        for i in 0..15 {
            let mut c = call(&i.to_string(), CallStateView::Ringing, false);
            c.direction = DirectionView::Outgoing;
            assert!(board.apply(c.clone(), true, false, POPUPS, now).notice.is_none());
            c.state = CallStateView::Ended;
            board.apply(c, false, false, POPUPS, now);
        }
        assert!(board.popup().is_empty());
        let recent = board.recent();
        assert_eq!(recent.len(), RECENT_LEN);
        assert_eq!(recent[0].id, "14");
    }
}
