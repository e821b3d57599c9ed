//! One Graph request, with a timeout, and the response body read up to a cap. Sends the
//! model's [`Request`] and produces a [`Transport`] that the model reads as a
//! [`Response`]; no decision is made here.
//!
//! `fetch` and the body read run in JS (`_send` in `src/wasm/host.js`, shipped in
//! `contract.js`): one crossing out, one string back, which the model reads
//! ([`transport_response`]). Reading a `Response` from Rust took about twenty crossings a call
//! (its fields, each header, each body chunk) and a future per request. gloo-net is not used: its `send`
//! needs a `Request` object, and it panics (`unreachable!`) when fetch rejects with
//! something that is not an `Error`, which a caller's abort reason may be.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use super::env::{deadline, Deadline};
use super::error::internal;
use crate::model::{transport_response, Request, Response as Reply};

#[wasm_bindgen(module = "/npm/contract.js")]
extern "C" {
    /// `fetch` and the body read in JS (`src/wasm/host.js`): one crossing out, one string
    /// back (see `unpack_answer` in the model); never throws, never rejects.
    #[cfg(feature = "devices")]
    #[wasm_bindgen(js_name = _send)]
    fn send_js(request: &str, controller: &AbortController, cap: u32) -> js_sys::Promise;

    /// `_send`, then `done(id, answer)`: no future and no closure per request (the
    /// single-flight table in `flight.rs` is driven by it).
    #[wasm_bindgen(js_name = _sendThen)]
    fn send_then_js(
        request: &str,
        controller: &AbortController,
        cap: u32,
        id: u32,
        done: &Function,
    );
}

/// Sends `request` (its [`Exchange`] already started); `done` is called with `id` and
/// the answer for [`Exchange::end`].
pub fn send_then(request: &Request, controller: &AbortController, id: u32, done: &Function) {
    send_then_js(
        &request.packed(),
        controller,
        MAX_BODY_BYTES as u32,
        id,
        done,
    );
}

/// Error bodies are small; anything past this is not read (a hostile or broken server
/// cannot make the page hold megabytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How a request ended: `_send`'s string (`None` when no response arrived) and whether
/// the timeout fired, for the model to read ([`transport_response`]).
pub struct Transport {
    packed: Option<String>,
    method: &'static str,
    timed_out: bool,
}

impl Transport {
    /// The model's view of it.
    pub fn response(&self) -> Reply<'_> {
        transport_response(self.packed.as_deref(), self.method, self.timed_out)
    }
}

/// An `Error` to abort with (fetch rejects with the reason).
fn abort_reason(name: &str) -> JsValue {
    let e = js_sys::Error::new("The request was abandoned.");
    e.set_name(name);
    e.into()
}

/// Device list pages can be large (about 1 KB a row, up to 1000 rows a page).
#[cfg(feature = "devices")]
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Sends `request`, abandoned after `timeout_ms`, reading at most `cap` bytes of body;
/// `controller` lets the caller abandon it. `Err` (an `internalError`) when the timer
/// cannot be set.
#[cfg(feature = "devices")]
pub async fn send_capped(
    request: &Request,
    timeout_ms: u32,
    controller: &AbortController,
    cap: usize,
) -> Result<Transport, JsValue> {
    let exchange = Exchange::start(request, timeout_ms, controller)?;
    let answer =
        wasm_bindgen_futures::JsFuture::from(send_js(&request.packed(), controller, cap as u32))
            .await;
    exchange.end(&answer.unwrap_or(JsValue::UNDEFINED))
}

/// One request under way: its timeout, armed, and what the end of it means. Held until
/// `_send`'s answer arrives; dropping it cancels the timeout.
pub struct Exchange {
    timed_out: Rc<Cell<bool>>,
    broken: Rc<Cell<Option<JsValue>>>,
    method: &'static str,
    _deadline: Deadline,
}

impl Exchange {
    /// Arms the timeout, which aborts `controller` (with a `TimeoutError`) when it fires.
    /// `Err` (an `internalError`) when the timer cannot be set; then send nothing.
    pub fn start(
        request: &Request,
        timeout_ms: u32,
        controller: &AbortController,
    ) -> Result<Exchange, JsValue> {
        let timed_out = Rc::new(Cell::new(false));
        let broken: Rc<Cell<Option<JsValue>>> = Rc::new(Cell::new(None));
        let deadline = {
            let (timed_out, broken) = (timed_out.clone(), broken.clone());
            let controller = controller.clone();
            deadline(timeout_ms, move |fired| {
                match fired {
                    Ok(()) => timed_out.set(true),
                    Err(e) => broken.set(Some(e)),
                }
                controller.abort_with_reason(&abort_reason("TimeoutError"));
            })
            .map_err(internal)?
        };
        Ok(Exchange {
            timed_out,
            broken,
            method: request.method,
            _deadline: deadline,
        })
    }

    /// How the request ended, from `_send`'s answer (a string, or `undefined` for no
    /// response). `Err` (an `internalError`) when the shared timer broke meanwhile.
    pub fn end(self, answer: &JsValue) -> Result<Transport, JsValue> {
        if let Some(e) = self.broken.take() {
            return Err(internal(e));
        }
        Ok(Transport {
            packed: answer.as_string(),
            method: self.method,
            timed_out: self.timed_out.get(),
        })
    }
}
