//! The OpenID configuration and the JWKS.

use std::sync::Arc;

use http::header::{HeaderValue, CACHE_CONTROL};
use http::StatusCode;
use serde_json::{json, Value};

use super::config::Authority;
use super::keys;
use super::wire::{authority, tenant, OAuthError};
use crate::http::json;
use crate::router::{Req, Res};
use crate::state::AppState;

/// The OpenID configuration for a tenant.
pub fn document(auth: &Authority, tenant: &str) -> Value {
    let base = format!("{}/{tenant}", auth.origin());
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

/// `GET /{tenant}/v2.0/.well-known/openid-configuration` (and without `v2.0`).
pub async fn discovery(state: Arc<AppState>, req: Req) -> Result<Res, OAuthError> {
    let auth = authority(&state)?;
    let mut res = json(StatusCode::OK, &document(&auth, &tenant(&req)));
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("max-age=86400"));
    Ok(res)
}

/// `GET /{tenant}/discovery/v2.0/keys`: the JWKS (waits for the key generation).
pub async fn jwks(state: Arc<AppState>, _req: Req) -> Result<Res, OAuthError> {
    authority(&state)?;
    match keys::key().await {
        Ok(key) => Ok(json(StatusCode::OK, &json!({"keys": [key.jwk()]}))),
        Err(e) => {
            let mut err = OAuthError::new("temporarily_unavailable", 50_000, e);
            err.status = StatusCode::SERVICE_UNAVAILABLE;
            Err(err.at(&crate::http::guid(), state.now_ms()))
        }
    }
}
