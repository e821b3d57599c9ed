//! The authority's changing state: configuration, counters, pending sign-ins,
//! authorization codes, refresh tokens and sessions.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{json, Value};

use super::config::{find_user, Authority, Consent, OidcConfig, OidcPatch, User, USERS};

/// Codes and pending consents live this long.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Refresh tokens live this long.
pub const REFRESH_TTL_SECS: i64 = 24 * 60 * 60;

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

/// Where the authorization response goes back: query or fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `?code=...`.
    Query,
    /// `#code=...`.
    Fragment,
}

/// A checked authorization request.
#[derive(Clone, Debug)]
pub struct AuthRequest {
    /// The tenant segment.
    pub tenant: String,
    /// The application.
    pub client_id: String,
    /// Where the answer goes.
    pub redirect_uri: String,
    /// Query or fragment.
    pub mode: Mode,
    /// Echoed `state`.
    pub state: Option<String>,
    /// `nonce` for the ID token.
    pub nonce: Option<String>,
    /// Requested scopes.
    pub scopes: Vec<String>,
    /// PKCE S256 challenge.
    pub challenge: String,
    /// Whether `client_info=1` was asked for.
    pub client_info: bool,
}

/// An issued authorization code.
pub struct CodeGrant {
    /// The request it answers.
    pub req: AuthRequest,
    /// Who signed in.
    pub user: &'static User,
    /// Expiry on the simulated clock.
    pub expires_ms: i64,
}

/// An issued refresh token.
pub struct RefreshGrant {
    /// The tenant segment.
    pub tenant: String,
    /// The application.
    pub client_id: String,
    /// Who signed in.
    pub user: &'static User,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Expiry on the simulated clock.
    pub expires_ms: i64,
}

/// A sign-in waiting on the consent page.
pub struct Pending {
    /// The request.
    pub req: AuthRequest,
    /// Who signed in.
    pub user: &'static User,
    /// Expiry on the simulated clock.
    pub expires_ms: i64,
}

/// Authority state: configuration, counters, codes, refresh tokens, sessions.
pub struct OidcState {
    defaults: OidcConfig,
    /// Current configuration.
    pub config: OidcConfig,
    /// Request counters.
    pub counters: Counters,
    /// Unredeemed codes.
    pub codes: HashMap<String, CodeGrant>,
    /// Codes already redeemed (a second use gets AADSTS54005).
    pub redeemed: HashSet<String>,
    /// Live refresh tokens.
    pub refresh: HashMap<String, RefreshGrant>,
    /// Session cookie → user.
    pub sessions: HashMap<String, &'static User>,
    /// Consent-page sign-ins.
    pub pending: HashMap<String, Pending>,
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

    /// Whether sign-ins stop at the consent page.
    pub fn consent_page(&self) -> bool {
        self.config.consent == Consent::Page
    }
}

/// The control API's view of the authority (`GET /_sim/oidc`).
pub fn view(auth: &Authority, st: &OidcState) -> Value {
    let client_ids = auth.client_ids();
    json!({
        "authorityUrl": auth.origin(),
        "issuer": auth.issuer("{tenant}"),
        "clientIds": if client_ids.is_empty() { Value::Null } else { json!(client_ids) },
        "defaultUser": st.config.default_user,
        "consent": st.config.consent,
        "tokenLifetimeSeconds": st.config.token_lifetime_seconds,
        "users": USERS,
        "sessions": st.sessions.len(),
        "counters": st.counters,
    })
}
