//! Small synchronous helpers a UI needs, each answering with the library's own rule, so
//! a page or element never keeps a second copy: the custom Graph root check and the next
//! allowed manual sync. Only JS conversion here; the rules are in `crate::model`.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::object::{get, obj};
use super::options::{check_keys, graph_root, parse_base_url};
use crate::model::{
    describe_token, next_sync_allowed_at, parse_http_date, parse_iso8601, wrong_type, Cloud,
    Outcome, UsageError,
};

/// `{ ok: true, graphRoot }` or `{ ok: false, code: "invalidOptions", message }` for a
/// would-be `baseUrl`.
pub fn check_graph_root(url: &JsValue) -> JsValue {
    let checked = match url.as_string() {
        Some(u) => parse_base_url(&u),
        None => Err(crate::model::wrong_type("baseUrl", "a string")),
    };
    match checked {
        Ok(root) => obj(&[
            ("ok", &JsValue::TRUE),
            ("graphRoot", &JsValue::from_str(&root)),
        ]),
        Err(e) => obj(&[
            ("ok", &JsValue::FALSE),
            ("code", &JsValue::from_str(e.code.as_str())),
            ("message", &JsValue::from_str(&e.message)),
        ]),
    }
}

/// A date field of a result or status: ISO 8601 or an HTTP-date.
fn date_ms(v: &JsValue, key: &'static str) -> Option<f64> {
    let s = get(v, key).as_string()?;
    parse_iso8601(&s).or_else(|| parse_http_date(&s))
}

fn object(v: &JsValue) -> Option<&JsValue> {
    (v.is_object()).then_some(v)
}

/// When the next manual sync may start (ms since the epoch, this machine's clock), from a
/// result of `triggerSync` and/or a status read; `null` when nothing stops one now.
pub fn next_sync_allowed(result: &JsValue, status: &JsValue, now: &JsValue) -> JsValue {
    let now = now
        .as_f64()
        .filter(|n| n.is_finite())
        .unwrap_or_else(super::env::now_ms);
    let result = object(result);
    let outcome = result.and_then(|r| get(r, "outcome").as_string());
    let retry_after = result
        .and_then(|r| get(r, "retryAfterSeconds").as_f64())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s.min(f64::from(u32::MAX)) as u32);
    let graph_now = result.and_then(|r| date_ms(r, "date"));
    let next = [object(status), result]
        .into_iter()
        .flatten()
        .find(|v| get(v, "ok").as_bool() == Some(true))
        .and_then(|v| date_ms(v, "nextManualSyncAt"));
    let at = next_sync_allowed_at(
        outcome.as_deref().and_then(Outcome::parse),
        retry_after,
        graph_now,
        next,
        now,
    );
    at.map_or(JsValue::NULL, JsValue::from_f64)
}

/// `describeToken(token, { cloud?, baseUrl?, now? })`: what a token says about itself.
/// Any token value is described (non-strings and garbage as `opaque`); only bad options throw.
pub fn describe(token: &JsValue, options: &JsValue) -> Result<JsValue, UsageError> {
    check_keys(options, &["cloud", "baseUrl", "now"])?;
    let expected = graph_root(options)?
        .and_then(|root| Cloud::ALL.into_iter().find(|c| c.graph_host() == root));
    let now = get(options, "now");
    let now = if now.is_undefined() || now.is_null() {
        super::env::now_ms()
    } else {
        now.as_f64()
            .filter(|n| n.is_finite())
            .ok_or_else(|| wrong_type("now", "a number of milliseconds since the epoch"))?
    };
    let text = token.as_string().unwrap_or_default();
    let report = describe_token(&text, expected, now);
    Ok(js_sys::JSON::parse(&report.to_json()).unwrap_or(JsValue::NULL))
}
