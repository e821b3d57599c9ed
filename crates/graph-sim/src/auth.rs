//! Bearer-token checks, behind a trait so other token sources (for example JWTs issued by a
//! local OIDC authority) can be added next to the static tokens without touching the routes.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The permission the sync action needs.
pub const WRITE_SCOPE: &str = "DeviceManagementServiceConfig.ReadWrite.All";
/// The permission reading the settings needs (or [`WRITE_SCOPE`]).
pub const READ_SCOPE: &str = "DeviceManagementServiceConfig.Read.All";

/// The permission a caller was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `DeviceManagementServiceConfig.Read.All`: may read the settings, not start a sync.
    ReadOnly,
    /// `DeviceManagementServiceConfig.ReadWrite.All`: may do everything.
    ReadWrite,
    /// A valid token without either permission: Graph answers 403 to every call.
    NoPermission,
}

impl Access {
    /// Whether this access may start a sync.
    pub fn can_write(self) -> bool {
        matches!(self, Access::ReadWrite)
    }

    /// Whether this access may read the settings.
    pub fn can_read(self) -> bool {
        !matches!(self, Access::NoPermission)
    }
}

/// What a verified token allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// Permission level.
    pub access: Access,
    /// The tenant the token belongs to (`--token TOKEN=rw@tenant`, a JWT's `tid`); `None`
    /// is the default tenant.
    pub tenant: Option<String>,
}

/// Why a token was refused. Never carries the token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization` header, or an empty token.
    Missing,
    /// Not of the form `Bearer <token>`.
    Malformed,
    /// Well formed but not known to this verifier.
    Unknown,
    /// Known shape but rejected (expired, bad signature, ...), with a reason for the message.
    Invalid(String),
}

impl AuthFailure {
    /// The `error.message` Graph would send.
    pub fn message(&self) -> String {
        match self {
            AuthFailure::Missing => "Access token is empty.".to_string(),
            AuthFailure::Malformed => {
                "CompactToken parsing failed with error code: 80049217".to_string()
            }
            AuthFailure::Unknown => {
                "CompactToken validation failed with reason code: 80049228.".to_string()
            }
            AuthFailure::Invalid(reason) => reason.clone(),
        }
    }
}

/// Checks a bearer token (the part after `Bearer `).
pub trait TokenVerifier: Send + Sync {
    /// Returns the grant for a valid token.
    fn verify(&self, token: &str) -> Result<Grant, AuthFailure>;

    /// Like [`TokenVerifier::verify`] at `now_ms` on the simulated clock (for verifiers that
    /// check lifetimes); the default ignores the time.
    fn verify_at(&self, token: &str, now_ms: i64) -> Result<Grant, AuthFailure> {
        let _ = now_ms;
        self.verify(token)
    }
}

/// Fixed tokens from the command line (`--token TOKEN=rw|ro[@tenant]`).
#[derive(Clone, Default)]
pub struct StaticTokens {
    tokens: HashMap<String, (Access, Option<String>)>,
}

impl StaticTokens {
    /// Builds the table from `(token, access)` pairs, all in the default tenant.
    pub fn new(pairs: impl IntoIterator<Item = (String, Access)>) -> Self {
        Self::with_tenants(pairs.into_iter().map(|(t, a)| (t, a, None)))
    }

    /// Builds the table from `(token, access, tenant)` triples.
    pub fn with_tenants(
        triples: impl IntoIterator<Item = (String, Access, Option<String>)>,
    ) -> Self {
        StaticTokens {
            tokens: triples.into_iter().map(|(t, a, n)| (t, (a, n))).collect(),
        }
    }
}

impl fmt::Debug for StaticTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticTokens")
            .field("count", &self.tokens.len())
            .finish()
    }
}

impl TokenVerifier for StaticTokens {
    fn verify(&self, token: &str) -> Result<Grant, AuthFailure> {
        match self.tokens.get(token) {
            Some((access, tenant)) => Ok(Grant {
                access: *access,
                tenant: tenant.clone(),
            }),
            None => Err(AuthFailure::Unknown),
        }
    }
}

/// Tries several verifiers in order: the first grant wins; otherwise the most specific
/// failure (anything but `Unknown`) is reported.
#[derive(Clone, Default)]
pub struct AnyOf(pub Vec<Arc<dyn TokenVerifier>>);

impl TokenVerifier for AnyOf {
    fn verify(&self, token: &str) -> Result<Grant, AuthFailure> {
        self.verify_at(token, crate::clock::real_now_ms())
    }

    fn verify_at(&self, token: &str, now_ms: i64) -> Result<Grant, AuthFailure> {
        let mut failure = AuthFailure::Unknown;
        for v in &self.0 {
            match v.verify_at(token, now_ms) {
                Ok(grant) => return Ok(grant),
                Err(AuthFailure::Unknown) => {}
                Err(other) => failure = other,
            }
        }
        Err(failure)
    }
}

/// Extracts the token from an `Authorization` header value (`None` when the header is absent).
pub fn bearer_token(header: Option<&[u8]>) -> Result<&str, AuthFailure> {
    let raw = header.ok_or(AuthFailure::Missing)?;
    let value = std::str::from_utf8(raw).map_err(|_| AuthFailure::Malformed)?;
    let value = value.trim();
    if value.is_empty() || value.eq_ignore_ascii_case("bearer") {
        return Err(AuthFailure::Missing);
    }
    let (scheme, rest) = value.split_once(' ').ok_or(AuthFailure::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthFailure::Malformed);
    }
    let token = rest.trim();
    if token.is_empty() {
        return Err(AuthFailure::Missing);
    }
    if token.contains(char::is_whitespace) {
        return Err(AuthFailure::Malformed);
    }
    Ok(token)
}

/// Redacts an `Authorization` value for the request log.
pub fn redact_authorization(raw: &[u8]) -> String {
    let is_bearer = raw.len() >= 7 && raw[..7].eq_ignore_ascii_case(b"bearer ");
    if is_bearer {
        "Bearer <redacted>".to_string()
    } else {
        "<redacted>".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_headers() {
        assert_eq!(bearer_token(None), Err(AuthFailure::Missing));
        assert_eq!(bearer_token(Some(b"")), Err(AuthFailure::Missing));
        assert_eq!(bearer_token(Some(b"Bearer ")), Err(AuthFailure::Missing));
        assert_eq!(
            bearer_token(Some(b"Basic abc")),
            Err(AuthFailure::Malformed)
        );
        assert_eq!(bearer_token(Some(b"abc")), Err(AuthFailure::Malformed));
        assert_eq!(
            bearer_token(Some(b"Bearer a b")),
            Err(AuthFailure::Malformed)
        );
        assert_eq!(bearer_token(Some(b"bearer tok")), Ok("tok"));
        assert_eq!(bearer_token(Some(b"Bearer  tok ")), Ok("tok"));
    }

    #[test]
    fn chain_prefers_grants_then_specific_failures() {
        let a: Arc<dyn TokenVerifier> =
            Arc::new(StaticTokens::new([("a".to_string(), Access::ReadOnly)]));
        struct Expired;
        impl TokenVerifier for Expired {
            fn verify(&self, token: &str) -> Result<Grant, AuthFailure> {
                if token.starts_with("ey") {
                    Err(AuthFailure::Invalid("Lifetime validation failed".into()))
                } else {
                    Err(AuthFailure::Unknown)
                }
            }
        }
        let chain = AnyOf(vec![a, Arc::new(Expired)]);
        assert_eq!(
            chain.verify("a"),
            Ok(Grant {
                access: Access::ReadOnly,
                tenant: None
            })
        );
        assert_eq!(chain.verify("zz"), Err(AuthFailure::Unknown));
        assert!(matches!(chain.verify("eyJ"), Err(AuthFailure::Invalid(_))));
        assert_eq!(redact_authorization(b"Bearer secret"), "Bearer <redacted>");
        assert_eq!(redact_authorization(b"secret"), "<redacted>");
    }
}
