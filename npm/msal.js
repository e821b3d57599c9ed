// `autopilot-sync/msal`: sign-in with MSAL.js. The binding lives in Rust (src/wasm/msal.rs)
// and is built into its own wasm (pkg/msal/), so the core download carries none of it;
// this entry only loads that wasm and hands it MSAL's PublicClientApplication.
// `@azure/msal-browser` is an optional peer dependency: it is imported when a provider is
// created, and its absence rejects with a SyncError (code `msalUnavailable`) instead of
// failing the import of this entry.
import initWasm, { createMsalTokenProvider as create } from "./msal/autopilot_sync_msal.js";
import { loadOnce } from "./load.js";
import { SyncError, SyncErrorCode } from "./contract.js";

const load = loadOnce(initWasm, "msal/autopilot_sync_msal_bg.wasm");
let msal; // the import of @azure/msal-browser

/**
 * Loads this entry's wasm (`msal/autopilot_sync_msal_bg.wasm`); optional, and safe to call
 * again. `input` is where to load it from, as for the core `init`.
 */
export default function init(input) {
  return load(input);
}

function msalUnavailable(cause) {
  return new SyncError(
    SyncErrorCode.msalUnavailable,
    'Sign-in needs the package "@azure/msal-browser" (version 5), which is not installed: run `npm install @azure/msal-browser`, or pass your own getToken to createSyncClient.',
    { cause },
  );
}

/** Imports MSAL's PublicClientApplication; a failure becomes a SyncError (and may be retried). */
function importMsal() {
  return import("@azure/msal-browser").then(
    (m) => {
      if (typeof m.PublicClientApplication !== "function") throw msalUnavailable();
      return m.PublicClientApplication;
    },
    (e) => {
      msal = undefined;
      throw msalUnavailable(e);
    },
  );
}

// Started with this entry, as a static import would be (so MSAL loads alongside the wasm
// glue, not after it); a missing MSAL is reported by createMsalTokenProvider, not here.
msal = importMsal();
msal.catch(() => {});

/** Whether the options borrow the page's own PublicClientApplication (`instance`). */
function borrows(options) {
  try {
    return options?.instance != null;
  } catch {
    return false; // an unreadable option: the wasm reports it
  }
}

/**
 * Creates an MSAL-backed token provider (loads MSAL and this entry's wasm first if needed).
 * With `instance`, MSAL's constructor is not needed: the page's own instance is used.
 */
export async function createMsalTokenProvider(options) {
  msal ??= importMsal();
  const wasm = init(); // in parallel; a missing MSAL is the error to report first
  wasm.catch(() => {});
  let PublicClientApplication;
  try {
    PublicClientApplication = await msal;
  } catch (e) {
    if (!borrows(options)) throw e;
  }
  await wasm;
  return create(options, { PublicClientApplication });
}
