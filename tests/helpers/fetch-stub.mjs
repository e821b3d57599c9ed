// Intercepts the global fetch in Node, so the package's requests can be observed and
// answered without any network (the package calls the global `fetch` at call time).
// Never the internet: an unexpected call fails the test instead of going out.

/**
 * Replaces `globalThis.fetch` until `restore()`. `respond(call)` returns (a promise of)
 * a Response; `call` is `{ url, method, headers, signal }` (headers lower-cased, plain
 * object). Every call is kept in `calls`.
 */
export function stubFetch(respond) {
  const real = globalThis.fetch;
  const calls = [];
  globalThis.fetch = async (input, init = {}) => {
    const url = typeof input === "string" ? input : input.url;
    const call = {
      url,
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers ?? {})),
      signal: init.signal ?? null,
    };
    calls.push(call);
    return respond(call);
  };
  return {
    calls,
    restore() {
      globalThis.fetch = real;
    },
  };
}

/** A 204 with the CORS-free headers Graph sends for a started sync. */
export const noContent = () => new Response(null, { status: 204, headers: { "request-id": "00000000-0000-4000-8000-000000000001" } });

/** A settings object as Graph returns it. */
export const settings = (syncStatus = "completed") =>
  Response.json({
    id: "6b2bff0c-6b55-4d42-9e3f-0e1b6f0a1d2c",
    syncStatus,
    lastSyncDateTime: "2026-01-01T00:00:00Z",
    lastManualSyncTriggerDateTime: "2026-01-01T00:00:00Z",
  });

/**
 * A response held until `release(response)`; if the request's signal aborts first, the
 * fetch rejects with the signal's reason, as a real fetch does. `settled` says which.
 */
export function held(call) {
  let release;
  // A real fetch in flight holds a socket, which keeps Node's event loop alive; a bare
  // promise does not, and the package's own timers are `unref`ed (they never keep a
  // process alive), so a held request keeps a ref'd handle of its own until it settles.
  // Without it, node:test may find the loop empty while the call waits for its timeout.
  const keepAlive = setInterval(() => {}, 60_000);
  const promise = new Promise((resolve, reject) => {
    release = resolve;
    const s = call.signal;
    if (s?.aborted) reject(s.reason);
    s?.addEventListener("abort", () => reject(s.reason), { once: true });
  });
  const done = () => clearInterval(keepAlive);
  promise.then(done, done);
  return { promise, release: (r) => release(r) };
}
