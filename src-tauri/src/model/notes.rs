//! What the desk worker writes about a call after it: an outcome picked from their list (which
//! they edit in Settings) and a note. The rules both are kept by, and the list's own. No I/O:
//! the journal stores what is decided here.

use crate::model::error::{AppError, ErrorCode};

/// The most characters a note keeps.
pub const NOTE_MAX_CHARS: usize = 2_000;
/// The most characters an outcome keeps.
pub const OUTCOME_MAX_CHARS: usize = 60;
/// The most outcomes the list holds.
pub const MAX_OUTCOMES: usize = 20;

/// An outcome and a note as the journal keeps them (empty: none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Note {
    pub outcome: String,
    pub note: String,
}

/// `text` without control characters other than line breaks and tabs (a line break from
/// Windows made one), trimmed.
fn cleaned(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| matches!(c, '\n' | '\t') || !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

impl Note {
    /// The outcome (one line) and the note as typed, cleaned and checked.
    ///
    /// # Errors
    ///
    /// `invalid_note` for an outcome or a note longer than its limit.
    pub fn checked(outcome: &str, note: &str) -> Result<Self, AppError> {
        let outcome = crate::model::text::clip(outcome);
        let note = cleaned(note);
        if outcome.chars().count() > OUTCOME_MAX_CHARS {
            return Err(AppError::new(
                ErrorCode::InvalidNote,
                format!("the outcome is longer than {OUTCOME_MAX_CHARS} characters"),
            ));
        }
        if note.chars().count() > NOTE_MAX_CHARS {
            return Err(AppError::new(
                ErrorCode::InvalidNote,
                format!("the note is longer than {NOTE_MAX_CHARS} characters"),
            ));
        }
        Ok(Self { outcome, note })
    }
}

/// The user's list of outcomes, each on one line, blank and repeated ones (ignoring case)
/// left out, in their order.
///
/// # Errors
///
/// `invalid_settings` for more than [`MAX_OUTCOMES`] outcomes or one longer than
/// [`OUTCOME_MAX_CHARS`].
pub fn outcomes_checked(list: Vec<String>) -> Result<Vec<String>, AppError> {
    let mut kept: Vec<String> = Vec::new();
    for outcome in list {
        let outcome = cleaned(&outcome);
        if outcome.is_empty() || kept.iter().any(|k| k.to_lowercase() == outcome.to_lowercase()) {
            continue;
        }
        if outcome.contains(['\n', '\t']) || outcome.chars().count() > OUTCOME_MAX_CHARS {
            return Err(AppError::new(
                ErrorCode::InvalidSettings,
                format!("outcomes: each on one line, at most {OUTCOME_MAX_CHARS} characters"),
            ));
        }
        kept.push(outcome);
    }
    if kept.len() > MAX_OUTCOMES {
        return Err(AppError::new(ErrorCode::InvalidSettings, format!("outcomes: at most {MAX_OUTCOMES}")));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_keeps_its_lines_and_loses_control_characters() {
        let note = Note::checked("  Call back\n", "  Wants a quote\r\n\t- by Friday\u{7}\u{1b}[31m ").expect("ok");
        assert_eq!(note.outcome, "Call back");
        assert_eq!(note.note, "Wants a quote\n\t- by Friday[31m");
        assert_eq!(Note::checked("", "").expect("empty"), Note::default());
    }

    #[test]
    fn a_note_or_outcome_over_its_limit_is_refused_whole() {
        assert!(Note::checked("", &"x".repeat(NOTE_MAX_CHARS)).is_ok());
        let long = Note::checked("", &"é".repeat(NOTE_MAX_CHARS + 1)).expect_err("too long");
        assert_eq!(long.code, ErrorCode::InvalidNote);
        assert!(Note::checked(&"o".repeat(OUTCOME_MAX_CHARS + 1), "").is_err());
    }

    #[test]
    fn the_outcome_list_drops_blanks_and_repeats_and_keeps_its_order() {
        let list = vec![" Sale ".into(), String::new(), "No sale".into(), "sale".into(), "Call back".into()];
        assert_eq!(outcomes_checked(list).expect("ok"), ["Sale", "No sale", "Call back"]);
        assert!(outcomes_checked(vec!["two\nlines".into()]).is_err());
        assert!(outcomes_checked((0..=MAX_OUTCOMES).map(|i| format!("Outcome {i}")).collect()).is_err());
    }
}
