// Fault matrix (#12 item 5): every graph-sim fault kind, through the shipped module, in
// Node and in Chromium, each ending in its documented outcome (README "Outcomes") within
// timeoutMs + 1 s. One row per fault; the same table runs in both places.
import { after, before } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { getSyncStatus, triggerSync } from "autopilot-sync";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT } from "./helpers/page.mjs";

const TIMEOUT_MS = 3_000;
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

/** One row in Node or Chromium: { result, elapsedMs }. */
async function run(where, call, baseUrl) {
  if (where === "node") {
    const t0 = performance.now();
    const fn = call === "trigger" ? triggerSync : getSyncStatus;
    const result = await fn("sim-admin-token", { baseUrl, timeoutMs: TIMEOUT_MS });
    return { result, elapsedMs: performance.now() - t0 };
  }
  return page.evaluate(async ([call, baseUrl, timeoutMs]) => {
    const m = await import(`${baseUrl}/pkg/index.js`);
    await m.default();
    const t0 = performance.now();
    const result = await (call === "trigger" ? m.triggerSync : m.getSyncStatus)("sim-admin-token", { baseUrl, timeoutMs });
    return { result, elapsedMs: performance.now() - t0 };
  }, [call, baseUrl, TIMEOUT_MS]);
}

for (const where of ["node", "chromium"]) {
  test(`fault matrix in ${where}: ${MATRIX.length} faults, each its documented outcome within timeoutMs + 1 s`, async () => {
    const failures = [];
    for (const [name, call, fault, outcome, extra] of MATRIX) {
      await sim.reset();
      await sim.config({ exposeRetryAfter: true });
      await sim.fault({ method: call === "trigger" ? "POST" : "GET", ...fault });
      const { result, elapsedMs } = await run(where, call, sim.url);
      const got = { outcome: result.outcome, ...Object.fromEntries(Object.keys(extra).map((k) => [k, result[k]])) };
      const want = { outcome, ...extra };
      try {
        assert.deepEqual(got, want);
        assert.ok(elapsedMs <= TIMEOUT_MS + 1000, `answered in ${Math.round(elapsedMs)} ms`);
        assert.equal(typeof result.message, "string");
        assert.ok(result.message.length > 0);
      } catch (e) {
        failures.push(`${name}: ${e.message.split("\n")[0]} got ${JSON.stringify(got)}`);
      }
    }
    assert.deepEqual(failures, [], "every row of the matrix");
  });
}
