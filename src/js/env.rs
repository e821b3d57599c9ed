//! The few globals the glue needs besides `fetch`: timers, randomness, the clock.
//! All are looked up on the global object, so the module runs in pages, workers and Node.

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::core::validate::uuid_v4;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: i32) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &Uint8Array) -> Result<JsValue, JsValue>;
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A fresh random GUID for `client-request-id`. `crypto.getRandomValues` exists in
/// insecure contexts too (unlike `crypto.randomUUID`); `Math.random` is the last resort.
pub fn new_guid() -> String {
    let buf = Uint8Array::new_with_length(16);
    let mut bytes = [0u8; 16];
    if get_random_values(&buf).is_ok() {
        buf.copy_to(&mut bytes);
    } else {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(bytes)
}

/// A pending timer; dropping it cancels the callback.
pub struct Timer {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Runs `f` once after `ms` milliseconds.
    pub fn new(ms: u32, f: impl FnMut() + 'static) -> Timer {
        let callback = Closure::<dyn FnMut()>::new(f);
        let handle = set_timeout(
            callback.as_ref().unchecked_ref(),
            ms.min(i32::MAX as u32) as i32,
        );
        Timer {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts.
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), JsValue> {
    if let Some(s) = signal.filter(|s| s.aborted()) {
        return Err(s.reason());
    }
    let mut fns = None;
    let promise = Promise::new(&mut |resolve, reject| fns = Some((resolve, reject)));
    let Some((resolve, reject)) = fns else {
        return Ok(());
    };
    let timer = set_timeout(&resolve, ms.min(i32::MAX as u32) as i32);
    let listener = signal.map(|s| {
        let target = s.clone();
        let c = Closure::<dyn FnMut()>::new(move || {
            let _ = reject.call1(&JsValue::UNDEFINED, &target.reason());
        });
        let _ = s.add_event_listener_with_callback("abort", c.as_ref().unchecked_ref());
        (s, c)
    });
    let r = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let Some((s, c)) = listener {
        // Not running now: it returned before this future was resumed.
        let _ = s.remove_event_listener_with_callback("abort", c.as_ref().unchecked_ref());
    }
    r.map(|_| ())
}
