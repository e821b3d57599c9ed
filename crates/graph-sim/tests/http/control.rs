//! The control API: request log, reset, config, clock, bad input.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn request_log_redacts_tokens() {
    let sim = start(&[]).await;
    sim.client
        .post(sim.url(&format!("{SYNC}?x=1&y=2")))
        .bearer_auth(RW)
        .header("client-request-id", "abc")
        .header("X-Custom", "Value")
        .send()
        .await
        .unwrap();
    sim.call(Method::GET, SETTINGS, None).await;
    sim.client
        .request(Method::OPTIONS, sim.url(SYNC))
        .send()
        .await
        .unwrap();
    sim.client
        .post(sim.url(SYNC))
        .header("authorization", "sim-admin-token")
        .body("hello")
        .send()
        .await
        .unwrap();
    sim.state().await; // control calls are not logged

    let res = sim
        .client
        .get(sim.url("/_sim/requests"))
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(!text.contains(RW), "token leaked: {text}");
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 4);

    let first = &log[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], SYNC);
    assert_eq!(first["query"], "x=1&y=2");
    assert_eq!(first["headers"]["authorization"], "Bearer <redacted>");
    assert_eq!(first["headers"]["client-request-id"], "abc");
    assert_eq!(first["headers"]["x-custom"], "Value");
    assert_eq!(first["bodyLength"], 0);
    assert_eq!(first["status"], 204);
    assert!(first["at"].as_str().unwrap().ends_with('Z'));

    assert_eq!(log[1]["method"], "GET");
    assert_eq!(log[1]["status"], 401);
    assert!(log[1]["headers"].get("authorization").is_none());
    assert!(log[1]["query"].is_null());
    assert_eq!(log[2]["method"], "OPTIONS");
    assert_eq!(log[2]["status"], 204);
    assert_eq!(log[3]["headers"]["authorization"], "<redacted>");
    assert_eq!(log[3]["bodyLength"], 5);

    let (status, _) = sim.control(Method::DELETE, "/_sim/requests", None).await;
    assert_eq!(status, 204);
    let (_, log) = sim.control(Method::GET, "/_sim/requests", None).await;
    assert_eq!(log, json!([]));
}

#[tokio::test]
async fn clock_and_state() {
    let sim = start(&[]).await;
    let before = sim.state().await;
    assert_eq!(before["clockOffsetMs"], 0);
    assert_eq!(before["syncStatus"], "unknown");
    assert_eq!(before["config"]["cooldownSeconds"], 600);
    let (status, body) = sim
        .control(
            Method::POST,
            "/_sim/clock",
            Some(json!({"advanceMs": 86_400_000})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["clockOffsetMs"], 86_400_000);
    assert!(body["now"].as_str().unwrap() > before["now"].as_str().unwrap());
    sim.sync().await;
    let after = sim.state().await;
    assert_eq!(after["syncStatus"], "inProgress");
    assert_eq!(after["lastSyncDateTime"], "0001-01-01T00:00:00Z");
    assert_ne!(
        after["lastManualSyncTriggerDateTime"],
        "0001-01-01T00:00:00Z"
    );
}

#[tokio::test]
async fn config_patch_changes_behaviour() {
    let sim = start(&[]).await;
    let (status, config) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(json!({"cooldownSeconds": 5, "syncDurationMs": 100, "retryAfterHeader": false})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        config,
        json!({
            "cooldownSeconds": 5, "syncDurationMs": 100, "syncResult": "completed",
            "retryAfterHeader": false, "exposeRetryAfter": false, "settingsEnvelope": false,
            "syncSuccessStatus": 204, "intuneLicence": true, "devicePageSize": 1000
        })
    );
    assert_eq!(sim.sync().await.status(), 204);
    sim.advance(100).await;
    assert_eq!(sim.settings().await["syncStatus"], "completed");
    let res = sim.sync().await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_none());
    sim.advance(4_900).await;
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn reset_restores_the_cli_defaults() {
    let sim = start(&["--cooldown-seconds", "42"]).await;
    sim.sync().await;
    sim.advance(1_000).await;
    sim.control(
        Method::PATCH,
        "/_sim/config",
        Some(json!({"cooldownSeconds": 1})),
    )
    .await;
    sim.fault(json!({"kind": "close"})).await;
    let (status, body) = sim.control(Method::POST, "/_sim/reset", None).await;
    assert_eq!(status, 204);
    assert!(body.is_null());
    let s = sim.state().await;
    assert_eq!(s["syncStatus"], "unknown");
    assert_eq!(s["clockOffsetMs"], 0);
    assert_eq!(s["config"]["cooldownSeconds"], 42);
    assert_eq!(s["lastManualSyncTriggerDateTime"], "0001-01-01T00:00:00Z");
    let (_, faults) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(faults, json!([]));
    let (_, log) = sim.control(Method::GET, "/_sim/requests", None).await;
    assert_eq!(log, json!([]));
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn bad_control_input_gets_400_json() {
    let sim = start(&[]).await;
    let cases = [
        (Method::PATCH, "/_sim/config", "{\"bogus\": 1}"),
        (Method::PATCH, "/_sim/config", "{\"syncResult\": \"maybe\"}"),
        (Method::PATCH, "/_sim/config", "{\"cooldownSeconds\": -1}"),
        (Method::PATCH, "/_sim/config", "not json"),
        (Method::PATCH, "/_sim/config", ""),
        (Method::POST, "/_sim/clock", "{\"advanceMs\": -5}"),
        (Method::POST, "/_sim/clock", "{}"),
        (Method::POST, "/_sim/clock", "[1]"),
        (Method::POST, "/_sim/clock", "{\"at\": \"tomorrow\"}"),
        (Method::POST, "/_sim/clock", "{\"freeze\": \"yes\"}"),
        (
            Method::PATCH,
            "/_sim/config",
            "{\"syncSuccessStatus\": 201}",
        ),
        (Method::POST, "/_sim/faults", "{"),
    ];
    for (method, path, body) in cases {
        let res = sim
            .client
            .request(method.clone(), sim.url(path))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{method} {path} {body}");
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        let v: serde_json::Value = res.json().await.unwrap();
        assert!(v["error"].is_string());
    }
    let (status, _) = sim.control(Method::GET, "/_sim/nope", None).await;
    assert_eq!(status, 404);
    let (status, _) = sim.control(Method::GET, "/_sim/reset", None).await;
    assert_eq!(status, 405);
    // Still healthy.
    assert_eq!(sim.state().await["clockOffsetMs"], 0);
}

#[tokio::test]
async fn clock_freeze_at_and_advance() {
    let sim = start(&[]).await;
    assert_eq!(sim.state().await["clockFrozen"], false);
    let (status, body) = sim
        .control(Method::POST, "/_sim/clock", Some(json!({"freeze": true})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["clockFrozen"], true);
    let (_, body) = sim
        .control(
            Method::POST,
            "/_sim/clock",
            Some(json!({"at": "2026-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(body["now"], "2026-01-01T00:00:00.000Z");
    assert_eq!(body["clockFrozen"], true, "at keeps a frozen clock frozen");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let s = sim.state().await;
    assert_eq!(s["now"], "2026-01-01T00:00:00.000Z");
    assert_eq!(s["clockFrozen"], true);
    sim.advance(1_500).await;
    assert_eq!(sim.state().await["now"], "2026-01-01T00:00:01.500Z");
    // One request may combine them: freeze, then at, then advanceMs.
    let (_, body) = sim
        .control(
            Method::POST,
            "/_sim/clock",
            Some(json!({"at": "2027-06-30T23:59:59+02:00", "advanceMs": 1000})),
        )
        .await;
    assert_eq!(body["now"], "2027-06-30T22:00:00.000Z");
    // Resume: real time runs on from the simulated instant.
    let (_, body) = sim
        .control(Method::POST, "/_sim/clock", Some(json!({"freeze": false})))
        .await;
    assert_eq!(body["clockFrozen"], false);
    let now = sim.state().await["now"].as_str().unwrap().to_string();
    assert!(now.starts_with("2027-06-30T22:00:"), "{now}");
    // Reset restores the flag's mode (running here).
    sim.control(Method::POST, "/_sim/reset", None).await;
    let s = sim.state().await;
    assert_eq!(s["clockFrozen"], false);
    assert!(s["clockOffsetMs"].as_i64().unwrap().abs() < 1000);

    let frozen = start(&["--freeze-clock"]).await;
    let first = frozen.state().await;
    assert_eq!(first["clockFrozen"], true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(frozen.state().await["now"], first["now"]);
    frozen
        .control(Method::POST, "/_sim/clock", Some(json!({"freeze": false})))
        .await;
    frozen.control(Method::POST, "/_sim/reset", None).await;
    assert_eq!(frozen.state().await["clockFrozen"], true);
}

#[tokio::test]
async fn get_config_reports_flags_and_patches() {
    let sim = start(&[
        "--cooldown-seconds",
        "60",
        "--sync-duration-ms",
        "5000",
        "--sync-result",
        "failed",
        "--no-retry-after",
        "--expose-retry-after",
        "--settings-envelope",
        "--sync-success-status",
        "200",
        "--no-intune-licence",
        "--device-page-size",
        "7",
    ])
    .await;
    let (status, config) = sim.control(Method::GET, "/_sim/config", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        config,
        json!({
            "cooldownSeconds": 60, "syncDurationMs": 5000, "syncResult": "failed",
            "retryAfterHeader": false, "exposeRetryAfter": true, "settingsEnvelope": true,
            "syncSuccessStatus": 200, "intuneLicence": false, "devicePageSize": 7
        })
    );
    sim.control(
        Method::PATCH,
        "/_sim/config",
        Some(json!({"cooldownSeconds": 1, "intuneLicence": true})),
    )
    .await;
    let (_, config) = sim.control(Method::GET, "/_sim/config", None).await;
    assert_eq!(config["cooldownSeconds"], 1);
    assert_eq!(config["intuneLicence"], true);
    assert_eq!(config["syncResult"], "failed");
    let (status, _) = sim.control(Method::PUT, "/_sim/config", None).await;
    assert_eq!(status, 405);
    // The state view carries the same object.
    assert_eq!(sim.state().await["config"], config);
}
