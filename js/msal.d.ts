// Types of the `autopilot-sync/msal` entry; the shapes are declared in src/lib.rs.
import type { MsalProviderOptions, MsalTokenProvider } from "./autopilot_sync.js";
export type { MsalProviderOptions, MsalTokenProvider, MsalAccount } from "./autopilot_sync.js";

/**
 * Creates an MSAL.js-backed token provider: a `PublicClientApplication`, initialised, with
 * a returning redirect handled. Plug it into `createSyncClient({ getToken: provider.getToken })`.
 */
export function createMsalTokenProvider(options: MsalProviderOptions): Promise<MsalTokenProvider>;
