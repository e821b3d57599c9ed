// Soak figures (issue #12 item 7), printed by `npm run bench` (figures, not timed tests):
//  1. 100,000 calls in Node through the shipped module (fetch answered in-process, so the
//     figure is the module's own): resident memory and wasm memory after warm-up and at the
//     end, which must stay flat.
//  1b. 10,000 calls in Chromium (the same answers, fetch replaced in the page): the JS heap
//     after a forced GC (CDP) and the wasm memory, after warm-up and at the end.
//  2. 1,000 concurrent calls with distinct tokens against graph-sim: all settle, one POST each.
//  3. graph-sim under 500 concurrent connections (Node's fetch opens one connection per
//     request in flight; one token): exactly one 204, the rest 409/429.
// Usage: node bench/soak.mjs [--calls N] [--chromium-calls N]  (needs `npm run build` and
// graph-sim built).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync, triggerSync, getSyncStatus } from "../pkg/autopilot_sync.js";
import { startGraphSim } from "../tests/helpers/graph-sim.mjs";
import { REPO } from "./size.mjs";
import { launchBrowser } from "../tests/helpers/browser.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CALLS = arg("--calls", 100_000);
const CHROMIUM_CALLS = arg("--chromium-calls", 10_000);
const MB = (n) => (n / 2 ** 20).toFixed(1);
const KB = (n) => Math.round(n / 1024).toLocaleString("en");

const wasm = initSync({ module: readFileSync(join(REPO, "pkg/autopilot_sync_bg.wasm")) });
const pages = () => wasm.memory.buffer.byteLength / 65536;

/**
 * A fetch that answers at once, in turn, a settings object, a 429 with an error body and a
 * 204, so every path of a result (status read, error body, no body) is exercised. Used in
 * Node and, as source, in the page.
 */
function rotatingFetch() {
  let n = 0;
  return async () => {
    n++;
    if (n % 3 === 0) return new Response(null, { status: 204, headers: { "request-id": "r" } });
    if (n % 3 === 1) return Response.json({ syncStatus: "completed", lastSyncDateTime: "2026-01-01T00:00:00Z" });
    return Response.json({ error: { code: "TooManyRequests", message: "Too many" } }, { status: 429, headers: { "retry-after": "600" } });
  };
}

async function soakNode() {
  const real = globalThis.fetch;
  globalThis.fetch = rotatingFetch();
  const root = { baseUrl: "http://127.0.0.1:9" };
  const batch = 100;
  const samples = [];
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i += batch) {
    const calls = [];
    for (let j = 0; j < batch; j++) {
      const token = `soak-${(i + j) % 1000}`; // distinct flights, tokens reused
      calls.push((j % 2 ? triggerSync : getSyncStatus)(token, root));
    }
    await Promise.all(calls);
    if ((i + batch) % (CALLS / 10) === 0) {
      globalThis.gc?.();
      samples.push({ calls: i + batch, rss: process.memoryUsage().rss, pages: pages() });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  globalThis.fetch = real;
  const warm = samples[1] ?? samples[0];
  const end = samples.at(-1);
  return { calls: CALLS, seconds, perSecond: CALLS / seconds, warm, end, samples };
}

/** The Chromium soak: runs in the page, samples after every tenth of the calls. */
async function soakChromium(sim) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${sim.url}/_sim/state`);
    const cdp = await page.context().newCDPSession(page);
    await page.evaluate(async (root) => {
      const glue = await import(`${root}/pkg/autopilot_sync.js`);
      const wasm = await glue.default();
      window.__soak = { glue, pages: () => wasm.memory.buffer.byteLength / 65536 };
    }, sim.url);
    // The same rotation of answers as in Node (its source, made in the page): no network,
    // the module's own cost.
    await page.evaluate(`globalThis.fetch = (${rotatingFetch})();`);
    const samples = [];
    const batch = 100;
    const t0 = performance.now();
    for (let i = 0; i < CHROMIUM_CALLS; i += CHROMIUM_CALLS / 10) {
      await page.evaluate(
        async ([from, count, batch]) => {
          const { glue } = window.__soak;
          const root = { baseUrl: "http://127.0.0.1:9" };
          for (let k = from; k < from + count; k += batch) {
            const calls = [];
            for (let j = 0; j < batch; j++) calls.push((j % 2 ? glue.triggerSync : glue.getSyncStatus)(`soak-${(k + j) % 1000}`, root));
            await Promise.all(calls);
          }
        },
        [i, CHROMIUM_CALLS / 10, batch],
      );
      await cdp.send("HeapProfiler.collectGarbage");
      const { usedSize } = await cdp.send("Runtime.getHeapUsage");
      samples.push({ calls: i + CHROMIUM_CALLS / 10, heap: usedSize, pages: await page.evaluate(() => window.__soak.pages()) });
    }
    const seconds = (performance.now() - t0) / 1000;
    return { calls: CHROMIUM_CALLS, seconds, perSecond: CHROMIUM_CALLS / seconds, warm: samples[1] ?? samples[0], end: samples.at(-1), samples };
  } finally {
    await browser.close();
  }
}

async function concurrentDistinctTokens(sim) {
  await sim.reset();
  const n = 1_000;
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => triggerSync(`soak-distinct-token-${i}`, { baseUrl: sim.url, timeoutMs: 60_000 })),
  );
  const posts = (await sim.requests()).filter((r) => r.method === "POST").length;
  const outcomes = {};
  for (const r of results) {
    const k = r.status === "fulfilled" ? r.value.outcome : `rejected:${r.reason?.code}`;
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  return { calls: n, settled: results.length, posts, outcomes };
}

async function graphSimConnections(sim) {
  await sim.reset();
  const n = 500;
  const url = `${sim.url}/beta/deviceManagement/windowsAutopilotSettings/sync`;
  const statuses = await Promise.all(
    Array.from({ length: n }, () =>
      fetch(url, { method: "POST", headers: { authorization: "Bearer sim-admin-token" } }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        (e) => `error:${e.cause?.code ?? e.message}`,
      ),
    ),
  );
  const counts = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return { connections: n, counts };
}

const node = await soakNode();
console.log(`soak (Node): ${node.calls} calls in ${node.seconds.toFixed(1)} s (${Math.round(node.perSecond)} calls/s)`);
for (const s of node.samples) console.log(`  after ${String(s.calls).padStart(7)} calls: RSS ${MB(s.rss)} MB, wasm memory ${s.pages} pages`);
console.log(
  `  after warm-up → end: RSS ${MB(node.warm.rss)} → ${MB(node.end.rss)} MB, wasm pages ${node.warm.pages} → ${node.end.pages}`,
);

const sim = await startGraphSim({ args: ["--cooldown-seconds", "600", "--mount", `/pkg=${join(REPO, "pkg")}`] });
try {
  const ch = await soakChromium(sim);
  console.log(`soak (Chromium): ${ch.calls} calls in ${ch.seconds.toFixed(1)} s (${Math.round(ch.perSecond)} calls/s)`);
  for (const s of ch.samples) console.log(`  after ${String(s.calls).padStart(7)} calls: JS heap ${KB(s.heap)} KB (after GC), wasm memory ${s.pages} pages`);
  console.log(`  after warm-up → end: JS heap ${KB(ch.warm.heap)} → ${KB(ch.end.heap)} KB, wasm pages ${ch.warm.pages} → ${ch.end.pages}`);
  const c = await concurrentDistinctTokens(sim);
  console.log(`1,000 concurrent calls, distinct tokens: ${c.settled} settled, ${c.posts} POSTs seen by graph-sim, outcomes ${JSON.stringify(c.outcomes)}`);
  const g = await graphSimConnections(sim);
  console.log(`graph-sim, ${g.connections} concurrent POSTs (one token): ${JSON.stringify(g.counts)}`);
} finally {
  await sim.stop();
}
