//! Request dispatch: Graph routes, preflights, control API, static files, and (on the https
//! listener) the local OpenID Connect authority.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;

use crate::auth::TokenVerifier;
use crate::faults::{self, FaultAction, FaultQueue};
use crate::graph;
use crate::http::{add_cors, add_preflight, json, no_content, Body, GraphCtx};
use crate::oidc::{self, Authority, OidcConfig, OidcState};
use crate::requests::{RequestLog, RequestRecord};
use crate::server::{Abort, Handler, HandlerFuture};
use crate::sim::Sim;
use crate::static_files::StaticSite;
use crate::timefmt;

/// Largest request body read (larger ones get 413).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Everything decided under the one mutex.
#[derive(Debug)]
pub struct State {
    /// Sync state, clock, runtime configuration.
    pub sim: Sim,
    /// Pending faults.
    pub faults: FaultQueue,
    /// Logged Graph and authority requests.
    pub log: RequestLog,
    /// The authority's configuration, counters, codes, tokens and sessions.
    pub oidc: OidcState,
}

/// The Graph listener: shared state, the token verifier and the static site.
pub struct App {
    state: Mutex<State>,
    verifier: Arc<dyn TokenVerifier>,
    site: StaticSite,
    authority: Option<Authority>,
}

pub(crate) enum BodyError {
    TooLarge,
    Broken,
}

pub(crate) async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    }
}

impl App {
    /// A listener around `sim`, checking tokens with `verifier`.
    pub fn new(sim: Sim, verifier: Arc<dyn TokenVerifier>, site: StaticSite) -> Self {
        App {
            state: Mutex::new(State {
                sim,
                faults: FaultQueue::default(),
                log: RequestLog::default(),
                oidc: OidcState::new(OidcConfig::default()),
            }),
            verifier,
            site,
            authority: None,
        }
    }

    /// Adds the OIDC authority (served by the https listener) with its start-up configuration.
    pub fn with_authority(mut self, authority: Authority, defaults: OidcConfig) -> Self {
        self.lock().oidc = OidcState::new(defaults);
        self.authority = Some(authority);
        self
    }

    /// The authority, when `--oidc-port` was given.
    pub fn authority(&self) -> Option<&Authority> {
        self.authority.as_ref()
    }

    /// Locks the state (a poisoned lock is still usable: every update is a single step).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token verifier.
    pub fn verifier(&self) -> &dyn TokenVerifier {
        self.verifier.as_ref()
    }

    fn expose_retry_after(&self) -> bool {
        self.lock().sim.config().expose_retry_after
    }

    async fn dispatch(
        self: Arc<Self>,
        req: Request<Incoming>,
        secure: bool,
    ) -> Result<Response<Body>, Abort> {
        let path = req.uri().path().to_string();
        if graph::is_graph_path(&path) {
            return self.graph(req).await;
        }
        let endpoint = if secure && self.authority.is_some() {
            oidc::route(&path)
        } else {
            None
        };
        let mut res = if let Some((tenant, ep)) = endpoint {
            self.authority_request(req, &tenant, ep).await?
        } else if req.method() == Method::OPTIONS {
            let mut res = no_content();
            add_preflight(res.headers_mut(), req.headers());
            res
        } else if path == "/_sim" || path.starts_with("/_sim/") {
            let method = req.method().clone();
            match read_body(req.into_body(), 1024 * 1024).await {
                Ok(body) => crate::control::handle(&self, &method, &path, &body),
                Err(BodyError::TooLarge) => {
                    control_error(StatusCode::PAYLOAD_TOO_LARGE, "body too large")
                }
                Err(BodyError::Broken) => return Err(Abort),
            }
        } else {
            match self.site.serve(req.method(), &path).await {
                Some(res) => res,
                None => json(
                    StatusCode::NOT_FOUND,
                    &serde_json::json!({"error": format!("no route for {path}")}),
                ),
            }
        };
        add_cors(res.headers_mut(), self.expose_retry_after());
        let now = self.lock().sim.now_ms();
        if let Ok(v) = http::HeaderValue::from_str(&timefmt::http_date(now)) {
            res.headers_mut().insert(http::header::DATE, v);
        }
        Ok(res)
    }

    async fn authority_request(
        &self,
        req: Request<Incoming>,
        tenant: &str,
        ep: oidc::Endpoint,
    ) -> Result<Response<Body>, Abort> {
        let Some(auth) = self.authority.as_ref() else {
            return Err(Abort);
        };
        let (parts, body) = req.into_parts();
        let body = match read_body(body, 1024 * 1024).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return Ok(control_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body too large",
                ))
            }
            Err(BodyError::Broken) => return Err(Abort),
        };
        let seq = {
            let mut state = self.lock();
            let now = state.sim.now_ms();
            let record = RequestRecord::new(
                parts.method.to_string(),
                parts.uri.path().to_string(),
                parts.uri.query().map(oidc::redact_query),
                &parts.headers,
                body.len(),
                timefmt::iso_millis(now),
            );
            state.log.push(record)
        };
        let res = if parts.method == Method::OPTIONS {
            let mut r = no_content();
            add_preflight(r.headers_mut(), &parts.headers);
            r
        } else {
            oidc::handle(self, auth, tenant, ep, &parts, &body).await
        };
        self.lock().log.set_status(seq, Some(res.status().as_u16()));
        Ok(res)
    }

    async fn graph(&self, req: Request<Incoming>) -> Result<Response<Body>, Abort> {
        let (parts, body) = req.into_parts();
        let method = parts.method;
        let path = parts.uri.path().to_string();
        let query = parts.uri.query().map(str::to_string);
        let (body, too_large) = match read_body(body, MAX_BODY).await {
            Ok(b) => (b, false),
            Err(BodyError::TooLarge) => (Bytes::new(), true),
            Err(BodyError::Broken) => return Err(Abort),
        };
        let body_len = if too_large { MAX_BODY + 1 } else { body.len() };
        let (ctx, seq, fault) = {
            let mut state = self.lock();
            let now = state.sim.now_ms();
            let ctx = GraphCtx::new(&parts.headers, now);
            let record = RequestRecord::new(
                method.to_string(),
                path.clone(),
                query,
                &parts.headers,
                body_len,
                timefmt::iso_millis(now),
            );
            let seq = state.log.push(record);
            let fault = if method == Method::OPTIONS {
                None
            } else {
                state.faults.take(&method)
            };
            (ctx, seq, fault)
        };

        let mut res = None;
        if let Some(fault) = &fault {
            if let Some(d) = fault.delay() {
                tokio::time::sleep(d).await;
            }
            match faults::action(fault, &ctx) {
                FaultAction::Proceed => {}
                FaultAction::Close => {
                    self.lock().log.set_status(seq, None);
                    return Err(Abort);
                }
                FaultAction::Respond(r) => res = Some(r),
            }
        }
        let mut res = match res {
            Some(r) => r,
            None if method == Method::OPTIONS => {
                let mut r = no_content();
                add_preflight(r.headers_mut(), &parts.headers);
                r
            }
            None if too_large => ctx.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                "The request body is too large.",
            ),
            None => graph::handle(self, &ctx, &method, &path, &parts.headers, body_len),
        };
        add_cors(res.headers_mut(), self.expose_retry_after());
        ctx.add_headers(res.headers_mut());
        if let Some(f) = &fault {
            f.apply_headers(&mut res);
        }
        self.lock().log.set_status(seq, Some(res.status().as_u16()));
        Ok(res)
    }
}

/// A JSON error from the control API: `{"error": "..."}`.
pub fn control_error(status: StatusCode, message: &str) -> Response<Body> {
    json(status, &serde_json::json!({ "error": message }))
}

impl Handler for App {
    fn handle(self: Arc<Self>, req: Request<Incoming>) -> HandlerFuture {
        Box::pin(self.dispatch(req, false))
    }
}

/// The https listener: the same routes as [`App`] plus the OIDC authority.
pub struct Secure(pub Arc<App>);

impl Handler for Secure {
    fn handle(self: Arc<Self>, req: Request<Incoming>) -> HandlerFuture {
        Box::pin(self.0.clone().dispatch(req, true))
    }
}
