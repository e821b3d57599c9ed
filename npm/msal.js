// `autopilot-sync/msal`: sign-in with MSAL.js. The binding lives in Rust (src/wasm/msal.rs)
// and is built into its own wasm (pkg/msal/), so the core download carries none of it;
// this entry only loads that wasm and hands it MSAL's PublicClientApplication (a named
// import, so bundlers can drop the parts of MSAL that are not used).
import { PublicClientApplication } from "@azure/msal-browser";
import initWasm, { createMsalTokenProvider as create } from "./msal/autopilot_sync_msal.js";
import { loadOnce } from "./load.js";

const load = loadOnce(initWasm);

/**
 * Loads this entry's wasm (`msal/autopilot_sync_msal_bg.wasm`); optional, and safe to call
 * again. `input` is where to load it from, as for the core `init`.
 */
export default function init(input) {
  return load(input);
}

/** Creates an MSAL-backed token provider (loads this entry's wasm first if needed). */
export async function createMsalTokenProvider(options) {
  await init();
  return create(options, { PublicClientApplication });
}
