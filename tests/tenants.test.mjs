// #14 items 3 and 4: `nextAttemptAt` when Retry-After is hidden (Chromium, graph-sim's
// default CORS: the page is cross-origin to the simulated Graph), and `syncTenants`
// (20 tenants with the global fetch intercepted in Node, so the requests in flight can
// be counted exactly).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { syncTenants } from "autopilot-sync";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { held, noContent, stubFetch } from "./helpers/fetch-stub.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SETTINGS = "/beta/deviceManagement/windowsAutopilotSettings";
const MIN = 60_000;

describe("nextAttemptAt under a hidden Retry-After (Chromium, cross-origin)", () => {
  let sim;
  let browser;
  let page;
  before(async () => {
    sim = await startGraphSim({ args: ["--mount", `/pkg=${ROOT}/pkg`, "--freeze-clock"] });
    browser = await launchBrowser();
    page = await browser.newPage();
    // The page's origin is the simulator under its other loopback name: Graph calls to
    // sim.url are cross-origin, so Retry-After and Date are unreadable, as with real Graph.
    const other = sim.url.replace("127.0.0.1", "localhost");
    assert.notEqual(other, sim.url);
    await page.goto(`${other}/_sim/state`);
  });
  after(async () => {
    await browser?.close();
    await sim?.stop();
  });

  /** Runs `what` ("client" or "plain") triggerSync in the page. */
  const sync = (what) =>
    page.evaluate(
      async ([what, baseUrl]) => {
        const m = await import("/pkg/index.js");
        await m.default();
        if (what === "plain") return m.triggerSync("sim-admin-token", { baseUrl });
        const c = m.createSyncClient({ getToken: () => "sim-admin-token", baseUrl });
        return { r: await c.triggerSync(), now: Date.now() };
      },
      [what, sim.url],
    );
  const graphCalls = async () =>
    (await sim.requests()).filter((r) => r.path.startsWith(SETTINGS) && r.method !== "OPTIONS").map((r) => `${r.method} ${r.status}`);

  test("a client's 429: one settings read, the wait from lastManualSyncTriggerDateTime + 10 minutes, no second POST", async () => {
    await sim.reset();
    await sim.clock({ freeze: true });
    const first = await sync("client");
    assert.equal(first.r.outcome, "started");
    await sim.clock({ advanceMs: 2 * MIN }); // the sync has finished; the window is still closed
    await sim.clearRequests();
    const { r, now } = await sync("client");
    assert.equal(r.outcome, "throttled");
    assert.deepEqual(await graphCalls(), ["POST 429", "GET 200"], "one POST, then one read");
    // Graph's innerError.date is whole seconds: 480 s, or 481 when the trigger fell mid-second.
    assert.ok([480, 481].includes(r.retryAfterSeconds), `10 minutes after the trigger 2 minutes ago: ${r.retryAfterSeconds}`);
    const at = Date.parse(r.nextAttemptAt);
    assert.ok(Math.abs(at - (now + 8 * MIN)) < 5_000, `${r.nextAttemptAt} is 8 minutes after ${new Date(now).toISOString()}`);
  });

  test("a client's 409 (sync running): the wait from the same read", async () => {
    await sim.reset();
    await sim.clock({ freeze: true });
    assert.equal((await sync("client")).r.outcome, "started");
    await sim.clearRequests();
    const { r } = await sync("client");
    assert.equal(r.outcome, "alreadyInProgress");
    assert.deepEqual(await graphCalls(), ["POST 409", "GET 200"]);
    // Counted from this machine's clock (Graph's date is hidden too): 10 minutes, to the second.
    assert.ok(Math.abs(r.retryAfterSeconds - 600) <= 1, String(r.retryAfterSeconds));
    assert.ok(Math.abs(Date.parse(r.nextAttemptAt) - (Date.now() + 10 * MIN)) < 5_000, r.nextAttemptAt);
  });

  test("plain triggerSync (no client) reads nothing more: nextAttemptAt is 10 minutes from now, retryAfterSeconds null", async () => {
    await sim.reset();
    await sim.clock({ freeze: true });
    assert.equal((await sync("plain")).outcome, "started");
    await sim.clock({ advanceMs: 2 * MIN });
    await sim.clearRequests();
    const before = Date.now();
    const r = await sync("plain");
    assert.equal(r.outcome, "throttled");
    assert.equal(r.retryAfterSeconds, null);
    assert.deepEqual(await graphCalls(), ["POST 429"]);
    const at = Date.parse(r.nextAttemptAt);
    assert.ok(at >= before + 10 * MIN && at <= Date.now() + 10 * MIN, r.nextAttemptAt);
  });

  test("a readable Retry-After is used as is, without a read", async () => {
    await sim.reset();
    await sim.config({ exposeRetryAfter: true });
    await sim.clock({ freeze: true });
    assert.equal((await sync("client")).r.outcome, "started");
    await sim.clock({ advanceMs: 2 * MIN });
    await sim.clearRequests();
    const { r } = await sync("client");
    assert.equal(r.outcome, "throttled");
    assert.equal(r.retryAfterSeconds, 480);
    assert.deepEqual(await graphCalls(), ["POST 429"]);
  });
});

// ---- syncTenants with an instrumented fetch -------------------------------------------

const NOW = Date.now();
const iso = (ms) => new Date(ms).toISOString();
const settingsBody = (syncStatus, lastManual) =>
  Response.json({ id: "s", syncStatus, lastSyncDateTime: iso(NOW - 60 * MIN), lastManualSyncTriggerDateTime: iso(lastManual) });

/**
 * What tenant i is: every 5th cooling down (triggered 3 minutes ago), every 7th with a
 * sync running, tenant 4 refused (403), tenant 11's getToken fails; the rest start.
 */
function kind(i) {
  if (i === 11) return "noToken";
  if (i === 4) return "forbidden";
  if (i % 7 === 6) return "running";
  if (i % 5 === 0) return "cooling";
  return "starts";
}

function instrumentedFetch() {
  let inFlight = 0;
  let maxInFlight = 0;
  const perTenant = new Map();
  const stub = stubFetch(async (call) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const i = Number(call.headers.authorization.replace("Bearer tok-", ""));
    (perTenant.get(i) ?? perTenant.set(i, []).get(i)).push(call.method);
    // Answers arrive out of order, so tenants overlap.
    await new Promise((r) => setTimeout(r, 2 + ((i * 7) % 11)));
    inFlight -= 1;
    const k = kind(i);
    if (call.method === "GET") {
      if (k === "cooling") return settingsBody("completed", NOW - 3 * MIN);
      if (k === "running") return settingsBody("inProgress", NOW - 1 * MIN);
      return settingsBody("completed", NOW - 60 * MIN);
    }
    if (k === "forbidden") return Response.json({ error: { code: "Forbidden", message: "Missing scope" } }, { status: 403 });
    return noContent();
  });
  return { stub, perTenant, max: () => maxInFlight };
}

const tenants = (n) =>
  Array.from({ length: n }, (_, i) => ({
    id: `tenant-${i}`,
    ...(i % 2 ? { label: `Customer ${i}` } : {}),
    baseUrl: "https://graph.microsoft.com",
    getToken: () => (kind(i) === "noToken" ? Promise.reject(new Error("no secret for this tenant")) : `tok-${i}`),
  }));

describe("syncTenants", () => {
  test("20 tenants at concurrency 4: never more than 4 requests in flight, every row right, in input order", async () => {
    const f = instrumentedFetch();
    const seen = [];
    try {
      const rows = await syncTenants(tenants(20), { onResult: (row, i) => seen.push([i, row.tenant]) });
      assert.equal(f.max(), 4, "the bound holds and is used");
      assert.equal(rows.length, 20);
      assert.equal(seen.length, 20, "onResult once per tenant");
      assert.deepEqual(seen.map(([i, t]) => t).sort(), rows.map((r) => r.tenant).sort());
      for (const [i, t] of seen) assert.equal(rows[i].tenant, t, "onResult's index is the row's");
      rows.forEach((row, i) => {
        const k = kind(i);
        assert.equal(row.tenant, `tenant-${i}`, "input order");
        assert.equal(row.label, i % 2 ? `Customer ${i}` : null);
        const methods = f.perTenant.get(i) ?? [];
        if (k === "noToken") {
          assert.equal(row.error.name, "SyncError");
          assert.equal(row.error.code, "tokenUnavailable");
          assert.equal(row.error.cause.message, "no secret for this tenant");
          assert.ok(!("result" in row));
          assert.deepEqual(methods, [], "nothing sent for it");
          return;
        }
        assert.ok(!("error" in row), `tenant ${i}: ${row.error}`);
        const r = row.result;
        if (k === "cooling") {
          assert.deepEqual([r.outcome, r.notSent, r.httpStatus], ["throttled", true, null]);
          assert.equal(Date.parse(r.nextAttemptAt), NOW + 7 * MIN);
          assert.ok(r.retryAfterSeconds > 6 * 60 && r.retryAfterSeconds <= 7 * 60, String(r.retryAfterSeconds));
          assert.deepEqual(methods, ["GET"], "no POST while cooling down");
        } else if (k === "running") {
          assert.deepEqual([r.outcome, r.notSent], ["alreadyInProgress", true]);
          assert.equal(Date.parse(r.nextAttemptAt), NOW + 9 * MIN);
          assert.deepEqual(methods, ["GET"]);
        } else if (k === "forbidden") {
          assert.deepEqual([r.outcome, r.httpStatus, "notSent" in r], ["forbidden", 403, false]);
          assert.deepEqual(methods, ["GET", "POST"]);
        } else {
          assert.deepEqual([r.outcome, r.httpStatus, "notSent" in r], ["started", 204, false]);
          assert.deepEqual(methods, ["GET", "POST"]);
        }
      });
    } finally {
      f.stub.restore();
    }
  });

  test("skipIfCoolingDown: false sends the POST at once; concurrency 1 is one request at a time", async () => {
    const f = instrumentedFetch();
    try {
      const rows = await syncTenants(tenants(8), { skipIfCoolingDown: false, concurrency: 1 });
      assert.equal(f.max(), 1);
      assert.deepEqual(f.perTenant.get(0), ["POST"]);
      assert.equal(rows[0].result.outcome, "started");
      assert.equal(rows.length, 8);
    } finally {
      f.stub.restore();
    }
  });

  test("bad input: rejects with invalidOptions and sends nothing; a bad tenant is only its own row", async () => {
    const f = instrumentedFetch();
    try {
      for (const [list, opts] of [
        [{}, {}],
        [[], { concurrency: 0 }],
        [[], { concurrency: 17 }],
        [[], { concurrency: 2.5 }],
        [[], { skipIfCoolingDown: "yes" }],
        [[], { concurency: 2 }],
      ]) {
        await assert.rejects(syncTenants(list, opts), { name: "SyncError", code: "invalidOptions" }, JSON.stringify(opts));
      }
      assert.deepEqual(await syncTenants([]), []);
      const [bad, noId, good] = await syncTenants([
        { id: "x", getToken: () => "tok-1", cloud: "mars" },
        { getToken: () => "tok-2" },
        tenants(2)[1],
      ]);
      assert.equal(bad.error.code, "invalidOptions");
      assert.equal(noId.error.code, "invalidOptions");
      assert.equal(good.result.outcome, "started");
      assert.deepEqual([...f.perTenant.keys()], [1]);
    } finally {
      f.stub.restore();
    }
  });

  test("abort: no new tenant starts, the ones in flight and the rest settle as aborted", async () => {
    const holds = [];
    const stub = stubFetch((call) => {
      const h = held(call);
      holds.push(h);
      return h.promise;
    });
    try {
      const ac = new AbortController();
      const rowsP = syncTenants(tenants(10), { concurrency: 3, signal: ac.signal });
      while (holds.length < 3) await new Promise((r) => setTimeout(r, 1));
      const reason = new Error("operator pressed stop");
      ac.abort(reason);
      const rows = await rowsP;
      assert.equal(stub.calls.length, 3, "nothing sent after the abort");
      assert.equal(rows.length, 10);
      for (const row of rows) {
        assert.equal(row.error?.code, "aborted", row.tenant);
        assert.equal(row.error.cause, reason);
      }
    } finally {
      stub.restore();
    }
  });
});
