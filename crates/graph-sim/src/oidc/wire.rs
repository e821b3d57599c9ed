//! The authority's wire formats: form and query parameters (`form_urlencoded`), redirect
//! URIs and the answers sent back to them (`url`), and OAuth's JSON errors.

use std::collections::HashMap;

use http::header::{HeaderValue, ALLOW, CACHE_CONTROL, LOCATION};
use http::{Response, StatusCode};
use serde_json::json;

use super::config::Authority;
use super::session::Mode;
use crate::http::{empty, guid, Body, IntoResponse};
use crate::router::{PathParams, Req};
use crate::state::AppState;
use crate::timefmt;

/// The `{tenant}` segment of an authority route.
pub fn tenant(req: &Req) -> String {
    req.extensions()
        .get::<PathParams>()
        .and_then(|p| p.get("tenant"))
        .unwrap_or("common")
        .to_string()
}

/// The authority (404 when graph-sim runs without one).
pub fn authority(state: &AppState) -> Result<Authority, OAuthError> {
    state.authority().cloned().ok_or_else(|| {
        let mut e = OAuthError::new(
            "invalid_request",
            90_002,
            "graph-sim runs without the authority; start it with --oidc-port.",
        );
        e.status = StatusCode::NOT_FOUND;
        e
    })
}

/// Parses `a=b&c=d` (query or form body); the first value of a name wins.
pub fn parse_params(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(s.as_bytes()) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
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
            let raw_name = pair.split_once('=').map_or(pair, |(k, _)| k);
            let name = form_urlencoded::parse(raw_name.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_default();
            if SECRET_PARAMS.contains(&name.as_str()) {
                format!("{raw_name}=<redacted>")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether a redirect URI is acceptable: absolute https, or http to a loopback host; no
/// fragment.
pub fn valid_redirect_uri(uri: &str) -> bool {
    if uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    match (u.scheme(), u.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        _ => false,
    }
}

/// `redirect_uri` with `params` in its query or fragment.
pub fn build_return(redirect_uri: &str, mode: Mode, params: &[(&str, String)]) -> String {
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let Ok(mut u) = url::Url::parse(redirect_uri) else {
        return format!("{redirect_uri}#{encoded}");
    };
    match mode {
        Mode::Fragment => u.set_fragment(Some(&encoded)),
        Mode::Query => {
            u.query_pairs_mut().extend_pairs(params);
        }
    }
    u.into()
}

/// Adds `Cache-Control: no-store` and `Pragma: no-cache`.
pub fn no_store(res: &mut Response<Body>) {
    res.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    res.headers_mut()
        .insert("pragma", HeaderValue::from_static("no-cache"));
}

/// A 302 to `location`, not cached.
pub fn found(location: &str) -> Response<Body> {
    let mut res = Response::new(empty());
    *res.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(LOCATION, v);
    }
    no_store(&mut res);
    res
}

/// Entra ID's timestamp form: `2026-11-28 12:00:00Z`.
pub fn timestamp(now_ms: i64) -> String {
    let iso = timefmt::iso_millis(now_ms);
    format!("{} {}Z", &iso[..10], &iso[11..19])
}

/// `AADSTS{code}: {text} Trace ID: ... Correlation ID: ... Timestamp: ...`.
pub fn aadsts(code: u32, text: &str, correlation: &str, now_ms: i64) -> String {
    format!(
        "AADSTS{code}: {text} Trace ID: {} Correlation ID: {correlation} Timestamp: {}",
        guid(),
        timestamp(now_ms)
    )
}

/// An OAuth error of the token endpoint (`{"error", "error_description", "error_codes", ...}`).
#[derive(Debug)]
pub struct OAuthError {
    /// HTTP status (400 unless said otherwise).
    pub status: StatusCode,
    /// `error`.
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// What went wrong.
    pub text: String,
    /// `correlation_id` (the request's `client-request-id`).
    pub correlation: String,
    /// When, on the simulated clock.
    pub now_ms: i64,
}

impl OAuthError {
    /// A 400 `error` with its AADSTS number.
    pub fn new(error: &'static str, code: u32, text: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            text: text.into(),
            correlation: guid(),
            now_ms: 0,
        }
    }

    /// `invalid_request` for a missing parameter.
    pub fn missing(name: &str) -> Self {
        OAuthError::new(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    /// Sets the correlation id and the time.
    pub fn at(mut self, correlation: &str, now_ms: i64) -> Self {
        self.correlation = correlation.to_string();
        self.now_ms = now_ms;
        self
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response<Body> {
        let trace = guid();
        let ts = timestamp(self.now_ms);
        let mut res = crate::http::json(
            self.status,
            &json!({
                "error": self.error,
                "error_description": format!(
                    "AADSTS{}: {} Trace ID: {trace} Correlation ID: {} Timestamp: {ts}",
                    self.code, self.text, self.correlation
                ),
                "error_codes": [self.code],
                "timestamp": ts,
                "trace_id": trace,
                "correlation_id": self.correlation,
            }),
        );
        no_store(&mut res);
        res
    }
}

/// 405 in the authority's format, with `Allow`.
pub fn method_not_allowed(allow: &str) -> Response<Body> {
    let mut res = crate::http::json(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({"error": "invalid_request", "error_description": format!("AADSTS900561: The endpoint only accepts {allow} and OPTIONS requests.")}),
    );
    if let Ok(v) = HeaderValue::from_str(allow) {
        res.headers_mut().insert(ALLOW, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_redirects_and_redaction() {
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
        assert!(valid_redirect_uri("http://[::1]:3000/cb"));
        assert!(valid_redirect_uri("https://app.example/cb?x=1"));
        assert!(!valid_redirect_uri("http://app.example/cb"));
        assert!(!valid_redirect_uri("http://127.0.0.1.evil.example/cb"));
        assert!(!valid_redirect_uri("https://app.example/cb#x"));
        assert!(!valid_redirect_uri("/relative"));
        assert!(!valid_redirect_uri("javascript:alert(1)"));
        let params = [("code", "a b&c".to_string()), ("state", "s/1".to_string())];
        assert_eq!(
            build_return("https://app.example/cb?x=1", Mode::Query, &params),
            "https://app.example/cb?x=1&code=a+b%26c&state=s%2F1"
        );
        assert_eq!(
            build_return("http://127.0.0.1:3000/r.html", Mode::Fragment, &params),
            "http://127.0.0.1:3000/r.html#code=a+b%26c&state=s%2F1"
        );
    }
}
