// The simulated clock through tests/helpers/graph-sim.mjs: frozen, set and stepped, so
// time-dependent answers are exact on any machine.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { test } from './helpers/test.mjs';
import { startGraphSim } from './helpers/graph-sim.mjs';

const SYNC = '/beta/deviceManagement/windowsAutopilotSettings/sync';
const auth = { authorization: 'Bearer sim-admin-token' };
const sync = (sim) => fetch(sim.url + SYNC, { method: 'POST', headers: auth });

let sim;
before(async () => {
  sim = await startGraphSim({ args: ['--freeze-clock'] });
});
after(async () => {
  await sim?.stop();
});

test('--freeze-clock: the clock stands still until told, and reset keeps it frozen', async () => {
  const first = await sim.state();
  assert.equal(first.clockFrozen, true);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal((await sim.state()).now, first.now);

  const set = await sim.clock({ at: new Date('2026-01-01T00:00:00Z') });
  assert.deepEqual([set.now, set.clockFrozen], ['2026-01-01T00:00:00.000Z', true]);
  const stepped = await sim.clock({ advanceMs: 1500 });
  assert.equal(stepped.now, '2026-01-01T00:00:01.500Z');

  const running = await sim.clock({ freeze: false });
  assert.equal(running.clockFrozen, false);
  await sim.reset();
  assert.equal((await sim.state()).clockFrozen, true);
  await assert.rejects(sim.clock({ at: 'soon' }), /answered 400/);
});

test('429 Retry-After is exact on a frozen clock: 570, then 1, then 204', async () => {
  await sim.reset();
  assert.equal((await sync(sim)).status, 204);
  await sim.clock({ advanceMs: 30_000 });
  let res = await sync(sim);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '570');
  const nested = JSON.parse((await res.json()).error.message);
  assert.equal(nested.RetryAfter, null);

  await sim.clock({ advanceMs: 569_000 });
  res = await sync(sim);
  assert.equal(res.headers.get('retry-after'), '1');
  await res.arrayBuffer();
  await sim.clock({ advanceMs: 1_000 });
  assert.equal((await sync(sim)).status, 204);
});

test('config() without a patch reads GET /_sim/config', async () => {
  await sim.reset();
  const config = await sim.config();
  assert.equal(config.exposeRetryAfter, false, 'Graph does not expose Retry-After by default');
  assert.equal(config.syncSuccessStatus, 204);
  assert.equal(config.intuneLicence, true);
  assert.equal((await sim.config({ syncSuccessStatus: 200 })).syncSuccessStatus, 200);
  assert.equal((await sim.config()).syncSuccessStatus, 200);
});
