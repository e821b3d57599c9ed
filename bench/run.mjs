#!/usr/bin/env node
// `npm run bench`: autopilot-sync against (a) a hand-written fetch wrapper (the floor) and
// (b) @microsoft/microsoft-graph-client 3.x, all three bundled here with esbuild
// (bundle, minify, esm). Sections: 1 size, 2 start-up, 3 per-call CPU (fetch stubbed),
// 4 over the wire (graph-sim on loopback), 5 memory, 6 the 429 path. Prints a table and
// writes bench/out/results.json (plus a timestamped copy).
//
// Flags: --quick (fewer iterations, for development), --only=size,startup,cpu,wire,memory,throttle
// Needs pkg/ built (`node scripts/build.mjs`); builds graph-sim itself (cargo, debug).
// Every process it starts (graph-sim, Chromium, esbuild's service) is stopped on exit,
// on errors and on Ctrl-C.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/helpers/browser.mjs";
import { startGraphSim } from "../tests/helpers/graph-sim.mjs";
import { CORE_FILES, REPO, measureCore, measureFiles, readBudget } from "./size.mjs";

// ---------------------------------------------------------------- settings
const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const onlyArg = argv.find((a) => a.startsWith("--only="));
const SECTIONS = ["size", "startup", "cpu", "wire", "memory", "throttle"];
const only = onlyArg ? onlyArg.slice(7).split(",") : SECTIONS;
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${s} (${SECTIONS.join(", ")})`);
const N = QUICK
  ? { startupLoads: 8, cpuCalls: 2000, cpuWarm: 200, wireCalls: 200, wireWarm: 20, memWarm: 500, memCalls: 2000 }
  : { startupLoads: 30, cpuCalls: 20000, cpuWarm: 2000, wireCalls: 2000, wireWarm: 100, memWarm: 1000, memCalls: 10000 };
const NAMES = ["a", "b", "c"];
const CPU_BATCH = 10; // section 3 also times batches of 10 calls: p50 finer than 5 µs steps
const LABEL = { a: "(a) fetch wrapper", b: "(b) graph-client 3", c: "(c) autopilot-sync" };
const KB = 1024;
const TARGETS = {
  gzipBytes: 10 * KB, // #5: (c) wasm + glue, gzip -9
  coreGzipBytes: 30 * KB, // #9: the core download (wasm + glue + entries + contract.js), gzip -9
  coreAimGzipBytes: 20 * KB, // #9's aim for the same
  cpuRatio: 2.0, // (c)/(a) per-call p50 in-page
  instantiateMs: 5, // median WebAssembly.instantiate
  wasmPageGrowth: 0, // after warm-up
  throttleRequests: 1,
  throttleMs: 50,
};

const OUT = join(REPO, "bench/out");
const WWW = join(OUT, "www");
const BUILD = join(OUT, "build");
const PKG = join(BUILD, "pkg"); // snapshot of pkg/: others may rebuild it during a run
const EVAL_TIMEOUT_MS = 240_000;
const log = (...a) => console.error("[bench]", ...a);

// ---------------------------------------------------------------- clean-up
let sim;
let browser;
let cleaning;
let stopping = false;
function cleanup() {
  cleaning ??= (async () => {
    await Promise.race([browser?.close().catch(() => {}), sleep(10_000)]);
    await sim?.stop().catch(() => {});
    await esbuild.stop?.();
  })();
  return cleaning;
}
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(code));
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}

// ---------------------------------------------------------------- statistics
function stats(values) {
  const s = Float64Array.from(values).sort();
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, p50: at(0.5), p99: at(0.99), mean: sum / s.length, min: s[0], max: s[s.length - 1] };
}
const round = (x, d = 3) => (x == null || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

// ---------------------------------------------------------------- build
async function bundle(entry, outfile) {
  await esbuild.build({
    alias: { "autopilot-sync": join(PKG, "index.js") },
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    logLevel: "error",
    absWorkingDir: REPO,
  });
}

/**
 * Copies pkg/ into the build folder once, so every section measures the same files even
 * when pkg/ is rebuilt meanwhile; retries while pkg/ is being written (wasm-opt rewrites
 * the wasm in place after wasm-bindgen).
 */
async function snapshotPkg() {
  const src = join(REPO, "pkg");
  if (!CORE_FILES.every((f) => existsSync(join(REPO, f)))) {
    throw new Error("pkg/ is not built: run `node scripts/build.mjs` (or `npm run bench`)");
  }
  const stamp = () => readdirSync(src).map((f) => `${f}:${statSync(join(src, f)).mtimeMs}:${statSync(join(src, f)).size}`).join("|");
  for (let attempt = 1; ; attempt++) {
    const before = stamp();
    const youngest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
    if (Date.now() - youngest > 3000 || attempt > 10) {
      rmSync(PKG, { recursive: true, force: true });
      cpSync(src, PKG, { recursive: true });
      const wasm = readFileSync(join(PKG, "autopilot_sync_bg.wasm"));
      if (stamp() === before && WebAssembly.validate(wasm)) {
        return { bytes: wasm.length, sha256: createHash("sha256").update(wasm).digest("hex").slice(0, 16), mtime: new Date(youngest).toISOString() };
      }
      if (attempt > 10) throw new Error("pkg/ keeps changing or its wasm is invalid; try again when nobody is building");
    }
    log("pkg/ is being written; waiting");
    await sleep(2000);
  }
}

async function buildAll() {
  log("cargo build -p graph-sim");
  try {
    execFileSync("cargo", ["build", "-p", "graph-sim", "--quiet"], { cwd: REPO, stdio: ["ignore", "inherit", "inherit"] });
  } catch (e) {
    if (!existsSync(join(REPO, "target/debug/graph-sim"))) throw e;
    log("cargo build -p graph-sim failed (work in progress?); using the graph-sim binary already built");
  }

  rmSync(WWW, { recursive: true, force: true });
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(WWW, { recursive: true });
  mkdirSync(BUILD, { recursive: true });
  const pkgSnapshot = await snapshotPkg();
  log("esbuild --bundle --minify --format=esm: a, b, c, msal");
  await bundle("bench/comparators/fetch-wrapper.js", join(WWW, "a.js"));
  await bundle("bench/comparators/graph-client.js", join(WWW, "b.js"));
  await bundle("bench/comparators/autopilot-sync.js", join(WWW, "c.js"));
  copyFileSync(join(PKG, "autopilot_sync_bg.wasm"), join(WWW, "autopilot_sync_bg.wasm"));
  for (const f of ["hook.js", "harness.js", "bench.html", "startup.html"]) {
    copyFileSync(join(REPO, "bench/page", f), join(WWW, f));
  }

  // MSAL's share: MSAL alone (a consumer of PublicClientApplication), and a consumer of
  // the package's sign-in entry (pkg/msal.js, `autopilot-sync/msal`) when it exists.
  writeFileSync(
    join(BUILD, "msal-alone.js"),
    `import { PublicClientApplication } from "@azure/msal-browser";\n` +
      `export const signIn = (config) => new PublicClientApplication(config);\n`,
  );
  await bundle(join(BUILD, "msal-alone.js"), join(BUILD, "msal-alone.bundle.js"));
  const hasPkgMsal = existsSync(join(PKG, "msal.js"));
  if (hasPkgMsal) {
    writeFileSync(
      join(BUILD, "msal-entry.js"),
      `export * as signIn from ${JSON.stringify(join(PKG, "msal.js"))};\n` +
        `export { triggerSync } from "autopilot-sync";\n`,
    );
    await bundle(join(BUILD, "msal-entry.js"), join(BUILD, "msal-entry.bundle.js"));
  }
  return { hasPkgMsal, pkgSnapshot };
}

// ---------------------------------------------------------------- 1. size
const msalWasm = () => (existsSync(join(PKG, "msal")) ? readdirSync(join(PKG, "msal")).filter((f) => f.endsWith(".wasm")).map((f) => join(PKG, "msal", f)) : []);

function sectionSize(hasPkgMsal) {
  const core = measureCore(PKG);
  const rows = {
    a: measureFiles([join(WWW, "a.js")]),
    b: measureFiles([join(WWW, "b.js")]),
    c_pkg: core,
    c_bundle: measureFiles([join(WWW, "c.js"), join(WWW, "autopilot_sync_bg.wasm")]),
    c_wasm: measureFiles([join(PKG, "autopilot_sync_bg.wasm")]),
    msalAlone: measureFiles([join(BUILD, "msal-alone.bundle.js")]),
    // triggerSync + createMsalTokenProvider consumer: its JS minus the triggerSync-only
    // consumer's JS is what sign-in adds (the wasm is the same file).
    // plus any wasm of its own that the sign-in entry loads (pkg/msal/*.wasm).
    cMsal: hasPkgMsal ? measureFiles([join(BUILD, "msal-entry.bundle.js"), ...msalWasm()]) : null,
  };
  const budget = existsSync(join(REPO, "bench/size-budget.json")) ? readBudget() : null;
  return { ...rows, budget };
}

// ---------------------------------------------------------------- browser helpers
// The 429 section's answers are expected: Chromium logs each as a failed resource.
const EXPECTED_CONSOLE = /status of 429 \(Too Many Requests\)/;

async function freshPage(url, { isolated = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => log(`pageerror (${url}): ${e.message}`));
  page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && !EXPECTED_CONSOLE.test(m.text())) log(`console.${m.type()} (${url}): ${m.text()}`);
  });
  if (isolated) {
    // COOP + COEP on the document only, so performance.now() has 5 µs resolution instead
    // of 100 µs; interception is removed before anything is measured.
    await page.route(url, async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        headers: { ...res.headers(), "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" },
      });
    });
  }
  await page.goto(url);
  if (isolated) await page.unrouteAll();
  return { context, page };
}

async function benchPage(isolated, names = NAMES) {
  const p = await freshPage(`${sim.url}/bench.html`, { isolated });
  await p.page.waitForFunction(() => globalThis.bench !== undefined, null, { timeout: 30_000 });
  await withTimeout(p.page.evaluate((n) => globalThis.bench.load(n), names), 60_000, "load");
  p.info = await p.page.evaluate(() => globalThis.bench.info());
  return p;
}

const evaluate = (page, fn, arg, what) => withTimeout(page.evaluate(fn, arg), EVAL_TIMEOUT_MS, what);

// ---------------------------------------------------------------- 2. start-up
async function sectionStartup() {
  const kinds = [...NAMES.map((c) => ({ key: c, query: `c=${c}` })), { key: "c_bytes", query: "c=c&bytes=1" }];
  const samples = Object.fromEntries(kinds.map((k) => [k.key, []]));
  for (let i = 0; i < N.startupLoads; i++) {
    for (let s = 0; s < kinds.length; s++) {
      const k = kinds[(i + s) % kinds.length];
      const { context, page } = await freshPage(`${sim.url}/startup.html?${k.query}`);
      try {
        await page.waitForFunction(() => window.__startup !== undefined, null, { timeout: 30_000 });
        const r = await page.evaluate(() => window.__startup);
        if (r.error) throw new Error(`start-up page ${k.query}: ${r.error}`);
        samples[k.key].push(r);
      } finally {
        await context.close();
      }
    }
  }
  const out = {};
  for (const c of NAMES) {
    out[c] = { importToReadyMs: stats(samples[c].map((r) => r.readyMs)), importMs: stats(samples[c].map((r) => r.importMs)) };
  }
  out.c.instantiateStreamingMs = stats(samples.c.map((r) => r.wasm.reduce((t, w) => t + w.ms, 0)));
  out.c.wasmFetchMs = stats(samples.c.map((r) => r.fetched["autopilot_sync_bg.wasm"] ?? NaN));
  for (const c of NAMES) out[c].bundleFetchMs = stats(samples[c].map((r) => r.fetched[`${c}.js`] ?? NaN));
  out.instantiate = {
    note: "fresh page; bytes fetched first, untimed; init(bytes) → WebAssembly.instantiate(bytes, imports) timed by a wrapper",
    instantiateMs: stats(samples.c_bytes.map((r) => r.wasm.find((w) => w.name === "instantiate")?.ms ?? NaN)),
    initFromBytesMs: stats(samples.c_bytes.map((r) => r.readyMs - r.importMs)),
  };
  out.loads = N.startupLoads;
  return out;
}

// ---------------------------------------------------------------- 3./4. per call
function summarise(raw) {
  const out = {};
  for (const c of NAMES) {
    const s = stats(raw[c].times);
    out[c] = { p50Us: s.p50 * 1000, p99Us: s.p99 * 1000, meanUs: s.mean * 1000, n: s.n, outcomes: raw[c].outcomes };
    if (raw[c].batchMeans) out[c].batchP50Us = stats(raw[c].batchMeans).p50 * 1000;
  }
  for (const c of ["b", "c"]) {
    out[`${c}/a`] = { p50: out[c].p50Us / out.a.p50Us, p99: out[c].p99Us / out.a.p99Us, mean: out[c].meanUs / out.a.meanUs };
    if (out[c].batchP50Us) out[`${c}/a`].batchP50 = out[c].batchP50Us / out.a.batchP50Us;
  }
  return out;
}

async function sectionCpu() {
  const { context, page, info } = await benchPage(true);
  try {
    const raw = await evaluate(page, ([n, w, b]) => globalThis.bench.cpu(["a", "b", "c"], n, w, b), [N.cpuCalls, N.cpuWarm, CPU_BATCH], "cpu");
    return { ...summarise(raw), calls: N.cpuCalls, warmup: N.cpuWarm, batchSize: CPU_BATCH, crossOriginIsolated: info.crossOriginIsolated };
  } finally {
    await context.close();
  }
}

async function sectionWire() {
  await sim.reset();
  const { context, page, info } = await benchPage(true);
  try {
    const raw = await evaluate(page, ([n, w]) => globalThis.bench.wire(["a", "b", "c"], n, w), [N.wireCalls, N.wireWarm], "wire");
    await sim.clearRequests();
    return { ...summarise(raw), calls: N.wireCalls, warmup: N.wireWarm, crossOriginIsolated: info.crossOriginIsolated };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- 5. memory
async function sectionMemory() {
  const out = {};
  for (const c of NAMES) {
    const { context, page } = await benchPage(false, [c]);
    try {
      const cdp = await context.newCDPSession(page);
      const snapshot = async () => {
        await cdp.send("HeapProfiler.collectGarbage");
        const heap = await cdp.send("Runtime.getHeapUsage");
        return { heapUsedBytes: heap.usedSize, wasmPages: await page.evaluate(() => globalThis.bench.wasmPages()) };
      };
      const afterInit = await snapshot();
      await evaluate(page, ([name, n]) => globalThis.bench.calls(name, n), [c, N.memWarm], "memory warm-up");
      const afterWarm = await snapshot();
      const started = await evaluate(page, ([name, n]) => globalThis.bench.calls(name, n), [c, N.memCalls], "memory calls");
      const after = await snapshot();
      out[c] = {
        afterInit,
        afterWarm,
        after,
        started,
        heapGrowthBytes: after.heapUsedBytes - afterWarm.heapUsedBytes,
        wasmPageGrowth: after.wasmPages == null ? null : after.wasmPages - afterWarm.wasmPages,
      };
    } finally {
      await context.close();
    }
  }
  out.calls = N.memCalls;
  out.warmup = N.memWarm;
  return out;
}

// ---------------------------------------------------------------- 6. 429
async function sectionThrottle() {
  await sim.reset();
  const { context, page } = await benchPage(false);
  const clearFaults = () => fetch(`${sim.url}/_sim/faults`, { method: "DELETE" });
  const out = {};
  try {
    for (const c of NAMES) {
      await clearFaults();
      await sim.clearRequests();
      await sim.fault({ kind: "status", status: 429, count: 10, method: "POST", headers: { "Retry-After": "1" } });
      const r = await evaluate(page, (name) => globalThis.bench.once(name), c, "429 call");
      const wire = (await sim.requests()).filter((q) => q.method === "POST" && /windowsAutopilotSettings\//.test(q.path));
      out[c] = { ...r, requests: wire.length, statuses: wire.map((q) => q.status) };
    }
  } finally {
    await clearFaults().catch(() => {});
    await context.close();
  }
  out.fault = '{"kind":"status","status":429,"count":10,"headers":{"Retry-After":"1"}}';
  return out;
}

// ---------------------------------------------------------------- report
function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((x) => String(x ?? "—")));
  const w = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  return [line(cells[0]), w.map((n) => "-".repeat(n)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
const int = (n) => (n == null ? "—" : Math.round(n).toLocaleString("en-US"));
const f1 = (n) => (n == null ? "—" : n.toFixed(1));
const f2 = (n) => (n == null ? "—" : n.toFixed(2));
const f3 = (n) => (n == null ? "—" : n.toFixed(3));

function target(name, value, limit, unit, fmt = f2) {
  if (value == null || Number.isNaN(value)) return { name, value: null, limit, pass: null, text: "not measured" };
  const pass = value <= limit;
  const diff = value - limit;
  const pct = limit === 0 ? "" : ` (${diff >= 0 ? "+" : ""}${((diff / limit) * 100).toFixed(0)}%)`;
  const text = pass ? `PASS (${fmt(value)} ${unit} <= ${fmt(limit)})` : `MISS by ${fmt(diff)} ${unit}${pct}: ${fmt(value)} > ${fmt(limit)}`;
  return { name, value, limit, unit, pass, text };
}

function report(r) {
  const out = [];
  const targets = [];
  const say = (s = "") => out.push(s);
  say(`autopilot-sync benchmark — ${r.env.date}${QUICK ? " (--quick)" : ""}`);
  say(`${r.env.chromium}, Node ${r.env.node}, ${r.env.cpus} CPUs, load ${r.env.loadavg.map(f2).join(" ")}; shared machine: read the ratios.`);

  if (r.size) {
    const s = r.size;
    say("\n1. Size (bytes; gzip -9 and brotli q11 per file, summed)");
    const row = (label, m) => [label, int(m.total.raw), int(m.total.gzip), int(m.total.brotli)];
    say(
      table(["what a page downloads", "raw", "gzip", "brotli"], [
        row("(a) fetch wrapper, bundle", s.a),
        row("(b) graph-client 3, bundle", s.b),
        row("(c) pkg: wasm + autopilot_sync.js + index.js + load.js + contract.js", s.c_pkg),
        row("(c) esbuild bundle of a consumer + wasm", s.c_bundle),
        row("    of which the wasm", s.c_wasm),
        row("MSAL alone: consumer of PublicClientApplication", s.msalAlone),
        ...(s.cMsal
          ? [
              row(`(c) + sign-in: consumer of triggerSync + autopilot-sync/msal${s.cMsal.files.length > 1 ? " (JS + its wasm)" : " (JS)"}`, s.cMsal),
              ["    sign-in's share (that − (c) consumer JS)", ...["raw", "gzip", "brotli"].map((k) => int(s.cMsal.total[k] - s.c_bundle.files[0][k]))],
            ]
          : [["(c) + sign-in: pkg/msal.js not built yet: MSAL alone above is its share", "", "", ""]]),
      ]),
    );
    if (s.budget) say(`CI budget (bench/size-budget.json): ${int(s.budget.gzipBytes)} B gzip for pkg wasm + glue; now ${int(s.c_pkg.total.gzip)} B`);
    targets.push(target("#9: (c) core download gzip <= 30 KB (30,720 B)", s.c_pkg.total.gzip, TARGETS.coreGzipBytes, "B", int));
    targets.push(target("#9: same, aim 20 KB (20,480 B)", s.c_pkg.total.gzip, TARGETS.coreAimGzipBytes, "B", int));
    targets.push(target("#5: (c) pkg wasm + glue gzip <= 10 KB (10,240 B)", s.c_pkg.total.gzip, TARGETS.gzipBytes, "B", int));
    targets.push(target("#5: (c) bundled consumer + wasm gzip < (b) bundle gzip", s.c_bundle.total.gzip, s.b.total.gzip, "B", int));
  }

  if (r.startup) {
    const s = r.startup;
    say(`\n2. Start-up in headless Chromium (ms, ${s.loads} fresh page loads each, files from graph-sim on loopback)`);
    say(
      table(["", "p50", "p99"], [
        ...NAMES.flatMap((c) => [
          [`${LABEL[c]}: import → ready`, f2(s[c].importToReadyMs.p50), f2(s[c].importToReadyMs.p99)],
          ["    of which import() of the bundle", f2(s[c].importMs.p50), f2(s[c].importMs.p99)],
          ["    bundle fetch (resource timing)", f2(s[c].bundleFetchMs.p50), f2(s[c].bundleFetchMs.p99)],
        ]),
        ["(c) wasm fetch (resource timing)", f2(s.c.wasmFetchMs.p50), f2(s.c.wasmFetchMs.p99)],
        ["(c) instantiateStreaming in init (compile while streaming)", f2(s.c.instantiateStreamingMs.p50), f2(s.c.instantiateStreamingMs.p99)],
        ["(c) WebAssembly.instantiate(bytes) alone, fresh page", f2(s.instantiate.instantiateMs.p50), f2(s.instantiate.instantiateMs.p99)],
        ["(c) init(bytes): instantiate + wasm-bindgen start", f2(s.instantiate.initFromBytesMs.p50), f2(s.instantiate.initFromBytesMs.p99)],
      ]),
    );
    say(`ready: (a) module loaded; (b) Client.initWithMiddleware; (c) init() resolved. import→ready ratios (c)/(a) ${f1(s.c.importToReadyMs.p50 / s.a.importToReadyMs.p50)}, (b)/(a) ${f1(s.b.importToReadyMs.p50 / s.a.importToReadyMs.p50)}`);
    targets.push(target("wasm instantiate median <= 5 ms", s.instantiate.instantiateMs.p50, TARGETS.instantiateMs, "ms"));
  }

  const perCall = (title, s) => {
    say(`\n${title}`);
    const batch = s.a.batchP50Us != null;
    const ratio = (c, k) => (c === "a" ? "1" : f2(s[`${c}/a`][k]));
    say(
      table(
        ["µs per call", "p50", "p99", "mean", ...(batch ? [`p50 of ${s.batchSize}-call means`] : []), "p50 ÷ (a)", "p99 ÷ (a)", "mean ÷ (a)", ...(batch ? ["batch p50 ÷ (a)"] : []), "outcomes"],
        NAMES.map((c) => [
          LABEL[c], f1(s[c].p50Us), f1(s[c].p99Us), f1(s[c].meanUs), ...(batch ? [f2(s[c].batchP50Us)] : []),
          ratio(c, "p50"), ratio(c, "p99"), ratio(c, "mean"), ...(batch ? [ratio(c, "batchP50")] : []),
          Object.entries(s[c].outcomes).map(([k, v]) => `${k} ${v}`).join(", "),
        ]),
      ),
    );
    say(`timer: performance.now() ${s.crossOriginIsolated ? "cross-origin isolated (5 µs steps)" : "not isolated (100 µs steps)"}`);
  };
  if (r.cpu) {
    perCall(`3. Per-call CPU in-page (fetch stubbed: 204 at once; ${int(r.cpu.calls)} interleaved awaited calls each after ${int(r.cpu.warmup)} warm-up)`, r.cpu);
    say("(b)/(a) and (c)/(a) are the result; the single-call p50 moves in 5 µs steps, the 10-call means do not.");
    targets.push(target("#5, #9: (c)/(a) per-call p50 in-page <= 2.0", r.cpu["c/a"].p50, TARGETS.cpuRatio, "×"));
    targets.push(target("  same, p50 of 10-call means", r.cpu["c/a"].batchP50, TARGETS.cpuRatio, "×"));
  }
  if (r.wire) {
    perCall(`4. Over the wire (graph-sim on loopback, 204 each; ${int(r.wire.calls)} interleaved awaited calls each after ${int(r.wire.warmup)} warm-up)`, r.wire);
    say("(b) talks only to https Graph hosts: its https://graph.microsoft.com URL is swapped for the simulator's by a one-line in-page fetch wrapper.");
  }

  if (r.memory) {
    const m = r.memory;
    say(`\n5. Memory (fetch stubbed; after GC; ${int(m.warmup)} warm-up calls, then ${int(m.calls)} calls; fresh page each)`);
    say(
      table(["", "JS heap after warm-up", `after ${int(m.calls)}`, "growth (B)", "wasm pages init→warm→end", "page growth"], NAMES.map((c) => [
        LABEL[c], int(m[c].afterWarm.heapUsedBytes), int(m[c].after.heapUsedBytes), int(m[c].heapGrowthBytes),
        m[c].after.wasmPages == null ? "—" : `${m[c].afterInit.wasmPages}→${m[c].afterWarm.wasmPages}→${m[c].after.wasmPages}`,
        m[c].wasmPageGrowth ?? "—",
      ])),
    );
    targets.push(target("memory growth after warm-up: 0 wasm pages", m.c.wasmPageGrowth, TARGETS.wasmPageGrowth, "pages", (x) => String(x)));
  }

  if (r.throttle) {
    const t = r.throttle;
    say(`\n6. 429 with Retry-After: 1 (graph-sim fault ${t.fault})`);
    say(
      table(["", "requests on the wire", "time to answer (ms)", "outcome", "retryAfterSeconds"], NAMES.map((c) => [
        LABEL[c], t[c].requests, int(t[c].ms), t[c].outcome, t[c].retryAfterSeconds,
      ])),
    );
    targets.push(target("429: (c) sends exactly 1 request", t.c.requests, TARGETS.throttleRequests, "requests", String));
    if (t.c.requests < TARGETS.throttleRequests) targets[targets.length - 1] = { ...targets.at(-1), pass: false, text: `MISS: ${t.c.requests} requests` };
    targets.push(target("429: (c) answers in < 50 ms", t.c.ms, TARGETS.throttleMs, "ms", f1));
  }

  say("\nTargets");
  say(table(["target", "result"], targets.map((t) => [t.name, t.text])));
  return { text: out.join("\n"), targets };
}

// ---------------------------------------------------------------- main
async function main() {
  const t0 = Date.now();
  const results = {
    env: {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg(),
      quick: QUICK,
      iterations: N,
      commit: (() => {
        try {
          return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO }).toString().trim();
        } catch {
          return null;
        }
      })(),
    },
  };
  const { hasPkgMsal, pkgSnapshot } = await buildAll();
  results.env.wasm = pkgSnapshot;
  if (only.includes("size")) results.size = sectionSize(hasPkgMsal);

  if (only.some((s) => s !== "size")) {
    sim = await startGraphSim({ args: ["--static", WWW, "--cooldown-seconds", "0", "--sync-duration-ms", "0"] });
    log(`graph-sim ${sim.url}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    results.env.chromium = `Chromium ${browser.version()}`;
    const steps = [["startup", sectionStartup], ["cpu", sectionCpu], ["wire", sectionWire], ["memory", sectionMemory], ["throttle", sectionThrottle]];
    for (const [name, fn] of steps) {
      if (!only.includes(name)) continue;
      const ts = Date.now();
      log(`${name}…`);
      results[name] = await fn();
      log(`${name} done in ${((Date.now() - ts) / 1000).toFixed(1)} s`);
    }
  }
  results.env.chromium ??= "Chromium (not started)";
  results.env.seconds = (Date.now() - t0) / 1000;

  const { text, targets } = report(results);
  results.targets = targets;
  console.log(text);
  mkdirSync(OUT, { recursive: true });
  const json = JSON.stringify(results, (k, v) => (typeof v === "number" ? round(v, 4) : v), 2);
  writeFileSync(join(OUT, "results.json"), json + "\n");
  writeFileSync(join(OUT, `results-${results.env.date.replace(/[:.]/g, "-")}.json`), json + "\n");
  log(`wrote bench/out/results.json (${results.env.seconds.toFixed(0)} s)`);
}

try {
  await main();
} catch (e) {
  if (!stopping) console.error(e);
  process.exitCode = 1;
} finally {
  await cleanup();
}
