// GENERATED from the Rust model (src/model/contract.rs): do not edit. Regenerate with
// `UPDATE_CONTRACT=1 cargo test -p autopilot-sync --lib contract`.
// The contract as values: every outcome, sync state, error code, cloud and device
// state, what a UI shows for each outcome, sync state and device state, and
// `SyncError`, the class of every rejection.

/** Every `outcome` of a result. */
export const Outcome = Object.freeze({
  started: "started",
  alreadyInProgress: "alreadyInProgress",
  throttled: "throttled",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  serviceUnavailable: "serviceUnavailable",
  unexpectedResponse: "unexpectedResponse",
  networkError: "networkError",
  timeout: "timeout",
});

/** Every `syncStatus` of a status read. */
export const SyncState = Object.freeze({
  unknown: "unknown",
  inProgress: "inProgress",
  completed: "completed",
  failed: "failed",
});

/** Every `code` of a `SyncError`. */
export const SyncErrorCode = Object.freeze({
  invalidToken: "invalidToken",
  invalidOptions: "invalidOptions",
  tokenUnavailable: "tokenUnavailable",
  waitTimeout: "waitTimeout",
  signInFailed: "signInFailed",
  signInCancelled: "signInCancelled",
  interactionInProgress: "interactionInProgress",
  popupBlocked: "popupBlocked",
  internalError: "internalError",
  aborted: "aborted",
  msalUnavailable: "msalUnavailable",
});

/** Every Microsoft cloud (option `cloud`). */
export const Cloud = Object.freeze({
  global: "global",
  usGov: "usGov",
  usGovDod: "usGovDod",
  china: "china",
});

/** Every `state` of a device report (`getDevices`, `waitForDevices`). */
export const DeviceState = Object.freeze({
  notFound: "notFound",
  importing: "importing",
  importFailed: "importFailed",
  registered: "registered",
  profileAssigned: "profileAssigned",
  profileFailed: "profileFailed",
});

/** Per cloud: its Graph root, its sign-in host, every sign-in host MSAL.js may contact (for a CSP) and the scope that allows the sync. */
export const CloudInfo = Object.freeze({
  global: Object.freeze({ graphRoot: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com", signInHosts: Object.freeze(["https://login.microsoftonline.com"]), syncScope: "https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All" }),
  usGov: Object.freeze({ graphRoot: "https://graph.microsoft.us", authorityHost: "https://login.microsoftonline.us", signInHosts: Object.freeze(["https://login.microsoftonline.us"]), syncScope: "https://graph.microsoft.us/DeviceManagementServiceConfig.ReadWrite.All" }),
  usGovDod: Object.freeze({ graphRoot: "https://dod-graph.microsoft.us", authorityHost: "https://login.microsoftonline.us", signInHosts: Object.freeze(["https://login.microsoftonline.us"]), syncScope: "https://dod-graph.microsoft.us/DeviceManagementServiceConfig.ReadWrite.All" }),
  china: Object.freeze({ graphRoot: "https://microsoftgraph.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn", signInHosts: Object.freeze(["https://login.chinacloudapi.cn", "https://login.partner.microsoftonline.cn"]), syncScope: "https://microsoftgraph.chinacloudapi.cn/DeviceManagementServiceConfig.ReadWrite.All" }),
});

/** Per outcome: `kind` (ok, info, warn, error), a short `title` and a `hint` on what to do next. */
export const OutcomeText = Object.freeze({
  started: Object.freeze({ kind: "ok", title: "Sync started", hint: "Intune is syncing Windows Autopilot devices; progress is shown below." }),
  alreadyInProgress: Object.freeze({ kind: "info", title: "A sync is already running", hint: "Its progress is shown below. Start another once it has finished and 10 minutes have passed." }),
  throttled: Object.freeze({ kind: "warn", title: "Too soon: one sync every 10 minutes", hint: "Sync now is available again when the countdown ends." }),
  unauthorized: Object.freeze({ kind: "error", title: "Token rejected", hint: "Sign in again, or paste a new token: tokens expire after about an hour and only work in the cloud they were issued for." }),
  forbidden: Object.freeze({ kind: "error", title: "Permission missing", hint: "Needs the DeviceManagementServiceConfig.ReadWrite.All permission (with admin consent), an account allowed to sync Autopilot devices, and an active Intune licence in the tenant." }),
  serviceUnavailable: Object.freeze({ kind: "warn", title: "Intune is temporarily unavailable", hint: "Nothing was started. Wait a few minutes, then press Sync now to try again." }),
  unexpectedResponse: Object.freeze({ kind: "error", title: "Unexpected answer from Graph", hint: "Copy the support details below and send them to Microsoft support." }),
  networkError: Object.freeze({ kind: "warn", title: "No answer: network error", hint: "Check the connection (offline, proxy, firewall or VPN), then press Sync now to try again." }),
  timeout: Object.freeze({ kind: "warn", title: "No answer in time", hint: "The sync may have started anyway: check the status below before you try again." }),
});

/** Per sync state (`syncStatus`): `kind` (ok, info, warn, error) and a short `label`. */
export const SyncStateText = Object.freeze({
  unknown: Object.freeze({ kind: "info", label: "Status unknown" }),
  inProgress: Object.freeze({ kind: "info", label: "Sync in progress" }),
  completed: Object.freeze({ kind: "ok", label: "Sync completed" }),
  failed: Object.freeze({ kind: "error", label: "Sync failed" }),
});

/** Per device state: `kind` (ok, info, warn, error) and a short `label`; the report's `message` says the rest. */
export const DeviceStateText = Object.freeze({
  notFound: Object.freeze({ kind: "warn", label: "Not found" }),
  importing: Object.freeze({ kind: "info", label: "Importing" }),
  importFailed: Object.freeze({ kind: "error", label: "Import failed" }),
  registered: Object.freeze({ kind: "info", label: "Registered, no profile yet" }),
  profileAssigned: Object.freeze({ kind: "ok", label: "Profile assigned" }),
  profileFailed: Object.freeze({ kind: "error", label: "Profile failed" }),
});

/** Whether a `syncStatus` is final: the sync has ended and waiting stops. */
export function isFinalSyncState(state) {
  return state === "completed" || state === "failed";
}

/**
 * The one error class of the package: every rejection it makes (bad token or options,
 * `tokenUnavailable`, `waitTimeout`, every sign-in code) is a `SyncError`.
 */
export class SyncError extends Error {
  constructor(code, message, options) {
    super(message, options && options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "SyncError";
    this.code = code;
    if (options && options.errorCode != null) this.errorCode = options.errorCode;
  }
}

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
