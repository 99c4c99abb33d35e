//! What a call says, line by line, in the user's language: decided once here for the popup,
//! History, the tray and notifications, which only lay the lines out. Caller labels and numbers
//! come from outside: they are cut and cleaned here, and every page shows them as text.

use crate::model::i18n::{Words, fill};
use crate::model::text::{clip, present};
use crate::model::views::{CallLines, CallStateView, CallTypeView, CallView, DirectionView, TitleKind};

/// `mm:ss` under an hour, `h:mm:ss` from an hour on.
pub fn duration(ms: u64) -> String {
    let secs = ms / 1000;
    let (hours, minutes, seconds) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if hours > 0 { format!("{hours}:{minutes:02}:{seconds:02}") } else { format!("{minutes:02}:{seconds:02}") }
}

/// "+33 1 23 45 67 89" and "+33123456789" are the same number to a reader; text without
/// digits is no number at all.
fn same_number(a: &str, b: &str) -> bool {
    let digits = |t: &str| t.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>();
    a.chars().any(|c| c.is_ascii_digit()) && digits(a) == digits(b)
}

impl CallLines {
    /// The lines of `call` at `now_ms` (Unix ms: it drives the talking timer).
    pub fn of(call: &CallView, now_ms: u64, words: &Words) -> Self {
        let w = &words.call;
        let shown = displayed_number(call);
        // Through a queue, the platform's label names the queue, not the caller.
        let queue_call = present(call.acd.as_deref()).is_some();
        let caller_label = present(call.label.as_deref()).filter(|_| !queue_call);
        let (title, title_kind) = if let Some(name) = present(call.name.as_deref()) {
            (name, TitleKind::Name)
        } else if let Some(label) = caller_label {
            (label, TitleKind::Label)
        } else if let Some(number) = shown {
            (number, TitleKind::Number)
        } else {
            (w.unknown_caller.as_str(), TitleKind::Unknown)
        };
        let numbers = [&call.number_display, &call.number, &call.e164];
        let label = caller_label
            .filter(|label| {
                title_kind == TitleKind::Name
                    && *label != title
                    && !numbers.into_iter().filter_map(|n| present(n.as_deref())).any(|n| same_number(label, n))
            })
            .or_else(|| present(call.company.as_deref()).filter(|_| title_kind == TitleKind::Name));
        let e164 = present(call.e164.as_deref()).filter(|e| shown.is_none_or(|s| !same_number(e, s)));
        let queue = queue_call.then(|| {
            let name = present(call.label.as_deref()).or(present(call.acd.as_deref())).unwrap_or_default();
            clip(&fill(&w.via, &[("queue", name)]))
        });
        let mut lines = Self {
            title: clip(title),
            title_kind,
            label: label.map(clip),
            number: shown.filter(|_| matches!(title_kind, TitleKind::Name | TitleKind::Label)).map(clip),
            e164: e164.map(clip),
            call_type: call.call_type.map(|t| match t {
                CallTypeView::Internal => w.internal.clone(),
                CallTypeView::External => w.external.clone(),
            }),
            queue,
            state: state_text(call, now_ms, words),
            outcome: outcome_text(call, words),
            rang: call.ring_ms.map(duration),
            talked: call.talk_ms.filter(|ms| *ms > 0).map(duration),
            summary: String::new(),
        };
        lines.summary = [Some(&lines.title), lines.label.as_ref(), lines.number.as_ref(), lines.e164.as_ref()]
            .into_iter()
            .chain([lines.call_type.as_ref(), lines.queue.as_ref(), Some(&lines.state)])
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        lines
    }
}

impl CallView {
    /// This call with its lines decided for `now_ms` (Unix ms) in the user's language: call it
    /// again after a change (a contact's name found) or to move the talking timer on.
    #[must_use]
    pub fn described(mut self, now_ms: u64) -> Self {
        self.lines = CallLines::of(&self, now_ms, crate::model::i18n::words());
        self.has_number = self.callback_number().is_some();
        self.offers_call_back = self.has_number
            && self.missed
            && self.direction == DirectionView::Incoming
            && self.state == CallStateView::Ended;
        self
    }

    /// The best number to call this party back: E.164, else the displayed number.
    pub fn callback_number(&self) -> Option<&str> {
        self.e164.as_deref().or(self.number.as_deref()).filter(|n| !n.trim().is_empty())
    }
}

/// The number a person reads for this call: the server's display form first.
pub fn displayed_number(call: &CallView) -> Option<&str> {
    present(call.number_display.as_deref())
        .or_else(|| present(call.number.as_deref()))
        .or_else(|| present(call.e164.as_deref()))
}

/// Why a call that never talked ended, in words, when the platform said more than "it ended".
fn cause_text<'w>(call: &CallView, words: &'w Words) -> Option<&'w str> {
    let causes = &words.call.causes;
    if call.taken_elsewhere {
        return Some(&causes.taken_elsewhere);
    }
    Some(match call.end_cause.as_deref()? {
        "rejected" => &causes.rejected,
        "busy" => &causes.busy,
        "transferred" => &causes.transferred,
        "noAnswer" if call.direction == DirectionView::Outgoing => &causes.no_answer,
        "unavailable" => &causes.unavailable,
        "error" => &causes.error,
        _ => return None,
    })
}

fn talked(call: &CallView) -> bool {
    call.talk_ms.is_some_and(|ms| ms > 0) || call.answered_at_ms.is_some()
}

/// The live state line.
fn state_text(call: &CallView, now_ms: u64, words: &Words) -> String {
    let w = &words.call;
    match call.state {
        CallStateView::Ringing => match call.direction {
            DirectionView::Incoming => w.incoming_ringing.clone(),
            DirectionView::Outgoing => w.outgoing_ringing.clone(),
        },
        CallStateView::Talking => {
            let since = call.answered_at_ms.unwrap_or(call.started_at_ms);
            fill(&w.talking, &[("duration", &duration(now_ms.saturating_sub(since)))])
        }
        CallStateView::Held => w.on_hold.clone(),
        CallStateView::Ended if talked(call) => match call.talk_ms {
            Some(ms) => fill(&w.ended_after, &[("duration", &duration(ms))]),
            None => w.ended.clone(),
        },
        CallStateView::Ended => match cause_text(call, words) {
            Some(cause) => cause.to_owned(),
            None if call.missed => w.missed_call.clone(),
            None => w.ended.clone(),
        },
    }
}

/// How the call went, for History.
fn outcome_text(call: &CallView, words: &Words) -> String {
    let w = &words.call;
    if call.state != CallStateView::Ended {
        return w.in_progress.clone();
    }
    if talked(call) {
        return call.talk_ms.map_or_else(|| w.ended.clone(), duration);
    }
    match cause_text(call, words) {
        Some(cause) => cause.to_owned(),
        None if call.missed => w.missed.clone(),
        None => w.no_answer.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::i18n::{Lang, words_of};
    use crate::model::views::sample_call;

    fn en() -> &'static Words {
        words_of(Lang::En)
    }

    fn call() -> CallView {
        let mut call = sample_call("-1", CallStateView::Ringing);
        call.label = Some("X Corp".into());
        call
    }

    #[test]
    fn a_labelled_call_shows_label_then_number() {
        let lines = CallLines::of(&call(), 0, en());
        assert_eq!((lines.title.as_str(), lines.title_kind), ("X Corp", TitleKind::Label));
        assert_eq!(lines.number.as_deref(), Some("+33 1 23 45 67 89"));
        assert_eq!(lines.e164, None, "the same number in another form is not repeated");
        assert_eq!(lines.label, None);
        assert_eq!(lines.call_type.as_deref(), Some("External"));
        assert_eq!(lines.summary, "X Corp, +33 1 23 45 67 89, External, Incoming call…");
    }

    #[test]
    fn through_a_queue_the_caller_comes_first_and_the_queue_second() {
        let mut c = call();
        c.label = Some("Support".into());
        c.acd = Some("0900000171".into());
        let lines = CallLines::of(&c, 0, en());
        assert_eq!((lines.title.as_str(), lines.title_kind), ("+33 1 23 45 67 89", TitleKind::Number));
        assert_eq!(lines.queue.as_deref(), Some("via Support"));
        c.label = None;
        c.name = Some("Jean Petit".into());
        let lines = CallLines::of(&c, 0, en());
        assert_eq!(lines.title, "Jean Petit");
        assert_eq!(lines.number.as_deref(), Some("+33 1 23 45 67 89"));
        assert_eq!(lines.queue.as_deref(), Some("via 0900000171"), "a queue with no label by its number");
    }

    #[test]
    fn without_a_label_the_number_is_the_title_and_nothing_is_unknown_caller() {
        let mut c = call();
        c.label = Some("  ".into());
        let lines = CallLines::of(&c, 0, en());
        assert_eq!((lines.title.as_str(), lines.title_kind), ("+33 1 23 45 67 89", TitleKind::Number));
        assert_eq!(lines.number, None, "not twice");
        c.number = None;
        c.number_display = None;
        c.e164 = None;
        let lines = CallLines::of(&c, 0, words_of(Lang::Fr));
        assert_eq!(lines.title_kind, TitleKind::Unknown);
        assert_eq!(lines.title, words_of(Lang::Fr).call.unknown_caller);
    }

    #[test]
    fn a_contact_name_comes_first_and_the_label_only_when_it_says_more() {
        let mut c = call();
        c.name = Some("Jane Roe".into());
        let lines = CallLines::of(&c, 0, en());
        assert_eq!((lines.title.as_str(), lines.title_kind), ("Jane Roe", TitleKind::Name));
        assert_eq!(lines.label.as_deref(), Some("X Corp"));
        c.label = Some("+33 1 23 45 67 89".into());
        assert_eq!(CallLines::of(&c, 0, en()).label, None, "a label that is the number says nothing more");
        c.label = Some(" Jane Roe ".into());
        assert_eq!(CallLines::of(&c, 0, en()).label, None, "nor one that is the name");
    }

    #[test]
    fn an_e164_that_differs_from_the_shown_number_is_shown_too() {
        let mut c = call();
        c.number_display = None;
        c.number = Some("0123456789".into());
        assert_eq!(CallLines::of(&c, 0, en()).e164.as_deref(), Some("+33123456789"));
    }

    #[test]
    fn outside_text_is_one_line_and_cut() {
        let mut c = call();
        c.label = Some(format!("<b>Evil</b>\nCorp\u{7}{}", "x".repeat(300)));
        let title = CallLines::of(&c, 0, en()).title;
        assert!(title.starts_with("<b>Evil</b> Corp"), "kept as the characters it is: {title}");
        assert_eq!(title.chars().count(), crate::model::text::MAX_SHOWN_CHARS);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn the_state_line_follows_the_call() {
        let (en, fr) = (en(), words_of(Lang::Fr));
        let mut c = call();
        let state = |c: &CallView, now: u64, w: &Words| CallLines::of(c, now, w).state;
        assert_eq!(state(&c, 0, en), "Incoming call…");
        c.direction = DirectionView::Outgoing;
        assert_eq!(state(&c, 0, fr), fr.call.outgoing_ringing);
        c.state = CallStateView::Talking;
        c.answered_at_ms = Some(c.started_at_ms + 5_000);
        assert_eq!(state(&c, c.started_at_ms + 70_000, en), "Talking 01:05");
        assert_eq!(state(&c, 0, en), "Talking 00:00", "a clock that went back reads zero");
        c.state = CallStateView::Held;
        assert_eq!(state(&c, 0, en), "On hold");
        c.state = CallStateView::Ended;
        c.talk_ms = Some(3_723_000);
        assert_eq!(state(&c, 0, en), "Ended · 1:02:03");
        assert_eq!(CallLines::of(&c, 0, en).outcome, "1:02:03");
    }

    #[test]
    fn a_queue_call_a_colleague_took_says_so_in_both_languages() {
        let mut c = call();
        c.state = CallStateView::Ended;
        c.acd = Some("0900000171".into());
        c.end_cause = Some("transferred".into());
        c.taken_elsewhere = true;
        let l = CallLines::of(&c, 0, en());
        assert_eq!((l.state.as_str(), l.outcome.as_str()), ("Taken by a colleague", "Taken by a colleague"));
        assert_eq!(CallLines::of(&c, 0, words_of(Lang::Fr)).state, "Pris par un collègue");
        assert!(!c.described(0).offers_call_back, "nothing to call back");
    }

    #[test]
    fn an_unanswered_call_says_why_it_ended() {
        let en = en();
        let mut c = call();
        c.state = CallStateView::Ended;
        c.missed = true;
        let lines = |c: &CallView| {
            let l = CallLines::of(c, 0, en);
            (l.state, l.outcome)
        };
        assert_eq!(lines(&c), ("Missed call".into(), "Missed".into()));
        c.end_cause = Some("noAnswer".into());
        assert_eq!(lines(&c), ("Missed call".into(), "Missed".into()), "an incoming call nobody answered");
        c.end_cause = Some("rejected".into());
        assert_eq!(lines(&c), ("Declined".into(), "Declined".into()), "declined on the phone is not missed");
        c.end_cause = Some("busy".into());
        assert_eq!(lines(&c).0, "Busy");
        c.missed = false;
        c.direction = DirectionView::Outgoing;
        c.end_cause = Some("noAnswer".into());
        assert_eq!(lines(&c), ("Not answered".into(), "Not answered".into()));
        c.end_cause = Some("somethingNew".into());
        assert_eq!(lines(&c), ("Ended".into(), "No answer".into()));
        c.state = CallStateView::Ringing;
        assert_eq!(CallLines::of(&c, 0, en).outcome, "In progress");
    }
}
