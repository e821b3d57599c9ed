//! The one place where JS errors are built: `SyncError`, a real `Error` with a stable
//! `name` and `code` (like MSAL's `AuthError.errorCode`), the original error as `cause`.

use js_sys::Error;
use wasm_bindgen::{JsCast, JsValue};

use super::object::{get, set};
use crate::model::{ErrorCode, UsageError};

/// A `SyncError` with `code`, optional `cause` and optional `errorCode` (kept from MSAL).
pub fn sync_error(
    code: ErrorCode,
    message: &str,
    cause: Option<&JsValue>,
    error_code: Option<&str>,
) -> JsValue {
    let e: JsValue = Error::new(message).into();
    set(&e, "name", &JsValue::from_str("SyncError"));
    set(&e, "code", &JsValue::from_str(code.as_str()));
    if let Some(c) = cause {
        set(&e, "cause", c);
    }
    if let Some(ec) = error_code {
        set(&e, "errorCode", &JsValue::from_str(ec));
    }
    e
}

impl From<UsageError> for JsValue {
    fn from(e: UsageError) -> JsValue {
        sync_error(e.code, &e.message, None, None)
    }
}

/// Whether a value is already one of our `SyncError`s (passed through, not wrapped twice).
pub fn is_sync_error(v: &JsValue) -> bool {
    v.has_type::<Error>() && get(v, "name").as_string().as_deref() == Some("SyncError")
}
