//! Injected failures for the next Graph requests (`POST /_sim/faults`).

use std::collections::{BTreeMap, VecDeque};
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
    /// Body size for `huge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

fn one() -> u32 {
    1
}

const MAX_DELAY_MS: u64 = 600_000;
const MAX_HUGE_BYTES: u64 = 1 << 30;
const DEFAULT_HUGE_BYTES: u64 = 5_000_000;

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

fn truncated_body(status: StatusCode, ctx: &GraphCtx, fault: &Fault) -> Response<Body> {
    let sent = Bytes::from(fault.body.clone().unwrap_or_else(|| {
        ctx.error_text(code_for_status(status), "Simulated truncated response.")
    }));
    let declared = sent.len() as u64 + 1024;
    // Step 0 sends the partial body, step 1 pauses so hyper flushes it, step 2 fails the body,
    // which makes hyper drop the connection short of the declared length.
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let sent = sent.clone();
        async move {
            match step {
                0 => Some((Ok::<_, BoxError>(Frame::data(sent)), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Err(Box::new(Truncated) as BoxError), 2))
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

/// Decides what a fault does (after its delay).
pub fn action(fault: &Fault, ctx: &GraphCtx) -> FaultAction {
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
        FaultKind::Close => FaultAction::Close,
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
            FaultAction::Respond(truncated_body(status, ctx, fault))
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
        for bad in [
            serde_json::json!({"kind": "status"}),
            serde_json::json!({"kind": "status", "status": 99}),
            serde_json::json!({"kind": "delay"}),
            serde_json::json!({"kind": "close", "count": 0}),
            serde_json::json!({"kind": "close", "colour": 1}),
            serde_json::json!({"kind": "boom"}),
            serde_json::json!({"kind": "close", "headers": {"bad name": "x"}}),
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
