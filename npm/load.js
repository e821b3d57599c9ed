// Loading a wasm-bindgen module (`--target web`) once: later calls share the first call's
// promise, and a failed load may be tried again. Used by the package entries. A load that
// fails (a 404, a CSP that refuses wasm, no network) rejects like every other failure of
// the package: a SyncError (internalError) with the loader's error as its cause.
import { SyncError, SyncErrorCode } from "./contract.js";

/**
 * `f` run once: later calls share its promise; after a rejection the next call runs it
 * again. A rejection that is not a SyncError becomes one, naming `what` did not load.
 */
export function once(f, what) {
  let p;
  return (...args) =>
    (p ??= f(...args).catch((e) => {
      p = undefined;
      throw e instanceof SyncError
        ? e
        : new SyncError(SyncErrorCode.internalError, `Could not load ${what} (see the cause); nothing was sent. The next call tries again.`, { cause: e });
    }));
}

/** Wraps the glue's default `init` into a load-once function taking an optional input. */
export function loadOnce(glueInit, what) {
  return once((input) => glueInit(input === undefined ? undefined : { module_or_path: input }).then(() => undefined), what);
}
