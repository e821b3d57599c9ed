// Internal, for the wasm (not part of the API): the few JS functions the glue in
// src/wasm/ imports from the package itself. Each does one host job and decides nothing;
// none throws. An exception caught at the wasm boundary costs the module a table slot for
// good (a wasm-bindgen `catch` import leaks the slot of the value the throwing call
// returned), and bodies that are not JSON are routine.
// src/model/contract.rs copies this file into npm/contract.js: after an edit here, run
// `UPDATE_CONTRACT=1 cargo test -p autopilot-sync --lib contract` (the test fails until then).

/** `JSON.parse(text)`, or undefined when it throws. */
export function _parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {}
}

/** `new URL(text)`, or undefined when it throws. */
export function _parseUrl(text) {
  try {
    return new URL(text);
  } catch {}
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * One request over the global `fetch` (src/wasm/http.rs), no body, `controller`'s
 * signal. `request` is the model's request as one string (one UTF-8 decode instead of
 * one a part): the method, the URL, then three header names and values, joined by line
 * breaks (none of them can hold one). Resolves with the answer as one string (one
 * crossing back): the status, the `retry-after`, `request-id` and `date` headers (""
 * when absent), "1" when the body was read to its end or to `cap` bytes and "0" when it
 * broke off, then the body (at most `cap` bytes, lossy UTF-8), joined by line breaks
 * (the body comes last). Resolves with undefined when `fetch` threw, rejected or gave
 * something that is not a Response.
 */
export async function _send(request, controller, cap) {
  const [method, url, n1, v1, n2, v2, n3, v3] = request.split("\n");
  let res;
  try {
    res = await fetch(url, { method, headers: { [n1]: v1, [n2]: v2, [n3]: v3 }, signal: controller.signal });
  } catch {
    return;
  }
  if (!(res instanceof Response)) return;
  const status = res.status;
  const h = res.headers;
  // 204, 205 and 304 carry no body by definition.
  const [body, whole] = status === 204 || status === 205 || status === 304 || !res.body ? ["", 1] : await readCapped(res.body, cap);
  return [status, h.get("retry-after") ?? "", h.get("request-id") ?? "", h.get("date") ?? "", whole, body].join("\n");
}

/** `_send`, then `done(id, answer)` (src/wasm/flight.rs: a request without a future). */
export function _sendThen(request, controller, cap, id, done) {
  _send(request, controller, cap).then((answer) => done(id, answer));
}

/** At most `cap` bytes of `stream`, then the rest cancelled; `[text, 0]` with what arrived when it broke off. */
async function readCapped(stream, cap) {
  const parts = [];
  let n = 0;
  let whole = 1;
  try {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done !== false || !(value instanceof Uint8Array)) break;
      const part = value.subarray(0, cap - n);
      parts.push(part);
      n += part.length;
      if (n >= cap) {
        reader.cancel().catch(() => {});
        break;
      }
    }
  } catch {
    whole = 0;
  }
  const bytes = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return [utf8.decode(bytes), whole];
}

// The result objects, built from what the wasm passes: the members that are strings of
// their own (an outcome's name, a message) as arguments, the others as one JSON array in
// order (`KEYS` and `values()` of each result in src/model; `cargo test` checks the order).
// An object literal of a fixed shape, instead of `JSON.parse` of the whole object: the
// keys and fixed texts no longer cross as text on every call.

/** A `SyncResult` (src/model/outcome.rs `SyncResult::KEYS`). */
export function _syncResult(outcome, message, values) {
  const [ok, httpStatus, retryable, retryAfterSeconds, nextAttemptAt, errorCode, errorMessage, requestId, clientRequestId, date, notSent] = JSON.parse(values);
  const r = { ok, outcome, httpStatus, retryable, retryAfterSeconds, nextAttemptAt, message, errorCode, errorMessage, requestId, clientRequestId, date };
  if (notSent) r.notSent = true;
  return r;
}

/** A `SyncStatus` (src/model/sync_state.rs `SyncStatus::KEYS`). */
export function _syncStatus(syncStatus, values) {
  const [ok, lastSyncDateTime, lastManualSyncTriggerDateTime, nextManualSyncAt, nextAttemptAt, requestId, clientRequestId] = JSON.parse(values);
  return { ok, syncStatus, lastSyncDateTime, lastManualSyncTriggerDateTime, nextManualSyncAt, nextAttemptAt, requestId, clientRequestId };
}
