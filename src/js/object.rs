//! Plain JS objects built and read from Rust: the results, requests and the method
//! objects (`createSyncClient`, the MSAL provider) the JS API hands out.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

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

/// A JS function for a method of a returned object (lives as long as JS holds it).
pub fn method(f: impl Fn(JsValue) -> Promise + 'static) -> JsValue {
    Closure::<dyn Fn(JsValue) -> Promise>::new(f).into_js_value()
}
