// Loading a wasm-bindgen module (`--target web`) once: later calls share the first call's
// promise, and a failed load may be tried again. Used by the package entries.

/** `f` run once: later calls share its promise; after a rejection the next call runs it again. */
export function once(f) {
  let p;
  return (...args) =>
    (p ??= f(...args).catch((e) => {
      p = undefined;
      throw e;
    }));
}

/** Wraps the glue's default `init` into a load-once function taking an optional input. */
export function loadOnce(glueInit) {
  return once((input) => glueInit(input === undefined ? undefined : { module_or_path: input }).then(() => undefined));
}
