// The documented default `timeoutMs` (README: "default 30000") as behaviour, without a
// 30-second test: node:test's mock timers stand in for setTimeout and Date, which the
// package reads from the global object, and a fetch that never answers is abandoned at
// exactly 30,000 ms, not before. Its own file (own process), so no earlier call has armed
// the package's shared timer on the real clock.
import { afterEach, mock } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createSyncClient, getSyncStatus, triggerSync } from "autopilot-sync";
import { held, stubFetch } from "./helpers/fetch-stub.mjs";

const DOCUMENTED_DEFAULT_MS = 30_000;
let stub;

afterEach(() => {
  stub?.restore();
  mock.timers.reset();
});

test("the README documents the default timeout as 30000 ms", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  assert.match(readme, /`timeoutMs`\s*\(default 30000\)/);
});

/** Starts `call` with the clock mocked; returns the promise, the stubbed call and a settled flag. */
async function startFrozen(call) {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_700_000_000_000 });
  stub = stubFetch((c) => held(c).promise);
  const state = { settled: false };
  const p = call().finally(() => (state.settled = true));
  while (stub.calls.length === 0) await new Promise((r) => setImmediate(r));
  return { p, state, wire: stub.calls[0] };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

for (const [name, call] of [
  ["triggerSync", () => triggerSync("token-1")],
  ["getSyncStatus", () => getSyncStatus("token-2")],
  ["a client's triggerSync", () => createSyncClient({ getToken: () => "token-3" }).triggerSync()],
]) {
  test(`${name}: no answer → timeout at ${DOCUMENTED_DEFAULT_MS} ms, not a millisecond earlier`, async () => {
    const { p, state, wire } = await startFrozen(call);
    mock.timers.tick(DOCUMENTED_DEFAULT_MS - 1);
    await flush();
    assert.equal(wire.signal.aborted, false, "still waiting at 29,999 ms");
    assert.equal(state.settled, false);
    mock.timers.tick(1);
    await flush();
    assert.equal(wire.signal.aborted, true, "abandoned at 30,000 ms");
    const r = await p;
    assert.equal(r.outcome, "timeout");
    assert.equal(r.httpStatus, null);
    assert.equal(r.retryable, true);
  });
}

test("an explicit timeoutMs replaces the default", async () => {
  const { p, wire } = await startFrozen(() => triggerSync("token-4", { timeoutMs: 45_000 }));
  mock.timers.tick(DOCUMENTED_DEFAULT_MS);
  await flush();
  assert.equal(wire.signal.aborted, false, "not at 30 s");
  mock.timers.tick(15_000);
  assert.equal((await p).outcome, "timeout");
});
