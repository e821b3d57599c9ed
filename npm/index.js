// Browser / bundler entry of autopilot-sync. The API itself is declared in src/lib.rs;
// this file only loads the wasm (once) and re-exports it. The device and tenant calls are
// a second wasm (devices/), loaded on the first getDevices, readSerials, syncTenants or
// client.waitForDevices, so pages that only sync do not download it.
import glueInit, {
  triggerSync as rawTriggerSync,
  getSyncStatus as rawGetSyncStatus,
  createSyncClientWith as rawCreateSyncClient,
  checkGraphRoot as rawCheckGraphRoot,
  isLoopbackHost as rawIsLoopbackHost,
  nextSyncAllowedAt as rawNextSyncAllowedAt,
  describeToken as rawDescribeToken,
} from "./autopilot_sync.js";
import { loadOnce, once } from "./load.js";

const load = loadOnce(glueInit, "autopilot_sync_bg.wasm");
/** The devices wasm's glue, loaded and initialised once (from next to its glue file). */
const devices = once(
  () => import("./devices/autopilot_sync_devices.js").then((m) => m.default().then(() => m)),
  "devices/autopilot_sync_devices_bg.wasm",
);

/**
 * Loads the WebAssembly module. Safe to call more than once: later calls return the
 * first call's promise. `input` (optional) is where to load `autopilot_sync_bg.wasm`
 * from: a URL, a Response, bytes or a WebAssembly.Module.
 */
export default function init(input) {
  return load(input).then(() => {
    loaded = true;
  });
}
let loaded = false;

/** `f(a, b)` once the wasm is loaded: at once when it is (no extra promise turn per call). */
function whenLoaded(f, a, b) {
  if (!loaded) return init().then(() => f(a, b));
  try {
    return f(a, b);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Starts a Windows Autopilot sync. Loads the wasm first if `init()` was not awaited. */
export function triggerSync(token, options) {
  return whenLoaded(rawTriggerSync, token, options);
}

/** Reads the Windows Autopilot sync state. Loads the wasm first if needed. */
export function getSyncStatus(token, options) {
  return whenLoaded(rawGetSyncStatus, token, options);
}

/** Where each serial number stands in Windows Autopilot. Loads the devices wasm first if needed. */
export function getDevices(token, serials, options) {
  return devices().then((m) => m.getDevices(token, serials, options));
}

/** Reads serial numbers from pasted text or a CSV (one a line, or a Device Serial Number column). Loads the devices wasm first if needed. */
export function readSerials(text) {
  return devices().then((m) => m.readSerials(text));
}

/** Creates a client bound to a token source. Needs `await init()` first. */
export function createSyncClient(options) {
  return rawCreateSyncClient(options, devices);
}

/** The library's verdict on a custom Graph root (`baseUrl`). Needs `await init()` first. */
export function checkGraphRoot(url) {
  return rawCheckGraphRoot(url);
}

/** Whether a URL's hostname is this machine (where plain http may go). Needs `await init()` first. */
export function isLoopbackHost(hostname) {
  return rawIsLoopbackHost(hostname);
}

/** When the next manual sync may start (ms since the epoch), or null. Needs `await init()` first. */
export function nextSyncAllowedAt(result, status, now) {
  return rawNextSyncAllowedAt(result, status, now);
}

/** What an access token says about itself (no request, no signature check). Needs `await init()` first. */
export function describeToken(token, options) {
  return rawDescribeToken(token, options);
}

/** One sync per tenant, a bounded number at a time. Loads the wasm first if needed. */
export function syncTenants(tenants, options) {
  return devices().then((m) => m.syncTenants(tenants, options));
}

export {
  Outcome,
  SyncState,
  SyncErrorCode,
  Cloud,
  CloudInfo,
  OutcomeText,
  DeviceState,
  SyncStateText,
  DeviceStateText,
  isFinalSyncState,
  SyncError,
} from "./contract.js";
