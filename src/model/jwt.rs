//! What an access token says about itself (`describeToken`), read before any request.
//!
//! A JWT's payload is base64url JSON; it is decoded here WITHOUT checking the signature
//! (only Graph can do that), so everything below is a hint for the UI, never a security
//! decision. The token and its signature are never copied into the description: only the
//! claims listed in `TokenFacts` are kept.

#[allow(unused_imports)]
use crate::prelude::*;

use super::cloud::Cloud;
use super::json::{parse, Doc, Json, ObjectWriter};
use super::time::{floor, format_iso};
use super::token::check_token;

/// Graph's application id, used as `aud` by some token versions in every cloud.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// The permission that starts a sync.
pub const SYNC_PERMISSION: &str = "DeviceManagementServiceConfig.ReadWrite.All";
/// The permission that reads the sync state (or [`SYNC_PERMISSION`]).
pub const READ_PERMISSION: &str = "DeviceManagementServiceConfig.Read.All";
/// Clock skew allowed between this machine and the token issuer (2 minutes): a token this
/// close to its `exp` is refreshed before sending, and `nbf` this far ahead is tolerated.
pub const TOKEN_SKEW_MS: f64 = 120_000.0;
/// Longer inputs are not decoded (access tokens are a few kilobytes).
const MAX_TOKEN_LEN: usize = 32 * 1024;

/// The claims of a decoded JWT access token that matter here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenFacts {
    /// `aud`, the first Graph-looking entry when it is a list.
    pub audience: Option<String>,
    /// Whether the audience is Microsoft Graph (resource URI of any cloud, or Graph's app id).
    pub graph_audience: bool,
    /// The cloud the audience (or, for Graph's app id, the issuer) names; `None` when unknown.
    pub cloud: Option<Cloud>,
    /// `tid`.
    pub tenant_id: Option<String>,
    /// `upn`, `preferred_username`, `unique_name` or `email` (delegated tokens only).
    pub user: Option<String>,
    /// `appid` or `azp`.
    pub app_id: Option<String>,
    /// Delegated permissions (`scp`, split on spaces).
    pub scopes: Vec<String>,
    /// Application permissions (`roles`).
    pub roles: Vec<String>,
    /// App-only (client credentials): `idtyp` is `app`, or `roles` without `scp`.
    pub app_only: bool,
    /// `iat`, `nbf`, `exp` in ms since the epoch.
    pub issued_at_ms: Option<f64>,
    /// `nbf` in ms.
    pub not_before_ms: Option<f64>,
    /// `exp` in ms.
    pub expires_at_ms: Option<f64>,
}

/// Decodes base64url (padding and the standard alphabet tolerated); `None` on bad input.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

/// A JSON segment of a JWT as an object.
fn segment(text: &str) -> Option<Doc> {
    let bytes = base64url(text)?;
    let json = parse(core::str::from_utf8(&bytes).ok()?)?;
    json.is_object().then_some(json)
}

/// A NumericDate claim (seconds) in ms; fractions and garbage tolerated.
fn seconds_ms(claims: &Doc, key: &str) -> Option<f64> {
    let n = claims.get(key)?.number()?;
    (n >= 0.0 && n < (1u64 << 40) as f64).then(|| floor(n) * 1000.0)
}

/// The strings of a claim that is a string or an array (of which the strings count).
fn strings(claims: &Doc, key: &str) -> Vec<String> {
    let Some(v) = claims.get(key) else {
        return Vec::new();
    };
    match v.items() {
        Some(list) => list.iter().filter_map(Json::string).collect(),
        None => v.string().into_iter().collect(),
    }
}

fn string(claims: &Doc, key: &str) -> Option<String> {
    let s = claims.get(key)?.string()?;
    let t = s.trim();
    (!t.is_empty()).then(|| t.into())
}

/// The cloud whose Graph this audience names; `Some(None)` for Graph's app id (any cloud).
fn graph_cloud(aud: &str) -> Option<Option<Cloud>> {
    if aud.eq_ignore_ascii_case(GRAPH_APP_ID) {
        return Some(None);
    }
    let host = aud.trim_end_matches('/');
    Cloud::ALL
        .into_iter()
        .find(|c| c.graph_host().eq_ignore_ascii_case(host))
        .map(Some)
}

/// The cloud an issuer (`iss`) belongs to, when it says so unambiguously.
fn issuer_cloud(iss: &str) -> Option<Cloud> {
    let host = iss.split('/').nth(2)?.to_ascii_lowercase();
    if host.ends_with("chinacloudapi.cn") {
        Some(Cloud::China)
    } else if host == "login.microsoftonline.com" {
        Some(Cloud::Global)
    } else {
        // login.microsoftonline.us serves both US Government clouds; sts.windows.net
        // issues v1 tokens in several clouds.
        None
    }
}

/// Reads a JWT access token's claims; `None` when it is not a readable JWS (an opaque
/// token, an encrypted JWE, or garbage).
pub fn read_token(raw: &str) -> Option<TokenFacts> {
    let token = check_token(raw).ok()?;
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    segment(header)?;
    let claims = segment(payload)?;
    let audiences = strings(&claims, "aud");
    let graph = audiences
        .iter()
        .find_map(|a| graph_cloud(a).map(|c| (a.as_str(), c)));
    let (audience, graph_audience, cloud) = match graph {
        Some((a, Some(c))) => (Some(a.into()), true, Some(c)),
        Some((a, None)) => (
            Some(a.into()),
            true,
            string(&claims, "iss").as_deref().and_then(issuer_cloud),
        ),
        None => (audiences.first().cloned(), false, None),
    };
    let scopes: Vec<String> = string(&claims, "scp")
        .map(|s| s.split_whitespace().map(Into::into).collect())
        .unwrap_or_default();
    let roles: Vec<String> = match claims.get("roles").and_then(|r| r.items()) {
        Some(list) => list.iter().filter_map(Json::string).collect(),
        None => Vec::new(),
    };
    let app_only = match string(&claims, "idtyp").as_deref() {
        Some("app") => true,
        Some("user") => false,
        _ => scopes.is_empty() && !roles.is_empty(),
    };
    let user = if app_only {
        None
    } else {
        ["upn", "preferred_username", "unique_name", "email"]
            .into_iter()
            .find_map(|k| string(&claims, k))
    };
    Some(TokenFacts {
        audience,
        graph_audience,
        cloud,
        tenant_id: string(&claims, "tid"),
        user,
        app_id: string(&claims, "appid").or_else(|| string(&claims, "azp")),
        scopes,
        roles,
        app_only,
        issued_at_ms: seconds_ms(&claims, "iat"),
        not_before_ms: seconds_ms(&claims, "nbf"),
        expires_at_ms: seconds_ms(&claims, "exp"),
    })
}

/// Whether a client should get a fresh token before sending this one: it is a JWT whose
/// `exp` is within [`TOKEN_SKEW_MS`] of `now_ms` (or past). Opaque tokens: never.
pub fn needs_refresh(token: &str, now_ms: f64) -> bool {
    read_token(token)
        .and_then(|f| f.expires_at_ms)
        .is_some_and(|exp| exp - TOKEN_SKEW_MS <= now_ms)
}

fn has(list: &[String], permission: &str) -> bool {
    list.iter().any(|p| {
        p.eq_ignore_ascii_case(permission)
            || p.len() > permission.len()
                && p.is_char_boundary(p.len() - permission.len() - 1)
                && p[p.len() - permission.len() - 1..].starts_with('/')
                && p[p.len() - permission.len()..].eq_ignore_ascii_case(permission)
    })
}

/// One thing the token says will go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenProblem {
    /// `expired`, `notYetValid`, `wrongAudience`, `wrongCloud` or `missingPermission`.
    pub code: &'static str,
    /// One sentence for an admin.
    pub message: String,
}

/// What `describeToken` returns.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenReport {
    /// The decoded claims; `None` for an opaque token.
    pub facts: Option<TokenFacts>,
    /// Whether `exp` has passed (`None` when unknown).
    pub expired: Option<bool>,
    /// Whether the permissions allow starting a sync (`None` when unknown).
    pub can_sync: Option<bool>,
    /// Whether they allow reading the sync state.
    pub can_read: Option<bool>,
    /// What will go wrong, in the order a user should fix it.
    pub problems: Vec<TokenProblem>,
}

fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// Describes a token for a call to `expected` (the `cloud`/`baseUrl` chosen, if it names
/// one of Microsoft's clouds) at `now_ms`.
pub fn describe_token(raw: &str, expected: Option<Cloud>, now_ms: f64) -> TokenReport {
    let Some(f) = read_token(raw) else {
        return TokenReport {
            facts: None,
            expired: None,
            can_sync: None,
            can_read: None,
            problems: Vec::new(),
        };
    };
    let mut problems = Vec::new();
    let mut problem = |code, message| problems.push(TokenProblem { code, message });
    let expired = f.expires_at_ms.map(|exp| exp <= now_ms);
    if let (Some(true), Some(exp)) = (expired, f.expires_at_ms) {
        problem(
            "expired",
            cat(&[
                "The token expired at ",
                &format_iso(exp),
                "; get a new one (sign in again).",
            ]),
        );
    }
    if let Some(nbf) = f.not_before_ms.filter(|n| *n > now_ms + TOKEN_SKEW_MS) {
        problem(
            "notYetValid",
            cat(&[
                "The token is not valid before ",
                &format_iso(nbf),
                "; check this computer's clock.",
            ]),
        );
    }
    if !f.graph_audience {
        problem(
            "wrongAudience",
            cat(&[
                "The token is for ",
                f.audience.as_deref().unwrap_or("no named resource"),
                ", not Microsoft Graph; request a token for Graph (scope https://graph.microsoft.com/.default or its cloud's host).",
            ]),
        );
    }
    if let (Some(want), Some(got)) = (expected, f.cloud) {
        if want != got {
            problem(
                "wrongCloud",
                cat(&[
                    "The token is for Microsoft Graph in the ",
                    got.name(),
                    " cloud (",
                    got.graph_host(),
                    "), but the call goes to the ",
                    want.name(),
                    " cloud (",
                    want.graph_host(),
                    "); tokens do not work across clouds.",
                ]),
            );
        }
    }
    let (granted, kind, claim) = if f.app_only {
        (&f.roles, "application", "roles")
    } else {
        (&f.scopes, "delegated", "scp")
    };
    let can_sync = has(granted, SYNC_PERMISSION);
    let can_read = can_sync || has(granted, READ_PERMISSION);
    if !can_sync {
        problem(
            "missingPermission",
            cat(&[
                "The token's ",
                kind,
                " permissions (",
                claim,
                ") do not include ",
                SYNC_PERMISSION,
                ", which starting a sync needs",
                if can_read {
                    "; it can read the sync status only."
                } else {
                    "; without it or DeviceManagementServiceConfig.Read.All it cannot read the sync status either."
                },
                if f.app_only {
                    " Add the application permission and grant admin consent."
                } else {
                    " Request the scope and have an admin consent."
                },
            ]),
        );
    }
    TokenReport {
        facts: Some(f),
        expired,
        can_sync: Some(can_sync),
        can_read: Some(can_read),
        problems,
    }
}

impl TokenReport {
    /// The JS object, as JSON.
    pub fn to_json(&self) -> String {
        let f = self.facts.as_ref();
        let iso = |v: Option<f64>| v.map(format_iso);
        let mut problems = String::from("[");
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                problems.push(',');
            }
            problems.push_str(
                &ObjectWriter::new()
                    .str("code", p.code)
                    .str("message", &p.message)
                    .finish(),
            );
        }
        problems.push(']');
        ObjectWriter::new()
            .str("kind", if f.is_some() { "jwt" } else { "opaque" })
            .opt_str("audience", f.and_then(|f| f.audience.as_deref()))
            .opt_str("cloud", f.and_then(|f| f.cloud).map(Cloud::name))
            .opt_str("tenantId", f.and_then(|f| f.tenant_id.as_deref()))
            .opt_str("user", f.and_then(|f| f.user.as_deref()))
            .opt_str("appId", f.and_then(|f| f.app_id.as_deref()))
            .opt_bool("appOnly", f.map(|f| f.app_only))
            .opt_str_list("scopes", f.map(|f| f.scopes.as_slice()))
            .opt_str_list("roles", f.map(|f| f.roles.as_slice()))
            .opt_str("issuedAt", iso(f.and_then(|f| f.issued_at_ms)).as_deref())
            .opt_str("expiresAt", iso(f.and_then(|f| f.expires_at_ms)).as_deref())
            .opt_bool("expired", self.expired)
            .opt_bool("canSync", self.can_sync)
            .opt_bool("canRead", self.can_read)
            .raw("problems", &problems)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_795_000_000_000.0;

    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    /// A JWT with these claims (JSON text, without braces) and a fake signature.
    fn jwt(claims: &str) -> String {
        let mut t = b64(br#"{"alg":"RS256","typ":"JWT"}"#);
        t.push('.');
        t.push_str(&b64(format!("{{{claims}}}").as_bytes()));
        t.push_str(".c2lnbmF0dXJlLXNlY3JldA");
        t
    }

    fn codes(r: &TokenReport) -> Vec<&'static str> {
        r.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn base64url_round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "{\"é\":1}"] {
            assert_eq!(base64url(&b64(s.as_bytes())).as_deref(), Some(s.as_bytes()));
        }
        assert_eq!(base64url("a"), None);
        assert_eq!(base64url("ab*c"), None);
    }

    #[test]
    fn table() {
        let exp = (NOW / 1000.0) as u64 + 3600;
        let past = (NOW / 1000.0) as u64 - 60;
        let delegated_rw = format!(
            r#""aud":"https://graph.microsoft.com","tid":"t1","upn":"admin@contoso.com","appid":"app1","scp":"DeviceManagementServiceConfig.ReadWrite.All User.Read","iat":{},"exp":{exp}"#,
            exp - 3900
        );
        // (claims, expected cloud, kind jwt?, cloud, canSync, canRead, problem codes)
        type Case = (
            String,
            Option<Cloud>,
            Option<Cloud>,
            Option<bool>,
            Option<bool>,
            &'static [&'static str],
        );
        let cases: Vec<Case> = vec![
            (
                delegated_rw.clone(),
                Some(Cloud::Global),
                Some(Cloud::Global),
                Some(true),
                Some(true),
                &[],
            ),
            (
                format!(r#""aud":"https://graph.microsoft.com/","scp":"DeviceManagementServiceConfig.Read.All","exp":{past}"#),
                None,
                Some(Cloud::Global),
                Some(false),
                Some(true),
                &["expired", "missingPermission"],
            ),
            (
                format!(r#""aud":"https://management.azure.com","scp":"user_impersonation","exp":{exp}"#),
                None,
                None,
                Some(false),
                Some(false),
                &["wrongAudience", "missingPermission"],
            ),
            (
                format!(r#""aud":"https://graph.microsoft.us","roles":["DeviceManagementServiceConfig.ReadWrite.All"],"exp":{exp}"#),
                Some(Cloud::Global),
                Some(Cloud::UsGov),
                Some(true),
                Some(true),
                &["wrongCloud"],
            ),
            (
                format!(r#""aud":"00000003-0000-0000-c000-000000000000","iss":"https://sts.chinacloudapi.cn/t/","idtyp":"app","roles":["DeviceManagementServiceConfig.Read.All"],"nbf":{}"#, exp + 600),
                Some(Cloud::China),
                Some(Cloud::China),
                Some(false),
                Some(true),
                &["notYetValid", "missingPermission"],
            ),
            // Graph's app id and an issuer that names no single cloud: no cloud, no wrongCloud.
            (
                r#""aud":["x","00000003-0000-0000-c000-000000000000"],"iss":"https://sts.windows.net/t/","scp":"https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All""#.into(),
                Some(Cloud::UsGovDod),
                None,
                Some(true),
                Some(true),
                &[],
            ),
        ];
        for (i, (claims, expected, cloud, sync, read, want)) in cases.iter().enumerate() {
            let r = describe_token(&jwt(claims), *expected, NOW);
            let f = r.facts.as_ref().expect("a jwt");
            assert_eq!(f.cloud, *cloud, "case {i}");
            assert_eq!((r.can_sync, r.can_read), (*sync, *read), "case {i}");
            assert_eq!(codes(&r), *want, "case {i}: {:?}", r.problems);
        }
        let r = describe_token(&jwt(&delegated_rw), None, NOW);
        let f = r.facts.as_ref().unwrap();
        assert_eq!(f.user.as_deref(), Some("admin@contoso.com"));
        assert_eq!(f.tenant_id.as_deref(), Some("t1"));
        assert!(!f.app_only);
        assert_eq!(r.expired, Some(false));
        let app = describe_token(
            &jwt(
                r#""aud":"https://graph.microsoft.com","upn":"x","roles":["DeviceManagementServiceConfig.ReadWrite.All"]"#,
            ),
            None,
            NOW,
        );
        let f = app.facts.as_ref().unwrap();
        assert!(f.app_only && f.user.is_none());
        assert_eq!(app.expired, None);
        // The permission problem names the claim and the permission.
        let ro = describe_token(
            &jwt(
                r#""aud":"https://graph.microsoft.com","idtyp":"app","roles":["DeviceManagementServiceConfig.Read.All"]"#,
            ),
            None,
            NOW,
        );
        let m = &ro.problems[0].message;
        assert!(m.contains("(roles)") && m.contains(SYNC_PERMISSION), "{m}");
    }

    #[test]
    fn garbage_is_opaque_and_nothing_echoes_the_token() {
        for raw in [
            "",
            "opaque-token",
            "a.b.c",
            "a.b",
            "e30.e30.x.y.z",
            "e30.W10.sig",
            "!!.??.sig",
            "Bearer ",
        ] {
            let r = describe_token(raw, Some(Cloud::Global), NOW);
            assert!(r.facts.is_none(), "{raw}");
            assert!(r.problems.is_empty() && r.can_sync.is_none());
            assert!(r
                .to_json()
                .starts_with(r#"{"kind":"opaque","audience":null"#));
            assert!(!needs_refresh(raw, NOW));
        }
        let t = jwt(r#""aud":"https://graph.microsoft.com","scp":"x""#);
        let r = describe_token(&format!("Bearer {t}"), None, NOW);
        assert!(r.facts.is_some());
        let json = r.to_json();
        let sig = t.rsplit('.').next().unwrap();
        assert!(!json.contains(sig) && !json.contains(&t[..20]));
        assert!(!format!("{r:?}").contains(sig));
    }

    #[test]
    fn refresh_within_two_minutes_of_expiry() {
        let s = (NOW / 1000.0) as u64;
        for (exp, want) in [
            (s + 3600, false),
            (s + 121, false),
            (s + 120, true),
            (s + 30, true),
            (s - 10, true),
        ] {
            let t = jwt(&format!(
                r#""aud":"https://graph.microsoft.com","exp":{exp}"#
            ));
            assert_eq!(needs_refresh(&t, NOW), want, "exp {exp}");
        }
        assert!(!needs_refresh(&jwt(r#""aud":"x""#), NOW));
    }
}
