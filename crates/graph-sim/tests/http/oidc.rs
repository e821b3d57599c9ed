//! The local OIDC authority (in-process through the https listener's routes; real TLS and
//! the binary at the end), and Graph accepting its tokens.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::redirect::Policy;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{self, Client, Sim, TestResponse, SETTINGS, SYNC};

const TENANT: &str = "sim-tenant";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const REDIRECT: &str = "http://127.0.0.1:3000/redirect.html";
const SCOPE: &str = "https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All openid profile offline_access";

struct Oidc {
    sim: Sim,
    /// Calls with `https://` URLs reach the https listener's routes (the authority).
    https: Client,
    base: String,
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("{seed}-verifier-0123456789-abcdefghijklmnopqrstuvwxyz");
    let challenge = b64(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ));
    (verifier, challenge)
}

async fn start(extra: &[&str]) -> Oidc {
    let mut flags = vec!["--oidc-port", "0"];
    flags.extend_from_slice(extra);
    let sim = common::start(&flags).await;
    let origin = sim
        .app
        .state()
        .authority()
        .expect("authority")
        .origin()
        .to_string();
    let base = format!("{origin}/{TENANT}");
    let https = sim.client.clone();
    Oidc { sim, https, base }
}

/// The parameters of a redirect's query or fragment.
fn returned(res: &TestResponse) -> (String, HashMap<String, String>) {
    assert_eq!(res.status(), 302, "expected a redirect");
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let (sep, rest) = match loc.split_once('#') {
        Some((_, f)) => ('#', f.to_string()),
        None => (
            '?',
            loc.split_once('?')
                .map(|(_, q)| q.to_string())
                .unwrap_or_default(),
        ),
    };
    let params = url_params(&rest);
    (format!("{sep}{}", loc.split(sep).next().unwrap()), params)
}

fn url_params(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let v = percent_decode(v);
            (k.to_string(), v)
        })
        .collect()
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

impl Oidc {
    fn origin(&self) -> String {
        self.base
            .trim_end_matches(&format!("/{TENANT}"))
            .to_string()
    }

    async fn authorize(&self, params: &[(&str, &str)]) -> TestResponse {
        self.https
            .get(format!("{}/oauth2/v2.0/authorize", self.base))
            .query(params)
            .send()
            .await
            .expect("authorize")
    }

    /// Runs the authorize step for `user`; returns the code and the verifier.
    async fn code(&self, user: &str, mode: &str) -> (String, String) {
        let (verifier, challenge) = pkce(user);
        let res = self
            .authorize(&[
                ("client_id", CLIENT),
                ("redirect_uri", REDIRECT),
                ("response_type", "code"),
                ("response_mode", mode),
                ("scope", SCOPE),
                ("state", "st-1"),
                ("nonce", "n-1"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("login_hint", user),
                ("client_info", "1"),
            ])
            .await;
        let (_, p) = returned(&res);
        assert_eq!(p["state"], "st-1");
        (p["code"].clone(), verifier)
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let res = self
            .https
            .post(format!("{}/oauth2/v2.0/token", self.base))
            .header("origin", "http://127.0.0.1:3000")
            .form(form)
            .send()
            .await
            .expect("token");
        let status = res.status().as_u16();
        let body: Value = res.json().await.expect("token JSON");
        (status, body)
    }

    async fn redeem(&self, code: &str, verifier: &str) -> (u16, Value) {
        let (s, b) = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("redirect_uri", REDIRECT),
                ("code", code),
                ("code_verifier", verifier),
                ("scope", SCOPE),
            ])
            .await;
        (s, b)
    }

    async fn sign_in(&self, user: &str) -> Value {
        let (code, verifier) = self.code(user, "fragment").await;
        let (status, body) = self.redeem(&code, &verifier).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn graph(&self, method: Method, path: &str, token: &str) -> TestResponse {
        self.sim.call(method, path, Some(token)).await
    }
}

#[tokio::test]
async fn discovery_and_keys() {
    let o = start(&[]).await;
    let origin = o.origin();
    for path in [
        "/.well-known/openid-configuration",
        "/v2.0/.well-known/openid-configuration",
    ] {
        let res = o
            .https
            .get(format!("{}{path}", o.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        let d: Value = res.json().await.unwrap();
        assert_eq!(d["issuer"], format!("{origin}/{TENANT}/v2.0"));
        assert_eq!(
            d["authorization_endpoint"],
            format!("{}/oauth2/v2.0/authorize", o.base)
        );
        assert_eq!(d["token_endpoint"], format!("{}/oauth2/v2.0/token", o.base));
        assert_eq!(d["jwks_uri"], format!("{}/discovery/v2.0/keys", o.base));
        assert_eq!(
            d["end_session_endpoint"],
            format!("{}/oauth2/v2.0/logout", o.base)
        );
        assert_eq!(d["response_modes_supported"], json!(["query", "fragment"]));
        assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
        assert!(d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("openid")));
    }
    // Graph and the control API answer on the https origin too; the authority is https only.
    let res = o
        .https
        .get(format!("{origin}/_sim/state"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = o
        .sim
        .client
        .get(
            o.sim
                .url(&format!("/{TENANT}/.well-known/openid-configuration")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn code_flow_tokens_and_graph() {
    let o = start(&[]).await;
    let (code, verifier) = o.code("admin@sim.test", "fragment").await;
    let (status, body) = o.redeem(&code, &verifier).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["ext_expires_in"], 3600);
    assert!(body["scope"]
        .as_str()
        .unwrap()
        .contains("https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All"));
    let at = claims(body["access_token"].as_str().unwrap());
    let origin = o.origin();
    assert_eq!(at["aud"], "https://graph.microsoft.com");
    assert_eq!(at["iss"], format!("{origin}/{TENANT}/v2.0"));
    assert_eq!(at["scp"], "DeviceManagementServiceConfig.ReadWrite.All");
    assert_eq!(at["preferred_username"], "admin@sim.test");
    assert_eq!(at["azp"], CLIENT);
    let exp = at["exp"].as_i64().unwrap();
    assert_eq!(exp - at["iat"].as_i64().unwrap(), 3600);
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], CLIENT);
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["ver"], "2.0");
    assert_eq!(id["oid"], at["oid"]);
    let info: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(body["client_info"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(info["uid"], at["oid"]);
    assert_eq!(info["utid"], at["tid"]);

    // The signature verifies against the JWKS.
    let jwks: Value = o
        .https
        .get(format!("{}/discovery/v2.0/keys", o.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["access_token"].as_str().unwrap();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    let jwk = &jwks["keys"][0];
    assert_eq!(jwk["kid"], header["kid"]);
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    ring::signature::RsaPublicKeyComponents { n: &n, e: &e }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            input.as_bytes(),
            &URL_SAFE_NO_PAD.decode(sig).unwrap(),
        )
        .expect("signature verifies");

    // Graph accepts it on both origins; the static demo tokens still work.
    let res = o.graph(Method::POST, SYNC, token).await;
    assert_eq!(res.status(), 204);
    let res = o
        .https
        .get(format!("{origin}{SETTINGS}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        o.graph(Method::GET, SETTINGS, common::RO).await.status(),
        200
    );
    let mut forged = token.to_string();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let res = o.graph(Method::GET, SETTINGS, &forged).await;
    assert_eq!(res.status(), 401);

    // The code is single use.
    let (status, err) = o.redeem(&code, &verifier).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"], "invalid_grant");
    assert!(err["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS54005:"));
    assert_eq!(err["error_codes"], json!([54005]));
    for k in ["timestamp", "trace_id", "correlation_id"] {
        assert!(err[k].is_string(), "{k}");
    }

    // Refresh rotates the refresh token.
    let rt = body["refresh_token"].as_str().unwrap();
    let refresh = |rt: String| {
        let o = &o;
        async move {
            o.token(&[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", &rt),
                ("scope", SCOPE),
            ])
            .await
        }
    };
    let (status, fresh) = refresh(rt.to_string()).await;
    assert_eq!(status, 200, "{fresh}");
    assert_ne!(fresh["refresh_token"], body["refresh_token"]);
    assert_eq!(
        claims(fresh["access_token"].as_str().unwrap())["scp"],
        at["scp"]
    );
    let (status, err) = refresh(rt.to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"], "invalid_grant");

    // Counters, and nothing secret in the request log.
    let (_, view) = o.sim.control(Method::GET, "/_sim/oidc", None).await;
    assert_eq!(view["counters"]["authorizeRequests"], 1);
    assert_eq!(view["counters"]["tokenRequests"]["authorizationCode"], 2);
    assert_eq!(view["counters"]["tokenRequests"]["refreshToken"], 2);
    let (_, log) = o.sim.control(Method::GET, "/_sim/requests", None).await;
    let text = log.to_string();
    assert!(text.contains("/sim-tenant/oauth2/v2.0/token"));
    assert!(text.contains("/sim-tenant/oauth2/v2.0/authorize"));
    for secret in [code.as_str(), verifier.as_str(), rt, token] {
        assert!(!text.contains(secret));
    }
    o.sim.control(Method::POST, "/_sim/reset", None).await;
    let (_, view) = o.sim.control(Method::GET, "/_sim/oidc", None).await;
    assert_eq!(view["counters"]["authorizeRequests"], 0);
}

#[tokio::test]
async fn token_errors() {
    let o = start(&[
        "--oidc-client-id",
        CLIENT,
        "--oidc-client-id",
        "other-client",
    ])
    .await;
    let cases: [(&str, &str, &str, u64); 3] = [
        ("verifier", CLIENT, REDIRECT, 50148),
        (
            "redirect",
            CLIENT,
            "http://127.0.0.1:3000/other.html",
            70000,
        ),
        ("client", "other-client", REDIRECT, 70000),
    ];
    for (what, client, redirect, aadsts) in cases {
        let (code, verifier) = o.code("admin@sim.test", "query").await;
        let verifier = if what == "verifier" {
            format!("{verifier}x")
        } else {
            verifier
        };
        let (status, err) = o
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", client),
                ("redirect_uri", redirect),
                ("code", &code),
                ("code_verifier", &verifier),
            ])
            .await;
        assert_eq!(status, 400, "{what}");
        assert_eq!(err["error"], "invalid_grant", "{what}");
        assert_eq!(err["error_codes"][0], aadsts, "{what}: {err}");
    }
    let (status, err) = o
        .token(&[("grant_type", "password"), ("client_id", CLIENT)])
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, err) = o
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "stranger"),
            ("refresh_token", "x"),
        ])
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (400, Some("unauthorized_client"))
    );

    // Unknown client or bad redirect_uri: an error page, never a redirect.
    let (_, challenge) = pkce("x");
    for (client, redirect) in [("stranger", REDIRECT), (CLIENT, "http://evil.example/cb")] {
        let res = o
            .authorize(&[
                ("client_id", client),
                ("redirect_uri", redirect),
                ("response_type", "code"),
                ("scope", SCOPE),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        assert_eq!(res.status(), 400);
        assert!(res.headers().get("location").is_none());
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    // Other errors go back to the application.
    let res = o
        .authorize(&[
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("response_mode", "fragment"),
            ("scope", SCOPE),
            ("state", "s"),
        ])
        .await;
    let (base, p) = returned(&res);
    assert_eq!(base, format!("#{REDIRECT}"));
    assert_eq!(p["error"], "invalid_request");
    assert_eq!(p["state"], "s");
    let res = o
        .authorize(&[
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", SCOPE),
            ("prompt", "none"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let (base, p) = returned(&res);
    assert_eq!(base, format!("?{REDIRECT}"));
    assert_eq!(p["error"], "login_required");
    assert!(p["error_description"].starts_with("AADSTS50058:"));
}

#[tokio::test]
async fn silent_sign_in_with_the_session_cookie() {
    let o = start(&[]).await;
    let (_, challenge) = pkce("s");
    let params = |prompt: &'static str| {
        vec![
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("response_mode", "fragment"),
            ("scope", SCOPE),
            ("prompt", prompt),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
    };
    let res = o.authorize(&params("select_account")).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Secure") && cookie.contains("SameSite=None"));
    let res = o
        .https
        .get(format!("{}/oauth2/v2.0/authorize", o.base))
        .query(&params("none"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    let (_, p) = returned(&res);
    assert!(p.contains_key("code"), "{p:?}");
}

#[tokio::test]
async fn reader_may_read_but_not_sync() {
    let o = start(&[]).await;
    let body = o.sign_in("reader@sim.test").await;
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        claims(token)["scp"],
        "DeviceManagementServiceConfig.Read.All"
    );
    assert!(!body["scope"].as_str().unwrap().contains("ReadWrite"));
    let res = o.graph(Method::POST, SYNC, token).await;
    assert_eq!(res.status(), 403);
    let err = common::graph_error(res).await;
    assert_eq!(err["code"], "Forbidden");
    assert_eq!(o.graph(Method::GET, SETTINGS, token).await.status(), 200);

    // The default user comes from the control API.
    let (status, view) = o
        .sim
        .control(
            Method::PATCH,
            "/_sim/oidc",
            Some(json!({"defaultUser": "reader@sim.test"})),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["defaultUser"], "reader@sim.test");
    let (status, _) = o
        .sim
        .control(
            Method::PATCH,
            "/_sim/oidc",
            Some(json!({"defaultUser": "nobody@sim.test"})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let o = start(&["--oidc-token-lifetime-seconds", "120"]).await;
    let body = o.sign_in("admin@sim.test").await;
    assert_eq!(body["expires_in"], 120);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(o.graph(Method::GET, SETTINGS, token).await.status(), 200);
    o.sim.advance(121_000).await;
    let res = o.graph(Method::GET, SETTINGS, token).await;
    assert_eq!(res.status(), 401);
    let err = common::graph_error(res).await;
    assert_eq!(err["code"], "InvalidAuthenticationToken");
    assert_eq!(
        err["message"],
        "Lifetime validation failed, the token is expired."
    );
}

#[tokio::test]
async fn cancel_user_and_consent_page() {
    let o = start(&["--oidc-consent", "page"]).await;
    let (_, challenge) = pkce("c");
    let params = |hint: &'static str| {
        vec![
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("response_mode", "fragment"),
            ("scope", SCOPE),
            ("state", "st-c"),
            ("login_hint", hint),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
    };
    let res = o.authorize(&params("cancel@sim.test")).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("<script src=\"/sim-tenant/oauth2/v2.0/cancel.js\""));
    assert!(!page.contains("<script>"));
    assert!(page.contains("error=access_denied"));
    assert!(page.contains(&format!("data-return=\"{REDIRECT}#error=access_denied")));
    assert!(page.contains("state=st-c"));
    let js = o
        .https
        .get(format!("{}/oauth2/v2.0/cancel.js", o.base))
        .send()
        .await
        .unwrap();
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let js = js.text().await.unwrap();
    assert!(js.contains("location.replace(back)") && !js.contains("window.close"));

    // Consent page: Accept issues a code, Cancel answers the cancel page.
    let res = o.authorize(&params("admin@sim.test")).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"accept\"") && page.contains("id=\"cancel\""));
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let consent = |decision: &'static str, request: String| {
        let o = &o;
        async move {
            o.https
                .post(format!("{}/oauth2/v2.0/consent", o.base))
                .form(&[("request", request.as_str()), ("decision", decision)])
                .send()
                .await
                .unwrap()
        }
    };
    let res = consent("accept", request.clone()).await;
    let (_, p) = returned(&res);
    assert!(p.contains_key("code"));
    assert_eq!(p["state"], "st-c");
    let res = consent("accept", request).await;
    assert_eq!(res.status(), 400, "a consent request is single use");
    let page = o
        .authorize(&params("admin@sim.test"))
        .await
        .text()
        .await
        .unwrap();
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let res = consent("cancel", request.to_string()).await;
    assert!(res.text().await.unwrap().contains("cancel.js"));
}

#[tokio::test]
async fn query_and_fragment_modes_and_cors() {
    let o = start(&[]).await;
    for mode in ["query", "fragment"] {
        let (_, challenge) = pkce(mode);
        let res = o
            .authorize(&[
                ("client_id", CLIENT),
                ("redirect_uri", REDIRECT),
                ("response_type", "code"),
                ("response_mode", mode),
                ("scope", SCOPE),
                ("state", "st"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        let loc = res.headers()["location"].to_str().unwrap().to_string();
        let sep = if mode == "query" { '?' } else { '#' };
        assert!(loc.starts_with(&format!("{REDIRECT}{sep}code=")), "{loc}");
    }
    let (status, err) = o.token(&[("grant_type", "authorization_code")]).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"], "invalid_request");
    assert_eq!(err["error_codes"], json!([900144]));
    assert!(err["error_description"]
        .as_str()
        .unwrap()
        .contains("'client_id'"));
    let res = o
        .https
        .post(format!("{}/oauth2/v2.0/token", o.base))
        .header("origin", "http://127.0.0.1:3000")
        .form(&[("grant_type", "authorization_code")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let res = o
        .https
        .request(Method::OPTIONS, format!("{}/oauth2/v2.0/token", o.base))
        .header("origin", "http://127.0.0.1:3000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,client-request-id",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert!(res.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert_eq!(
        res.headers()["access-control-allow-headers"],
        "content-type,client-request-id"
    );
}

#[test]
fn binary_prints_the_authority_line_and_writes_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cert.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_graph-sim"))
        .args(["--port", "0", "--oidc-port", "0", "--oidc-cert-out"])
        .arg(&pem)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("graph-sim listening on http://127.0.0.1:"),
        "{first:?}"
    );
    let port: u16 = second
        .trim_end()
        .strip_prefix("graph-sim authority on https://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected line {second:?}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let text = std::fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN CERTIFICATE-----"));
}

#[tokio::test]
async fn discovery_over_real_tls_and_only_on_the_https_listener() {
    let net = common::serve(&["--oidc-port", "0"]).await;
    let origin = net.server.authority_url().expect("authority");
    let https = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = https
        .get(format!(
            "{origin}/{TENANT}/v2.0/.well-known/openid-configuration"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["issuer"], format!("{origin}/{TENANT}/v2.0"));
    // Graph answers on the https origin too.
    let res = https
        .post(format!("{origin}{SYNC}"))
        .bearer_auth(common::RW)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    // The certificate is the one the server reports.
    let pem = net.server.authority_cert_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    // The authority is https only.
    let res = net
        .client
        .get(net.url(&format!("/{TENANT}/.well-known/openid-configuration")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    net.server.shutdown().await;
}
