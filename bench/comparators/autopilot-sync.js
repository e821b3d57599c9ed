// Comparator (c): a consumer of this package's triggerSync, as an app would write it.
// Bundled by bench/run.mjs with esbuild; the wasm file is served next to the bundle.
// "autopilot-sync" is aliased by bench/run.mjs to its snapshot of pkg/index.js.
import init, { triggerSync as sync } from "autopilot-sync";

/** Loads the wasm: from `input` (bytes, URL) when given, else next to this bundle. */
export function ready(input) {
  return init(input ?? new URL("./autopilot_sync_bg.wasm", import.meta.url));
}

export function triggerSync(token, options) {
  return sync(token, options);
}
