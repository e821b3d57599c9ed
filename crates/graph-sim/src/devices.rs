//! The simulated device resources: `windowsAutopilotDeviceIdentities` (list with Intune's
//! `contains(serialNumber,'…')` filter and paging, get by id) and
//! `importedWindowsAutopilotDeviceIdentities` (list, get by id) over the inventory that
//! `POST /_sim/devices` fills.

use std::collections::HashMap;
use std::sync::Arc;

use http::StatusCode;
use serde_json::{json, Value};

use crate::graph::{authorize, ctx, forbidden, unlicensed};
use crate::http::{json as json_response, GraphCtx, GraphError};
use crate::inventory::{parse_filter, Device, ProfileResult};
use crate::router::{Https, PathParams, Req, Res};
use crate::state::AppState;
use crate::timefmt;

/// The device identities.
pub const DEVICES: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";
/// One device identity.
pub const DEVICE: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}";
/// The imported device identities.
pub const IMPORTED: &str = "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";
/// One imported device identity.
pub const IMPORTED_ONE: &str =
    "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}";

const INTUNE_URL: &str = "https://fef.msua06.manage.microsoft.com/DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement/windowsAutopilotDeviceIdentities?api-version=2021-07-29";
const METADATA: &str = "https://graph.microsoft.com/beta/$metadata#deviceManagement";

fn date(ms: Option<i64>) -> String {
    ms.map_or_else(|| timefmt::NEVER.to_string(), timefmt::iso_millis)
}

/// `deploymentProfileAssignmentStatus` and when it was set.
pub fn profile_status(d: &Device, now: i64) -> (&'static str, Option<i64>) {
    match d.profile(now) {
        Some((at, ProfileResult::Assigned)) => ("assignedInSync", Some(at)),
        Some((at, ProfileResult::Failed)) => ("failed", Some(at)),
        None if d.spec.profile_after_ms.is_some() => ("pending", None),
        None => ("notAssigned", None),
    }
}

/// A `windowsAutopilotDeviceIdentity` as Graph returns it.
pub fn identity(d: &Device, now: i64) -> Value {
    let (status, assigned) = profile_status(d, now);
    json!({
        "@odata.type": "#microsoft.graph.windowsAutopilotDeviceIdentity",
        "id": d.id,
        "deploymentProfileAssignmentStatus": status,
        "deploymentProfileAssignmentDetailedStatus": if status == "failed" { "hardwareRequirementsNotMet" } else { "none" },
        "deploymentProfileAssignedDateTime": date(assigned),
        "groupTag": d.spec.group_tag,
        "purchaseOrderIdentifier": "",
        "serialNumber": d.spec.serial_number,
        "productKey": "",
        "manufacturer": d.spec.manufacturer,
        "model": d.spec.model,
        "enrollmentState": "notContacted",
        "lastContactedDateTime": timefmt::NEVER,
        "addressableUserName": "",
        "userPrincipalName": "",
        "resourceName": "",
        "skuNumber": "",
        "systemFamily": "",
        "azureActiveDirectoryDeviceId": d.id,
        "azureAdDeviceId": d.id,
        "managedDeviceId": "00000000-0000-0000-0000-000000000000",
        "displayName": "",
        "deviceAccountUpn": "",
        "deviceAccountPassword": "",
        "deviceFriendlyName": "",
        "remediationState": "noRemediationRequired",
        "remediationStateLastModifiedDateTime": timefmt::NEVER,
        "userlessEnrollmentStatus": "unknown",
    })
}

/// An `importedWindowsAutopilotDeviceIdentity` with its `state`.
pub fn imported_identity(d: &Device, now: i64) -> Value {
    let status = d.import_status(now);
    let (code, name) = match (&d.spec.import_error, status) {
        (Some(e), "error") => (e.code, e.name.as_str()),
        _ => (0, ""),
    };
    json!({
        "@odata.type": "#microsoft.graph.importedWindowsAutopilotDeviceIdentity",
        "id": d.import_id,
        "groupTag": d.spec.group_tag,
        "serialNumber": d.spec.serial_number,
        "productKey": "",
        "importId": d.import_id,
        "hardwareIdentifier": "",
        "assignedUserPrincipalName": "",
        "state": {
            "deviceImportStatus": status,
            "deviceRegistrationId": if status == "complete" { d.id.as_str() } else { "" },
            "deviceErrorCode": code,
            "deviceErrorName": name,
        },
    })
}

fn bad_request(ctx: &GraphCtx, text: &str) -> GraphError {
    GraphError::new(
        ctx,
        StatusCode::BAD_REQUEST,
        "BadRequest",
        ctx.intune_message(INTUNE_URL, text),
    )
}

fn not_found(ctx: &GraphCtx) -> GraphError {
    GraphError::new(
        ctx,
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        ctx.intune_message(INTUNE_URL, "The requested resource does not exist."),
    )
}

/// Reads need `Read.All` (or `ReadWrite.All`) and an Intune licence.
fn check_read(state: &AppState, ctx: &GraphCtx, req: &Req) -> Result<(), GraphError> {
    if !authorize(state, ctx, req)?.access.can_read() {
        return Err(forbidden(
            ctx,
            &format!("{}, {}", crate::auth::READ_SCOPE, crate::auth::WRITE_SCOPE),
        ));
    }
    if !state.lock().sim.config().intune_licence {
        return Err(unlicensed(ctx));
    }
    Ok(())
}

/// The origin the client called (for `@odata.nextLink`).
fn origin(req: &Req) -> String {
    let scheme = if req.extensions().get::<Https>().is_some() {
        "https"
    } else {
        "http"
    };
    let host = req
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// `GET .../windowsAutopilotDeviceIdentities`: `$filter=contains(serialNumber,'…')` (any
/// other filter, `eq` included, is 400), `$top`, and pages of at most `devicePageSize`
/// sorted by serial number, linked by `@odata.nextLink` with a serial-based `$skiptoken`.
pub async fn list(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    let ctx = ctx(&state, &req);
    check_read(&state, &ctx, &req)?;
    let query: HashMap<String, String> =
        form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let filter = parse_filter(query.get("$filter").map(String::as_str))
        .map_err(|e| bad_request(&ctx, &e))?;
    let top = match query.get("$top") {
        None => None,
        Some(t) => Some(t.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            bad_request(
                &ctx,
                &format!("Invalid value '{t}' for $top: a positive integer is required."),
            )
        })?),
    };
    let after = match query.get("$skiptoken") {
        None => None,
        Some(t) => Some(
            t.strip_prefix("LastSerialNumber='")
                .and_then(|s| s.strip_suffix('\''))
                .map(|s| s.replace("''", "'").to_ascii_lowercase())
                .ok_or_else(|| bad_request(&ctx, "Invalid $skiptoken."))?,
        ),
    };
    let (page, more, now) = {
        let s = state.lock();
        let now = s.sim.now_ms();
        let size = usize::try_from(s.sim.config().device_page_size).unwrap_or(usize::MAX);
        let size = top.map_or(size, |t| t.min(size));
        let needle = filter.as_ref().map(|f| f.to_ascii_lowercase());
        let mut listed: Vec<&Device> = s
            .devices
            .all()
            .iter()
            .filter(|d| d.listed(now))
            .filter(|d| {
                needle.as_ref().is_none_or(|n| {
                    d.spec
                        .serial_number
                        .to_ascii_lowercase()
                        .contains(n.as_str())
                })
            })
            .filter(|d| {
                after
                    .as_ref()
                    .is_none_or(|a| d.spec.serial_number.to_ascii_lowercase() > *a)
            })
            .collect();
        listed.sort_by_key(|d| d.spec.serial_number.to_ascii_lowercase());
        let more = listed.len() > size;
        let page: Vec<Device> = listed.into_iter().take(size).cloned().collect();
        (page, more, now)
    };
    let mut body = json!({
        "@odata.context": format!("{METADATA}/windowsAutopilotDeviceIdentities"),
        "value": page.iter().map(|d| identity(d, now)).collect::<Vec<_>>(),
    });
    if let (true, Some(last)) = (more, page.last()) {
        let mut next = form_urlencoded::Serializer::new(String::new());
        if let Some(f) = query.get("$filter") {
            next.append_pair("$filter", f);
        }
        if let Some(t) = query.get("$top") {
            next.append_pair("$top", t);
        }
        let token = format!(
            "LastSerialNumber='{}'",
            last.spec.serial_number.replace('\'', "''")
        );
        next.append_pair("$skiptoken", &token);
        body["@odata.nextLink"] = json!(format!(
            "{}{}?{}",
            origin(&req),
            req.uri().path(),
            next.finish()
        ));
    }
    Ok(json_response(StatusCode::OK, &body))
}

fn id_of(req: &Req) -> String {
    req.extensions()
        .get::<PathParams>()
        .and_then(|p| p.get("id"))
        .unwrap_or_default()
        .to_string()
}

/// One device by the `{id}` of the path: `found` picks it, `render` writes it.
fn one(
    state: &AppState,
    req: &Req,
    found: fn(&Device, &str, i64) -> bool,
    render: fn(&Device, i64) -> Value,
    set: &str,
) -> Result<Res, GraphError> {
    let ctx = ctx(state, req);
    check_read(state, &ctx, req)?;
    let id = id_of(req);
    let s = state.lock();
    let now = s.sim.now_ms();
    let d = s
        .devices
        .all()
        .iter()
        .find(|d| found(d, &id, now))
        .ok_or_else(|| not_found(&ctx))?;
    let mut body = render(d, now);
    body["@odata.context"] = json!(format!("{METADATA}/{set}/$entity"));
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET .../windowsAutopilotDeviceIdentities/{id}` (listed devices only).
pub async fn get_one(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    one(
        &state,
        &req,
        |d, id, now| d.id.eq_ignore_ascii_case(id) && d.listed(now),
        identity,
        "windowsAutopilotDeviceIdentities",
    )
}

/// `GET .../importedWindowsAutopilotDeviceIdentities`: every import with its state.
pub async fn imported(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    let ctx = ctx(&state, &req);
    check_read(&state, &ctx, &req)?;
    let s = state.lock();
    let now = s.sim.now_ms();
    let value: Vec<Value> = s
        .devices
        .all()
        .iter()
        .map(|d| imported_identity(d, now))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({"@odata.context": format!("{METADATA}/importedWindowsAutopilotDeviceIdentities"), "value": value}),
    ))
}

/// `GET .../importedWindowsAutopilotDeviceIdentities/{id}`.
pub async fn imported_one(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    one(
        &state,
        &req,
        |d, id, _| d.import_id.eq_ignore_ascii_case(id),
        imported_identity,
        "importedWindowsAutopilotDeviceIdentities",
    )
}
