//! `getDevices` and `client.waitForDevices`: the requests the model builds, at most
//! [`MAX_IN_FLIGHT`] at once, and the wait loop. Every decision (URLs, paging, states,
//! messages, when to stop, when to sync) is in `crate::model::devices`.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal};

use super::env::{now_ms, sleep};
use super::error::notify;
use super::http::{send_capped, MAX_PAGE_BYTES};
use super::object::{get, set};
use super::options::{
    check_keys, duration_opt, function_opt, signal_opt, string_opt, CallOptions, DEFAULT_TIMEOUT_MS,
};
use crate::model::{
    ceil, decide, devices_json, fallback_term, format_iso, next_page, normalize_serials,
    parse_identities, parse_imported, query_url, wait_done, Action, Answer, Collection,
    DeviceReport, DeviceState, Outcome, Reply, Request, SyncPlan, SyncResult, SyncWindow, Until,
    UsageError, DEVICES_INTERVAL_MS, DEVICES_WAIT_MS, MAX_IN_FLIGHT, MIN_INTERVAL_MS,
};

/// Supplies a token; `true` asks for a fresh one (after a 401).
pub type TokenFn = Rc<dyn Fn(bool) -> Pin<Box<dyn Future<Output = Result<String, JsValue>>>>>;

/// The `serials` argument: an array of strings (or one string), cleaned by the model.
pub fn serials_arg(v: &JsValue) -> Result<Vec<String>, UsageError> {
    let raw: Vec<String> = if let Some(s) = v.as_string() {
        vec![s]
    } else if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        let mut out = Vec::with_capacity(a.length() as usize);
        for x in a.iter() {
            out.push(x.as_string().ok_or_else(|| {
                UsageError::options("serials must be an array of strings (serial numbers).")
            })?);
        }
        out
    } else {
        return Err(UsageError::options(
            "serials must be an array of strings (serial numbers).",
        ));
    };
    normalize_serials(raw.iter().map(String::as_str))
}

/// How one read ended.
pub enum Read {
    /// One report per serial, in input order.
    Devices(Vec<DeviceReport>),
    /// A request failed: the usual failure object.
    Failure(SyncResult),
}

impl Read {
    fn to_js(&self) -> JsValue {
        let json = match self {
            Read::Devices(d) => devices_json(d),
            Read::Failure(r) => r.to_json(),
        };
        js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
    }
}

struct Ctx {
    token: String,
    opts: CallOptions,
    controller: AbortController,
}

/// One GET; a failure becomes the usual failure object.
async fn get_page(ctx: &Ctx, url: &str) -> Result<String, (SyncResult, u16)> {
    let crid = ctx.opts.request_id();
    let request = Request::get(url, &ctx.token, &crid);
    let Ok(transport) = send_capped(
        &request,
        ctx.opts.timeout_ms,
        &ctx.controller,
        MAX_PAGE_BYTES,
    )
    .await
    else {
        // The shared timer could not be set (a host function threw): no request went out.
        return unreachable_failure(&crid);
    };
    // Failures carry capped fields with the token redacted, as every result does.
    let failure = |r: SyncResult, status: u16| match Reply::Result(r).sealed(&ctx.token) {
        Reply::Result(r) => Err((r, status)),
        Reply::Status(_) => unreachable_failure(&crid),
    };
    match transport.response() {
        crate::model::Response::Answer(a) if (200..300).contains(&a.status) => Ok(a.body.into()),
        crate::model::Response::Answer(a) => failure(
            SyncResult::from_answer(Action::Status, &a, &crid, now_ms()),
            a.status,
        ),
        other => match Reply::read(Action::Status, &other, &crid, now_ms()) {
            Reply::Result(r) => failure(r, 0),
            Reply::Status(_) => unreachable_failure(&crid),
        },
    }
}

fn unreachable_failure<T>(crid: &str) -> Result<T, (SyncResult, u16)> {
    Err((
        SyncResult::without_answer(Action::Status, Outcome::NetworkError, crid),
        0,
    ))
}

/// A 2xx that is not an OData collection.
fn unreadable(crid: &str) -> SyncResult {
    let answer = Answer {
        status: 200,
        ..Answer::default()
    };
    let mut r = SyncResult::with_outcome(
        Action::Status,
        Outcome::UnexpectedResponse,
        &answer,
        crid,
        now_ms(),
    );
    r.message = "Microsoft Graph answered, but not with a list of Windows Autopilot devices; see the support details.".into();
    r
}

/// Every row of one collection whose serial contains `serial` (all pages).
async fn query<T>(
    ctx: &Ctx,
    collection: Collection,
    serial: &str,
    parse: fn(&str) -> Option<crate::model::Page<T>>,
) -> Result<Vec<T>, SyncResult> {
    let root = ctx.opts.root.as_str();
    let mut url = query_url(root, collection, serial);
    let mut seen: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut fell_back = false;
    loop {
        let body = match get_page(ctx, &url).await {
            Ok(b) => b,
            Err((_, 400)) if !fell_back && seen.is_empty() && fallback_term(serial).is_some() => {
                fell_back = true;
                url = query_url(root, collection, fallback_term(serial).unwrap_or(serial));
                continue;
            }
            Err((r, _)) => return Err(r),
        };
        let Some(page) = parse(&body) else {
            return Err(unreadable(&ctx.opts.request_id()));
        };
        rows.extend(page.rows);
        seen.push(core::mem::take(&mut url));
        match page
            .next_link
            .and_then(|link| next_page(&link, root, &seen))
        {
            Some(next) => url = next,
            None => return Ok(rows),
        }
    }
}

/// One serial: its Autopilot device, else its import record.
async fn one(ctx: &Ctx, serial: &str) -> Result<DeviceReport, SyncResult> {
    let ids = query(ctx, Collection::Identities, serial, parse_identities).await?;
    let r = decide(serial, &ids, &[]);
    if r.state != DeviceState::NotFound {
        return Ok(r.sealed(&ctx.token));
    }
    let imported = query(ctx, Collection::Imported, serial, parse_imported).await?;
    Ok(decide(serial, &ids, &imported).sealed(&ctx.token))
}

/// Reads every serial, at most [`MAX_IN_FLIGHT`] requests at once; the first failure
/// stops the rest. Rejects with the signal's reason when it is aborted.
pub async fn read(token: String, serials: &[String], opts: &CallOptions) -> Result<Read, JsValue> {
    let signal = opts.signal.clone();
    if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
        return Err(s.reason());
    }
    let controller = AbortController::new()?;
    let listener = signal.as_ref().map(|s| {
        let c = controller.clone();
        let l = Closure::<dyn FnMut()>::new(move || c.abort());
        let _ = s.add_event_listener_with_callback("abort", l.as_ref().unchecked_ref());
        (s.clone(), l)
    });
    let ctx = Rc::new(Ctx {
        token,
        opts: opts.clone(),
        controller,
    });
    let serials: Rc<Vec<String>> = Rc::new(serials.to_vec());
    let results: Rc<RefCell<Vec<Option<DeviceReport>>>> =
        Rc::new(RefCell::new(vec![None; serials.len()]));
    let failure: Rc<RefCell<Option<SyncResult>>> = Rc::new(RefCell::new(None));
    let next = Rc::new(Cell::new(0usize));
    let workers = Array::new();
    for _ in 0..MAX_IN_FLIGHT.min(serials.len()) {
        let (ctx, serials, results, failure, next) = (
            ctx.clone(),
            serials.clone(),
            results.clone(),
            failure.clone(),
            next.clone(),
        );
        workers.push(&future_to_promise(async move {
            loop {
                let i = next.get();
                if i >= serials.len()
                    || failure.borrow().is_some()
                    || ctx.controller.signal().aborted()
                {
                    return Ok(JsValue::UNDEFINED);
                }
                next.set(i + 1);
                match one(&ctx, &serials[i]).await {
                    Ok(r) => results.borrow_mut()[i] = Some(r),
                    Err(r) => {
                        failure.borrow_mut().get_or_insert(r);
                    }
                }
            }
        }));
    }
    let _ = JsFuture::from(Promise::all(&workers)).await;
    if let Some((s, l)) = listener {
        let _ = s.remove_event_listener_with_callback("abort", l.as_ref().unchecked_ref());
        super::env::drop_after_this_task(l);
    }
    if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
        return Err(s.reason());
    }
    if let Some(f) = failure.borrow_mut().take() {
        return Ok(Read::Failure(f));
    }
    let reports = results.borrow_mut().drain(..).flatten().collect();
    Ok(Read::Devices(reports))
}

/// Option names of `getDevices`.
pub const GET_KEYS: [&str; 5] = ["cloud", "baseUrl", "timeoutMs", "signal", "clientRequestId"];

/// `getDevices(token, serials, options)`.
pub async fn get_devices(
    token: String,
    serials: Vec<String>,
    opts: CallOptions,
) -> Result<JsValue, JsValue> {
    Ok(read(token, &serials, &opts).await?.to_js())
}

/// A read with a token source: one forced refresh and one retry after a 401.
pub async fn read_with(
    tokens: &TokenFn,
    serials: &[String],
    opts: &CallOptions,
) -> Result<Read, JsValue> {
    let first = read(tokens(false).await?, serials, opts).await?;
    match &first {
        Read::Failure(r) if r.outcome == Outcome::Unauthorized => {
            read(tokens(true).await?, serials, opts).await
        }
        _ => Ok(first),
    }
}

/// Option names of `waitForDevices`.
const WAIT_KEYS: [&str; 6] = [
    "until",
    "intervalMs",
    "timeoutMs",
    "signal",
    "onUpdate",
    "sync",
];

/// Calls `hooks[name](arg)` and awaits its Promise.
async fn hook(hooks: &JsValue, name: &'static str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f: Function = get(hooks, name).dyn_into()?;
    JsFuture::from(Promise::resolve(&f.call1(&JsValue::UNDEFINED, arg)?)).await
}

/// `client.waitForDevices(serials, options)`, with the client's `hooks` (built by
/// `wasm::client`, possibly in the other wasm module): its token source, its settings
/// read (`window`), its sync (`trigger`) and its defaults.
pub async fn wait_with(
    hooks: JsValue,
    serials: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let defaults = CallOptions {
        root: get(&hooks, "graphRoot").as_string().unwrap_or_default(),
        timeout_ms: get(&hooks, "timeoutMs")
            .as_f64()
            .map_or(DEFAULT_TIMEOUT_MS, |n| n as u32),
        signal: get(&hooks, "signal").dyn_into().ok(),
        client_request_id: get(&hooks, "clientRequestId").as_string(),
    };
    let h = hooks.clone();
    let tokens: TokenFn = Rc::new(move |force| {
        let h = h.clone();
        Box::pin(async move {
            let t = hook(&h, "token", &JsValue::from_bool(force)).await?;
            Ok(t.as_string().unwrap_or_default())
        })
    });
    wait(&hooks, &tokens, defaults, serials, options).await
}

async fn wait(
    hooks: &JsValue,
    tokens: &TokenFn,
    defaults: CallOptions,
    serials: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let serials = serials_arg(&serials)?;
    check_keys(&options, &WAIT_KEYS)?;
    let until = match string_opt(&options, "until")? {
        None => Until::ProfileAssigned,
        Some(u) => Until::parse(&u).ok_or_else(|| {
            UsageError::options("Option until must be \"registered\" or \"profileAssigned\".")
        })?,
    };
    let if_missing = match string_opt(&options, "sync")?.as_deref() {
        None | Some("never") => false,
        Some("ifMissing") => true,
        Some(_) => {
            return Err(
                UsageError::options("Option sync must be \"never\" or \"ifMissing\".").into(),
            )
        }
    };
    let interval = duration_opt(&options, "intervalMs")?.unwrap_or(DEVICES_INTERVAL_MS);
    if interval < MIN_INTERVAL_MS {
        return Err(UsageError::options(
            "Option intervalMs must be at least 5000 (Intune counts polling against the tenant's limits).",
        )
        .into());
    }
    let limit = duration_opt(&options, "timeoutMs")?.unwrap_or(DEVICES_WAIT_MS);
    let signal: Option<AbortSignal> =
        signal_opt(&options, "signal")?.or_else(|| defaults.signal.clone());
    let on_update: Option<Function> = function_opt(&options, "onUpdate")?;
    let opts = CallOptions {
        signal: signal.clone(),
        ..defaults
    };
    let deadline = now_ms() + f64::from(limit);
    let mut plan = SyncPlan::default();
    let mut synced: Option<(f64, Outcome)> = None;
    loop {
        let read = read_with(tokens, &serials, &opts).await?;
        let (done, any_missing) = match &read {
            Read::Devices(d) => {
                let states: Vec<DeviceState> = d.iter().map(|r| r.state).collect();
                (
                    wait_done(&states, until),
                    d.iter().any(DeviceReport::missing),
                )
            }
            Read::Failure(r) => (!r.retryable, false),
        };
        if !done && if_missing && any_missing && !plan.refused {
            let signal_js: JsValue = signal.clone().map_or(JsValue::UNDEFINED, Into::into);
            let w = hook(hooks, "window", &signal_js).await?;
            let window = (!w.is_null()).then(|| SyncWindow {
                running: get(&w, "running").is_truthy(),
                next_allowed_ms: get(&w, "nextAllowedMs").as_f64(),
            });
            let now = now_ms();
            if plan.should_trigger(true, window, now) {
                let outcome = hook(hooks, "trigger", &signal_js).await?.as_string();
                if let Some(o) =
                    outcome.and_then(|o| Outcome::ALL.into_iter().find(|x| x.as_str() == o))
                {
                    plan.record(o, now);
                    synced = Some((now, o));
                }
            }
        }
        let timed_out = !done && now_ms() >= deadline;
        let report = read.to_js();
        set(&report, "done", &JsValue::from_bool(done));
        set(&report, "timedOut", &JsValue::from_bool(timed_out));
        set(
            &report,
            "syncTriggeredAt",
            &synced.map_or(JsValue::NULL, |(t, _)| JsValue::from_str(&format_iso(t))),
        );
        set(
            &report,
            "syncOutcome",
            &synced.map_or(JsValue::NULL, |(_, o)| JsValue::from_str(o.as_str())),
        );
        notify(
            on_update.as_ref(),
            &report,
            "the wait stopped; syncs already started are not affected.",
        )?;
        if done || timed_out {
            return Ok(report);
        }
        let remaining = deadline - now_ms();
        sleep(
            (ceil(remaining.max(0.0)) as u32).min(interval),
            signal.as_ref(),
        )
        .await?;
    }
}
