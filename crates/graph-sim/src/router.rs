//! One route table for the whole simulator: method + path → handler, for the Graph
//! routes, the control API and the authority (axum's `Router` shape on bare hyper).
//!
//! A handler is an `async fn(Arc<AppState>, Request<Bytes>) -> R` where `R` turns
//! itself into a response ([`IntoResponse`]): usually `Result<Response, E>` with `E` the
//! error of that route's wire format (Graph error JSON, control error, OAuth error).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, Response};

use crate::http::{Body, IntoResponse};
use crate::state::AppState;

/// Request extension: the request came on the https listener (the authority's routes
/// answer there only).
#[derive(Clone, Copy, Debug)]
pub struct Https;

/// Request extension: the body was larger than the server reads and was not kept.
#[derive(Clone, Copy, Debug)]
pub struct Oversized;

/// A request as handlers see it: the body already read.
pub type Req = Request<Bytes>;
/// A response.
pub type Res = Response<Body>;

type BoxFuture = Pin<Box<dyn Future<Output = Res> + Send>>;
type BoxedHandler = Arc<dyn Fn(Arc<AppState>, Req) -> BoxFuture + Send + Sync>;

/// Which part of the simulator a route belongs to: it decides the error format, the
/// listener (the authority answers on https only) and what the request log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Microsoft Graph (`/beta`, `/v1.0`); path segments compare case-insensitively.
    Graph,
    /// The control API (`/_sim/...`).
    Control,
    /// The local OpenID Connect authority (https listener only).
    Authority,
}

/// Handlers by method for one path (`get(a).post(b)`); GET also answers HEAD.
#[derive(Clone, Default)]
pub struct MethodRouter {
    handlers: Vec<(Method, BoxedHandler)>,
}

fn boxed<H, F, R>(handler: H) -> BoxedHandler
where
    H: Fn(Arc<AppState>, Req) -> F + Send + Sync + 'static,
    F: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    Arc::new(move |state, req| {
        let fut = handler(state, req);
        Box::pin(async move { fut.await.into_response() })
    })
}

macro_rules! method_fns {
    ($($name:ident => $method:ident),*) => {
        $(
            /// A route answering this method with `handler`.
            pub fn $name<H, F, R>(handler: H) -> MethodRouter
            where
                H: Fn(Arc<AppState>, Req) -> F + Send + Sync + 'static,
                F: Future<Output = R> + Send + 'static,
                R: IntoResponse,
            {
                MethodRouter::default().$name(handler)
            }
        )*
        impl MethodRouter {
            $(
                /// Adds a handler for this method.
                pub fn $name<H, F, R>(mut self, handler: H) -> Self
                where
                    H: Fn(Arc<AppState>, Req) -> F + Send + Sync + 'static,
                    F: Future<Output = R> + Send + 'static,
                    R: IntoResponse,
                {
                    self.handlers.push((Method::$method, boxed(handler)));
                    self
                }
            )*
        }
    };
}

method_fns!(get => GET, post => POST, patch => PATCH, delete => DELETE);

impl MethodRouter {
    fn handler(&self, method: &Method) -> Option<&BoxedHandler> {
        let wanted = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.handlers
            .iter()
            .find(|(m, _)| m == wanted)
            .map(|(_, h)| h)
    }

    fn methods(&self) -> impl Iterator<Item = &Method> {
        self.handlers.iter().map(|(m, _)| m)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Lit(&'static str),
    Param(&'static str),
}

fn parse_pattern(path: &'static str) -> Vec<Seg> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => Seg::Param(name),
                None => Seg::Lit(s),
            },
        )
        .collect()
}

/// Segments of a request path (empty ones, from `//` or a trailing `/`, dropped).
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Values of a route's `{name}` segments (in the request's extensions).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathParams(Vec<(&'static str, String)>);

impl PathParams {
    /// The value of `{name}`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Route {
    scope: Scope,
    path: &'static str,
    segs: Vec<Seg>,
    methods: MethodRouter,
}

/// The answer of [`Router::find`].
pub enum Match<'a> {
    /// A route answers this method.
    Found {
        /// The route's scope.
        scope: Scope,
        /// Calls the handler.
        handler: Handler<'a>,
    },
    /// The path is routed, not for this method.
    MethodNotAllowed {
        /// The route's scope.
        scope: Scope,
        /// The methods it answers, as an `Allow` value.
        allow: String,
    },
    /// No route has this path.
    NotFound,
}

/// A matched handler with its path parameters.
pub struct Handler<'a> {
    handler: &'a BoxedHandler,
    params: PathParams,
}

impl Handler<'_> {
    /// Calls the handler (the path parameters go into the request's extensions).
    pub fn call(&self, state: Arc<AppState>, mut req: Req) -> BoxFuture {
        req.extensions_mut().insert(self.params.clone());
        (self.handler)(state, req)
    }
}

/// A `{name}` segment and the check its values must pass.
type ParamRule = (&'static str, fn(&str) -> bool);

/// The route table.
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
    rules: Vec<ParamRule>,
    known: Vec<(Scope, Vec<Seg>)>,
}

impl Router {
    /// An empty table.
    pub fn new() -> Self {
        Router::default()
    }

    /// Adds `path` (`{name}` segments capture) with its handlers.
    pub fn route(mut self, scope: Scope, path: &'static str, methods: MethodRouter) -> Self {
        self.routes.push(Route {
            scope,
            path,
            segs: parse_pattern(path),
            methods,
        });
        self
    }

    /// Only values for which `valid` holds match a `{name}` segment.
    pub fn param(mut self, name: &'static str, valid: fn(&str) -> bool) -> Self {
        self.rules.push((name, valid));
        self
    }

    /// A path that exists without a handler of its own (Graph names the segment after it
    /// when a request goes further), e.g. `/v1.0/deviceManagement`.
    pub fn known(mut self, scope: Scope, path: &'static str) -> Self {
        self.known.push((scope, parse_pattern(path)));
        self
    }

    /// Every route: scope, path and methods (for documentation and tests).
    pub fn table(&self) -> Vec<(Scope, &'static str, Vec<Method>)> {
        self.routes
            .iter()
            .map(|r| (r.scope, r.path, r.methods.methods().cloned().collect()))
            .collect()
    }

    fn seg_matches(&self, scope: Scope, seg: &Seg, value: &str) -> bool {
        match seg {
            Seg::Lit(l) if scope == Scope::Graph => l.eq_ignore_ascii_case(value),
            Seg::Lit(l) => *l == value,
            Seg::Param(name) => self
                .rules
                .iter()
                .filter(|(n, _)| n == name)
                .all(|(_, valid)| valid(value)),
        }
    }

    fn matches(&self, route: &Route, segs: &[&str]) -> Option<PathParams> {
        if route.segs.len() != segs.len() {
            return None;
        }
        let mut params = PathParams::default();
        for (pattern, value) in route.segs.iter().zip(segs) {
            if !self.seg_matches(route.scope, pattern, value) {
                return None;
            }
            if let Seg::Param(name) = pattern {
                params.0.push((name, (*value).to_string()));
            }
        }
        Some(params)
    }

    /// Looks up a request; routes of `Scope::Authority` only match when `https`.
    pub fn find(&self, method: &Method, path: &str, https: bool) -> Match<'_> {
        let segs = segments(path);
        let mut allowed: Option<(Scope, Vec<&Method>)> = None;
        for route in &self.routes {
            if route.scope == Scope::Authority && !https {
                continue;
            }
            let Some(params) = self.matches(route, &segs) else {
                continue;
            };
            if let Some(handler) = route.methods.handler(method) {
                return Match::Found {
                    scope: route.scope,
                    handler: Handler { handler, params },
                };
            }
            let entry = allowed.get_or_insert((route.scope, Vec::new()));
            entry.1.extend(route.methods.methods());
        }
        match allowed {
            Some((scope, methods)) => Match::MethodNotAllowed {
                scope,
                allow: methods
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            None => Match::NotFound,
        }
    }

    /// For a path no route of `scope` has: the first segment that no route or known path
    /// resolves (the last one when every segment resolves), as Graph reports it.
    pub fn unresolved_segment(&self, scope: Scope, path: &str) -> String {
        let segs = segments(path);
        let patterns = self
            .routes
            .iter()
            .filter(|r| r.scope == scope)
            .map(|r| &r.segs)
            .chain(
                self.known
                    .iter()
                    .filter(|(s, _)| *s == scope)
                    .map(|(_, p)| p),
            );
        let resolved = patterns
            .map(|p| {
                p.iter()
                    .zip(&segs)
                    .take_while(|(pattern, value)| self.seg_matches(scope, pattern, value))
                    .count()
            })
            .max()
            .unwrap_or(0);
        segs.get(resolved)
            .or(segs.last())
            .map(|s| (*s).to_string())
            .unwrap_or_default()
    }
}
