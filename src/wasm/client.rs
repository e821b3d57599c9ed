//! `createSyncClient`: calls that fetch their own token, refresh it once on a 401,
//! and `waitForSync` polling.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

use super::devices;
use super::env::{now_ms, sleep};
use super::error::{callback_threw, is_sync_error, sync_error};
use super::flight;
use super::object::{async_method, get, obj, set};
use super::options::{
    call_options, check_keys, duration_opt, function_opt, signal_opt, CallOptions, CALL_KEYS,
};
use crate::model::{ceil, needs_refresh, with_wait_from_settings, Action, Reply};
use crate::model::{check_token, ms_text, wrong_type, ErrorCode, UsageError};

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

/// A token source and the options its calls default to (also one tenant of `syncTenants`).
pub struct Client {
    pub(super) get_token: Function,
    pub(super) defaults: CallOptions,
}

/// Validates a token-check failure or a rejection of `getToken` into a `SyncError`.
fn token_error(e: JsValue) -> JsValue {
    if is_sync_error(&e) {
        return e;
    }
    let code = get(&e, "errorCode").as_string();
    sync_error(
        ErrorCode::TokenUnavailable,
        "getToken() failed, so no request was sent; see the cause.",
        Some(&e),
        code.as_deref(),
    )
}

impl Client {
    async fn token(&self, force_refresh: bool) -> Result<String, JsValue> {
        let request = obj(&[("forceRefresh", &JsValue::from_bool(force_refresh))]);
        let v = self
            .get_token
            .call1(&JsValue::UNDEFINED, &request)
            .map_err(token_error)?;
        let v = JsFuture::from(Promise::resolve(&v))
            .await
            .map_err(token_error)?;
        let bad = |why: &str| {
            let mut m = String::from("getToken() resolved with ");
            m.push_str(why);
            m.push('.');
            sync_error(ErrorCode::TokenUnavailable, &m, None, None)
        };
        let s = v
            .as_string()
            .ok_or_else(|| bad("something that is not a string"))?;
        check_token(&s)
            .map(String::from)
            .map_err(|_| bad("an unusable access token"))
    }

    /// One call with the client's token. A JWT within 2 minutes of its `exp` is refreshed
    /// before sending (no request wasted on a 401); on `unauthorized`, one forced refresh
    /// and one retry (not after a refresh already made for this call). A 429/409 without
    /// a readable `Retry-After` is followed by one settings read for the wait.
    pub(super) async fn call(
        &self,
        action: Action,
        opts: &CallOptions,
    ) -> Result<(JsValue, Option<Rc<Reply>>), JsValue> {
        let mut force = false;
        loop {
            let mut token = self.token(force).await?;
            if !force && needs_refresh(&token, now_ms()) {
                force = true;
                token = self.token(true).await?;
            }
            if let Some(s) = opts.signal.as_ref().filter(|s| s.aborted()) {
                return Err(s.reason());
            }
            let (r, reply) = Self::send(action, &token, opts).await?;
            if !reply.as_ref().is_some_and(|x| x.earns_token_refresh(force)) {
                return match reply {
                    Some(rep) if action == Action::Trigger && rep.wants_settings_read() => {
                        Ok(Self::wait_from_settings(&token, opts, r, rep).await)
                    }
                    reply => Ok((r, reply)),
                };
            }
            force = true;
        }
    }

    async fn send(
        action: Action,
        token: &str,
        opts: &CallOptions,
    ) -> Result<(JsValue, Option<Rc<Reply>>), JsValue> {
        let pending = flight::start(
            action,
            token,
            &opts.root,
            opts.timeout_ms,
            opts.request_id(),
            opts.signal.clone(),
        );
        let r = JsFuture::from(pending.promise.clone()).await?;
        Ok((r, pending.reply()))
    }

    /// After a 429/409 whose `Retry-After` was unreadable: one GET of the settings object
    /// (never a second POST); the result gains `nextAttemptAt`/`retryAfterSeconds` from
    /// `lastManualSyncTriggerDateTime` + 10 minutes. If the read fails, the result stays.
    async fn wait_from_settings(
        token: &str,
        opts: &CallOptions,
        r: JsValue,
        reply: Rc<Reply>,
    ) -> (JsValue, Option<Rc<Reply>>) {
        let read = Self::send(Action::Status, token, opts).await;
        match (&*reply, read.ok().and_then(|(_, s)| s)) {
            (Reply::Result(result), Some(status)) => match &*status {
                Reply::Status(st) => {
                    let completed = Reply::Result(with_wait_from_settings(result, st, now_ms()));
                    let js = js_sys::JSON::parse(&completed.to_json()).unwrap_or(r);
                    (js, Some(Rc::new(completed)))
                }
                Reply::Result(_) => (r, Some(reply.clone())),
            },
            _ => (r, Some(reply.clone())),
        }
    }

    async fn wait(&self, options: JsValue) -> Result<JsValue, JsValue> {
        check_keys(&options, &WAIT_KEYS)?;
        let interval = duration_opt(&options, "intervalMs")?.unwrap_or(DEFAULT_INTERVAL_MS);
        let limit = duration_opt(&options, "timeoutMs")?.unwrap_or(DEFAULT_WAIT_MS);
        let signal: Option<AbortSignal> =
            signal_opt(&options, "signal")?.or_else(|| self.defaults.signal.clone());
        let on_update = function_opt(&options, "onUpdate")?;
        let deadline = now_ms() + f64::from(limit);
        let opts = CallOptions {
            signal: signal.clone(),
            ..self.defaults.clone()
        };
        loop {
            let (status, reply) = self.call(Action::Status, &opts).await?;
            if let Some(f) = &on_update {
                f.call1(&JsValue::UNDEFINED, &status).map_err(|e| {
                    callback_threw(
                        "onUpdate",
                        "the wait stopped; the sync itself is not affected.",
                        e,
                    )
                })?;
            }
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
}

/// `waitForDevices(serials, options)`: the loop in `devices::wait`, with this client's
/// token source and sync calls.
fn wait_for_devices(client: &Rc<Client>) -> JsValue {
    let c = client.clone();
    let tokens: devices::TokenFn = Rc::new(move |force| {
        let c = c.clone();
        Box::pin(async move { c.token(force).await })
    });
    let call = |action: Action| -> devices::SyncCall {
        let c = client.clone();
        Rc::new(move |opts: CallOptions| {
            let c = c.clone();
            Box::pin(async move { c.call(action, &opts).await.map(|(_, r)| r) })
        })
    };
    let hooks = Rc::new(devices::WaitHooks {
        tokens,
        status: call(Action::Status),
        trigger: call(Action::Trigger),
    });
    let defaults = client.defaults.clone();
    let f = move |serials: JsValue, options: JsValue| {
        future_to_promise(devices::wait(
            hooks.clone(),
            defaults.clone(),
            serials,
            options,
        ))
    };
    Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(f).into_js_value()
}

/// Builds the client object.
pub fn create(options: &JsValue) -> Result<JsValue, UsageError> {
    check_keys(options, &CLIENT_KEYS)?;
    let get_token = function_opt(options, "getToken")?.ok_or_else(|| {
        wrong_type(
            "getToken",
            "a function that returns (a Promise of) an access token",
        )
    })?;
    let defaults = call_options(options, None, &CLIENT_KEYS)?;
    let client = Rc::new(Client {
        get_token,
        defaults,
    });
    let obj: JsValue = Object::new().into();
    for (name, action) in [
        ("triggerSync", Action::Trigger),
        ("getSyncStatus", Action::Status),
    ] {
        let method = async_method(&client, move |c, o| async move {
            let opts = call_options(&o, Some(&c.defaults), &CALL_KEYS)?;
            c.call(action, &opts).await.map(|(r, _)| r)
        });
        set(&obj, name, &method);
    }
    set(
        &obj,
        "waitForSync",
        &async_method(&client, |c, o| async move { c.wait(o).await }),
    );
    set(&obj, "waitForDevices", &wait_for_devices(&client));
    Ok(obj)
}
