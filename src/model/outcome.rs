//! From an HTTP answer (or the lack of one) to the result object a UI `switch`es on.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;

use super::call::next_sync_allowed_at;
use super::graph_error::parse_error_body;
use super::json::{object_json, Field};
use super::retry_after::parse_retry_after;
use super::time::decimal;

/// Which Graph call a result belongs to; only the wording of messages differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `POST .../windowsAutopilotSettings/sync`
    Trigger,
    /// `GET .../windowsAutopilotSettings`
    Status,
}

/// Every way a call can end once a request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Any 2xx (Graph sends 204).
    Started,
    /// 409: a sync is already running.
    AlreadyInProgress,
    /// 429: within 10 minutes of the previous sync.
    Throttled,
    /// 401: the token was refused.
    Unauthorized,
    /// 403: missing permission or Intune licence.
    Forbidden,
    /// 500, 502, 503, 504.
    ServiceUnavailable,
    /// Any other status, or a success whose body could not be read.
    UnexpectedResponse,
    /// `fetch` rejected: offline, DNS, CORS, connection reset.
    NetworkError,
    /// No answer within `timeoutMs`.
    Timeout,
}

impl Outcome {
    /// Every outcome, in documentation order.
    pub const ALL: [Outcome; 9] = [
        Outcome::Started,
        Outcome::AlreadyInProgress,
        Outcome::Throttled,
        Outcome::Unauthorized,
        Outcome::Forbidden,
        Outcome::ServiceUnavailable,
        Outcome::UnexpectedResponse,
        Outcome::NetworkError,
        Outcome::Timeout,
    ];

    /// The outcome for an HTTP status. The status decides, even when a nested Graph code
    /// disagrees (Intune sometimes wraps `Forbidden` in a 401).
    pub fn from_status(status: u16) -> Outcome {
        match status {
            200..=299 => Outcome::Started,
            409 => Outcome::AlreadyInProgress,
            429 => Outcome::Throttled,
            401 => Outcome::Unauthorized,
            403 => Outcome::Forbidden,
            500 | 502 | 503 | 504 => Outcome::ServiceUnavailable,
            _ => Outcome::UnexpectedResponse,
        }
    }

    /// The stable string JS sees in `outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Started => "started",
            Outcome::AlreadyInProgress => "alreadyInProgress",
            Outcome::Throttled => "throttled",
            Outcome::Unauthorized => "unauthorized",
            Outcome::Forbidden => "forbidden",
            Outcome::ServiceUnavailable => "serviceUnavailable",
            Outcome::UnexpectedResponse => "unexpectedResponse",
            Outcome::NetworkError => "networkError",
            Outcome::Timeout => "timeout",
        }
    }

    /// The outcome named by its JS string, if any.
    pub fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// Whether the same call may succeed later without anything being changed.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Outcome::AlreadyInProgress
                | Outcome::Throttled
                | Outcome::ServiceUnavailable
                | Outcome::NetworkError
                | Outcome::Timeout
        )
    }

    /// One plain English sentence for an admin (static unless it names the status).
    pub fn message(self, action: Action, status: Option<u16>) -> Cow<'static, str> {
        let s = match (self, action) {
            (Outcome::Started, Action::Trigger) => {
                "Intune accepted the request and started syncing Windows Autopilot devices."
            }
            (Outcome::Started, Action::Status) => "Read the Windows Autopilot sync status.",
            (Outcome::AlreadyInProgress, _) => {
                "A Windows Autopilot sync is already running; wait for it to finish before starting another."
            }
            (Outcome::Throttled, _) => {
                "Intune allows one Windows Autopilot sync every 10 minutes; try again once 10 minutes have passed since the last sync."
            }
            (Outcome::Unauthorized, _) => {
                "Microsoft Graph rejected the access token (expired, revoked, or issued for another cloud or resource); sign in again."
            }
            (Outcome::Forbidden, Action::Trigger) => {
                "Access denied: the account or app needs the DeviceManagementServiceConfig.ReadWrite.All permission with admin consent, and the tenant needs an active Intune licence."
            }
            (Outcome::Forbidden, Action::Status) => {
                "Access denied: the account or app needs the DeviceManagementServiceConfig.Read.All or DeviceManagementServiceConfig.ReadWrite.All permission, and the tenant needs an active Intune licence."
            }
            (Outcome::ServiceUnavailable, _) => {
                return Cow::Owned(join3(
                    "Microsoft Graph or Intune is temporarily unavailable (HTTP ",
                    status,
                    "); try again in a few minutes.",
                ))
            }
            (Outcome::UnexpectedResponse, _) => match status {
                Some(code) if (200..300).contains(&code) => {
                    "Microsoft Graph answered, but not with a Windows Autopilot settings object; see the support details."
                }
                _ => {
                    return Cow::Owned(join3(
                        "Microsoft Graph answered with unexpected HTTP status ",
                        status,
                        "; see the support details.",
                    ))
                }
            },
            (Outcome::NetworkError, _) => {
                "The request did not reach Microsoft Graph: the device may be offline, or a proxy, firewall or browser CORS policy blocked it."
            }
            (Outcome::Timeout, Action::Trigger) => {
                "Microsoft Graph did not answer in time; the sync may still have started, so check the sync status before trying again."
            }
            (Outcome::Timeout, Action::Status) => {
                "Microsoft Graph did not answer in time; try again in a moment."
            }
        };
        Cow::Borrowed(s)
    }
}

fn join3(a: &str, status: Option<u16>, c: &str) -> String {
    let mut s = String::from(a);
    s.push_str(&decimal(u64::from(status.unwrap_or(0))));
    s.push_str(c);
    s
}

/// The result object `triggerSync` resolves with (and `getSyncStatus` when `ok` is false).
/// Field names and order are the JS contract; see `SyncResult` in the `.d.ts`.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncResult {
    /// True only for `started`.
    pub ok: bool,
    /// How the call ended.
    pub outcome: Outcome,
    /// The HTTP status; `None` when no response arrived.
    pub http_status: Option<u16>,
    /// [`Outcome::retryable`].
    pub retryable: bool,
    /// Seconds from `Retry-After` (or Intune's nested `RetryAfter`).
    pub retry_after_seconds: Option<u32>,
    /// When the next attempt may be sent (ms since the epoch, caller's clock); see
    /// [`next_sync_allowed_at`](super::call::next_sync_allowed_at).
    pub next_attempt_at: Option<f64>,
    /// True only for a result decided without sending the POST (`syncTenants` found the
    /// window closed or a sync running).
    pub not_sent: bool,
    /// One sentence for an admin; never empty.
    pub message: Cow<'static, str>,
    /// Graph's innermost meaningful error code.
    pub error_code: Option<String>,
    /// Graph's innermost human-readable message.
    pub error_message: Option<String>,
    /// `request-id` header, else `error.innerError["request-id"]`.
    pub request_id: Option<String>,
    /// The `client-request-id` that was sent.
    pub client_request_id: String,
    /// `error.innerError.date`, else the `Date` header.
    pub date: Option<String>,
}

/// The parts of an HTTP response the core reads. Header values are `None` when absent
/// or, in a browser, not exposed by CORS.
#[derive(Debug, Clone, Default)]
pub struct Answer<'a> {
    /// HTTP status.
    pub status: u16,
    /// `Retry-After` header.
    pub retry_after: Option<&'a str>,
    /// `request-id` header.
    pub request_id: Option<&'a str>,
    /// `Date` header.
    pub date: Option<&'a str>,
    /// The body as text (possibly cut short); empty when there was none.
    pub body: &'a str,
}

fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim).filter(|s| !s.is_empty()).map(Into::into)
}

impl SyncResult {
    /// The JS object's keys: exactly the documented ones, in this order (with
    /// [`SyncResult::values`], the one list behind [`SyncResult::to_json`] and the wasm's
    /// result builder).
    pub const KEYS: [&'static str; 13] = [
        "ok",
        "outcome",
        "httpStatus",
        "retryable",
        "retryAfterSeconds",
        "nextAttemptAt",
        "message",
        "errorCode",
        "errorMessage",
        "requestId",
        "clientRequestId",
        "date",
        "notSent",
    ];

    /// The value of each of [`SyncResult::KEYS`].
    pub fn values(&self) -> [Field<'_>; 13] {
        [
            Field::Bool(self.ok),
            Field::Name(self.outcome.as_str()),
            Field::Num(self.http_status.map(u32::from)),
            Field::Bool(self.retryable),
            Field::Num(self.retry_after_seconds),
            Field::Time(self.next_attempt_at),
            match &self.message {
                Cow::Borrowed(m) => Field::Name(m),
                Cow::Owned(m) => Field::Text(m),
            },
            Field::opt(&self.error_code),
            Field::opt(&self.error_message),
            Field::opt(&self.request_id),
            Field::Str(Some(&self.client_request_id)),
            Field::opt(&self.date),
            Field::Flag(self.not_sent),
        ]
    }

    /// The JS object, as JSON.
    pub fn to_json(&self) -> String {
        object_json(&Self::KEYS, &self.values())
    }

    /// Classifies an HTTP answer. `now_ms` is the caller's clock, for HTTP-date `Retry-After`.
    pub fn from_answer(
        action: Action,
        answer: &Answer<'_>,
        client_request_id: &str,
        now_ms: f64,
    ) -> SyncResult {
        let outcome = Outcome::from_status(answer.status);
        Self::with_outcome(action, outcome, answer, client_request_id, now_ms)
    }

    /// Like [`SyncResult::from_answer`] with the outcome decided by the caller (a 200 whose
    /// body is unreadable is `unexpectedResponse`).
    pub fn with_outcome(
        action: Action,
        outcome: Outcome,
        answer: &Answer<'_>,
        client_request_id: &str,
        now_ms: f64,
    ) -> SyncResult {
        let error = if (200..300).contains(&answer.status) {
            Default::default()
        } else {
            parse_error_body(answer.body)
        };
        let retry_after_seconds = answer
            .retry_after
            .and_then(|v| parse_retry_after(v, now_ms))
            .or_else(|| {
                error
                    .retry_after
                    .as_deref()
                    .and_then(|v| parse_retry_after(v, now_ms))
            });
        SyncResult {
            ok: outcome == Outcome::Started,
            outcome,
            http_status: Some(answer.status),
            retryable: outcome.retryable(),
            retry_after_seconds,
            next_attempt_at: next_sync_allowed_at(
                Some(outcome),
                retry_after_seconds,
                None,
                None,
                now_ms,
            ),
            not_sent: false,
            message: outcome.message(action, Some(answer.status)),
            error_code: error.code,
            error_message: error.message,
            request_id: non_empty(answer.request_id).or(error.request_id),
            client_request_id: client_request_id.into(),
            date: error.date.or_else(|| non_empty(answer.date)),
        }
    }

    /// A result for a request that got no HTTP answer (`networkError` or `timeout`).
    pub fn without_answer(action: Action, outcome: Outcome, client_request_id: &str) -> SyncResult {
        SyncResult {
            ok: false,
            outcome,
            http_status: None,
            retryable: outcome.retryable(),
            retry_after_seconds: None,
            next_attempt_at: None,
            not_sent: false,
            message: outcome.message(action, None),
            error_code: None,
            error_message: None,
            request_id: None,
            client_request_id: client_request_id.into(),
            date: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table() {
        use Outcome::*;
        let cases: &[(u16, Outcome, bool)] = &[
            (200, Started, false),
            (202, Started, false),
            (204, Started, false),
            (299, Started, false),
            (301, UnexpectedResponse, false),
            (304, UnexpectedResponse, false),
            (400, UnexpectedResponse, false),
            (401, Unauthorized, false),
            (403, Forbidden, false),
            (404, UnexpectedResponse, false),
            (405, UnexpectedResponse, false),
            (409, AlreadyInProgress, true),
            (412, UnexpectedResponse, false),
            (418, UnexpectedResponse, false),
            (429, Throttled, true),
            (500, ServiceUnavailable, true),
            (501, UnexpectedResponse, false),
            (502, ServiceUnavailable, true),
            (503, ServiceUnavailable, true),
            (504, ServiceUnavailable, true),
            (505, UnexpectedResponse, false),
            (599, UnexpectedResponse, false),
            (0, UnexpectedResponse, false),
            (100, UnexpectedResponse, false),
        ];
        for &(status, outcome, retryable) in cases {
            assert_eq!(Outcome::from_status(status), outcome, "status {status}");
            assert_eq!(outcome.retryable(), retryable, "status {status}");
        }
        assert!(NetworkError.retryable() && Timeout.retryable());
    }

    #[test]
    fn outcome_strings_are_stable_and_messages_never_empty() {
        let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(
            names,
            [
                "started",
                "alreadyInProgress",
                "throttled",
                "unauthorized",
                "forbidden",
                "serviceUnavailable",
                "unexpectedResponse",
                "networkError",
                "timeout"
            ]
        );
        for o in Outcome::ALL {
            for a in [Action::Trigger, Action::Status] {
                for st in [None, Some(200), Some(418), Some(503)] {
                    let m = o.message(a, st);
                    assert!(m.len() > 20 && m.ends_with('.'), "{o:?} {a:?} {m}");
                    assert!(!m.contains('\n'));
                }
            }
        }
        assert!(Outcome::Throttled
            .message(Action::Trigger, Some(429))
            .contains("10 minutes"));
        let f = Outcome::Forbidden.message(Action::Trigger, Some(403));
        assert!(
            f.contains("DeviceManagementServiceConfig.ReadWrite.All")
                && f.contains("Intune licence")
        );
        assert_eq!(
            Outcome::UnexpectedResponse.message(Action::Trigger, Some(418)),
            "Microsoft Graph answered with unexpected HTTP status 418; see the support details."
        );
        assert!(Outcome::ServiceUnavailable
            .message(Action::Trigger, Some(503))
            .contains("(HTTP 503)"));
    }

    const NOW: f64 = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT

    #[test]
    fn classifies_answers() {
        let a = Answer {
            status: 429,
            retry_after: Some("2.1"),
            request_id: Some("hdr-rid"),
            date: Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            body: r#"{"error":{"code":"TooManyRequests","message":"{\"_version\":3,\"Message\":\"Too many\",\"RetryAfter\":null}","innerError":{"date":"1994-11-06T08:49:37","request-id":"body-rid"}}}"#,
        };
        let r = SyncResult::from_answer(Action::Trigger, &a, "cid", NOW);
        assert_eq!(
            r,
            SyncResult {
                ok: false,
                outcome: Outcome::Throttled,
                http_status: Some(429),
                retryable: true,
                retry_after_seconds: Some(3),
                next_attempt_at: Some(NOW + 3000.0),
                not_sent: false,
                message: Outcome::Throttled.message(Action::Trigger, Some(429)),
                error_code: Some("TooManyRequests".into()),
                error_message: Some("Too many".into()),
                request_id: Some("hdr-rid".into()),
                client_request_id: "cid".into(),
                date: Some("1994-11-06T08:49:37".into()),
            }
        );

        // No headers readable (CORS): fall back to the body.
        let a = Answer {
            status: 429,
            body: r#"{"error":{"code":"TooManyRequests","message":"{\"Message\":\"m\",\"RetryAfter\":\"30\"}","innerError":{"request-id":"body-rid"}}}"#,
            ..Default::default()
        };
        let r = SyncResult::from_answer(Action::Trigger, &a, "cid", NOW);
        assert_eq!(r.request_id.as_deref(), Some("body-rid"));
        assert_eq!(r.retry_after_seconds, Some(30));
        assert_eq!(r.date, None);

        // Nested Forbidden inside a 401: the status decides the outcome, the code is kept.
        let a = Answer {
            status: 401,
            body: r#"{"error":{"code":"UnknownError","message":"{\"ErrorCode\":\"Forbidden\",\"Message\":\"{\\\"_version\\\":3,\\\"Message\\\":\\\"Denied\\\"}\"}"}}"#,
            date: Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            ..Default::default()
        };
        let r = SyncResult::from_answer(Action::Trigger, &a, "cid", NOW);
        assert_eq!(r.outcome.as_str(), "unauthorized");
        assert_eq!(r.error_code.as_deref(), Some("Forbidden"));
        assert_eq!(r.error_message.as_deref(), Some("Denied"));
        assert_eq!(r.date.as_deref(), Some("Sun, 06 Nov 1994 08:49:37 GMT"));

        // 204: ok, nothing from the (absent) body.
        let a = Answer {
            status: 204,
            request_id: Some(" "),
            ..Default::default()
        };
        let r = SyncResult::from_answer(Action::Trigger, &a, "cid", NOW);
        assert!(r.ok && r.outcome.as_str() == "started" && !r.retryable);
        assert_eq!(r.request_id, None);

        // HTML from a gateway.
        let a = Answer {
            status: 502,
            body: "<html>Bad Gateway</html>",
            retry_after: Some("garbage"),
            ..Default::default()
        };
        let r = SyncResult::from_answer(Action::Trigger, &a, "cid", NOW);
        assert_eq!(
            (
                r.outcome.as_str(),
                r.retryable,
                r.retry_after_seconds,
                r.error_code
            ),
            ("serviceUnavailable", true, None, None)
        );
    }

    #[test]
    fn json_has_the_contract_keys_in_order() {
        let a = Answer {
            status: 429,
            retry_after: Some("7"),
            request_id: Some("r\"1"),
            ..Default::default()
        };
        let r = SyncResult::from_answer(Action::Trigger, &a, "c", NOW);
        use crate::model::json::Json as _;
        let text = r.to_json();
        let v = crate::model::json::parse(&text).expect("valid JSON");
        // Each key but the optional `notSent` is present, in the order of `KEYS` (by its
        // place in the text); the whole text below is the contract's own spelling.
        let keys = &SyncResult::KEYS[..12];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| {
                assert!(v.get(k).is_some(), "{k} missing");
                text.find(&format!("\"{k}\":")).expect("key in the text")
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert_eq!(
            r.to_json(),
            concat!(
                r#"{"ok":false,"outcome":"throttled","httpStatus":429,"retryable":true,"retryAfterSeconds":7,"nextAttemptAt":"1994-11-06T08:49:44.000Z","#,
                r#""message":"Intune allows one Windows Autopilot sync every 10 minutes; try again once 10 minutes have passed since the last sync.","#,
                r#""errorCode":null,"errorMessage":null,"requestId":"r\"1","clientRequestId":"c","date":null}"#
            )
        );
    }

    #[test]
    fn no_answer() {
        let r = SyncResult::without_answer(Action::Trigger, Outcome::Timeout, "c");
        assert_eq!(
            (r.ok, r.outcome.as_str(), r.http_status, r.retryable),
            (false, "timeout", None, true)
        );
        let r = SyncResult::without_answer(Action::Status, Outcome::NetworkError, "c");
        assert_eq!(
            (r.outcome.as_str(), r.http_status, r.retryable),
            ("networkError", None, true)
        );
    }
}
