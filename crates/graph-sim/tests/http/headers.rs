//! request-id, client-request-id, Date, innerError and CORS.

use crate::common::*;
use graph_sim::timefmt;
use reqwest::Method;

fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn ids_are_fresh_or_echoed_on_every_graph_response() {
    let sim = start(&[]).await;
    // 204, 401, 400 and the settings 200.
    let mut seen = Vec::new();
    for (method, path, token) in [
        (Method::POST, SYNC, Some(RW)),
        (Method::POST, SYNC, None),
        (Method::GET, "/beta/nothing", Some(RW)),
        (Method::GET, SETTINGS, Some(RO)),
    ] {
        let res = sim.call(method, path, token).await;
        let rid = res.headers()["request-id"].to_str().unwrap().to_string();
        let crid = res.headers()["client-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(is_guid(&rid) && is_guid(&crid), "{rid} {crid}");
        assert!(res.headers().contains_key("date"));
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        seen.push(rid);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4, "request-id must be fresh");

    let mine = "0d3e3a7c-1111-4222-8333-444455556666";
    let res = sim
        .client
        .post(sim.url(SYNC))
        .header("client-request-id", mine)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["client-request-id"], mine);
    let rid = res.headers()["request-id"].to_str().unwrap().to_string();
    let err = graph_error(res).await;
    let inner = &err["innerError"];
    assert_eq!(inner["client-request-id"], mine);
    assert_eq!(inner["request-id"], rid.as_str());
    let date = inner["date"].as_str().unwrap();
    assert_eq!(date.len(), 19, "{date}");
    assert_eq!(&date[10..11], "T");
    assert!(!date.contains('Z') && !date.contains('.'));
}

#[tokio::test]
async fn date_header_follows_the_simulated_clock() {
    let sim = start(&["--freeze-clock"]).await;
    let (status, body) = sim
        .control(
            Method::POST,
            "/_sim/clock",
            Some(serde_json::json!({"at": "2026-11-28T12:00:00.250Z"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let year_ms: u64 = 400 * 86_400_000;
    sim.advance(year_ms).await;
    let res = sim.call(Method::POST, SYNC, Some(RW)).await;
    let date = res.headers()["date"].to_str().unwrap().to_string();
    // Literal, and the same instant through the formatter.
    assert_eq!(date, "Sun, 02 Jan 2028 12:00:00 GMT");
    let now = 1_795_867_200_250 + year_ms as i64;
    assert_eq!(date, timefmt::http_date(now));
    // The innerError date on an error shares the clock.
    let res = sim.call(Method::POST, SYNC, None).await;
    let err = graph_error(res).await;
    assert_eq!(err["innerError"]["date"], "2028-01-02T12:00:00");
    assert_eq!(err["innerError"]["date"], timefmt::inner_error_date(now));
    let s = sim.state().await;
    assert_eq!(s["now"], "2028-01-02T12:00:00.250Z");
    assert_eq!(
        s["lastManualSyncTriggerDateTime"],
        "2028-01-02T12:00:00.250Z"
    );
}

#[tokio::test]
async fn preflight_on_any_path() {
    let sim = start(&[]).await;
    for path in [SYNC, SETTINGS, "/_sim/state", "/anything/else"] {
        let res = sim
            .client
            .request(Method::OPTIONS, sim.url(path))
            .header("origin", "http://localhost:5173")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,client-request-id",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204, "{path}");
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        let methods = h["access-control-allow-methods"].to_str().unwrap();
        for m in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
            assert!(methods.contains(m), "{methods}");
        }
        assert_eq!(
            h["access-control-allow-headers"],
            "authorization,client-request-id"
        );
        assert!(
            h["access-control-max-age"]
                .to_str()
                .unwrap()
                .parse::<u32>()
                .unwrap()
                > 0
        );
        if path.starts_with("/beta") {
            assert!(h.contains_key("request-id"));
        }
    }
    // Without Access-Control-Request-Headers the default list is sent.
    let res = sim
        .client
        .request(Method::OPTIONS, sim.url(SYNC))
        .send()
        .await
        .unwrap();
    let allow = res.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap();
    for h in [
        "Authorization",
        "Content-Type",
        "client-request-id",
        "SdkVersion",
        "Prefer",
    ] {
        assert!(allow.contains(h), "{allow}");
    }
}

#[tokio::test]
async fn expose_headers_default_hides_retry_after_and_date() {
    let hidden = "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, SdkVersion, WWW-Authenticate";
    let exposed = "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, Retry-After, Date, SdkVersion, WWW-Authenticate";
    let sim = start(&[]).await;
    let res = sim.sync().await;
    assert_eq!(res.headers()["access-control-expose-headers"], hidden);
    // Control API responses carry CORS too.
    let res = sim.client.get(sim.url("/_sim/state")).send().await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert_eq!(res.headers()["access-control-expose-headers"], hidden);

    let flagged = start(&["--expose-retry-after"]).await;
    let res = flagged.sync().await;
    assert_eq!(res.headers()["access-control-expose-headers"], exposed);
    let (_, config) = flagged.control(Method::GET, "/_sim/config", None).await;
    assert_eq!(config["exposeRetryAfter"], true);

    // And switchable at run time.
    let (status, config) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(serde_json::json!({"exposeRetryAfter": true})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(config["exposeRetryAfter"], true);
    let res = sim.sync().await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.headers()["access-control-expose-headers"], exposed);
    sim.control(Method::POST, "/_sim/reset", None).await;
    let res = sim.sync().await;
    assert_eq!(res.headers()["access-control-expose-headers"], hidden);
}
