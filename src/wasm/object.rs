//! Plain JS objects built and read from Rust: the results, requests and the method
//! objects (`createSyncClient`, the MSAL provider) the JS API hands out.

#[allow(unused_imports)]
use crate::prelude::*;

use core::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::Local;
use crate::model::{values_json, Field, Reply};

#[wasm_bindgen(module = "/npm/contract.js")]
extern "C" {
    // The result builders of `src/wasm/host.js`. `catch`: they call `JSON.parse`, which a
    // page may have replaced with one that throws.
    #[wasm_bindgen(catch, js_name = _syncResult)]
    fn sync_result(outcome: &JsValue, message: &JsValue, values: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = _syncStatus)]
    fn sync_status(sync_status: &JsValue, values: &str) -> Result<JsValue, JsValue>;
}

/// Property names made into JS strings once: a name crosses into JS (a UTF-8 decode and
/// a view of the memory) the first time only. Keyed by the `'static` text's address.
static KEYS: Local<RefCell<Vec<(usize, JsValue)>>> = Local(RefCell::new(Vec::new()));

/// `key` as a JS string, made once.
pub fn key(key: &'static str) -> JsValue {
    let at = key.as_ptr() as usize ^ (key.len() << 24);
    KEYS.with(|k| {
        let mut k = k.borrow_mut();
        if let Some((_, v)) = k.iter().find(|(a, _)| *a == at) {
            return v.clone();
        }
        let v = JsValue::from_str(key);
        k.push((at, v.clone()));
        v
    })
}

/// Sets `obj[name] = value`; never fails on the plain objects built here.
pub fn set(obj: &JsValue, name: &'static str, value: &JsValue) {
    let _ = Reflect::set(obj, &key(name), value);
}

/// Reads `obj[name]`; `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, name: &'static str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        Reflect::get(obj, &key(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// The string arguments of a result builder, in order: `'static` text made into a JS
/// string once (see [`key`]).
fn args<const N: usize>(values: &[Field<'_>]) -> [JsValue; N] {
    let mut it = values.iter().filter_map(|f| match *f {
        Field::Name(s) => Some(key(s)),
        Field::Text(s) => Some(JsValue::from_str(s)),
        _ => None,
    });
    core::array::from_fn(|_| it.next().unwrap_or(JsValue::UNDEFINED))
}

/// The reply as a fresh plain object (one crossing: its string members and one JSON array
/// of the rest). `Err` only when a replaced `JSON.parse` throws.
pub fn reply_object(reply: &Reply) -> Result<JsValue, JsValue> {
    match reply {
        Reply::Result(r) => {
            let f = r.values();
            let [outcome, message] = args(&f);
            sync_result(&outcome, &message, &values_json(&f))
        }
        Reply::Status(s) => {
            let f = s.values();
            let [status] = args(&f);
            sync_status(&status, &values_json(&f))
        }
    }
}

/// A plain object with these members.
pub fn obj(pairs: &[(&'static str, &JsValue)]) -> JsValue {
    let o: JsValue = Object::new().into();
    for (k, v) in pairs {
        set(&o, k, v);
    }
    o
}

/// A JS method of a returned object, bound to shared `state`: each call runs
/// `body(state, argument)` and returns its Promise. The function lives as long as JS
/// holds it.
#[cfg(feature = "msal")]
pub fn async_method<S, F, Fut>(state: &alloc::rc::Rc<S>, body: F) -> JsValue
where
    S: 'static,
    F: Fn(alloc::rc::Rc<S>, JsValue) -> Fut + 'static,
    Fut: core::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    use wasm_bindgen_futures::future_to_promise;
    let state = state.clone();
    let f = move |arg: JsValue| future_to_promise(body(state.clone(), arg));
    Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(f).into_js_value()
}
