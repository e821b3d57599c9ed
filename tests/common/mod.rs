//! One body of wasm tests, run in Node (tests/node.rs) and headless Chromium
//! (tests/browser.rs) against graph-sim, through the real exports. The simulator's URL
//! is baked in at compile time from GRAPH_SIM_URL (tests/run-wasm-tests.mjs sets it).
#![allow(missing_docs)]

use std::cell::RefCell;
use std::rc::Rc;

use autopilot_sync::{
    create_sync_client, get_devices, get_sync_status, read_serials, trigger_sync,
};
use gloo_net::http::Request;
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

const SIM: &str = match option_env!("GRAPH_SIM_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:9/set-GRAPH_SIM_URL",
};
/// A loopback URL that nothing listens on: tests/run-wasm-tests.mjs binds a free port,
/// closes it and passes it in CLOSED_URL (no port is assumed closed).
const CLOSED: &str = match option_env!("CLOSED_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:9",
};
const RW: &str = "sim-admin-token";
const RO: &str = "sim-reader-token";
const SYNC_PATH: &str = "/beta/deviceManagement/windowsAutopilotSettings/sync";

// ---- helpers -------------------------------------------------------------------------

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}
fn s(v: &JsValue, k: &str) -> Option<String> {
    get(v, k).as_string()
}
fn n(v: &JsValue, k: &str) -> Option<f64> {
    get(v, k).as_f64()
}
fn b(v: &JsValue, k: &str) -> bool {
    get(v, k).as_bool().unwrap()
}
fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}
fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}
fn opts() -> JsValue {
    obj(&[("baseUrl", SIM.into())])
}
fn opts_with(extra: &[(&str, JsValue)]) -> JsValue {
    let o = opts();
    for (k, v) in extra {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o
}

async fn control(method: &str, path: &str, body: Option<&str>) -> JsValue {
    let url = format!("{SIM}/_sim/{path}");
    let req = match method {
        "GET" => Request::get(&url),
        "DELETE" => Request::delete(&url),
        "PATCH" => Request::patch(&url),
        _ => Request::post(&url),
    };
    let resp = match body {
        Some(b) => {
            req.header("content-type", "application/json")
                .body(b)
                .unwrap()
                .send()
                .await
        }
        None => req.send().await,
    }
    .expect("graph-sim control API unreachable");
    assert!(resp.ok(), "control {method} {path} -> {}", resp.status());
    let text = resp.text().await.unwrap();
    if text.is_empty() {
        JsValue::NULL
    } else {
        json(&text)
    }
}
async fn reset() {
    control("POST", "reset", None).await;
}
async fn fault(f: &str) {
    control("POST", "faults", Some(f)).await;
}
async fn advance(ms: u64) {
    control("POST", "clock", Some(&format!(r#"{{"advanceMs":{ms}}}"#))).await;
}
/// Stops the simulated clock (until the next reset) so waits and Retry-After are exact.
async fn freeze_clock() {
    control("POST", "clock", Some(r#"{"freeze":true}"#)).await;
}
/// Lets browsers read Retry-After and Date (graph-sim, like Graph, hides them by default).
async fn expose_retry_after() {
    control("PATCH", "config", Some(r#"{"exposeRetryAfter":true}"#)).await;
}
/// Whether the tests run in a browser (CORS applies) rather than in Node.
fn in_browser() -> bool {
    Reflect::has(&js_sys::global(), &"document".into()).unwrap_or(false)
}
async fn requests() -> Vec<JsValue> {
    Array::from(&control("GET", "requests", None).await)
        .iter()
        .filter(|r| s(r, "method").as_deref() != Some("OPTIONS"))
        .collect()
}
async fn run(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}
async fn trigger(token: &str, o: JsValue) -> JsValue {
    run(trigger_sync(token.into(), o))
        .await
        .expect("triggerSync rejected")
}

const RESULT_KEYS: [&str; 12] = [
    "ok",
    "outcome",
    "httpStatus",
    "retryable",
    "retryAfterSeconds",
    "nextAttemptAt",
    "message",
    "errorCode",
    "errorMessage",
    "requestId",
    "clientRequestId",
    "date",
];

fn assert_shape(r: &JsValue) {
    let keys: Vec<String> = Object::keys(r.unchecked_ref::<Object>())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    assert_eq!(keys, RESULT_KEYS, "result keys");
    assert!(!s(r, "message").unwrap().is_empty());
    let id = s(r, "clientRequestId").unwrap();
    assert_eq!(id.len(), 36, "{id}");
}

fn assert_outcome(r: &JsValue, outcome: &str, status: Option<u16>, retryable: bool) {
    assert_shape(r);
    assert_eq!(
        s(r, "outcome").as_deref(),
        Some(outcome),
        "{:?}",
        JSON::stringify(r)
    );
    assert_eq!(n(r, "httpStatus"), status.map(f64::from));
    assert_eq!(b(r, "retryable"), retryable);
    assert_eq!(b(r, "ok"), outcome == "started");
}

async fn sync_error(p: Promise) -> (String, String) {
    let e = run(p).await.expect_err("expected a rejection");
    assert!(e.has_type::<js_sys::Error>());
    (s(&e, "name").unwrap(), s(&e, "code").unwrap())
}

// ---- outcomes end to end ---------------------------------------------------------------

#[wasm_bindgen_test]
async fn started_sends_one_bare_post_with_the_right_headers() {
    reset().await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "started", Some(204), false);
    assert!(
        s(&r, "requestId").is_some(),
        "request-id is exposed by CORS"
    );
    let log = requests().await;
    assert_eq!(log.len(), 1);
    let req = &log[0];
    assert_eq!(s(req, "method").as_deref(), Some("POST"));
    assert_eq!(s(req, "path").as_deref(), Some(SYNC_PATH));
    assert_eq!(n(req, "bodyLength"), Some(0.0));
    let h = get(req, "headers");
    assert_eq!(s(&h, "authorization").as_deref(), Some("Bearer <redacted>"));
    assert_eq!(s(&h, "accept").as_deref(), Some("application/json"));
    assert_eq!(s(&h, "client-request-id"), s(&r, "clientRequestId"));
    assert!(
        s(&h, "content-type").is_none(),
        "no body, so no content-type"
    );
}

#[wasm_bindgen_test]
async fn chosen_client_request_id_is_sent() {
    reset().await;
    let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let r = trigger(RW, opts_with(&[("clientRequestId", id.into())])).await;
    assert_eq!(s(&r, "clientRequestId").as_deref(), Some(id));
    let log = requests().await;
    assert_eq!(
        s(&get(&log[0], "headers"), "client-request-id").as_deref(),
        Some(id)
    );
}

#[wasm_bindgen_test]
async fn already_in_progress_then_throttled_then_started_again() {
    reset().await;
    freeze_clock().await;
    expose_retry_after().await;
    assert_outcome(&trigger(RW, opts()).await, "started", Some(204), false);
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "alreadyInProgress", Some(409), true);
    let m = s(&r, "errorMessage").unwrap();
    assert!(
        !m.starts_with('{'),
        "Intune's nested JSON is unwrapped: {m}"
    );
    assert!(s(&r, "requestId").is_some());

    advance(60_000).await; // the 30 s sync is over; 9 minutes of cooldown left
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "throttled", Some(429), true);
    assert_eq!(s(&r, "errorCode").as_deref(), Some("TooManyRequests"));
    assert_eq!(n(&r, "retryAfterSeconds"), Some(540.0));
    assert!(s(&r, "message").unwrap().contains("10 minutes"));

    advance(540_000).await;
    assert_outcome(&trigger(RW, opts()).await, "started", Some(204), false);
}

#[wasm_bindgen_test]
async fn throttled_retry_after_is_unreadable_in_browsers_by_default() {
    // Graph (and graph-sim by default) does not list Retry-After in
    // Access-Control-Expose-Headers: a browser cannot read it, Node can.
    reset().await;
    freeze_clock().await;
    assert_outcome(&trigger(RW, opts()).await, "started", Some(204), false);
    advance(60_000).await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "throttled", Some(429), true);
    assert!(s(&r, "requestId").is_some(), "request-id stays readable");
    if in_browser() {
        assert_eq!(get(&r, "retryAfterSeconds"), JsValue::NULL);
    } else {
        assert_eq!(n(&r, "retryAfterSeconds"), Some(540.0));
    }
}

#[wasm_bindgen_test]
async fn throttled_without_retry_after_header() {
    reset().await;
    control("PATCH", "config", Some(r#"{"retryAfterHeader":false}"#)).await;
    trigger(RW, opts()).await;
    advance(31_000).await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "throttled", Some(429), true);
    assert_eq!(get(&r, "retryAfterSeconds"), JsValue::NULL);
}

#[wasm_bindgen_test]
async fn unauthorized_and_forbidden() {
    reset().await;
    let r = trigger("not-a-known-token", opts()).await;
    assert_outcome(&r, "unauthorized", Some(401), false);
    assert_eq!(
        s(&r, "errorCode").as_deref(),
        Some("InvalidAuthenticationToken")
    );

    let r = trigger(RO, opts()).await;
    assert_outcome(&r, "forbidden", Some(403), false);
    assert_eq!(s(&r, "errorCode").as_deref(), Some("Forbidden"));
    assert!(s(&r, "message")
        .unwrap()
        .contains("DeviceManagementServiceConfig.ReadWrite.All"));
    assert!(s(&r, "errorMessage")
        .unwrap()
        .contains("DeviceManagementServiceConfig.ReadWrite.All"));
}

#[wasm_bindgen_test]
async fn service_unavailable_with_retry_after_and_request_ids() {
    reset().await;
    expose_retry_after().await;
    fault(r#"{"kind":"status","status":503,"headers":{"Retry-After":"5"}}"#).await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "serviceUnavailable", Some(503), true);
    assert_eq!(n(&r, "retryAfterSeconds"), Some(5.0));
    assert!(s(&r, "requestId").is_some());
    assert!(s(&r, "date").is_some());
}

#[wasm_bindgen_test]
async fn unexpected_status_html_and_broken_bodies() {
    reset().await;
    fault(r#"{"kind":"status","status":418,"body":"{\"error\":{\"code\":\"Teapot\",\"message\":\"short and stout\"}}"}"#).await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "unexpectedResponse", Some(418), false);
    assert_eq!(s(&r, "errorCode").as_deref(), Some("Teapot"));
    assert_eq!(s(&r, "errorMessage").as_deref(), Some("short and stout"));

    fault(r#"{"kind":"html","status":502}"#).await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "serviceUnavailable", Some(502), true);
    assert_eq!(get(&r, "errorCode"), JsValue::NULL);

    fault(r#"{"kind":"huge","status":500,"bytes":5000000}"#).await;
    assert_outcome(
        &trigger(RW, opts()).await,
        "serviceUnavailable",
        Some(500),
        true,
    );

    fault(r#"{"kind":"nonUtf8","status":500}"#).await;
    assert_outcome(
        &trigger(RW, opts()).await,
        "serviceUnavailable",
        Some(500),
        true,
    );

    fault(r#"{"kind":"truncate","status":503}"#).await;
    assert_outcome(
        &trigger(RW, opts()).await,
        "serviceUnavailable",
        Some(503),
        true,
    );
}

#[wasm_bindgen_test]
async fn network_errors() {
    reset().await;
    // Chromium itself resends a request (up to 3 times here) when a keep-alive connection closes
    // before any byte of the answer; so the fault covers several requests.
    fault(r#"{"kind":"close","count":10}"#).await;
    let r = trigger(RW, opts()).await;
    assert_outcome(&r, "networkError", None, true);
    assert_eq!(get(&r, "requestId"), JsValue::NULL);

    let r = trigger(RW, obj(&[("baseUrl", CLOSED.into())])).await;
    assert_outcome(&r, "networkError", None, true);
}

#[wasm_bindgen_test]
async fn timeout() {
    reset().await;
    // 200 ms against a 10 s delay: the timeout wins on any machine.
    fault(r#"{"kind":"delay","delayMs":10000}"#).await;
    let r = trigger(RW, opts_with(&[("timeoutMs", 200.into())])).await;
    assert_outcome(&r, "timeout", None, true);
    assert!(s(&r, "message").unwrap().contains("check the sync status"));
}

// ---- single flight and abort -----------------------------------------------------------

#[wasm_bindgen_test]
async fn concurrent_calls_share_one_post() {
    reset().await;
    let (a, b) = futures_join(
        trigger_sync(RW.into(), opts()),
        trigger_sync(format!("Bearer {RW}").into(), opts()),
    )
    .await;
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_outcome(&a, "started", Some(204), false);
    assert_outcome(&b, "started", Some(204), false);
    assert_eq!(s(&a, "clientRequestId"), s(&b, "clientRequestId"));
    let posts = requests().await;
    assert_eq!(posts.len(), 1, "one POST on the wire");
    // Once settled, a new call sends a new request (and meets the running sync).
    assert_outcome(
        &trigger(RW, opts()).await,
        "alreadyInProgress",
        Some(409),
        true,
    );
}

async fn futures_join(
    a: Promise,
    b: Promise,
) -> (Result<JsValue, JsValue>, Result<JsValue, JsValue>) {
    let all = Promise::all_settled(&Array::of2(&a, &b));
    let settled = Array::from(&JsFuture::from(all).await.unwrap());
    let one = |v: JsValue| {
        if s(&v, "status").as_deref() == Some("fulfilled") {
            Ok(get(&v, "value"))
        } else {
            Err(get(&v, "reason"))
        }
    };
    (one(settled.get(0)), one(settled.get(1)))
}

fn abort_after(controller: &AbortController, ms: i32) {
    let c = controller.clone();
    let f = Closure::once_into_js(move || c.abort());
    let global = js_sys::global();
    let set_timeout: Function = get(&global, "setTimeout").unchecked_into();
    set_timeout
        .call2(&JsValue::UNDEFINED, &f, &ms.into())
        .unwrap();
}

#[wasm_bindgen_test]
async fn abort_rejects_that_caller_only() {
    reset().await;
    // The abort (50 ms) comes long before the answer (3 s), however slow the machine;
    // the other caller waits for that answer.
    fault(r#"{"kind":"delay","delayMs":3000}"#).await;
    let ac = AbortController::new().unwrap();
    let a = trigger_sync(RW.into(), opts_with(&[("signal", ac.signal().into())]));
    let b = trigger_sync(RW.into(), opts());
    abort_after(&ac, 50);
    let (a, b) = futures_join(a, b).await;
    let e = a.expect_err("the aborted caller rejects");
    assert_eq!(s(&e, "name").as_deref(), Some("AbortError"));
    assert_outcome(
        &b.expect("the other caller still gets the answer"),
        "started",
        Some(204),
        false,
    );
}

#[wasm_bindgen_test]
async fn abort_of_the_only_caller_and_an_aborted_signal() {
    reset().await;
    fault(r#"{"kind":"delay","delayMs":10000}"#).await;
    let ac = AbortController::new().unwrap();
    let p = trigger_sync(RW.into(), opts_with(&[("signal", ac.signal().into())]));
    abort_after(&ac, 30);
    let e = run(p).await.expect_err("aborted");
    assert_eq!(s(&e, "name").as_deref(), Some("AbortError"));

    control("DELETE", "requests", None).await;
    let ac = AbortController::new().unwrap();
    ac.abort_with_reason(&"custom reason".into());
    let e = run(trigger_sync(
        RW.into(),
        opts_with(&[("signal", ac.signal().into())]),
    ))
    .await
    .unwrap_err();
    assert_eq!(
        e.as_string().as_deref(),
        Some("custom reason"),
        "rejects with the signal's reason"
    );
    assert!(
        requests().await.is_empty(),
        "nothing sent for an already aborted signal"
    );
}

// ---- misuse ------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn misuse_rejects_with_sync_error_and_sends_nothing() {
    reset().await;
    let bad_tokens: [JsValue; 5] = [
        JsValue::NULL,
        42.into(),
        "".into(),
        "  ".into(),
        "two words".into(),
    ];
    for t in bad_tokens {
        let (name, code) = sync_error(trigger_sync(t, opts())).await;
        assert_eq!(
            (name.as_str(), code.as_str()),
            ("SyncError", "invalidToken")
        );
    }
    let bad_options = [
        obj(&[("cloud", "mars".into())]),
        obj(&[("baseUrl", "not a url".into())]),
        obj(&[("baseUrl", "http://graph.example.com".into())]),
        obj(&[("baseUrl", "https://user:pw@graph.example.com".into())]),
        obj(&[("baseUrl", "https://graph.example.com/?q=1".into())]),
        obj(&[("timeoutMs", 0.into())]),
        obj(&[("timeoutMs", "soon".into())]),
        obj(&[("signal", "no".into())]),
        obj(&[("baseURL", SIM.into())]),
        "options".into(),
    ];
    for o in bad_options {
        let (name, code) = sync_error(trigger_sync(RW.into(), o)).await;
        assert_eq!(
            (name.as_str(), code.as_str()),
            ("SyncError", "invalidOptions")
        );
    }
    let (_, code) = sync_error(get_sync_status(JsValue::UNDEFINED, opts())).await;
    assert_eq!(code, "invalidToken");
    assert!(requests().await.is_empty());
    // The module is still healthy.
    assert_outcome(&trigger(RW, opts()).await, "started", Some(204), false);
}

// ---- getSyncStatus -----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn sync_status_before_and_after() {
    reset().await;
    let st = run(get_sync_status(RO.into(), opts())).await.unwrap();
    assert!(b(&st, "ok"));
    assert_eq!(s(&st, "syncStatus").as_deref(), Some("unknown"));
    assert_eq!(get(&st, "lastSyncDateTime"), JsValue::NULL);
    assert_eq!(get(&st, "nextManualSyncAt"), JsValue::NULL);

    trigger(RW, opts()).await;
    let st = run(get_sync_status(RO.into(), opts())).await.unwrap();
    assert_eq!(s(&st, "syncStatus").as_deref(), Some("inProgress"));
    let manual = s(&st, "lastManualSyncTriggerDateTime").unwrap();
    let next = s(&st, "nextManualSyncAt").unwrap();
    let diff = js_sys::Date::parse(&next) - js_sys::Date::parse(&manual);
    assert_eq!(diff, 600_000.0);

    control("PATCH", "config", Some(r#"{"settingsEnvelope":true}"#)).await;
    advance(31_000).await;
    let st = run(get_sync_status(RO.into(), opts())).await.unwrap();
    assert_eq!(s(&st, "syncStatus").as_deref(), Some("completed"));
    assert!(s(&st, "lastSyncDateTime").is_some());

    let st = run(get_sync_status("nope".into(), opts())).await.unwrap();
    assert_outcome(&st, "unauthorized", Some(401), false);
}

/// Graph's dates reach JS in the one form every engine's `Date.parse` reads alike.
/// As sent, `…t10:00:30.5z` is NaN in Firefox but not in Chromium, and a zone-less time
/// (UTC to Graph) is local time to every engine: tests/run-wasm-tests.mjs runs the
/// engines in a zone that is not UTC so the second would show.
#[wasm_bindgen_test]
async fn status_dates_read_alike_in_every_engine() {
    reset().await;
    fault(r#"{"kind":"status","status":200,"method":"GET","body":"{\"syncStatus\":\"completed\",\"lastSyncDateTime\":\"2026-11-28t10:00:30.5z\",\"lastManualSyncTriggerDateTime\":\"2026-11-28T10:00:00\"}"}"#).await;
    let st = run(get_sync_status(RO.into(), opts())).await.unwrap();
    assert!(b(&st, "ok"), "{:?}", JSON::stringify(&st));
    for (key, iso, ms) in [
        (
            "lastSyncDateTime",
            "2026-11-28T10:00:30.500Z",
            1_795_860_030_500.0,
        ),
        (
            "lastManualSyncTriggerDateTime",
            "2026-11-28T10:00:00.000Z",
            1_795_860_000_000.0,
        ),
        (
            "nextManualSyncAt",
            "2026-11-28T10:10:00.000Z",
            1_795_860_600_000.0,
        ),
    ] {
        let text = s(&st, key).unwrap();
        assert_eq!(
            js_sys::Date::parse(&text),
            ms,
            "{key} {text:?}: Date.parse here"
        );
        assert_eq!(text, iso, "{key}");
    }
}

// ---- createSyncClient ----------------------------------------------------------------------

/// A getToken that answers `first` and then `refreshed`, recording each `forceRefresh`.
fn token_source(
    first: &'static str,
    refreshed: &'static str,
    seen: Rc<RefCell<Vec<bool>>>,
) -> JsValue {
    Closure::<dyn FnMut(JsValue) -> Promise>::new(move |req: JsValue| {
        let force = b(&req, "forceRefresh");
        seen.borrow_mut().push(force);
        Promise::resolve(&JsValue::from_str(if force { refreshed } else { first }))
    })
    .into_js_value()
}

#[wasm_bindgen_test]
async fn client_refreshes_once_on_401() {
    reset().await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let client = create_sync_client(opts_with(&[(
        "getToken",
        token_source("expired-token", RW, seen.clone()),
    )]))
    .unwrap();
    let trigger: Function = get(&client, "triggerSync").unchecked_into();
    let r = run(trigger.call0(&JsValue::UNDEFINED).unwrap().unchecked_into())
        .await
        .unwrap();
    assert_outcome(&r, "started", Some(204), false);
    assert_eq!(*seen.borrow(), [false, true]);
    assert_eq!(requests().await.len(), 2, "the 401, then the retry");

    // Still 401 after the refresh: one retry only, then the caller gets the answer.
    reset().await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let client = create_sync_client(opts_with(&[(
        "getToken",
        token_source("bad", "still-bad", seen.clone()),
    )]))
    .unwrap();
    let trigger: Function = get(&client, "triggerSync").unchecked_into();
    let r = run(trigger.call0(&JsValue::UNDEFINED).unwrap().unchecked_into())
        .await
        .unwrap();
    assert_outcome(&r, "unauthorized", Some(401), false);
    assert_eq!(seen.borrow().len(), 2);
    assert_eq!(requests().await.len(), 2);
}

#[wasm_bindgen_test]
async fn client_token_failures_are_typed() {
    reset().await;
    let failing = Closure::<dyn FnMut(JsValue) -> Promise>::new(|_| {
        Promise::reject(&js_sys::Error::new("no account").into())
    })
    .into_js_value();
    let client = create_sync_client(opts_with(&[("getToken", failing)])).unwrap();
    let trigger: Function = get(&client, "triggerSync").unchecked_into();
    let e = run(trigger.call0(&JsValue::UNDEFINED).unwrap().unchecked_into())
        .await
        .unwrap_err();
    assert_eq!(s(&e, "code").as_deref(), Some("tokenUnavailable"));
    assert_eq!(
        s(&get(&e, "cause"), "message").as_deref(),
        Some("no account")
    );
    assert!(requests().await.is_empty());

    let e = create_sync_client(opts()).unwrap_err();
    assert_eq!(s(&e, "code").as_deref(), Some("invalidOptions"));
}

#[wasm_bindgen_test]
async fn wait_for_sync_to_completion() {
    reset().await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let client =
        create_sync_client(opts_with(&[("getToken", token_source(RW, RW, seen))])).unwrap();
    let trigger: Function = get(&client, "triggerSync").unchecked_into();
    let r = run(trigger.call0(&JsValue::UNDEFINED).unwrap().unchecked_into())
        .await
        .unwrap();
    assert_outcome(&r, "started", Some(204), false);

    // Each update moves the simulated clock 10 s: the 30 s sync ends on the fourth poll.
    let updates = Rc::new(RefCell::new(Vec::<String>::new()));
    let u = updates.clone();
    let sim = SIM.to_string();
    let on_update = Closure::<dyn FnMut(JsValue)>::new(move |st: JsValue| {
        u.borrow_mut()
            .push(s(&st, "syncStatus").unwrap_or_default());
        let url = format!("{sim}/_sim/clock");
        wasm_bindgen_futures::spawn_local(async move {
            let _ = Request::post(&url)
                .header("content-type", "application/json")
                .body(r#"{"advanceMs":10000}"#)
                .unwrap()
                .send()
                .await;
        });
    })
    .into_js_value();
    let wait: Function = get(&client, "waitForSync").unchecked_into();
    let p: Promise = wait
        .call1(
            &JsValue::UNDEFINED,
            &obj(&[
                ("intervalMs", 50.into()),
                ("timeoutMs", 20_000.into()),
                ("onUpdate", on_update),
            ]),
        )
        .unwrap()
        .unchecked_into();
    let last = run(p).await.unwrap();
    assert_eq!(s(&last, "syncStatus").as_deref(), Some("completed"));
    let updates = updates.borrow();
    assert!(updates.len() >= 2, "{updates:?}");
    assert_eq!(updates.first().map(String::as_str), Some("inProgress"));
    assert_eq!(updates.last().map(String::as_str), Some("completed"));
}

#[wasm_bindgen_test]
async fn wait_for_sync_times_out_and_aborts() {
    reset().await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let client =
        create_sync_client(opts_with(&[("getToken", token_source(RW, RW, seen))])).unwrap();
    let trigger: Function = get(&client, "triggerSync").unchecked_into();
    run(trigger.call0(&JsValue::UNDEFINED).unwrap().unchecked_into())
        .await
        .unwrap();
    let wait: Function = get(&client, "waitForSync").unchecked_into();

    let p: Promise = wait
        .call1(
            &JsValue::UNDEFINED,
            &obj(&[("intervalMs", 20.into()), ("timeoutMs", 150.into())]),
        )
        .unwrap()
        .unchecked_into();
    let e = run(p).await.unwrap_err();
    assert_eq!(s(&e, "code").as_deref(), Some("waitTimeout"));
    assert_eq!(
        s(&get(&e, "lastStatus"), "syncStatus").as_deref(),
        Some("inProgress")
    );

    let ac = AbortController::new().unwrap();
    let p: Promise = wait
        .call1(
            &JsValue::UNDEFINED,
            // The abort (100 ms) falls inside the first poll or the 60 s pause after it.
            &obj(&[
                ("intervalMs", 60_000.into()),
                ("signal", ac.signal().into()),
            ]),
        )
        .unwrap()
        .unchecked_into();
    abort_after(&ac, 100);
    let e = run(p).await.unwrap_err();
    assert_eq!(s(&e, "name").as_deref(), Some("AbortError"));
}

/// The model reads Graph's JSON through `JSON.parse` here: the same table the host runs
/// over serde_json (`model::json::conformance`), in each engine.
#[wasm_bindgen_test]
fn json_reader_conforms_to_the_host_reader() {
    assert_eq!(autopilot_sync::model::json_conformance(), Ok(()));
}

// ---- devices (issue #13) ---------------------------------------------------------------

const IDS_PATH: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";

fn serials(list: &[&str]) -> JsValue {
    list.iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

#[wasm_bindgen_test]
async fn get_devices_visible_missing_and_import_error() {
    reset().await;
    control(
        "POST",
        "devices",
        Some(
            r#"{"devices":[
                {"serialNumber":"W-NOW","groupTag":"Sales","profileAfterMs":0},
                {"serialNumber":"W-NOW2","profileAfterMs":0},
                {"serialNumber":"W-808","importError":{"code":808,"name":"ZtdDeviceAssignedToOtherTenant"}}
            ]}"#,
        ),
    )
    .await;
    let r = run(get_devices(
        RO.into(),
        serials(&[" w-now ", "W-GONE", "W-808", "W-NOW", "O'NEIL"]),
        opts(),
    ))
    .await
    .expect("getDevices rejected");
    assert!(b(&r, "ok"), "{:?}", JSON::stringify(&r));
    let devices = Array::from(&get(&r, "devices"));
    let rows: Vec<(String, String)> = devices
        .iter()
        .map(|d| (s(&d, "serialNumber").unwrap(), s(&d, "state").unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("w-now".into(), "profileAssigned".into()),
            ("W-GONE".into(), "notFound".into()),
            ("W-808".into(), "importFailed".into()),
            ("O'NEIL".into(), "notFound".into()),
        ],
        "trimmed, de-duplicated, input order; W-NOW2 (also contains W-NOW) not mixed in"
    );
    let now = devices.get(0);
    assert_eq!(s(&now, "groupTag").as_deref(), Some("Sales"));
    assert_eq!(s(&now, "profileStatus").as_deref(), Some("assignedInSync"));
    assert!(s(&now, "deviceId").is_some());
    assert!(
        get(&now, "lastContactedAt").is_null(),
        "Intune's 0001-01-01 reads as null"
    );
    let gone = devices.get(1);
    assert!(get(&gone, "deviceId").is_null());
    assert!(s(&gone, "message")
        .unwrap()
        .contains("import its hardware hash"));
    let bad = devices.get(2);
    assert_eq!(
        n(&bad, "importErrorCode"),
        Some(808.0),
        "a number, not a string"
    );
    assert_eq!(
        s(&bad, "importErrorName").as_deref(),
        Some("ZtdDeviceAssignedToOtherTenant")
    );
    assert_eq!(s(&bad, "importStatus").as_deref(), Some("error"));
    assert!(s(&bad, "message").unwrap().contains("deregistered there"));
    // Intune answers `eq` with 400; the library only ever sends contains(), the value
    // quoted (' doubled) and encoded.
    let sent: Vec<String> = requests()
        .await
        .iter()
        .filter(|r| s(r, "path").as_deref() == Some(IDS_PATH))
        .map(|r| s(r, "query").unwrap_or_default())
        .collect();
    assert_eq!(sent.len(), 4, "one device query per serial: {sent:?}");
    for q in &sent {
        let q = js_sys::decode_uri_component(q)
            .unwrap()
            .as_string()
            .unwrap();
        assert!(
            q.starts_with("$filter=contains(serialNumber,'") && !q.contains(" eq "),
            "{q}"
        );
    }
    assert!(
        sent.iter().any(|q| q.contains("%27O%27%27NEIL%27")),
        "the quote is doubled and encoded: {sent:?}"
    );
}

#[wasm_bindgen_test]
async fn get_devices_failures_and_bad_input() {
    reset().await;
    // Graph's refusal resolves with the usual failure keys.
    let r = run(get_devices(
        "not-a-known-token".into(),
        serials(&["X1"]),
        opts(),
    ))
    .await
    .unwrap();
    assert!(!b(&r, "ok"));
    assert_eq!(s(&r, "outcome").as_deref(), Some("unauthorized"));
    assert_eq!(n(&r, "httpStatus"), Some(401.0));
    // Bad serials reject with a SyncError and send nothing.
    control("DELETE", "requests", None).await;
    for bad in [
        serials(&[]),
        serials(&["  "]),
        serials(&["a\nb"]),
        JsValue::from(42),
    ] {
        let (name, code) = sync_error(get_devices(RO.into(), bad, opts())).await;
        assert_eq!(
            (name.as_str(), code.as_str()),
            ("SyncError", "invalidOptions")
        );
    }
    assert!(requests().await.is_empty(), "nothing sent for bad input");
}

#[wasm_bindgen_test]
fn read_serials_from_text_and_csv_alike_in_every_engine() {
    let r = read_serials(
        "\u{feff}Device Serial Number,Windows Product ID,Hardware Hash\r\n\"PF1\",,\"T0Fb\"\r\npf1,,x\r\nPF2,,\r\n".into(),
    )
    .unwrap();
    assert!(b(&r, "ok"));
    assert_eq!(s(&r, "format").as_deref(), Some("csv"));
    let list: Vec<String> = Array::from(&get(&r, "serials"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(list, ["PF1", "PF2"]);
    assert_eq!(n(&r, "duplicates"), Some(1.0));
    let bad = read_serials("A1\nB2,hash\n".into()).unwrap();
    assert!(!b(&bad, "ok"));
    assert!(s(&bad, "message")
        .unwrap()
        .starts_with("Line 2 holds several values"));
    let e = read_serials(JsValue::from(7)).unwrap_err();
    assert_eq!(s(&e, "name").as_deref(), Some("SyncError"));
    assert_eq!(s(&e, "code").as_deref(), Some("invalidOptions"));
}
