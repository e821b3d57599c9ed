//! One Graph call, platform-neutral: for each endpoint the request to send (method, URL
//! under the Graph root, headers), and from what came back (an HTTP answer, a network
//! failure or a timeout) the reply a caller gets. Every decision a user could ask "why
//! did it do that?" about is here: a 2xx with an unreadable body, whether a 401 earns one
//! token refresh, when `waitForSync` stops, and when the next manual sync is allowed.
//! The wasm glue only moves bytes and time.

#[allow(unused_imports)]
use crate::prelude::*;

use super::bounds::{scrub, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS};
use super::outcome::{Action, Answer, Outcome, SyncResult};
use super::sync_state::{parse_sync_state, SyncState, SyncStatus, MANUAL_SYNC_INTERVAL_MS};
use super::time::{ceil, format_iso, parse_http_date, parse_iso8601};

/// Path of the settings object under a Graph root.
const SETTINGS_PATH: &str = "/beta/deviceManagement/windowsAutopilotSettings";

/// What to send for one endpoint. The body is always empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `POST` (trigger) or `GET` (status).
    pub method: &'static str,
    /// Absolute URL: the Graph root and the endpoint's path.
    pub url: String,
    /// Header name/value pairs; the `Authorization` value holds the token.
    pub headers: [(&'static str, String); 3],
}

impl Request {
    /// The request for `action` under `root` (checked, no trailing slash), with a checked
    /// token and `client-request-id` (visible ASCII, so every header value is valid).
    pub fn new(action: Action, root: &str, token: &str, client_request_id: &str) -> Request {
        let mut url = String::with_capacity(root.len() + SETTINGS_PATH.len() + 5);
        url.push_str(root);
        url.push_str(SETTINGS_PATH);
        if action == Action::Trigger {
            url.push_str("/sync");
        }
        let mut bearer = String::with_capacity(token.len() + 7);
        bearer.push_str("Bearer ");
        bearer.push_str(token);
        Request {
            method: match action {
                Action::Trigger => "POST",
                Action::Status => "GET",
            },
            url,
            headers: [
                ("Authorization", bearer),
                ("Accept", "application/json".into()),
                ("client-request-id", client_request_id.into()),
            ],
        }
    }
}

impl Request {
    /// The request as `_send` (src/wasm/host.js) takes it, one string for one crossing:
    /// the method, the URL, then each header's name and value, joined by line breaks.
    /// None of them holds one: the root is a checked URL, a next-page link has its line
    /// breaks removed (`devices::next_page`), and the token and `client-request-id` are
    /// checked visible ASCII.
    pub fn packed(&self) -> String {
        let mut s = String::with_capacity(self.url.len() + 160);
        s.push_str(self.method);
        s.push('\n');
        s.push_str(&self.url);
        for (name, value) in &self.headers {
            s.push('\n');
            s.push_str(name);
            s.push('\n');
            s.push_str(value);
        }
        s
    }

    /// A `GET` of `url` (built by the model under a checked root), as [`Request::new`].
    pub fn get(url: &str, token: &str, client_request_id: &str) -> Request {
        let mut bearer = String::with_capacity(token.len() + 7);
        bearer.push_str("Bearer ");
        bearer.push_str(token);
        Request {
            method: "GET",
            url: url.into(),
            headers: [
                ("Authorization", bearer),
                ("Accept", "application/json".into()),
                ("client-request-id", client_request_id.into()),
            ],
        }
    }
}

/// An answer as the wasm's transport (`_send` in src/wasm/host.js) hands it over, one
/// string for one crossing: the status, the [`ANSWER_HEADERS`] ("" when absent), `1` when
/// the body was read whole (or to its cap) and `0` when it broke off, then the body, joined
/// by line breaks (header values never hold one; the body comes last). Blank headers count
/// as absent. `None` when the text is not of that shape.
pub fn unpack_answer(packed: &str) -> Option<(Answer<'_>, bool)> {
    let mut parts = packed.splitn(6, '\n');
    let status = parts.next()?.parse::<u16>().ok()?;
    let mut header = || parts.next().filter(|v| !v.trim().is_empty());
    let (retry_after, request_id, date) = (header(), header(), header());
    let whole = match parts.next()? {
        "1" => true,
        "0" => false,
        _ => return None,
    };
    let body = parts.next()?;
    Some((
        Answer {
            status,
            retry_after,
            request_id,
            date,
            body,
        },
        whole,
    ))
}

/// How a request ended, from the transport's string ([`unpack_answer`]; `None` when no
/// response arrived) and whether its timeout fired. A `GET` whose 2xx body broke off
/// (timeout, reset) is no answer: what arrived is not the document, so the read failed;
/// an error status stays known from its headers.
pub fn transport_response<'a>(
    packed: Option<&'a str>,
    method: &str,
    timed_out: bool,
) -> Response<'a> {
    let no_answer = if timed_out {
        Response::Timeout
    } else {
        Response::Network
    };
    match packed.and_then(unpack_answer) {
        Some((a, false)) if method == "GET" && (200..300).contains(&a.status) => no_answer,
        Some((a, _)) => Response::Answer(a),
        None => no_answer,
    }
}

/// The headers of an answer the model reads (lower-case names, as `Headers.get` takes).
pub const ANSWER_HEADERS: [&str; 3] = ["retry-after", "request-id", "date"];

/// How a request ended, as the transport saw it.
#[derive(Debug, Clone)]
pub enum Response<'a> {
    /// An HTTP answer arrived (headers hidden by CORS are `None`).
    Answer(Answer<'a>),
    /// `fetch` rejected: offline, DNS, CORS, connection reset.
    Network,
    /// No answer within the timeout.
    Timeout,
}

/// What a call resolves with.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A `SyncResult` (every trigger; a failed status read).
    Result(SyncResult),
    /// A successful status read.
    Status(SyncStatus),
}

impl Reply {
    /// Reads what came back. A status read whose 2xx body is not a settings object is
    /// `unexpectedResponse`: the caller learns nothing it could act on from it.
    pub fn read(
        action: Action,
        response: &Response<'_>,
        client_request_id: &str,
        now_ms: f64,
    ) -> Reply {
        let answer = match response {
            Response::Network => {
                return Reply::Result(SyncResult::without_answer(
                    action,
                    Outcome::NetworkError,
                    client_request_id,
                ))
            }
            Response::Timeout => {
                return Reply::Result(SyncResult::without_answer(
                    action,
                    Outcome::Timeout,
                    client_request_id,
                ))
            }
            Response::Answer(a) => a,
        };
        let outcome = Outcome::from_status(answer.status);
        if action == Action::Status && outcome == Outcome::Started {
            if let Some(state) = parse_sync_state(answer.body) {
                let next = state.next_manual_sync_at.as_deref().and_then(parse_iso8601);
                return Reply::Status(SyncStatus {
                    ok: true,
                    sync_status: state.sync_status,
                    last_sync_date_time: state.last_sync,
                    last_manual_sync_trigger_date_time: state.last_manual_trigger,
                    next_manual_sync_at: state.next_manual_sync_at,
                    next_attempt_at: next_sync_allowed_at(None, None, None, next, now_ms),
                    request_id: answer
                        .request_id
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(Into::into),
                    client_request_id: client_request_id.into(),
                });
            }
            return Reply::Result(SyncResult::with_outcome(
                action,
                Outcome::UnexpectedResponse,
                answer,
                client_request_id,
                now_ms,
            ));
        }
        Reply::Result(SyncResult::with_outcome(
            action,
            outcome,
            answer,
            client_request_id,
            now_ms,
        ))
    }

    /// The JS object, as JSON (one crossing, one `JSON.parse`).
    pub fn to_json(&self) -> String {
        match self {
            Reply::Result(r) => r.to_json(),
            Reply::Status(s) => s.to_json(),
        }
    }

    /// The reply as it may leave the library: every value copied from the network has
    /// `token` (and each long part of it) redacted, then is cut to its bound (ids, codes
    /// and dates [`MAX_FIELD_CHARS`], Graph's message [`MAX_MESSAGE_CHARS`]).
    pub fn sealed(mut self, token: &str) -> Reply {
        match &mut self {
            Reply::Result(r) => {
                scrub(&mut r.error_code, token, MAX_FIELD_CHARS);
                scrub(&mut r.error_message, token, MAX_MESSAGE_CHARS);
                scrub(&mut r.request_id, token, MAX_FIELD_CHARS);
                scrub(&mut r.date, token, MAX_FIELD_CHARS);
            }
            // The dates of a status are rewritten from parsed numbers; the id is copied.
            Reply::Status(s) => scrub(&mut s.request_id, token, MAX_FIELD_CHARS),
        }
        self
    }

    /// Whether a client with a token source should get a fresh token and send once more:
    /// only after `unauthorized`, and only if this was not already the retry.
    pub fn earns_token_refresh(&self, already_refreshed: bool) -> bool {
        !already_refreshed && matches!(self, Reply::Result(r) if r.outcome == Outcome::Unauthorized)
    }

    /// Whether a client should read the settings object after this reply to learn the
    /// wait: a 429 or 409 whose `Retry-After` was not readable (browsers under CORS).
    pub fn wants_settings_read(&self) -> bool {
        matches!(self, Reply::Result(r)
            if matches!(r.outcome, Outcome::Throttled | Outcome::AlreadyInProgress)
                && r.retry_after_seconds.is_none())
    }

    /// How long `waitForSync` pauses after this reply: its `interval`, or longer when a
    /// retryable failure carried a `Retry-After` (Graph asks clients to honour it).
    pub fn poll_pause_ms(&self, interval: u32) -> u32 {
        match self {
            Reply::Result(r) if r.retryable => r
                .retry_after_seconds
                .map_or(interval, |s| interval.max(s.saturating_mul(1000))),
            _ => interval,
        }
    }

    /// Whether `waitForSync` stops at this reply: a final sync state, or a failure that
    /// will not pass by waiting.
    pub fn ends_wait(&self) -> bool {
        match self {
            Reply::Status(s) => s.sync_status.is_final(),
            Reply::Result(r) => !r.retryable,
        }
    }
}

/// When the next manual sync may be started (ms since the epoch, in the caller's clock),
/// or `None` when nothing known stops one now.
///
/// - `Retry-After` (header or Intune's nested value) wins.
/// - Else `nextManualSyncAt` from the settings, counted from Graph's clock when the answer
///   carried a date (`graph_now_ms`), so a skewed PC clock neither shortens nor stretches
///   the wait.
/// - Else, after `throttled` or `started`, the 10-minute interval from now.
pub fn next_sync_allowed_at(
    outcome: Option<Outcome>,
    retry_after_seconds: Option<u32>,
    graph_now_ms: Option<f64>,
    next_manual_sync_ms: Option<f64>,
    now_ms: f64,
) -> Option<f64> {
    if let Some(s) = retry_after_seconds.filter(|s| *s > 0) {
        return Some(now_ms + f64::from(s) * 1000.0);
    }
    if let Some(next) = next_manual_sync_ms {
        let left = next - graph_now_ms.unwrap_or(now_ms);
        if left > 0.0 {
            return Some(now_ms + left);
        }
        if outcome != Some(Outcome::Throttled) {
            return None;
        }
    }
    match outcome {
        Some(Outcome::Throttled | Outcome::Started) => Some(now_ms + MANUAL_SYNC_INTERVAL_MS),
        _ => None,
    }
}

/// Parses a result's `date` (Intune's `innerError.date` or the `Date` header).
fn graph_now(result: &SyncResult) -> Option<f64> {
    let d = result.date.as_deref()?;
    parse_iso8601(d).or_else(|| parse_http_date(d))
}

fn seconds_until(at: f64, now_ms: f64) -> Option<u32> {
    let s = ceil((at - now_ms) / 1000.0);
    (s > 0.0).then(|| s.min(f64::from(u32::MAX)) as u32)
}

/// A 429/409 whose `Retry-After` was unreadable, completed from a settings read made right
/// after it: `nextAttemptAt` and `retryAfterSeconds` from `nextManualSyncAt`
/// (`lastManualSyncTriggerDateTime` + 10 minutes), by the one rule of
/// [`next_sync_allowed_at`].
pub fn with_wait_from_settings(
    result: &SyncResult,
    status: &SyncStatus,
    now_ms: f64,
) -> SyncResult {
    let next = status
        .next_manual_sync_at
        .as_deref()
        .and_then(parse_iso8601);
    let at = next_sync_allowed_at(Some(result.outcome), None, graph_now(result), next, now_ms);
    let mut r = result.clone();
    r.next_attempt_at = at;
    r.retry_after_seconds = at.and_then(|a| seconds_until(a, now_ms));
    r
}

/// Whether a POST would be refused now, judged from a settings read: a sync is running
/// (`alreadyInProgress`) or the 10-minute window is still closed (`throttled`). The result
/// says so without a POST having been sent (`notSent`).
pub fn cooling_down(action_status: &SyncStatus, now_ms: f64) -> Option<SyncResult> {
    let running = action_status.sync_status == SyncState::InProgress;
    let at = action_status.next_attempt_at.filter(|a| *a > now_ms);
    let (outcome, message): (Outcome, String) = if running {
        (
            Outcome::AlreadyInProgress,
            "Not sent: a Windows Autopilot sync is already running in this tenant.".into(),
        )
    } else {
        let at = at?;
        let mut m = String::from("Not sent: the last manual sync was triggered at ");
        m.push_str(
            action_status
                .last_manual_sync_trigger_date_time
                .as_deref()
                .unwrap_or("an unknown time"),
        );
        m.push_str("; Intune allows the next one at ");
        m.push_str(&format_iso(at));
        m.push('.');
        (Outcome::Throttled, m)
    };
    Some(SyncResult {
        ok: false,
        outcome,
        http_status: None,
        retryable: true,
        retry_after_seconds: at.and_then(|a| seconds_until(a, now_ms)),
        next_attempt_at: at,
        not_sent: true,
        message: message.into(),
        error_code: None,
        error_message: None,
        request_id: action_status.request_id.clone(),
        client_request_id: action_status.client_request_id.clone(),
        date: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_unpacked_from_the_transport() {
        let (a, whole) = unpack_answer("429\n 7 \nrid\n\n1\n{\"a\":\n1}").expect("shape");
        assert_eq!(
            (a.status, a.retry_after, a.request_id, a.date, a.body, whole),
            (429, Some(" 7 "), Some("rid"), None, "{\"a\":\n1}", true)
        );
        let (a, whole) = unpack_answer("204\n\n \n\n1\n").expect("shape");
        assert_eq!(
            (a.status, a.request_id, a.body, whole),
            (204, None, "", true)
        );
        let (a, whole) = unpack_answer("200\n\n\n\n0\npart").expect("shape");
        assert_eq!((a.status, a.body, whole), (200, "part", false));
        for bad in [
            "",
            "204",
            "204\n\n\n\n1",
            "x\n\n\n\n1\n",
            "70000\n\n\n\n1\n",
            "204\n\n\n\n2\n",
        ] {
            assert!(unpack_answer(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn how_a_request_ended() {
        let kind = |r: Response<'_>| match r {
            Response::Answer(a) => format!("answer {} {:?}", a.status, a.body),
            Response::Network => "network".into(),
            Response::Timeout => "timeout".into(),
        };
        let cases: [(Option<&str>, &str, bool, &str); 9] = [
            (Some("204\n\n\n\n1\n"), "POST", false, "answer 204 \"\""),
            (Some("200\n\n\n\n0\n{\"syncS"), "GET", false, "network"),
            (Some("200\n\n\n\n0\n{\"syncS"), "GET", true, "timeout"),
            // An error status stays known, and a POST's cut 2xx body is still its status.
            (
                Some("503\n\n\n\n0\n{\"err"),
                "GET",
                true,
                "answer 503 \"{\\\"err\"",
            ),
            (Some("202\n\n\n\n0\nx"), "POST", false, "answer 202 \"x\""),
            (Some("200\n\n\n\n1\n{}"), "GET", false, "answer 200 \"{}\""),
            (None, "POST", false, "network"),
            (None, "GET", true, "timeout"),
            (Some("garbage"), "POST", false, "network"),
        ];
        for (packed, method, timed_out, want) in cases {
            assert_eq!(
                kind(transport_response(packed, method, timed_out)),
                want,
                "{packed:?} {method}"
            );
        }
    }

    const NOW: f64 = 1_795_000_000_000.0;

    fn answer(status: u16, body: &str) -> Response<'_> {
        Response::Answer(Answer {
            status,
            body,
            request_id: Some("rid"),
            ..Default::default()
        })
    }

    /// A hostile server: huge header and body values, and the token echoed everywhere.
    #[test]
    fn sealed_replies_are_bounded_and_never_carry_the_token() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLWZvci10ZXN0cyJ9.c2lnbmF0dXJlLXNlY3JldA";
        let sig = token.rsplit('.').next().unwrap();
        let rid = "r".repeat(10 * 1024);
        let echo = ["Bearer ", token, " was refused"].concat();
        let long_msg = ["m".repeat(5_000), token.into()].concat();
        let body = |code: &str, msg: &str, inner_rid: &str, date: &str| {
            [
                r#"{"error":{"code":""#,
                code,
                r#"","message":""#,
                msg,
                r#"","innerError":{"request-id":""#,
                inner_rid,
                r#"","date":""#,
                date,
                r#""}}}"#,
            ]
            .concat()
        };
        // (status, request-id header, Date header, body) → (errorCode, errorMessage, requestId, date)
        type Want = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let r = |s: &str| Some(String::from(s));
        let capped = |c: char, n: usize| Some([c.to_string().repeat(n - 1), "…".into()].concat());
        type Case<'a> = (u16, Option<&'a str>, Option<&'a str>, String, Want);
        let cases: Vec<Case> = vec![
            // The 10 KB request-id header of the issue: cut to 256 characters.
            (
                503,
                Some(&rid),
                None,
                String::new(),
                (None, None, capped('r', 256), None),
            ),
            // The token echoed in the message, the code, the id and the date.
            (
                401,
                None,
                None,
                body(token, &echo, token, sig),
                (
                    r("[redacted]"),
                    r("Bearer [redacted] was refused"),
                    r("[redacted]"),
                    r("[redacted]"),
                ),
            ),
            // A 5,000-character message ending in the token: the token never survives the cut.
            (
                400,
                Some(token),
                Some(token),
                body("Bad", &long_msg, "x", "y"),
                (r("Bad"), capped('m', 2_000), r("[redacted]"), r("y")),
            ),
            // Ordinary values pass unchanged.
            (
                403,
                Some("rid-1"),
                Some("Sun, 06 Nov 1994 08:49:37 GMT"),
                body("Forbidden", "Denied", "x", "1994-11-06T08:49:37"),
                (
                    r("Forbidden"),
                    r("Denied"),
                    r("rid-1"),
                    r("1994-11-06T08:49:37"),
                ),
            ),
        ];
        for (status, request_id, date, body, want) in &cases {
            let a = Response::Answer(Answer {
                status: *status,
                request_id: *request_id,
                date: *date,
                body,
                ..Default::default()
            });
            for action in [Action::Trigger, Action::Status] {
                let Reply::Result(got) = Reply::read(action, &a, "cid", NOW).sealed(token) else {
                    panic!("{status}: not a result");
                };
                let have = (
                    got.error_code.clone(),
                    got.error_message.clone(),
                    got.request_id.clone(),
                    got.date.clone(),
                );
                assert_eq!(&have, want, "status {status}");
                let json = Reply::Result(got).to_json();
                assert!(
                    !json.contains(token) && !json.contains(sig),
                    "{status}: {json}"
                );
            }
        }
        // A successful status read: its request-id is bounded and redacted too.
        let ok = Response::Answer(Answer {
            status: 200,
            request_id: Some(&rid),
            body: r#"{"syncStatus":"completed"}"#,
            ..Default::default()
        });
        match Reply::read(Action::Status, &ok, "cid", NOW).sealed(token) {
            Reply::Status(s) => assert_eq!(s.request_id, capped('r', 256)),
            other => panic!("{other:?}"),
        }
        let echoed = Response::Answer(Answer {
            status: 200,
            request_id: Some(token),
            body: r#"{"id":"x"}"#,
            ..Default::default()
        });
        match Reply::read(Action::Status, &echoed, "cid", NOW).sealed(token) {
            Reply::Status(s) => assert_eq!(s.request_id.as_deref(), Some("[redacted]")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn requests() {
        // (root, token, client-request-id, the POST's URL)
        for (root, token, crid, url) in [
            (
                "https://graph.microsoft.com",
                "t.k-n",
                "c\"1",
                "https://graph.microsoft.com/beta/deviceManagement/windowsAutopilotSettings/sync",
            ),
            (
                "https://graph.microsoft.us",
                "tok",
                "cid",
                "https://graph.microsoft.us/beta/deviceManagement/windowsAutopilotSettings/sync",
            ),
        ] {
            let r = Request::new(Action::Trigger, root, token, crid);
            assert_eq!(r.method, "POST");
            assert_eq!(r.url, url);
            assert_eq!(
                r.headers,
                [
                    ("Authorization", ["Bearer ", token].concat()),
                    ("Accept", "application/json".into()),
                    ("client-request-id", crid.into()),
                ]
            );
        }
        assert_eq!(
            Request::new(Action::Trigger, "https://graph.microsoft.com", "t.k-n", "c\"1").packed(),
            "POST\nhttps://graph.microsoft.com/beta/deviceManagement/windowsAutopilotSettings/sync\nAuthorization\nBearer t.k-n\nAccept\napplication/json\nclient-request-id\nc\"1"
        );
        let s = Request::new(Action::Status, "http://127.0.0.1:1", "t", "c");
        assert_eq!(s.method, "GET");
        assert_eq!(
            s.url,
            "http://127.0.0.1:1/beta/deviceManagement/windowsAutopilotSettings"
        );
        assert_eq!(Request::get("https://x/y", "t", "c").headers, s.headers);
        let r = Request::new(Action::Status, "http://127.0.0.1:1/x", "tok", "cid");
        assert_eq!(
            (r.method, r.url.as_str()),
            (
                "GET",
                "http://127.0.0.1:1/x/beta/deviceManagement/windowsAutopilotSettings"
            )
        );
        // The token never shows in the URL or in Debug output of anything but the header.
        assert!(!r.url.contains("tok"));
    }

    #[test]
    fn replies() {
        use Outcome::*;
        let settings = r#"{"id":"a","syncStatus":"completed"}"#;
        // (action, response, outcome or None for a status object, ends wait, earns refresh)
        let cases: &[(Action, Response<'_>, Option<Outcome>, bool, bool)] = &[
            (Action::Trigger, answer(204, ""), Some(Started), true, false),
            (
                Action::Trigger,
                answer(200, "<html>"),
                Some(Started),
                true,
                false,
            ),
            (
                Action::Trigger,
                answer(401, ""),
                Some(Unauthorized),
                true,
                true,
            ),
            (
                Action::Trigger,
                answer(429, ""),
                Some(Throttled),
                false,
                false,
            ),
            (Action::Status, answer(200, settings), None, true, false),
            (
                Action::Status,
                answer(200, r#"{"id":"a","syncStatus":"inProgress"}"#),
                None,
                false,
                false,
            ),
            (
                Action::Status,
                answer(200, "<html>"),
                Some(UnexpectedResponse),
                true,
                false,
            ),
            (
                Action::Status,
                answer(204, ""),
                Some(UnexpectedResponse),
                true,
                false,
            ),
            (
                Action::Status,
                answer(401, settings),
                Some(Unauthorized),
                true,
                true,
            ),
            (
                Action::Status,
                answer(403, ""),
                Some(Forbidden),
                true,
                false,
            ),
            (
                Action::Status,
                answer(503, ""),
                Some(ServiceUnavailable),
                false,
                false,
            ),
            (
                Action::Status,
                Response::Network,
                Some(NetworkError),
                false,
                false,
            ),
            (
                Action::Trigger,
                Response::Timeout,
                Some(Timeout),
                false,
                false,
            ),
        ];
        for (i, (action, response, outcome, ends, refresh)) in cases.iter().enumerate() {
            let reply = Reply::read(*action, response, "cid", NOW);
            match (&reply, outcome) {
                (Reply::Result(r), Some(o)) => assert_eq!(r.outcome, *o, "case {i}"),
                (Reply::Status(s), None) => assert_eq!(s.request_id.as_deref(), Some("rid")),
                _ => panic!("case {i}: {reply:?}"),
            }
            assert_eq!(reply.ends_wait(), *ends, "case {i} ends_wait");
            assert_eq!(
                reply.earns_token_refresh(false),
                *refresh,
                "case {i} refresh"
            );
            assert!(
                !reply.earns_token_refresh(true),
                "case {i}: one refresh at most"
            );
        }
        let Reply::Status(s) = Reply::read(Action::Status, &answer(200, settings), "c", NOW) else {
            panic!("a status")
        };
        assert_eq!(s.sync_status, SyncState::Completed);
        let Reply::Result(r) = Reply::read(Action::Status, &answer(200, "<html>"), "c", NOW) else {
            panic!("a result")
        };
        assert_eq!(r.http_status, Some(200));
        assert!(r
            .message
            .contains("not with a Windows Autopilot settings object"));
    }

    #[test]
    fn next_allowed_time() {
        use Outcome::*;
        let min = 60_000.0;
        // (outcome, Retry-After s, Graph's now, nextManualSyncAt, expected offset from NOW)
        type Case = (
            Option<Outcome>,
            Option<u32>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
        );
        let cases: &[Case] = &[
            (Some(Throttled), Some(90), None, None, Some(90_000.0)),
            (
                Some(Throttled),
                Some(90),
                None,
                Some(NOW + 5.0 * min),
                Some(90_000.0),
            ),
            (
                Some(Throttled),
                None,
                None,
                Some(NOW + 5.0 * min),
                Some(5.0 * min),
            ),
            // Graph's clock is 2 minutes behind the PC's: the wait is counted from Graph's.
            (
                Some(Throttled),
                None,
                Some(NOW - 2.0 * min),
                Some(NOW + 5.0 * min),
                Some(7.0 * min),
            ),
            (
                Some(Throttled),
                None,
                None,
                Some(NOW - min),
                Some(10.0 * min),
            ),
            (Some(Throttled), Some(0), None, None, Some(10.0 * min)),
            (Some(Throttled), None, None, None, Some(10.0 * min)),
            (Some(Started), None, None, None, Some(10.0 * min)),
            (
                Some(AlreadyInProgress),
                None,
                None,
                Some(NOW + min),
                Some(min),
            ),
            (Some(AlreadyInProgress), None, None, None, None),
            (Some(Forbidden), None, None, None, None),
            // From the settings object alone (no Retry-After exposed to the page).
            (None, None, None, Some(NOW + 3.0 * min), Some(3.0 * min)),
            (None, None, None, Some(NOW - 3.0 * min), None),
            (None, None, None, None, None),
        ];
        for (i, &(o, ra, graph_now, next, want)) in cases.iter().enumerate() {
            assert_eq!(
                next_sync_allowed_at(o, ra, graph_now, next, NOW),
                want.map(|w| NOW + w),
                "case {i}"
            );
        }
    }

    fn status(state: SyncState, next: Option<f64>) -> SyncStatus {
        SyncStatus {
            ok: true,
            sync_status: state,
            last_sync_date_time: None,
            last_manual_sync_trigger_date_time: next
                .map(|n| format_iso(n - MANUAL_SYNC_INTERVAL_MS)),
            next_manual_sync_at: next.map(format_iso),
            next_attempt_at: next_sync_allowed_at(None, None, None, next, NOW),
            request_id: Some("rid".into()),
            client_request_id: "cid".into(),
        }
    }

    #[test]
    fn wait_from_a_settings_read() {
        let min = 60_000.0;
        // A 429 and a 409 whose Retry-After was hidden: nothing readable, so the settings say.
        for (code, outcome) in [(429, Outcome::Throttled), (409, Outcome::AlreadyInProgress)] {
            let Reply::Result(r) = Reply::read(Action::Trigger, &answer(code, ""), "c", NOW) else {
                panic!()
            };
            assert!(Reply::Result(r.clone()).wants_settings_read());
            let w = with_wait_from_settings(
                &r,
                &status(SyncState::Completed, Some(NOW + 4.0 * min)),
                NOW,
            );
            assert_eq!(w.outcome, outcome);
            assert_eq!(w.next_attempt_at, Some(NOW + 4.0 * min));
            assert_eq!(w.retry_after_seconds, Some(240));
            assert!(w
                .to_json()
                .contains(r#""nextAttemptAt":"2026-11-18T11:10:40.000Z""#));
        }
        // A readable Retry-After needs no read.
        let ra = Response::Answer(Answer {
            status: 429,
            retry_after: Some("30"),
            ..Default::default()
        });
        let reply = Reply::read(Action::Trigger, &ra, "c", NOW);
        assert!(!reply.wants_settings_read());
        let Reply::Result(r) = reply else { panic!() };
        assert_eq!(r.next_attempt_at, Some(NOW + 30_000.0));
        assert!(!Reply::read(Action::Trigger, &answer(403, ""), "c", NOW).wants_settings_read());
    }

    #[test]
    fn a_wait_pauses_for_retry_after_on_a_retryable_failure() {
        let with_ra = |status: u16, ra: &'static str| {
            let a = Response::Answer(Answer {
                status,
                retry_after: Some(ra),
                ..Default::default()
            });
            Reply::read(Action::Status, &a, "c", NOW)
        };
        // 503 / 429 with Retry-After: the longer of the two.
        assert_eq!(with_ra(503, "5").poll_pause_ms(50), 5_000);
        assert_eq!(with_ra(429, "1").poll_pause_ms(15_000), 15_000);
        // Without one, or a failure that ends the wait anyway, or a status: the interval.
        assert_eq!(
            Reply::read(Action::Status, &answer(503, ""), "c", NOW).poll_pause_ms(50),
            50
        );
        assert_eq!(with_ra(400, "5").poll_pause_ms(50), 50);
        let ok = answer(200, r#"{"syncStatus":"inProgress"}"#);
        assert_eq!(
            Reply::read(Action::Status, &ok, "c", NOW).poll_pause_ms(50),
            50
        );
    }

    #[test]
    fn cooling_down_from_settings() {
        let min = 60_000.0;
        let r = cooling_down(&status(SyncState::Completed, Some(NOW + 3.0 * min)), NOW).unwrap();
        assert_eq!(
            (r.outcome, r.not_sent, r.http_status),
            (Outcome::Throttled, true, None)
        );
        assert_eq!(
            (r.retry_after_seconds, r.next_attempt_at),
            (Some(180), Some(NOW + 3.0 * min))
        );
        assert!(r.message.starts_with("Not sent"));
        assert!(r.to_json().ends_with(r#""notSent":true}"#));
        let r = cooling_down(&status(SyncState::InProgress, None), NOW).unwrap();
        assert_eq!(
            (r.outcome, r.next_attempt_at),
            (Outcome::AlreadyInProgress, None)
        );
        assert!(cooling_down(&status(SyncState::Completed, Some(NOW - min)), NOW).is_none());
        assert!(cooling_down(&status(SyncState::Failed, None), NOW).is_none());
    }
}
