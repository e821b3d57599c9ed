// The packed tarball where users embed it: CommonJS `require` in Node 20, an install
// without the optional MSAL peer, a module Worker in Chromium, and Vite 7's dev server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { installTarball, ROOT } from "./helpers/tarball.mjs";

const TOKEN = "sim-admin-token";
let scratch, sim, browser;

before(async () => {
  scratch = installTarball("autopilot-sync-embed-");
  sim = await startGraphSim({ args: ["--static", scratch.dir] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  scratch?.remove();
});

/** A port nobody listens on now (Vite treats port 0 as "the default, 5173"). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const node = (file) => execFileSync(process.execPath, [file], { cwd: scratch.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("package.json: MSAL is an optional peer dependency, and a require condition exists", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.equal(pkg.dependencies?.["@azure/msal-browser"], undefined, "MSAL is no hard dependency");
  assert.ok(pkg.peerDependencies["@azure/msal-browser"], "MSAL is a peer dependency");
  assert.deepEqual(pkg.peerDependenciesMeta["@azure/msal-browser"], { optional: true });
  assert.ok(pkg.devDependencies["@azure/msal-browser"], "the tests still have MSAL");
  assert.equal(pkg.exports["."].node.require, "./pkg/index.cjs");
  assert.equal(pkg.exports["./element"].default, "./pkg/element.js");
});

test("Node 20 CommonJS: require('autopilot-sync') loads synchronously and triggerSync works", async () => {
  await sim.reset();
  writeFileSync(
    join(scratch.dir, "consumer.cjs"),
    `const api = require("autopilot-sync");
     const { triggerSync, getSyncStatus, createSyncClient } = api;
     if (typeof triggerSync !== "function" || typeof createSyncClient !== "function") throw new Error("missing exports");
     // The wasm is loaded by require itself: a client works at once, without init().
     const client = createSyncClient({ getToken: async () => ${JSON.stringify(TOKEN)}, baseUrl: ${JSON.stringify(sim.url)} });
     (async () => {
       await api.default();
       const r = await triggerSync(${JSON.stringify(TOKEN)}, { baseUrl: ${JSON.stringify(sim.url)} });
       const s = await client.getSyncStatus();
       let refused;
       try { await triggerSync("", {}); } catch (e) { refused = { name: e.name, code: e.code, instance: e instanceof api.SyncError }; }
       console.log(JSON.stringify({ r, s, refused, resolved: require.resolve("autopilot-sync") }));
     })().catch((e) => { console.error(e); process.exit(1); });`,
  );
  const out = JSON.parse(node("consumer.cjs"));
  assert.equal(out.r.outcome, "started");
  assert.equal(out.r.httpStatus, 204);
  assert.equal(out.s.ok, true);
  assert.equal(out.s.syncStatus, "inProgress");
  assert.deepEqual(out.refused, { name: "SyncError", code: "invalidToken", instance: true });
  assert.match(out.resolved, /autopilot-sync[\\/]pkg[\\/]index\.cjs$/);
  const requests = await sim.requests();
  assert.deepEqual(requests.map((q) => q.method), ["POST", "GET"], "one POST and one GET on the wire");
});

test("CommonJS exports exactly what ESM does; the ESM Node entry has no top-level await", () => {
  writeFileSync(join(scratch.dir, "esm.mjs"), `import * as api from "autopilot-sync"; console.log(Object.keys(api).sort().join(","));`);
  writeFileSync(join(scratch.dir, "keys.cjs"), `console.log(Object.keys(require("autopilot-sync")).sort().join(","));`);
  const esm = node("esm.mjs").trim();
  assert.match(esm, /(^|,)SyncError,/);
  assert.match(esm, /(^|,)triggerSync$/);
  assert.equal(node("keys.cjs").trim(), esm);
  const entry = readFileSync(join(scratch.dir, "node_modules/autopilot-sync/pkg/node.js"), "utf8");
  assert.doesNotMatch(entry, /^\s*await\b|[=(]\s*await\b/m, "the Node entry loads without top-level await");
});

test("without @azure/msal-browser: the core works, and the msal entry rejects with a SyncError", async () => {
  await sim.reset();
  assert.equal(existsSync(join(scratch.dir, "node_modules/@azure/msal-browser")), false, "npm did not install the optional peer");
  writeFileSync(
    join(scratch.dir, "no-msal.mjs"),
    `import { triggerSync, SyncError } from "autopilot-sync";
     import init, { createMsalTokenProvider } from "autopilot-sync/msal";
     const r = await triggerSync(${JSON.stringify(TOKEN)}, { baseUrl: ${JSON.stringify(sim.url)} });
     const errors = [];
     for (let i = 0; i < 2; i++) {
       try {
         await createMsalTokenProvider({ clientId: "11111111-2222-3333-4444-555555555555" });
         errors.push(null);
       } catch (e) {
         errors.push({ isError: e instanceof SyncError, name: e.name, code: e.code, message: e.message, cause: e.cause?.code ?? String(e.cause) });
       }
     }
     console.log(JSON.stringify({ outcome: r.outcome, errors, init: typeof init }));`,
  );
  const out = JSON.parse(node("no-msal.mjs"));
  assert.equal(out.outcome, "started", "the core works without MSAL");
  for (const e of out.errors) {
    assert.ok(e, "createMsalTokenProvider rejected");
    assert.equal(e.isError, true, "instanceof the package's SyncError");
    assert.equal(e.name, "SyncError");
    assert.equal(e.code, "msalUnavailable");
    assert.match(e.message, /@azure\/msal-browser/);
    assert.match(e.message, /npm install @azure\/msal-browser/);
    assert.match(e.cause, /ERR_MODULE_NOT_FOUND/, "the resolution error is kept as cause");
  }
});

test("module Worker in Chromium: triggerSync and getSyncStatus inside the worker", async () => {
  await sim.reset();
  writeFileSync(
    join(scratch.dir, "sync-worker.js"),
    `import init, { triggerSync, getSyncStatus } from "./node_modules/autopilot-sync/pkg/index.js";
     self.onmessage = async ({ data }) => {
       try {
         await init();
         const r = await triggerSync(data.token, { baseUrl: data.baseUrl });
         const s = await getSyncStatus(data.token, { baseUrl: data.baseUrl });
         self.postMessage({ r, s, isWorker: typeof WorkerGlobalScope === "function" && self instanceof WorkerGlobalScope, hasWindow: typeof window !== "undefined" });
       } catch (e) {
         self.postMessage({ error: String(e) });
       }
     };`,
  );
  writeFileSync(
    join(scratch.dir, "worker.html"),
    `<!doctype html><script type="module">
       const worker = new Worker(new URL("./sync-worker.js", import.meta.url), { type: "module" });
       worker.onerror = (e) => { document.body.dataset.result = JSON.stringify({ error: e.message ?? "worker error" }); };
       worker.onmessage = ({ data }) => { document.body.dataset.result = JSON.stringify(data); };
       worker.postMessage({ token: ${JSON.stringify(TOKEN)}, baseUrl: location.origin });
     </script>`,
  );
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${sim.url}/worker.html`);
    await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 20000 });
    const out = JSON.parse(await page.evaluate(() => document.body.dataset.result));
    assert.equal(out.error, undefined, out.error);
    assert.equal(out.isWorker, true);
    assert.equal(out.hasWindow, false, "no window in a worker: the package uses the global fetch");
    assert.equal(out.r.outcome, "started");
    assert.equal(out.r.httpStatus, 204);
    assert.equal(out.s.ok, true);
    assert.equal(out.s.syncStatus, "inProgress");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("Vite 7 dev server: the README's one line of config, a tiny app, a sync result in Chromium", async () => {
  await sim.reset();
  const { createServer, version } = await import("vite");
  assert.match(version, /^7\./, "the devDependency is Vite 7");
  const app = join(scratch.dir, "vite-app");
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "index.html"), `<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>`);
  writeFileSync(
    join(app, "main.js"),
    `import init, { triggerSync } from "autopilot-sync";
     await init();
     const r = await triggerSync(${JSON.stringify(TOKEN)}, { baseUrl: ${JSON.stringify(sim.url)} });
     document.body.dataset.outcome = r.outcome;`,
  );
  // The README's line: optimizeDeps: { exclude: ["autopilot-sync"] }.
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  assert.match(readme, /optimizeDeps: \{ exclude: \["autopilot-sync"\] \}/);
  const server = await createServer({
    root: app,
    configFile: false,
    logLevel: "silent",
    clearScreen: false,
    cacheDir: join(app, ".vite"),
    server: { host: "127.0.0.1", port: await freePort(), strictPort: true, hmr: false },
    optimizeDeps: { exclude: ["autopilot-sync"] },
  });
  await server.listen();
  const page = await browser.newPage();
  try {
    const url = server.resolvedUrls.local[0];
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const wasm = [];
    page.on("response", (res) => {
      if (res.url().includes(".wasm")) wasm.push(`${res.status()} ${res.headers()["content-type"]}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => document.body?.dataset.outcome, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => document.body.dataset.outcome), "started");
    assert.deepEqual(wasm, ["200 application/wasm"], "the wasm came from the dev server as wasm, not as HTML");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test("TypeScript: the element's types from the installed tarball, under --strict", () => {
  copyFileSync(join(ROOT, "tests/types/element.ts"), join(scratch.dir, "element-usage.mts"));
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  const args = ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", "element-usage.mts"];
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: scratch.dir, stdio: "pipe", encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`);
  }
});
