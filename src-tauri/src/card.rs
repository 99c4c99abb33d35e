//! What a call card of the Linux popup says, line by line, in the user's language: the rules of
//! the web pages' `ui/src/format.ts` (kept there for the history and the Windows/macOS popup).
//! Caller labels and numbers come from outside: they are cut and cleaned here, and drawn as
//! plain text by the popup.

use crate::i18n::{Words, fill};
use crate::views::{CallStateView, CallTypeView, CallView, DirectionView};

/// The most characters outside text (a caller's label, a contact's name) shows.
pub const MAX_SHOWN_CHARS: usize = 120;

/// `text` on one line (control characters dropped, line breaks and tabs made spaces), cut to
/// at most [`MAX_SHOWN_CHARS`] characters, the last of them "…" when it was cut.
pub fn clip(text: &str) -> String {
    let line: Vec<char> = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    if line.len() <= MAX_SHOWN_CHARS {
        return line.into_iter().collect();
    }
    let kept: String = line[..MAX_SHOWN_CHARS - 1].iter().collect();
    format!("{}…", kept.trim_end())
}

/// `mm:ss` under an hour, `h:mm:ss` from an hour on.
pub fn duration(ms: u64) -> String {
    let secs = ms / 1000;
    let (hours, minutes, seconds) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if hours > 0 { format!("{hours}:{minutes:02}:{seconds:02}") } else { format!("{minutes:02}:{seconds:02}") }
}

fn present(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

/// The number a person reads for this call: the server's display form first.
pub fn displayed_number(call: &CallView) -> Option<&str> {
    present(call.number_display.as_deref())
        .or_else(|| present(call.number.as_deref()))
        .or_else(|| present(call.e164.as_deref()))
}

/// "+33 1 23 45 67 89" and "+33123456789" are the same number to a reader; text without
/// digits is no number at all.
fn same_number(a: &str, b: &str) -> bool {
    let digits = |t: &str| t.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>();
    a.chars().any(|c| c.is_ascii_digit()) && digits(a) == digits(b)
}

/// What the big line of a card is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TitleKind {
    /// The caller's name from the user's contacts.
    Name,
    /// The platform's label.
    Label,
    Number,
    Unknown,
}

/// The lines of a card, each already cut and cleaned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardText {
    pub title: String,
    pub title_kind: TitleKind,
    /// The platform's label under a contact's name, when it says something else.
    pub label: Option<String>,
    /// The number under a name or label.
    pub number: Option<String>,
    /// The E.164 form, when it says something the displayed number does not.
    pub e164: Option<String>,
    /// "Internal" or "External".
    pub call_type: Option<String>,
    /// "via 0900000171": the ACD or queue the caller reached.
    pub acd: Option<String>,
}

impl CardText {
    pub fn of(call: &CallView, words: &Words) -> Self {
        let shown = displayed_number(call);
        let (title, title_kind) = if let Some(name) = present(call.name.as_deref()) {
            (name, TitleKind::Name)
        } else if let Some(label) = present(call.label.as_deref()) {
            (label, TitleKind::Label)
        } else if let Some(number) = shown {
            (number, TitleKind::Number)
        } else {
            (words.unknown_caller, TitleKind::Unknown)
        };
        let label = present(call.label.as_deref()).map(str::trim).filter(|label| {
            title_kind == TitleKind::Name
                && *label != title.trim()
                && ![&call.number_display, &call.number, &call.e164]
                    .into_iter()
                    .filter_map(|n| present(n.as_deref()))
                    .any(|n| same_number(label, n))
        });
        let e164 = present(call.e164.as_deref()).filter(|e| shown.is_none_or(|s| !same_number(e, s)));
        Self {
            title: clip(title),
            title_kind,
            label: label.map(clip),
            number: shown.filter(|_| matches!(title_kind, TitleKind::Name | TitleKind::Label)).map(clip),
            e164: e164.map(clip),
            call_type: call.call_type.map(|t| {
                match t {
                    CallTypeView::Internal => words.internal,
                    CallTypeView::External => words.external,
                }
                .to_owned()
            }),
            acd: present(call.acd.as_deref()).map(|acd| clip(&fill(words.via, &[acd]))),
        }
    }

    /// What a screen reader says for the card: its lines in reading order, then `state`.
    pub fn summary(&self, state: &str) -> String {
        [Some(&self.title), self.label.as_ref(), self.number.as_ref(), self.e164.as_ref()]
            .into_iter()
            .chain([self.call_type.as_ref(), self.acd.as_ref()])
            .flatten()
            .map(String::as_str)
            .chain([state])
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The state line of a card; `now_ms` (Unix ms) drives the live talking timer.
pub fn state_text(call: &CallView, now_ms: u64, words: &Words) -> String {
    match call.state {
        CallStateView::Ringing => match call.direction {
            DirectionView::Incoming => words.incoming_ringing.to_owned(),
            DirectionView::Outgoing => words.outgoing_ringing.to_owned(),
        },
        CallStateView::Talking => {
            let since = call.answered_at_ms.unwrap_or(call.started_at_ms);
            fill(words.talking, &[&duration(now_ms.saturating_sub(since))])
        }
        CallStateView::Held => words.on_hold.to_owned(),
        CallStateView::Ended if call.missed => words.missed_call.to_owned(),
        CallStateView::Ended => {
            call.talk_ms.map_or_else(|| words.ended.to_owned(), |ms| fill(words.ended_after, &[&duration(ms)]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, FR};
    use crate::views::sample_call;

    fn call() -> CallView {
        let mut call = sample_call("-1", CallStateView::Ringing);
        call.number = Some("+33123456789".into());
        call.number_display = Some("+33 1 23 45 67 89".into());
        call.e164 = Some("+33123456789".into());
        call.label = Some("X Corp".into());
        call.name = None;
        call.call_type = Some(CallTypeView::External);
        call.acd = Some("0900000171".into());
        call
    }

    #[test]
    fn a_labelled_call_shows_label_then_number_and_where_it_came_in() {
        let text = CardText::of(&call(), &EN);
        assert_eq!((text.title.as_str(), text.title_kind), ("X Corp", TitleKind::Label));
        assert_eq!(text.number.as_deref(), Some("+33 1 23 45 67 89"));
        assert_eq!(text.e164, None, "the same number in another form is not repeated");
        assert_eq!(text.label, None);
        assert_eq!(text.call_type.as_deref(), Some("External"));
        assert_eq!(text.acd.as_deref(), Some("via 0900000171"));
        assert_eq!(
            text.summary("Incoming call…"),
            "X Corp, +33 1 23 45 67 89, External, via 0900000171, Incoming call…"
        );
    }

    #[test]
    fn without_a_label_the_number_is_the_title_and_nothing_is_unknown_caller() {
        let mut c = call();
        c.label = Some("  ".into());
        let text = CardText::of(&c, &EN);
        assert_eq!((text.title.as_str(), text.title_kind), ("+33 1 23 45 67 89", TitleKind::Number));
        assert_eq!(text.number, None, "not twice");
        c.number = None;
        c.number_display = None;
        c.e164 = None;
        let text = CardText::of(&c, &FR);
        assert_eq!((text.title.as_str(), text.title_kind), ("Appelant inconnu", TitleKind::Unknown));
    }

    #[test]
    fn a_contact_name_comes_first_and_the_label_only_when_it_says_more() {
        let mut c = call();
        c.name = Some("Jane Roe".into());
        let text = CardText::of(&c, &EN);
        assert_eq!((text.title.as_str(), text.title_kind), ("Jane Roe", TitleKind::Name));
        assert_eq!(text.label.as_deref(), Some("X Corp"));
        c.label = Some("+33 1 23 45 67 89".into());
        assert_eq!(CardText::of(&c, &EN).label, None, "a label that is the number says nothing more");
        c.label = Some(" Jane Roe ".into());
        assert_eq!(CardText::of(&c, &EN).label, None, "nor one that is the name");
    }

    #[test]
    fn an_e164_that_differs_from_the_shown_number_is_shown_too() {
        let mut c = call();
        c.number_display = None;
        c.number = Some("0123456789".into());
        assert_eq!(CardText::of(&c, &EN).e164.as_deref(), Some("+33123456789"));
    }

    #[test]
    fn outside_text_is_one_line_and_cut() {
        let mut c = call();
        c.label = Some(format!("<b>Evil</b>\nCorp\u{7}{}", "x".repeat(300)));
        let title = CardText::of(&c, &EN).title;
        assert!(title.starts_with("<b>Evil</b> Corp"), "kept as the characters it is: {title}");
        assert_eq!(title.chars().count(), MAX_SHOWN_CHARS);
        assert!(title.ends_with('…'));
        assert_eq!(clip("é\u{301}"), "é\u{301}", "combining marks stay");
    }

    #[test]
    fn the_state_line_follows_the_call() {
        let mut c = call();
        assert_eq!(state_text(&c, 0, &EN), "Incoming call…");
        c.direction = DirectionView::Outgoing;
        assert_eq!(state_text(&c, 0, &FR), "Appel en cours…");
        c.state = CallStateView::Talking;
        c.answered_at_ms = Some(c.started_at_ms + 5_000);
        assert_eq!(state_text(&c, c.started_at_ms + 70_000, &EN), "Talking 01:05");
        assert_eq!(state_text(&c, 0, &EN), "Talking 00:00", "a clock that went back reads zero");
        c.state = CallStateView::Held;
        assert_eq!(state_text(&c, 0, &EN), "On hold");
        c.state = CallStateView::Ended;
        c.talk_ms = Some(3_723_000);
        assert_eq!(state_text(&c, 0, &EN), "Ended · 1:02:03");
        c.talk_ms = None;
        assert_eq!(state_text(&c, 0, &FR), "Terminé");
        c.missed = true;
        assert_eq!(state_text(&c, 0, &EN), "Missed call");
    }
}
