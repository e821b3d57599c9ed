// Types of the package entry. Everything but `init` is generated from src/lib.rs.
export type {
  Cloud,
  SyncOptions,
  SyncOutcome,
  SyncResultFields,
  SyncStarted,
  SyncRetryLater,
  SyncRefused,
  SyncNoAnswer,
  SyncFailure,
  SyncResult,
  SyncStatus,
  SyncStatusResult,
  SyncErrorCode,
  SyncError,
  GetToken,
  SyncClientOptions,
  WaitForSyncOptions,
  SyncClient,
} from "./autopilot_sync.js";
export { triggerSync, getSyncStatus, createSyncClient } from "./autopilot_sync.js";

/** What `init` can load the wasm from. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module; safe to call again (returns the first promise). In Node
 * the module is loaded at import and this resolves at once; it needs no argument.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;
