//! The few globals the glue needs besides `fetch`: timers, randomness, the clock.
//! All are looked up on the global object, so the module runs in pages, workers and Node.

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use core::cell::{OnceCell, RefCell};

use super::error::internal;
use super::Local;
use crate::model::{ceil, uuid_v4};
#[allow(unused_imports)]
use crate::prelude::*;

#[wasm_bindgen]
extern "C" {
    // Every global the module calls may have been replaced by a page or a test, and may
    // throw: each is imported with `catch`, and no `RefCell` borrow is held across a call.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: i32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &Uint8Array) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Math, js_name = random)]
    fn math_random() -> Result<f64, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Date, js_name = now)]
    fn date_now() -> Result<f64, JsValue>;
}

/// Milliseconds since the epoch (0 if `Date.now` throws: the shared timer then still
/// fires each deadline, as it trusts the JS timer over the clock).
pub fn now_ms() -> f64 {
    date_now().unwrap_or(0.0)
}

/// Random bytes fetched from `crypto` at a time: one call serves 32 GUIDs.
const POOL: usize = 16 * 32;

static RANDOM: Local<RefCell<(Vec<u8>, usize)>> = Local(RefCell::new((Vec::new(), 0)));

/// `POOL` fresh random bytes: `crypto.getRandomValues` (it exists in insecure contexts
/// too, unlike `crypto.randomUUID`), else `Math.random` (else zeros: a `client-request-id`
/// only helps support find a request, so a broken host costs only that).
fn fresh_pool() -> Vec<u8> {
    let mut pool = vec![0u8; POOL];
    let buf = Uint8Array::new_with_length(POOL as u32);
    if get_random_values(&buf).is_ok() {
        buf.copy_to(&mut pool);
    } else {
        for b in pool.iter_mut() {
            *b = (math_random().unwrap_or(0.0) * 256.0) as u8;
        }
    }
    pool
}

/// A fresh random GUID for `client-request-id`.
pub fn new_guid() -> String {
    let need = RANDOM.with(|r| {
        let r = r.borrow();
        r.0.len() < POOL || r.1 + 16 > POOL
    });
    if need {
        // Filled with no borrow held: the JS calls may re-enter the module.
        let pool = fresh_pool();
        RANDOM.with(|r| *r.borrow_mut() = (pool, 0));
    }
    let bytes = RANDOM.with(|r| {
        let mut r = r.borrow_mut();
        let (pool, used) = &mut *r;
        let mut bytes = [0u8; 16];
        if *used + 16 <= pool.len() {
            bytes.copy_from_slice(&pool[*used..*used + 16]);
            *used += 16;
        }
        bytes
    });
    uuid_v4(bytes)
}

/// Arms a JS timer for `callback` after `ms`; in Node it is `unref`ed, so it never keeps a
/// process alive on its own. `Err` when the global `setTimeout` throws.
fn arm_js_timer(callback: &Function, ms: u32) -> Result<JsValue, JsValue> {
    let handle = set_timeout(callback, ms.min(i32::MAX as u32) as i32)?;
    // Browsers return a number, Node a Timeout object with `unref`.
    if handle.is_object() {
        if let Ok(unref) = js_sys::Reflect::get(&handle, &JsValue::from_str("unref")) {
            if let Some(unref) = unref.dyn_ref::<Function>() {
                let _ = unref.call0(&handle);
            }
        }
    }
    Ok(handle)
}

/// Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts, and
/// with an `internalError` if the global `setTimeout` throws.
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), JsValue> {
    if let Some(s) = signal.filter(|s| s.aborted()) {
        return Err(s.reason());
    }
    let mut fns = None;
    let promise = Promise::new(&mut |resolve, reject| fns = Some((resolve, reject)));
    let Some((resolve, reject)) = fns else {
        return Ok(());
    };
    let timer = set_timeout(&resolve, ms.min(i32::MAX as u32) as i32).map_err(internal)?;
    let listener = signal.map(|s| {
        let target = s.clone();
        let c = Closure::<dyn FnMut()>::new(move || {
            let _ = reject.call1(&JsValue::UNDEFINED, &target.reason());
        });
        let _ = s.add_event_listener_with_callback("abort", c.as_ref().unchecked_ref());
        (s, c)
    });
    let r = JsFuture::from(promise).await;
    let _ = clear_timeout(&timer);
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

/// What a deadline's callback learns: `Ok` when its time came, `Err` when the shared
/// timer could not be re-armed (a global `setTimeout` that throws), so it never would.
pub type Fired = Result<(), JsValue>;

struct Entry {
    id: u64,
    at: f64,
    fire: Box<dyn FnOnce(Fired)>,
}

struct Wheel {
    entries: Vec<Entry>,
    next_id: u64,
    /// The JS timer's handle, and the deadline it is armed for.
    armed: Option<(f64, JsValue)>,
}

static WHEEL: Local<RefCell<Wheel>> = Local(RefCell::new(Wheel {
    entries: Vec::new(),
    next_id: 0,
    armed: None,
}));

/// The shared timer's callback, made once and never freed (so it is never freed while
/// running).
static TICK: Local<OnceCell<Closure<dyn FnMut()>>> = Local(OnceCell::new());

/// Calls `fire` once, `ms` milliseconds from now, unless the returned [`Deadline`] is
/// dropped first. All deadlines share one `setTimeout`, armed for the earliest, so a call
/// costs no timer of its own. `Err` (nothing registered) when `setTimeout` throws.
pub fn deadline(ms: u32, fire: impl FnOnce(Fired) + 'static) -> Result<Deadline, JsValue> {
    let at = now_ms() + f64::from(ms);
    let (id, earliest) = WHEEL.with(|w| {
        let mut w = w.borrow_mut();
        let id = w.next_id;
        w.next_id += 1;
        w.entries.push(Entry {
            id,
            at,
            fire: Box::new(fire),
        });
        (
            id,
            w.armed.as_ref().is_none_or(|(armed_at, _)| at < *armed_at),
        )
    });
    let d = Deadline { id };
    if earliest {
        arm(at, ms)?;
    }
    Ok(d)
}

/// Drops `value` once the current JS task has finished: a closure must not be freed
/// while it may be the one running (wasm-bindgen would throw).
pub fn drop_after_this_task<T: 'static>(value: T) {
    wasm_bindgen_futures::spawn_local(async move { drop(value) });
}

/// (Re)arms the shared timer for `at`. The new JS timer is armed before the old one is
/// cleared: when `setTimeout` throws, the timer armed for the waiting calls stays. No
/// borrow is held across the JS calls.
fn arm(at: f64, ms: u32) -> Result<(), JsValue> {
    let handle = TICK.with(|t| {
        let tick = t.get_or_init(|| Closure::<dyn FnMut()>::new(on_timer));
        arm_js_timer(tick.as_ref().unchecked_ref(), ms)
    })?;
    if let Some((_, old)) = WHEEL.with(|w| w.borrow_mut().armed.replace((at, handle))) {
        let _ = clear_timeout(&old);
    }
    Ok(())
}

fn on_timer() {
    let now = now_ms();
    let (due, next) = WHEEL.with(|w| {
        let mut w = w.borrow_mut();
        // What the timer was armed for is due, whatever the clock says now.
        let cut = w.armed.take().map_or(now, |(at, _)| at.max(now)) + 1.0;
        let (due, rest): (Vec<Entry>, Vec<Entry>) = core::mem::take(&mut w.entries)
            .into_iter()
            .partition(|e| e.at <= cut);
        w.entries = rest;
        (due, w.entries.iter().map(|e| e.at).reduce(f64::min))
    });
    let broken = next.and_then(|next| arm(next, ceil((next - now).max(0.0)) as u32).err());
    for e in due {
        (e.fire)(Ok(()));
    }
    if let Some(err) = broken {
        let stranded = WHEEL.with(|w| core::mem::take(&mut w.borrow_mut().entries));
        for e in stranded {
            (e.fire)(Err(err.clone()));
        }
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
