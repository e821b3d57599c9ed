/* tslint:disable */
/* eslint-disable */

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



export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly checkGraphRoot: (a: any) => any;
    readonly createMsalTokenProvider: (a: any, b: any) => any;
    readonly createSyncClient: (a: any) => [number, number, number];
    readonly createSyncClientWith: (a: any, b: any) => [number, number, number];
    readonly describeToken: (a: any, b: any) => [number, number, number];
    readonly getSyncStatus: (a: any, b: any) => any;
    readonly isLoopbackHost: (a: any) => [number, number, number];
    readonly nextSyncAllowedAt: (a: any, b: any, c: any) => any;
    readonly triggerSync: (a: any, b: any) => any;
    readonly _c: (a: number, b: number, c: any, d: any) => any;
    readonly _d: (a: number, b: number, c: any, d: any) => void;
    readonly _e: (a: number, b: number, c: number, d: any) => void;
    readonly _f: (a: number, b: number, c: any) => [number, number];
    readonly _g: (a: number, b: number, c: any) => any;
    readonly _h: (a: number, b: number) => any;
    readonly _i: (a: number, b: number) => void;
    readonly _j: (a: number, b: number) => number;
    readonly _k: (a: number, b: number, c: number, d: number) => number;
    readonly _l: (a: number, b: number, c: number) => void;
    readonly _m: (a: number) => void;
    readonly _n: () => number;
    readonly _o: WebAssembly.Table;
    readonly _p: (a: number, b: number) => void;
    readonly _q: (a: number) => void;
    readonly _r: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
