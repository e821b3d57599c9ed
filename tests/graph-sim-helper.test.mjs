// Smoke test of tests/helpers/graph-sim.mjs against the real binary (cargo build -p graph-sim).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { test } from './helpers/test.mjs';
import { startGraphSim } from './helpers/graph-sim.mjs';

const SYNC = '/beta/deviceManagement/windowsAutopilotSettings/sync';
const auth = { authorization: 'Bearer sim-admin-token' };

let sim;
before(async () => {
  sim = await startGraphSim();
});
after(async () => {
  await sim?.stop();
});

test('204, then 429 with Retry-After, then 204 after the cooldown', async () => {
  assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  await sim.clock({ freeze: true }); // exact Retry-After on any machine
  let res = await fetch(sim.url + SYNC, { method: 'POST', headers: auth });
  assert.equal(res.status, 204);
  assert.equal((await sim.state()).syncStatus, 'inProgress');

  await sim.advance(30_000);
  res = await fetch(sim.url + SYNC, { method: 'POST', headers: auth });
  assert.equal(res.status, 429);
  const seconds = Number(res.headers.get('retry-after'));
  assert.equal(seconds, 570, 'Retry-After: 600 s cooldown − 30 s on the frozen clock');
  const body = await res.json();
  assert.equal(body.error.code, 'TooManyRequests');

  await sim.advance(seconds * 1000);
  res = await fetch(sim.url + SYNC, { method: 'POST', headers: auth });
  assert.equal(res.status, 204);

  const log = await sim.requests();
  assert.equal(log.length, 3);
  assert.equal(log[0].headers.authorization, 'Bearer <redacted>');
});

test('faults, config and reset through the helper', async () => {
  await sim.reset();
  await sim.fault([{ kind: 'status', status: 503, headers: { 'Retry-After': '2' } }]);
  const res = await fetch(sim.url + SYNC, { method: 'POST', headers: auth });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '2');
  const config = await sim.config({ cooldownSeconds: 1 });
  assert.equal(config.cooldownSeconds, 1);
  await assert.rejects(sim.config({ nope: true }), /answered 400/);
  await sim.clearRequests();
  assert.deepEqual(await sim.requests(), []);
});

test('stop() ends the process', async () => {
  const other = await startGraphSim({ args: ['--cooldown-seconds', '5'] });
  assert.equal((await other.state()).config.cooldownSeconds, 5);
  await other.stop();
  // SIGTERM is handled: a clean exit with status 0, not a kill (signalCode would be set,
  // e.g. SIGKILL after the helper's 5 s grace period).
  assert.equal(other.process.signalCode, null, 'graph-sim exited by itself');
  assert.equal(other.process.exitCode, 0);
  await assert.rejects(fetch(other.url + '/_sim/state'));
});

test('GET /_sim/config reports the flags, then each PATCH, and reset restores the flags', async () => {
  const other = await startGraphSim({ args: ['--cooldown-seconds', '7', '--sync-duration-ms', '1234', '--settings-envelope'] });
  try {
    const get = async () => {
      const res = await fetch(other.url + '/_sim/config');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      return res.json();
    };
    const first = await get();
    assert.equal(first.cooldownSeconds, 7);
    assert.equal(first.syncDurationMs, 1234);
    assert.equal(first.settingsEnvelope, true);
    assert.equal(first.syncResult, 'completed');
    assert.equal(first.retryAfterHeader, true);
    for (const key of ['cooldownSeconds', 'syncDurationMs', 'syncResult', 'retryAfterHeader', 'exposeRetryAfter', 'settingsEnvelope']) {
      assert.ok(key in first, `GET /_sim/config has ${key}`);
    }
    await other.config({ syncResult: 'failed', cooldownSeconds: 1 });
    const patched = await get();
    assert.equal(patched.syncResult, 'failed');
    assert.equal(patched.cooldownSeconds, 1);
    assert.equal(patched.syncDurationMs, 1234, 'unpatched keys keep their value');
    await other.reset();
    assert.deepEqual(await get(), first);
  } finally {
    await other.stop();
  }
});
