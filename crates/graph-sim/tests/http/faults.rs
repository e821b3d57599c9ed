//! Every fault kind, counts and method filters (in-process; the connection-level ones
//! again over a real socket in `socket.rs`).

use std::time::{Duration, Instant};

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn status_fault_with_headers_and_default_body() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "status", "status": 503, "headers": {"Retry-After": "5"}}))
        .await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert!(res.headers().contains_key("request-id"));
    let err = graph_error(res).await;
    assert_eq!(err["code"], "ServiceUnavailable");
    assert!(err["innerError"]["request-id"].is_string());
    // The fault is used up and did not start a sync.
    assert_eq!(sim.state().await["syncStatus"], "unknown");
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn status_fault_with_raw_body() {
    let sim = start(&[]).await;
    let raw = r#"{"error":{"code":"UnknownError","message":"{\"ErrorCode\":\"Forbidden\"}"}}"#;
    sim.fault(json!({"kind": "status", "status": 401, "body": raw}))
        .await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text().await.unwrap(), raw);
}

#[tokio::test]
async fn count_and_method_filter() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "status", "status": 500, "method": "get", "count": 2}))
        .await;
    // POST is not affected.
    assert_eq!(sim.sync().await.status(), 204);
    let (_, left) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(left[0]["count"], 2);
    assert_eq!(left[0]["method"], "GET");
    for _ in 0..2 {
        let res = sim.call(Method::GET, SETTINGS, Some(RO)).await;
        assert_eq!(res.status(), 500);
    }
    assert_eq!(
        sim.call(Method::GET, SETTINGS, Some(RO)).await.status(),
        200
    );
    let (_, left) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(left, json!([]));
}

#[tokio::test]
async fn faults_skip_options_and_control_calls_and_can_be_cleared() {
    let sim = start(&[]).await;
    sim.fault(json!({"faults": [{"kind": "status", "status": 502}, {"kind": "close"}]}))
        .await;
    let res = sim
        .client
        .request(Method::OPTIONS, sim.url(SYNC))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, left) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(left.as_array().unwrap().len(), 2);
    assert_eq!(sim.sync().await.status(), 502);
    let (status, _) = sim.control(Method::DELETE, "/_sim/faults", None).await;
    assert_eq!(status, 204);
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn html_fault() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "html"})).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 502);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.headers().contains_key("request-id"));
    let body = res.text().await.unwrap();
    assert!(body.contains("<html") && body.contains("502"), "{body}");

    sim.fault(json!({"kind": "html", "status": 504})).await;
    assert_eq!(sim.sync().await.status(), 504);
}

#[tokio::test]
async fn delay_fault_then_normal_handling_or_status() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "delay", "delayMs": 300})).await;
    let t = Instant::now();
    let res = sim.sync().await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(res.status(), 204);

    sim.fault(json!({"kind": "delay", "delayMs": 200, "status": 504}))
        .await;
    let t = Instant::now();
    let res = sim.sync().await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(res.status(), 504);
    assert_eq!(graph_error(res).await["code"], "GatewayTimeout");
}

#[tokio::test]
async fn close_fault_drops_the_answer_in_process() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "close"})).await;
    assert!(sim.client.post(SYNC).bearer_auth(RW).send().await.is_err());
    // Logged without a status; the next request is fine.
    let (_, log) = sim.control(Method::GET, "/_sim/requests", None).await;
    assert!(log[0]["status"].is_null());
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn truncate_fault_fails_the_body_in_process() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "truncate"})).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 500);
    let declared: usize = res.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(res.bytes().await.is_err(), "the body must fail");
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn huge_fault_sends_exactly_the_bytes_asked_for() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "huge", "bytes": 200_000, "status": 503}))
        .await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-length"], "200000");
    let body = res.bytes().await.unwrap();
    assert_eq!(body.len(), 200_000);
    assert!(body.starts_with(b"{\"error\":{\"code\":\"ServiceUnavailable\""));

    sim.fault(json!({"kind": "huge"})).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 500);
    assert_eq!(res.bytes().await.unwrap().len(), 5_000_000);
}

#[tokio::test]
async fn non_utf8_fault() {
    let sim = start(&[]).await;
    sim.fault(json!({"kind": "nonUtf8"})).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 500);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body = res.bytes().await.unwrap();
    assert!(std::str::from_utf8(&body).is_err());
}

#[tokio::test]
async fn bad_faults_are_refused() {
    let sim = start(&[]).await;
    for bad in [
        json!({"kind": "explode"}),
        json!({"kind": "status"}),
        json!({"kind": "status", "status": 42}),
        json!({"kind": "close", "count": 0}),
        json!({"kind": "close", "method": "GE T"}),
        json!({"kind": "delay"}),
        json!({"kind": "close", "extra": true}),
        json!({"faults": {"kind": "close"}}),
        json!("close"),
    ] {
        let (status, body) = sim
            .control(Method::POST, "/_sim/faults", Some(bad.clone()))
            .await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["error"].is_string(), "{body}");
    }
    let (_, left) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(left, json!([]));
}

#[tokio::test]
async fn storm_fault_answers_n_consecutive_503s_with_or_without_retry_after() {
    let sim = start(&[]).await;
    sim.fault(json!({"faults": [
        {"kind": "storm", "count": 3},
        {"kind": "storm", "count": 2, "headers": {"Retry-After": "7"}}
    ]}))
    .await;
    for i in 0..5 {
        let res = sim.sync().await;
        assert_eq!(res.status(), 503, "request {i}");
        match i {
            0..=2 => assert!(!res.headers().contains_key("retry-after"), "request {i}"),
            _ => assert_eq!(res.headers()["retry-after"], "7", "request {i}"),
        }
        assert_eq!(graph_error(res).await["code"], "ServiceUnavailable");
    }
    assert_eq!(sim.sync().await.status(), 204, "the storm is over");
    // Another status, and stallMs refused outside a stall.
    sim.fault(json!({"kind": "storm", "status": 502, "count": 1}))
        .await;
    assert_eq!(sim.sync().await.status(), 502);
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"kind": "storm", "stallMs": 5})),
        )
        .await;
    assert_eq!(status, 400);
}
