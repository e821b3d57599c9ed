//! The interactive endpoints: authorize (code flow with PKCE S256), the consent form and
//! logout. Sessions are a cookie, so `prompt=none` works after one interactive sign-in.

use std::collections::HashMap;
use std::sync::Arc;

use http::header::{HeaderValue, COOKIE, SET_COOKIE};
use http::{HeaderMap, Response};
use serde_json::json;

use super::config::{find_user, Authority, Role, User, USERS};
use super::keys;
use super::pages::{cancel_page, consent_page, signed_out, ErrorPage};
use super::scopes::grant_scopes;
use super::session::CodeGrant;
use super::session::{AuthRequest, Mode, OidcState, Pending, CODE_TTL_MS};
use super::wire::{
    aadsts, authority, build_return, found, parse_params, tenant, valid_redirect_uri,
};
use crate::http::{guid, Body, IntoResponse};
use crate::router::{Req, Res};
use crate::state::AppState;

const SESSION_COOKIE: &str = "graphsim_session";

/// MSAL's `client_info`: base64url of `{"uid", "utid"}`.
pub fn client_info(user: &User, tenant: &str) -> String {
    keys::b64url(json!({"uid": user.oid, "utid": super::config::tenant_id(tenant)}).to_string())
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

fn query(req: &Req) -> HashMap<String, String> {
    parse_params(req.uri().query().unwrap_or_default())
}

fn form(req: &Req) -> HashMap<String, String> {
    parse_params(&String::from_utf8_lossy(req.body()))
}

fn issue_code(
    st: &mut OidcState,
    req: AuthRequest,
    user: &'static User,
    now_ms: i64,
) -> Response<Body> {
    let code = keys::random_token(48);
    let sid = keys::random_token(24);
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

/// Checks the parameters that decide where errors may go; errors before a usable
/// redirect URI are an [`ErrorPage`].
fn client_and_redirect<'a>(
    auth: &Authority,
    tenant: &str,
    p: &'a HashMap<String, String>,
) -> Result<(&'a str, &'a str), ErrorPage> {
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = param("client_id").ok_or_else(|| {
        ErrorPage(
            "AADSTS900144: The request body must contain the following parameter: 'client_id'."
                .into(),
        )
    })?;
    if !auth.accepts(client_id) {
        return Err(ErrorPage(format!(
            "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'."
        )));
    }
    let redirect_uri = param("redirect_uri").ok_or_else(|| {
        ErrorPage(
            "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'."
                .into(),
        )
    })?;
    if !valid_redirect_uri(redirect_uri) {
        return Err(ErrorPage(format!(
            "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."
        )));
    }
    Ok((client_id, redirect_uri))
}

/// Why a checked request goes back to the application with an error.
type Refusal = (&'static str, u32, String);

fn refuse(error: &'static str, code: u32, text: impl Into<String>) -> Refusal {
    (error, code, text.into())
}

/// The checks whose failures return to the application.
fn check_request(
    tenant: &str,
    client_id: &str,
    redirect_uri: &str,
    mode: Result<Mode, ()>,
    p: &HashMap<String, String>,
) -> Result<AuthRequest, Refusal> {
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let mode = mode.map_err(|()| refuse("invalid_request", 900_144, "The provided value for the input parameter 'response_mode' is not valid: graph-sim supports query and fragment."))?;
    match param("response_type") {
        Some("code") => {}
        None => {
            return Err(refuse(
                "invalid_request",
                900_144,
                "The request body must contain the following parameter: 'response_type'.",
            ))
        }
        Some(other) => {
            return Err(refuse(
                "unsupported_response_type",
                700_054,
                format!("response_type '{other}' is not enabled for the application."),
            ))
        }
    }
    let scope = param("scope").ok_or_else(|| {
        refuse(
            "invalid_request",
            900_144,
            "The request body must contain the following parameter: 'scope'.",
        )
    })?;
    let scopes: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
    grant_scopes(&USERS[0], &scopes).map_err(|e| refuse("invalid_scope", 70_011, e))?;
    let challenge = param("code_challenge").ok_or_else(|| refuse("invalid_request", 9_002_325, "Proof Key for Code Exchange is required for cross-origin authorization code redemption."))?;
    if param("code_challenge_method") != Some("S256") {
        return Err(refuse(
            "invalid_request",
            501_491,
            "Invalid code_challenge_method: graph-sim only accepts S256.",
        ));
    }
    if challenge.len() != 43 || keys::b64url_decode(challenge).map(|b| b.len()) != Some(32) {
        return Err(refuse(
            "invalid_request",
            501_491,
            "Invalid size of Code_Challenge parameter.",
        ));
    }
    if !matches!(
        param("prompt"),
        None | Some("none" | "login" | "select_account" | "consent" | "create")
    ) {
        return Err(refuse(
            "invalid_request",
            90_023,
            "Invalid prompt value: use none, login, select_account, consent or create.",
        ));
    }
    Ok(AuthRequest {
        tenant: tenant.to_string(),
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        mode,
        state: param("state").map(str::to_string),
        nonce: param("nonce").map(str::to_string),
        scopes,
        challenge: challenge.to_string(),
        client_info: param("client_info") == Some("1"),
    })
}

/// `GET /{tenant}/oauth2/v2.0/authorize`.
pub async fn authorize(state: Arc<AppState>, req: Req) -> Res {
    let auth = match authority(&state) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let tenant = tenant(&req);
    let p = query(&req);
    let mut guard = state.lock();
    let now = guard.sim.now_ms();
    let st = &mut guard.oidc;
    st.counters.authorize_requests += 1;
    let (client_id, redirect_uri) = match client_and_redirect(&auth, &tenant, &p) {
        Ok(x) => x,
        Err(page) => return page.into_response(),
    };
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let mode = match param("response_mode") {
        None | Some("query") => Ok(Mode::Query),
        Some("fragment") => Ok(Mode::Fragment),
        Some(_) => Err(()),
    };
    let back = mode.unwrap_or(Mode::Query);
    let fail = |(error, code, text): Refusal| {
        let mut params = vec![
            ("error", error.to_string()),
            ("error_description", aadsts(code, &text, &guid(), now)),
        ];
        if let Some(s) = param("state") {
            params.push(("state", s.to_string()));
        }
        found(&build_return(redirect_uri, back, &params))
    };
    let request = match check_request(&tenant, client_id, redirect_uri, mode, &p) {
        Ok(r) => r,
        Err(refusal) => return fail(refusal),
    };
    let hint = param("login_hint");
    if param("prompt") == Some("none") {
        let session_user = session_of(req.headers()).and_then(|sid| st.sessions.get(&sid).copied());
        return match session_user {
            Some(u) if hint.is_none_or(|h| u.username.eq_ignore_ascii_case(h)) => {
                issue_code(st, request, u, now)
            }
            _ => fail(refuse(
                "login_required",
                50_058,
                "A silent sign-in request was sent but no user is signed in.",
            )),
        };
    }
    let user = match hint {
        Some(h) => match find_user(h) {
            Some(u) => u,
            None => {
                return fail(refuse(
                    "invalid_request",
                    50_034,
                    format!("The user account {h} does not exist in the {tenant} directory."),
                ))
            }
        },
        None => find_user(&st.config.default_user).unwrap_or(&USERS[0]),
    };
    if user.role == Role::Cancel {
        return cancel_page(&request, user, now);
    }
    if st.consent_page() {
        st.pending.retain(|_, p| p.expires_ms > now);
        let id = keys::random_token(24);
        let res = consent_page(&request, user, &id);
        st.pending.insert(
            id,
            Pending {
                req: request,
                user,
                expires_ms: now + CODE_TTL_MS,
            },
        );
        return res;
    }
    issue_code(st, request, user, now)
}

/// `POST /{tenant}/oauth2/v2.0/consent`: the consent page's Accept or Cancel.
pub async fn consent(state: Arc<AppState>, req: Req) -> Result<Res, ErrorPage> {
    let p = form(&req);
    let mut guard = state.lock();
    let now = guard.sim.now_ms();
    let st = &mut guard.oidc;
    let pending = p.get("request").and_then(|id| st.pending.remove(id));
    let Some(pending) = pending.filter(|x| x.expires_ms > now) else {
        return Err(ErrorPage(
            "AADSTS90014: The consent request is unknown or has expired. Start the sign-in again."
                .into(),
        ));
    };
    Ok(match p.get("decision").map(String::as_str) {
        Some("accept") => issue_code(st, pending.req, pending.user, now),
        _ => cancel_page(&pending.req, pending.user, now),
    })
}

/// `GET /{tenant}/oauth2/v2.0/logout`: ends the session; back to
/// `post_logout_redirect_uri` (with `state`) when it is acceptable.
pub async fn logout(state: Arc<AppState>, req: Req) -> Res {
    let p = query(&req);
    {
        let mut guard = state.lock();
        guard.oidc.counters.logout_requests += 1;
        if let Some(sid) = session_of(req.headers()) {
            guard.oidc.sessions.remove(&sid);
        }
    }
    let back = p
        .get("post_logout_redirect_uri")
        .filter(|u| valid_redirect_uri(u));
    let mut res = match back {
        Some(uri) => match p.get("state") {
            Some(s) => found(&build_return(uri, Mode::Query, &[("state", s.clone())])),
            None => found(uri),
        },
        None => signed_out(),
    };
    res.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static(
            "graphsim_session=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0",
        ),
    );
    res
}
