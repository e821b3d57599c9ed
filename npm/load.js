// Loads a wasm-bindgen module (`--target web`) once: later calls share the first call's
// promise, and a failed load may be tried again. Used by both package entries.

/** Wraps the glue's default `init` into a load-once function taking an optional input. */
export function loadOnce(glueInit) {
  let ready;
  return (input) => {
    if (!ready) {
      ready = glueInit(input === undefined ? undefined : { module_or_path: input }).then(
        () => undefined,
        (e) => {
          ready = undefined;
          throw e;
        },
      );
    }
    return ready;
  };
}
