// Types of `autopilot-sync/element`: the <autopilot-sync> custom element.
import type { Cloud, DevicesWaitReport, GetToken, SyncError, SyncResult, SyncStatusResult } from "./index.js";

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

/** `detail` of each event `<autopilot-sync-devices>` dispatches (all bubble and are composed). */
export interface AutopilotSyncDevicesEventMap {
  /** Every read of a watch (each `onUpdate` of `waitForDevices`): `detail` is the report. */
  "autopilot-sync-devices": CustomEvent<DevicesWaitReport>;
  /** A watch ended by itself (every device at its end, time up, or a read failed for good). */
  "autopilot-sync-devices-end": CustomEvent<DevicesWaitReport>;
  /** Nothing could be read: no serials, no token source, bad attributes, `getToken` failed. */
  "autopilot-sync-error": CustomEvent<SyncError>;
}

/**
 * `<autopilot-sync-devices>`: the opt-in devices card. Serial numbers pasted (one a line, or
 * the CSV `Get-WindowsAutopilotInfo` writes) or opened from a file, Watch / Stop, "sync if
 * missing" and a live table of each device's state and message (`waitForDevices`).
 * Attributes `cloud`, `base-url`, `timeout-ms` (as the options; a change stops a watch),
 * `interval-ms` (between reads; the package's default 30000, at least 5000),
 * `wait-timeout-ms` (the wait's `timeoutMs`, default 30 minutes), `sync-if-missing` and
 * `until="registered"` (initial choices), `theme`. Reflected: `watching`. Parts:
 * `container`, `serials`, `file`, `read`, `sync-if-missing`, `until`, `button` (Watch),
 * `stop`, `error`, `result`, `summary`, `sync-note`, `table`.
 */
export declare class AutopilotSyncDevicesElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The access token source (needs `DeviceManagementServiceConfig.Read.All`; "sync if missing" needs ReadWrite.All). A new one stops a watch. */
  getToken: GetToken | null;
  /** Used when `getToken` is not set. */
  provider: AutopilotSyncTokenProvider | null;
  /**
   * The text of the serial numbers box (lines or CSV). Setting it reads it with `readSerials`
   * (asynchronous; the `read` part shows the latest text's answer only).
   */
  serials: string;
  /** The last report shown; null before the first read. */
  readonly lastReport: DevicesWaitReport | null;
  /** Whether a watch is running. */
  readonly watching: boolean;
  /**
   * Starts watching, exactly as a click on Watch (`serials`, when given, replaces the box's
   * text). Resolves with the final report, or null when stopped; rejects with a `SyncError`
   * when nothing could be read (no serials, no token source, bad options).
   */
  watch(serials?: string | string[]): Promise<DevicesWaitReport | null>;
  /** Stops the watch in progress and shows `why` in its place. */
  stop(why?: string): void;

  addEventListener<K extends keyof AutopilotSyncDevicesEventMap>(
    type: K,
    listener: (this: AutopilotSyncDevicesElement, ev: AutopilotSyncDevicesEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AutopilotSyncDevicesEventMap>(
    type: K,
    listener: (this: AutopilotSyncDevicesElement, ev: AutopilotSyncDevicesEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "autopilot-sync": AutopilotSyncElement;
    "autopilot-sync-devices": AutopilotSyncDevicesElement;
  }
  interface HTMLElementEventMap extends AutopilotSyncEventMap, AutopilotSyncDevicesEventMap {}
}
