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

// Internal, for the wasm (not part of the API): JSON.parse and new URL that return
// undefined instead of throwing. An exception caught at the wasm boundary costs the
// module a table slot for good (a wasm-bindgen `catch` import leaks the slot of the
// value the throwing call returned), and bodies that are not JSON are routine.
export function _parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {}
}

export function _parseUrl(text) {
  try {
    return new URL(text);
  } catch {}
}
