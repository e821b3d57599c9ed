//! Reading the `options` objects JS passes in. Every check and message lives in
//! `crate::model::validate`; this module only pulls values out of JS.

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use super::object::get;

use super::env::new_guid;
use super::Local;
use crate::model::{
    check_base_url, check_client_request_id, check_duration, check_token, unknown_option,
    wrong_type, Cloud, ErrorCode, UrlParts, UsageError,
};
#[allow(unused_imports)]
use crate::prelude::*;

/// Default `timeoutMs` for one request.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// Options of one Graph call, checked.
#[derive(Clone)]
pub struct CallOptions {
    /// Graph root, no trailing slash.
    pub root: String,
    /// Per-request timeout.
    pub timeout_ms: u32,
    /// The caller's signal.
    pub signal: Option<AbortSignal>,
    /// `client-request-id` to send; a fresh GUID per call when `None`.
    pub client_request_id: Option<String>,
}

impl CallOptions {
    /// `client-request-id` for one request.
    pub fn request_id(&self) -> String {
        self.client_request_id.clone().unwrap_or_else(new_guid)
    }
}

/// Option names accepted by `triggerSync` / `getSyncStatus`.
#[cfg(feature = "api")]
pub const CALL_KEYS: [&str; 5] = ["cloud", "baseUrl", "timeoutMs", "signal", "clientRequestId"];

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    // An options object may be a Proxy whose traps throw: these are imported with `catch`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub fn object_keys(o: &JsValue) -> Result<js_sys::Array, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub fn is_array(o: &JsValue) -> Result<bool, JsValue>;

    #[cfg(feature = "msal")]
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    fn array_from(o: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// An options object that could not be read (a getter or a Proxy trap threw). The value
/// is never replaced by a default: the call is refused, nothing is sent.
fn unreadable(name: &str) -> UsageError {
    wrong_type(name, "readable (a getter or Proxy trap threw)")
}

/// `options[name]`, read once; a throwing getter or Proxy trap is an `invalidOptions`.
pub fn read(options: &JsValue, name: &str) -> Result<Option<JsValue>, UsageError> {
    if !options.is_object() && !options.is_function() {
        return Ok(None);
    }
    let v =
        js_sys::Reflect::get(options, &JsValue::from_str(name)).map_err(|_| unreadable(name))?;
    // `undefined` and `null` mean "not given".
    Ok((!v.is_undefined() && !v.is_null()).then_some(v))
}

#[cfg(feature = "msal")]
/// An array option of strings (copied, so later edits by the caller are not seen).
pub fn strings_opt(
    options: &JsValue,
    name: &str,
    expected: &str,
) -> Result<Option<js_sys::Array>, UsageError> {
    let Some(v) = read(options, name)? else {
        return Ok(None);
    };
    if !is_array(&v).unwrap_or(false) {
        return Err(wrong_type(name, expected));
    }
    let list = array_from(&v).map_err(|_| unreadable(name))?;
    if !list.iter().all(|v| v.is_string()) {
        return Err(wrong_type(name, expected));
    }
    Ok(Some(list))
}

/// The own enumerable keys of an options object, refusing names not in `known`.
pub fn check_keys(options: &JsValue, known: &[&str]) -> Result<(), UsageError> {
    if options.is_undefined() || options.is_null() {
        return Ok(());
    }
    if !options.is_object() || options.is_function() || is_array(options).unwrap_or(true) {
        return Err(wrong_type("options", "an object"));
    }
    let keys = object_keys(options).map_err(|_| unreadable("names"))?;
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        if !known.contains(&name.as_str()) {
            return Err(unknown_option(&name, known));
        }
    }
    Ok(())
}

/// A string option.
pub fn string_opt(options: &JsValue, name: &str) -> Result<Option<String>, UsageError> {
    match read(options, name)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| wrong_type(name, "a string")),
    }
}

/// A duration option in milliseconds.
pub fn duration_opt(options: &JsValue, name: &str) -> Result<Option<u32>, UsageError> {
    match read(options, name)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(ms) => check_duration(name, ms).map(Some),
            None => Err(wrong_type(name, "a number of milliseconds")),
        },
    }
}

/// An `AbortSignal` option.
pub fn signal_opt(options: &JsValue, name: &str) -> Result<Option<AbortSignal>, UsageError> {
    match read(options, name)? {
        None => Ok(None),
        Some(v) => v
            .dyn_into::<AbortSignal>()
            .map(Some)
            .map_err(|_| wrong_type(name, "an AbortSignal")),
    }
}

/// A function option.
pub fn function_opt(options: &JsValue, name: &str) -> Result<Option<Function>, UsageError> {
    match read(options, name)? {
        None => Ok(None),
        Some(v) => v
            .dyn_into::<Function>()
            .map(Some)
            .map_err(|_| wrong_type(name, "a function")),
    }
}

/// The last `baseUrl` checked and its Graph root: callers pass the same one each time.
static LAST_BASE: Local<core::cell::RefCell<Option<(String, String)>>> =
    Local(core::cell::RefCell::new(None));

/// The Graph root `cloud`/`baseUrl` name (`baseUrl` wins), or `None` when neither is given.
pub fn graph_root(options: &JsValue) -> Result<Option<String>, UsageError> {
    let base = string_opt(options, "baseUrl")?;
    let cloud = string_opt(options, "cloud")?;
    let cloud = cloud.as_deref().map(Cloud::parse).transpose()?;
    if let Some(base) = base {
        let cached = LAST_BASE.with(|c| {
            c.borrow()
                .as_ref()
                .filter(|(b, _)| *b == base)
                .map(|(_, r)| r.clone())
        });
        if cached.is_some() {
            return Ok(cached);
        }
        let root = parse_base_url(&base)?;
        LAST_BASE.with(|c| *c.borrow_mut() = Some((base, root.clone())));
        return Ok(Some(root));
    }
    Ok(cloud.map(|c| c.graph_host().into()))
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/npm/contract.js")]
extern "C" {
    /// `new URL(text)`, or `undefined` when it throws: text that is not a URL comes with
    /// every keystroke of a form, and an exception caught through a `catch` import would
    /// leave a slot of the externref table behind (see `wasm::json`).
    #[wasm_bindgen(js_name = _parseUrl)]
    fn parse_url(text: &str) -> JsValue;
}

/// Splits `baseUrl` with the WHATWG URL parser and checks the parts.
pub fn parse_base_url(base: &str) -> Result<String, UsageError> {
    let url = parse_url(base.trim());
    if url.is_undefined() {
        return Err(wrong_type(
            "baseUrl",
            "an absolute URL such as https://graph.microsoft.com",
        ));
    }
    // Read as properties (one shared import), not through eight getter imports.
    let part = |name: &'static str| get(&url, name).as_string().unwrap_or_default();
    let (protocol, username, password, hostname, origin, pathname, search, hash) = (
        part("protocol"),
        part("username"),
        part("password"),
        part("hostname"),
        part("origin"),
        part("pathname"),
        part("search"),
        part("hash"),
    );
    let parts = UrlParts {
        protocol: &protocol,
        username: &username,
        password: &password,
        hostname: &hostname,
        origin: &origin,
        pathname: &pathname,
        search: &search,
        hash: &hash,
    };
    check_base_url(&parts)
}

/// Reads `triggerSync`/`getSyncStatus` options, each one given overriding `defaults`
/// (a client's options). `known` lists the names allowed in this object.
pub fn call_options(
    options: &JsValue,
    defaults: Option<&CallOptions>,
    known: &[&str],
) -> Result<CallOptions, UsageError> {
    check_keys(options, known)?;
    let root = match graph_root(options)? {
        Some(r) => r,
        None => defaults.map_or_else(|| Cloud::Global.graph_host().into(), |d| d.root.clone()),
    };
    let client_request_id = match string_opt(options, "clientRequestId")? {
        Some(id) => Some(check_client_request_id(id.trim())?.to_string()),
        None => defaults.and_then(|d| d.client_request_id.clone()),
    };
    Ok(CallOptions {
        root,
        timeout_ms: duration_opt(options, "timeoutMs")?
            .or(defaults.map(|d| d.timeout_ms))
            .unwrap_or(DEFAULT_TIMEOUT_MS),
        signal: signal_opt(options, "signal")?.or_else(|| defaults.and_then(|d| d.signal.clone())),
        client_request_id,
    })
}

/// The token argument: a string that passes [`check_token`].
pub fn token_arg(token: &JsValue) -> Result<String, UsageError> {
    match token.as_string() {
        Some(s) => check_token(&s).map(String::from),
        None => Err(UsageError::new(
            ErrorCode::InvalidToken,
            "The token must be a string.",
        )),
    }
}
