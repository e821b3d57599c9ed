//! The sync action and the settings entity.

use crate::common::*;
use reqwest::Method;

#[tokio::test]
async fn unauthenticated_calls_get_401_with_www_authenticate() {
    let sim = start(&[]).await;
    let cases: [(Option<&str>, &str); 5] = [
        (None, "Access token is empty."),
        (Some("Basic dXNlcjpwYXNz"), "CompactToken parsing failed"),
        (Some("Bearer"), "Access token is empty."),
        (Some("Bearer a b"), "CompactToken parsing failed"),
        (
            Some("Bearer not-a-known-token"),
            "CompactToken validation failed",
        ),
    ];
    for path in [SYNC, SETTINGS] {
        for (auth, message) in cases {
            let method = if path == SYNC {
                Method::POST
            } else {
                Method::GET
            };
            let mut req = sim.client.request(method, sim.url(path));
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 401, "{path} {auth:?}");
            let www = res.headers()["www-authenticate"].to_str().unwrap();
            assert!(www.starts_with("Bearer "), "{www}");
            let err = graph_error(res).await;
            assert_eq!(err["code"], "InvalidAuthenticationToken");
            assert!(
                err["message"].as_str().unwrap().starts_with(message),
                "{err}"
            );
            assert!(err["innerError"]["request-id"].is_string());
        }
    }
    // Nothing started.
    assert_eq!(sim.state().await["syncStatus"], "unknown");
}

#[tokio::test]
async fn read_only_token_gets_403_naming_the_scope_but_may_read() {
    let sim = start(&[]).await;
    let res = sim.call(Method::POST, SYNC, Some(RO)).await;
    assert_eq!(res.status(), 403);
    let err = graph_error(res).await;
    assert_eq!(err["code"], "Forbidden");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("DeviceManagementServiceConfig.ReadWrite.All"));
    assert_eq!(sim.settings().await["syncStatus"], "unknown");
    let rw = sim.call(Method::GET, SETTINGS, Some(RW)).await;
    assert_eq!(rw.status(), 200);
}

#[tokio::test]
async fn custom_tokens_replace_the_defaults() {
    let sim = start(&["--token", "alpha=rw", "--token", "beta=ro"]).await;
    assert_eq!(sim.call(Method::POST, SYNC, Some(RW)).await.status(), 401);
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("beta")).await.status(),
        403
    );
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("alpha")).await.status(),
        204
    );
}

#[tokio::test]
async fn settings_before_any_sync() {
    let sim = start(&[]).await;
    let s = sim.settings().await;
    assert_eq!(s["syncStatus"], "unknown");
    assert_eq!(s["lastSyncDateTime"], "0001-01-01T00:00:00Z");
    assert_eq!(s["lastManualSyncTriggerDateTime"], "0001-01-01T00:00:00Z");
    assert!(s["@odata.context"]
        .as_str()
        .unwrap()
        .contains("windowsAutopilotSettings"));
    assert!(s["id"].as_str().is_some_and(|id| id.len() == 36));
}

#[tokio::test]
async fn full_lifecycle_204_409_429_and_cooldown_end() {
    // A frozen clock: every wait below is exact, however slow the machine.
    let sim = start(&["--freeze-clock"]).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 204);
    assert!(res.headers().get("content-type").is_none());
    assert!(res.bytes().await.unwrap().is_empty());

    let s = sim.settings().await;
    assert_eq!(s["syncStatus"], "inProgress");
    let trigger = s["lastManualSyncTriggerDateTime"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        trigger.ends_with('Z') && trigger.starts_with("20"),
        "{trigger}"
    );
    assert_eq!(s["lastSyncDateTime"], "0001-01-01T00:00:00Z");

    // Running: 409 with Intune's nested message.
    let res = sim.sync().await;
    assert_eq!(res.status(), 409);
    assert!(res.headers().get("retry-after").is_none());
    let err = graph_error(res).await;
    assert_eq!(err["code"], "Conflict");
    let n = nested(&err);
    assert_eq!(n["_version"], 3);
    assert!(n["Message"]
        .as_str()
        .unwrap()
        .contains("A sync is already in progress."));
    assert!(n["Message"]
        .as_str()
        .unwrap()
        .contains("Operation ID (for customer support): "));
    assert!(n["RetryAfter"].is_null());
    assert_eq!(n["HttpHeaders"], "{}");

    // Ends after 30 s of simulated time; then 429 until 600 s after the trigger.
    sim.advance(30_000).await;
    let s = sim.settings().await;
    assert_eq!(s["syncStatus"], "completed");
    assert_eq!(s["lastManualSyncTriggerDateTime"], trigger.as_str());
    let last = s["lastSyncDateTime"].as_str().unwrap();
    assert!(last > trigger.as_str(), "{last} after {trigger}");

    let res = sim.sync().await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "570");
    let err = graph_error(res).await;
    assert_eq!(err["code"], "TooManyRequests");
    let n = nested(&err);
    assert!(n.get("RetryAfter").is_some_and(|v| v.is_null()), "{n}");
    assert_eq!(n["_version"], 3);
    assert!(n["Message"]
        .as_str()
        .unwrap()
        .contains("minimum interval between sync actions is 10 minutes"));

    sim.advance(569_000).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1");

    sim.advance(1_000).await;
    assert_eq!(sim.sync().await.status(), 204);
    let s = sim.settings().await;
    assert_eq!(s["syncStatus"], "inProgress");
    // The previous completion stays visible while the new sync runs.
    assert_eq!(s["lastSyncDateTime"], last);
}

#[tokio::test]
async fn conflict_is_checked_before_cooldown() {
    let sim = start(&["--cooldown-seconds", "5", "--sync-duration-ms", "60000"]).await;
    assert_eq!(sim.sync().await.status(), 204);
    sim.advance(10_000).await;
    assert_eq!(sim.sync().await.status(), 409);
}

#[tokio::test]
async fn no_retry_after_flag_omits_the_header() {
    let sim = start(&["--no-retry-after"]).await;
    assert_eq!(sim.sync().await.status(), 204);
    sim.advance(30_000).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn failed_result_from_flag_and_from_control() {
    let sim = start(&["--sync-result", "failed"]).await;
    assert_eq!(sim.sync().await.status(), 204);
    sim.advance(30_000).await;
    assert_eq!(sim.settings().await["syncStatus"], "failed");

    let sim = start(&[]).await;
    assert_eq!(sim.sync().await.status(), 204);
    let (status, _) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(serde_json::json!({"syncResult": "failed"})),
        )
        .await;
    assert_eq!(status, 200);
    sim.advance(29_000).await;
    assert_eq!(sim.settings().await["syncStatus"], "inProgress");
    sim.advance(1_000).await;
    let s = sim.settings().await;
    assert_eq!(s["syncStatus"], "failed");
    assert_ne!(s["lastSyncDateTime"], "0001-01-01T00:00:00Z");
}

#[tokio::test]
async fn qualified_action_path_is_the_same_action() {
    let sim = start(&[]).await;
    assert_eq!(
        sim.call(Method::POST, SYNC_QUALIFIED, Some(RW))
            .await
            .status(),
        204
    );
    assert_eq!(sim.sync().await.status(), 409);
    assert_eq!(
        sim.call(Method::POST, SYNC_QUALIFIED, Some(RW))
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn body_is_refused_with_400() {
    let sim = start(&[]).await;
    let res = sim
        .client
        .post(sim.url(SYNC))
        .bearer_auth(RW)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(graph_error(res).await["code"], "BadRequest");
    assert_eq!(sim.state().await["syncStatus"], "unknown");
}

#[tokio::test]
async fn other_methods_on_the_action_get_405() {
    let sim = start(&[]).await;
    for m in [Method::GET, Method::PUT, Method::PATCH, Method::DELETE] {
        let res = sim.call(m.clone(), SYNC, Some(RW)).await;
        assert_eq!(res.status(), 405, "{m}");
        assert_eq!(res.headers()["allow"], "POST");
        assert_eq!(graph_error(res).await["code"], "MethodNotAllowed");
    }
    let res = sim.call(Method::POST, SETTINGS, Some(RW)).await;
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn unknown_segments_get_400_like_graph() {
    let sim = start(&[]).await;
    for (path, segment) in [
        ("/beta/me", "me"),
        (
            "/v1.0/deviceManagement/windowsAutopilotSettings/sync",
            "windowsAutopilotSettings",
        ),
        ("/beta/deviceManagement/managedDevices", "managedDevices"),
        (
            "/beta/deviceManagement/windowsAutopilotSettings/sync/extra",
            "extra",
        ),
    ] {
        let res = sim.call(Method::POST, path, Some(RW)).await;
        assert_eq!(res.status(), 400, "{path}");
        let err = graph_error(res).await;
        assert_eq!(err["code"], "BadRequest");
        assert_eq!(
            err["message"],
            format!("Resource not found for the segment '{segment}'.")
        );
    }
}

#[tokio::test]
async fn settings_envelope_from_flag_and_config() {
    let sim = start(&["--settings-envelope"]).await;
    let s = sim.settings().await;
    assert_eq!(s["value"]["syncStatus"], "unknown");
    assert!(s.get("syncStatus").is_none());

    let sim = start(&[]).await;
    assert!(sim.settings().await.get("value").is_none());
    sim.control(
        Method::PATCH,
        "/_sim/config",
        Some(serde_json::json!({"settingsEnvelope": true})),
    )
    .await;
    assert_eq!(
        sim.settings().await["value"]["lastSyncDateTime"],
        "0001-01-01T00:00:00Z"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_triggers_get_one_204_and_one_409() {
    for _ in 0..5 {
        let sim = start(&[]).await;
        let (a, b) = tokio::join!(sim.sync(), sim.sync());
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [204, 409]);
    }
}

#[tokio::test]
async fn sync_success_status_200_from_flag_and_config() {
    let sim = start(&["--sync-success-status", "200"]).await;
    let res = sim.sync().await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().is_empty());
    assert_eq!(sim.state().await["syncStatus"], "inProgress");
    assert_eq!(sim.sync().await.status(), 409);

    let sim = start(&[]).await;
    let (status, config) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(serde_json::json!({"syncSuccessStatus": 200})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(config["syncSuccessStatus"], 200);
    assert_eq!(sim.sync().await.status(), 200);
    let (status, _) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(serde_json::json!({"syncSuccessStatus": 202})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn no_intune_licence_answers_403_doubly_nested() {
    let sim = start(&["--no-intune-licence"]).await;
    for (method, path) in [(Method::POST, SYNC), (Method::GET, SETTINGS)] {
        let res = sim.call(method, path, Some(RW)).await;
        assert_eq!(res.status(), 403, "{path}");
        let err = graph_error(res).await;
        assert_eq!(err["code"], "UnknownError");
        let outer = nested(&err);
        assert_eq!(outer["ErrorCode"], "Forbidden");
        let inner: serde_json::Value =
            serde_json::from_str(outer["Message"].as_str().unwrap()).unwrap();
        assert_eq!(inner["_version"], 3);
        assert!(inner["Message"]
            .as_str()
            .unwrap()
            .contains("does not have an active Intune license"));
        assert!(inner.get("RetryAfter").is_some_and(|v| v.is_null()));
    }
    assert_eq!(sim.state().await["syncStatus"], "unknown");
    // Licensed again through the config API.
    sim.control(
        Method::PATCH,
        "/_sim/config",
        Some(serde_json::json!({"intuneLicence": true})),
    )
    .await;
    assert_eq!(sim.sync().await.status(), 204);
}

#[tokio::test]
async fn each_tenant_has_its_own_sync_state_window_and_log_entries() {
    let sim = start(&[
        "--token",
        "a-rw=rw@tenantA",
        "--token",
        "b-rw=rw@tenantB",
        "--token",
        "b-ro=ro@tenantB",
        "--token",
        "default-rw=rw",
    ])
    .await;
    let status = |t: &'static str| {
        let sim = &sim;
        async move {
            let v: serde_json::Value = sim
                .call(Method::GET, SETTINGS, Some(t))
                .await
                .json()
                .await
                .unwrap();
            v["syncStatus"].as_str().unwrap().to_string()
        }
    };
    // tenantA starts, then is running (409); tenantB and the default tenant are untouched.
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("a-rw")).await.status(),
        204
    );
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("a-rw")).await.status(),
        409
    );
    assert_eq!(status("b-ro").await, "unknown");
    assert_eq!(status("default-rw").await, "unknown");
    assert_eq!(status("a-rw").await, "inProgress");
    // tenantB's read-only token may read, not start; its read-write token starts it.
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("b-ro")).await.status(),
        403
    );
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("b-rw")).await.status(),
        204
    );
    // After tenantA's sync ended its window is still closed (429); the default tenant starts.
    let (code, _) = sim
        .control(
            Method::POST,
            "/_sim/clock",
            Some(serde_json::json!({ "advanceMs": 60_000 })),
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("a-rw")).await.status(),
        429
    );
    assert_eq!(
        sim.call(Method::POST, SYNC, Some("default-rw"))
            .await
            .status(),
        204
    );
    let state = sim.state().await;
    assert_eq!(state["tenants"]["tenantA"]["syncStatus"], "completed");
    assert_eq!(state["tenants"]["tenantB"]["syncStatus"], "completed");
    assert_eq!(
        state["syncStatus"], "inProgress",
        "the default tenant's own sync"
    );
    // Every logged Graph request names its tenant (null: the default one).
    let (_, log) = sim.control(Method::GET, "/_sim/requests", None).await;
    let tenants: Vec<Option<&str>> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with(SETTINGS))
        .map(|r| r["tenant"].as_str())
        .collect();
    let (a, b) = (Some("tenantA"), Some("tenantB"));
    assert_eq!(tenants, [a, a, b, None, a, b, b, a, None]);
    // Reset forgets every tenant.
    sim.control(Method::POST, "/_sim/reset", None).await;
    assert_eq!(sim.state().await["tenants"], serde_json::json!({}));
}
