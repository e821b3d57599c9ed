//! Single flight: while a call for the same action, Graph root and token is under way,
//! further calls join it (one request on the wire, every caller gets the result). Each
//! caller's own `signal` rejects only that caller; the request is abandoned when the
//! last caller has gone. A flight's request is sent with `_sendThen` (`host.js`), which
//! hands the answer to [`done`] with the flight's id: no future per request.

use alloc::rc::{Rc, Weak};
use core::cell::{Cell, OnceCell, RefCell};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

use super::env::drop_after_this_task;
use super::error::internal;
use super::http::{send_then, Exchange};
use super::object::reply_object;
use super::Local;
use crate::model::{Action, Outcome, Reply, Request, SyncResult};
#[allow(unused_imports)]
use crate::prelude::*;

struct Waiter {
    id: u32,
    resolve: Function,
    reject: Function,
    signal: Option<AbortSignal>,
}

/// An `abort` listener on a caller's signal.
type Listener = (AbortSignal, Closure<dyn FnMut()>);

struct Flight {
    /// Names the flight to `done` (the request's answer arrives by id, not by future).
    id: u32,
    key: String,
    action: Action,
    /// The token, to redact from what the answer copies into the result.
    secret: String,
    client_request_id: String,
    /// The request's timeout and meaning, from sending until its answer.
    exchange: RefCell<Option<Exchange>>,
    waiters: RefCell<Vec<Waiter>>,
    /// Abort listeners, dropped only once no callback can be running.
    listeners: RefCell<Vec<Listener>>,
    controller: AbortController,
    next_id: Cell<u32>,
    /// The model's reply, once the request has ended.
    reply: RefCell<Option<Rc<Reply>>>,
}

static FLIGHTS: Local<RefCell<Vec<Rc<Flight>>>> = Local(RefCell::new(Vec::new()));

static NEXT_FLIGHT: Local<Cell<u32>> = Local(Cell::new(0));

/// `done(id, answer)`, called by `_sendThen` when a flight's request ended; made once
/// and never freed.
static DONE: Local<OnceCell<Done>> = Local(OnceCell::new());

/// The callback `_sendThen` calls with a flight's id and its request's answer.
type Done = Closure<dyn Fn(u32, JsValue)>;

/// The reply as a fresh JS object (see [`reply_object`]). `Err` (an `internalError`) only
/// if a replaced `JSON.parse` throws.
pub fn to_js(reply: &Reply) -> Result<JsValue, JsValue> {
    reply_object(reply).map_err(internal)
}

/// A started (or joined) call: the caller's promise, and the model's reply once it settled.
pub struct Pending {
    /// Resolves with the JS object; rejects with the caller's abort reason.
    pub promise: Promise,
    flight: Option<Rc<Flight>>,
    /// A reply decided before any request (no `AbortController`).
    early: Option<Rc<Reply>>,
}

impl Pending {
    /// The model's reply (set before `promise` resolves).
    pub fn reply(&self) -> Option<Rc<Reply>> {
        match &self.flight {
            Some(f) => f.reply.borrow().clone(),
            None => self.early.clone(),
        }
    }
}

/// Starts (or joins) a call. `token` and `root` must already be checked.
pub fn start(
    action: Action,
    token: &str,
    root: &str,
    timeout_ms: u32,
    client_request_id: String,
    signal: Option<AbortSignal>,
) -> Pending {
    if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
        return Pending {
            promise: Promise::reject(&s.reason()),
            flight: None,
            early: None,
        };
    }
    let mut key = String::with_capacity(root.len() + token.len() + 2);
    key.push(if action == Action::Trigger { 'T' } else { 'S' });
    key.push_str(root);
    key.push('\n');
    key.push_str(token);
    if let Some(flight) = FLIGHTS.with(|f| f.borrow().iter().find(|x| x.key == key).cloned()) {
        return Pending {
            promise: join(&flight, signal),
            flight: Some(flight),
            early: None,
        };
    }
    let Ok(controller) = AbortController::new() else {
        let reply = Rc::new(Reply::Result(SyncResult::without_answer(
            action,
            Outcome::NetworkError,
            &client_request_id,
        )));
        return Pending {
            promise: match to_js(&reply) {
                Ok(v) => Promise::resolve(&v),
                Err(e) => Promise::reject(&e),
            },
            flight: None,
            early: Some(reply),
        };
    };
    let id = NEXT_FLIGHT.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    let flight = Rc::new(Flight {
        id,
        key,
        action,
        secret: String::from(token),
        client_request_id,
        exchange: RefCell::new(None),
        waiters: RefCell::new(Vec::new()),
        listeners: RefCell::new(Vec::new()),
        controller,
        next_id: Cell::new(0),
        reply: RefCell::new(None),
    });
    FLIGHTS.with(|f| f.borrow_mut().push(flight.clone()));
    // The caller joins first: a request that cannot start rejects that caller.
    let promise = join(&flight, signal);
    launch(&flight, action, root, token, timeout_ms);
    Pending {
        promise,
        flight: Some(flight),
        early: None,
    }
}

/// Arms the timeout and sends the flight's request; its answer comes to [`done`].
fn launch(flight: &Rc<Flight>, action: Action, root: &str, token: &str, timeout_ms: u32) {
    let request = Request::new(action, root, token, &flight.client_request_id);
    match Exchange::start(&request, timeout_ms, &flight.controller) {
        Ok(exchange) => {
            *flight.exchange.borrow_mut() = Some(exchange);
            DONE.with(|d| {
                let done = d.get_or_init(|| Done::new(done));
                send_then(
                    &request,
                    &flight.controller,
                    flight.id,
                    done.as_ref().unchecked_ref(),
                );
            });
        }
        Err(e) => finish(flight, Err(e)),
    }
}

/// A flight's request ended: the model reads the answer, every waiter gets the result.
/// A flight every caller abandoned is no longer in the table: nothing is left to do.
fn done(id: u32, answer: JsValue) {
    let Some(flight) = FLIGHTS.with(|f| f.borrow().iter().find(|x| x.id == id).cloned()) else {
        return;
    };
    let Some(exchange) = flight.exchange.borrow_mut().take() else {
        return;
    };
    let outcome = exchange.end(&answer).map(|transport| {
        Reply::read(
            flight.action,
            &transport.response(),
            &flight.client_request_id,
            super::env::now_ms(),
        )
        .sealed(&flight.secret)
    });
    finish(&flight, outcome);
}

fn join(flight: &Rc<Flight>, signal: Option<AbortSignal>) -> Promise {
    let id = flight.next_id.get();
    flight.next_id.set(id.wrapping_add(1));
    let mut waiter = None;
    let promise = Promise::new(&mut |resolve, reject| {
        waiter = Some(Waiter {
            id,
            resolve,
            reject,
            signal: signal.clone(),
        });
    });
    if let Some(w) = waiter {
        flight.waiters.borrow_mut().push(w);
    }
    if let Some(s) = signal {
        let weak: Weak<Flight> = Rc::downgrade(flight);
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = weak.upgrade() {
                leave(&f, id);
            }
        });
        let _ = s.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        flight.listeners.borrow_mut().push((s, listener));
    }
    promise
}

/// A caller's signal fired: reject that caller; abandon the request if nobody is left.
fn leave(flight: &Rc<Flight>, id: u32) {
    let waiter = {
        let mut w = flight.waiters.borrow_mut();
        w.iter().position(|x| x.id == id).map(|i| w.remove(i))
    };
    if let Some(w) = waiter {
        let reason = w.signal.as_ref().map_or(JsValue::UNDEFINED, |s| s.reason());
        let _ = w.reject.call1(&JsValue::UNDEFINED, &reason);
    }
    if flight.waiters.borrow().is_empty() {
        forget(flight);
        let e = js_sys::Error::new("Every caller abandoned the request.");
        e.set_name("AbortError");
        flight.controller.abort_with_reason(&e);
    }
}

/// Removes the flight from the table so that new calls start afresh, and releases its
/// listeners after the current JS task (one of them may be running right now).
fn forget(flight: &Rc<Flight>) {
    FLIGHTS.with(|f| f.borrow_mut().retain(|x| !Rc::ptr_eq(x, flight)));
    // An abandoned request's timeout is cancelled now (its answer will find no flight).
    drop(flight.exchange.borrow_mut().take());
    let listeners = core::mem::take(&mut *flight.listeners.borrow_mut());
    for (signal, l) in &listeners {
        let _ = signal.remove_event_listener_with_callback("abort", l.as_ref().unchecked_ref());
    }
    if !listeners.is_empty() {
        drop_after_this_task(listeners);
    }
}

/// Settles every waiter: with the reply, or (`Err`, an `internalError`) with a rejection.
fn finish(flight: &Rc<Flight>, outcome: Result<Reply, JsValue>) {
    forget(flight);
    let settled = outcome.map(|reply| {
        let reply = Rc::new(reply);
        *flight.reply.borrow_mut() = Some(reply.clone());
        reply
    });
    let waiters = core::mem::take(&mut *flight.waiters.borrow_mut());
    for w in waiters {
        // A fresh object per caller: one caller's edits are not seen by another.
        let _ = match settled.as_ref().map(|r| to_js(r)) {
            Ok(Ok(v)) => w.resolve.call1(&JsValue::UNDEFINED, &v),
            Ok(Err(e)) => w.reject.call1(&JsValue::UNDEFINED, &e),
            Err(e) => w.reject.call1(&JsValue::UNDEFINED, e),
        };
    }
}
