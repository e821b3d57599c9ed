// In-page side of bench/run.mjs: loads the comparator bundles and runs bounded loops of
// awaited calls, one at a time (autopilot-sync shares concurrent identical calls), the
// three comparators interleaved in rotating order. Returns raw per-call times in ms.
const TOKEN = "sim-admin-token";
const GRAPH = "https://graph.microsoft.com";
const realFetch = globalThis.fetch;
const mods = {};

function fnFor(name, baseUrl) {
  const m = mods[name];
  return baseUrl && name !== "b" ? () => m.triggerSync(TOKEN, { baseUrl }) : () => m.triggerSync(TOKEN);
}

async function interleaved(names, n, warm, baseUrl) {
  const fns = names.map((c) => fnFor(c, baseUrl));
  const k = fns.length;
  for (let i = 0; i < warm; i++) for (const f of fns) await f();
  const times = fns.map(() => new Float64Array(n));
  const outcomes = fns.map(() => ({}));
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const j = (i + s) % k;
      const t0 = performance.now();
      const r = await fns[j]();
      times[j][i] = performance.now() - t0;
      outcomes[j][r.outcome] = (outcomes[j][r.outcome] ?? 0) + 1;
    }
  }
  return Object.fromEntries(names.map((c, j) => [c, { times: Array.from(times[j]), outcomes: outcomes[j] }]));
}

/**
 * Like `interleaved`, but each sample is the mean of `size` consecutive awaited calls of one
 * comparator: finer than the 5 µs steps of performance.now() for calls of a few µs.
 */
async function batched(names, batches, size, baseUrl) {
  const fns = names.map((c) => fnFor(c, baseUrl));
  const k = fns.length;
  const times = fns.map(() => new Float64Array(batches));
  for (let i = 0; i < batches; i++) {
    for (let s = 0; s < k; s++) {
      const j = (i + s) % k;
      const f = fns[j];
      const t0 = performance.now();
      for (let b = 0; b < size; b++) await f();
      times[j][i] = (performance.now() - t0) / size;
    }
  }
  return Object.fromEntries(names.map((c, j) => [c, Array.from(times[j])]));
}

/** fetch answers 204 at once, without I/O. */
function stubFetch() {
  globalThis.fetch = () =>
    Promise.resolve(new Response(null, { status: 204, headers: { "request-id": "00000000-0000-4000-8000-000000000000" } }));
}

/** The real fetch, except that https://graph.microsoft.com goes to `simOrigin`: (b) only talks to https Graph hosts. */
function simFetch(simOrigin) {
  globalThis.fetch = (input, init) =>
    realFetch(typeof input === "string" && input.startsWith(GRAPH) ? simOrigin + input.slice(GRAPH.length) : input, init);
}

globalThis.bench = {
  info: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated, userAgent: navigator.userAgent }),
  async load(names) {
    for (const c of names) {
      mods[c] = await import(`./${c}.js`);
      await mods[c].ready();
    }
  },
  /** Per-call CPU: fetch stubbed, `n` interleaved calls of each after `warm` each. */
  async cpu(names, n, warm, batchSize) {
    stubFetch();
    const single = await interleaved(names, n, warm);
    const perBatch = await batched(names, Math.ceil(n / batchSize), batchSize);
    for (const c of names) single[c].batchMeans = perBatch[c];
    return single;
  },
  /** Over the wire to graph-sim (this page's origin). */
  wire(names, n, warm) {
    simFetch(location.origin);
    return interleaved(names, n, warm, location.origin);
  },
  /** One call, timed: for the 429 section. */
  async once(name) {
    simFetch(location.origin);
    const t0 = performance.now();
    const r = await fnFor(name, location.origin)();
    return { ms: performance.now() - t0, outcome: r.outcome, httpStatus: r.httpStatus, retryAfterSeconds: r.retryAfterSeconds };
  },
  /** `n` calls of one comparator against the stub (memory section). */
  async calls(name, n) {
    stubFetch();
    const f = fnFor(name);
    let started = 0;
    for (let i = 0; i < n; i++) if ((await f()).outcome === "started") started++;
    return started;
  },
  wasmPages() {
    const mem = globalThis.__wasm.instance?.exports.memory;
    return mem ? mem.buffer.byteLength / 65536 : null;
  },
};
document.title = "ready";
