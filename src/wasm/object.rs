//! Plain JS objects built and read from Rust: the results, requests and the method
//! objects (`createSyncClient`, the MSAL provider) the JS API hands out.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::future::Future;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Sets `obj[key] = value`; never fails on the plain objects built here.
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Reads `obj[key]`; `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A plain object with these members.
pub fn obj(pairs: &[(&str, &JsValue)]) -> JsValue {
    let o: JsValue = Object::new().into();
    for (k, v) in pairs {
        set(&o, k, v);
    }
    o
}

/// A JS method of a returned object, bound to shared `state`: each call runs
/// `body(state, argument)` and returns its Promise. The function lives as long as JS
/// holds it.
pub fn async_method<S, F, Fut>(state: &Rc<S>, body: F) -> JsValue
where
    S: 'static,
    F: Fn(Rc<S>, JsValue) -> Fut + 'static,
    Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let state = state.clone();
    let f = move |arg: JsValue| future_to_promise(body(state.clone(), arg));
    Closure::<dyn Fn(JsValue) -> Promise>::new(f).into_js_value()
}
