//! What needs a real connection: answers dropped or cut short, a client timeout, the
//! CORS headers a browser would see on a bound port, and a shutdown that drains.

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn close_fault_gives_a_client_error() {
    let net = serve(&[]).await;
    net.fault(json!({"kind": "close"})).await;
    let err = net
        .client
        .post(net.url(SYNC))
        .bearer_auth(RW)
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err}");
    assert!(err.status().is_none());
    let log: serde_json::Value = net
        .client
        .get(net.url("/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(log[0]["status"].is_null());
    assert_eq!(net.sync().await.status(), 204);
}

#[tokio::test]
async fn truncate_fault_breaks_the_body() {
    let net = serve(&[]).await;
    net.fault(json!({"kind": "truncate"})).await;
    let res = net.sync().await;
    assert_eq!(res.status(), 500);
    let declared: usize = res.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(res.bytes().await.is_err(), "the body must fail");
    assert_eq!(net.sync().await.status(), 204);
}

#[tokio::test]
async fn a_client_timeout_shorter_than_a_delay_fault_times_out() {
    let net = serve(&[]).await;
    net.fault(json!({"kind": "delay", "delayMs": 2000})).await;
    let err = net
        .client
        .post(net.url(SYNC))
        .bearer_auth(RW)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

/// The check on `graph-sim --port 0`: what a browser's cross-origin POST sees.
#[tokio::test]
async fn cross_origin_post_exposes_request_id_and_not_retry_after_unless_flagged() {
    for (flags, retry_after_exposed) in [(vec![], false), (vec!["--expose-retry-after"], true)] {
        let net = serve(&flags).await;
        let res = net
            .client
            .post(net.url(SYNC))
            .bearer_auth(RW)
            .header("origin", "http://localhost:5173")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        let exposed: Vec<String> = res.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        assert!(exposed.contains(&"request-id".to_string()), "{exposed:?}");
        assert!(exposed.contains(&"client-request-id".to_string()));
        assert_eq!(
            exposed.contains(&"retry-after".to_string()),
            retry_after_exposed,
            "{flags:?}"
        );
        assert_eq!(
            exposed.contains(&"date".to_string()),
            retry_after_exposed,
            "{flags:?}"
        );
        net.server.shutdown().await;
    }
    let net = serve(&["--sync-success-status", "200"]).await;
    assert_eq!(net.sync().await.status(), 200);
}

#[tokio::test]
async fn shutdown_lets_an_open_request_finish_and_refuses_new_ones() {
    let net = serve(&[]).await;
    net.fault(json!({"kind": "delay", "delayMs": 600})).await;
    let url = net.url(SYNC);
    let client = net.client.clone();
    let started = Instant::now();
    let pending = tokio::spawn(async move { client.post(url).bearer_auth(RW).send().await });
    // Wait until the request is in the simulator (logged), then shut down under it.
    let app = net.server.app().clone();
    while app.state().lock().log.list().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "request never arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let addr = net.server.local_addr();
    net.server.shutdown().await;
    let res = pending
        .await
        .unwrap()
        .expect("the open request is answered");
    assert_eq!(res.status(), 204);
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections after shutdown"
    );
}
