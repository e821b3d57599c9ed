// README promises of the client and the call options, through the shipped package
// ("autopilot-sync" resolved by its exports map, as a consumer imports it) in Node:
// waitForSync's end states, unknown-option refusal, tokenUnavailable, a fresh
// clientRequestId per call, single flight. Against graph-sim, or with the global fetch
// intercepted where the test must hold or inspect a request. Nothing waits on the wall
// clock: every step waits for an event (an answer, an abort, an onUpdate call).
import { after, afterEach, before, beforeEach, describe } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { createSyncClient, getSyncStatus, triggerSync } from "autopilot-sync";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { held, noContent, settings, stubFetch } from "./helpers/fetch-stub.mjs";

const RW = "sim-admin-token";
const SETTINGS = "/beta/deviceManagement/windowsAutopilotSettings";
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let sim;

before(async () => {
  sim = await startGraphSim();
});
after(() => sim?.stop());

const isSyncError = (code, extra = {}) => (e) => {
  assert.equal(e.name, "SyncError", `a SyncError, got ${e}`);
  assert.equal(e.code, code, e.message);
  assert.ok(e instanceof Error);
  for (const [k, v] of Object.entries(extra)) {
    if (v instanceof RegExp) assert.match(e[k], v, k);
    else assert.equal(e[k], v, k);
  }
  return true;
};

const gets = async () => (await sim.requests()).filter((r) => r.method === "GET" && r.path === SETTINGS);

describe("waitForSync", () => {
  beforeEach(() => sim.reset());

  const client = (token = RW) => createSyncClient({ getToken: () => token, baseUrl: sim.url });

  test("ends on failed: resolves with the failed status (not only on completed)", async () => {
    await sim.config({ syncResult: "failed" });
    const c = client();
    assert.equal((await c.triggerSync()).outcome, "started");
    const updates = [];
    let advanced;
    const final = await c.waitForSync({
      intervalMs: 10,
      timeoutMs: 30_000, // an upper bound: the clock is moved after the first poll
      onUpdate: (s) => {
        updates.push(s.syncStatus ?? s.outcome);
        // The first poll sees the sync running; then the simulated clock passes its end.
        if (updates.length === 1) advanced = sim.advance(60_000);
      },
    });
    await advanced;
    assert.equal(final.ok, true);
    assert.equal(final.syncStatus, "failed");
    assert.equal(updates[0], "inProgress");
    assert.equal(updates.at(-1), "failed", "onUpdate saw the last status too");
    assert.ok(updates.slice(0, -1).every((u) => u === "inProgress"), `${updates}`);
  });

  test("stops at once on a non-retryable failure (403, 400, 401 after one refresh)", async () => {
    for (const [status, outcome, requests] of [[403, "forbidden", 1], [400, "unexpectedResponse", 1]]) {
      await sim.reset();
      await sim.fault({ kind: "status", status, method: "GET", count: 50 });
      const updates = [];
      const final = await client().waitForSync({ intervalMs: 10, onUpdate: (s) => updates.push(s.outcome) });
      assert.equal(final.ok, false);
      assert.equal(final.outcome, outcome);
      assert.equal(final.retryable, false);
      assert.deepEqual(updates, [outcome], "one poll, one update");
      assert.equal((await gets()).length, requests, `${status}: no second poll`);
    }
    await sim.reset();
    const updates = [];
    const final = await client("not-a-known-token").waitForSync({ intervalMs: 10, onUpdate: (s) => updates.push(s.outcome) });
    assert.equal(final.outcome, "unauthorized");
    assert.deepEqual(updates, ["unauthorized"]);
    assert.equal((await gets()).length, 2, "the 401, then the one retry with a refreshed token");
  });

  test("continues on a retryable failure (503, 429, no answer) until the sync completes", async () => {
    const c = client();
    assert.equal((await c.triggerSync()).outcome, "started");
    await sim.advance(60_000);
    await sim.clearRequests();
    await sim.fault([
      { kind: "status", status: 503, method: "GET" },
      { kind: "status", status: 429, method: "GET" },
      { kind: "close", method: "GET" },
    ]);
    const updates = [];
    const final = await c.waitForSync({ intervalMs: 10, onUpdate: (s) => updates.push(s.ok ? s.syncStatus : s.outcome) });
    assert.equal(final.syncStatus, "completed");
    assert.deepEqual(updates, ["serviceUnavailable", "throttled", "networkError", "completed"]);
  });

  test("gives up after its timeoutMs with waitTimeout; lastStatus holds the last answer", async () => {
    await sim.clock({ freeze: true }); // the simulated sync never ends: no race
    const c = client();
    assert.equal((await c.triggerSync()).outcome, "started");
    let polls = 0;
    await assert.rejects(
      c.waitForSync({ intervalMs: 20, timeoutMs: 300, onUpdate: () => polls++ }),
      (e) => isSyncError("waitTimeout", { message: /300 ms/ })(e) && e.lastStatus.syncStatus === "inProgress",
    );
    assert.ok(polls >= 1);
  });

  test("a signal that aborts during the wait rejects with the signal's reason", async () => {
    const c = client();
    await c.triggerSync();
    const ac = new AbortController();
    await assert.rejects(
      c.waitForSync({ intervalMs: 60_000, signal: ac.signal, onUpdate: () => ac.abort() }),
      { name: "AbortError" },
    );
    const reason = new Error("custom");
    const ac2 = new AbortController();
    ac2.abort(reason);
    await assert.rejects(c.waitForSync({ signal: ac2.signal }), (e) => e === reason);
  });
});

describe("unknown option names are refused; nothing is sent", () => {
  let stub;
  beforeEach(() => {
    stub = stubFetch(() => noContent());
  });
  afterEach(() => stub.restore());

  test("createSyncClient", () => {
    const getToken = () => RW;
    assert.throws(() => createSyncClient({ getToken, baseURL: "https://graph.microsoft.us" }), isSyncError("invalidOptions", { message: /"baseURL".*did you mean "baseUrl"/ }));
    assert.throws(() => createSyncClient({ getToken, timeout: 5 }), isSyncError("invalidOptions", { message: /Unknown option "timeout"/ }));
    assert.throws(() => createSyncClient({ gettoken: getToken }), isSyncError("invalidOptions", { message: /did you mean "getToken"/ }));
    assert.throws(() => createSyncClient({ baseUrl: "https://graph.microsoft.com" }), isSyncError("invalidOptions", { message: /getToken/ }));
    assert.deepEqual(stub.calls, []);
  });

  test("a client's triggerSync, getSyncStatus and waitForSync", async () => {
    let asked = 0;
    const c = createSyncClient({ getToken: () => (asked++, RW) });
    await assert.rejects(c.triggerSync({ baseURL: "https://graph.microsoft.us" }), isSyncError("invalidOptions", { message: /did you mean "baseUrl"/ }));
    await assert.rejects(c.getSyncStatus({ Cloud: "usGov" }), isSyncError("invalidOptions", { message: /did you mean "cloud"/ }));
    await assert.rejects(c.triggerSync({ getToken: () => RW }), isSyncError("invalidOptions", { message: /Unknown option "getToken"/ }));
    await assert.rejects(c.waitForSync({ interval: 10 }), isSyncError("invalidOptions", { message: /Unknown option "interval"/ }));
    await assert.rejects(c.waitForSync({ intervalms: 10 }), isSyncError("invalidOptions", { message: /did you mean "intervalMs"/ }));
    await assert.rejects(c.waitForSync({ baseUrl: "https://graph.microsoft.com" }), isSyncError("invalidOptions", { message: /Unknown option "baseUrl"/ }));
    assert.equal(asked, 0, "no token was asked for");
    assert.deepEqual(stub.calls, []);
  });

  test("triggerSync and getSyncStatus", async () => {
    await assert.rejects(triggerSync(RW, { baseURL: "https://graph.microsoft.us" }), isSyncError("invalidOptions", { message: /did you mean "baseUrl"/ }));
    await assert.rejects(getSyncStatus(RW, { clientRequestID: "x" }), isSyncError("invalidOptions", { message: /did you mean "clientRequestId"/ }));
    await assert.rejects(triggerSync(RW, { onUpdate: () => {} }), isSyncError("invalidOptions"));
    assert.deepEqual(stub.calls, []);
  });
});

describe("tokenUnavailable: getToken gave no usable token; nothing is sent", () => {
  let stub;
  beforeEach(() => {
    stub = stubFetch(() => noContent());
  });
  afterEach(() => stub.restore());

  const SECRET = "eyJhbGciOi.secret-looking.token-value";

  test("a synchronous throw, a rejection: cause holds the original, MSAL's errorCode is kept", async () => {
    const thrown = Object.assign(new Error("no account"), { errorCode: "no_account_error" });
    for (const getToken of [
      () => {
        throw thrown;
      },
      () => Promise.reject(thrown),
      async () => {
        throw thrown;
      },
    ]) {
      const c = createSyncClient({ getToken });
      for (const call of [() => c.triggerSync(), () => c.getSyncStatus(), () => c.waitForSync()]) {
        await assert.rejects(call(), isSyncError("tokenUnavailable", { cause: thrown, errorCode: "no_account_error" }));
      }
    }
    assert.deepEqual(stub.calls, []);
  });

  test("a non-string or unusable token, synchronous or resolved", async () => {
    const values = [42, undefined, null, {}, ["a"], true, "", "   ", `${SECRET}\n${SECRET}`, "tök€n"];
    for (const v of values) {
      for (const getToken of [() => v, async () => v]) {
        const c = createSyncClient({ getToken });
        await assert.rejects(c.triggerSync(), (e) => {
          isSyncError("tokenUnavailable")(e);
          assert.ok(!e.message.includes(SECRET), "the message does not carry the token");
          return true;
        }, `getToken → ${JSON.stringify(v)}`);
      }
    }
    assert.deepEqual(stub.calls, []);
  });
});

describe("client-request-id", () => {
  let stub;
  beforeEach(() => {
    stub = stubFetch((call) => (call.method === "POST" ? noContent() : settings()));
  });
  afterEach(() => stub.restore());

  test("a fresh GUID per call, sent and reported", async () => {
    const c = createSyncClient({ getToken: () => RW });
    const results = [];
    // One after another: concurrent calls for the same token share one request.
    for (const call of [() => triggerSync(RW), () => triggerSync(RW), () => getSyncStatus(RW), () => c.triggerSync(), () => c.triggerSync(), () => c.getSyncStatus()]) {
      results.push(await call());
    }
    const sent = stub.calls.map((x) => x.headers["client-request-id"]);
    assert.equal(sent.length, 6);
    for (const id of sent) assert.match(id, GUID_V4);
    assert.equal(new Set(sent).size, 6, `all different: ${sent}`);
    assert.deepEqual(results.map((r) => r.clientRequestId), sent, "each result names the id that was sent");
  });

  test("a given clientRequestId is sent as is, per call or as the client's default", async () => {
    const r = await triggerSync(RW, { clientRequestId: "my-id-1" });
    const c = createSyncClient({ getToken: () => RW, clientRequestId: "client-default" });
    const a = await c.triggerSync();
    const b = await c.getSyncStatus({ clientRequestId: "per-call" });
    assert.deepEqual(stub.calls.map((x) => x.headers["client-request-id"]), ["my-id-1", "client-default", "per-call"]);
    assert.deepEqual([r.clientRequestId, a.clientRequestId, b.clientRequestId], ["my-id-1", "client-default", "per-call"]);
  });
});

describe("single flight", () => {
  let stub, pending;
  beforeEach(() => {
    pending = [];
    stub = stubFetch((call) => {
      const h = held(call);
      pending.push(h);
      return h.promise;
    });
  });
  afterEach(() => stub.restore());

  const releaseAll = () => {
    for (const p of pending) p.release(noContent());
  };

  test("callers for the same action, Graph root and token share one request and its result", async () => {
    const a = triggerSync(RW, { baseUrl: "https://graph.example" });
    const b = triggerSync(`Bearer ${RW}`, { baseUrl: "https://graph.example/" });
    const c = createSyncClient({ getToken: () => RW, baseUrl: "https://graph.example" }).triggerSync();
    await waitFor(() => stub.calls.length === 1 && pending.length === 1);
    await new Promise((r) => setImmediate(r));
    assert.equal(stub.calls.length, 1, "one request on the wire");
    releaseAll();
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    for (const r of [ra, rb, rc]) assert.equal(r.outcome, "started");
    assert.equal(rb.clientRequestId, ra.clientRequestId, "the joiner gets the first call's clientRequestId");
    assert.equal(rc.clientRequestId, ra.clientRequestId);
    assert.notEqual(rb, ra, "each caller gets its own object");
  });

  test("a different token, Graph root or action is a separate flight", async () => {
    const calls = [
      triggerSync("token-a"),
      triggerSync("token-b"),
      triggerSync("token-a", { cloud: "usGov" }),
      triggerSync("token-a", { baseUrl: "https://graph.example" }),
      getSyncStatus("token-a"),
      triggerSync("token-a"), // joins the first
    ];
    await waitFor(() => stub.calls.length === 5);
    await new Promise((r) => setImmediate(r));
    assert.equal(stub.calls.length, 5);
    assert.deepEqual(
      stub.calls.map((c) => `${c.method} ${c.url} ${c.headers.authorization}`),
      [
        "POST https://graph.microsoft.com/beta/deviceManagement/windowsAutopilotSettings/sync Bearer token-a",
        "POST https://graph.microsoft.com/beta/deviceManagement/windowsAutopilotSettings/sync Bearer token-b",
        "POST https://graph.microsoft.us/beta/deviceManagement/windowsAutopilotSettings/sync Bearer token-a",
        "POST https://graph.example/beta/deviceManagement/windowsAutopilotSettings/sync Bearer token-a",
        "GET https://graph.microsoft.com/beta/deviceManagement/windowsAutopilotSettings Bearer token-a",
      ],
    );
    for (const p of pending) p.release(stub.calls[pending.indexOf(p)].method === "GET" ? settings() : noContent());
    const results = await Promise.all(calls);
    assert.equal(results[5].clientRequestId, results[0].clientRequestId);
    assert.equal(new Set(results.slice(0, 5).map((r) => r.clientRequestId)).size, 5);
  });

  test("each caller's signal rejects only that caller; the request is abandoned once every caller has gone", async () => {
    const acA = new AbortController();
    const acB = new AbortController();
    const a = triggerSync(RW, { signal: acA.signal });
    const b = triggerSync(RW, { signal: acB.signal });
    await waitFor(() => stub.calls.length === 1);
    const wire = stub.calls[0].signal;
    assert.ok(wire, "the request carries an AbortSignal");

    acA.abort();
    await assert.rejects(a, { name: "AbortError" });
    assert.equal(wire.aborted, false, "B still waits: the request goes on");

    const why = new Error("B gave up");
    acB.abort(why);
    await assert.rejects(b, (e) => e === why, "rejects with the signal's reason");
    // The last caller's abort abandons the request in the same task.
    assert.equal(wire.aborted, true, "the request itself was abandoned");
    assert.equal(wire.reason?.name, "AbortError");

    // A new call starts afresh instead of joining the abandoned flight.
    const c = triggerSync(RW);
    await waitFor(() => stub.calls.length === 2);
    pending[1].release(noContent());
    assert.equal((await c).outcome, "started");
  });

  test("a caller without a signal keeps the request alive when the others abort", async () => {
    const ac = new AbortController();
    const a = triggerSync(RW, { signal: ac.signal });
    const b = triggerSync(RW);
    await waitFor(() => stub.calls.length === 1);
    ac.abort();
    await assert.rejects(a, { name: "AbortError" });
    assert.equal(stub.calls[0].signal.aborted, false);
    pending[0].release(noContent());
    assert.equal((await b).outcome, "started");
  });
});

/** Resolves once `cond()` holds, checking after each macrotask (no timers). */
async function waitFor(cond, limit = 10_000) {
  for (let i = 0; i < limit; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail("condition never held");
}
