//! One Graph request over the global `fetch`, with a timeout, and the response body read
//! up to a cap. Sends the model's [`Request`] and produces a [`Transport`] (owned bytes)
//! that the model reads as a [`Response`]; no decision is made here.
//!
//! `fetch(url, init)` is called directly: gloo-net's `send` needs a `Request` object,
//! whose construction was the largest single cost of a call (see the benchmark), and
//! gloo-net panics (`unreachable!`) when fetch rejects with something that is not an
//! `Error`, which a caller's abort reason may be.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, Response};

use super::env::deadline;
use super::error::internal;
use super::object::{get, key, set};
use crate::model::{utf8_lossy, Answer, Request, Response as Reply, ANSWER_HEADERS};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (pages, workers, Node 18+), never `window.fetch`.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;

    /// A Response's `Headers`.
    type HeaderList;

    /// `Headers.get` with the name as a JS string made once (see `object::key`).
    #[wasm_bindgen(catch, method, js_name = get)]
    fn header(this: &HeaderList, name: &JsValue) -> Result<Option<String>, JsValue>;
}

/// Error bodies are small; anything past this is not read (a hostile or broken server
/// cannot make the page hold megabytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How a request ended.
pub enum Transport {
    /// An HTTP response arrived.
    Answer {
        /// Status code.
        status: u16,
        /// `Retry-After`, if readable.
        retry_after: Option<String>,
        /// `request-id`, if readable.
        request_id: Option<String>,
        /// `Date`, if readable.
        date: Option<String>,
        /// The body (lossy UTF-8, at most [`MAX_BODY_BYTES`]).
        body: String,
    },
    /// `fetch` rejected.
    Network,
    /// The timer fired first.
    Timeout,
}

impl Transport {
    /// The model's view of it.
    pub fn response(&self) -> Reply<'_> {
        match self {
            Transport::Answer {
                status,
                retry_after,
                request_id,
                date,
                body,
            } => Reply::Answer(Answer {
                status: *status,
                retry_after: retry_after.as_deref(),
                request_id: request_id.as_deref(),
                date: date.as_deref(),
                body,
            }),
            Transport::Network => Reply::Network,
            Transport::Timeout => Reply::Timeout,
        }
    }
}

/// An `Error` to abort with (fetch rejects with the reason).
fn abort_reason(name: &str) -> JsValue {
    let e = js_sys::Error::new("The request was abandoned.");
    e.set_name(name);
    e.into()
}

/// Sends `request`, abandoned after `timeout_ms`; `controller` lets the caller abandon it
/// (when every waiter has gone). `Err` (an `internalError`) when the timer cannot be set.
pub async fn send(
    request: &Request,
    timeout_ms: u32,
    controller: &AbortController,
) -> Result<Transport, JsValue> {
    send_capped(request, timeout_ms, controller, MAX_BODY_BYTES).await
}

/// Device list pages can be large (about 1 KB a row, up to 1000 rows a page).
#[cfg(feature = "devices")]
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// [`send`] reading at most `cap` bytes of body.
pub async fn send_capped(
    request: &Request,
    timeout_ms: u32,
    controller: &AbortController,
    cap: usize,
) -> Result<Transport, JsValue> {
    let timed_out = Rc::new(Cell::new(false));
    let broken: Rc<Cell<Option<JsValue>>> = Rc::new(Cell::new(None));
    let _deadline = {
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
    let init = request_init(request, controller);
    let answer = match global_fetch(&request.url, &init) {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    if let Some(e) = broken.take() {
        return Err(internal(e));
    }
    let response: Response = match answer.map(JsCast::dyn_into) {
        Ok(Ok(r)) => r,
        _ if timed_out.get() => return Ok(Transport::Timeout),
        _ => return Ok(Transport::Network),
    };
    // A real Response (checked above): its plain properties are read through the one
    // shared property import.
    let headers: HeaderList = get(&response, "headers").unchecked_into();
    let header = |name: &'static str| {
        headers
            .header(&key(name))
            .ok()
            .flatten()
            .filter(|v| !v.trim().is_empty())
    };
    let status = get(&response, "status").as_f64().unwrap_or(0.0) as u16;
    let body = get(&response, "body");
    let body = match status {
        204 | 205 | 304 => String::new(),
        _ if body.is_null() || body.is_undefined() => String::new(),
        _ => match read_capped(body.unchecked_into(), cap).await {
            Ok(body) => body,
            // A read's 2xx whose body broke off (timeout, reset): what arrived is not the
            // document, so the read failed; an error status stays known from its headers.
            Err(_) if request.method == "GET" && (200..300).contains(&status) => {
                return Ok(if timed_out.get() {
                    Transport::Timeout
                } else {
                    Transport::Network
                });
            }
            Err(partial) => partial,
        },
    };
    let [retry_after, request_id, date] = ANSWER_HEADERS.map(header);
    Ok(Transport::Answer {
        status,
        retry_after,
        request_id,
        date,
        body,
    })
}

/// The model's method and headers, no body, and the flight's abort signal. Header values
/// are checked visible ASCII, so building cannot fail on them.
fn request_init(request: &Request, controller: &AbortController) -> JsValue {
    let init = js_sys::JSON::parse(&request.init_json()).unwrap_or_else(|_| Object::new().into());
    set(&init, "signal", &controller.signal());
    init
}

/// Reads at most `cap` bytes of a body, then cancels the rest. A body that breaks off
/// (connection reset, timeout) is `Err` with what arrived.
async fn read_capped(stream: web_sys::ReadableStream, cap: usize) -> Result<String, String> {
    let mut bytes: Vec<u8> = Vec::new();
    let reader: ReadableStreamDefaultReader = match stream.get_reader().dyn_into() {
        Ok(r) => r,
        Err(_) => return Err(String::new()),
    };
    loop {
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(c) => c,
            Err(_) => return Err(utf8_lossy(&bytes)),
        };
        if Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let value = Reflect::get(&chunk, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        let Some(array) = value.dyn_ref::<Uint8Array>() else {
            break;
        };
        let room = cap - bytes.len();
        let n = (array.length() as usize).min(room);
        let start = bytes.len();
        bytes.resize(start + n, 0);
        array.subarray(0, n as u32).copy_to(&mut bytes[start..]);
        if bytes.len() >= cap {
            let _ = reader.cancel();
            break;
        }
    }
    Ok(utf8_lossy(&bytes))
}
