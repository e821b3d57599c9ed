// Types of the package entry. Everything but `init` is generated: the functions and
// result shapes from src/lib.rs, the constants and `SyncError` from src/model/contract.rs.
export type {
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
  GetToken,
  SyncClientOptions,
  WaitForSyncOptions,
  SyncClient,
  GraphRootCheck,
  DeviceReport,
  SerialsRead,
  DevicesReport,
  DevicesResult,
  WaitForDevicesOptions,
  DevicesWaitFields,
  DevicesWaitReport,
  SyncNotSent,
  NotSentOutcome,
  TokenProblem,
  TokenDescription,
  DescribeTokenOptions,
  TenantSpec,
  SyncTenantsOptions,
  TenantRow,
} from "./autopilot_sync.js";
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
export type { CloudDetails, OutcomeDetails, StateDetails } from "./contract.js";

/** What `init` can load the wasm from. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module; safe to call again (returns the first promise). In Node
 * the module is loaded at import and this resolves at once; it needs no argument. When the
 * wasm cannot be loaded (a 404, a CSP without `'wasm-unsafe-eval'`, no network) it rejects
 * with a `SyncError` (`internalError`, the loader's error as `cause`), as does every call
 * made before it loads; the next call tries again. The device and tenant calls load their
 * own wasm on first use, and report a failure to load it the same way.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;
