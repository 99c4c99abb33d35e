//! Screen pop: the user's CRM page for a call, opened in the default browser.
//!
//! A template such as `https://crm.example.com/search?phone={e164}` names the caller with
//! placeholders. Every value is percent-encoded (only `A-Z a-z 0-9 - . _ ~` stay as they are),
//! so whatever a caller's label holds it stays inside its own path segment, query value or
//! fragment: it can neither add a parameter nor end the path. Placeholders are refused in the
//! scheme and host, so no value can choose which site opens, and the result must be http(s).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::error::{AppError, ErrorCode};
use crate::model::views::{CallView, DirectionView};

/// When the screen pop opens by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ScreenPopTrigger {
    /// As soon as an incoming call rings.
    #[default]
    Ringing,
    /// When an incoming call is answered.
    Answered,
    /// Never by itself: only from the popup's "Open in CRM" button.
    Button,
}

/// The names a template may use.
pub const PLACEHOLDERS: [&str; 7] = ["number", "e164", "label", "name", "acd", "callId", "direction"];
/// Longest template accepted.
const MAX_TEMPLATE_CHARS: usize = 2_000;
/// Each value is cut to this many characters before encoding.
const MAX_VALUE_CHARS: usize = 256;

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidTemplate, message)
}

/// A piece of a template: literal text or a placeholder name.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Value(&'a str),
}

/// Splits a template into pieces, refusing unknown or unclosed placeholders.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, AppError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (text, tail) = rest.split_at(open);
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        let close = tail.find('}').ok_or_else(|| invalid("a placeholder is not closed with }"))?;
        let name = &tail[1..close];
        if !PLACEHOLDERS.contains(&name) {
            let name: String = name.chars().take(40).collect();
            return Err(invalid(format!("unknown placeholder {{{name}}}")));
        }
        out.push(Piece::Value(name));
        rest = &tail[close + 1..];
    }
    if rest.contains('}') {
        return Err(invalid("a } has no matching {"));
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// Checks a template: http(s), a literal host, known placeholders only.
///
/// # Errors
///
/// `invalid_template` saying what is wrong.
pub fn validate(template: &str) -> Result<(), AppError> {
    let template = template.trim();
    if template.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(invalid("the address is too long"));
    }
    let lower = template.to_ascii_lowercase();
    let Some(after_scheme) = ["https://", "http://"].iter().find_map(|s| lower.strip_prefix(s)) else {
        return Err(invalid("the address must start with http:// or https://"));
    };
    let authority_end = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    if after_scheme[..authority_end].contains(['{', '}']) {
        return Err(invalid("placeholders may not choose the site: use them after the host name"));
    }
    if template.chars().any(char::is_control) {
        return Err(invalid("the address holds control characters"));
    }
    pieces(template)?;
    let sample = expand_pieces(template, &|_| "x".to_owned())?;
    let url = url::Url::parse(&sample).map_err(|e| invalid(format!("not a web address: {e}")))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the address has no host name"));
    }
    Ok(())
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn expand_pieces(template: &str, value: &dyn Fn(&str) -> String) -> Result<String, AppError> {
    Ok(pieces(template.trim())?
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Value(name) => encode(&value(name)),
        })
        .collect())
}

/// The value of one placeholder for `call` (cut to 256 characters); empty when the call does
/// not have it.
pub fn value_of(call: &CallView, name: &str) -> String {
    raw_value_of(call, name).chars().take(MAX_VALUE_CHARS).collect()
}

fn raw_value_of(call: &CallView, name: &str) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    match name {
        "number" => text(&call.number),
        "e164" => call.e164.clone().or_else(|| call.number.clone()).unwrap_or_default(),
        "label" => text(&call.label),
        "name" => call.name.clone().or_else(|| call.label.clone()).unwrap_or_default(),
        "acd" => text(&call.acd),
        "callId" => call.id.clone(),
        "direction" => match call.direction {
            DirectionView::Incoming => "incoming".to_owned(),
            DirectionView::Outgoing => "outgoing".to_owned(),
        },
        _ => String::new(),
    }
}

/// Checks that a text names only known placeholders, each closed.
///
/// # Errors
///
/// `invalid_template` naming the first wrong one.
pub fn check_placeholders(text: &str) -> Result<(), AppError> {
    pieces(text).map(|_| ())
}

/// `text` (an argument of a hook's command) with its placeholders filled with `call`'s values
/// as they are, not encoded.
///
/// # Errors
///
/// `invalid_template` for an unknown or unclosed placeholder.
pub fn fill_argument(text: &str, call: &CallView) -> Result<String, AppError> {
    Ok(pieces(text)?
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Value(name) => value_of(call, name),
        })
        .collect())
}

/// The address to open for `call`.
///
/// # Errors
///
/// `invalid_template` when the template is not a valid one.
pub fn expand(template: &str, call: &CallView) -> Result<String, AppError> {
    expand_with(template, &|name| value_of(call, name))
}

/// The address `template` makes with the placeholders' values `value` gives (cut to 256
/// characters), e.g. a number typed in Settings to test a lookup.
///
/// # Errors
///
/// `invalid_template` when the template is not a valid one.
pub fn expand_with(template: &str, value: &dyn Fn(&str) -> String) -> Result<String, AppError> {
    validate(template)?;
    expand_pieces(template, &|name| value(name).chars().take(MAX_VALUE_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::views::{CallStateView, sample_call};

    fn call() -> CallView {
        CallView {
            number: Some("01 23 45 67 89".into()),
            label: Some("ACME & Sons".into()),
            name: Some("Alice Martin".into()),
            acd: Some("Support/FR".into()),
            ..sample_call("-428", CallStateView::Ringing)
        }
    }

    #[test]
    fn every_placeholder_is_filled_and_encoded() {
        let url = expand(
            "https://crm.example.com/calls/{callId}/{direction}?n={number}&e={e164}&l={label}&who={name}&q={acd}",
            &call(),
        )
        .expect("expanded");
        assert_eq!(
            url,
            "https://crm.example.com/calls/-428/incoming?n=01%2023%2045%2067%2089&e=%2B33123456789\
             &l=ACME%20%26%20Sons&who=Alice%20Martin&q=Support%2FFR"
        );
    }

    #[test]
    fn hostile_values_stay_inside_their_place() {
        let mut hostile = call();
        hostile.label = Some("x&admin=1#frag/../../?y=<script>\"'\u{202e}".into());
        hostile.name = None;
        hostile.acd = Some("a".repeat(10_000));
        let url = expand("https://crm.example.com/p/{name}?q={label}#{acd}", &hostile).expect("expanded");
        let parsed = url::Url::parse(&url).expect("valid");
        assert_eq!(parsed.host_str(), Some("crm.example.com"));
        assert_eq!(parsed.path(), "/p/x%26admin%3D1%23frag%2F..%2F..%2F%3Fy%3D%3Cscript%3E%22%27%E2%80%AE");
        assert_eq!(parsed.query_pairs().count(), 1, "no parameter added: {url}");
        assert_eq!(parsed.fragment().map(str::len), Some(256), "values are cut at 256 characters");
    }

    #[test]
    fn missing_values_are_empty() {
        let mut bare = call();
        bare.label = None;
        bare.name = None;
        bare.acd = None;
        bare.e164 = None;
        let url = expand("http://crm.local/?l={label}&n={name}&a={acd}&e={e164}", &bare).expect("expanded");
        assert_eq!(url, "http://crm.local/?l=&n=&a=&e=01%2023%2045%2067%2089", "e164 falls back to the number");
    }

    #[test]
    fn templates_that_are_not_web_addresses_or_pick_the_site_are_refused() {
        for bad in [
            "",
            "crm.example.com/?p={e164}",
            "file:///etc/passwd?{number}",
            "javascript:alert({label})",
            "ftp://crm/{number}",
            "https://{label}.evil.example/",
            "https://crm.example.com@{name}/",
            "https:///?x={number}",
            "https://crm.example.com/?p={phone}",
            "https://crm.example.com/?p={e164",
            "https://crm.example.com/?p=e164}",
            "https://crm.example.com/\n?p={e164}",
        ] {
            let error = validate(bad).expect_err(bad);
            assert_eq!(error.code, ErrorCode::InvalidTemplate, "{bad}");
        }
        let long = format!("https://crm.example.com/{}", "a".repeat(MAX_TEMPLATE_CHARS));
        assert!(validate(&long).is_err());
        for good in
            ["https://crm.example.com/search?phone={e164}", "HTTP://crm:8080/{callId}", "https://crm.example.com"]
        {
            validate(good).expect(good);
        }
    }
}
