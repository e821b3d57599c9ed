//! A local OpenID Connect authority (authorization code flow with PKCE), enough for MSAL.js
//! with `protocolMode: "OIDC"`, and the verifier that lets Graph accept its tokens.
//!
//! Routes (any tenant segment, https listener only; the table is in `app.rs`):
//! `/{tenant}/v2.0/.well-known/openid-configuration` and
//! `/{tenant}/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/authorize`,
//! `/{tenant}/oauth2/v2.0/token`, `/{tenant}/oauth2/v2.0/logout`,
//! `/{tenant}/discovery/v2.0/keys`, plus `/{tenant}/oauth2/v2.0/consent` (the consent
//! page's form) and `/{tenant}/oauth2/v2.0/cancel.js` (returns a cancelled sign-in to the
//! app). Issuer: `https://HOST:PORT/{tenant}/v2.0`. Times come from the simulated clock.
//!
//! Parts: [`config`] (users, configuration, the authority's origin), [`session`] (codes,
//! tokens, sessions, counters), [`authorize`], [`token`], [`pages`] (HTML), [`keys`]
//! (signing key, JWKS, verification), [`discovery`], [`scopes`] and [`wire`] (parameters,
//! redirects, OAuth errors).

pub mod authorize;
pub mod config;
pub mod discovery;
pub mod keys;
pub mod pages;
pub mod scopes;
pub mod session;
pub mod token;
pub mod wire;
