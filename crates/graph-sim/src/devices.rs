//! The device routes: `windowsAutopilotDeviceIdentities` and
//! `importedWindowsAutopilotDeviceIdentities` (list and by id) over the inventory in
//! `inventory.rs`, and the control routes `/_sim/devices`.
//!
//! As Intune: `$filter=contains(serialNumber,'…')` works (case-insensitive here, which is
//! undocumented for Intune), any `eq` is 400 with Intune's "An error has occurred"
//! message, pages carry an absolute `@odata.nextLink` with a serial-based `$skiptoken`.

use std::sync::Arc;

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{READ_SCOPE, WRITE_SCOPE};
use crate::graph::{authorize, ctx, forbidden, unlicensed};
use crate::http::{json as json_res, no_content, GraphCtx, GraphError};
use crate::inventory::{parse_filter, Filter, NewDevice};
use crate::router::{PathParams, Req, Res};
use crate::state::AppState;

/// The Autopilot device collection.
pub const IDENTITIES: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";
/// One Autopilot device.
pub const IDENTITY: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}";
/// The import records.
pub const IMPORTED: &str = "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";
/// One import record.
pub const IMPORTED_ONE: &str =
    "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}";

/// Query options of a list call.
struct ListQuery {
    filter: Option<String>,
    top: Option<usize>,
    skiptoken: Option<String>,
}

fn list_query(req: &Req) -> ListQuery {
    let mut q = ListQuery {
        filter: None,
        top: None,
        skiptoken: None,
    };
    if let Some(query) = req.uri().query() {
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "$filter" => q.filter = Some(v.into_owned()),
                "$top" => q.top = v.parse().ok(),
                "$skiptoken" => q.skiptoken = Some(v.into_owned()),
                _ => {}
            }
        }
    }
    q
}

fn bad_filter(ctx: &GraphCtx, path: &str) -> GraphError {
    let url = format!("https://fef.msua06.manage.microsoft.com/DeviceEnrollmentFE_2204/StatelessDeviceEnrollmentFEService{path}");
    GraphError::new(
        ctx,
        StatusCode::BAD_REQUEST,
        "BadRequest",
        ctx.intune_message(
            &url,
            "Only contains(serialNumber,'…') is supported in $filter; eq is not.",
        ),
    )
}

fn read_access(state: &AppState, ctx: &GraphCtx, req: &Req) -> Result<(), GraphError> {
    if !authorize(state, ctx, req)?.can_read() {
        return Err(forbidden(ctx, &format!("{READ_SCOPE}, {WRITE_SCOPE}")));
    }
    if !state.lock().sim.config().intune_licence {
        return Err(unlicensed(ctx));
    }
    Ok(())
}

/// Lists one collection: filter, serial order, `$skiptoken=LastSerialNumber='…'` paging.
async fn list(state: Arc<AppState>, req: Req, imported: bool) -> Result<Res, GraphError> {
    let ctx = ctx(&state, &req);
    read_access(&state, &ctx, &req)?;
    let q = list_query(&req);
    let path = if imported { IMPORTED } else { IDENTITIES };
    let filter = parse_filter(q.filter.as_deref()).ok_or_else(|| bad_filter(&ctx, path))?;
    let after = q
        .skiptoken
        .as_deref()
        .and_then(|t| t.strip_prefix("LastSerialNumber="))
        .map(|t| t.trim_matches('\'').to_lowercase());
    let (rows, page_size) = {
        let mut s = state.lock();
        let now = s.sim.now_ms();
        let s = &mut *s;
        s.devices.observe(&s.sim, now);
        let rows: Vec<(String, Value)> = s
            .devices
            .sorted()
            .into_iter()
            .filter(|d| match &filter {
                Filter::All => true,
                Filter::Contains(t) => d.serial.to_lowercase().contains(t.as_str()),
            })
            .filter(|d| after.as_ref().is_none_or(|a| d.serial.to_lowercase() > *a))
            .filter_map(|d| {
                let v = if imported {
                    Some(d.imported_json(now))
                } else {
                    d.identity_json(now)
                };
                v.map(|v| (d.serial.clone(), v))
            })
            .collect();
        (rows, s.sim.config().device_page_size)
    };
    let size = q
        .top
        .filter(|t| *t > 0)
        .unwrap_or(page_size)
        .min(page_size)
        .max(1);
    let more = rows.len() > size;
    let page: Vec<&(String, Value)> = rows.iter().take(size).collect();
    let host = req
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let mut doc = json!({
        "@odata.context": format!("https://graph.microsoft.com/beta/$metadata#deviceManagement/{}", path.rsplit('/').next().unwrap_or("")),
        "value": page.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
    });
    if more {
        let last = page.last().map(|(s, _)| s.as_str()).unwrap_or("");
        let mut link = format!("http://{host}{path}?");
        let mut ser = form_urlencoded::Serializer::new(String::new());
        if let Some(f) = &q.filter {
            ser.append_pair("$filter", f);
        }
        ser.append_pair("$top", &size.to_string());
        ser.append_pair("$skiptoken", &format!("LastSerialNumber='{last}'"));
        link.push_str(&ser.finish());
        doc["@odata.nextLink"] = Value::String(link);
    }
    Ok(json_res(StatusCode::OK, &doc))
}

/// `GET .../windowsAutopilotDeviceIdentities`.
pub async fn identities(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    list(state, req, false).await
}

/// `GET .../importedWindowsAutopilotDeviceIdentities`.
pub async fn imported(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    list(state, req, true).await
}

async fn one(state: Arc<AppState>, req: Req, imported: bool) -> Result<Res, GraphError> {
    let ctx = ctx(&state, &req);
    read_access(&state, &ctx, &req)?;
    let id = req
        .extensions()
        .get::<PathParams>()
        .and_then(|p| p.get("id"))
        .unwrap_or("")
        .to_string();
    let found = {
        let mut s = state.lock();
        let now = s.sim.now_ms();
        let s = &mut *s;
        s.devices.observe(&s.sim, now);
        s.devices.devices.iter().find_map(|d| {
            if imported {
                d.import_id
                    .eq_ignore_ascii_case(&id)
                    .then(|| d.imported_json(now))
            } else if d.id.eq_ignore_ascii_case(&id) {
                d.identity_json(now)
            } else {
                None
            }
        })
    };
    match found {
        Some(mut v) => {
            v["@odata.context"] = Value::String(format!(
                "https://graph.microsoft.com/beta/$metadata#deviceManagement/{}/$entity",
                if imported { "importedWindowsAutopilotDeviceIdentities" } else { "windowsAutopilotDeviceIdentities" }
            ));
            Ok(json_res(StatusCode::OK, &v))
        }
        None => Err(GraphError::new(
            &ctx,
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            ctx.intune_message(
                "https://fef.msua06.manage.microsoft.com/DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement",
                "The requested device was not found.",
            ),
        )),
    }
}

/// `GET .../windowsAutopilotDeviceIdentities/{id}`.
pub async fn identity(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    one(state, req, false).await
}

/// `GET .../importedWindowsAutopilotDeviceIdentities/{id}`.
pub async fn imported_one(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    one(state, req, true).await
}

/// `POST /_sim/devices` body: one device, an array, or `{"devices": [...]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum AddBody {
    Many(Vec<NewDevice>),
    Wrapped { devices: Vec<NewDevice> },
    One(NewDevice),
}

/// `POST /_sim/devices`: adds imported devices; answers their ids.
pub async fn add(state: Arc<AppState>, req: Req) -> Res {
    use crate::control::ControlError;
    use crate::http::IntoResponse;
    let body: AddBody = match serde_json::from_slice(req.body()) {
        Ok(b) => b,
        Err(e) => {
            return ControlError(StatusCode::BAD_REQUEST, format!("invalid device list: {e}"))
                .into_response()
        }
    };
    let list = match body {
        AddBody::Many(v) | AddBody::Wrapped { devices: v } => v,
        AddBody::One(d) => vec![d],
    };
    let mut s = state.lock();
    let now = s.sim.now_ms();
    match s.devices.add(list, now) {
        Ok(ids) => json_res(StatusCode::CREATED, &json!({ "ids": ids })),
        Err(e) => ControlError(StatusCode::CONFLICT, e).into_response(),
    }
}

/// `GET /_sim/devices`: every device with its import status, visibility and profile now.
pub async fn view(state: Arc<AppState>, _req: Req) -> Res {
    let mut s = state.lock();
    let now = s.sim.now_ms();
    let s = &mut *s;
    s.devices.observe(&s.sim, now);
    json_res(
        StatusCode::OK,
        &json!({ "devices": s.devices.view(now), "pageSize": s.sim.config().device_page_size }),
    )
}

/// `DELETE /_sim/devices`: empties the inventory.
pub async fn clear(state: Arc<AppState>, _req: Req) -> Res {
    state.lock().devices.clear();
    no_content()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_as_intune() {
        assert_eq!(parse_filter(None), Some(Filter::All));
        assert_eq!(
            parse_filter(Some("contains(serialNumber,'AB''c')")),
            Some(Filter::Contains("ab'c".into()))
        );
        assert_eq!(
            parse_filter(Some(" contains( serialNumber , 'x y' ) ")),
            Some(Filter::Contains("x y".into()))
        );
        for bad in [
            "serialNumber eq 'X'",
            "id eq 'X'",
            "contains(serialNumber,'X') or serialNumber eq 'Y'",
            "contains(groupTag,'X')",
            "contains(serialNumber,'X'",
            "startswith(serialNumber,'X')",
        ] {
            assert_eq!(parse_filter(Some(bad)), None, "{bad}");
        }
    }
}
