//! The token endpoint: authorization codes (with PKCE) and refresh tokens in, RS256
//! access and ID tokens out.

use std::collections::HashMap;
use std::sync::Arc;

use http::StatusCode;
use serde_json::{json, Value};

use super::authorize::client_info;
use super::config::{tenant_id, Authority, User, GRAPH_AUDIENCE};
use super::keys::{self, SigningKey};
use super::scopes::{grant_scopes, Granted};
use super::session::{OidcState, RefreshGrant, REFRESH_TTL_SECS};
use super::wire::{authority, no_store, parse_params, tenant, OAuthError};
use crate::http::{guid, json as json_response};
use crate::router::{Req, Res};
use crate::state::AppState;

/// `POST /{tenant}/oauth2/v2.0/token`.
pub async fn token(state: Arc<AppState>, req: Req) -> Result<Res, OAuthError> {
    let auth = authority(&state)?;
    let tenant = tenant(&req);
    let p = parse_params(&String::from_utf8_lossy(req.body()));
    let correlation = req
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| p.get("client-request-id").cloned())
        .unwrap_or_else(guid);
    {
        let mut s = state.lock();
        let c = &mut s.oidc.counters.token_requests;
        match p.get("grant_type").map(String::as_str) {
            Some("authorization_code") => c.authorization_code += 1,
            Some("refresh_token") => c.refresh_token += 1,
            _ => c.other += 1,
        }
    }
    let key = match keys::key().await {
        Ok(k) => k,
        Err(e) => {
            let mut err = OAuthError::new("temporarily_unavailable", 50_000, e);
            err.status = StatusCode::SERVICE_UNAVAILABLE;
            return Err(err.at(&correlation, state.now_ms()));
        }
    };
    let mut guard = state.lock();
    let now = guard.sim.now_ms();
    let lifetime = guard.oidc.config.token_lifetime_seconds;
    let redeemed =
        redeem(&mut guard.oidc, &auth, &tenant, &p, now).map_err(|e| e.at(&correlation, now))?;
    let body = issue_tokens(&mut guard.oidc, &auth, &key, redeemed, now, lifetime);
    drop(guard);
    let mut res = json_response(StatusCode::OK, &body);
    no_store(&mut res);
    Ok(res)
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
) -> Result<Redeemed, OAuthError> {
    let param = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let grant_type = param("grant_type").ok_or_else(|| OAuthError::missing("grant_type"))?;
    let client_id = param("client_id").ok_or_else(|| OAuthError::missing("client_id"))?;
    if !auth.accepts(client_id) {
        return Err(OAuthError::new(
            "unauthorized_client",
            700_016,
            format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
        ));
    }
    let grant = |code: u32, text: &str| OAuthError::new("invalid_grant", code, text);
    match grant_type {
        "authorization_code" => {
            let code = param("code").ok_or_else(|| OAuthError::missing("code"))?;
            let redirect_uri =
                param("redirect_uri").ok_or_else(|| OAuthError::missing("redirect_uri"))?;
            let verifier =
                param("code_verifier").ok_or_else(|| OAuthError::missing("code_verifier"))?;
            if st.redeemed.contains(code) {
                return Err(grant(54_005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
            }
            let Some(issued) = st.codes.remove(code) else {
                return Err(grant(9_002_313, "Invalid request. Request is malformed or invalid: the authorization code is not valid."));
            };
            st.redeemed.insert(code.to_string());
            if issued.expires_ms <= now {
                return Err(grant(70_008, "The provided authorization code or refresh token has expired due to inactivity."));
            }
            if issued.req.client_id != client_id {
                return Err(grant(70_000, "The provided value for the input parameter 'client_id' does not match the application the code was issued to."));
            }
            if issued.req.tenant != tenant {
                return Err(grant(
                    70_000,
                    "The authorization code was issued for another tenant.",
                ));
            }
            if issued.req.redirect_uri != redirect_uri {
                return Err(grant(70_000, "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code."));
            }
            if keys::b64url(keys::sha256(verifier.as_bytes())) != issued.req.challenge {
                return Err(grant(50_148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."));
            }
            Ok(Redeemed {
                tenant: issued.req.tenant,
                client_id: issued.req.client_id,
                user: issued.user,
                scopes: issued.req.scopes,
                nonce: issued.req.nonce,
            })
        }
        "refresh_token" => {
            let rt = param("refresh_token").ok_or_else(|| OAuthError::missing("refresh_token"))?;
            let Some(issued) = st.refresh.remove(rt) else {
                return Err(grant(70_008, "The provided authorization code or refresh token has expired due to inactivity."));
            };
            if issued.expires_ms <= now {
                return Err(grant(
                    700_082,
                    "The refresh token has expired due to inactivity.",
                ));
            }
            if issued.client_id != client_id || issued.tenant != tenant {
                st.refresh.insert(rt.to_string(), issued);
                return Err(grant(
                    70_000,
                    "The refresh token was issued to a different client or tenant.",
                ));
            }
            let scopes = match param("scope") {
                Some(s) => s.split_whitespace().map(str::to_string).collect(),
                None => issued.scopes,
            };
            Ok(Redeemed {
                tenant: issued.tenant,
                client_id: issued.client_id,
                user: issued.user,
                scopes,
                nonce: None,
            })
        }
        other => Err(OAuthError::new(
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
    let granted = grant_scopes(r.user, &r.scopes).unwrap_or_else(|_| Granted {
        scp: vec!["User.Read".into()],
        response: vec![format!("{GRAPH_AUDIENCE}/User.Read")],
    });
    let now = now_ms.div_euclid(1000);
    let exp = now + i64::try_from(lifetime).unwrap_or(3600);
    let tid = tenant_id(&r.tenant);
    let iss = auth.issuer(&r.tenant);
    let sub = keys::b64url(keys::sha256(
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
        "uti": keys::random_token(16),
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
            "uti": keys::random_token(16),
            "ver": "2.0",
        });
        if let Some(n) = &r.nonce {
            claims["nonce"] = json!(n);
        }
        body["id_token"] = json!(key.sign(&claims));
    }
    if wants("offline_access") {
        st.refresh.retain(|_, g| g.expires_ms > now_ms);
        let rt = keys::random_token(48);
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
