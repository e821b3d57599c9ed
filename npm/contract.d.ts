// GENERATED from the Rust model (src/model/contract.rs): do not edit.
import type { SyncStatusResult, TenantRow } from "./autopilot_sync.js";

/** Every `outcome` of a result. */
export declare const Outcome: Readonly<{ started: "started"; alreadyInProgress: "alreadyInProgress"; throttled: "throttled"; unauthorized: "unauthorized"; forbidden: "forbidden"; serviceUnavailable: "serviceUnavailable"; unexpectedResponse: "unexpectedResponse"; networkError: "networkError"; timeout: "timeout" }>;
export type Outcome = "started" | "alreadyInProgress" | "throttled" | "unauthorized" | "forbidden" | "serviceUnavailable" | "unexpectedResponse" | "networkError" | "timeout";

/** Every `syncStatus` of a status read. */
export declare const SyncState: Readonly<{ unknown: "unknown"; inProgress: "inProgress"; completed: "completed"; failed: "failed" }>;
export type SyncState = "unknown" | "inProgress" | "completed" | "failed";

/** Every `code` of a `SyncError`. */
export declare const SyncErrorCode: Readonly<{ invalidToken: "invalidToken"; invalidOptions: "invalidOptions"; tokenUnavailable: "tokenUnavailable"; waitTimeout: "waitTimeout"; signInFailed: "signInFailed"; signInCancelled: "signInCancelled"; interactionInProgress: "interactionInProgress"; popupBlocked: "popupBlocked"; internalError: "internalError"; aborted: "aborted"; msalUnavailable: "msalUnavailable" }>;
export type SyncErrorCode = "invalidToken" | "invalidOptions" | "tokenUnavailable" | "waitTimeout" | "signInFailed" | "signInCancelled" | "interactionInProgress" | "popupBlocked" | "internalError" | "aborted" | "msalUnavailable";

/** Every Microsoft cloud (option `cloud`). */
export declare const Cloud: Readonly<{ global: "global"; usGov: "usGov"; usGovDod: "usGovDod"; china: "china" }>;
export type Cloud = "global" | "usGov" | "usGovDod" | "china";

/** Every `state` of a device report (`getDevices`, `waitForDevices`). */
export declare const DeviceState: Readonly<{ notFound: "notFound"; importing: "importing"; importFailed: "importFailed"; registered: "registered"; profileAssigned: "profileAssigned"; profileFailed: "profileFailed" }>;
export type DeviceState = "notFound" | "importing" | "importFailed" | "registered" | "profileAssigned" | "profileFailed";

/** A cloud's Graph root, sign-in hosts and the scope that allows the sync. */
export interface CloudDetails {
  readonly graphRoot: string;
  /** The sign-in host MSAL.js is configured with (`https://host`). */
  readonly authorityHost: string;
  /** Every https origin MSAL.js may contact to sign in (authorize, token, silent iframe, logout), `authorityHost` first: what a page's CSP allows in connect-src and frame-src. */
  readonly signInHosts: readonly string[];
  readonly syncScope: string;
}
/** Per cloud: its Graph root, its sign-in hosts and the scope that allows the sync. */
export declare const CloudInfo: Readonly<Record<Cloud, CloudDetails>>;

/** What a UI shows for an outcome. */
export interface OutcomeDetails {
  readonly kind: "ok" | "info" | "warn" | "error";
  readonly title: string;
  readonly hint: string;
}
/** Per outcome: `kind`, a short `title` and a `hint` on what to do next. */
export declare const OutcomeText: Readonly<Record<Outcome, OutcomeDetails>>;

/** What a UI shows for a sync state or a device state. */
export interface StateDetails {
  readonly kind: "ok" | "info" | "warn" | "error";
  readonly label: string;
}
/** Per sync state (`syncStatus`): `kind` and a short `label`. */
export declare const SyncStateText: Readonly<Record<SyncState, StateDetails>>;
/** Per device state: `kind` and a short `label`; the report's `message` says the rest. */
export declare const DeviceStateText: Readonly<Record<DeviceState, StateDetails>>;

/** Whether a `syncStatus` is final: the sync has ended and waiting stops. */
export declare function isFinalSyncState(state: string): state is "completed" | "failed";

/**
 * The one error class of the package: every rejection it makes is a `SyncError`. A
 * caller's own abort is the caller's: it rejects with the `signal`'s reason, as `fetch` does.
 */
export declare class SyncError extends Error {
  constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown; errorCode?: string });
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
