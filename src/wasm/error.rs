//! The one place where JS errors are built: instances of the package's exported
//! `SyncError` class (`npm/contract.js`, generated from the model), with a stable `name`
//! and `code` (like MSAL's `AuthError.errorCode`) and the original error as `cause`.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::object::{get, obj};
use crate::model::{ErrorCode, UsageError};

#[wasm_bindgen(module = "/npm/contract.js")]
extern "C" {
    /// The exported class; scripts/build.mjs points this import at the package's own
    /// `contract.js`, so `instanceof` holds for the class users import.
    type SyncError;

    #[wasm_bindgen(constructor)]
    fn new(code: &str, message: &str, options: &JsValue) -> SyncError;
}

/// A `SyncError` with `code`, optional `cause` and optional `errorCode` (kept from MSAL).
#[inline(never)]
pub fn sync_error(
    code: ErrorCode,
    message: &str,
    cause: Option<&JsValue>,
    error_code: Option<&str>,
) -> JsValue {
    let undefined = JsValue::UNDEFINED;
    let error_code = error_code.map_or(JsValue::UNDEFINED, JsValue::from_str);
    let options = obj(&[
        ("cause", cause.unwrap_or(&undefined)),
        ("errorCode", &error_code),
    ]);
    SyncError::new(code.as_str(), message, &options).into()
}

/// `e` itself when it already is one of our `SyncError`s (never wrapped twice); else a
/// `SyncError` of `code` with `e` as its `cause`, keeping `e.errorCode` (MSAL's) when
/// `keep_error_code`.
pub fn wrap(e: JsValue, code: ErrorCode, message: &str, keep_error_code: bool) -> JsValue {
    if is_sync_error(&e) {
        return e;
    }
    let error_code = if keep_error_code {
        get(&e, "errorCode").as_string()
    } else {
        None
    };
    sync_error(code, message, Some(&e), error_code.as_deref())
}

/// An `internalError`: a JS function the module called threw (`original` is the `cause`).
pub fn internal(original: JsValue) -> JsValue {
    wrap(
        original,
        ErrorCode::InternalError,
        "A function the library relies on failed (see the cause); the call was abandoned.",
        false,
    )
}

/// An `internalError` for a caller's callback (`onUpdate`, `onResult`) that threw: the
/// original is the `cause`, so every rejection of the package stays a `SyncError`.
pub fn callback_threw(name: &str, effect: &str, original: JsValue) -> JsValue {
    let mut m = String::from(name);
    m.push_str(" threw (see the cause); ");
    m.push_str(effect);
    sync_error(ErrorCode::InternalError, &m, Some(&original), None)
}

/// Calls a wait's `onUpdate` (when given) with `report`; if it throws, the wait ends with
/// [`callback_threw`]'s `internalError`, `effect` saying what that stopped.
pub fn notify(
    on_update: Option<&js_sys::Function>,
    report: &JsValue,
    effect: &str,
) -> Result<(), JsValue> {
    match on_update {
        Some(f) => f
            .call1(&JsValue::UNDEFINED, report)
            .map(drop)
            .map_err(|e| callback_threw("onUpdate", effect, e)),
        None => Ok(()),
    }
}

impl From<UsageError> for JsValue {
    fn from(e: UsageError) -> JsValue {
        sync_error(e.code, &e.message, None, None)
    }
}

/// Whether a value is already one of our `SyncError`s (passed through, not wrapped twice).
fn is_sync_error(v: &JsValue) -> bool {
    v.has_type::<js_sys::Error>() && get(v, "name").as_string().as_deref() == Some("SyncError")
}
