// Fault matrix (#12 item 5): every graph-sim fault kind, through the shipped module, in
// Node and in Chromium, each ending in its documented outcome (README "Outcomes") within
// timeoutMs + 1 s. One row per fault; the same table runs in both places.
import { after, before } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT } from "./helpers/page.mjs";
import { closedUrl } from "./helpers/ports.mjs";

const TIMEOUT_MS = 3_000;
const SETTINGS = JSON.stringify({ id: "6b2bff0c-6b55-4d42-9e3f-0e1b6f0a1d2c", syncStatus: "completed", lastSyncDateTime: "2026-01-01T00:00:00Z", lastManualSyncTriggerDateTime: "2026-01-01T00:00:00Z" });
const NESTED_403 = JSON.stringify({ error: { code: "UnknownError", message: JSON.stringify({ ErrorCode: "Forbidden", Message: "No Intune licence", RetryAfter: null }), innerError: { date: "2026-01-01T00:00:00", "request-id": "11111111-2222-4333-8444-555555555555" } } });

// [name, call, fault, outcome, extra expectations]
const MATRIX = [
  ["200", "trigger", { kind: "status", status: 200, body: "" }, "started", { httpStatus: 200 }],
  ["202", "trigger", { kind: "status", status: 202, body: "" }, "started", { httpStatus: 202 }],
  ["400", "trigger", { kind: "status", status: 400 }, "unexpectedResponse", { retryable: false }],
  ["400 invalid JSON", "trigger", { kind: "status", status: 400, body: "{not json" }, "unexpectedResponse", { errorCode: null }],
  ["401", "trigger", { kind: "status", status: 401 }, "unauthorized", { retryable: false }],
  ["403", "trigger", { kind: "status", status: 403 }, "forbidden", { retryable: false }],
  ["403 Intune nested", "trigger", { kind: "status", status: 403, body: NESTED_403 }, "forbidden", { errorCode: "Forbidden", errorMessage: "No Intune licence" }],
  ["404", "trigger", { kind: "status", status: 404 }, "unexpectedResponse", {}],
  ["405", "trigger", { kind: "status", status: 405 }, "unexpectedResponse", {}],
  ["409", "trigger", { kind: "status", status: 409 }, "alreadyInProgress", { retryable: true }],
  ["429 Retry-After 120", "trigger", { kind: "status", status: 429, headers: { "Retry-After": "120" } }, "throttled", { retryAfterSeconds: 120 }],
  ["429 no Retry-After", "trigger", { kind: "status", status: 429, headers: {} }, "throttled", { retryable: true }],
  ["500", "trigger", { kind: "status", status: 500 }, "serviceUnavailable", { retryable: true }],
  ["501", "trigger", { kind: "status", status: 501 }, "unexpectedResponse", { retryable: false }],
  ["502", "trigger", { kind: "status", status: 502 }, "serviceUnavailable", {}],
  ["503 Retry-After", "trigger", { kind: "status", status: 503, headers: { "Retry-After": "30" } }, "serviceUnavailable", { retryAfterSeconds: 30 }],
  ["504", "trigger", { kind: "status", status: 504 }, "serviceUnavailable", {}],
  ["504 Retry-After", "trigger", { kind: "status", status: 504, headers: { "Retry-After": "45" } }, "serviceUnavailable", { retryAfterSeconds: 45 }],
  ["BOM before an Intune 403", "trigger", { kind: "status", status: 403, body: `\ufeff${NESTED_403}` }, "forbidden", { errorCode: "Forbidden", errorMessage: "No Intune licence" }],
  ["status read: BOM before the settings", "status", { kind: "status", status: 200, body: `\ufeff${JSON.stringify({ syncStatus: "completed" })}` }, "ok", { syncStatus: "completed" }],
  ["connection refused", "trigger", "refused", "networkError", { httpStatus: null, retryable: true }],
  ["status read: connection refused", "status", "refused", "networkError", { httpStatus: null }],
  ["html 502", "trigger", { kind: "html", status: 502 }, "serviceUnavailable", { errorCode: null }],
  ["html 404", "trigger", { kind: "html", status: 404 }, "unexpectedResponse", {}],
  ["html 200", "trigger", { kind: "html", status: 200 }, "started", {}],
  ["delay past timeoutMs", "trigger", { kind: "delay", delayMs: 10_000 }, "timeout", { httpStatus: null, retryable: true }],
  ["delay within timeoutMs", "trigger", { kind: "delay", delayMs: 100 }, "started", { httpStatus: 204 }],
  ["delay then 503", "trigger", { kind: "delay", delayMs: 100, status: 503 }, "serviceUnavailable", {}],
  ["close", "trigger", { kind: "close", count: 10 }, "networkError", { httpStatus: null }],
  ["truncate 500", "trigger", { kind: "truncate", status: 500 }, "serviceUnavailable", {}],
  ["truncate 403", "trigger", { kind: "truncate", status: 403 }, "forbidden", {}],
  ["huge 503", "trigger", { kind: "huge", status: 503, bytes: 5_000_000 }, "serviceUnavailable", {}],
  ["huge 400", "trigger", { kind: "huge", status: 400, bytes: 5_000_000 }, "unexpectedResponse", {}],
  ["nonUtf8 500", "trigger", { kind: "nonUtf8", status: 500 }, "serviceUnavailable", {}],
  ["nonUtf8 403", "trigger", { kind: "nonUtf8", status: 403 }, "forbidden", {}],
  ["status read: 200 not settings", "status", { kind: "status", status: 200, body: "[]" }, "unexpectedResponse", { httpStatus: 200 }],
  ["status read: html 200", "status", { kind: "html", status: 200 }, "unexpectedResponse", { httpStatus: 200 }],
  ["status read: close", "status", { kind: "close", count: 10 }, "networkError", {}],
  ["status read: delay past timeoutMs", "status", { kind: "delay", delayMs: 10_000 }, "timeout", {}],
  ["status read: 503", "status", { kind: "status", status: 503 }, "serviceUnavailable", {}],
];

// Rows the tuple form cannot say: other calls (a client, waitForSync, several calls), the
// caller's abort at each stage, CORS that hides Retry-After and Date (graph-sim's default,
// as Graph does), and expectations that differ between Node (no CORS) and Chromium.
// `call`: trigger | status | client (createSyncClient().triggerSync) | wait (waitForSync,
// intervalMs 50) | triggerTimes (triggerSync `times` times, outcomes listed) | realThrottle
// (a first triggerSync starts a sync in graph-sim's own state machine, its frozen clock moves
// a minute, and a second call is the row: a real 429).
// `abort`: "before" (an aborted signal), a number (abort after that many ms) or "after"
// (abort once the call has settled). `want.rejected`: the rejection's name.
// `expose`: graph-sim's --expose-retry-after for the row (default true for the tuple rows,
// false — Graph's CORS — where a row says so).
const ROWS = [
  ...MATRIX.map(([name, call, fault, outcome, extra]) => ({ name, call, fault, want: { outcome, ...extra }, expose: true })),
  // Connection faults graph-sim gained for #12: a TCP reset before any byte, a reset after
  // the headers and part of the body, a body that stalls past timeoutMs. count 10: Chromium
  // resends a request once when a reused connection is reset before an answer.
  { name: "reset before headers", call: "trigger", fault: { kind: "reset", count: 10 }, want: { outcome: "networkError", httpStatus: null, retryable: true } },
  { name: "status read: reset before headers", call: "status", fault: { kind: "reset", count: 10 }, want: { outcome: "networkError", httpStatus: null } },
  { name: "reset mid-body 503", call: "trigger", fault: { kind: "resetMidBody", status: 503 }, want: { outcome: "serviceUnavailable", httpStatus: 503 } },
  { name: "reset mid-body 403", call: "trigger", fault: { kind: "resetMidBody", status: 403 }, want: { outcome: "forbidden", httpStatus: 403 } },
  { name: "reset mid-body 200 (the sync started)", call: "trigger", fault: { kind: "resetMidBody", status: 200 }, want: { outcome: "started", httpStatus: 200 } },
  { name: "status read: reset mid-body 200", call: "status", fault: { kind: "resetMidBody", status: 200, body: SETTINGS }, want: { outcome: "networkError", httpStatus: null, retryable: true } },
  { name: "headers, then the body stalls past timeoutMs (503)", call: "trigger", fault: { kind: "stall", status: 503, stallMs: 10_000 }, want: { outcome: "serviceUnavailable", httpStatus: 503 } },
  { name: "headers only, the body stalls past timeoutMs (403)", call: "trigger", fault: { kind: "stall", status: 403, bytes: 0, stallMs: 10_000 }, want: { outcome: "forbidden", httpStatus: 403 } },
  { name: "status read: 200, the settings stall past timeoutMs", call: "status", fault: { kind: "stall", status: 200, body: SETTINGS, stallMs: 10_000 }, want: { outcome: "timeout", httpStatus: null, retryable: true } },
  { name: "status read: 200, headers only, stall past timeoutMs", call: "status", fault: { kind: "stall", status: 200, body: SETTINGS, bytes: 0, stallMs: 10_000 }, want: { outcome: "timeout", httpStatus: null } },
  { name: "status read: the settings stall 300 ms (within timeoutMs)", call: "status", fault: { kind: "stall", status: 200, body: SETTINGS, stallMs: 300 }, want: { outcome: "ok", syncStatus: "completed" } },
  // 503 storms.
  { name: "503 storm ×3 (no Retry-After): three serviceUnavailable, then started", call: "triggerTimes", times: 4, fault: { kind: "storm", count: 3, method: "POST" }, want: { outcomes: ["serviceUnavailable", "serviceUnavailable", "serviceUnavailable", "started"], retryAfters: [null, null, null, null] } },
  { name: "503 storm ×3 with Retry-After 5", call: "triggerTimes", times: 4, fault: { kind: "storm", count: 3, method: "POST", headers: { "Retry-After": "5" } }, expose: true, want: { outcomes: ["serviceUnavailable", "serviceUnavailable", "serviceUnavailable", "started"], retryAfters: [5, 5, 5, null] } },
  { name: "waitForSync through a 503 storm ×5 (no Retry-After): keeps polling, ends completed", call: "wait", fault: [{ kind: "storm", count: 5, method: "GET" }, { kind: "status", status: 200, body: SETTINGS, method: "GET" }], want: { outcome: "ok", syncStatus: "completed", polls: 6 } },
  // Retry-After is honoured between polls (1 s instead of intervalMs 50): at least 2 s.
  { name: "waitForSync through a 503 storm ×2 with Retry-After 1: waits 1 s between polls", call: "wait", fault: [{ kind: "storm", count: 2, method: "GET", headers: { "Retry-After": "1" } }, { kind: "status", status: 200, body: SETTINGS, method: "GET" }], expose: true, minMs: 2_000, limitMs: 2_000 + TIMEOUT_MS + 1_000, want: { outcome: "ok", syncStatus: "completed", polls: 3 } },
  // The caller's abort: before, during (before the headers, after the headers, mid-body), after.
  { name: "abort before the request", call: "trigger", abort: "before", fault: null, want: { rejected: "AbortError", requests: 0 } },
  { name: "abort while waiting for the headers", call: "trigger", abort: 300, fault: { kind: "delay", delayMs: 10_000 }, want: { rejected: "AbortError", requests: 1 } },
  { name: "abort after the headers (body not started)", call: "trigger", abort: 300, fault: { kind: "stall", status: 503, bytes: 0, stallMs: 10_000 }, want: { rejected: "AbortError", requests: 1 } },
  { name: "abort mid-body", call: "status", abort: 300, fault: { kind: "stall", status: 200, body: SETTINGS, stallMs: 10_000 }, want: { rejected: "AbortError", requests: 1 } },
  { name: "abort after the request settled: the result stands", call: "trigger", abort: "after", fault: null, want: { outcome: "started", requests: 1 } },
  // CORS without exposed headers (graph-sim's default, as Graph): Chromium cannot read
  // Retry-After or Date; Node (no CORS) can. A client recovers the wait from the settings.
  { name: "CORS hides Retry-After on a 429", call: "trigger", expose: false, fault: { kind: "status", status: 429, headers: { "Retry-After": "120" } }, want: { outcome: "throttled", retryable: true }, node: { retryAfterSeconds: 120 }, chromium: { retryAfterSeconds: null } },
  { name: "CORS hides Retry-After on a 503", call: "trigger", expose: false, fault: { kind: "status", status: 503, headers: { "Retry-After": "30" } }, want: { outcome: "serviceUnavailable" }, node: { retryAfterSeconds: 30 }, chromium: { retryAfterSeconds: null } },
  { name: "CORS hides Retry-After and Date on graph-sim's own 429 (frozen clock)", call: "realThrottle", expose: false, fault: null, want: { outcome: "throttled", httpStatus: 429 }, node: { retryAfterSeconds: 540 }, chromium: { retryAfterSeconds: null } },
  { name: "CORS hides them, a client reads the wait from the settings (frozen clock)", call: "realThrottleClient", expose: false, fault: null, want: { outcome: "throttled", httpStatus: 429, retryAfterSeconds: 540 } },
];

/** The same server under the other loopback name (127.0.0.1 ↔ localhost). */
function crossOrigin(url) {
  const u = new URL(url);
  u.hostname = u.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return u.origin;
}

let sim, browser, page;
before(async () => {
  [sim, browser] = await Promise.all([startGraphSim({ args: ["--mount", `/pkg=${ROOT}/pkg`] }), launchBrowser()]);
  page = await browser.newPage();
  await page.goto(`${sim.url}/_sim/state`); // a document on the simulator's origin
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

/**
 * One row, in Node or (the same source, serialised by playwright) in Chromium: what the
 * call settled with, normalised, and how long it took.
 */
async function runRow({ moduleUrl, row, baseUrl, timeoutMs }) {
  const m = await import(moduleUrl);
  await m.default();
  const ac = new AbortController();
  if (row.abort === "before") ac.abort();
  const options = { baseUrl, timeoutMs, signal: ac.signal };
  const token = "sim-admin-token";
  const client = () => m.createSyncClient({ getToken: () => token, ...options });
  if (row.call.startsWith("realThrottle")) {
    // A sync started by graph-sim's own state machine, then a minute on its frozen clock.
    await m.triggerSync(token, options);
    const clock = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advanceMs: 60_000 }) };
    await fetch(`${baseUrl}/_sim/clock`, clock);
  }
  const t0 = performance.now();
  let timer;
  if (typeof row.abort === "number") timer = setTimeout(() => ac.abort(), row.abort);
  const calls = {
    trigger: () => m.triggerSync(token, options),
    status: () => m.getSyncStatus(token, options),
    client: () => client().triggerSync(),
    realThrottle: () => m.triggerSync(token, options),
    realThrottleClient: () => client().triggerSync(),
    wait: async () => {
      let polls = 0;
      const r = await client().waitForSync({ intervalMs: 50, timeoutMs: 60_000, onUpdate: () => polls++ });
      return { ...r, polls };
    },
    triggerTimes: async () => {
      const rs = [];
      for (let i = 0; i < row.times; i++) rs.push(await m.triggerSync(token, options));
      return { outcome: rs.at(-1).outcome, outcomes: rs.map((r) => r.outcome), retryAfters: rs.map((r) => r.retryAfterSeconds), message: "x" };
    },
  };
  let result, rejected;
  try {
    result = await calls[row.call]();
  } catch (e) {
    rejected = e?.name ?? String(e);
  }
  const elapsedMs = performance.now() - t0;
  clearTimeout(timer);
  if (row.abort === "after") {
    ac.abort();
    await new Promise((r) => setTimeout(r, 100)); // anything the abort would still do
  }
  return { result: result ? JSON.parse(JSON.stringify(result)) : undefined, rejected, elapsedMs };
}

for (const where of (process.env.MATRIX_WHERE ?? "node,chromium").split(",")) {
  test(`fault matrix in ${where}: ${ROWS.length} faults, each its documented outcome within timeoutMs + 1 s`, async () => {
    const failures = [];
    for (const row of ROWS.filter((r) => !process.env.MATRIX_ONLY || r.name.includes(process.env.MATRIX_ONLY))) {
      if (process.env.MATRIX_DEBUG) console.error(`[${where}] ${row.name}`);
      await sim.reset();
      await sim.config({ exposeRetryAfter: row.expose ?? false });
      // A whole second: Graph's dates in error bodies have no fraction.
      if (row.call.startsWith("realThrottle")) await sim.clock({ freeze: true, at: new Date("2026-06-01T12:00:00Z") });
      // "refused": nothing listens on the port (connection refused before any answer).
      const method = row.call === "status" ? "GET" : "POST";
      if (row.fault && row.fault !== "refused") await sim.fault([row.fault].flat().map((f) => ({ method, ...f })));
      // Chromium's page is on the simulator's origin; the module calls it under the other
      // loopback name, so every request is cross-origin as real Graph is (preflight, and only
      // the exposed headers readable).
      const simRoot = where === "chromium" ? crossOrigin(sim.url) : sim.url;
      const baseUrl = row.fault === "refused" ? await closedUrl() : simRoot;
      const arg = { row, baseUrl, timeoutMs: TIMEOUT_MS };
      const { result, rejected, elapsedMs } =
        where === "node" ? await runRow({ ...arg, moduleUrl: "autopilot-sync" }) : await page.evaluate(runRow, { ...arg, moduleUrl: `${sim.url}/pkg/index.js` });
      const want = { ...row.want, ...row[where] };
      const requests = (await sim.requests()).filter((r) => r.path.startsWith("/beta/") && r.method !== "OPTIONS").length - (row.call.startsWith("realThrottle") ? 1 : 0);
      const got = Object.fromEntries(
        Object.keys(want).map((k) => [
          k,
          k === "rejected" ? rejected : k === "requests" ? requests : k === "outcome" ? (result?.outcome ?? (result?.ok ? "ok" : undefined)) : result?.[k],
        ]),
      );
      try {
        assert.deepEqual(got, want);
        const limit = row.limitMs ?? TIMEOUT_MS * (row.call === "triggerTimes" ? row.times : 1) + 1000;
        assert.ok(elapsedMs <= limit, `settled in ${Math.round(elapsedMs)} ms (limit ${limit})`);
        assert.ok(elapsedMs >= (row.minMs ?? 0), `settled in ${Math.round(elapsedMs)} ms, before ${row.minMs} ms`);
        if (result?.outcome) {
          // Every result (a successful status read is a settings object, no message).
          assert.equal(typeof result.message, "string");
          assert.ok(result.message.length > 0);
        }
      } catch (e) {
        failures.push(`${row.name}: ${e.message.split("\n")[0]} got ${JSON.stringify(got)}${rejected ? ` rejected ${rejected}` : ""}`);
      }
    }
    assert.deepEqual(failures, [], "every row of the matrix");
  });
}
