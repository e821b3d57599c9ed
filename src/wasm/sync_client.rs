//! `createSyncClient`: the object it returns (`triggerSync`, `getSyncStatus`,
//! `waitForSync`, `waitForDevices`), built on [`Client`]. `waitForDevices` hands its
//! device part to `wasm::devices`: in this module when it is built with `devices`, else in
//! the devices wasm the package entry loads on first use.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
#[cfg(not(feature = "devices"))]
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::client::Client;
use super::env::{now_ms, sleep};
use super::error::{notify, sync_error};
#[cfg(not(feature = "devices"))]
use super::object::get;
use super::object::{obj, set};
use super::options::{
    call_options, check_keys, duration_opt, function_opt, signal_opt, CallOptions, CALL_KEYS,
};
use crate::model::{
    ceil, ms_text, parse_iso8601, wrong_type, Action, ErrorCode, Reply, SyncState, UsageError,
};

/// Option names of `createSyncClient`.
const CLIENT_KEYS: [&str; 6] = [
    "getToken",
    "cloud",
    "baseUrl",
    "timeoutMs",
    "signal",
    "clientRequestId",
];
/// Option names of `waitForSync`.
const WAIT_KEYS: [&str; 4] = ["intervalMs", "timeoutMs", "signal", "onUpdate"];
/// `waitForSync` defaults.
const DEFAULT_INTERVAL_MS: u32 = 15_000;
const DEFAULT_WAIT_MS: u32 = 900_000;

/// `waitForSync(options)`: polls the settings until a final state, a non-retryable
/// failure, or the time limit.
async fn wait(client: &Client, options: JsValue) -> Result<JsValue, JsValue> {
    check_keys(&options, &WAIT_KEYS)?;
    let interval = duration_opt(&options, "intervalMs")?.unwrap_or(DEFAULT_INTERVAL_MS);
    let limit = duration_opt(&options, "timeoutMs")?.unwrap_or(DEFAULT_WAIT_MS);
    let signal: Option<AbortSignal> =
        signal_opt(&options, "signal")?.or_else(|| client.defaults.signal.clone());
    let on_update = function_opt(&options, "onUpdate")?;
    let deadline = now_ms() + f64::from(limit);
    let opts = CallOptions {
        signal: signal.clone(),
        ..client.defaults.clone()
    };
    loop {
        let (status, reply) = client.call(Action::Status, &opts).await?;
        notify(
            on_update.as_ref(),
            &status,
            "the wait stopped; the sync itself is not affected.",
        )?;
        if reply.as_ref().is_none_or(|r| r.ends_wait()) {
            return Ok(status);
        }
        let pause = reply.map_or(interval, |r| r.poll_pause_ms(interval));
        let remaining = deadline - now_ms();
        if remaining <= 0.0 {
            let mut m = String::from("The sync did not finish within ");
            m.push_str(&ms_text(limit));
            m.push_str("; lastStatus holds the last answer.");
            let e = sync_error(ErrorCode::WaitTimeout, &m, None, None);
            set(&e, "lastStatus", &status);
            return Err(e);
        }
        sleep((ceil(remaining) as u32).min(pause), signal.as_ref()).await?;
    }
}

/// What the object's methods run: one closure type and one future type for all of them
/// (each distinct one would add its own copy of the executor glue to the download).
#[derive(Clone, Copy)]
enum Method {
    /// `triggerSync(options)`.
    Trigger,
    /// `getSyncStatus(options)`.
    Status,
    /// `waitForSync(options)`.
    WaitForSync,
    /// `waitForDevices(serials, options)`.
    WaitForDevices,
    /// Hook `token(force)`: the checked token.
    Token,
    /// Hook `window(signal)`: one settings read as `{ running, nextAllowedMs }`, or null.
    Window,
    /// Hook `trigger(signal)`: one sync, its outcome or null.
    SyncOutcome,
}

/// A client object's state: the [`Client`] and how to load the devices wasm.
struct State {
    client: Client,
    /// Resolves with the devices wasm's glue (a build without `devices` needs it).
    #[cfg_attr(feature = "devices", allow(dead_code))]
    load_devices: JsValue,
}

/// A JS function running `m` on `state`.
fn method(state: &Rc<State>, m: Method) -> JsValue {
    let s = state.clone();
    let f = move |a: JsValue, b: JsValue| future_to_promise(run(s.clone(), m, a, b));
    Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(f).into_js_value()
}

async fn run(s: Rc<State>, m: Method, a: JsValue, b: JsValue) -> Result<JsValue, JsValue> {
    let c = &s.client;
    let with_signal = |signal: JsValue| CallOptions {
        signal: signal.dyn_into().ok(),
        ..c.defaults.clone()
    };
    Ok(match m {
        Method::Trigger | Method::Status => {
            let action = match m {
                Method::Trigger => Action::Trigger,
                _ => Action::Status,
            };
            let opts = call_options(&a, Some(&c.defaults), &CALL_KEYS)?;
            c.call(action, &opts).await?.0
        }
        Method::WaitForSync => wait(c, a).await?,
        Method::WaitForDevices => wait_for_devices(&s, a, b).await?,
        Method::Token => c.token(a.is_truthy()).await?.into(),
        Method::Window => match c.call(Action::Status, &with_signal(a)).await?.1.as_deref() {
            Some(Reply::Status(st)) => obj(&[
                (
                    "running",
                    &JsValue::from_bool(st.sync_status == SyncState::InProgress),
                ),
                (
                    "nextAllowedMs",
                    &st.next_manual_sync_at
                        .as_deref()
                        .and_then(parse_iso8601)
                        .map_or(JsValue::NULL, JsValue::from_f64),
                ),
            ]),
            _ => JsValue::NULL,
        },
        Method::SyncOutcome => match c.call(Action::Trigger, &with_signal(a)).await?.1.as_deref() {
            Some(Reply::Result(r)) => JsValue::from_str(r.outcome.as_str()),
            _ => JsValue::NULL,
        },
    })
}

/// What `waitForDevices` hands the device code (in this module, or in the devices wasm
/// the package loads on first use): this client's token source and defaults, and its own
/// settings read and sync, so the device code shares the client's token refresh and
/// single flight. Members: `token(force)` → Promise of the checked token;
/// `window(signal)` → Promise of `{ running, nextAllowedMs }` or `null` when the read
/// failed; `trigger(signal)` → Promise of the outcome or `null`; `graphRoot`,
/// `timeoutMs`, `clientRequestId`, `signal`: the client's defaults.
fn device_hooks(s: &Rc<State>) -> JsValue {
    let d = &s.client.defaults;
    let some = |v: Option<JsValue>| v.unwrap_or(JsValue::UNDEFINED);
    obj(&[
        ("token", &method(s, Method::Token)),
        ("window", &method(s, Method::Window)),
        ("trigger", &method(s, Method::SyncOutcome)),
        ("graphRoot", &JsValue::from_str(&d.root)),
        ("timeoutMs", &JsValue::from(d.timeout_ms)),
        (
            "clientRequestId",
            &some(d.client_request_id.as_deref().map(JsValue::from_str)),
        ),
        ("signal", &some(d.signal.clone().map(JsValue::from))),
    ])
}

/// `waitForDevices(serials, options)`: the device code with [`device_hooks`]; in a build
/// without `devices`, in the module `load_devices()` resolves with (the devices wasm).
async fn wait_for_devices(
    s: &Rc<State>,
    serials: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let hooks = device_hooks(s);
    #[cfg(feature = "devices")]
    {
        super::devices::wait_with(hooks, serials, options).await
    }
    #[cfg(not(feature = "devices"))]
    {
        let load: js_sys::Function = s.load_devices.clone().dyn_into().map_err(|_| {
            sync_error(
                ErrorCode::InternalError,
                "waitForDevices needs the package entry (import from \"autopilot-sync\").",
                None,
                None,
            )
        })?;
        let glue = JsFuture::from(Promise::resolve(&load.call0(&JsValue::UNDEFINED)?)).await?;
        let wait: js_sys::Function = get(&glue, "waitForDevicesWith").dyn_into()?;
        let p = wait.call3(&glue, &hooks, &serials, &options)?;
        JsFuture::from(Promise::resolve(&p)).await
    }
}

/// Builds the client object.
pub fn create(options: &JsValue, load_devices: JsValue) -> Result<JsValue, UsageError> {
    check_keys(options, &CLIENT_KEYS)?;
    let get_token = function_opt(options, "getToken")?.ok_or_else(|| {
        wrong_type(
            "getToken",
            "a function that returns (a Promise of) an access token",
        )
    })?;
    let defaults = call_options(options, None, &CLIENT_KEYS)?;
    let state = Rc::new(State {
        client: Client {
            get_token,
            defaults,
        },
        load_devices,
    });
    let obj: JsValue = Object::new().into();
    for (name, m) in [
        ("triggerSync", Method::Trigger),
        ("getSyncStatus", Method::Status),
        ("waitForSync", Method::WaitForSync),
        ("waitForDevices", Method::WaitForDevices),
    ] {
        set(&obj, name, &method(&state, m));
    }
    Ok(obj)
}
