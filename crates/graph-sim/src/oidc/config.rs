//! The authority's fixed facts and configuration: users, consent mode, token lifetime,
//! its origin and accepted client ids.

use serde::{Deserialize, Serialize};

/// Graph's resource URI (the access tokens' `aud`).
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
/// Graph's application id (also accepted as `aud`).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// `tid` for tenant segments that are not GUIDs (`sim-tenant`, `common`, ...).
pub const SIM_TENANT_ID: &str = "5c0b6f7e-3a2d-4f18-9e47-8d1c2b3a4f50";

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

/// The authority's origin and the accepted client ids.
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

    /// Whether `client_id` may use the authority.
    pub fn accepts(&self, client_id: &str) -> bool {
        self.client_ids.is_empty() || self.client_ids.iter().any(|c| c == client_id)
    }
}

/// Whether a path segment can name a tenant (the `{tenant}` of every authority route).
pub fn valid_tenant(tenant: &str) -> bool {
    !tenant.is_empty()
        && tenant.len() <= 128
        && !tenant.starts_with('_')
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
}

/// The `tid` for a tenant segment: the segment itself when it is a GUID.
pub fn tenant_id(tenant: &str) -> String {
    match uuid::Uuid::parse_str(tenant) {
        Ok(u) => u.to_string(),
        Err(_) => SIM_TENANT_ID.to_string(),
    }
}
