// Types of the `autopilot-sync/msal` entry; the shapes are declared in src/lib.rs.
import type { MsalProviderOptions, MsalTokenProvider, InitInput } from "./msal/autopilot_sync_msal.js";
export type { MsalProviderOptions, MsalTokenProvider, MsalAccount } from "./msal/autopilot_sync_msal.js";

/** Loads this entry's wasm; optional (createMsalTokenProvider does it) and safe to call again. */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/**
 * Creates an MSAL.js-backed token provider: a `PublicClientApplication`, initialised, with
 * a returning redirect handled. Plug it into `createSyncClient({ getToken: provider.getToken })`.
 */
export function createMsalTokenProvider(options: MsalProviderOptions): Promise<MsalTokenProvider>;
