//! Start a Windows Autopilot device sync in Microsoft Intune and understand the answer.
//!
//! Compiled to WebAssembly, this crate is the `autopilot-sync` npm package. It sends
//! `POST {graph}/beta/deviceManagement/windowsAutopilotSettings/sync` with the global
//! `fetch` and resolves with a plain object a UI can `switch` on:
//!
//! ```js
//! import init, { triggerSync } from "autopilot-sync";
//! await init();
//! const r = await triggerSync(token, { cloud: "global" });
//! switch (r.outcome) {
//!   case "started": showProgress(); break;
//!   case "throttled": countDown(r.retryAfterSeconds ?? 600); break;
//!   case "forbidden": explain(r.message); break;
//!   default: showSupportDetails(r);
//! }
//! ```
//!
//! Layout: [`model`] is pure Rust (status → outcome, `Retry-After`, Graph error bodies,
//! the sync-state object, input checks) and is tested on the host. The `wasm` module is
//! the thin boundary to `fetch`, timers and JS objects. This file declares the whole JS
//! API: every `#[wasm_bindgen]` export and its TypeScript type are below.
#![deny(missing_docs)]
// On wasm32 the crate is `no_std` + `alloc`: no std panic and formatting machinery, and a
// small allocator (see `runtime`). Host builds and tests keep std.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

/// What the std prelude would bring, for `no_std` builds (unused imports are fine on the host).
#[allow(unused_imports)]
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// The wasm runtime of the two cdylib crates (`crates/core-wasm`, `crates/msal-wasm`): a
/// small single-threaded free-list allocator here, and the panic handler each of them
/// declares with [`trapping_panic_handler!`]. Tests link std instead.
#[cfg(all(target_arch = "wasm32", feature = "wasm-runtime"))]
mod runtime {
    use lol_alloc::{AssumeSingleThreaded, FreeListAllocator};

    #[global_allocator]
    // SAFETY: wasm32 without `atomics` runs on one thread.
    static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
        unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
}

/// Declares the wasm panic handler of a cdylib crate: it traps (nothing here panics on
/// purpose, and a trap cannot unwind into JS). Not in the crate's own test builds, which
/// link std and its handler.
#[macro_export]
macro_rules! trapping_panic_handler {
    () => {
        #[cfg(all(target_arch = "wasm32", not(test)))]
        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
            core::arch::wasm32::unreachable()
        }
    };
}

pub mod model;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(target_arch = "wasm32")]
pub use exports::*;

#[cfg(target_arch = "wasm32")]
mod exports {
    use js_sys::Promise;
    use wasm_bindgen::prelude::*;

    #[cfg(feature = "api")]
    use crate::model::Action;
    #[cfg(feature = "msal")]
    use crate::wasm::msal;
    use crate::wasm::options;
    #[cfg(feature = "devices")]
    use crate::wasm::{devices, tenants};
    #[cfg(feature = "api")]
    use crate::wasm::{flight, helpers, sync_client};

    #[wasm_bindgen(typescript_custom_section)]
    const TS_API: &'static str = r#"
/** A Microsoft cloud; each has its own Graph host and sign-in authority. */
export type Cloud = "global" | "usGov" | "usGovDod" | "china";

/** Options of `triggerSync` and `getSyncStatus`. All are optional. */
export interface SyncOptions {
  /** Which Microsoft cloud to call. Default `"global"`. */
  cloud?: Cloud;
  /** A Graph root such as `http://127.0.0.1:8080`; overrides `cloud`. `http:` only to loopback. */
  baseUrl?: string;
  /** Milliseconds before the request is abandoned with outcome `timeout`. Default 30000. */
  timeoutMs?: number;
  /** Aborting it rejects the call with the signal's reason, like `fetch`. */
  signal?: AbortSignal;
  /** The `client-request-id` to send. Default: a fresh random GUID per call. */
  clientRequestId?: string;
}

/** Every outcome of a call that sent a request. */
export type SyncOutcome = "started" | "alreadyInProgress" | "throttled" | "unauthorized" | "forbidden" | "serviceUnavailable" | "unexpectedResponse" | "networkError" | "timeout";

/** Fields every result carries. */
export interface SyncResultFields {
  /** Seconds from `Retry-After` (rounded up; an HTTP-date counted from now); on a client after a 409/429 without a readable one, seconds until `nextAttemptAt`; else null. */
  retryAfterSeconds: number | null;
  /**
   * When the next attempt may be sent (ISO 8601 UTC), or null: from `Retry-After` when
   * readable; on a client after a 409/429 without it, from one settings read
   * (`lastManualSyncTriggerDateTime` + 10 minutes); 10 minutes after `started` or an
   * unexplained `throttled`. The rule of `nextSyncAllowedAt`.
   */
  nextAttemptAt: string | null;
  /** One plain English sentence for an admin; never empty. */
  message: string;
  /** Graph's innermost meaningful error code (Intune's nested JSON unwrapped). */
  errorCode: string | null;
  /** Graph's error message with Intune's nested JSON unwrapped to its `Message`. */
  errorMessage: string | null;
  /** The `request-id` response header, else `error.innerError["request-id"]`. */
  requestId: string | null;
  /** The `client-request-id` that was sent. */
  clientRequestId: string;
  /** `error.innerError.date`, else the `Date` header. */
  date: string | null;
}

/** The sync started (HTTP 2xx; Graph sends 204). */
export interface SyncStarted extends SyncResultFields {
  ok: true;
  outcome: "started";
  httpStatus: number;
  retryable: false;
}

/** Graph answered with a refusal that may pass: 409, 429, 500/502/503/504. */
export interface SyncRetryLater extends SyncResultFields {
  ok: false;
  outcome: "alreadyInProgress" | "throttled" | "serviceUnavailable";
  httpStatus: number;
  retryable: true;
}

/** Graph answered with a refusal that needs a change first: 401, 403, anything else. */
export interface SyncRefused extends SyncResultFields {
  ok: false;
  outcome: "unauthorized" | "forbidden" | "unexpectedResponse";
  httpStatus: number;
  retryable: false;
}

/** No HTTP answer arrived: fetch failed (offline, DNS, CORS) or `timeoutMs` passed. */
export interface SyncNoAnswer extends SyncResultFields {
  ok: false;
  outcome: "networkError" | "timeout";
  httpStatus: null;
  retryable: true;
  retryAfterSeconds: null;
}

/** The outcomes `syncTenants` can report without sending a POST. */
export type NotSentOutcome = "throttled" | "alreadyInProgress";

/** `syncTenants` with `skipIfCoolingDown`: the settings said a POST would be refused, so none was sent. */
export interface SyncNotSent extends SyncResultFields {
  ok: false;
  outcome: NotSentOutcome;
  httpStatus: null;
  retryable: true;
  /** Only on these results. */
  notSent: true;
}

/** Any failed call. */
export type SyncFailure = SyncRetryLater | SyncRefused | SyncNoAnswer;

/** What `triggerSync` resolves with: `switch` on `outcome`. */
export type SyncResult = SyncStarted | SyncFailure;

/** The Windows Autopilot sync state, read from `windowsAutopilotSettings`. */
export interface SyncStatus {
  ok: true;
  /** An unrecognised value from Graph reads as `"unknown"`. */
  syncStatus: "unknown" | "inProgress" | "completed" | "failed";
  /** ISO 8601; null when Graph reports none. */
  lastSyncDateTime: string | null;
  /** ISO 8601; null when Graph reports none. */
  lastManualSyncTriggerDateTime: string | null;
  /** `lastManualSyncTriggerDateTime` + 10 minutes (ISO 8601 UTC); null when unknown. */
  nextManualSyncAt: string | null;
  /** `nextManualSyncAt` while it is still ahead (this machine's clock), else null. */
  nextAttemptAt: string | null;
  requestId: string | null;
  clientRequestId: string;
}

/** What `getSyncStatus` resolves with. */
export type SyncStatusResult = SyncStatus | SyncFailure;

/** `code` of a `SyncError`. */
export type SyncErrorCode = "invalidToken" | "invalidOptions" | "tokenUnavailable" | "waitTimeout" | "signInFailed" | "signInCancelled" | "interactionInProgress" | "popupBlocked" | "internalError" | "aborted" | "msalUnavailable";

/** Thrown (as a rejection) only when no request was sent. */
export interface SyncError extends Error {
  name: "SyncError";
  code: SyncErrorCode;
  /** MSAL's `errorCode`, when the error came from sign-in. */
  errorCode?: string;
  /** The original error. */
  cause?: unknown;
  /** On `waitTimeout`: the last status seen. */
  lastStatus?: SyncStatusResult;
  /** On the `internalError` of a `syncTenants` whose `onResult` threw: every tenant's row. */
  rows?: TenantRow[];
}

/** Supplies tokens to a client; `forceRefresh` is true after a 401, or before sending a JWT within 2 minutes of its `exp`. */
export type GetToken = (request: { forceRefresh: boolean }) => Promise<string> | string;

/** Options of `createSyncClient`. */
export interface SyncClientOptions extends SyncOptions {
  getToken: GetToken;
}

/** Options of `waitForSync`. */
export interface WaitForSyncOptions {
  /** Milliseconds between polls (longer when a retryable failure carried a readable `Retry-After`). Default 15000. */
  intervalMs?: number;
  /** Milliseconds before it rejects with a `SyncError` of code `waitTimeout`. Default 900000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with every status read. If it throws, the wait stops and rejects with a `SyncError` of code `internalError` (`cause`: the exception). */
  onUpdate?: (status: SyncStatusResult) => void;
}

/** A client bound to a token source; a 401 triggers one forced token refresh and one retry. */
export interface SyncClient {
  triggerSync(options?: SyncOptions): Promise<SyncResult>;
  getSyncStatus(options?: SyncOptions): Promise<SyncStatusResult>;
  /** Polls until `completed` or `failed` (or a failure that is not retryable) and resolves with it. */
  waitForSync(options?: WaitForSyncOptions): Promise<SyncStatusResult>;
  /** Polls `getDevices` until every serial reached `until` or failed for good, or time is up. */
  waitForDevices(serials: string[], options?: WaitForDevicesOptions): Promise<DevicesWaitReport>;
}

/** Where a device stands: no record; import running (or done, not yet visible); import error; an Autopilot device without, with, or with a failed deployment profile. */
export type DeviceState = "notFound" | "importing" | "importFailed" | "registered" | "profileAssigned" | "profileFailed";

/** One serial number's report. Dates are ISO 8601; Intune's unset `0001-01-01…` reads as null. */
export interface DeviceReport {
  /** The serial as asked (trimmed). */
  serialNumber: string;
  state: DeviceState;
  /** The Autopilot device's `id`; null until registered. */
  deviceId: string | null;
  groupTag: string | null;
  /** `deploymentProfileAssignmentStatus` as Graph sent it (e.g. `assignedUnkownSyncState`, sic). */
  profileStatus: string | null;
  profileAssignedAt: string | null;
  /** `enrollmentState` as Graph sent it. */
  enrollmentState: string | null;
  lastContactedAt: string | null;
  /** The import record's `deviceImportStatus` (read only while the device is not registered). */
  importStatus: string | null;
  /** `deviceErrorCode`, e.g. 806 or 808. */
  importErrorCode: number | null;
  /** `deviceErrorName`, or the documented name for the code. */
  importErrorName: string | null;
  /** One plain sentence for an admin: what it means and what to do. */
  message: string;
}

/** What `getDevices` resolves with when every read succeeded. */
export interface DevicesReport {
  ok: true;
  /** One entry per distinct serial, in input order. */
  devices: DeviceReport[];
}

/** What `getDevices` resolves with. A failure has the usual keys (`outcome`, `httpStatus`, `message`, ...). */
export type DevicesResult = DevicesReport | SyncFailure;

/** Options of `waitForDevices`. */
export interface WaitForDevicesOptions {
  /** Default `"profileAssigned"`. */
  until?: "registered" | "profileAssigned";
  /** Milliseconds between reads. Default 30000; at least 5000. */
  intervalMs?: number;
  /** Milliseconds before it resolves with `timedOut: true`. Default 1800000 (30 minutes). */
  timeoutMs?: number;
  /** Aborting it rejects the wait with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every report. */
  onUpdate?: (report: DevicesWaitReport) => void;
  /** `"ifMissing"`: while serials are `notFound` (or imported, not yet listed) and Intune allows one, start one sync (at most one per 10 minutes; never after a 409 or 429). Default `"never"`. */
  sync?: "never" | "ifMissing";
}

/** Fields every `waitForDevices` report carries. */
export interface DevicesWaitFields {
  /** Every serial reached `until` or failed for good (or the read failed for good). */
  done: boolean;
  /** Time ran out before `done`. */
  timedOut: boolean;
  /** When this wait triggered a sync (ISO 8601), else null. */
  syncTriggeredAt: string | null;
  /** That trigger's outcome (`started`, `alreadyInProgress`, `throttled`, ...), else null. */
  syncOutcome: SyncOutcome | null;
}

/** What `waitForDevices` resolves with (and passes to `onUpdate`). */
export type DevicesWaitReport = DevicesResult & DevicesWaitFields;

/**
 * Starts a Windows Autopilot sync: one POST, no automatic retries. Concurrent calls with
 * the same Graph root and token share one request. Rejects only with a `SyncError`
 * (bad token or options; nothing sent) or the `signal`'s abort reason.
 */
export function triggerSync(token: string, options?: SyncOptions): Promise<SyncResult>;

/** Reads the sync state. Same rejection rules as `triggerSync`. */
export function getSyncStatus(token: string, options?: SyncOptions): Promise<SyncStatusResult>;

/**
 * Reads where each serial number stands in Windows Autopilot (`contains(serialNumber,'…')`
 * queries, matched exactly and case-insensitively here; at most 4 requests in flight).
 * Serials are trimmed and de-duplicated. Rejects with a `SyncError` (`invalidToken`,
 * `invalidOptions` for bad serials or options) or the `signal`'s abort reason.
 */
export function getDevices(token: string, serials: string[], options?: SyncOptions): Promise<DevicesResult>;

/** What `readSerials` found: the serial numbers for `getDevices`, or what the admin should fix. */
export type SerialsRead =
  | {
      ok: true;
      /** `"csv"`: a table with a `Device Serial Number` column; `"lines"`: one serial a line. */
      format: "lines" | "csv";
      /** Distinct serials (ASCII case ignored), input order, trimmed. */
      serials: string[];
      /** Entries dropped as repeats of an earlier serial. */
      duplicates: number;
      /** CSV rows without a serial number. */
      skippedRows: number;
    }
  | { ok: false; /** One sentence for the admin (names the line when there is one). */ message: string };

/**
 * Reads serial numbers from pasted text or a CSV file's text: one serial a line, or a CSV
 * with a `Device Serial Number` column, as `Get-WindowsAutopilotInfo` writes it (other
 * columns, quotes, a byte-order mark, CRLF, any header case; `;` or tab separators too).
 * Pure (no request, no token). Loads the device calls' wasm on first use, like `getDevices`.
 * Rejects with a `SyncError` (`invalidOptions`) only when `text` is not a string; never throws.
 */
export function readSerials(text: string): Promise<SerialsRead>;

/** A client that gets its tokens from `getToken`. Throws a `SyncError` on bad options. */
export function createSyncClient(options: SyncClientOptions): SyncClient;

/** A problem `describeToken` found. */
export interface TokenProblem {
  code: "expired" | "notYetValid" | "wrongAudience" | "wrongCloud" | "missingPermission";
  /** One sentence for an admin; never contains the token. */
  message: string;
}

/** What an access token says about itself. Decoded WITHOUT checking the signature: a hint for the UI, not a security decision. */
export interface TokenDescription {
  /** `"opaque"`: not a readable JWT (every other field null, `problems` empty). */
  kind: "jwt" | "opaque";
  /** `aud`. */
  audience: string | null;
  /** The cloud whose Graph the token is for; null when it cannot tell. */
  cloud: Cloud | null;
  /** `tid`. */
  tenantId: string | null;
  /** `upn` / `preferred_username` of a delegated token; null for app-only tokens. */
  user: string | null;
  /** `appid` / `azp`. */
  appId: string | null;
  /** App-only (client credentials) token: permissions are in `roles`. */
  appOnly: boolean | null;
  /** Delegated permissions (`scp`). */
  scopes: string[] | null;
  /** Application permissions (`roles`). */
  roles: string[] | null;
  /** `iat`, ISO 8601 UTC. */
  issuedAt: string | null;
  /** `exp`, ISO 8601 UTC. */
  expiresAt: string | null;
  expired: boolean | null;
  /** Whether the permissions allow `triggerSync` (DeviceManagementServiceConfig.ReadWrite.All); null when unknown. */
  canSync: boolean | null;
  /** Whether they allow `getSyncStatus` (Read.All or ReadWrite.All); null when unknown. */
  canRead: boolean | null;
  problems: TokenProblem[];
}

/** Options of `describeToken`. */
export interface DescribeTokenOptions {
  /** The cloud the token will be sent to (enables the `wrongCloud` check). */
  cloud?: Cloud;
  /** The Graph root it will be sent to; a Microsoft cloud's Graph host enables `wrongCloud`. */
  baseUrl?: string;
  /** "Now" in ms since the epoch (default `Date.now()`). */
  now?: number;
}

/**
 * Decodes a JWT access token's payload (no request, no signature check) into what the UI
 * needs before Sync now. Never throws on the token (garbage is `kind: "opaque"`); throws a
 * `SyncError` only on bad options. Needs the wasm loaded.
 */
export function describeToken(token: unknown, options?: DescribeTokenOptions): TokenDescription;

/** One tenant of `syncTenants`. */
export interface TenantSpec {
  /** Your id for the tenant (echoed as the row's `tenant`). */
  id: string;
  label?: string;
  cloud?: Cloud;
  baseUrl?: string;
  /** Its token source (an app-only token for that tenant, usually). */
  getToken: GetToken;
}

/** Options of `syncTenants`. */
export interface SyncTenantsOptions {
  /** Tenants handled at once (each sends one request at a time). Default 4, 1–16. */
  concurrency?: number;
  /** Aborting stops starting tenants; unfinished ones end with a `SyncError` of code `aborted`. */
  signal?: AbortSignal;
  /** Called as each tenant ends, with its row and its index. If it throws, every tenant still runs, then the promise rejects with a `SyncError` of code `internalError` (`cause`: the first exception, `rows`: every row). */
  onResult?: (row: TenantRow, index: number) => void;
  /** Read the settings first; when a sync is running or the 10-minute window is closed, send no POST. Default true. */
  skipIfCoolingDown?: boolean;
  /** Per request. Default 30000. */
  timeoutMs?: number;
}

/** One row of `syncTenants`: a result, or the `SyncError` that stopped that tenant. */
export type TenantRow =
  | { tenant: string; label: string | null; result: SyncResult | SyncNotSent }
  | { tenant: string; label: string | null; error: SyncError };

/**
 * Starts a sync in each tenant, `concurrency` at a time; resolves with one row per tenant
 * in input order. One tenant's failure never stops the others. Rejects only on a bad
 * list or bad options (nothing sent). Needs the wasm loaded.
 */
export function syncTenants(tenants: TenantSpec[], options?: SyncTenantsOptions): Promise<TenantRow[]>;

/** The verdict on a would-be `baseUrl`: the library's own rule (https, or http only to loopback; no credentials, query or fragment). */
export type GraphRootCheck =
  | { ok: true; graphRoot: string }
  | { ok: false; code: "invalidOptions"; message: string };

/** Checks a custom Graph root exactly as `triggerSync` would. Needs the wasm loaded (`await init()`). */
export function checkGraphRoot(url: string): GraphRootCheck;

/** Whether a URL's `hostname` is this machine (127.0.0.0/8, `[::1]`, `localhost`), the only hosts plain http may reach. Throws a `SyncError` (`invalidOptions`) when it is not a string. Needs the wasm loaded. */
export function isLoopbackHost(hostname: string): boolean;

/**
 * When the next manual sync may start, in ms since the epoch on this machine's clock, or
 * null when nothing known stops one now. Uses `Retry-After` when the result carries it,
 * else the settings' `nextManualSyncAt` (counted from Graph's `date` when known), else
 * 10 minutes after a `throttled` or `started` result. Needs the wasm loaded.
 */
export function nextSyncAllowedAt(result?: SyncResult | SyncStatusResult | null, status?: SyncStatusResult | null, now?: number): number | null;
"#;

    #[cfg(feature = "msal")]
    #[wasm_bindgen(typescript_custom_section)]
    const TS_MSAL: &'static str = r#"
/** Options of `createMsalTokenProvider` (entry `autopilot-sync/msal`). */
export interface MsalProviderOptions {
  /** The app registration's application (client) ID. */
  clientId: string;
  /** Tenant GUID or domain. Default `"organizations"`. */
  tenantId?: string;
  /** Picks the sign-in authority and the Graph scope. Default `"global"`. */
  cloud?: Cloud;
  /** Registered redirect URI; default `redirect.html` beside the page (the MSAL redirect bridge). */
  redirectUri?: string;
  /** Popup (default) or full-page redirect. */
  interaction?: "popup" | "redirect";
  /** A full https authority URL; overrides `cloud` + `tenantId` (e.g. a local OIDC authority). */
  authority?: string;
  /**
   * Authorities MSAL may trust besides Microsoft's (needed for any other authority): each
   * `host[:port]` exactly as in `authority` — MSAL compares the port too.
   */
  knownAuthorities?: string[];
  /** MSAL `system.protocolMode`: `"AAD"` (default) or `"OIDC"` (any non-Entra authority). */
  protocolMode?: "AAD" | "OIDC";
  /**
   * Where MSAL keeps tokens and accounts: `"sessionStorage"` (default: this tab, until it
   * closes), `"localStorage"` (every tab of the origin, across restarts) or `"memory"` (this
   * page only: nothing in any storage; after a reload `getToken` signs in again).
   */
  cacheLocation?: "sessionStorage" | "localStorage" | "memory";
}

/** The signed-in account. */
export interface MsalAccount {
  username: string;
  name: string | null;
  tenantId: string;
}

/** A token source for `createSyncClient({ getToken })`, backed by MSAL.js. */
export interface MsalTokenProvider {
  /** Popup: resolves with the account. Redirect: navigates to the sign-in page. */
  signIn(): Promise<MsalAccount | null>;
  /** Signs out and forgets the account in this page. */
  signOut(): Promise<void>;
  /** Silent first; interaction only when MSAL requires it (or nobody is signed in). */
  getToken(request?: { forceRefresh?: boolean }): Promise<string>;
  /** The active account, or null. */
  readonly account: MsalAccount | null;
  /** The error a returning sign-in redirect brought back, or null. */
  readonly redirectError: SyncError | null;
}

/**
 * Creates an MSAL-backed token provider. Import it from `autopilot-sync/msal`, which
 * passes `{ PublicClientApplication }` from `@azure/msal-browser` as `msal`; the core
 * entry never loads MSAL.
 */
export function createMsalTokenProvider(options: MsalProviderOptions, msal: { PublicClientApplication: unknown }): Promise<MsalTokenProvider>;
"#;

    #[cfg(feature = "api")]
    fn call(action: Action, token: &JsValue, opts: &JsValue) -> Promise {
        let checked = options::token_arg(token)
            .and_then(|t| options::call_options(opts, None, &options::CALL_KEYS).map(|o| (t, o)));
        match checked {
            Ok((token, o)) => {
                flight::start(
                    action,
                    &token,
                    &o.root,
                    o.timeout_ms,
                    o.request_id(),
                    o.signal,
                )
                .promise
            }
            Err(e) => Promise::reject(&e.into()),
        }
    }

    /// Starts a Windows Autopilot sync (`POST .../windowsAutopilotSettings/sync`).
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = triggerSync, skip_typescript)]
    pub fn trigger_sync(token: JsValue, options: JsValue) -> Promise {
        call(Action::Trigger, &token, &options)
    }

    /// Reads the sync state (`GET .../windowsAutopilotSettings`).
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = getSyncStatus, skip_typescript)]
    pub fn get_sync_status(token: JsValue, options: JsValue) -> Promise {
        call(Action::Status, &token, &options)
    }

    /// Reads where each serial number stands in Windows Autopilot.
    #[cfg(feature = "devices")]
    #[wasm_bindgen(js_name = getDevices, skip_typescript)]
    pub fn get_devices(token: JsValue, serials: JsValue, options: JsValue) -> Promise {
        let checked = options::token_arg(&token).and_then(|t| {
            let s = devices::serials_arg(&serials)?;
            let o = options::call_options(&options, None, &devices::GET_KEYS)?;
            Ok((t, s, o))
        });
        match checked {
            Ok((t, s, o)) => wasm_bindgen_futures::future_to_promise(devices::get_devices(t, s, o)),
            Err(e) => Promise::reject(&e.into()),
        }
    }

    /// Reads serial numbers from pasted text or a CSV. In the devices wasm (its CSV reader
    /// and messages stay out of the core download); the package's `readSerials` loads it on
    /// first use and turns this throw into a rejection.
    #[cfg(feature = "devices")]
    #[wasm_bindgen(js_name = readSerials, skip_typescript)]
    pub fn read_serials(text: JsValue) -> Result<JsValue, JsValue> {
        let text = text.as_string().ok_or_else(|| {
            crate::model::UsageError::new(
                crate::model::ErrorCode::InvalidOptions,
                "readSerials needs a string: the pasted text, or the text of the CSV file.",
            )
        })?;
        let json = crate::model::read_serials_json(&text);
        Ok(js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL))
    }

    /// The library's verdict on a custom Graph root.
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = checkGraphRoot, skip_typescript)]
    pub fn check_graph_root(url: JsValue) -> JsValue {
        helpers::check_graph_root(&url)
    }

    /// What a token says about itself (no request, no signature check).
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = describeToken, skip_typescript)]
    pub fn describe_token(token: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        helpers::describe(&token, &options).map_err(Into::into)
    }

    /// One sync per tenant, a bounded number at a time.
    #[cfg(feature = "devices")]
    #[wasm_bindgen(js_name = syncTenants, skip_typescript)]
    pub fn sync_tenants(tenants: JsValue, options: JsValue) -> Promise {
        tenants::sync_tenants(&tenants, &options)
    }

    /// The device side of `client.waitForDevices`: `hooks` is what the client's own
    /// module hands over (its token source, settings read, sync and defaults; see
    /// `wasm::client`). Internal: the package entries reach it through the client.
    #[cfg(feature = "devices")]
    #[wasm_bindgen(js_name = waitForDevicesWith, skip_typescript)]
    pub fn wait_for_devices_with(hooks: JsValue, serials: JsValue, options: JsValue) -> Promise {
        wasm_bindgen_futures::future_to_promise(devices::wait_with(hooks, serials, options))
    }

    /// Whether a host name is this machine.
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = isLoopbackHost, skip_typescript)]
    pub fn is_loopback_host(hostname: JsValue) -> Result<bool, JsValue> {
        // Taken as a JsValue: a `&str` parameter would leave a non-string to the glue's
        // TextEncoder, a TypeError in Node and a silent `String(x)` in browsers.
        match hostname.as_string() {
            Some(h) => Ok(crate::model::is_loopback(&h)),
            None => Err(crate::model::UsageError::new(
                crate::model::ErrorCode::InvalidOptions,
                "isLoopbackHost needs a string: a URL's hostname, such as new URL(text).hostname.",
            )
            .into()),
        }
    }

    /// When the next manual sync may start.
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = nextSyncAllowedAt, skip_typescript)]
    pub fn next_sync_allowed_at(result: JsValue, status: JsValue, now: JsValue) -> JsValue {
        helpers::next_sync_allowed(&result, &status, &now)
    }

    /// Creates a client that fetches its own tokens.
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = createSyncClient, skip_typescript)]
    pub fn create_sync_client(options: JsValue) -> Result<JsValue, JsValue> {
        sync_client::create(&options, JsValue::UNDEFINED).map_err(Into::into)
    }

    /// `createSyncClient` as the package entries call it: `devices` is a function that
    /// resolves with the devices wasm's glue, loaded on the first `waitForDevices` (a
    /// build with `devices` ignores it). Internal.
    #[cfg(feature = "api")]
    #[wasm_bindgen(js_name = createSyncClientWith, skip_typescript)]
    pub fn create_sync_client_with(options: JsValue, devices: JsValue) -> Result<JsValue, JsValue> {
        sync_client::create(&options, devices).map_err(Into::into)
    }

    /// Creates an MSAL-backed token provider; `msal` holds `@azure/msal-browser`'s
    /// `PublicClientApplication`, passed in by the `autopilot-sync/msal` entry.
    #[cfg(feature = "msal")]
    #[wasm_bindgen(js_name = createMsalTokenProvider, skip_typescript)]
    pub async fn create_msal_token_provider(
        options: JsValue,
        msal: JsValue,
    ) -> Result<JsValue, JsValue> {
        msal::create(options, msal).await
    }
}
