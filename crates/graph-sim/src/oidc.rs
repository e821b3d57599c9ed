//! A local OpenID Connect authority (authorization code flow with PKCE), enough for MSAL.js
//! with `protocolMode: "OIDC"`, and the verifier that lets Graph accept its tokens.
//!
//! Paths (any tenant segment): `/{tenant}/v2.0/.well-known/openid-configuration` and
//! `/{tenant}/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/authorize`,
//! `/{tenant}/oauth2/v2.0/token`, `/{tenant}/oauth2/v2.0/logout`,
//! `/{tenant}/discovery/v2.0/keys`, plus `/{tenant}/oauth2/v2.0/consent` (the consent
//! page's form) and `/{tenant}/oauth2/v2.0/cancel.js` (returns a cancelled sign-in to the app).
//! Issuer: `https://HOST:PORT/{tenant}/v2.0`. Times come from the simulated clock.

use std::collections::{HashMap, HashSet};

use http::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::App;
use crate::auth::{Access, AuthFailure, Grant, TokenVerifier};
use crate::graph::{READ_SCOPE, WRITE_SCOPE};
use crate::http::{full, guid, Body};
use crate::jwt::{self, SigningKey};
use crate::timefmt;

/// Graph's resource URI (the access tokens' `aud`).
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
/// Graph's application id (also accepted as `aud`).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// `tid` for tenant segments that are not GUIDs (`sim-tenant`, `common`, ...).
pub const SIM_TENANT_ID: &str = "5c0b6f7e-3a2d-4f18-9e47-8d1c2b3a4f50";

const CODE_TTL_MS: i64 = 10 * 60 * 1000;
const PENDING_TTL_MS: i64 = 10 * 60 * 1000;
const REFRESH_TTL_SECS: i64 = 24 * 60 * 60;
const SESSION_COOKIE: &str = "graphsim_session";
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// What a simulated user does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// Consents to every requested scope.
    Admin,
    /// Consents to read only: `ReadWrite.All` becomes `Read.All`.
    Reader,
    /// Cancels the sign-in.
    Cancel,
}

/// A simulated user.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// `preferred_username` and the `login_hint` that selects the user.
    pub username: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Object id (`oid`).
    pub oid: &'static str,
    /// Behaviour.
    pub role: Role,
}

/// The simulated users.
pub const USERS: [User; 3] = [
    User {
        username: "admin@sim.test",
        name: "Sim Admin",
        oid: "0f6c2d4e-1a3b-4c5d-8e9f-a0b1c2d3e4f5",
        role: Role::Admin,
    },
    User {
        username: "reader@sim.test",
        name: "Sim Reader",
        oid: "1a7d3e5f-2b4c-4d6e-9f0a-b1c2d3e4f5a6",
        role: Role::Reader,
    },
    User {
        username: "cancel@sim.test",
        name: "Sim Cancel",
        oid: "2b8e4f6a-3c5d-4e7f-a01b-c2d3e4f5a6b7",
        role: Role::Cancel,
    },
];

/// The user with this username (case-insensitive).
pub fn find_user(username: &str) -> Option<&'static User> {
    USERS
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(username.trim()))
}

/// How an interactive sign-in asks for consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum Consent {
    /// Redirect back at once.
    Auto,
    /// Show a page with Accept and Cancel buttons.
    Page,
}

/// Authority behaviour that the control API may change (`PATCH /_sim/oidc`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OidcConfig {
    /// The user signed in when no `login_hint` is given.
    pub default_user: String,
    /// Consent behaviour.
    pub consent: Consent,
    /// Lifetime of access and ID tokens.
    pub token_lifetime_seconds: u64,
}

impl Default for OidcConfig {
    fn default() -> Self {
        OidcConfig {
            default_user: USERS[0].username.to_string(),
            consent: Consent::Auto,
            token_lifetime_seconds: 3600,
        }
    }
}

/// A partial update of [`OidcConfig`]; unknown keys are refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OidcPatch {
    /// See [`OidcConfig::default_user`].
    pub default_user: Option<String>,
    /// See [`OidcConfig::consent`].
    pub consent: Option<Consent>,
    /// See [`OidcConfig::token_lifetime_seconds`].
    pub token_lifetime_seconds: Option<u64>,
}

/// Token requests by grant type.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenCounters {
    /// `grant_type=authorization_code`.
    pub authorization_code: u64,
    /// `grant_type=refresh_token`.
    pub refresh_token: u64,
    /// Anything else (refused).
    pub other: u64,
}

/// Request counters (`GET /_sim/oidc`).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// `GET /{tenant}/oauth2/v2.0/authorize`.
    pub authorize_requests: u64,
    /// Token requests.
    pub token_requests: TokenCounters,
    /// `GET /{tenant}/oauth2/v2.0/logout`.
    pub logout_requests: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Query,
    Fragment,
}

#[derive(Clone, Debug)]
struct AuthRequest {
    tenant: String,
    client_id: String,
    redirect_uri: String,
    mode: Mode,
    state: Option<String>,
    nonce: Option<String>,
    scopes: Vec<String>,
    challenge: String,
    client_info: bool,
}

struct CodeGrant {
    req: AuthRequest,
    user: &'static User,
    expires_ms: i64,
}

struct RefreshGrant {
    tenant: String,
    client_id: String,
    user: &'static User,
    scopes: Vec<String>,
    expires_ms: i64,
}

struct Pending {
    req: AuthRequest,
    user: &'static User,
    expires_ms: i64,
}

/// Authority state: configuration, counters, codes, refresh tokens, sessions.
pub struct OidcState {
    defaults: OidcConfig,
    config: OidcConfig,
    counters: Counters,
    codes: HashMap<String, CodeGrant>,
    redeemed: HashSet<String>,
    refresh: HashMap<String, RefreshGrant>,
    sessions: HashMap<String, &'static User>,
    pending: HashMap<String, Pending>,
}

impl std::fmt::Debug for OidcState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcState")
            .field("config", &self.config)
            .field("counters", &self.counters)
            .field("codes", &self.codes.len())
            .field("refresh", &self.refresh.len())
            .field("sessions", &self.sessions.len())
            .finish()
    }
}

impl OidcState {
    /// Fresh state whose reset target is `defaults`.
    pub fn new(defaults: OidcConfig) -> Self {
        OidcState {
            config: defaults.clone(),
            defaults,
            counters: Counters::default(),
            codes: HashMap::new(),
            redeemed: HashSet::new(),
            refresh: HashMap::new(),
            sessions: HashMap::new(),
            pending: HashMap::new(),
        }
    }

    /// Back to the start-up state (configuration, counters, codes, tokens, sessions).
    pub fn reset(&mut self) {
        *self = OidcState::new(self.defaults.clone());
    }

    /// The current configuration.
    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Applies a patch (all or nothing).
    pub fn apply(&mut self, patch: &OidcPatch) -> Result<(), String> {
        let user = match &patch.default_user {
            Some(u) => Some(find_user(u).ok_or_else(|| {
                format!(
                    "unknown user {u:?}; use one of {}",
                    USERS.map(|u| u.username).join(", ")
                )
            })?),
            None => None,
        };
        if patch.token_lifetime_seconds == Some(0) {
            return Err("tokenLifetimeSeconds must be at least 1".into());
        }
        if let Some(u) = user {
            self.config.default_user = u.username.to_string();
        }
        if let Some(c) = patch.consent {
            self.config.consent = c;
        }
        if let Some(s) = patch.token_lifetime_seconds {
            self.config.token_lifetime_seconds = s;
        }
        Ok(())
    }
}

/// The authority's fixed facts: its origin and the accepted client ids.
#[derive(Clone, Debug)]
pub struct Authority {
    origin: String,
    client_ids: Vec<String>,
}

impl Authority {
    /// An authority at `origin` (`https://HOST:PORT`); empty `client_ids` accepts any.
    pub fn new(origin: String, client_ids: Vec<String>) -> Self {
        Authority { origin, client_ids }
    }

    /// `https://HOST:PORT`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The issuer for a tenant segment.
    pub fn issuer(&self, tenant: &str) -> String {
        format!("{}/{tenant}/v2.0", self.origin)
    }

    /// The accepted client ids (empty: any).
    pub fn client_ids(&self) -> &[String] {
        &self.client_ids
    }

    fn accepts(&self, client_id: &str) -> bool {
        self.client_ids.is_empty() || self.client_ids.iter().any(|c| c == client_id)
    }

    /// The Graph-side verifier for this authority's tokens.
    pub fn verifier(&self) -> JwtVerifier {
        JwtVerifier {
            origin: self.origin.clone(),
        }
    }
}

/// An authority endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The OpenID configuration.
    Discovery,
    /// The authorization endpoint.
    Authorize,
    /// The consent page's form target.
    Consent,
    /// The token endpoint.
    Token,
    /// The JWKS.
    Keys,
    /// The end-session endpoint.
    Logout,
    /// The script of the cancel page.
    CancelScript,
}

/// Resolves an authority path to its tenant segment and endpoint.
pub fn route(path: &str) -> Option<(String, Endpoint)> {
    let rest = path.strip_prefix('/')?;
    let (tenant, rest) = rest.split_once('/')?;
    let tenant_ok = !tenant.is_empty()
        && tenant.len() <= 128
        && !tenant.starts_with('_')
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    if !tenant_ok {
        return None;
    }
    let ep = match rest.trim_end_matches('/') {
        "v2.0/.well-known/openid-configuration" | ".well-known/openid-configuration" => {
            Endpoint::Discovery
        }
        "oauth2/v2.0/authorize" => Endpoint::Authorize,
        "oauth2/v2.0/consent" => Endpoint::Consent,
        "oauth2/v2.0/token" => Endpoint::Token,
        "oauth2/v2.0/logout" => Endpoint::Logout,
        "oauth2/v2.0/cancel.js" => Endpoint::CancelScript,
        "discovery/v2.0/keys" => Endpoint::Keys,
        _ => return None,
    };
    Some((tenant.to_string(), ep))
}

const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

fn dec(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `a=b&c=d` (query or form body); the first value of a name wins.
pub fn parse_params(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(dec(k)).or_insert_with(|| dec(v));
    }
    out
}

/// Parameters whose values never reach the request log.
const SECRET_PARAMS: [&str; 9] = [
    "code",
    "code_verifier",
    "refresh_token",
    "access_token",
    "id_token",
    "id_token_hint",
    "client_secret",
    "client_assertion",
    "assertion",
];

/// A query string with secret values replaced by `<redacted>`.
pub fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let name = dec(pair.split_once('=').map_or(pair, |(k, _)| k));
            if SECRET_PARAMS.contains(&name.as_str()) {
                format!(
                    "{}=<redacted>",
                    pair.split_once('=').map_or(pair, |(k, _)| k)
                )
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn no_store(res: &mut Response<Body>) {
    res.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    res.headers_mut()
        .insert("pragma", HeaderValue::from_static("no-cache"));
}

fn html(status: StatusCode, title: &str, body: &str, head: &str) -> Response<Body> {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>{head}\
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}}\
button{{font-size:1rem;padding:.4rem 1.2rem;margin-right:.5rem}}</style></head>\n<body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = html_escape(title),
    );
    let mut res = crate::http::response(status, "text/html; charset=utf-8", full(page));
    no_store(&mut res);
    res
}

fn error_page(message: &str) -> Response<Body> {
    html(
        StatusCode::BAD_REQUEST,
        "Sign-in error",
        &format!(
            "<p id=\"error\">{}</p>\n<p>graph-sim local authority: the request cannot be sent back to the application.</p>",
            html_escape(message)
        ),
        "",
    )
}

fn found(location: &str) -> Response<Body> {
    let mut res = Response::new(crate::http::empty());
    *res.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(LOCATION, v);
    }
    no_store(&mut res);
    res
}

fn build_return(redirect_uri: &str, mode: Mode, params: &[(&str, String)]) -> String {
    let q = params
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    match mode {
        Mode::Fragment => format!("{redirect_uri}#{q}"),
        Mode::Query if redirect_uri.contains('?') => format!("{redirect_uri}&{q}"),
        Mode::Query => format!("{redirect_uri}?{q}"),
    }
}

fn timestamp(now_ms: i64) -> String {
    let iso = timefmt::iso_millis(now_ms);
    format!("{} {}Z", &iso[..10], &iso[11..19])
}

fn aadsts(code: u32, text: &str, correlation: &str, now_ms: i64) -> String {
    format!(
        "AADSTS{code}: {text} Trace ID: {} Correlation ID: {correlation} Timestamp: {}",
        guid(),
        timestamp(now_ms)
    )
}

fn error_return(
    req_uri: &str,
    mode: Mode,
    state: Option<&str>,
    error: &str,
    code: u32,
    text: &str,
    now_ms: i64,
) -> Response<Body> {
    let mut params = vec![
        ("error", error.to_string()),
        ("error_description", aadsts(code, text, &guid(), now_ms)),
    ];
    if let Some(s) = state {
        params.push(("state", s.to_string()));
    }
    found(&build_return(req_uri, mode, &params))
}

/// Whether a redirect URI is acceptable: absolute https, or http to a loopback host; no fragment.
pub fn valid_redirect_uri(uri: &str) -> bool {
    if uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Ok(u) = uri.parse::<http::Uri>() else {
        return false;
    };
    let Some(host) = u.host() else { return false };
    match u.scheme_str() {
        Some("https") => true,
        Some("http") => matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1"),
        _ => false,
    }
}

fn tenant_id(tenant: &str) -> String {
    match uuid::Uuid::parse_str(tenant) {
        Ok(u) => u.to_string(),
        Err(_) => SIM_TENANT_ID.to_string(),
    }
}

fn client_info(user: &User, tenant: &str) -> String {
    jwt::b64url(json!({"uid": user.oid, "utid": tenant_id(tenant)}).to_string())
}

fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

/// Scopes granted to a user for a request.
struct Granted {
    /// `scp` names (no resource prefix).
    scp: Vec<String>,
    /// The token response's `scope`.
    response: Vec<String>,
}

fn grant_scopes(user: &User, requested: &[String]) -> Result<Granted, String> {
    let mut scp: Vec<String> = Vec::new();
    let mut response: Vec<String> = Vec::new();
    let mut push = |name: &str, prefixed: bool, scp: &mut Vec<String>| {
        if !scp.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            scp.push(name.to_string());
        }
        let shown = if prefixed {
            format!("{GRAPH_AUDIENCE}/{name}")
        } else {
            name.to_string()
        };
        if !response.contains(&shown) {
            response.push(shown);
        }
    };
    let mut oidc = Vec::new();
    for raw in requested {
        let lower = raw.to_ascii_lowercase();
        if OIDC_SCOPES.contains(&lower.as_str()) {
            if !oidc.contains(&lower) {
                oidc.push(lower);
            }
            continue;
        }
        let (name, prefixed) = if lower.starts_with(&format!("{GRAPH_AUDIENCE}/")) {
            (&raw[GRAPH_AUDIENCE.len() + 1..], true)
        } else if lower.starts_with(&format!("{GRAPH_APP_ID}/")) {
            (&raw[GRAPH_APP_ID.len() + 1..], true)
        } else if raw.contains('/') || raw.contains(':') {
            return Err(format!(
                "The provided value for the input parameter 'scope' is not valid: graph-sim only issues tokens for Microsoft Graph ({raw})."
            ));
        } else {
            (raw.as_str(), false)
        };
        if name.is_empty() {
            return Err("The provided value for the input parameter 'scope' is not valid.".into());
        }
        if name == ".default" {
            let n = if user.role == Role::Reader {
                READ_SCOPE
            } else {
                WRITE_SCOPE
            };
            push(n, true, &mut scp);
        } else if name.eq_ignore_ascii_case(WRITE_SCOPE) && user.role == Role::Reader {
            push(READ_SCOPE, prefixed, &mut scp);
        } else {
            push(name, prefixed, &mut scp);
        }
    }
    if scp.is_empty() {
        push("User.Read", true, &mut scp);
    }
    response.extend(oidc);
    Ok(Granted { scp, response })
}

/// The OpenID configuration for a tenant.
pub fn discovery(auth: &Authority, tenant: &str) -> Value {
    let base = format!("{}/{tenant}", auth.origin);
    json!({
        "issuer": auth.issuer(tenant),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "nonce", "preferred_username", "name", "tid", "oid", "ver"],
        "request_uri_parameter_supported": false,
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "tenant_region_scope": null,
        "cloud_instance_name": "sim.test",
        "msgraph_host": "graph.microsoft.com",
    })
}

/// Answers an authority request (the body already read; the caller logs and adds CORS).
pub async fn handle(
    app: &App,
    auth: &Authority,
    tenant: &str,
    ep: Endpoint,
    parts: &http::request::Parts,
    body: &[u8],
) -> Response<Body> {
    let (method, headers) = (&parts.method, &parts.headers);
    let query = parts.uri.query().unwrap_or_default();
    let get_only = matches!(
        ep,
        Endpoint::Discovery | Endpoint::Keys | Endpoint::Authorize | Endpoint::CancelScript
    );
    if get_only && method != Method::GET && method != Method::HEAD {
        return method_not_allowed("GET");
    }
    match ep {
        Endpoint::Discovery => {
            let mut res = crate::http::json(StatusCode::OK, &discovery(auth, tenant));
            res.headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("max-age=86400"));
            res
        }
        Endpoint::Keys => match jwt::key().await {
            Ok(key) => crate::http::json(StatusCode::OK, &json!({"keys": [key.jwk()]})),
            Err(e) => crate::http::json(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({"error": "temporarily_unavailable", "error_description": e}),
            ),
        },
        Endpoint::CancelScript => {
            let mut res = crate::http::response(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                full(CANCEL_JS),
            );
            no_store(&mut res);
            res
        }
        Endpoint::Authorize => authorize(app, auth, tenant, &parse_params(query), headers),
        Endpoint::Consent => {
            if method != Method::POST {
                return method_not_allowed("POST");
            }
            consent(app, auth, &parse_params(&String::from_utf8_lossy(body)))
        }
        Endpoint::Token => token(app, auth, tenant, method, headers, body).await,
        Endpoint::Logout => logout(app, &parse_params(query), headers),
    }
}

fn method_not_allowed(allow: &'static str) -> Response<Body> {
    let mut res = crate::http::json(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({"error": "invalid_request", "error_description": format!("AADSTS900561: The endpoint only accepts {allow} and OPTIONS requests.")}),
    );
    res.headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    res
}

// The user cancelled: back to the application with error=access_denied, as Entra ID does,
// in popups too. MSAL 5 learns a popup's outcome only from the redirect-bridge page at the
// redirect URI; a popup that merely closed would leave it waiting until `timed_out`.
const CANCEL_JS: &str = "\
// graph-sim: the user cancelled; return to the application with error=access_denied.
(function () {
  var back = document.body && document.body.getAttribute('data-return');
  if (back) window.location.replace(back);
})();
";

fn cancel_page(req: &AuthRequest, user: &User, now_ms: i64) -> Response<Body> {
    let mut params = vec![
        ("error", "access_denied".to_string()),
        ("error_subcode", "cancel".to_string()),
        (
            "error_description",
            aadsts(
                65004,
                "User declined to consent to access the app.",
                &guid(),
                now_ms,
            ),
        ),
    ];
    if let Some(s) = &req.state {
        params.push(("state", s.clone()));
    }
    let back = html_escape(&build_return(&req.redirect_uri, req.mode, &params));
    // No inline script: cancel.js reads the return address from <body data-return>.
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in cancelled</title>\
<script src=\"/{t}/oauth2/v2.0/cancel.js\" defer></script></head>\n<body data-return=\"{back}\">\n\
<h1>Sign-in cancelled</h1>\n<p id=\"cancelled\">{u} cancelled the sign-in. Returning to the application…</p>\n\
<p><a id=\"return\" href=\"{back}\">Return to the application</a></p>\n</body></html>\n",
        t = html_escape(&req.tenant),
        u = html_escape(user.username),
    );
    let mut res = crate::http::response(StatusCode::OK, "text/html; charset=utf-8", full(page));
    no_store(&mut res);
    res
}

fn consent_page(req: &AuthRequest, user: &User, pending_id: &str) -> Response<Body> {
    let granted = grant_scopes(user, &req.scopes)
        .map(|g| g.scp)
        .unwrap_or_default();
    let items: String = granted
        .iter()
        .map(|s| format!("<li>{}</li>", html_escape(s)))
        .collect();
    html(
        StatusCode::OK,
        "Permissions requested",
        &format!(
            "<p>Signed in as <strong id=\"user\">{u}</strong>.</p>\n<p>The application <code>{c}</code> asks for:</p>\n<ul id=\"scopes\">{items}</ul>\n\
<form method=\"post\" action=\"/{t}/oauth2/v2.0/consent\">\n<input type=\"hidden\" name=\"request\" value=\"{p}\">\n\
<button id=\"accept\" type=\"submit\" name=\"decision\" value=\"accept\">Accept</button>\n\
<button id=\"cancel\" type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\n</form>",
            u = html_escape(user.username),
            c = html_escape(&req.client_id),
            t = html_escape(&req.tenant),
            p = html_escape(pending_id),
        ),
        "",
    )
}

fn issue_code(
    st: &mut OidcState,
    req: AuthRequest,
    user: &'static User,
    now_ms: i64,
) -> Response<Body> {
    let code = jwt::random_token(48);
    let sid = jwt::random_token(24);
    let mut params = vec![("code", code.clone())];
    if let Some(s) = &req.state {
        params.push(("state", s.clone()));
    }
    if req.client_info {
        params.push(("client_info", client_info(user, &req.tenant)));
    }
    params.push(("session_state", guid()));
    let location = build_return(&req.redirect_uri, req.mode, &params);
    st.codes.insert(
        code,
        CodeGrant {
            req,
            user,
            expires_ms: now_ms + CODE_TTL_MS,
        },
    );
    st.sessions.insert(sid.clone(), user);
    let mut res = found(&location);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={sid}; Path=/; Secure; HttpOnly; SameSite=None"
    )) {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    res
}

fn authorize(
    app: &App,
    auth: &Authority,
    tenant: &str,
    p: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response<Body> {
    let mut guard = app.lock();
    let now = guard.sim.now_ms();
    let st = &mut guard.oidc;
    st.counters.authorize_requests += 1;
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());

    // Errors that must not redirect.
    let Some(client_id) = param("client_id") else {
        return error_page(
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        );
    };
    if !auth.accepts(client_id) {
        return error_page(&format!(
            "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'."
        ));
    }
    let Some(redirect_uri) = param("redirect_uri") else {
        return error_page(
            "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'.",
        );
    };
    if !valid_redirect_uri(redirect_uri) {
        return error_page(&format!(
            "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."
        ));
    }
    let state = param("state");
    let (mode, mode_error) = match param("response_mode") {
        None | Some("query") => (Mode::Query, false),
        Some("fragment") => (Mode::Fragment, false),
        Some(_) => (Mode::Query, true),
    };
    let fail = |error: &str, code: u32, text: &str| {
        error_return(redirect_uri, mode, state, error, code, text, now)
    };
    if mode_error {
        return fail(
            "invalid_request",
            900_144,
            "The provided value for the input parameter 'response_mode' is not valid: graph-sim supports query and fragment.",
        );
    }
    match param("response_type") {
        Some("code") => {}
        None => {
            return fail(
                "invalid_request",
                900_144,
                "The request body must contain the following parameter: 'response_type'.",
            )
        }
        Some(other) => {
            return fail(
                "unsupported_response_type",
                700_054,
                &format!("response_type '{other}' is not enabled for the application."),
            )
        }
    }
    let Some(scope) = param("scope") else {
        return fail(
            "invalid_request",
            900_144,
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    let scopes: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
    if let Err(e) = grant_scopes(&USERS[0], &scopes) {
        return fail("invalid_scope", 70_011, &e);
    }
    let Some(challenge) = param("code_challenge") else {
        return fail(
            "invalid_request",
            9_002_325,
            "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        );
    };
    if param("code_challenge_method") != Some("S256") {
        return fail(
            "invalid_request",
            501_491,
            "Invalid code_challenge_method: graph-sim only accepts S256.",
        );
    }
    if challenge.len() != 43 || jwt::b64url_decode(challenge).map(|b| b.len()) != Some(32) {
        return fail(
            "invalid_request",
            501_491,
            "Invalid size of Code_Challenge parameter.",
        );
    }
    let prompt = param("prompt");
    if !matches!(
        prompt,
        None | Some("none" | "login" | "select_account" | "consent" | "create")
    ) {
        return fail(
            "invalid_request",
            90_023,
            "Invalid prompt value: use none, login, select_account, consent or create.",
        );
    }
    let req = AuthRequest {
        tenant: tenant.to_string(),
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        mode,
        state: state.map(str::to_string),
        nonce: param("nonce").map(str::to_string),
        scopes,
        challenge: challenge.to_string(),
        client_info: param("client_info") == Some("1"),
    };
    let hint = param("login_hint");

    if prompt == Some("none") {
        let session_user = session_of(headers).and_then(|sid| st.sessions.get(&sid).copied());
        return match session_user {
            Some(u) if hint.is_none_or(|h| u.username.eq_ignore_ascii_case(h)) => {
                issue_code(st, req, u, now)
            }
            _ => fail(
                "login_required",
                50_058,
                "A silent sign-in request was sent but no user is signed in.",
            ),
        };
    }
    let user = match hint {
        Some(h) => match find_user(h) {
            Some(u) => u,
            None => {
                return fail(
                    "invalid_request",
                    50_034,
                    &format!("The user account {h} does not exist in the {tenant} directory."),
                )
            }
        },
        None => find_user(&st.config.default_user).unwrap_or(&USERS[0]),
    };
    if user.role == Role::Cancel {
        return cancel_page(&req, user, now);
    }
    if st.config.consent == Consent::Page {
        st.pending.retain(|_, p| p.expires_ms > now);
        let id = jwt::random_token(24);
        let res = consent_page(&req, user, &id);
        st.pending.insert(
            id,
            Pending {
                req,
                user,
                expires_ms: now + PENDING_TTL_MS,
            },
        );
        return res;
    }
    issue_code(st, req, user, now)
}

fn consent(app: &App, _auth: &Authority, p: &HashMap<String, String>) -> Response<Body> {
    let mut guard = app.lock();
    let now = guard.sim.now_ms();
    let st = &mut guard.oidc;
    let pending = p.get("request").and_then(|id| st.pending.remove(id));
    let Some(pending) = pending.filter(|x| x.expires_ms > now) else {
        return error_page(
            "AADSTS90014: The consent request is unknown or has expired. Start the sign-in again.",
        );
    };
    match p.get("decision").map(String::as_str) {
        Some("accept") => issue_code(st, pending.req, pending.user, now),
        _ => cancel_page(&pending.req, pending.user, now),
    }
}

fn logout(app: &App, p: &HashMap<String, String>, headers: &HeaderMap) -> Response<Body> {
    {
        let mut guard = app.lock();
        guard.oidc.counters.logout_requests += 1;
        if let Some(sid) = session_of(headers) {
            guard.oidc.sessions.remove(&sid);
        }
    }
    let mut res = match p
        .get("post_logout_redirect_uri")
        .filter(|u| valid_redirect_uri(u))
    {
        Some(uri) => {
            let mut params = Vec::new();
            if let Some(s) = p.get("state") {
                params.push(("state", s.clone()));
            }
            if params.is_empty() {
                found(uri)
            } else {
                found(&build_return(uri, Mode::Query, &params))
            }
        }
        None => html(
            StatusCode::OK,
            "Signed out",
            "<p id=\"signed-out\">You signed out of the graph-sim local authority. You can close this window.</p>",
            "",
        ),
    };
    res.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static(
            "graphsim_session=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0",
        ),
    );
    res
}

struct TokenError {
    error: &'static str,
    code: u32,
    text: String,
}

fn terr(error: &'static str, code: u32, text: impl Into<String>) -> TokenError {
    TokenError {
        error,
        code,
        text: text.into(),
    }
}

fn missing(name: &str) -> TokenError {
    terr(
        "invalid_request",
        900_144,
        format!("The request body must contain the following parameter: '{name}'."),
    )
}

async fn token(
    app: &App,
    auth: &Authority,
    tenant: &str,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Response<Body> {
    if method != Method::POST {
        return method_not_allowed("POST");
    }
    let p = parse_params(&String::from_utf8_lossy(body));
    let correlation = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| p.get("client-request-id").cloned())
        .unwrap_or_else(guid);
    {
        let mut s = app.lock();
        let c = &mut s.oidc.counters.token_requests;
        match p.get("grant_type").map(String::as_str) {
            Some("authorization_code") => c.authorization_code += 1,
            Some("refresh_token") => c.refresh_token += 1,
            _ => c.other += 1,
        }
    }
    let key = match jwt::key().await {
        Ok(k) => k,
        Err(e) => {
            let now = app.lock().sim.now_ms();
            return token_error(
                StatusCode::SERVICE_UNAVAILABLE,
                terr("temporarily_unavailable", 50_000, e),
                &correlation,
                now,
            );
        }
    };
    let mut guard = app.lock();
    let now = guard.sim.now_ms();
    let lifetime = guard.oidc.config.token_lifetime_seconds;
    match redeem(&mut guard.oidc, auth, tenant, &p, now) {
        Ok(r) => {
            let body = issue_tokens(&mut guard.oidc, auth, &key, r, now, lifetime);
            drop(guard);
            let mut res = crate::http::json(StatusCode::OK, &body);
            no_store(&mut res);
            res
        }
        Err(e) => {
            drop(guard);
            token_error(StatusCode::BAD_REQUEST, e, &correlation, now)
        }
    }
}

/// What a successful redemption yields.
struct Redeemed {
    tenant: String,
    client_id: String,
    user: &'static User,
    scopes: Vec<String>,
    nonce: Option<String>,
}

fn redeem(
    st: &mut OidcState,
    auth: &Authority,
    tenant: &str,
    p: &HashMap<String, String>,
    now: i64,
) -> Result<Redeemed, TokenError> {
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let grant_type = param("grant_type").ok_or_else(|| missing("grant_type"))?;
    let client_id = param("client_id").ok_or_else(|| missing("client_id"))?;
    if !auth.accepts(client_id) {
        return Err(terr(
            "unauthorized_client",
            700_016,
            format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
        ));
    }
    match grant_type {
        "authorization_code" => {
            let code = param("code").ok_or_else(|| missing("code"))?;
            let redirect_uri = param("redirect_uri").ok_or_else(|| missing("redirect_uri"))?;
            let verifier = param("code_verifier").ok_or_else(|| missing("code_verifier"))?;
            if st.redeemed.contains(code) {
                return Err(terr("invalid_grant", 54_005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
            }
            let Some(grant) = st.codes.remove(code) else {
                return Err(terr("invalid_grant", 9_002_313, "Invalid request. Request is malformed or invalid: the authorization code is not valid."));
            };
            st.redeemed.insert(code.to_string());
            if grant.expires_ms <= now {
                return Err(terr("invalid_grant", 70_008, "The provided authorization code or refresh token has expired due to inactivity."));
            }
            if grant.req.client_id != client_id {
                return Err(terr("invalid_grant", 70_000, "The provided value for the input parameter 'client_id' does not match the application the code was issued to."));
            }
            if grant.req.tenant != tenant {
                return Err(terr(
                    "invalid_grant",
                    70_000,
                    "The authorization code was issued for another tenant.",
                ));
            }
            if grant.req.redirect_uri != redirect_uri {
                return Err(terr("invalid_grant", 70_000, "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code."));
            }
            if jwt::b64url(jwt::sha256(verifier.as_bytes())) != grant.req.challenge {
                return Err(terr("invalid_grant", 50_148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."));
            }
            Ok(Redeemed {
                tenant: grant.req.tenant,
                client_id: grant.req.client_id,
                user: grant.user,
                scopes: grant.req.scopes,
                nonce: grant.req.nonce,
            })
        }
        "refresh_token" => {
            let rt = param("refresh_token").ok_or_else(|| missing("refresh_token"))?;
            let Some(grant) = st.refresh.remove(rt) else {
                return Err(terr("invalid_grant", 70_008, "The provided authorization code or refresh token has expired due to inactivity."));
            };
            if grant.expires_ms <= now {
                return Err(terr(
                    "invalid_grant",
                    700_082,
                    "The refresh token has expired due to inactivity.",
                ));
            }
            if grant.client_id != client_id || grant.tenant != tenant {
                st.refresh.insert(rt.to_string(), grant);
                return Err(terr(
                    "invalid_grant",
                    70_000,
                    "The refresh token was issued to a different client or tenant.",
                ));
            }
            let scopes = match param("scope") {
                Some(s) => s.split_whitespace().map(str::to_string).collect(),
                None => grant.scopes,
            };
            Ok(Redeemed {
                tenant: grant.tenant,
                client_id: grant.client_id,
                user: grant.user,
                scopes,
                nonce: None,
            })
        }
        other => Err(terr(
            "unsupported_grant_type",
            70_003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn issue_tokens(
    st: &mut OidcState,
    auth: &Authority,
    key: &SigningKey,
    r: Redeemed,
    now_ms: i64,
    lifetime: u64,
) -> Value {
    let granted = match grant_scopes(r.user, &r.scopes) {
        Ok(g) => g,
        Err(_) => Granted {
            scp: vec!["User.Read".into()],
            response: vec![format!("{GRAPH_AUDIENCE}/User.Read")],
        },
    };
    let now = now_ms.div_euclid(1000);
    let exp = now + i64::try_from(lifetime).unwrap_or(3600);
    let tid = tenant_id(&r.tenant);
    let iss = auth.issuer(&r.tenant);
    let sub = jwt::b64url(jwt::sha256(
        format!("{}|{}", r.user.oid, r.client_id).as_bytes(),
    ));
    let access = key.sign(&json!({
        "aud": GRAPH_AUDIENCE,
        "iss": iss,
        "iat": now,
        "nbf": now,
        "exp": exp,
        "scp": granted.scp.join(" "),
        "tid": tid,
        "oid": r.user.oid,
        "sub": sub,
        "preferred_username": r.user.username,
        "upn": r.user.username,
        "name": r.user.name,
        "azp": r.client_id,
        "appid": r.client_id,
        "idtyp": "user",
        "uti": jwt::random_token(16),
        "ver": "2.0",
    }));
    let mut body = json!({
        "token_type": "Bearer",
        "scope": granted.response.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access,
        "client_info": client_info(r.user, &r.tenant),
    });
    let wants = |s: &str| r.scopes.iter().any(|x| x.eq_ignore_ascii_case(s));
    if wants("openid") {
        let mut claims = json!({
            "aud": r.client_id,
            "iss": iss,
            "iat": now,
            "nbf": now,
            "exp": exp,
            "tid": tid,
            "oid": r.user.oid,
            "sub": sub,
            "preferred_username": r.user.username,
            "name": r.user.name,
            "uti": jwt::random_token(16),
            "ver": "2.0",
        });
        if let Some(n) = &r.nonce {
            claims["nonce"] = json!(n);
        }
        body["id_token"] = json!(key.sign(&claims));
    }
    if wants("offline_access") {
        st.refresh.retain(|_, g| g.expires_ms > now_ms);
        let rt = jwt::random_token(48);
        st.refresh.insert(
            rt.clone(),
            RefreshGrant {
                tenant: r.tenant,
                client_id: r.client_id,
                user: r.user,
                scopes: r.scopes,
                expires_ms: now_ms + REFRESH_TTL_SECS * 1000,
            },
        );
        body["refresh_token"] = json!(rt);
        body["refresh_token_expires_in"] = json!(REFRESH_TTL_SECS);
    }
    body
}

fn token_error(
    status: StatusCode,
    e: TokenError,
    correlation: &str,
    now_ms: i64,
) -> Response<Body> {
    let trace = guid();
    let ts = timestamp(now_ms);
    let mut res = crate::http::json(
        status,
        &json!({
            "error": e.error,
            "error_description": format!("AADSTS{}: {} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {ts}", e.code, e.text),
            "error_codes": [e.code],
            "timestamp": ts,
            "trace_id": trace,
            "correlation_id": correlation,
        }),
    );
    no_store(&mut res);
    res
}

/// The control API's view of the authority (`GET /_sim/oidc`).
pub fn view(auth: &Authority, st: &OidcState) -> Value {
    json!({
        "authorityUrl": auth.origin,
        "issuer": auth.issuer("{tenant}"),
        "clientIds": if auth.client_ids.is_empty() { Value::Null } else { json!(auth.client_ids) },
        "defaultUser": st.config.default_user,
        "consent": st.config.consent,
        "tokenLifetimeSeconds": st.config.token_lifetime_seconds,
        "users": USERS,
        "sessions": st.sessions.len(),
        "counters": st.counters,
    })
}

/// Verifies this authority's access tokens for Graph.
#[derive(Clone, Debug)]
pub struct JwtVerifier {
    origin: String,
}

fn invalid(reason: &str) -> AuthFailure {
    AuthFailure::Invalid(reason.to_string())
}

impl TokenVerifier for JwtVerifier {
    fn verify(&self, token: &str) -> Result<Grant, AuthFailure> {
        self.verify_at(token, crate::clock::real_now_ms())
    }

    fn verify_at(&self, token: &str, now_ms: i64) -> Result<Grant, AuthFailure> {
        if jwt::split(token).is_none() {
            return Err(AuthFailure::Unknown);
        }
        let signature = "Access token validation failure. Invalid signature.";
        let key = jwt::key_if_ready().ok_or_else(|| invalid(signature))?;
        let claims = key.verify(token).map_err(|_| invalid(signature))?;
        let iss = claims["iss"].as_str().unwrap_or_default();
        let iss_ok = iss
            .strip_prefix(&format!("{}/", self.origin))
            .and_then(|rest| rest.strip_suffix("/v2.0"))
            .is_some_and(|t| !t.is_empty() && !t.contains('/'));
        if !iss_ok {
            return Err(invalid("Access token validation failure. Invalid issuer."));
        }
        let aud_ok = |a: &Value| {
            a.as_str().is_some_and(|a| {
                let a = a.trim_end_matches('/');
                a.eq_ignore_ascii_case(GRAPH_AUDIENCE) || a.eq_ignore_ascii_case(GRAPH_APP_ID)
            })
        };
        let aud = &claims["aud"];
        if !(aud_ok(aud) || aud.as_array().is_some_and(|v| v.iter().any(aud_ok))) {
            return Err(invalid(
                "Access token validation failure. Invalid audience.",
            ));
        }
        let now = now_ms.div_euclid(1000);
        let exp = claims["exp"]
            .as_i64()
            .ok_or_else(|| invalid("Lifetime validation failed, the token has no expiry."))?;
        if now >= exp {
            return Err(invalid("Lifetime validation failed, the token is expired."));
        }
        if claims["nbf"].as_i64().is_some_and(|nbf| nbf > now + 300) {
            return Err(invalid(
                "Lifetime validation failed, the token is not yet valid.",
            ));
        }
        let scp = claims["scp"].as_str().unwrap_or_default();
        let has = |s: &str| scp.split(' ').any(|x| x.eq_ignore_ascii_case(s));
        let access = if has(WRITE_SCOPE) {
            Access::ReadWrite
        } else if has(READ_SCOPE) {
            Access::ReadOnly
        } else {
            Access::NoPermission
        };
        Ok(Grant { access })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_params() {
        assert_eq!(
            route("/sim-tenant/v2.0/.well-known/openid-configuration"),
            Some(("sim-tenant".into(), Endpoint::Discovery))
        );
        assert_eq!(
            route("/common/.well-known/openid-configuration"),
            Some(("common".into(), Endpoint::Discovery))
        );
        assert_eq!(
            route("/t/oauth2/v2.0/token"),
            Some(("t".into(), Endpoint::Token))
        );
        assert_eq!(route("/_sim/oauth2/v2.0/token"), None);
        assert_eq!(route("/t/oauth2/token"), None);
        let p = parse_params("a=1&b=x+y%2Fz&a=2&c");
        assert_eq!(p["a"], "1");
        assert_eq!(p["b"], "x y/z");
        assert_eq!(p["c"], "");
        assert_eq!(
            redact_query("code=abc&state=s&code_verifier=v"),
            "code=<redacted>&state=s&code_verifier=<redacted>"
        );
        assert!(valid_redirect_uri("http://127.0.0.1:8080/cb"));
        assert!(valid_redirect_uri("http://localhost/cb"));
        assert!(valid_redirect_uri("https://app.example/cb?x=1"));
        assert!(!valid_redirect_uri("http://app.example/cb"));
        assert!(!valid_redirect_uri("https://app.example/cb#x"));
        assert!(!valid_redirect_uri("/relative"));
        assert!(!valid_redirect_uri("javascript:alert(1)"));
    }

    #[test]
    fn scopes() {
        let req: Vec<String> = [
            "https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All",
            "openid",
            "profile",
            "offline_access",
        ]
        .map(String::from)
        .to_vec();
        let admin = grant_scopes(&USERS[0], &req).unwrap();
        assert_eq!(admin.scp, vec![WRITE_SCOPE]);
        assert_eq!(
            admin.response.join(" "),
            format!("{GRAPH_AUDIENCE}/{WRITE_SCOPE} openid profile offline_access")
        );
        let reader = grant_scopes(&USERS[1], &req).unwrap();
        assert_eq!(reader.scp, vec![READ_SCOPE]);
        let default =
            grant_scopes(&USERS[1], &["https://graph.microsoft.com/.default".into()]).unwrap();
        assert_eq!(default.scp, vec![READ_SCOPE]);
        assert!(grant_scopes(&USERS[0], &["api://other/x".into()]).is_err());
    }
}
