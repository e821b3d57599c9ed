//! Single flight: while a call for the same action, Graph root and token is under way,
//! further calls join it (one request on the wire, every caller gets the result). Each
//! caller's own `signal` rejects only that caller; the request is abandoned when the
//! last caller has gone.

use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

use super::env::drop_after_this_task;
use super::error::internal;
use super::http::send;
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
    key: String,
    action: Action,
    waiters: RefCell<Vec<Waiter>>,
    /// Abort listeners, dropped only once no callback can be running.
    listeners: RefCell<Vec<Listener>>,
    controller: AbortController,
    next_id: Cell<u32>,
    /// The model's reply, once the request has ended.
    reply: RefCell<Option<Rc<Reply>>>,
}

static FLIGHTS: Local<RefCell<Vec<Rc<Flight>>>> = Local(RefCell::new(Vec::new()));

/// One crossing: the model writes the object as JSON, JS parses it (cheaper than a
/// boundary crossing per field, and no serializer in the wasm). `Err` (an
/// `internalError`) only if a replaced `JSON.parse` throws.
fn to_js(reply: &Reply) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&reply.to_json()).map_err(internal)
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
    let existing = FLIGHTS.with(|f| f.borrow().iter().find(|x| x.key == key).cloned());
    let flight = match existing {
        Some(f) => f,
        None => {
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
            let flight = Rc::new(Flight {
                key,
                action,
                waiters: RefCell::new(Vec::new()),
                listeners: RefCell::new(Vec::new()),
                controller,
                next_id: Cell::new(0),
                reply: RefCell::new(None),
            });
            FLIGHTS.with(|f| f.borrow_mut().push(flight.clone()));
            let request = Request::new(action, root, token, &client_request_id);
            let secret = String::from(token);
            let task = flight.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = send(&request, timeout_ms, &task.controller).await;
                let outcome = outcome.map(|transport| {
                    Reply::read(
                        task.action,
                        &transport.response(),
                        &client_request_id,
                        super::env::now_ms(),
                    )
                    .sealed(&secret)
                });
                finish(&task, outcome);
            });
            flight
        }
    };
    Pending {
        promise: join(&flight, signal),
        flight: Some(flight),
        early: None,
    }
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
