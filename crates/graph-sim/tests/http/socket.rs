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

/// The issue's check on `graph-sim --port 0`: what a browser's cross-origin POST sees.
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

/// Sends one raw HTTP/1.1 POST of the sync action and reads until the server ends the
/// connection: what arrived, and how the read ended (`Ok` for a FIN, the error otherwise).
async fn raw_sync(addr: std::net::SocketAddr) -> (Vec<u8>, std::io::Result<()>, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "POST {SYNC} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {RW}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let t0 = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) => return (got, Ok(()), t0.elapsed()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return (got, Err(e), t0.elapsed()),
        }
    }
}

#[tokio::test]
async fn reset_fault_resets_the_connection_before_any_byte() {
    let net = serve(&[]).await;
    net.fault(json!({"kind": "reset"})).await;
    let (got, end, _) = raw_sync(net.server.local_addr()).await;
    assert!(
        got.is_empty(),
        "no response byte: {:?}",
        String::from_utf8_lossy(&got)
    );
    let err = end.expect_err("a TCP reset, not a clean close");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    // A `close` fault is a clean close (FIN), so the two are different faults.
    net.fault(json!({"kind": "close"})).await;
    let (got, end, _) = raw_sync(net.server.local_addr()).await;
    assert!(got.is_empty());
    assert!(end.is_ok(), "close is a FIN: {end:?}");
    // Used up: the next request is answered normally.
    assert_eq!(net.sync().await.status(), 204);
}

#[tokio::test]
async fn reset_mid_body_sends_headers_and_part_of_the_body_then_resets() {
    let net = serve(&[]).await;
    net.fault(json!({"kind": "resetMidBody", "status": 503, "bytes": 10}))
        .await;
    let (got, end, _) = raw_sync(net.server.local_addr()).await;
    let text = String::from_utf8_lossy(&got);
    let (head, body) = text.split_once("\r\n\r\n").expect("the headers arrived");
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .expect("content-length")
        .parse()
        .unwrap();
    assert_eq!(
        body, r#"{"error":{"#,
        "the first 10 bytes of the Graph error body"
    );
    assert!(declared > 10);
    let err = end.expect_err("a TCP reset after the first bytes");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    assert_eq!(net.sync().await.status(), 204);
}

#[tokio::test]
async fn stall_fault_holds_the_rest_of_the_body() {
    let net = serve(&[]).await;
    // Headers only (bytes 0), then the whole body after 600 ms.
    net.fault(json!({"kind": "stall", "status": 503, "bytes": 0, "stallMs": 600}))
        .await;
    let t0 = Instant::now();
    let res = net.sync().await;
    let headers_after = t0.elapsed();
    assert_eq!(res.status(), 503);
    assert!(
        headers_after < Duration::from_millis(500),
        "headers at once: {headers_after:?}"
    );
    let body = res.text().await.unwrap();
    assert!(
        t0.elapsed() >= Duration::from_millis(600),
        "the body waited: {:?}",
        t0.elapsed()
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["error"]["code"], "ServiceUnavailable",
        "the whole body in the end"
    );
    // A client timeout shorter than the stall ends the read mid-body.
    net.fault(json!({"kind": "stall", "status": 200, "body": "{\"syncStatus\":\"completed\"}", "stallMs": 5000}))
        .await;
    let res = net
        .client
        .post(net.url(SYNC))
        .bearer_auth(RW)
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let err = res.bytes().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}
