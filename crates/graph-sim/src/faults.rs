//! Injected failures for the next Graph requests (`POST /_sim/faults`).

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde::{Deserialize, Serialize};

use crate::http::{code_for_status, full, response, Body, BoxError, GraphCtx};

/// What a fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer with `status` (Graph error body unless `body` is given).
    Status,
    /// An HTML error page (default 502).
    Html,
    /// Wait `delayMs`, then handle normally (or answer `status` when given).
    Delay,
    /// Close the connection without a response.
    Close,
    /// Declare a longer `Content-Length` than is sent, then drop the connection.
    Truncate,
    /// A JSON-ish error body of `bytes` bytes (default 5 000 000).
    Huge,
    /// A body with invalid UTF-8 (`application/json`).
    NonUtf8,
    /// Reset the connection (TCP RST) before any response byte.
    Reset,
    /// Send the headers and the first `bytes` of the body (default half), then reset the
    /// connection (TCP RST).
    ResetMidBody,
    /// Send the headers and the first `bytes` of the body (default half; 0 = headers
    /// only), then stall `stallMs` (default 60 000) before sending the rest.
    Stall,
    /// One of `count` consecutive errors (default 503, with the fault's `headers`, e.g.
    /// `Retry-After`, or without): `{"kind": "storm", "count": 5}`.
    Storm,
}

/// One queued fault, as sent to and listed by the control API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    /// What to do.
    pub kind: FaultKind,
    /// How many matching requests it still applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// Only requests with this method match (upper-cased).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// HTTP status to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Extra response headers (override the defaults).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Raw response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Wait this long before answering (any kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Body size for `huge`; bytes sent before the break for `resetMidBody` and `stall`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// How long a `stall` holds the rest of the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stall_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

const MAX_DELAY_MS: u64 = 600_000;
const MAX_HUGE_BYTES: u64 = 1 << 30;
const DEFAULT_HUGE_BYTES: u64 = 5_000_000;
const DEFAULT_STALL_MS: u64 = 60_000;
/// How long the first part of a broken body is given to reach the client before the break.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);

/// Set by a fault to make the server reset its connection (SO_LINGER 0, then close: a TCP
/// RST instead of a FIN) when it drops it. The socket layer puts one in every request on
/// a plain-TCP connection; without one (in-process calls, TLS) a reset is a plain close.
#[derive(Clone, Debug, Default)]
pub struct ResetSwitch(Arc<AtomicBool>);

impl ResetSwitch {
    /// Asks for a reset when the connection is dropped.
    pub fn trip(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a reset was asked for.
    pub fn tripped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl Fault {
    fn validate(&mut self) -> Result<(), String> {
        if self.count == 0 {
            return Err("count must be at least 1".into());
        }
        if let Some(m) = &self.method {
            let upper = m.to_ascii_uppercase();
            Method::from_bytes(upper.as_bytes())
                .map_err(|_| format!("method {m:?} is not an HTTP method"))?;
            self.method = Some(upper);
        }
        if let Some(s) = self.status {
            if !(200..=599).contains(&s) {
                return Err(format!("status {s} is outside 200..=599"));
            }
        }
        for (name, value) in &self.headers {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("invalid header name {name:?}"))?;
            HeaderValue::from_str(value)
                .map_err(|_| format!("invalid value for header {name:?}"))?;
        }
        if self.delay_ms.is_some_and(|d| d > MAX_DELAY_MS) {
            return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
        }
        if self.stall_ms.is_some_and(|d| d > MAX_DELAY_MS) {
            return Err(format!("stallMs must be at most {MAX_DELAY_MS}"));
        }
        if self.stall_ms.is_some() && self.kind != FaultKind::Stall {
            return Err("\"stallMs\" is for a fault of kind \"stall\"".into());
        }
        if self.bytes.is_some_and(|b| b > MAX_HUGE_BYTES) {
            return Err(format!("bytes must be at most {MAX_HUGE_BYTES}"));
        }
        match self.kind {
            FaultKind::Status if self.status.is_none() => {
                Err("a fault of kind \"status\" needs \"status\"".into())
            }
            FaultKind::Delay if self.delay_ms.is_none() => {
                Err("a fault of kind \"delay\" needs \"delayMs\"".into())
            }
            _ => Ok(()),
        }
    }

    fn matches(&self, method: &Method) -> bool {
        self.method.as_deref().is_none_or(|m| m == method.as_str())
    }

    /// The wait before the fault acts.
    pub fn delay(&self) -> Option<Duration> {
        self.delay_ms.map(Duration::from_millis)
    }

    /// Overrides response headers with the fault's own.
    pub fn apply_headers(&self, res: &mut Response<Body>) {
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                res.headers_mut().insert(n, v);
            }
        }
    }
}

/// Parses one fault, `{"faults": [...]}` or a bare array.
pub fn parse_faults(value: serde_json::Value) -> Result<Vec<Fault>, String> {
    let list = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut map) if map.contains_key("faults") => {
            if map.len() != 1 {
                return Err("with \"faults\", no other keys are allowed".into());
            }
            match map.remove("faults") {
                Some(serde_json::Value::Array(items)) => items,
                _ => return Err("\"faults\" must be an array".into()),
            }
        }
        other @ serde_json::Value::Object(_) => vec![other],
        _ => return Err("expected a fault object, {\"faults\": [...]} or an array".into()),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut f: Fault = serde_json::from_value(v).map_err(|e| format!("fault {i}: {e}"))?;
            f.validate().map_err(|e| format!("fault {i}: {e}"))?;
            Ok(f)
        })
        .collect()
}

/// Faults waiting for requests, oldest first.
#[derive(Clone, Debug, Default)]
pub struct FaultQueue(VecDeque<Fault>);

impl FaultQueue {
    /// Appends faults.
    pub fn extend(&mut self, faults: Vec<Fault>) {
        self.0.extend(faults);
    }

    /// Drops every fault.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The remaining faults.
    pub fn list(&self) -> Vec<Fault> {
        self.0.iter().cloned().collect()
    }

    /// Consumes one use of the first fault that matches `method`.
    pub fn take(&mut self, method: &Method) -> Option<Fault> {
        let index = self.0.iter().position(|f| f.matches(method))?;
        let fault = self.0.get_mut(index)?;
        fault.count -= 1;
        let taken = Fault {
            count: 1,
            ..fault.clone()
        };
        if fault.count == 0 {
            self.0.remove(index);
        }
        Some(taken)
    }
}

/// What the server does for a fault once any delay has passed.
pub enum FaultAction {
    /// Handle the request normally.
    Proceed,
    /// Drop the connection without answering.
    Close,
    /// Drop the connection with a TCP RST, without answering.
    Reset,
    /// Send this response (headers are finished by the caller).
    Respond(Response<Body>),
}

fn status_or(fault: &Fault, default: StatusCode) -> StatusCode {
    fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(default)
}

fn bodyless(status: StatusCode) -> bool {
    status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED
}

fn graph_error(fault: &Fault, ctx: &GraphCtx, status: StatusCode) -> Response<Body> {
    if bodyless(status) {
        let mut res = Response::new(crate::http::empty());
        *res.status_mut() = status;
        return res;
    }
    match &fault.body {
        Some(raw) => response(status, "application/json", full(raw.clone())),
        None => ctx.error(
            status,
            code_for_status(status),
            &format!("Simulated fault: HTTP {}.", status.as_u16()),
        ),
    }
}

static FILL: [u8; 65_536] = [b'x'; 65_536];

fn huge_body(status: StatusCode, size: u64) -> Response<Body> {
    let prefix = format!(
        "{{\"error\":{{\"code\":\"{}\",\"message\":\"",
        code_for_status(status)
    );
    let suffix = "\"}}";
    let overhead = (prefix.len() + suffix.len()) as u64;
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut fill = size;
    if size >= overhead {
        chunks.push(Bytes::from(prefix));
        fill = size - overhead;
    }
    while fill > 0 {
        let n = fill.min(FILL.len() as u64) as usize;
        chunks.push(Bytes::from_static(&FILL[..n]));
        fill -= n as u64;
    }
    if size >= overhead {
        chunks.push(Bytes::from_static(suffix.as_bytes()));
    }
    let stream = futures_util::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<_, BoxError>(Frame::data(c))),
    );
    let mut res = response(
        status,
        "application/json",
        StreamBody::new(stream).boxed_unsync(),
    );
    res.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(size));
    res
}

#[derive(Debug)]
struct Truncated;

impl std::fmt::Display for Truncated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("simulated truncation")
    }
}

impl std::error::Error for Truncated {}

/// How a body that starts normally goes wrong after its first part.
enum Break {
    /// Fail short of the declared length (the connection is closed).
    Truncate,
    /// Reset the connection.
    Reset(Option<ResetSwitch>),
    /// Hold the rest for this long.
    Stall(Duration),
}

fn broken_body(status: StatusCode, ctx: &GraphCtx, fault: &Fault, how: Break) -> Response<Body> {
    let what = match how {
        Break::Truncate => "Simulated truncated response.",
        Break::Reset(_) => "Simulated connection reset.",
        Break::Stall(_) => "Simulated stalled response.",
    };
    let text = Bytes::from(
        fault
            .body
            .clone()
            .unwrap_or_else(|| ctx.error_text(code_for_status(status), what)),
    );
    let (first, rest, declared) = match how {
        Break::Truncate => (text.clone(), Bytes::new(), text.len() as u64 + 1024),
        _ => {
            let cut = fault
                .bytes
                .map_or(text.len() / 2, |b| (b as usize).min(text.len()));
            (text.slice(..cut), text.slice(cut..), text.len() as u64)
        }
    };
    // Step 0 sends the first part (or nothing), step 1 pauses so hyper flushes it and then
    // breaks the body (an error makes hyper drop the connection short of the declared
    // length) or, for a stall, sends the rest after the wait.
    let how = Arc::new(how);
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let (first, rest, how) = (first.clone(), rest.clone(), how.clone());
        async move {
            match step {
                0 => Some((Ok::<_, BoxError>(Frame::data(first)), 1)),
                1 => {
                    tokio::time::sleep(FLUSH_PAUSE).await;
                    match &*how {
                        Break::Stall(d) => {
                            tokio::time::sleep(d.saturating_sub(FLUSH_PAUSE)).await;
                            Some((Ok(Frame::data(rest)), 2))
                        }
                        Break::Reset(switch) => {
                            if let Some(s) = switch {
                                s.trip();
                            }
                            Some((Err(Box::new(Truncated) as BoxError), 2))
                        }
                        Break::Truncate => Some((Err(Box::new(Truncated) as BoxError), 2)),
                    }
                }
                _ => None,
            }
        }
    });
    let mut res = response(
        status,
        "application/json",
        StreamBody::new(stream).boxed_unsync(),
    );
    res.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(declared));
    res
}

/// Decides what a fault does (after its delay). `reset` is the connection's switch, when
/// it has one.
pub fn action(fault: &Fault, ctx: &GraphCtx, reset: Option<&ResetSwitch>) -> FaultAction {
    match fault.kind {
        FaultKind::Delay => match fault.status {
            Some(_) => FaultAction::Respond(graph_error(
                fault,
                ctx,
                status_or(fault, StatusCode::INTERNAL_SERVER_ERROR),
            )),
            None => FaultAction::Proceed,
        },
        FaultKind::Status => FaultAction::Respond(graph_error(
            fault,
            ctx,
            status_or(fault, StatusCode::INTERNAL_SERVER_ERROR),
        )),
        FaultKind::Storm => FaultAction::Respond(graph_error(
            fault,
            ctx,
            status_or(fault, StatusCode::SERVICE_UNAVAILABLE),
        )),
        FaultKind::Close => FaultAction::Close,
        FaultKind::Reset => {
            if let Some(s) = reset {
                s.trip();
            }
            FaultAction::Reset
        }
        FaultKind::ResetMidBody => {
            let status = status_or(fault, StatusCode::INTERNAL_SERVER_ERROR);
            FaultAction::Respond(broken_body(
                status,
                ctx,
                fault,
                Break::Reset(reset.cloned()),
            ))
        }
        FaultKind::Stall => {
            let status = status_or(fault, StatusCode::OK);
            let wait = Duration::from_millis(fault.stall_ms.unwrap_or(DEFAULT_STALL_MS));
            FaultAction::Respond(broken_body(status, ctx, fault, Break::Stall(wait)))
        }
        FaultKind::Html => {
            let status = status_or(fault, StatusCode::BAD_GATEWAY);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let body = fault.body.clone().unwrap_or_else(|| {
                format!(
                    "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\
                     <body><h1>{title}</h1><p>The gateway could not complete the request.</p>\
                     </body></html>\n"
                )
            });
            FaultAction::Respond(response(status, "text/html; charset=utf-8", full(body)))
        }
        FaultKind::Truncate => {
            let status = status_or(fault, StatusCode::INTERNAL_SERVER_ERROR);
            FaultAction::Respond(broken_body(status, ctx, fault, Break::Truncate))
        }
        FaultKind::Huge => {
            let status = status_or(fault, StatusCode::INTERNAL_SERVER_ERROR);
            FaultAction::Respond(huge_body(status, fault.bytes.unwrap_or(DEFAULT_HUGE_BYTES)))
        }
        FaultKind::NonUtf8 => {
            let status = status_or(fault, StatusCode::INTERNAL_SERVER_ERROR);
            let mut body = b"{\"error\":{\"code\":\"".to_vec();
            body.extend_from_slice(code_for_status(status).as_bytes());
            body.extend_from_slice(b"\",\"message\":\"bad bytes: \xff\xfe\xc3\x28\x80\"}}");
            FaultAction::Respond(response(status, "application/json", full(body)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let one = parse_faults(serde_json::json!({"kind": "status", "status": 503})).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].count, 1);
        let many = parse_faults(serde_json::json!({"faults": [
            {"kind": "close", "method": "post", "count": 2},
            {"kind": "nonUtf8"}
        ]}))
        .unwrap();
        assert_eq!(many[0].method.as_deref(), Some("POST"));
        assert_eq!(many[1].kind, FaultKind::NonUtf8);
        let kinds = parse_faults(serde_json::json!([
            {"kind": "reset"}, {"kind": "resetMidBody", "bytes": 3},
            {"kind": "stall", "stallMs": 100}, {"kind": "storm", "count": 4}
        ]))
        .unwrap();
        let want = [
            FaultKind::Reset,
            FaultKind::ResetMidBody,
            FaultKind::Stall,
            FaultKind::Storm,
        ];
        assert_eq!(kinds.iter().map(|f| f.kind).collect::<Vec<_>>(), want);
        assert_eq!(kinds[3].count, 4);
        for bad in [
            serde_json::json!({"kind": "status"}),
            serde_json::json!({"kind": "status", "status": 99}),
            serde_json::json!({"kind": "delay"}),
            serde_json::json!({"kind": "close", "count": 0}),
            serde_json::json!({"kind": "close", "colour": 1}),
            serde_json::json!({"kind": "boom"}),
            serde_json::json!({"kind": "close", "headers": {"bad name": "x"}}),
            serde_json::json!({"kind": "stall", "stallMs": 600_001}),
            serde_json::json!({"kind": "reset", "stallMs": 10}),
            serde_json::json!(3),
        ] {
            assert!(parse_faults(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn queue_counts_and_filters() {
        let mut q = FaultQueue::default();
        q.extend(
            parse_faults(serde_json::json!([
                {"kind": "close", "method": "GET", "count": 2},
                {"kind": "html"}
            ]))
            .unwrap(),
        );
        assert_eq!(q.take(&Method::POST).unwrap().kind, FaultKind::Html);
        assert!(q.take(&Method::POST).is_none());
        assert_eq!(q.take(&Method::GET).unwrap().kind, FaultKind::Close);
        assert_eq!(q.list()[0].count, 1);
        assert_eq!(q.take(&Method::GET).unwrap().kind, FaultKind::Close);
        assert!(q.list().is_empty());
    }
}
