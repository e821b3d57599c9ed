//! Shared helpers. [`start`] builds the simulator in-process ([`graph_sim::app`]) and calls
//! it without a socket through a small reqwest-like client; [`serve`] starts it on
//! loopback for the tests that need a real connection (dropped or truncated answers,
//! client timeouts, TLS, raw request lines, shutdown, the binary).

use std::time::Duration;

use bytes::Bytes;
use graph_sim::router::Https;
use graph_sim::{App, Args, RunningServer};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;

pub const SYNC: &str = "/beta/deviceManagement/windowsAutopilotSettings/sync";
pub const SYNC_QUALIFIED: &str =
    "/beta/deviceManagement/windowsAutopilotSettings/microsoft.graph.sync";
pub const SETTINGS: &str = "/beta/deviceManagement/windowsAutopilotSettings";
pub const RW: &str = "sim-admin-token";
pub const RO: &str = "sim-reader-token";

fn args(extra: &[&str]) -> Args {
    let mut argv = vec!["graph-sim", "--port", "0"];
    argv.extend_from_slice(extra);
    <Args as clap::Parser>::try_parse_from(argv).expect("valid flags")
}

/// The simulator in-process.
pub struct Sim {
    pub app: App,
    pub client: Client,
}

/// An in-process simulator with these extra flags (no socket is bound).
pub async fn start(extra: &[&str]) -> Sim {
    let app = graph_sim::app(&args(extra)).expect("app builds");
    Sim {
        client: Client { app: app.clone() },
        app,
    }
}

/// Calls an [`App`] like reqwest calls a server. URLs are paths (`/beta/...`) or, for the
/// https listener, `https://HOST:PORT/...`.
#[derive(Clone)]
pub struct Client {
    app: App,
}

impl Client {
    pub fn request(&self, method: Method, url: impl AsRef<str>) -> RequestBuilder {
        RequestBuilder {
            app: self.app.clone(),
            method,
            url: url.as_ref().to_string(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    pub fn get(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    pub fn post(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::POST, url)
    }
}

pub struct RequestBuilder {
    app: App,
    method: Method,
    url: String,
    headers: HeaderMap,
    body: Bytes,
}

impl RequestBuilder {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
        self
    }

    pub fn bearer_auth(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    pub fn json(self, value: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(serde_json::to_vec(value).expect("JSON"))
    }

    pub fn form(self, pairs: &[(&str, &str)]) -> Self {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(encoded)
    }

    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let sep = if self.url.contains('?') { '&' } else { '?' };
        self.url = format!("{}{sep}{encoded}", self.url);
        self
    }

    /// Answers, or `Err` when the app drops the connection (the `close` fault).
    pub async fn send(self) -> Result<TestResponse, graph_sim::http::Abort> {
        let https = self.url.starts_with("https://");
        let mut req = Request::builder()
            .method(self.method)
            .uri(&self.url)
            .body(self.body)
            .expect("request");
        *req.headers_mut() = self.headers;
        if https {
            req.extensions_mut().insert(Https);
        }
        let res = self.app.call(req).await?;
        let (parts, body) = res.into_parts();
        Ok(TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: body
                .collect()
                .await
                .map(|c| c.to_bytes())
                .map_err(|e| e.to_string()),
        })
    }
}

/// A whole response (the body read, or how reading it failed).
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Result<Bytes, String>,
}

impl TestResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub async fn bytes(self) -> Result<Bytes, String> {
        self.body
    }

    pub async fn text(self) -> Result<String, String> {
        let bytes = self.body?;
        String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())
    }

    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, String> {
        serde_json::from_slice(&self.body?).map_err(|e| e.to_string())
    }
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        path.to_string()
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>) -> TestResponse {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("response")
    }

    pub async fn sync(&self) -> TestResponse {
        self.call(Method::POST, SYNC, Some(RW)).await
    }

    pub async fn settings(&self) -> Value {
        let res = self.call(Method::GET, SETTINGS, Some(RO)).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("settings JSON")
    }

    /// Calls the control API and returns status and JSON (Null for an empty body).
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("control response");
        let status = res.status().as_u16();
        let bytes = res.bytes().await.expect("control body");
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("control JSON")
        };
        (status, value)
    }

    pub async fn advance(&self, ms: u64) {
        let change = serde_json::json!({"advanceMs": ms});
        let (status, body) = self
            .control(Method::POST, "/_sim/clock", Some(change))
            .await;
        assert_eq!(status, 200, "{body}");
    }

    pub async fn fault(&self, fault: Value) {
        let (status, body) = self
            .control(Method::POST, "/_sim/faults", Some(fault))
            .await;
        assert_eq!(status, 200, "{body}");
    }

    pub async fn state(&self) -> Value {
        let (status, body) = self.control(Method::GET, "/_sim/state", None).await;
        assert_eq!(status, 200);
        body
    }
}

/// The simulator on loopback sockets, with a reqwest client that never reuses a
/// connection (fault tests close connections on purpose).
pub struct Net {
    pub server: RunningServer,
    pub client: reqwest::Client,
}

/// Starts the simulator on loopback (port 0) with these extra flags.
pub async fn serve(extra: &[&str]) -> Net {
    let server = graph_sim::start(args(extra)).await.expect("server starts");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    Net { server, client }
}

impl Net {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    /// Queues a fault through the control API over the socket.
    pub async fn fault(&self, fault: Value) {
        let res = self
            .client
            .post(self.url("/_sim/faults"))
            .json(&fault)
            .send()
            .await
            .expect("control response");
        assert_eq!(res.status(), 200);
    }

    pub async fn sync(&self) -> reqwest::Response {
        self.client
            .post(self.url(SYNC))
            .bearer_auth(RW)
            .send()
            .await
            .expect("response")
    }
}

/// Parses a Graph error body and returns `error`.
pub async fn graph_error(res: TestResponse) -> Value {
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let v: Value = res.json().await.expect("error JSON");
    v["error"].clone()
}

/// Parses the Intune document nested in `error.message`.
pub fn nested(error: &Value) -> Value {
    serde_json::from_str(error["message"].as_str().expect("message string"))
        .expect("nested JSON in message")
}
