// Node entry of autopilot-sync: loads the wasm from disk, synchronously, at import time, so
// `init()` needs no argument and resolves at once. No top-level await: scripts/build.mjs
// bundles this same file into the CommonJS entry (pkg/index.cjs) for `require`.
// The device and tenant calls are a second wasm (devices/), loaded on first use.
// The API is declared in src/lib.rs.
import { readFileSync } from "node:fs";
import { createSyncClientWith, initSync } from "./autopilot_sync.js";
import { once } from "./load.js";

const wasm = (file) => ({ module: readFileSync(new URL(file, import.meta.url)) });
initSync(wasm("./autopilot_sync_bg.wasm"));

/** The devices wasm's glue, loaded and initialised once. */
const devices = once(() =>
  import("./devices/autopilot_sync_devices.js").then((m) => {
    m.initSync(wasm("./devices/autopilot_sync_devices_bg.wasm"));
    return m;
  }),
  "devices/autopilot_sync_devices_bg.wasm",
);

/** Already loaded in Node; kept so the same code runs in browsers and Node. */
export default function init() {
  return Promise.resolve();
}

/** Creates a client bound to a token source. */
export function createSyncClient(options) {
  return createSyncClientWith(options, devices);
}

/** Where each serial number stands in Windows Autopilot. */
export function getDevices(token, serials, options) {
  return devices().then((m) => m.getDevices(token, serials, options));
}

/** Serial numbers from pasted text or a CSV (a Promise: the devices wasm reads them). */
export function readSerials(text) {
  return devices().then((m) => m.readSerials(text));
}

/** One sync per tenant, a bounded number at a time. */
export function syncTenants(tenants, options) {
  return devices().then((m) => m.syncTenants(tenants, options));
}

export {
  triggerSync,
  getSyncStatus,
  checkGraphRoot,
  isLoopbackHost,
  nextSyncAllowedAt,
  describeToken,
} from "./autopilot_sync.js";
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
