//! The simulated Graph resources.

use http::header::{HeaderValue, ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, Method, Response, StatusCode};
use serde::Serialize;

use crate::app::App;
use crate::auth::{bearer_token, Access, AuthFailure};
use crate::http::{json, no_content, Body, GraphCtx};
use crate::sim::{SyncDecision, SyncStatus};
use crate::timefmt;

/// The permission the sync action needs.
pub const WRITE_SCOPE: &str = "DeviceManagementServiceConfig.ReadWrite.All";
/// The permission reading the settings needs (or [`WRITE_SCOPE`]).
pub const READ_SCOPE: &str = "DeviceManagementServiceConfig.Read.All";

const WWW_AUTH: &str = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";

/// Where Intune says its errors came from (inside the nested message).
const INTUNE_URL: &str = "https://fef.msua06.manage.microsoft.com/DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement/windowsAutopilotSettings/sync?api-version=2021-07-29";

/// A fixed id for the tenant's settings object.
const SETTINGS_ID: &str = "5f3e2c1a-7b9d-4e61-9a0f-2d8c4b6e1f37";

/// Which simulated resource a Graph path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// The sync action (either spelling).
    Sync,
    /// The settings entity.
    Settings,
    /// Not simulated: Graph names the first segment it could not resolve.
    NotFound(String),
}

/// Whether a path belongs to Graph (`/beta`, `/v1.0` and below).
pub fn is_graph_path(path: &str) -> bool {
    ["/beta", "/v1.0"].iter().any(|p| {
        path.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
            && (path.len() == p.len() || path.as_bytes()[p.len()] == b'/')
    })
}

/// Resolves a Graph path; segments compare case-insensitively, as Graph does.
pub fn route(path: &str) -> Route {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some((version, rest)) = segs.split_first() else {
        return Route::NotFound(String::new());
    };
    let beta = version.eq_ignore_ascii_case("beta");
    let tree: &[&[&str]] = if beta {
        &[
            &["deviceManagement"],
            &["windowsAutopilotSettings"],
            &["sync", "microsoft.graph.sync"],
        ]
    } else {
        // v1.0 has no windowsAutopilotSettings.
        &[&["deviceManagement"]]
    };
    for (i, seg) in rest.iter().enumerate() {
        let known = tree
            .get(i)
            .is_some_and(|alts| alts.iter().any(|a| a.eq_ignore_ascii_case(seg)));
        if !known {
            return Route::NotFound((*seg).to_string());
        }
    }
    match (beta, rest.len()) {
        (true, 2) => Route::Settings,
        (true, 3) => Route::Sync,
        _ => Route::NotFound(rest.last().unwrap_or(version).to_string()),
    }
}

fn unauthorized(ctx: &GraphCtx, failure: &AuthFailure) -> Response<Body> {
    let mut res = ctx.error(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        &failure.message(),
    );
    res.headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(WWW_AUTH));
    res
}

fn method_not_allowed(ctx: &GraphCtx, method: &Method, allow: &'static str) -> Response<Body> {
    let mut res = ctx.error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!("The HTTP method '{method}' is not allowed for this resource. Allowed: {allow}."),
    );
    res.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    res
}

fn authorize(app: &App, ctx: &GraphCtx, headers: &HeaderMap) -> Result<Access, AuthFailure> {
    let token = bearer_token(
        headers
            .get(http::header::AUTHORIZATION)
            .map(|v| v.as_bytes()),
    )?;
    app.verifier()
        .verify_at(token, ctx.now_ms)
        .map(|g| g.access)
}

/// Answers a Graph request (faults already handled).
pub fn handle(
    app: &App,
    ctx: &GraphCtx,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body_len: usize,
) -> Response<Body> {
    match route(path) {
        Route::NotFound(segment) => ctx.error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{segment}'."),
        ),
        Route::Sync => {
            if method != Method::POST {
                return method_not_allowed(ctx, method, "POST");
            }
            let access = match authorize(app, ctx, headers) {
                Ok(a) => a,
                Err(f) => return unauthorized(ctx, &f),
            };
            if !access.can_write() {
                return ctx.error(
                    StatusCode::FORBIDDEN,
                    "Forbidden",
                    &format!(
                        "Application is not authorized to perform this operation. Application must have one of the following scopes: {WRITE_SCOPE}"
                    ),
                );
            }
            if body_len > 0 {
                return ctx.error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "The action 'sync' does not accept a request body.",
                );
            }
            sync(app, ctx)
        }
        Route::Settings => {
            if method != Method::GET && method != Method::HEAD {
                return method_not_allowed(ctx, method, "GET");
            }
            match authorize(app, ctx, headers) {
                Err(f) => return unauthorized(ctx, &f),
                Ok(access) if !access.can_read() => {
                    return ctx.error(
                        StatusCode::FORBIDDEN,
                        "Forbidden",
                        &format!(
                            "Application is not authorized to perform this operation. Application must have one of the following scopes: {READ_SCOPE}, {WRITE_SCOPE}"
                        ),
                    )
                }
                Ok(_) => {}
            }
            settings(app, ctx)
        }
    }
}

/// 403 for a tenant without an Intune licence: `UnknownError` wrapping
/// `{"ErrorCode":"Forbidden","Message":"<Intune's document>"}`, as Graph reports it.
fn unlicensed(ctx: &GraphCtx) -> Response<Body> {
    let inner = serde_json::json!({
        "ErrorCode": "Forbidden",
        "Message": ctx.intune_message(
            INTUNE_URL,
            "The tenant does not have an active Intune license.",
        ),
    });
    ctx.error(StatusCode::FORBIDDEN, "UnknownError", &inner.to_string())
}

fn sync(app: &App, ctx: &GraphCtx) -> Response<Body> {
    // Decide under the lock so concurrent triggers see each other.
    let (decision, config) = {
        let mut state = app.lock();
        if !state.sim.config().intune_licence {
            return unlicensed(ctx);
        }
        let now = state.sim.now_ms();
        let d = state.sim.trigger(now);
        (d, state.sim.config().clone())
    };
    let retry_after_header = config.retry_after_header;
    match decision {
        SyncDecision::Started if config.sync_success_status == 200 => {
            let mut res = no_content();
            *res.status_mut() = StatusCode::OK;
            res.headers_mut()
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            res
        }
        SyncDecision::Started => no_content(),
        SyncDecision::AlreadyRunning => ctx.error(
            StatusCode::CONFLICT,
            "Conflict",
            &ctx.intune_message(INTUNE_URL, "A sync is already in progress."),
        ),
        SyncDecision::Cooldown { retry_after_secs } => {
            let mut res = ctx.error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                &ctx.intune_message(
                    INTUNE_URL,
                    "Too many requests: the minimum interval between sync actions is 10 minutes.",
                ),
            );
            if retry_after_header {
                res.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            res
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

fn settings(app: &App, ctx: &GraphCtx) -> Response<Body> {
    let (settings, envelope) = {
        let state = app.lock();
        if !state.sim.config().intune_licence {
            return unlicensed(ctx);
        }
        let now = state.sim.now_ms();
        let fmt =
            |t: Option<i64>| t.map_or_else(|| timefmt::NEVER.to_string(), timefmt::iso_millis);
        (
            Settings {
                context: None,
                odata_type: None,
                id: SETTINGS_ID,
                last_sync: fmt(state.sim.last_sync_ms(now)),
                last_trigger: fmt(state.sim.last_trigger_ms()),
                status: state.sim.status(now),
            },
            state.sim.config().settings_envelope,
        )
    };
    if envelope {
        #[derive(Serialize)]
        struct Envelope {
            value: Settings,
        }
        json(
            StatusCode::OK,
            &Envelope {
                value: Settings {
                    odata_type: Some("#microsoft.graph.windowsAutopilotSettings"),
                    ..settings
                },
            },
        )
    } else {
        json(
            StatusCode::OK,
            &Settings {
                context: Some("https://graph.microsoft.com/beta/$metadata#deviceManagement/windowsAutopilotSettings/$entity"),
                ..settings
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let sync = "/beta/deviceManagement/windowsAutopilotSettings/sync";
        assert_eq!(route(sync), Route::Sync);
        assert_eq!(
            route("/BETA/devicemanagement/windowsautopilotsettings/microsoft.graph.sync/"),
            Route::Sync
        );
        assert_eq!(
            route("/beta/deviceManagement/windowsAutopilotSettings"),
            Route::Settings
        );
        assert_eq!(
            route("/v1.0/deviceManagement/windowsAutopilotSettings/sync"),
            Route::NotFound("windowsAutopilotSettings".into())
        );
        assert_eq!(route("/beta/me"), Route::NotFound("me".into()));
        assert_eq!(
            route("/beta/deviceManagement/windowsAutopilotSettings/sync/x"),
            Route::NotFound("x".into())
        );
        assert!(is_graph_path("/beta"));
        assert!(is_graph_path("/v1.0/me"));
        assert!(!is_graph_path("/betamax"));
        assert!(!is_graph_path("/"));
    }
}
