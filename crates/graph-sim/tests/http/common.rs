//! Shared helpers: start a simulator, call Graph and the control API.

use graph_sim::{Args, RunningServer};
use reqwest::{Client, Method, Response};
use serde_json::Value;

pub const SYNC: &str = "/beta/deviceManagement/windowsAutopilotSettings/sync";
pub const SYNC_QUALIFIED: &str =
    "/beta/deviceManagement/windowsAutopilotSettings/microsoft.graph.sync";
pub const SETTINGS: &str = "/beta/deviceManagement/windowsAutopilotSettings";
pub const RW: &str = "sim-admin-token";
pub const RO: &str = "sim-reader-token";

pub struct Sim {
    pub server: RunningServer,
    pub client: Client,
}

pub async fn start(extra: &[&str]) -> Sim {
    let mut argv = vec!["graph-sim", "--port", "0"];
    argv.extend_from_slice(extra);
    let args = <Args as clap::Parser>::try_parse_from(argv).expect("valid flags");
    let server = graph_sim::start(args).await.expect("server starts");
    // No connection reuse: fault tests close connections on purpose.
    let client = Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    Sim { server, client }
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("response")
    }

    pub async fn sync(&self) -> Response {
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
        let (status, body) = self
            .control(
                Method::POST,
                "/_sim/clock",
                Some(serde_json::json!({"advanceMs": ms})),
            )
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

/// Parses a Graph error body and returns `error`.
pub async fn graph_error(res: Response) -> Value {
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
