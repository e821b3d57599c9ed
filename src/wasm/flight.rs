//! Single flight: while a call for the same action, Graph root and token is under way,
//! further calls join it (one request on the wire, every caller gets the result). Each
//! caller's own `signal` rejects only that caller; the request is abandoned when the
//! last caller has gone.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

use super::env::drop_after_this_task;
use super::http::{send, Call, Transport};
use crate::model::{parse_sync_state, SyncStatus};
use crate::model::{Action, Answer, Outcome, SyncResult};

/// Path of the settings object under a Graph root.
const SETTINGS_PATH: &str = "/beta/deviceManagement/windowsAutopilotSettings";

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
}

thread_local! {
    static FLIGHTS: RefCell<Vec<Rc<Flight>>> = const { RefCell::new(Vec::new()) };
}

/// A finished call, converted to a fresh JS object for each waiter.
enum Done {
    Result(SyncResult),
    Status(SyncStatus),
}

impl Done {
    /// One crossing: the core writes the object as JSON, JS parses it (cheaper than a
    /// boundary crossing per field, and no serializer in the wasm).
    fn to_js(&self) -> JsValue {
        let json = match self {
            Done::Result(r) => r.to_json(),
            Done::Status(s) => s.to_json(),
        };
        js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
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
) -> Promise {
    if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
        return Promise::reject(&s.reason());
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
                return Promise::resolve(
                    &Done::Result(SyncResult::without_answer(
                        action,
                        Outcome::NetworkError,
                        &client_request_id,
                    ))
                    .to_js(),
                );
            };
            let flight = Rc::new(Flight {
                key,
                action,
                waiters: RefCell::new(Vec::new()),
                listeners: RefCell::new(Vec::new()),
                controller,
                next_id: Cell::new(0),
            });
            FLIGHTS.with(|f| f.borrow_mut().push(flight.clone()));
            let mut url = String::from(root);
            url.push_str(SETTINGS_PATH);
            if action == Action::Trigger {
                url.push_str("/sync");
            }
            let task = flight.clone();
            let token = token.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                let call = Call {
                    post: action == Action::Trigger,
                    url: &url,
                    token: &token,
                    client_request_id: &client_request_id,
                    timeout_ms,
                };
                let transport = send(&call, &task.controller).await;
                let done = classify(task.action, transport, &client_request_id);
                finish(&task, &done);
            });
            flight
        }
    };
    join(&flight, signal)
}

fn classify(action: Action, transport: Transport, client_request_id: &str) -> Done {
    let (status, retry_after, request_id, date, body) = match transport {
        Transport::Network => {
            return Done::Result(SyncResult::without_answer(
                action,
                Outcome::NetworkError,
                client_request_id,
            ))
        }
        Transport::Timeout => {
            return Done::Result(SyncResult::without_answer(
                action,
                Outcome::Timeout,
                client_request_id,
            ))
        }
        Transport::Answer {
            status,
            retry_after,
            request_id,
            date,
            body,
        } => (status, retry_after, request_id, date, body),
    };
    let answer = Answer {
        status,
        retry_after: retry_after.as_deref(),
        request_id: request_id.as_deref(),
        date: date.as_deref(),
        body: &body,
    };
    let now = super::env::now_ms();
    if action == Action::Status && (200..300).contains(&status) {
        return match parse_sync_state(&body) {
            Some(state) => Done::Status(SyncStatus {
                ok: true,
                sync_status: state.sync_status,
                last_sync_date_time: state.last_sync,
                last_manual_sync_trigger_date_time: state.last_manual_trigger,
                next_manual_sync_at: state.next_manual_sync_at,
                request_id: request_id.filter(|r| !r.trim().is_empty()),
                client_request_id: client_request_id.into(),
            }),
            None => Done::Result(SyncResult::with_outcome(
                action,
                Outcome::UnexpectedResponse,
                &answer,
                client_request_id,
                now,
            )),
        };
    }
    Done::Result(SyncResult::from_answer(
        action,
        &answer,
        client_request_id,
        now,
    ))
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
    let listeners = std::mem::take(&mut *flight.listeners.borrow_mut());
    for (signal, l) in &listeners {
        let _ = signal.remove_event_listener_with_callback("abort", l.as_ref().unchecked_ref());
    }
    if !listeners.is_empty() {
        drop_after_this_task(listeners);
    }
}

fn finish(flight: &Rc<Flight>, done: &Done) {
    forget(flight);
    let waiters = std::mem::take(&mut *flight.waiters.borrow_mut());
    for w in waiters {
        let _ = w.resolve.call1(&JsValue::UNDEFINED, &done.to_js());
    }
}
