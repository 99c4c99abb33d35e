//! Finding the number in the selected text: each character cleaned up
//! (invisible marks dropped, Unicode digits, spaces and dashes made ASCII),
//! the text cut into tokens (number-like words, label words, `tel:` /
//! `callto:` / `sip:` URIs, digits glued to other characters, breaks), and
//! the tokens grouped into runs, each with its label and extension marker.

/// Characters that may surround a number and are dropped: quotes, brackets.
const WRAPPERS: &[char] = &['"', '\'', '«', '»', '“', '”', '‘', '’', '[', ']', '<', '>', '{', '}'];

/// Normalizes `text` and groups its number-like words into runs.
pub(super) fn scan(text: &str) -> Scan {
    let chars: Vec<NChar> = text
        .char_indices()
        .filter_map(|(i, c)| normalize_char(c).map(|c2| NChar { c: c2, span: (i, i + c.len_utf8()) }))
        .collect();
    build_runs(tokenize(&chars))
}

/// A normalized character with its byte span in the original text.
#[derive(Clone, Copy, Debug)]
struct NChar {
    c: char,
    span: (usize, usize),
}

/// Maps one character to its normalized form; `None` drops it.
fn normalize_char(c: char) -> Option<char> {
    let digit = |base: char| char::from_digit(u32::from(c).wrapping_sub(u32::from(base)), 10);
    match c {
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}'
        | '\u{00AD}'
        | '\u{2060}'
        | '\u{FEFF}' => None,
        '\u{FF10}'..='\u{FF19}' => digit('\u{FF10}'),
        '\u{0660}'..='\u{0669}' => digit('\u{0660}'),
        '\u{06F0}'..='\u{06F9}' => digit('\u{06F0}'),
        '\u{FF0B}' => Some('+'),
        '\u{FF08}' => Some('('),
        '\u{FF09}' => Some(')'),
        '\u{FF0E}' => Some('.'),
        '\u{FF0F}' => Some('/'),
        '\u{FF0A}' => Some('*'),
        '\u{FF03}' => Some('#'),
        '\u{FF1A}' => Some(':'),
        '\u{FF0C}' => Some(','),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
        '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some('\n'),
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// Separators that may appear inside a written number.
pub(super) fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '/' | '(' | ')')
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Label {
    Phone,
    Fax,
    Internal,
}

fn label_of(word: &str) -> Option<Label> {
    match word {
        "tel" | "tél" | "tele" | "telephone" | "téléphone" | "telefon" | "phone" | "ph" | "mobile" | "mob"
        | "mobil" | "cell" | "portable" | "gsm" | "handy" | "t" | "m" | "p" | "callto" | "sip" | "sips" => {
            Some(Label::Phone)
        }
        "fax" | "telefax" | "télécopie" | "telecopie" | "f" => Some(Label::Fax),
        "internal" | "interne" | "intern" | "poste" | "ext" | "extension" => Some(Label::Internal),
        _ => None,
    }
}

fn is_ext_marker(word: &str) -> bool {
    matches!(word, "ext" | "extension" | "x" | "poste")
}

#[derive(Debug)]
enum Token {
    /// A number-like word.
    Piece { text: String, span: (usize, usize), new_run: bool },
    /// A word without digits, lowercased and trimmed ("" for symbols).
    Word(String),
    /// Digits glued to other characters; `starts`/`ends` tell whether it
    /// begins / ends with a digit (or `+`), i.e. continues a neighbouring run.
    Poison { span: (usize, usize), starts: bool, ends: bool },
    /// Punctuation or a line break that ends a run.
    Break { line: bool },
}

/// Splits normalized text into tokens at whitespace.
fn tokenize(chars: &[NChar]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, n) in chars.iter().enumerate() {
        if n.c == ' ' || n.c == '\n' {
            chunk_tokens(chars.get(start..i).unwrap_or_default(), &mut out);
            if n.c == '\n' {
                out.push(Token::Break { line: true });
            }
            start = i + 1;
        }
    }
    chunk_tokens(chars.get(start..).unwrap_or_default(), &mut out);
    out
}

/// Tokens of one whitespace-free chunk.
fn chunk_tokens(chunk: &[NChar], out: &mut Vec<Token>) {
    if chunk.is_empty() || uri_tokens(chunk, out) {
        return;
    }
    let glued = chunk.windows(3).any(|w| match w {
        [a, b, c] => a.c.is_ascii_digit() && matches!(b.c, ':' | ',' | ';') && c.c.is_ascii_digit(),
        _ => false,
    });
    if glued {
        out.push(poison(chunk));
        return;
    }
    for (k, part) in chunk.split(|n| matches!(n.c, ':' | ',' | ';' | '!' | '?')).enumerate() {
        if k > 0 {
            out.push(Token::Break { line: false });
        }
        part_tokens(part, out);
    }
}

/// Handles `tel:`, `callto:`, `sip:` and `sips:` chunks; false if not a URI.
fn uri_tokens(chunk: &[NChar], out: &mut Vec<Token>) -> bool {
    let lead = chunk.iter().take_while(|n| WRAPPERS.contains(&n.c)).count();
    let body = chunk.get(lead..).unwrap_or_default();
    let head: String = body.iter().take(7).map(|n| n.c.to_ascii_lowercase()).collect();
    let Some(scheme) = ["tel:", "callto:", "sips:", "sip:"].into_iter().find(|s| head.starts_with(s)) else {
        return false;
    };
    let rest = body.get(scheme.len()..).unwrap_or_default();
    let rest = rest.get(rest.iter().take_while(|n| n.c == '/').count()..).unwrap_or_default();
    let end = rest.iter().position(|n| matches!(n.c, '@' | ';' | '?' | '>' | ',' | '"' | '\'')).unwrap_or(rest.len());
    let user = rest.get(..end).unwrap_or_default();
    // The scheme acts as a phone label; the user part is read like any word.
    out.push(Token::Word(scheme.trim_end_matches(':').to_owned()));
    part_tokens(user, out);
    if end < rest.len() {
        // Whatever follows the user part (host, parameters) is not read, and
        // nothing after the URI may continue the number.
        out.push(Token::Break { line: false });
    }
    true
}

/// Tokens of a chunk part between `:` `,` `;` `!` `?`.
fn part_tokens(part: &[NChar], out: &mut Vec<Token>) {
    let lead = part.iter().take_while(|n| WRAPPERS.contains(&n.c)).count();
    let part = part.get(lead..).unwrap_or_default();
    let trail = part.iter().rev().take_while(|n| n.c == '.' || WRAPPERS.contains(&n.c)).count();
    let (body, closing) = part.split_at_checked(part.len().saturating_sub(trail)).unwrap_or((part, &[]));
    let text: String = body.iter().map(|n| n.c).collect();
    if !text.chars().any(|c| c.is_ascii_digit()) {
        if text.chars().any(char::is_alphanumeric) {
            let word = text.to_lowercase();
            out.push(Token::Word(word.trim_matches(|c: char| !c.is_alphabetic()).to_owned()));
        } else if text.chars().all(is_separator) {
            if !text.is_empty() {
                out.push(Token::Break { line: false });
            }
        } else {
            out.push(Token::Word(String::new()));
        }
    } else if let Some((marker, digits)) = glued_extension(&text) {
        out.push(Token::Word(marker.to_owned()));
        out.push(Token::Piece { text: digits, span: span_of(body), new_run: false });
    } else if is_phone_piece(&text) {
        let new_run = text.contains('+');
        out.push(Token::Piece { text, span: span_of(body), new_run });
    } else {
        out.push(poison(body));
    }
    if !closing.is_empty() {
        out.push(Token::Break { line: false });
    }
}

/// `x22`, `ext22`, `ext.22`, `extension22`, `poste22` → (marker, digits).
fn glued_extension(text: &str) -> Option<(&'static str, String)> {
    let lower = text.to_ascii_lowercase();
    [("extension", "extension"), ("ext.", "ext"), ("ext", "ext"), ("poste", "poste"), ("x", "x")].into_iter().find_map(
        |(prefix, marker)| {
            let rest = lower.strip_prefix(prefix)?;
            (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())).then(|| (marker, rest.to_owned()))
        },
    )
}

/// Digits and number separators, with `+` only first (or after `(`).
fn is_phone_piece(text: &str) -> bool {
    let rest = text.strip_prefix('(').unwrap_or(text);
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    text.chars().any(|c| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_digit() || (is_separator(c) && c != ' ') || c == '*' || c == '#')
}

fn poison(chars: &[NChar]) -> Token {
    let starts = chars.first().is_some_and(|n| n.c.is_ascii_digit() || n.c == '+');
    let ends = chars.last().is_some_and(|n| n.c.is_ascii_digit());
    Token::Poison { span: span_of(chars), starts, ends }
}

fn span_of(chars: &[NChar]) -> (usize, usize) {
    match (chars.first(), chars.last()) {
        (Some(a), Some(b)) => (a.span.0, b.span.1),
        _ => (0, 0),
    }
}

/// A sequence of number-like words read as one candidate.
#[derive(Debug, Default)]
pub(super) struct Run {
    /// Normalized pieces joined by single spaces.
    pub(super) text: String,
    pub(super) span: (usize, usize),
    pub(super) pieces: usize,
    /// Last label word before the run (since the previous run).
    pub(super) label: Option<Label>,
    /// Directly after an extension marker that follows another run.
    pub(super) after_ext_marker: bool,
    /// Glued to digits mixed with other characters.
    pub(super) tainted: bool,
}

#[derive(Debug)]
pub(super) struct Scan {
    pub(super) runs: Vec<Run>,
    /// Words and poison tokens: anything besides the runs.
    pub(super) others: usize,
}

/// Groups tokens into runs and records labels and extension markers.
fn build_runs(tokens: Vec<Token>) -> Scan {
    let mut runs: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    let mut words: Vec<String> = Vec::new();
    let mut line_break = false;
    // Start of a poison token that ends with a digit, right before `cur`.
    let mut poison_before: Option<usize> = None;
    let mut others = 0;
    let flush = |cur: &mut Option<Run>, runs: &mut Vec<Run>, line_break: &mut bool| {
        if let Some(run) = cur.take() {
            runs.push(run);
            *line_break = false;
        }
    };
    for token in tokens {
        match token {
            Token::Piece { text, span, new_run } => {
                if new_run {
                    flush(&mut cur, &mut runs, &mut line_break);
                }
                let run = cur.get_or_insert_with(|| Run {
                    label: words.iter().rev().find_map(|w| label_of(w)),
                    after_ext_marker: !runs.is_empty()
                        && !line_break
                        && matches!(words.as_slice(), [w] if is_ext_marker(w)),
                    tainted: poison_before.is_some(),
                    span: (poison_before.unwrap_or(span.0), span.1),
                    ..Run::default()
                });
                if run.pieces > 0 {
                    run.text.push(' ');
                }
                run.text.push_str(&text);
                run.pieces += 1;
                run.span.1 = span.1;
                words.clear();
                poison_before = None;
            }
            Token::Break { line } => {
                flush(&mut cur, &mut runs, &mut line_break);
                line_break |= line;
                poison_before = None;
            }
            Token::Word(word) => {
                flush(&mut cur, &mut runs, &mut line_break);
                words.push(word);
                others += 1;
                poison_before = None;
            }
            Token::Poison { span, starts, ends } => {
                if let Some(run) = cur.as_mut().filter(|_| starts) {
                    run.tainted = true;
                    run.span.1 = span.1;
                }
                flush(&mut cur, &mut runs, &mut line_break);
                words.push(String::new());
                others += 1;
                poison_before = ends.then_some(span.0);
            }
        }
    }
    flush(&mut cur, &mut runs, &mut line_break);
    Scan { runs, others }
}
