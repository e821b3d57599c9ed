//! The model's [`Json`] over the engine's `JSON.parse`: the download carries no JSON
//! parser, and a lookup is one `Reflect.get` (its key the only string crossing in).

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::options::{is_array, object_keys};
use crate::model::Json;

#[wasm_bindgen(module = "/npm/contract.js")]
extern "C" {
    /// `JSON.parse(text)`, or `undefined` when it throws. Not a `catch` import: bodies
    /// that are not JSON (empty, an HTML error page, cut off) are routine, and each
    /// exception caught through a `catch` import that returns a value leaves one slot of
    /// the module's externref table behind for good (`tests/externref.test.mjs`).
    #[wasm_bindgen(js_name = _parseJson)]
    fn parse_json(text: &str) -> JsValue;
}

/// A value `JSON.parse` produced.
pub struct JsJson(JsValue);

impl JsJson {
    fn is_array(&self) -> bool {
        is_array(&self.0).unwrap_or(false)
    }

    /// The member named by the JS string `key`; `None` when it is absent (`JSON.parse`
    /// never yields `undefined`) or this is not an object.
    fn member(&self, key: &JsValue) -> Option<JsJson> {
        if !self.is_object() {
            return None;
        }
        Reflect::get(&self.0, key)
            .ok()
            .filter(|v| !v.is_undefined())
            .map(JsJson)
    }
}

impl Json for JsJson {
    fn parse(text: &str) -> Option<Self> {
        // JSON never yields `undefined`: it means the text is not JSON.
        let v = parse_json(text);
        (!v.is_undefined()).then_some(JsJson(v))
    }

    fn get(&self, key: &str) -> Option<Self> {
        self.member(&JsValue::from_str(key))
    }

    fn get_ci(&self, key: &str) -> Option<Self> {
        self.get(key).or_else(|| {
            if !self.is_object() {
                return None;
            }
            let k = object_keys(&self.0)
                .ok()?
                .iter()
                .find(|k| k.as_string().is_some_and(|k| k.eq_ignore_ascii_case(key)))?;
            self.member(&k)
        })
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn is_object(&self) -> bool {
        self.0.is_object() && !self.is_array()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.is_array()
            .then(|| self.0.unchecked_ref::<Array>().iter().map(JsJson).collect())
    }
}
