//! The application: the route table and the layers around it (request log, faults,
//! request identity and CORS for Graph; request log for the authority; preflights, the
//! control API's errors, static files). [`App::call`] answers a `Request<Bytes>` without
//! a socket; `server.rs` puts it on one.

use std::sync::Arc;

use http::{HeaderValue, Method, StatusCode};

use crate::control::{self, ControlError};
use crate::devices::{self, DEVICE, DEVICES, IMPORTED, IMPORTED_ONE};
use crate::faults::{self, FaultAction, ResetSwitch};
use crate::graph::{self, SETTINGS, SYNC, SYNC_QUALIFIED};
use crate::http::{
    add_cors, add_preflight, json, no_content, Abort, GraphCtx, GraphError, IntoResponse,
};
use crate::oidc::config::valid_tenant;
use crate::oidc::{authorize, discovery, pages, token, wire};
use crate::requests::RequestRecord;
use crate::router::{get, post, Https, Match, Oversized, Req, Res, Router, Scope};
use crate::state::AppState;
use crate::timefmt;

/// Largest request body read; a larger one gets 413 (the server marks it [`Oversized`]).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// Every route of the simulator.
pub fn routes() -> Router {
    use Scope::{Authority, Control, Graph};
    Router::new()
        // Microsoft Graph.
        .route(Graph, SETTINGS, get(graph::settings))
        .route(Graph, SYNC, post(graph::sync))
        .route(Graph, SYNC_QUALIFIED, post(graph::sync))
        .route(Graph, DEVICES, get(devices::list))
        .route(Graph, DEVICE, get(devices::get_one))
        .route(Graph, IMPORTED, get(devices::imported))
        .route(Graph, IMPORTED_ONE, get(devices::imported_one))
        .known(Graph, "/v1.0/deviceManagement")
        // The control API.
        .route(Control, "/_sim/reset", post(control::reset))
        .route(Control, "/_sim/state", get(control::state))
        .route(Control, "/_sim/clock", post(control::clock))
        .route(
            Control,
            "/_sim/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route(
            Control,
            "/_sim/faults",
            get(control::faults)
                .post(control::add_faults)
                .delete(control::clear_faults),
        )
        .route(
            Control,
            "/_sim/config",
            get(control::config).patch(control::patch_config),
        )
        .route(
            Control,
            "/_sim/devices",
            get(control::devices)
                .post(control::add_devices)
                .delete(control::clear_devices),
        )
        .route(
            Control,
            "/_sim/oidc",
            get(control::oidc).patch(control::patch_oidc),
        )
        // The local OpenID Connect authority (https only).
        .param("tenant", valid_tenant)
        .route(
            Authority,
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::discovery),
        )
        .route(
            Authority,
            "/{tenant}/.well-known/openid-configuration",
            get(discovery::discovery),
        )
        .route(
            Authority,
            "/{tenant}/discovery/v2.0/keys",
            get(discovery::jwks),
        )
        .route(
            Authority,
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::authorize),
        )
        .route(
            Authority,
            "/{tenant}/oauth2/v2.0/consent",
            post(authorize::consent),
        )
        .route(
            Authority,
            "/{tenant}/oauth2/v2.0/logout",
            get(authorize::logout),
        )
        .route(
            Authority,
            "/{tenant}/oauth2/v2.0/cancel.js",
            get(pages::cancel_script),
        )
        .route(Authority, "/{tenant}/oauth2/v2.0/token", post(token::token))
}

/// Whether a path belongs to Graph (`/beta`, `/v1.0` and below, any case).
pub fn is_graph_path(path: &str) -> bool {
    ["/beta", "/v1.0"].iter().any(|p| {
        path.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
            && (path.len() == p.len() || path.as_bytes()[p.len()] == b'/')
    })
}

/// The simulator as a service: state plus route table. Cheap to clone.
#[derive(Clone)]
pub struct App {
    state: Arc<AppState>,
    router: Arc<Router>,
}

impl App {
    /// The app around `state` with [`routes`].
    pub fn new(state: AppState) -> Self {
        App {
            state: Arc::new(state),
            router: Arc::new(routes()),
        }
    }

    /// The shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The route table.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Answers one request. `Err(Abort)` means: drop the connection without an answer.
    pub async fn call(&self, req: Req) -> Result<Res, Abort> {
        let path = req.uri().path().to_string();
        if is_graph_path(&path) {
            return self.graph(req).await;
        }
        let https = req.extensions().get::<Https>().is_some();
        let found = self.router.find(req.method(), &path, https);
        let mut res = match found {
            Match::Found {
                scope: Scope::Authority,
                ..
            }
            | Match::MethodNotAllowed {
                scope: Scope::Authority,
                ..
            } => return Ok(self.authority(req, found).await),
            _ if req.method() == Method::OPTIONS => preflight(&req),
            _ if req.extensions().get::<Oversized>().is_some() => {
                ControlError(StatusCode::PAYLOAD_TOO_LARGE, "body too large".into()).into_response()
            }
            Match::Found { handler, .. } => handler.call(self.state.clone(), req).await,
            Match::MethodNotAllowed { allow, .. } => {
                let mut res = ControlError(
                    StatusCode::METHOD_NOT_ALLOWED,
                    format!("method not allowed; use {allow}"),
                )
                .into_response();
                insert_allow(&mut res, &allow);
                res
            }
            Match::NotFound if path == "/_sim" || path.starts_with("/_sim/") => ControlError(
                StatusCode::NOT_FOUND,
                format!("unknown control path {path}"),
            )
            .into_response(),
            Match::NotFound => match self.state.site().serve(req.method(), req.uri()).await {
                Some(res) => res,
                None => json(
                    StatusCode::NOT_FOUND,
                    &serde_json::json!({"error": format!("no route for {path}")}),
                ),
            },
        };
        self.finish(&mut res);
        Ok(res)
    }

    /// CORS and the simulated `Date` on a response outside Graph.
    fn finish(&self, res: &mut Res) {
        let (expose, now) = {
            let s = self.state.lock();
            (s.sim.config().expose_retry_after, s.sim.now_ms())
        };
        add_cors(res.headers_mut(), expose);
        if let Ok(v) = HeaderValue::from_str(&timefmt::http_date(now)) {
            res.headers_mut().insert(http::header::DATE, v);
        }
    }

    /// The authority's layer: logs the request (secrets redacted), answers preflights.
    async fn authority(&self, req: Req, found: Match<'_>) -> Res {
        let seq = {
            let mut s = self.state.lock();
            let now = s.sim.now_ms();
            let record = RequestRecord::new(
                req.method().to_string(),
                req.uri().path().to_string(),
                req.uri().query().map(wire::redact_query),
                req.headers(),
                req.body().len(),
                timefmt::iso_millis(now),
            );
            s.log.push(record)
        };
        let mut res = match found {
            _ if req.method() == Method::OPTIONS => preflight(&req),
            Match::Found { handler, .. } => handler.call(self.state.clone(), req).await,
            Match::MethodNotAllowed { allow, .. } => wire::method_not_allowed(&allow),
            Match::NotFound => wire::method_not_allowed("GET"),
        };
        self.finish(&mut res);
        self.state
            .lock()
            .log
            .set_status(seq, Some(res.status().as_u16()));
        res
    }

    /// The Graph layer: request identity, the request log, injected faults, 413, the
    /// route's handler (or Graph's 405 and 400), then CORS and the identity headers.
    async fn graph(&self, mut req: Req) -> Result<Res, Abort> {
        let method = req.method().clone();
        let too_large = req.extensions().get::<Oversized>().is_some();
        let body_len = if too_large {
            MAX_BODY + 1
        } else {
            req.body().len()
        };
        let (ctx, seq, fault) = {
            let mut s = self.state.lock();
            let now = s.sim.now_ms();
            let ctx = GraphCtx::new(req.headers(), now);
            let mut record = RequestRecord::new(
                method.to_string(),
                req.uri().path().to_string(),
                req.uri().query().map(str::to_string),
                req.headers(),
                body_len,
                timefmt::iso_millis(now),
            );
            record.tenant = req
                .headers()
                .get(http::header::AUTHORIZATION)
                .and_then(|h| crate::auth::bearer_token(Some(h.as_bytes())).ok())
                .and_then(|t| self.state.verifier().verify_at(t, now).ok())
                .and_then(|g| g.tenant);
            let seq = s.log.push(record);
            let fault = if method == Method::OPTIONS {
                None
            } else {
                s.faults.take(&method)
            };
            (ctx, seq, fault)
        };
        let mut res = None;
        if let Some(fault) = &fault {
            if let Some(d) = fault.delay() {
                tokio::time::sleep(d).await;
            }
            match faults::action(fault, &ctx, req.extensions().get::<ResetSwitch>()) {
                FaultAction::Proceed => {}
                FaultAction::Close | FaultAction::Reset => {
                    self.state.lock().log.set_status(seq, None);
                    return Err(Abort);
                }
                FaultAction::Respond(r) => res = Some(r),
            }
        }
        let mut res = match res {
            Some(r) => r,
            None if method == Method::OPTIONS => preflight(&req),
            None if too_large => GraphError::new(
                &ctx,
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                "The request body is too large.",
            )
            .into_response(),
            None => {
                let path = req.uri().path().to_string();
                req.extensions_mut().insert(ctx.clone());
                match self.router.find(&method, &path, false) {
                    Match::Found {
                        scope: Scope::Graph,
                        handler,
                    } => handler.call(self.state.clone(), req).await,
                    Match::MethodNotAllowed {
                        scope: Scope::Graph,
                        allow,
                    } => {
                        let message = format!("The HTTP method '{method}' is not allowed for this resource. Allowed: {allow}.");
                        let mut res = GraphError::new(
                            &ctx,
                            StatusCode::METHOD_NOT_ALLOWED,
                            "MethodNotAllowed",
                            message,
                        )
                        .into_response();
                        insert_allow(&mut res, &allow);
                        res
                    }
                    _ => {
                        let segment = self.router.unresolved_segment(Scope::Graph, &path);
                        let message = format!("Resource not found for the segment '{segment}'.");
                        GraphError::new(&ctx, StatusCode::BAD_REQUEST, "BadRequest", message)
                            .into_response()
                    }
                }
            }
        };
        let expose = self.state.lock().sim.config().expose_retry_after;
        add_cors(res.headers_mut(), expose);
        ctx.add_headers(res.headers_mut());
        if let Some(f) = &fault {
            f.apply_headers(&mut res);
        }
        self.state
            .lock()
            .log
            .set_status(seq, Some(res.status().as_u16()));
        Ok(res)
    }
}

fn preflight(req: &Req) -> Res {
    let mut res = no_content();
    add_preflight(res.headers_mut(), req.headers());
    res
}

fn insert_allow(res: &mut Res, allow: &str) {
    if let Ok(v) = HeaderValue::from_str(allow) {
        res.headers_mut().insert(http::header::ALLOW, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_paths() {
        assert!(is_graph_path("/beta"));
        assert!(is_graph_path("/BETA/me"));
        assert!(is_graph_path("/v1.0/me"));
        assert!(!is_graph_path("/betamax"));
        assert!(!is_graph_path("/"));
    }

    #[test]
    fn table_routes_and_unresolved_segments() {
        let r = routes();
        let found = |m: Method, p: &str, https: bool| match r.find(&m, p, https) {
            Match::Found { scope, .. } => Some(scope),
            _ => None,
        };
        assert_eq!(found(Method::POST, SYNC, false), Some(Scope::Graph));
        let odd = "/BETA/devicemanagement/windowsautopilotsettings/microsoft.graph.sync/";
        assert_eq!(found(Method::POST, odd, false), Some(Scope::Graph));
        assert_eq!(found(Method::GET, SETTINGS, false), Some(Scope::Graph));
        assert_eq!(found(Method::HEAD, SETTINGS, false), Some(Scope::Graph));
        assert!(matches!(
            r.find(&Method::GET, SYNC, false),
            Match::MethodNotAllowed { allow, .. } if allow == "POST"
        ));
        let token = "/sim-tenant/oauth2/v2.0/token";
        assert_eq!(found(Method::POST, token, true), Some(Scope::Authority));
        assert_eq!(found(Method::POST, token, false), None, "https only");
        assert_eq!(found(Method::POST, "/_sim/oauth2/v2.0/token", true), None);
        assert_eq!(
            found(Method::GET, "/_sim/config", false),
            Some(Scope::Control)
        );
        for (path, segment) in [
            ("/beta/me", "me"),
            (
                "/v1.0/deviceManagement/windowsAutopilotSettings/sync",
                "windowsAutopilotSettings",
            ),
            ("/beta/deviceManagement/managedDevices", "managedDevices"),
            (
                "/beta/deviceManagement/windowsAutopilotSettings/sync/x",
                "x",
            ),
            ("/beta", "beta"),
        ] {
            assert_eq!(r.unresolved_segment(Scope::Graph, path), segment, "{path}");
        }
    }
}
