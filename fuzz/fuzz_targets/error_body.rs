//! An HTTP answer that is not a success, through `mycrm::Error::from_answer` (how the client
//! turns a failed response into a typed error), for each kind of request.
//!
//! Input: the first 2 bytes are the status (big-endian), the rest is the body, read as the
//! HTTP client reads text (lossy UTF-8). Must hold: no panic; the status is kept; the documented
//! rules of the classification; the body's text, when it is not a JSON error, is cut to 200
//! characters; the error displays and serializes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mycrm::error::Request;
use mycrm::wire::parse_error_body;
use mycrm::{Error, ErrorKind};

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else { return };
    let status = u16::from_be_bytes(*status);
    let body = String::from_utf8_lossy(body);
    let parsed = parse_error_body(&body);
    for request in [Request::Login, Request::WithTerminal, Request::Other] {
        let error = Error::from_answer(request, status, &body);
        assert_eq!(error.status, Some(status));
        assert_eq!(error.code, parsed.as_ref().and_then(|b| b.code.clone()));
        match &parsed {
            Some(b) if b.first_message.is_some() || b.message.is_some() => {
                assert_eq!(Some(&error.message), b.first_message.as_ref().or(b.message.as_ref()));
            }
            _ => {
                assert!(error.message.chars().count() <= 200, "{} chars of body kept", error.message.chars().count());
                assert!(body.trim().starts_with(error.message.as_str()));
            }
        }
        let kind = error.kind;
        assert_ne!(kind, ErrorKind::Network, "an answer is never a network error");
        assert_eq!(kind == ErrorKind::NotAllowed, error.code.as_deref() == Some("MYCRM_ERR_403"));
        if kind == ErrorKind::BadCredentials {
            assert_eq!(request, Request::Login);
            assert!(matches!(status, 401 | 403));
        }
        if kind == ErrorKind::BadTerminal {
            assert_eq!(request, Request::WithTerminal);
            assert!(matches!(status, 400 | 404));
        }
        if (500..=599).contains(&status) && status != 512 && error.code.is_none() {
            assert_eq!(kind, ErrorKind::ServerNotReady);
        }
        assert!(!kind.code().is_empty());
        let shown = error.to_string();
        assert!(shown.contains(&format!("HTTP {status}")));
        serde_json::to_string(&error).expect("an error serializes");
    }
});
