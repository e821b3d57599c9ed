//! [`Client`]: calls that fetch their own token (refreshed before it expires, and once
//! more after a 401) and, after a 409/429 without a readable `Retry-After`, one settings
//! read for the wait. The object `createSyncClient` returns is built on it in
//! `sync_client`; each tenant of `syncTenants` is one too.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::env::now_ms;
use super::error::{sync_error, wrap};
use super::flight;
use super::object::obj;
use super::options::CallOptions;
use crate::model::{check_token, needs_refresh, with_wait_from_settings, Action, ErrorCode, Reply};

/// A token source and the options its calls default to (also one tenant of `syncTenants`).
pub struct Client {
    pub(super) get_token: Function,
    pub(super) defaults: CallOptions,
}

/// Validates a token-check failure or a rejection of `getToken` into a `SyncError`.
fn token_error(e: JsValue) -> JsValue {
    wrap(
        e,
        ErrorCode::TokenUnavailable,
        "getToken() failed, so no request was sent; see the cause.",
        true,
    )
}

impl Client {
    pub(super) async fn token(&self, force_refresh: bool) -> Result<String, JsValue> {
        let request = obj(&[("forceRefresh", &JsValue::from_bool(force_refresh))]);
        let v = self
            .get_token
            .call1(&JsValue::UNDEFINED, &request)
            .map_err(token_error)?;
        let bad = |why: &str| {
            let mut m = String::from("getToken() resolved with ");
            m.push_str(why);
            m.push('.');
            sync_error(ErrorCode::TokenUnavailable, &m, None, None)
        };
        // A token given at once (a string, not a promise) waits for no promise turn.
        let s = match v.as_string() {
            Some(s) => s,
            None => JsFuture::from(Promise::resolve(&v))
                .await
                .map_err(token_error)?
                .as_string()
                .ok_or_else(|| bad("something that is not a string"))?,
        };
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
                    let js = flight::to_js(&completed).unwrap_or(r);
                    (js, Some(Rc::new(completed)))
                }
                Reply::Result(_) => (r, Some(reply.clone())),
            },
            _ => (r, Some(reply.clone())),
        }
    }
}
