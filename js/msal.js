// `autopilot-sync/msal`: sign-in with MSAL.js. The binding lives in Rust (src/js/msal.rs);
// this entry only hands it the @azure/msal-browser module, so the core entry never loads MSAL.
import * as msal from "@azure/msal-browser";
import init from "./index.js";
import { createMsalTokenProvider as create } from "./autopilot_sync.js";

/** Creates an MSAL-backed token provider (loads the wasm first if needed). */
export async function createMsalTokenProvider(options) {
  await init();
  return create(options, msal);
}
