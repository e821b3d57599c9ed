//! The model's [`Json`] over the engine's `JSON.parse`: the download carries no JSON
//! parser, and a lookup is one `Reflect.get` (its key the only string crossing in).

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::model::Json;

/// A value `JSON.parse` produced.
pub struct JsJson(JsValue);

impl JsJson {
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
        js_sys::JSON::parse(text).ok().map(JsJson)
    }

    fn get(&self, key: &str) -> Option<Self> {
        self.member(&JsValue::from_str(key))
    }

    fn get_ci(&self, key: &str) -> Option<Self> {
        self.get(key).or_else(|| {
            let obj: &Object = self.0.dyn_ref()?;
            let k = Object::keys(obj)
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
        self.0.is_object() && !Array::is_array(&self.0)
    }

    fn items(&self) -> Option<Vec<Self>> {
        let a: &Array = self.0.dyn_ref()?;
        Some(a.iter().map(JsJson).collect())
    }
}
