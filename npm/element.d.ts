// Types of `autopilot-sync/element`: the <autopilot-sync> custom element.
import type { Cloud, GetToken, SyncError, SyncResult, SyncStatusResult } from "./index.js";

/** Anything with a `getToken` method, such as the provider of `autopilot-sync/msal`. */
export interface AutopilotSyncTokenProvider {
  getToken: GetToken;
}

/** `detail` of each event the element dispatches (all bubble and are composed). */
export interface AutopilotSyncEventMap {
  /** A sync answered: `detail` is the result. */
  "autopilot-sync-result": CustomEvent<SyncResult>;
  /** A status was read (after a sync, while following it, or by `refreshStatus()`). */
  "autopilot-sync-status": CustomEvent<SyncStatusResult>;
  /**
   * A click on Sync now, before anything is sent (cancelable; `detail` is null). Cancel it
   * (`preventDefault()`) to ask the user first, for example when `describeToken` finds a
   * problem; call `sync()` to go ahead. `sync()` itself does not dispatch it.
   */
  "autopilot-sync-request": CustomEvent<null>;
  /** No request could be sent: no token source, bad attributes, `getToken` failed. */
  "autopilot-sync-error": CustomEvent<SyncError>;
}

/**
 * `<autopilot-sync>`: the sync card. Attributes `cloud`, `base-url`, `timeout-ms` (the
 * options of `triggerSync`, with the same checks), `interval-ms` (how often progress is
 * polled, default 15000), `theme` (`light` or `dark`; default: the system's). Reflected
 * while it works: `busy`, `needs-token`, `outcome` (the last result's outcome).
 * Parts: `container`, `button`, `busy`, `error`, `message`, `countdown`, `progress`,
 * `last-sync`, `details`, `copy`.
 */
export declare class AutopilotSyncElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The access token source, as for `createSyncClient`; without one the element says what is missing. */
  getToken: GetToken | null;
  /** Used when `getToken` is not set: any object with `getToken` (for example a sign-in provider). */
  provider: AutopilotSyncTokenProvider | null;
  /** The `cloud` attribute. */
  cloud: Cloud | string | null;
  /** The `base-url` attribute. */
  baseUrl: string | null;
  /** The `timeout-ms` attribute as a number (a value that is not a number is kept, and refused). */
  timeoutMs: number | string | undefined;
  /** The last sync result; null before the first. */
  readonly lastResult: SyncResult | null;
  /** The last status read; null before the first. */
  readonly status: SyncStatusResult | null;
  /** Starts a sync, exactly as a click; resolves with the result, rejects with a `SyncError` when nothing was sent. */
  sync(): Promise<SyncResult>;
  /** Reads the sync status and shows it. */
  refreshStatus(): Promise<SyncStatusResult>;

  addEventListener<K extends keyof AutopilotSyncEventMap>(
    type: K,
    listener: (this: AutopilotSyncElement, ev: AutopilotSyncEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AutopilotSyncEventMap>(
    type: K,
    listener: (this: AutopilotSyncElement, ev: AutopilotSyncEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "autopilot-sync": AutopilotSyncElement;
  }
  interface HTMLElementEventMap extends AutopilotSyncEventMap {}
}
