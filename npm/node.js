// Node entry of autopilot-sync: loads the wasm from disk, synchronously, at import time, so
// `init()` needs no argument and resolves at once. No top-level await: scripts/build.mjs
// bundles this same file into the CommonJS entry (pkg/index.cjs) for `require`.
// The API is declared in src/lib.rs.
import { readFileSync } from "node:fs";
import { initSync } from "./autopilot_sync.js";

initSync({ module: readFileSync(new URL("./autopilot_sync_bg.wasm", import.meta.url)) });

/** Already loaded in Node; kept so the same code runs in browsers and Node. */
export default function init() {
  return Promise.resolve();
}

export {
  triggerSync,
  getSyncStatus,
  createSyncClient,
  checkGraphRoot,
  isLoopbackHost,
  nextSyncAllowedAt,
  getDevices,
  readSerials,
  describeToken,
  syncTenants,
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
