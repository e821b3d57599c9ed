//! The few globals the glue needs besides `fetch`: timers, randomness, the clock.
//! All are looked up on the global object, so the module runs in pages, workers and Node.

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::Local;
use crate::model::{ceil, uuid_v4};
#[allow(unused_imports)]
use crate::prelude::*;

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

/// Random bytes fetched from `crypto` at a time: one call serves 32 GUIDs.
const POOL: usize = 16 * 32;

static RANDOM: Local<core::cell::RefCell<(Vec<u8>, usize)>> =
    Local(core::cell::RefCell::new((Vec::new(), 0)));

/// A fresh random GUID for `client-request-id`. `crypto.getRandomValues` exists in
/// insecure contexts too (unlike `crypto.randomUUID`); `Math.random` is the last resort.
pub fn new_guid() -> String {
    RANDOM.with(|r| {
        let mut r = r.borrow_mut();
        let (pool, used) = &mut *r;
        if pool.len() < POOL || *used + 16 > POOL {
            pool.resize(POOL, 0);
            let buf = Uint8Array::new_with_length(POOL as u32);
            if get_random_values(&buf).is_ok() {
                buf.copy_to(pool);
            } else {
                for b in pool.iter_mut() {
                    *b = (js_sys::Math::random() * 256.0) as u8;
                }
            }
            *used = 0;
        }
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&pool[*used..*used + 16]);
        *used += 16;
        uuid_v4(bytes)
    })
}

/// A pending timer; dropping it cancels the callback.
pub struct Timer {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Runs `f` once after `ms` milliseconds. In Node the timer is `unref`ed: it does not
    /// keep the process alive on its own.
    pub fn new(ms: u32, f: impl FnMut() + 'static) -> Timer {
        let callback = Closure::<dyn FnMut()>::new(f);
        let handle = set_timeout(
            callback.as_ref().unchecked_ref(),
            ms.min(i32::MAX as u32) as i32,
        );
        // Browsers return a number, Node a Timeout object with `unref`.
        if handle.is_object() {
            if let Ok(unref) = js_sys::Reflect::get(&handle, &JsValue::from_str("unref")) {
                if let Some(unref) = unref.dyn_ref::<Function>() {
                    let _ = unref.call0(&handle);
                }
            }
        }
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

/// One pending timeout, registered with the shared timer; dropping it cancels it.
pub struct Deadline {
    id: u64,
}

struct Entry {
    id: u64,
    at: f64,
    fire: Box<dyn FnOnce()>,
}

struct Wheel {
    entries: Vec<Entry>,
    next_id: u64,
    /// The one JS timer, and the deadline it is armed for.
    armed: Option<(f64, Timer)>,
}

impl Wheel {
    const fn new() -> Wheel {
        Wheel {
            entries: Vec::new(),
            next_id: 0,
            armed: None,
        }
    }
}

static WHEEL: Local<core::cell::RefCell<Wheel>> = Local(core::cell::RefCell::new(Wheel::new()));

/// Calls `fire` once, `ms` milliseconds from now, unless the returned [`Deadline`] is
/// dropped first. All deadlines share one `setTimeout`, armed for the earliest, so a call
/// costs no timer of its own; the timer is `unref`ed in Node, so it never keeps a
/// process alive.
pub fn deadline(ms: u32, fire: impl FnOnce() + 'static) -> Deadline {
    let at = now_ms() + f64::from(ms);
    WHEEL.with(|w| {
        let mut w = w.borrow_mut();
        let id = w.next_id;
        w.next_id += 1;
        w.entries.push(Entry {
            id,
            at,
            fire: Box::new(fire),
        });
        if w.armed.as_ref().is_none_or(|(armed_at, _)| at < *armed_at) {
            arm(&mut w, at, ms);
        }
        Deadline { id }
    })
}

/// Drops `value` once the current JS task has finished: a closure must not be freed
/// while it may be the one running (wasm-bindgen would throw).
pub fn drop_after_this_task<T: 'static>(value: T) {
    wasm_bindgen_futures::spawn_local(async move { drop(value) });
}

fn arm(w: &mut Wheel, at: f64, ms: u32) {
    // The previous timer may be the one running right now.
    if let Some((_, old)) = w.armed.replace((at, Timer::new(ms, on_timer))) {
        drop_after_this_task(old);
    }
}

fn on_timer() {
    let now = now_ms();
    let due: Vec<Entry> = WHEEL.with(|w| {
        let mut w = w.borrow_mut();
        let (due, rest) = core::mem::take(&mut w.entries)
            .into_iter()
            .partition(|e| e.at <= now + 1.0);
        w.entries = rest;
        match w.entries.iter().map(|e| e.at).reduce(f64::min) {
            Some(next) => arm(&mut w, next, ceil((next - now).max(0.0)) as u32),
            None => {
                if let Some((_, old)) = w.armed.take() {
                    drop_after_this_task(old);
                }
            }
        }
        due
    });
    for e in due {
        (e.fire)();
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // The timer stays armed: when it fires with nothing due it is not re-armed.
        WHEEL.with(|w| {
            if let Ok(mut w) = w.try_borrow_mut() {
                w.entries.retain(|e| e.id != self.id);
            }
        });
    }
}
