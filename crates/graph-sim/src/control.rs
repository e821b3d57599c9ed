//! The control API under `/_sim/` (tests drive the simulator through it).

use http::{Method, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::app::{control_error, App};
use crate::faults::parse_faults;
use crate::http::{json, no_content, Body};
use crate::oidc::{self, OidcPatch};
use crate::sim::{ConfigPatch, RuntimeConfig, SyncStatus};
use crate::timefmt;

/// `POST /_sim/clock`: any of freeze, at, advanceMs (applied in that order).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockChange {
    freeze: Option<bool>,
    at: Option<String>,
    advance_ms: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StateView {
    sync_status: SyncStatus,
    last_sync_date_time: String,
    last_manual_sync_trigger_date_time: String,
    now: String,
    clock_offset_ms: i64,
    clock_frozen: bool,
    config: RuntimeConfig,
}

/// A refused control request: status and message.
type Refusal = (StatusCode, String);

fn bad(message: impl Into<String>) -> Refusal {
    (StatusCode::BAD_REQUEST, message.into())
}

fn parse_value(body: &[u8]) -> Result<serde_json::Value, Refusal> {
    if body.is_empty() {
        return Err(bad("a JSON body is required"));
    }
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON body: {e}")))
}

/// Parses a JSON object into `T` (serde alone would also take an array).
fn parse_object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    match parse_value(body)? {
        v @ serde_json::Value::Object(_) => {
            serde_json::from_value(v).map_err(|e| bad(format!("invalid JSON body: {e}")))
        }
        _ => Err(bad("the body must be a JSON object")),
    }
}

fn method_not_allowed(allow: &str) -> Refusal {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed; use {allow}"),
    )
}

/// Answers a control request.
pub fn handle(app: &App, method: &Method, path: &str, body: &[u8]) -> Response<Body> {
    route(app, method, path, body)
        .unwrap_or_else(|(status, message)| control_error(status, &message))
}

fn route(app: &App, method: &Method, path: &str, body: &[u8]) -> Result<Response<Body>, Refusal> {
    match (path.trim_end_matches('/'), method.clone()) {
        ("/_sim/reset", Method::POST) => {
            let mut s = app.lock();
            s.sim.reset();
            s.faults.clear();
            s.log.clear();
            s.oidc.reset();
            Ok(no_content())
        }
        ("/_sim/reset", _) => Err(method_not_allowed("POST")),
        ("/_sim/state", Method::GET) => Ok(state(app)),
        ("/_sim/state", _) => Err(method_not_allowed("GET")),
        ("/_sim/clock", Method::POST) => {
            let change: ClockChange = parse_object(body)?;
            if change.freeze.is_none() && change.at.is_none() && change.advance_ms.is_none() {
                return Err(bad("expected \"freeze\", \"at\" or \"advanceMs\""));
            }
            let at = match &change.at {
                Some(text) => Some(timefmt::parse_rfc3339(text).ok_or_else(|| {
                    bad(format!(
                        "\"at\" must be an RFC 3339 date-time such as 2026-01-01T00:00:00Z, not {text:?}"
                    ))
                })?),
                None => None,
            };
            let mut s = app.lock();
            let clock = s.sim.clock_mut();
            if let Some(f) = change.freeze {
                clock.set_frozen(f);
            }
            if let Some(at) = at {
                clock.set(at);
            }
            if let Some(ms) = change.advance_ms {
                clock.advance(ms);
            }
            Ok(json(
                StatusCode::OK,
                &serde_json::json!({
                    "now": timefmt::iso_millis(clock.now_ms()),
                    "clockOffsetMs": clock.offset_ms(),
                    "clockFrozen": clock.frozen(),
                }),
            ))
        }
        ("/_sim/clock", _) => Err(method_not_allowed("POST")),
        ("/_sim/requests", Method::GET) => Ok(json(StatusCode::OK, &app.lock().log.list())),
        ("/_sim/requests", Method::DELETE) => {
            app.lock().log.clear();
            Ok(no_content())
        }
        ("/_sim/requests", _) => Err(method_not_allowed("GET or DELETE")),
        ("/_sim/faults", Method::GET) => Ok(json(StatusCode::OK, &app.lock().faults.list())),
        ("/_sim/faults", Method::POST) => {
            let faults = parse_faults(parse_value(body)?).map_err(bad)?;
            let mut s = app.lock();
            s.faults.extend(faults);
            Ok(json(StatusCode::OK, &s.faults.list()))
        }
        ("/_sim/faults", Method::DELETE) => {
            app.lock().faults.clear();
            Ok(no_content())
        }
        ("/_sim/faults", _) => Err(method_not_allowed("GET, POST or DELETE")),
        ("/_sim/config", Method::GET) => Ok(json(StatusCode::OK, app.lock().sim.config())),
        ("/_sim/config", Method::PATCH) => {
            let patch: ConfigPatch = parse_object(body)?;
            patch.validate().map_err(bad)?;
            let mut s = app.lock();
            let now = s.sim.now_ms();
            s.sim.apply(&patch, now);
            Ok(json(StatusCode::OK, s.sim.config()))
        }
        ("/_sim/config", _) => Err(method_not_allowed("GET or PATCH")),
        ("/_sim/oidc", m) if m == Method::GET || m == Method::PATCH => {
            let Some(auth) = app.authority() else {
                return Err((
                    StatusCode::NOT_FOUND,
                    "the OIDC authority is off; start graph-sim with --oidc-port".into(),
                ));
            };
            let patch: Option<OidcPatch> = if m == Method::PATCH {
                Some(parse_object(body)?)
            } else {
                None
            };
            let mut s = app.lock();
            if let Some(p) = patch {
                s.oidc.apply(&p).map_err(bad)?;
            }
            Ok(json(StatusCode::OK, &oidc::view(auth, &s.oidc)))
        }
        ("/_sim/oidc", _) => Err(method_not_allowed("GET or PATCH")),
        _ => Err((
            StatusCode::NOT_FOUND,
            format!("unknown control path {path}"),
        )),
    }
}

fn state(app: &App) -> Response<Body> {
    let s = app.lock();
    let now = s.sim.now_ms();
    let fmt = |t: Option<i64>| t.map_or_else(|| timefmt::NEVER.to_string(), timefmt::iso_millis);
    json(
        StatusCode::OK,
        &StateView {
            sync_status: s.sim.status(now),
            last_sync_date_time: fmt(s.sim.last_sync_ms(now)),
            last_manual_sync_trigger_date_time: fmt(s.sim.last_trigger_ms()),
            now: timefmt::iso_millis(now),
            clock_offset_ms: s.sim.clock().offset_ms(),
            clock_frozen: s.sim.clock().frozen(),
            config: s.sim.config().clone(),
        },
    )
}
