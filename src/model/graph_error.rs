//! Graph error bodies, including the JSON documents Intune nests inside `error.message`.

#[allow(unused_imports)]
use crate::prelude::*;

use super::json::{parse, Doc, Json};
use super::time::{ceil, decimal};

/// What a Graph error body says, with Intune's nesting unwrapped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphError {
    /// The innermost meaningful error code (`Forbidden`, `TooManyRequests`, ...).
    pub code: Option<String>,
    /// The innermost human-readable message.
    pub message: Option<String>,
    /// `error.innerError["request-id"]`.
    pub request_id: Option<String>,
    /// `error.innerError.date`.
    pub date: Option<String>,
    /// Intune's nested `RetryAfter`, when it is not null (seconds or an HTTP-date, as text).
    pub retry_after: Option<String>,
}

/// Codes that say nothing; a nested code replaces them, and they never replace a nested one.
fn is_generic(code: &str) -> bool {
    code.is_empty() || code.eq_ignore_ascii_case("UnknownError")
}

/// A non-empty, trimmed string member looked up without regard to case.
fn text(v: &Doc, key: &str) -> Option<String> {
    let s = v.get_ci(key)?.string()?;
    let t = s.trim();
    (!t.is_empty()).then(|| t.into())
}

/// How many JSON documents inside messages are unwrapped at most.
const MAX_NESTING: usize = 8;

/// Reads a Graph error body. Anything that is not a JSON object with an `error` member
/// (an HTML page, plain text, a truncated document, an empty body) yields all `None`.
pub fn parse_error_body(body: &str) -> GraphError {
    let mut out = GraphError::default();
    let Some(doc) = parse(body.trim_start_matches('\u{feff}')) else {
        return out;
    };
    let Some(error) = doc.get_ci("error").filter(Json::is_object) else {
        return out;
    };
    let inner = error.get_ci("innerError").filter(Json::is_object);
    out.request_id = inner.as_ref().and_then(|i| text(i, "request-id"));
    out.date = inner.as_ref().and_then(|i| text(i, "date"));
    out.code = text(&error, "code");

    let mut message = text(&error, "message");
    for _ in 0..MAX_NESTING {
        let Some(m) = message.as_deref() else { break };
        if !m.starts_with('{') {
            break;
        }
        let Some(nested) = parse(m).filter(Json::is_object) else {
            break;
        };
        // Intune's shapes: {"ErrorCode":..,"Message":..}, {"_version":3,"Message":..},
        // and occasionally a whole Graph body {"error":{"code":..,"message":..}}.
        let level = nested
            .get_ci("error")
            .filter(Json::is_object)
            .unwrap_or(nested);
        let code = text(&level, "ErrorCode").or_else(|| text(&level, "code"));
        if let Some(v) = level.get_ci("RetryAfter") {
            match (v.number(), v.string()) {
                // Seconds as a JSON number: as the delta-seconds text `Retry-After` would
                // carry (a fraction rounds up, as there); a negative one says nothing.
                (Some(n), _) if n >= 0.0 => {
                    out.retry_after = Some(decimal(ceil(n.min(4e9)) as u64))
                }
                (_, Some(s)) if !s.trim().is_empty() => out.retry_after = Some(s),
                _ => {}
            }
        }
        if let Some(c) = code {
            if !is_generic(&c) || out.code.is_none() {
                out.code = Some(c);
            }
        }
        match text(&level, "Message") {
            Some(inner_message) => message = Some(inner_message),
            // A nested document without a message: nothing human to show.
            None => {
                message = None;
                break;
            }
        }
    }
    out.message = message;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ge(
        code: Option<&str>,
        message: Option<&str>,
        rid: Option<&str>,
        date: Option<&str>,
    ) -> GraphError {
        GraphError {
            code: code.map(Into::into),
            message: message.map(Into::into),
            request_id: rid.map(Into::into),
            date: date.map(Into::into),
            retry_after: None,
        }
    }

    const INTUNE_MSG: &str = "An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: 7b4a2f4e-0000-0000-0000-000000000000 - Url: https://fef.msua06.manage.microsoft.com/DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement/windowsAutopilotSettings/microsoft.management.services.api.sync?api-version=2021-06-01";

    #[test]
    fn every_body_shape() {
        let intune_once = format!(
            r#"{{"error":{{"code":"TooManyRequests","message":"{{\"_version\":3,\"Message\":\"{INTUNE_MSG}\",\"CustomApiErrorPhrase\":\"\",\"RetryAfter\":null,\"ErrorSourceService\":\"\",\"HttpHeaders\":\"{{}}\"}}","innerError":{{"date":"2024-05-01T10:00:00","request-id":"rid-1","client-request-id":"cid-1"}}}}}}"#
        );
        // UnknownError wrapping {"ErrorCode":"Forbidden","Message":"{\"_version\":3,\"Message\":\"...\"}"}
        let inner_doc = format!(r#"{{"_version":3,"Message":"{INTUNE_MSG}"}}"#);
        let mid_doc = format!(
            r#"{{"ErrorCode":"Forbidden","Message":{}}}"#,
            json_string(&inner_doc)
        );
        let intune_twice = format!(
            r#"{{"error":{{"code":"UnknownError","message":{},"innerError":{{"date":"2024-05-01T10:00:01","request-id":"rid-2"}}}}}}"#,
            json_string(&mid_doc)
        );
        let cases: Vec<(String, GraphError)> = vec![
            (
                r#"{"error":{"code":"InvalidAuthenticationToken","message":"CompactToken validation failed with reason code: 80049228.","innerError":{"date":"2024-05-01T10:00:00","request-id":"r1","client-request-id":"c1"}}}"#.into(),
                ge(Some("InvalidAuthenticationToken"), Some("CompactToken validation failed with reason code: 80049228."), Some("r1"), Some("2024-05-01T10:00:00")),
            ),
            (intune_once, ge(Some("TooManyRequests"), Some(INTUNE_MSG), Some("rid-1"), Some("2024-05-01T10:00:00"))),
            (intune_twice, ge(Some("Forbidden"), Some(INTUNE_MSG), Some("rid-2"), Some("2024-05-01T10:00:01"))),
            // lower-case innererror, as some Graph workloads write it
            (
                r#"{"error":{"code":"Forbidden","message":"Missing scope","innererror":{"request-id":"r3"}}}"#.into(),
                ge(Some("Forbidden"), Some("Missing scope"), Some("r3"), None),
            ),
            // nested code that is generic does not replace a meaningful outer code
            (
                r#"{"error":{"code":"Conflict","message":"{\"ErrorCode\":\"UnknownError\",\"Message\":\"busy\"}"}}"#.into(),
                ge(Some("Conflict"), Some("busy"), None, None),
            ),
            // nested Graph-shaped body
            (
                r#"{"error":{"code":"UnknownError","message":"{\"error\":{\"code\":\"Forbidden\",\"message\":\"No licence\"}}"}}"#.into(),
                ge(Some("Forbidden"), Some("No licence"), None, None),
            ),
            // nested document without a message: no human text
            (
                r#"{"error":{"code":"UnknownError","message":"{\"ErrorCode\":\"Forbidden\"}"}}"#.into(),
                ge(Some("Forbidden"), None, None, None),
            ),
            // a message that starts with a brace but is not JSON stays as it is
            (
                r#"{"error":{"code":"BadRequest","message":"{not json"}}"#.into(),
                ge(Some("BadRequest"), Some("{not json"), None, None),
            ),
            (r#"{"error":{"code":"","message":"  "}}"#.into(), ge(None, None, None, None)),
            (r#"{"error":"flat string"}"#.into(), ge(None, None, None, None)),
            (r#"{"value":[]}"#.into(), ge(None, None, None, None)),
            ("".into(), GraphError::default()),
            ("<html><body><h1>502 Bad Gateway</h1></body></html>".into(), GraphError::default()),
            ("Service Unavailable".into(), GraphError::default()),
            (r#"{"error":{"code":"TooManyRequests","message":"{\"_vers"#.into(), GraphError::default()),
            ("\u{feff}{\"error\":{\"code\":\"X\"}}".into(), ge(Some("X"), None, None, None)),
            ("\u{fffd}\u{fffd}{".into(), GraphError::default()),
        ];
        for (body, want) in cases {
            assert_eq!(parse_error_body(&body), want, "body {body}");
        }
    }

    #[test]
    fn nested_retry_after_is_kept() {
        let body = r#"{"error":{"code":"TooManyRequests","message":"{\"_version\":3,\"Message\":\"slow down\",\"RetryAfter\":42}"}}"#;
        assert_eq!(parse_error_body(body).retry_after.as_deref(), Some("42"));
        let body = r#"{"error":{"code":"TooManyRequests","message":"{\"Message\":\"m\",\"RetryAfter\":null}"}}"#;
        assert_eq!(parse_error_body(body).retry_after, None);
    }

    #[test]
    fn endless_nesting_stops() {
        let mut m = r#"{"ErrorCode":"Deep","Message":"bottom"}"#.to_string();
        for _ in 0..20 {
            m = format!(
                r#"{{"ErrorCode":"UnknownError","Message":{}}}"#,
                json_string(&m)
            );
        }
        let body = format!(
            r#"{{"error":{{"code":"UnknownError","message":{}}}}}"#,
            json_string(&m)
        );
        let got = parse_error_body(&body);
        assert_eq!(got.code.as_deref(), Some("UnknownError"));
        assert!(got.message.is_some_and(|m| m.starts_with('{')));
    }

    /// Encodes `s` as a JSON string literal (test helper).
    fn json_string(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}
