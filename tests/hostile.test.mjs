// Issue #12, items 1–3, through the shipped package in Node: a careless or hostile caller
// (throwing getters, Proxy options, huge tokens, replaced globals) and a hostile server
// (huge header values, the token echoed back). Each example of the "Why" is a
// regression test here. The global fetch is intercepted: nothing leaves the process, and
// every test can tell whether a request was sent.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSyncClient, getSyncStatus, SyncError, syncTenants, triggerSync } from "autopilot-sync";
import { held, noContent, settings, stubFetch } from "./helpers/fetch-stub.mjs";

const ROOT = "http://127.0.0.1:9";
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJob3N0aWxlLXRlc3QtdXNlciJ9.aG9zdGlsZS10ZXN0LXNpZ25hdHVyZQ";

let stub;
const restores = [];
afterEach(() => {
  stub?.restore();
  stub = undefined;
  while (restores.length) restores.pop()();
});

/** Replaces `globalThis[name]` (or `obj[name]`) until the test ends. */
function replace(name, value, obj = globalThis) {
  const had = Object.getOwnPropertyDescriptor(obj, name);
  Object.defineProperty(obj, name, { value, configurable: true, writable: true });
  restores.push(() => (had ? Object.defineProperty(obj, name, had) : delete obj[name]));
}

const isSyncError = (code) => (e) => {
  assert.ok(e instanceof SyncError, `a SyncError, got ${e?.stack ?? e}`);
  assert.equal(e.code, code, e.message);
  return true;
};

/**
 * Calls `f` and checks that it returned a promise instead of throwing synchronously;
 * resolves with what the promise settled with (`{ value }` or `{ error }`).
 */
async function settles(f) {
  let p;
  assert.doesNotThrow(() => {
    p = f();
  }, "no synchronous throw");
  assert.equal(typeof p?.then, "function", "returns a promise");
  return p.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
}

describe("no escape, no hang: a replaced global that throws becomes an internalError", () => {
  test("setTimeout that throws when the call arms its timeout: rejection with the original as cause, nothing sent", async () => {
    stub = stubFetch(() => noContent());
    const boom = new Error("setTimeout is broken on purpose");
    const real = globalThis.setTimeout;
    replace("setTimeout", () => {
      throw boom;
    });
    // timeoutMs: 1 is earlier than anything armed before, so the shared timer is (re)armed.
    const r = await settles(() => triggerSync(TOKEN, { baseUrl: ROOT, timeoutMs: 1 }));
    globalThis.setTimeout = real;
    assert.ok(r.error, "rejected");
    isSyncError("internalError")(r.error);
    assert.equal(r.error.cause, boom, "the original error is the cause");
    assert.equal(stub.calls.length, 0, "nothing was sent");
    assert.ok(!r.error.message.includes(TOKEN));
  });

  test("setTimeout that throws for a new, earlier timeout: the waiting call keeps its timer and still times out", async () => {
    // The shared timer is armed for the first call (150 ms). The second call's 1 ms is
    // earlier, so the timer is re-armed, and setTimeout throws there: the second call
    // rejects, and the first call's timer must still be armed (it was once cleared first,
    // which left the first call waiting for ever).
    stub = stubFetch((call) => held(call).promise);
    const real = globalThis.setTimeout;
    const first = triggerSync(TOKEN, { baseUrl: ROOT, timeoutMs: 150 });
    await new Promise((r) => setImmediate(r));
    assert.equal(stub.calls.length, 1, "the first call is waiting for Graph");
    const boom = new Error("setTimeout is broken for a moment");
    replace("setTimeout", () => {
      throw boom;
    });
    const r = await settles(() => getSyncStatus(TOKEN, { baseUrl: ROOT, timeoutMs: 1 }));
    globalThis.setTimeout = real;
    isSyncError("internalError")(r.error);
    assert.equal(r.error.cause, boom);
    assert.equal(stub.calls.length, 1, "the second call sent nothing");
    let guard;
    const hung = new Promise((resolve) => (guard = real(() => resolve("still waiting after 10 s"), 10_000)));
    const a = await Promise.race([first, hung]);
    clearTimeout(guard);
    assert.equal(a.outcome, "timeout", "the first call still timed out");
    assert.equal(stub.calls[0].signal.aborted, true);
  });

  test("setTimeout that starts throwing while calls wait: the timer callback re-arms, every caller settles", async () => {
    // Two requests held by the server; the first times out at 30 ms, the shared timer then
    // re-arms for the second (60 s) and setTimeout throws there, inside the timer callback.
    stub = stubFetch((call) => held(call).promise);
    const realSetTimeout = globalThis.setTimeout;
    const boom = new TypeError("no timers today");
    const uncaught = [];
    const onUncaught = (e) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    restores.push(() => process.off("uncaughtException", onUncaught));
    // Throw only for the module's re-arm for 60 s (its first arm, 30 ms, and Node's own
    // timers go through the real one). Replaced before the calls: under load, the 30 ms
    // timeout may fire before the test gets to run again.
    replace("setTimeout", function (fn, ms, ...rest) {
      if (ms > 1_000) throw boom;
      return realSetTimeout(fn, ms, ...rest);
    });
    const first = triggerSync(TOKEN, { baseUrl: ROOT, timeoutMs: 30 });
    const second = getSyncStatus(TOKEN, { baseUrl: ROOT, timeoutMs: 60_000 });
    await new Promise((r) => setImmediate(r));
    assert.equal(stub.calls.length, 2);
    const [a, b] = await Promise.allSettled([first, second]);
    assert.equal(a.status, "fulfilled");
    assert.equal(a.value.outcome, "timeout");
    assert.equal(b.status, "rejected");
    isSyncError("internalError")(b.reason);
    assert.equal(b.reason.cause, boom);
    assert.equal(stub.calls[1].signal.aborted, true, "the stranded request was abandoned");
    assert.deepEqual(uncaught, [], "nothing escaped the module");
  });

  test("waitForSync: a setTimeout that throws between polls rejects with internalError", async () => {
    stub = stubFetch(() => settings("inProgress"));
    const client = createSyncClient({ getToken: () => TOKEN, baseUrl: ROOT });
    const boom = new Error("sleep broken");
    let polls = 0;
    const r = await settles(() =>
      client.waitForSync({
        intervalMs: 10,
        onUpdate: () => {
          if (++polls === 1)
            replace("setTimeout", () => {
              throw boom;
            });
        },
      }),
    );
    isSyncError("internalError")(r.error);
    assert.equal(r.error.cause, boom);
    assert.equal(polls, 1);
  });

  test("waitForSync: an onUpdate that throws rejects with a SyncError (internalError, the exception as cause), no further poll", async () => {
    stub = stubFetch(() => settings("inProgress"));
    const client = createSyncClient({ getToken: () => TOKEN, baseUrl: ROOT });
    const boom = new TypeError("render() failed in the caller's UI");
    let calls = 0;
    const r = await settles(() =>
      client.waitForSync({
        intervalMs: 10,
        onUpdate: () => {
          calls++;
          throw boom;
        },
      }),
    );
    isSyncError("internalError")(r.error);
    assert.equal(r.error.cause, boom, "the caller's own exception is the cause");
    assert.match(r.error.message, /onUpdate threw/);
    assert.equal(calls, 1, "the wait stopped at the first throw");
    assert.equal(stub.calls.length, 1, "no further status read");
    // A thrown non-Error value (a string) is wrapped the same way.
    const s = await settles(() =>
      client.waitForSync({
        intervalMs: 10,
        onUpdate: () => {
          throw "plain string";
        },
      }),
    );
    isSyncError("internalError")(s.error);
    assert.equal(s.error.cause, "plain string");
  });

  test("syncTenants: an onResult that throws does not stop any tenant; the run then rejects (internalError, first exception as cause, every row kept)", async () => {
    stub = stubFetch((call) => (call.method === "POST" ? noContent() : settings("completed")));
    const boom = new Error("progress table broke");
    const seen = [];
    const tenants = Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, baseUrl: ROOT, getToken: () => `${TOKEN}${i}` }));
    const r = await settles(() =>
      syncTenants(tenants, {
        concurrency: 2,
        onResult: (row, i) => {
          seen.push(i);
          if (i === 1 || i === 3) throw i === 1 ? boom : new Error("second failure");
        },
      }),
    );
    isSyncError("internalError")(r.error);
    assert.equal(r.error.cause, boom, "the first exception is the cause");
    assert.match(r.error.message, /onResult threw/);
    assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4], "onResult was still called for every tenant");
    assert.equal(stub.calls.filter((c) => c.method === "POST").length, 5, "every tenant's sync was sent");
    assert.equal(r.error.rows.length, 5, "no row is lost");
    r.error.rows.forEach((row, i) => {
      assert.equal(row.tenant, `t${i}`);
      assert.equal(row.result.outcome, "started");
    });
    // Without a throw, the same run resolves with its rows.
    const ok = await settles(() => syncTenants(tenants, { onResult: () => {} }));
    assert.equal(ok.value.length, 5);
  });

  test("crypto.getRandomValues, Math.random and Date.now that throw: the call still completes with a GUID", async () => {
    stub = stubFetch(() => noContent());
    const thrower = () => {
      throw new Error("broken global");
    };
    // Use up the pool of random bytes the module keeps (32 GUIDs), so it must ask again.
    for (let i = 0; i < 40; i++) await triggerSync(`${TOKEN}${i}`, { baseUrl: ROOT });
    replace("getRandomValues", thrower, globalThis.crypto);
    replace("random", thrower, Math);
    replace("now", thrower, Date);
    for (let i = 0; i < 40; i++) {
      const r = await settles(() => triggerSync(`${TOKEN}x${i}`, { baseUrl: ROOT, timeoutMs: 5_000 }));
      assert.equal(r.value?.outcome, "started", String(r.error));
      assert.match(r.value.clientRequestId, /^[0-9a-f-]{36}$/);
    }
  });

  test("JSON.parse that throws (the result's one crossing): rejection, not a null result", async () => {
    stub = stubFetch(() => noContent());
    const boom = new SyntaxError("JSON broken");
    replace("parse", () => {
      throw boom;
    }, JSON);
    const r = await settles(() => triggerSync(TOKEN, { baseUrl: ROOT }));
    isSyncError("internalError")(r.error);
    assert.equal(r.error.cause, boom);
  });
});

describe("options: the caller's choice or an error", () => {
  const boom = () => {
    throw new Error("getter on purpose");
  };

  for (const name of ["baseUrl", "cloud", "timeoutMs", "signal", "clientRequestId"]) {
    test(`a getter that throws on ${name}: invalidOptions, never a default, nothing sent`, async () => {
      stub = stubFetch(() => noContent());
      const options = { baseUrl: ROOT };
      Object.defineProperty(options, name, { get: boom, enumerable: true });
      for (const call of [triggerSync, getSyncStatus]) {
        const r = await settles(() => call(TOKEN, options));
        isSyncError("invalidOptions")(r.error);
        assert.match(r.error.message, new RegExp(name));
      }
      // The same through a client: creation throws (its documented synchronous error), a
      // call's options reject.
      const clientOptions = Object.defineProperty({ getToken: () => TOKEN }, name, { get: boom, enumerable: true });
      assert.throws(() => createSyncClient(clientOptions), isSyncError("invalidOptions"));
      const client = createSyncClient({ getToken: () => TOKEN, baseUrl: ROOT });
      const r = await settles(() => client.triggerSync(options));
      isSyncError("invalidOptions")(r.error);
      assert.equal(stub.calls.length, 0, "nothing was sent");
    });
  }

  test("{ get baseUrl() { throw } } never falls back to the global cloud (the issue's example)", async () => {
    stub = stubFetch(() => noContent());
    const r = await settles(() =>
      triggerSync(TOKEN, {
        get baseUrl() {
          throw new Error("x");
        },
      }),
    );
    isSyncError("invalidOptions")(r.error);
    assert.deepEqual(stub.calls, [], "no request, in particular none to graph.microsoft.com");
  });

  test("waitForSync options with a throwing getter: invalidOptions", async () => {
    stub = stubFetch(() => settings("completed"));
    const client = createSyncClient({ getToken: () => TOKEN, baseUrl: ROOT });
    for (const name of ["intervalMs", "timeoutMs", "signal", "onUpdate"]) {
      const r = await settles(() => client.waitForSync(Object.defineProperty({}, name, { get: boom, enumerable: true })));
      isSyncError("invalidOptions")(r.error);
    }
    assert.equal(stub.calls.length, 0);
  });

  test("Proxy options: never a synchronous throw; throwing traps are invalidOptions; a faithful Proxy works", async () => {
    stub = stubFetch(() => noContent());
    const throwing = (trap) =>
      new Proxy({ baseUrl: ROOT }, {
        [trap]() {
          throw new Error(`${trap} trap on purpose`);
        },
      });
    const revocable = Proxy.revocable({ baseUrl: ROOT }, {});
    revocable.revoke();
    const hostile = [
      ["ownKeys", throwing("ownKeys")],
      ["get", throwing("get")],
      ["getOwnPropertyDescriptor", throwing("getOwnPropertyDescriptor")],
      ["getPrototypeOf", throwing("getPrototypeOf")],
      ["revoked", revocable.proxy],
    ];
    for (const [what, options] of hostile) {
      for (const call of [triggerSync, getSyncStatus]) {
        const r = await settles(() => call(TOKEN, options));
        assert.ok(r.error || r.value, what);
        if (r.error) isSyncError("invalidOptions")(r.error);
      }
      assert.throws(() => createSyncClient(options), (e) => e instanceof SyncError, what);
    }
    // Every throwing trap that the reading path meets is refused, nothing was sent (a
    // getPrototypeOf trap is never met: options are read by name, not by prototype).
    stub.calls.length = 0;
    for (const [what, options] of hostile.filter(([w]) => w !== "getPrototypeOf")) {
      const r = await settles(() => triggerSync(TOKEN, options));
      isSyncError("invalidOptions")(r.error);
      assert.equal(stub.calls.length, 0, what);
    }
    // A Proxy that only forwards is an ordinary options object.
    const faithful = new Proxy({ baseUrl: ROOT, timeoutMs: 5_000 }, {});
    const r = await triggerSync(TOKEN, faithful);
    assert.equal(r.outcome, "started");
    assert.equal(stub.calls[0].url, `${ROOT}/beta/deviceManagement/windowsAutopilotSettings/sync`);
  });

  test("hostile arguments of every kind: each public async function returns a promise that rejects with a SyncError", async () => {
    stub = stubFetch(() => noContent());
    const tokenObject = { toString: () => TOKEN };
    const args = [
      [Symbol("t"), undefined],
      [10n, undefined],
      [tokenObject, undefined],
      [TOKEN, Symbol("o")],
      [TOKEN, 10n],
      [TOKEN, [ROOT]],
      [TOKEN, () => ROOT],
      [TOKEN, new Proxy(function () {}, {})],
    ];
    const client = createSyncClient({ getToken: () => TOKEN, baseUrl: ROOT });
    for (const [t, o] of args) {
      for (const call of [(a, b) => triggerSync(a, b), (a, b) => getSyncStatus(a, b)]) {
        const r = await settles(() => call(t, o));
        assert.ok(r.error instanceof SyncError, `${String(t)}/${typeof o}: ${r.error}`);
      }
      if (o !== undefined) {
        for (const m of ["triggerSync", "getSyncStatus", "waitForSync"]) {
          const r = await settles(() => client[m](o));
          assert.ok(r.error instanceof SyncError, `${m}(${typeof o}): ${r.error}`);
        }
      }
    }
    assert.equal(stub.calls.length, 0);
  });
});

describe("bounds", () => {
  test("a 1 MB token is refused as invalidToken before sending (was: sent, then a 431)", async () => {
    stub = stubFetch(() => new Response(null, { status: 431 }));
    for (const n of [16 * 1024 + 1, 1 << 20]) {
      const r = await settles(() => triggerSync("a".repeat(n), { baseUrl: ROOT }));
      isSyncError("invalidToken")(r.error);
      assert.match(r.error.message, /16 KB/);
      assert.ok(r.error.message.length < 200, "the message does not carry the token");
    }
    // A client's getToken that yields one: tokenUnavailable, nothing sent either.
    const client = createSyncClient({ getToken: () => "b".repeat(1 << 20), baseUrl: ROOT });
    isSyncError("tokenUnavailable")((await settles(() => client.triggerSync())).error);
    assert.equal(stub.calls.length, 0);
    // 16 KB exactly is still sent.
    stub.restore();
    stub = stubFetch(() => noContent());
    const r = await triggerSync("c".repeat(16 * 1024), { baseUrl: ROOT });
    assert.equal(r.outcome, "started");
    assert.equal(stub.calls[0].headers.authorization.length, "Bearer ".length + 16 * 1024);
  });

  test("a 10 KB request-id header is cut to 256 characters; a long Graph message to 2,000", async () => {
    const rid = "r".repeat(10 * 1024);
    const message = "m".repeat(50_000);
    stub = stubFetch(() =>
      Response.json(
        { error: { code: "x".repeat(5_000), message, innerError: { date: "d".repeat(5_000), "request-id": "i".repeat(5_000) } } },
        { status: 503, headers: { "request-id": rid, date: "e".repeat(9_000) } },
      ),
    );
    const r = await triggerSync(TOKEN, { baseUrl: ROOT });
    assert.equal(r.outcome, "serviceUnavailable");
    assert.equal(r.requestId.length, 256);
    assert.equal(r.requestId, `${"r".repeat(255)}…`);
    assert.equal(r.errorCode.length, 256);
    assert.equal(r.date.length, 256);
    assert.equal(r.errorMessage.length, 2_000);
    assert.ok(r.errorMessage.endsWith("…"));
    // A successful status read's request-id too.
    stub.restore();
    stub = stubFetch(() => new Response(JSON.stringify({ syncStatus: "completed" }), { status: 200, headers: { "request-id": rid } }));
    const s = await getSyncStatus(TOKEN, { baseUrl: ROOT });
    assert.equal(s.ok, true);
    assert.equal(s.requestId.length, 256);
  });

  test("a server echoing the token: it is redacted from every field of the result", async () => {
    const [, payload, signature] = TOKEN.split(".");
    const bodies = [
      { error: { code: TOKEN, message: `Bearer ${TOKEN} is not valid`, innerError: { "request-id": TOKEN, date: signature } } },
      // Intune's nested JSON inside the message, with the payload alone.
      { error: { code: "UnknownError", message: JSON.stringify({ _version: 3, Message: `token ${payload} expired`, ErrorCode: TOKEN }) } },
    ];
    for (const status of [400, 401, 403, 409, 429, 503]) {
      for (const body of bodies) {
        stub?.restore();
        stub = stubFetch(() => Response.json(body, { status, headers: { "request-id": `id-${TOKEN}`, date: TOKEN } }));
        for (const call of [triggerSync, getSyncStatus]) {
          const r = await call(TOKEN, { baseUrl: ROOT });
          const text = JSON.stringify(r);
          for (const secret of [TOKEN, payload, signature]) assert.ok(!text.includes(secret), `${status}: ${text}`);
          assert.match(text, /\[redacted\]/);
        }
      }
    }
  });
});
