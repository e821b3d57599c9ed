//! `syncTenants`: one sync per tenant, a bounded number at a time. Each tenant is a
//! [`Client`] of its own (token refresh, the wait after a 429/409); with
//! `skipIfCoolingDown` the settings object is read first and no POST is sent when the
//! model says the window is closed or a sync is running. One tenant's failure becomes its
//! row; it never stops the others.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::client::Client;
use super::env::now_ms;
use super::error::{callback_threw, wrap};
use super::object::{get, obj, set};
use super::options::{
    call_options, check_keys, duration_opt, function_opt, signal_opt, DEFAULT_TIMEOUT_MS,
};
use crate::model::{cooling_down, wrong_type, Action, ErrorCode, Reply, UsageError};

/// Option names of `syncTenants`.
const OPTION_KEYS: [&str; 5] = [
    "concurrency",
    "signal",
    "onResult",
    "skipIfCoolingDown",
    "timeoutMs",
];
/// Member names of one tenant.
const TENANT_KEYS: [&str; 5] = ["id", "label", "cloud", "baseUrl", "getToken"];
/// Default and largest `concurrency`.
const DEFAULT_CONCURRENCY: u32 = 4;
const MAX_CONCURRENCY: u32 = 16;

struct Run {
    tenants: Vec<JsValue>,
    rows: RefCell<Vec<JsValue>>,
    next: Cell<usize>,
    workers: Cell<u32>,
    signal: Option<AbortSignal>,
    on_result: Option<Function>,
    skip: bool,
    timeout_ms: u32,
    resolve: Function,
    reject: Function,
    /// The first error thrown by `onResult` (the run still finishes every tenant).
    callback_error: RefCell<Option<JsValue>>,
}

/// `syncTenants` options, checked.
struct RunOptions {
    concurrency: u32,
    signal: Option<AbortSignal>,
    on_result: Option<Function>,
    skip: bool,
    timeout_ms: u32,
}

fn options(options: &JsValue) -> Result<RunOptions, UsageError> {
    check_keys(options, &OPTION_KEYS)?;
    let concurrency = match get(options, "concurrency") {
        v if v.is_undefined() || v.is_null() => DEFAULT_CONCURRENCY,
        v => match v.as_f64() {
            Some(n) if n >= 1.0 && n <= f64::from(MAX_CONCURRENCY) && n == f64::from(n as u32) => {
                n as u32
            }
            _ => return Err(wrong_type("concurrency", "a whole number from 1 to 16")),
        },
    };
    let skip = match get(options, "skipIfCoolingDown") {
        v if v.is_undefined() || v.is_null() => true,
        v => v
            .as_bool()
            .ok_or_else(|| wrong_type("skipIfCoolingDown", "a boolean"))?,
    };
    Ok(RunOptions {
        concurrency,
        signal: signal_opt(options, "signal")?,
        on_result: function_opt(options, "onResult")?,
        skip,
        timeout_ms: duration_opt(options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
    })
}

/// Starts the run; rejects on a bad `tenants` list or bad options (nothing sent), or, after
/// every tenant ran, when `onResult` threw (`internalError` carrying every row).
pub fn sync_tenants(tenants: &JsValue, opts: &JsValue) -> Promise {
    if !Array::is_array(tenants) {
        let e: JsValue = wrong_type(
            "tenants",
            "an array of { id, getToken, label?, cloud?, baseUrl? }",
        )
        .into();
        return Promise::reject(&e);
    }
    let RunOptions {
        concurrency,
        signal,
        on_result,
        skip,
        timeout_ms,
    } = match options(opts) {
        Ok(o) => o,
        Err(e) => return Promise::reject(&e.into()),
    };
    let tenants: Vec<JsValue> = tenants.unchecked_ref::<Array>().iter().collect();
    let n = tenants.len();
    let mut settle = None;
    let promise = Promise::new(&mut |res, rej| settle = Some((res, rej)));
    let Some((resolve, reject)) = settle else {
        return promise;
    };
    if n == 0 {
        let _ = resolve.call1(&JsValue::UNDEFINED, &Array::new());
        return promise;
    }
    let workers = concurrency.min(n as u32);
    let run = Rc::new(Run {
        tenants,
        rows: RefCell::new(vec![JsValue::UNDEFINED; n]),
        next: Cell::new(0),
        workers: Cell::new(workers),
        signal,
        on_result,
        skip,
        timeout_ms,
        resolve,
        reject,
        callback_error: RefCell::new(None),
    });
    for _ in 0..workers {
        wasm_bindgen_futures::spawn_local(worker(run.clone()));
    }
    promise
}

async fn worker(run: Rc<Run>) {
    loop {
        let i = run.next.get();
        let Some(tenant) = run.tenants.get(i) else {
            break;
        };
        run.next.set(i + 1);
        let row = one(&run, tenant).await;
        run.rows.borrow_mut()[i] = row.clone();
        if let Some(f) = &run.on_result {
            // A throwing callback must not stop the other tenants; the run rejects at the end.
            if let Err(e) = f.call2(&JsValue::UNDEFINED, &row, &JsValue::from(i as u32)) {
                run.callback_error.borrow_mut().get_or_insert(e);
            }
        }
    }
    run.workers.set(run.workers.get() - 1);
    if run.workers.get() == 0 {
        let rows: Array = run.rows.borrow().iter().collect();
        match run.callback_error.borrow_mut().take() {
            None => {
                let _ = run.resolve.call1(&JsValue::UNDEFINED, &rows);
            }
            Some(e) => {
                let error = callback_threw(
                    "onResult",
                    "every tenant still ran; `rows` holds every tenant's row.",
                    e,
                );
                set(&error, "rows", &rows);
                let _ = run.reject.call1(&JsValue::UNDEFINED, &error);
            }
        }
    }
}

/// A rejection of one tenant's calls as its row's `error`: our `SyncError`s pass through;
/// anything else can only be the signal's abort reason.
fn row_error(e: JsValue) -> JsValue {
    wrap(
        e,
        ErrorCode::Aborted,
        "The run was aborted before this tenant finished; its sync may or may not have started.",
        false,
    )
}

fn tenant_client(run: &Run, t: &JsValue) -> Result<Client, UsageError> {
    if !t.is_object() || t.is_function() || Array::is_array(t) {
        return Err(wrong_type(
            "tenants[i]",
            "an object { id, getToken, label?, cloud?, baseUrl? }",
        ));
    }
    if get(t, "id").as_string().is_none_or(|s| s.is_empty()) {
        return Err(wrong_type("id", "a non-empty string"));
    }
    let label = get(t, "label");
    if !(label.is_undefined() || label.is_null() || label.is_string()) {
        return Err(wrong_type("label", "a string"));
    }
    let get_token = function_opt(t, "getToken")?.ok_or_else(|| {
        wrong_type(
            "getToken",
            "a function that returns (a Promise of) an access token",
        )
    })?;
    let mut defaults = call_options(t, None, &TENANT_KEYS)?;
    defaults.timeout_ms = run.timeout_ms;
    defaults.signal = run.signal.clone();
    Ok(Client {
        get_token,
        defaults,
    })
}

async fn one(run: &Run, t: &JsValue) -> JsValue {
    let id = get(t, "id");
    let label = get(t, "label");
    let label = if label.is_string() {
        label
    } else {
        JsValue::NULL
    };
    let row = |key: &'static str, value: &JsValue| {
        obj(&[("tenant", &id), ("label", &label), (key, value)])
    };
    if let Some(s) = run.signal.as_ref().filter(|s| s.aborted()) {
        return row("error", &row_error(s.reason()));
    }
    let client = match tenant_client(run, t) {
        Ok(c) => c,
        Err(e) => return row("error", &e.into()),
    };
    let opts = &client.defaults;
    if run.skip {
        match client.call(Action::Status, opts).await {
            Ok((_, Some(reply))) => {
                if let Reply::Status(status) = &*reply {
                    if let Some(r) = cooling_down(status, now_ms()) {
                        let js = js_sys::JSON::parse(&r.to_json()).unwrap_or(JsValue::NULL);
                        return row("result", &js);
                    }
                }
            }
            Ok(_) => {}
            Err(e) => return row("error", &row_error(e)),
        }
    }
    match client.call(Action::Trigger, opts).await {
        Ok((r, _)) => row("result", &r),
        Err(e) => row("error", &row_error(e)),
    }
}
