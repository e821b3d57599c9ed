// Loaded before any comparator: wraps WebAssembly.instantiate / instantiateStreaming
// (same arguments, same result) to time them and to keep the instance, so the bench can
// read the module's linear memory (`exports.memory`) without touching the glue.
(() => {
  const wasmLog = (globalThis.__wasm = { calls: [], instance: null });
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    if (typeof original !== "function") continue;
    WebAssembly[name] = function (source, imports) {
      const t0 = performance.now();
      return original.call(WebAssembly, source, imports).then((r) => {
        const instance = r instanceof WebAssembly.Instance ? r : r.instance;
        wasmLog.calls.push({ name, ms: performance.now() - t0 });
        wasmLog.instance = instance;
        return r;
      });
    };
  }
})();
