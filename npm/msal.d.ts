// Types of the `autopilot-sync/msal` entry; the shapes are declared in src/lib.rs, except
// the `instance` options, which name MSAL's own types (this entry needs MSAL anyway).
import type { AccountInfo, IPublicClientApplication } from "@azure/msal-browser";
import type { Cloud, MsalProviderOptions, MsalTokenProvider, InitInput } from "./msal/autopilot_sync_msal.js";
export type { MsalProviderOptions, MsalTokenProvider, MsalAccount } from "./msal/autopilot_sync_msal.js";

/**
 * Options of `createMsalTokenProvider` for a page that already has MSAL: its own
 * `PublicClientApplication`, already `initialize()`d (else every call rejects with a
 * `SyncError` `invalidOptions`, `errorCode` `"uninitialized_public_client_application"`).
 * The provider never initializes, reconfigures or clears it, and never changes its active
 * account. Its configuration (client ID, authority, redirect URI, cache) applies, so the
 * options that would configure MSAL are refused here.
 */
export interface MsalInstanceOptions {
  /** The page's own `PublicClientApplication` (`@azure/msal-browser` 5), initialized. */
  instance: IPublicClientApplication;
  /**
   * The account to ask tokens for. Default: the instance's active account at each call,
   * else the one a sign-in through the provider returned, else the instance's only account.
   */
  account?: AccountInfo;
  /**
   * `true`: the provider calls `instance.handleRedirectPromise()` once when created (and
   * reports a failed redirect sign-in in `redirectError`). Default `false`: the page
   * handles its own redirects, as a portal with MSAL already does.
   */
  handleRedirect?: boolean;
  /**
   * How the provider prompts when MSAL needs interaction (no account, consent): popup
   * (default) or full-page redirect. Also how `signOut()` runs.
   */
  interaction?: "popup" | "redirect";
  /** Picks the Graph scope. Default `"global"`. */
  cloud?: Cloud;
  clientId?: never;
  tenantId?: never;
  redirectUri?: never;
  authority?: never;
  knownAuthorities?: never;
  protocolMode?: never;
  cacheLocation?: never;
}

/**
 * Loads this entry's wasm; optional (createMsalTokenProvider does it) and safe to call again.
 * A failure to load it rejects with a `SyncError` (`internalError`, the cause attached).
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/**
 * Creates an MSAL.js-backed token provider. Plug it into
 * `createSyncClient({ getToken: provider.getToken })`.
 *
 * - With `MsalProviderOptions`: a `PublicClientApplication` of its own, initialised, with a
 *   returning redirect handled.
 * - With `MsalInstanceOptions` (`instance`): the page's own, used as it is. `signOut()` then
 *   ends that account's session through the page's instance (popup or redirect, to the
 *   instance's `postLogoutRedirectUri`, else its `redirectUri`): the user is signed out of
 *   the page too, since it is one MSAL session. MSAL removes that account from the
 *   instance's cache; its other accounts and its settings are left alone.
 */
export function createMsalTokenProvider(options: MsalProviderOptions | MsalInstanceOptions): Promise<MsalTokenProvider>;
