//! RS256 JSON Web Tokens: the authority's signing key, signing, the JWKS, and the
//! verifier that lets the Graph routes accept the authority's access tokens.
//!
//! The RSA key is generated once per process on a background thread (the `rsa` crate is
//! slow in debug builds, a few seconds for 2048 bits), so start-up is not delayed: the
//! token and JWKS endpoints wait for it with [`key`]. Signing and signature checks use
//! the `jsonwebtoken` crate (its ring backend); the claims (issuer for any tenant, audience,
//! lifetime on the *simulated* clock, scopes) are checked here, since `jsonwebtoken`
//! compares `exp` with the real clock.

use std::sync::{Arc, Once, OnceLock};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};

use super::config::{GRAPH_APP_ID, GRAPH_AUDIENCE};
use crate::auth::{Access, AuthFailure, Grant, TokenVerifier, READ_SCOPE, WRITE_SCOPE};

/// Base64url without padding, as JOSE uses it.
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding (padding tolerated).
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Vec<u8> {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .expect("the operating system random source works");
    buf
}

/// A random opaque string (base64url of `n` bytes).
pub fn random_token(n: usize) -> String {
    b64url(random_bytes(n))
}

/// The authority's RSA signing key.
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

/// Why a token did not verify.
#[derive(Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a compact JWT (three base64url parts, JSON header and claims).
    NotJwt,
    /// Another algorithm or key id.
    WrongKey,
    /// The signature does not match.
    BadSignature,
}

impl SigningKey {
    /// Generates a fresh 2048-bit key (slow in debug builds: prefer [`key`]).
    pub fn generate() -> Result<Self, String> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048)
            .map_err(|e| format!("cannot generate the RSA key: {e}"))?;
        let der = key
            .to_pkcs1_der()
            .map_err(|e| format!("cannot encode the RSA key: {e}"))?;
        let encoding = EncodingKey::from_rsa_der(der.as_bytes());
        let n = key.n().to_bytes_be();
        let e = key.e().to_bytes_be();
        let decoding = DecodingKey::from_rsa_raw_components(&n, &e);
        let kid = b64url(&sha256(&n)[..20]);
        Ok(SigningKey {
            kid,
            encoding,
            decoding,
            n,
            e,
        })
    }

    /// The key id (`kid`).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": b64url(&self.n),
            "e": b64url(&self.e),
        })
    }

    /// Signs `claims` as a compact RS256 JWT (`typ`, `alg`, `kid` in the header).
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("RS256 signing works")
    }

    /// Checks the signature and returns the claims (no claim is checked here).
    pub fn verify(&self, token: &str) -> Result<Value, VerifyError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::NotJwt)?;
        if header.alg != Algorithm::RS256 || header.kid.as_deref() != Some(self.kid.as_str()) {
            return Err(VerifyError::WrongKey);
        }
        let mut only_signature = Validation::new(Algorithm::RS256);
        only_signature.validate_exp = false;
        only_signature.validate_aud = false;
        only_signature.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(token, &self.decoding, &only_signature)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature => VerifyError::BadSignature,
                _ => VerifyError::NotJwt,
            })
            .and_then(|claims| match claims {
                Value::Object(_) => Ok(claims),
                _ => Err(VerifyError::NotJwt),
            })
    }
}

/// Whether `token` looks like a JWT at all (a header that decodes): other tokens are left
/// to the other verifiers.
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3 && jsonwebtoken::decode_header(token).is_ok()
}

static KEY: OnceLock<Result<Arc<SigningKey>, String>> = OnceLock::new();
static KEYGEN: Once = Once::new();

/// Starts generating the process-wide key in the background (idempotent).
pub fn start_keygen() {
    KEYGEN.call_once(|| {
        std::thread::Builder::new()
            .name("graph-sim-keygen".into())
            .spawn(|| {
                let _ = KEY.set(SigningKey::generate().map(Arc::new));
            })
            .expect("can spawn the key generation thread");
    });
}

/// The process-wide key if it is ready.
pub fn key_if_ready() -> Option<Arc<SigningKey>> {
    KEY.get().and_then(|r| r.as_ref().ok()).cloned()
}

/// The process-wide key, waiting for its generation (at most two minutes).
pub async fn key() -> Result<Arc<SigningKey>, String> {
    start_keygen();
    for _ in 0..4800 {
        if let Some(r) = KEY.get() {
            return r.clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Err("the signing key is still being generated".into())
}

/// Verifies this authority's access tokens for Graph: signature, issuer, audience,
/// lifetime (on the simulated clock) and scope.
#[derive(Clone, Debug)]
pub struct JwtVerifier {
    origin: String,
}

impl JwtVerifier {
    /// The verifier for tokens of the authority at `origin` (`https://HOST:PORT`).
    pub fn new(origin: &str) -> Self {
        JwtVerifier {
            origin: origin.to_string(),
        }
    }
}

fn invalid(reason: &str) -> AuthFailure {
    AuthFailure::Invalid(reason.to_string())
}

impl TokenVerifier for JwtVerifier {
    fn verify(&self, token: &str) -> Result<Grant, AuthFailure> {
        self.verify_at(token, crate::clock::real_now_ms())
    }

    fn verify_at(&self, token: &str, now_ms: i64) -> Result<Grant, AuthFailure> {
        if !looks_like_jwt(token) {
            return Err(AuthFailure::Unknown);
        }
        let signature = "Access token validation failure. Invalid signature.";
        let key = key_if_ready().ok_or_else(|| invalid(signature))?;
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
        // The authority's own default tenant is the simulator's default tenant.
        let tenant = claims["tid"]
            .as_str()
            .filter(|t| *t != super::config::SIM_TENANT_ID)
            .map(String::from);
        Ok(Grant { access, tenant })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sign_and_verify() {
        let key = key().await.unwrap();
        let token = key.sign(&json!({"a": 1}));
        assert_eq!(key.verify(&token).unwrap()["a"], 1);
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert!(key.verify(&tampered).is_err());
        let (head, claims, sig) = {
            let mut p = token.split('.');
            (p.next().unwrap(), p.next().unwrap(), p.next().unwrap())
        };
        let forged = format!("{head}.{}.{sig}", b64url(r#"{"a":2}"#));
        assert_eq!(key.verify(&forged), Err(VerifyError::BadSignature));
        assert!(!claims.is_empty());
        assert_eq!(key.verify("a.b"), Err(VerifyError::NotJwt));
        assert_eq!(key.jwk()["kid"], key.kid());
    }
}
