//! The control API under `/_sim/` (tests and demos drive the simulator through it).

use std::sync::Arc;

use http::{Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::devices::profile_status;
use crate::faults::parse_faults;
use crate::http::{json, no_content, Body, IntoResponse};
use crate::inventory::{DeviceSpec, Inventory};
use crate::oidc::config::OidcPatch;
use crate::oidc::session;
use crate::router::{Req, Res};
use crate::sim::{ConfigPatch, RuntimeConfig, SyncStatus};
use crate::state::AppState;
use crate::timefmt;

/// A refused control request: `{"error": "..."}` with its status.
#[derive(Debug)]
pub struct ControlError(pub StatusCode, pub String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response<Body> {
        json(self.0, &serde_json::json!({ "error": self.1 }))
    }
}

type Result<T = Res> = std::result::Result<T, ControlError>;

fn bad(message: impl Into<String>) -> ControlError {
    ControlError(StatusCode::BAD_REQUEST, message.into())
}

fn parse_value(body: &[u8]) -> Result<serde_json::Value> {
    if body.is_empty() {
        return Err(bad("a JSON body is required"));
    }
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON body: {e}")))
}

/// Parses a JSON object into `T` (serde alone would also take an array).
fn parse_object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    match parse_value(body)? {
        v @ serde_json::Value::Object(_) => {
            serde_json::from_value(v).map_err(|e| bad(format!("invalid JSON body: {e}")))
        }
        _ => Err(bad("the body must be a JSON object")),
    }
}

/// `POST /_sim/reset`: sync state, clock, configuration, faults, log and authority back to
/// the flags' start-up values.
pub async fn reset(state: Arc<AppState>, _req: Req) -> Res {
    let mut s = state.lock();
    s.sim.reset();
    s.tenants.clear();
    s.faults.clear();
    s.devices.clear();
    s.log.clear();
    s.oidc.reset();
    no_content()
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
    /// Every tenant but the default one that has been called, by name or `tid`.
    tenants: std::collections::BTreeMap<String, TenantView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TenantView {
    sync_status: SyncStatus,
    last_sync_date_time: String,
    last_manual_sync_trigger_date_time: String,
}

/// `GET /_sim/state`: sync state, simulated clock and configuration.
pub async fn state(state: Arc<AppState>, _req: Req) -> Res {
    let mut s = state.lock();
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
            tenants: {
                let names: Vec<String> = s.tenants.keys().cloned().collect();
                names
                    .into_iter()
                    .map(|t| {
                        let view = s.in_tenant(Some(&t), |sim| TenantView {
                            sync_status: sim.status(now),
                            last_sync_date_time: fmt(sim.last_sync_ms(now)),
                            last_manual_sync_trigger_date_time: fmt(sim.last_trigger_ms()),
                        });
                        (t, view)
                    })
                    .collect()
            },
        },
    )
}

/// `POST /_sim/clock`: any of freeze, at, advanceMs (applied in that order).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockChange {
    freeze: Option<bool>,
    at: Option<String>,
    advance_ms: Option<u64>,
}

/// `POST /_sim/clock`: `{"freeze": bool}`, `{"at": "RFC 3339"}`, `{"advanceMs": n}`.
pub async fn clock(state: Arc<AppState>, req: Req) -> Result {
    let change: ClockChange = parse_object(req.body())?;
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
    let mut s = state.lock();
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

/// `GET /_sim/requests`: the request log (secrets redacted).
pub async fn requests(state: Arc<AppState>, _req: Req) -> Res {
    json(StatusCode::OK, &state.lock().log.list())
}

/// `DELETE /_sim/requests`.
pub async fn clear_requests(state: Arc<AppState>, _req: Req) -> Res {
    state.lock().log.clear();
    no_content()
}

/// `GET /_sim/faults`: the queued faults.
pub async fn faults(state: Arc<AppState>, _req: Req) -> Res {
    json(StatusCode::OK, &state.lock().faults.list())
}

/// `POST /_sim/faults`: queues one fault, `{"faults": [...]}` or an array.
pub async fn add_faults(state: Arc<AppState>, req: Req) -> Result {
    let faults = parse_faults(parse_value(req.body())?).map_err(bad)?;
    let mut s = state.lock();
    s.faults.extend(faults);
    Ok(json(StatusCode::OK, &s.faults.list()))
}

/// `DELETE /_sim/faults`.
pub async fn clear_faults(state: Arc<AppState>, _req: Req) -> Res {
    state.lock().faults.clear();
    no_content()
}

/// `GET /_sim/config`: the runtime configuration.
pub async fn config(state: Arc<AppState>, _req: Req) -> Res {
    json(StatusCode::OK, state.lock().sim.config())
}

/// `PATCH /_sim/config`: changes some keys; unknown keys are refused.
pub async fn patch_config(state: Arc<AppState>, req: Req) -> Result {
    let patch: ConfigPatch = parse_object(req.body())?;
    patch.validate().map_err(bad)?;
    let mut s = state.lock();
    let now = s.sim.now_ms();
    s.sim.apply(&patch, now);
    Ok(json(StatusCode::OK, s.sim.config()))
}

fn authority_off() -> ControlError {
    ControlError(
        StatusCode::NOT_FOUND,
        "the OIDC authority is off; start graph-sim with --oidc-port".into(),
    )
}

/// `GET /_sim/oidc`: the authority's configuration, users and counters.
pub async fn oidc(state: Arc<AppState>, _req: Req) -> Result {
    let auth = state.authority().ok_or_else(authority_off)?;
    Ok(json(
        StatusCode::OK,
        &session::view(auth, &state.lock().oidc),
    ))
}

/// `PATCH /_sim/oidc`: `defaultUser`, `consent`, `tokenLifetimeSeconds`.
pub async fn patch_oidc(state: Arc<AppState>, req: Req) -> Result {
    let auth = state.authority().ok_or_else(authority_off)?;
    let patch: OidcPatch = parse_object(req.body())?;
    let mut s = state.lock();
    s.oidc.apply(&patch).map_err(bad)?;
    Ok(json(StatusCode::OK, &session::view(auth, &s.oidc)))
}

/// Parses one device, an array, or `{"devices": [...]}`.
fn parse_devices(value: serde_json::Value) -> Result<Vec<DeviceSpec>> {
    let list = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut map) if map.contains_key("devices") && map.len() == 1 => {
            match map.remove("devices") {
                Some(serde_json::Value::Array(items)) => items,
                _ => return Err(bad("\"devices\" must be an array")),
            }
        }
        other @ serde_json::Value::Object(_) => vec![other],
        _ => {
            return Err(bad(
                "expected a device object, {\"devices\": [...]} or an array",
            ))
        }
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut d: DeviceSpec =
                serde_json::from_value(v).map_err(|e| bad(format!("device {i}: {e}")))?;
            d.serial_number = d.serial_number.trim().to_string();
            if d.serial_number.is_empty() {
                return Err(bad(format!("device {i}: serialNumber is empty")));
            }
            Ok(d)
        })
        .collect()
}

fn devices_view(inv: &Inventory, now: i64) -> serde_json::Value {
    let at = |t: Option<i64>| t.map(timefmt::iso_millis);
    serde_json::Value::Array(
        inv.all()
            .iter()
            .map(|d| {
                let mut v = serde_json::to_value(&d.spec).unwrap_or_default();
                let (profile, assigned) = profile_status(d, now);
                let extra = serde_json::json!({
                    "id": d.id,
                    "importId": d.import_id,
                    "addedAt": timefmt::iso_millis(d.added_ms),
                    "importStatus": d.import_status(now),
                    "listed": d.listed(now),
                    "listedAt": at(d.visible_ms.filter(|_| d.spec.import_error.is_none())),
                    "profileStatus": profile,
                    "profileAssignedAt": at(assigned),
                });
                if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
                    obj.extend(more);
                }
                v
            })
            .collect(),
    )
}

/// `GET /_sim/devices`: the inventory and each device's state now.
pub async fn devices(state: Arc<AppState>, _req: Req) -> Res {
    let s = state.lock();
    json(StatusCode::OK, &devices_view(&s.devices, s.sim.now_ms()))
}

/// `POST /_sim/devices`: imports devices (one, an array or `{"devices": [...]}`); a serial
/// already there is replaced.
pub async fn add_devices(state: Arc<AppState>, req: Req) -> Result {
    let specs = parse_devices(parse_value(req.body())?)?;
    let mut s = state.lock();
    let now = s.sim.now_ms();
    s.devices.add(specs, now);
    Ok(json(StatusCode::OK, &devices_view(&s.devices, now)))
}

/// `DELETE /_sim/devices`.
pub async fn clear_devices(state: Arc<AppState>, _req: Req) -> Res {
    state.lock().devices.clear();
    no_content()
}
