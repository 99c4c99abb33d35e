//! Outside text (a caller's label, a contact's name, a terminal's name) made fit to show: one
//! line, no control characters, cut to a length every page can lay out.

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
        return line.into_iter().collect::<String>().trim().to_owned();
    }
    let kept: String = line[..MAX_SHOWN_CHARS - 1].iter().collect();
    format!("{}…", kept.trim())
}

/// Text that says something: not missing, not blank.
pub fn present(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_one_line_without_control_characters() {
        assert_eq!(clip("  ACME\r\nSupport\tdesk\u{7} "), "ACME  Support desk");
        assert_eq!(clip("é\u{301}"), "é\u{301}", "combining marks stay");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let cut = clip(&"x".repeat(500));
        assert_eq!(cut.chars().count(), MAX_SHOWN_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(clip(&"y".repeat(MAX_SHOWN_CHARS)), "y".repeat(MAX_SHOWN_CHARS), "not cut when it fits");
    }

    #[test]
    fn blank_text_says_nothing() {
        assert_eq!(present(None), None);
        assert_eq!(present(Some(" \t ")), None);
        assert_eq!(present(Some(" ACME ")), Some("ACME"));
    }
}
