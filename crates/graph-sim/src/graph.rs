//! The simulated Graph resources: the sync action and the settings entity.

use std::sync::Arc;

use http::header::{HeaderValue, CONTENT_LENGTH, RETRY_AFTER, WWW_AUTHENTICATE};
use http::StatusCode;
use serde::Serialize;

use crate::auth::{bearer_token, AuthFailure, Grant, READ_SCOPE, WRITE_SCOPE};
use crate::http::{json, no_content, GraphCtx, GraphError};
use crate::router::{Req, Res};
use crate::sim::{SyncDecision, SyncStatus};
use crate::state::AppState;
use crate::timefmt;

/// The sync action.
pub const SYNC: &str = "/beta/deviceManagement/windowsAutopilotSettings/sync";
/// The sync action, qualified as Microsoft's SDKs spell it.
pub const SYNC_QUALIFIED: &str =
    "/beta/deviceManagement/windowsAutopilotSettings/microsoft.graph.sync";
/// The settings entity.
pub const SETTINGS: &str = "/beta/deviceManagement/windowsAutopilotSettings";

const WWW_AUTH: &str = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";

/// Where Intune says its errors came from (inside the nested message).
const INTUNE_URL: &str = "https://fef.msua06.manage.microsoft.com/DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement/windowsAutopilotSettings/sync?api-version=2021-07-29";

/// A fixed id for the tenant's settings object.
const SETTINGS_ID: &str = "5f3e2c1a-7b9d-4e61-9a0f-2d8c4b6e1f37";

/// The request's identity (set by the Graph layer; made here if a caller skipped it).
pub fn ctx(state: &AppState, req: &Req) -> GraphCtx {
    req.extensions()
        .get::<GraphCtx>()
        .cloned()
        .unwrap_or_else(|| GraphCtx::new(req.headers(), state.now_ms()))
}

/// Checks the bearer token; 401 with `WWW-Authenticate` when it is missing or refused.
pub fn authorize(state: &AppState, ctx: &GraphCtx, req: &Req) -> Result<Grant, GraphError> {
    let header = req.headers().get(http::header::AUTHORIZATION);
    bearer_token(header.map(|v| v.as_bytes()))
        .and_then(|token| state.verifier().verify_at(token, ctx.now_ms))
        .map_err(|failure: AuthFailure| {
            GraphError::new(
                ctx,
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                failure.message(),
            )
            .header(WWW_AUTHENTICATE, HeaderValue::from_static(WWW_AUTH))
        })
}

/// 403 naming the scopes a call needs.
pub fn forbidden(ctx: &GraphCtx, scopes: &str) -> GraphError {
    GraphError::new(
        ctx,
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!("Application is not authorized to perform this operation. Application must have one of the following scopes: {scopes}"),
    )
}

/// 403 for a tenant without an Intune licence: `UnknownError` wrapping
/// `{"ErrorCode":"Forbidden","Message":"<Intune's document>"}`, as Graph reports it.
pub fn unlicensed(ctx: &GraphCtx) -> GraphError {
    let inner = serde_json::json!({
        "ErrorCode": "Forbidden",
        "Message": ctx.intune_message(
            INTUNE_URL,
            "The tenant does not have an active Intune license.",
        ),
    });
    GraphError::new(
        ctx,
        StatusCode::FORBIDDEN,
        "UnknownError",
        inner.to_string(),
    )
}

/// `POST .../windowsAutopilotSettings/sync`: 204 (or 200), 409 while running, 429 in
/// the cooldown with Intune's nested document (`"RetryAfter": null`).
pub async fn sync(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    let ctx = ctx(&state, &req);
    let grant = authorize(&state, &ctx, &req)?;
    if !grant.access.can_write() {
        return Err(forbidden(&ctx, WRITE_SCOPE));
    }
    if !req.body().is_empty() {
        return Err(GraphError::new(
            &ctx,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The action 'sync' does not accept a request body.",
        ));
    }
    // Decide under the lock so concurrent triggers see each other.
    let (decision, config) = {
        let mut s = state.lock();
        if !s.sim.config().intune_licence {
            return Err(unlicensed(&ctx));
        }
        let now = s.sim.now_ms();
        let decision = s.in_tenant(grant.tenant.as_deref(), |sim| sim.trigger(now));
        // The device inventory is the default tenant's.
        if decision == SyncDecision::Started && grant.tenant.is_none() {
            let end = now
                .saturating_add(i64::try_from(s.sim.config().sync_duration_ms).unwrap_or(i64::MAX));
            s.devices.sync_started(now, end);
        }
        (decision, s.sim.config().clone())
    };
    match decision {
        SyncDecision::Started if config.sync_success_status == 200 => {
            let mut res = no_content();
            *res.status_mut() = StatusCode::OK;
            res.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
            Ok(res)
        }
        SyncDecision::Started => Ok(no_content()),
        SyncDecision::AlreadyRunning => Err(GraphError::new(
            &ctx,
            StatusCode::CONFLICT,
            "Conflict",
            ctx.intune_message(INTUNE_URL, "A sync is already in progress."),
        )),
        SyncDecision::Cooldown { retry_after_secs } => {
            let err = GraphError::new(
                &ctx,
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                ctx.intune_message(
                    INTUNE_URL,
                    "Too many requests: the minimum interval between sync actions is 10 minutes.",
                ),
            );
            Err(if config.retry_after_header {
                err.header(RETRY_AFTER, HeaderValue::from(retry_after_secs))
            } else {
                err
            })
        }
    }
}

#[derive(Serialize)]
struct Settings {
    #[serde(rename = "@odata.context", skip_serializing_if = "Option::is_none")]
    context: Option<&'static str>,
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    odata_type: Option<&'static str>,
    id: &'static str,
    #[serde(rename = "lastSyncDateTime")]
    last_sync: String,
    #[serde(rename = "lastManualSyncTriggerDateTime")]
    last_trigger: String,
    #[serde(rename = "syncStatus")]
    status: SyncStatus,
}

/// `GET .../windowsAutopilotSettings`: the sync state, bare or in `{"value": ...}`.
pub async fn settings(state: Arc<AppState>, req: Req) -> Result<Res, GraphError> {
    let ctx = ctx(&state, &req);
    let grant = authorize(&state, &ctx, &req)?;
    if !grant.access.can_read() {
        return Err(forbidden(&ctx, &format!("{READ_SCOPE}, {WRITE_SCOPE}")));
    }
    let (settings, envelope) = {
        let mut s = state.lock();
        if !s.sim.config().intune_licence {
            return Err(unlicensed(&ctx));
        }
        let now = s.sim.now_ms();
        let fmt =
            |t: Option<i64>| t.map_or_else(|| timefmt::NEVER.to_string(), timefmt::iso_millis);
        let envelope = s.sim.config().settings_envelope;
        let settings = s.in_tenant(grant.tenant.as_deref(), |sim| Settings {
            context: None,
            odata_type: None,
            id: SETTINGS_ID,
            last_sync: fmt(sim.last_sync_ms(now)),
            last_trigger: fmt(sim.last_trigger_ms()),
            status: sim.status(now),
        });
        (settings, envelope)
    };
    if envelope {
        #[derive(Serialize)]
        struct Envelope {
            value: Settings,
        }
        let value = Settings {
            odata_type: Some("#microsoft.graph.windowsAutopilotSettings"),
            ..settings
        };
        Ok(json(StatusCode::OK, &Envelope { value }))
    } else {
        Ok(json(
            StatusCode::OK,
            &Settings {
                context: Some("https://graph.microsoft.com/beta/$metadata#deviceManagement/windowsAutopilotSettings/$entity"),
                ..settings
            },
        ))
    }
}
