// The packed tarball, installed into scratch projects: Node 20 ESM, an esbuild browser
// bundle (which must not contain MSAL) and a plain <script type="module"> page.
import { after, before } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "sim-admin-token";
// A child process that hangs fails its test instead of stopping the run.
const CHILD = { timeout: 90_000, killSignal: "SIGKILL" };
let scratch, sim, tarball;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "autopilot-sync-pack-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: root, encoding: "utf8", ...CHILD }));
  tarball = join(scratch, packed[0].filename);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball], { cwd: scratch, stdio: "ignore", ...CHILD });
  sim = await startGraphSim({ args: ["--static", scratch] });
});

after(async () => {
  await sim?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the tarball ships exactly the files listed", () => {
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: root, encoding: "utf8", ...CHILD }));
  const files = packed[0].files.map((f) => f.path).sort();
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.deepEqual(files, [...pkg.files, "package.json", "README.md", "LICENSE"].sort());
  assert.equal(pkg.type, "module");
  assert.deepEqual(Object.keys(pkg.exports["."])[0], "types", "types first in the exports map");
});

test("Node 20 ESM: import, init() without arguments, triggerSync", async () => {
  await sim.reset();
  writeFileSync(
    join(scratch, "node-consumer.mjs"),
    `import init, { triggerSync } from "autopilot-sync";
     await init(); await init();
     const r = await triggerSync(${JSON.stringify(TOKEN)}, { baseUrl: ${JSON.stringify(sim.url)} });
     console.log(JSON.stringify(r));`,
  );
  const out = execFileSync(process.execPath, ["node-consumer.mjs"], { cwd: scratch, encoding: "utf8", ...CHILD });
  const r = JSON.parse(out);
  assert.equal(r.outcome, "started");
  assert.equal(r.httpStatus, 204);
});

test("the tarball exports the contract as frozen values, and every kind of rejection is instanceof SyncError", async () => {
  await sim.reset();
  writeFileSync(
    join(scratch, "errors-consumer.mjs"),
    `import { readFile } from "node:fs/promises";
     import * as api from "autopilot-sync";
     import initMsal, { createMsalTokenProvider } from "./node_modules/autopilot-sync/pkg/msal/autopilot_sync_msal.js";
     const { SyncError, Outcome, SyncErrorCode, Cloud, SyncState, triggerSync, createSyncClient } = api;
     const base = ${JSON.stringify(sim.url)};
     const out = { constants: {}, errors: [] };
     for (const [name, c] of Object.entries({ Outcome, SyncErrorCode, Cloud, SyncState })) {
       out.constants[name] = { frozen: Object.isFrozen(c), values: Object.entries(c) };
     }
     const seen = (kind, e) => out.errors.push({
       kind, instance: e instanceof SyncError, isError: e instanceof Error, name: e?.name, code: e?.code,
       errorCode: e?.errorCode ?? null, causeCode: e?.cause?.errorCode ?? e?.cause?.message ?? null,
     });
     const rejection = async (kind, f) => { try { await f(); seen(kind, { name: "resolved" }); } catch (e) { seen(kind, e); } };
     await rejection("invalidToken", () => triggerSync("", { baseUrl: base }));
     await rejection("invalidOptions", () => triggerSync("t", { baseURL: base }));
     await rejection("invalidOptions", () => createSyncClient({ getToken: () => "t", timeoutMs: -1 }));
     await rejection("tokenUnavailable", () => createSyncClient({ baseUrl: base, getToken: () => { throw new Error("no token"); } }).triggerSync());
     const client = createSyncClient({ baseUrl: base, getToken: () => ${JSON.stringify(TOKEN)} });
     await client.triggerSync();
     await rejection("waitTimeout", () => client.waitForSync({ intervalMs: 1, timeoutMs: 1 }));
     // The msal entry's wasm, driven by a stand-in PublicClientApplication that fails the
     // way MSAL does (an AuthError-like object with errorCode).
     await initMsal({ module_or_path: await readFile("./node_modules/autopilot-sync/pkg/msal/autopilot_sync_msal_bg.wasm") });
     const options = { clientId: "00000000-0000-0000-0000-000000000001", redirectUri: "https://app.example/redirect.html" };
     await rejection("invalidOptions", () => createMsalTokenProvider({ ...options, cloud: "moon" }, {}));
     for (const msalCode of ["user_cancelled", "interaction_in_progress", "popup_window_error", "server_error"]) {
       class PublicClientApplication {
         async initialize() {}
         async handleRedirectPromise() { return null; }
         getActiveAccount() { return null; }
         getAllAccounts() { return []; }
         setActiveAccount() {}
         async loginPopup() { const e = new Error("MSAL says no"); e.errorCode = msalCode; throw e; }
       }
       const provider = await createMsalTokenProvider(options, { PublicClientApplication });
       await rejection(msalCode, () => provider.signIn());
     }
     console.log(JSON.stringify(out));`,
  );
  const out = JSON.parse(execFileSync(process.execPath, ["errors-consumer.mjs"], { cwd: scratch, encoding: "utf8" }));
  for (const [name, c] of Object.entries(out.constants)) {
    assert.equal(c.frozen, true, `${name} is frozen`);
    assert.ok(c.values.length >= 4, name);
    for (const [k, v] of c.values) assert.equal(k, v, `${name}.${k}`);
  }
  assert.deepEqual(out.constants.Outcome.values.map(([k]) => k), ["started", "alreadyInProgress", "throttled", "unauthorized", "forbidden", "serviceUnavailable", "unexpectedResponse", "networkError", "timeout"]);
  assert.deepEqual(out.constants.SyncState.values.map(([k]) => k), ["unknown", "inProgress", "completed", "failed"]);
  const want = [
    ["invalidToken", "invalidToken", null, null],
    ["invalidOptions", "invalidOptions", null, null],
    ["invalidOptions", "invalidOptions", null, null],
    ["tokenUnavailable", "tokenUnavailable", null, "no token"],
    ["waitTimeout", "waitTimeout", null, null],
    ["invalidOptions", "invalidOptions", null, null],
    ["user_cancelled", "signInCancelled", "user_cancelled", "user_cancelled"],
    ["interaction_in_progress", "interactionInProgress", "interaction_in_progress", "interaction_in_progress"],
    ["popup_window_error", "popupBlocked", "popup_window_error", "popup_window_error"],
    ["server_error", "signInFailed", "server_error", "server_error"],
  ];
  assert.equal(out.errors.length, want.length);
  out.errors.forEach((e, i) => {
    const [kind, code, errorCode, cause] = want[i];
    assert.deepEqual(
      { kind: e.kind, instance: e.instance, isError: e.isError, name: e.name, code: e.code, errorCode: e.errorCode, cause: e.causeCode },
      { kind, instance: true, isError: true, name: "SyncError", code, errorCode, cause },
      `rejection ${i} (${kind})`,
    );
  });
});

test("esbuild bundle of a consumer that brings its own token has no MSAL in it, and runs", async () => {
  await sim.reset();
  const dir = join(scratch, "bundle");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(scratch, "bundle-entry.js"),
    `import init, { triggerSync } from "autopilot-sync";
     await init(new URL("./autopilot_sync_bg.wasm", import.meta.url));
     const r = await triggerSync(${JSON.stringify(TOKEN)}, { baseUrl: location.origin });
     document.body.dataset.outcome = r.outcome;`,
  );
  await esbuild.build({
    absWorkingDir: scratch,
    entryPoints: ["bundle-entry.js"],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    outfile: join(dir, "app.js"),
    logLevel: "silent",
  });
  copyFileSync(join(scratch, "node_modules/autopilot-sync/pkg/autopilot_sync_bg.wasm"), join(dir, "autopilot_sync_bg.wasm"));
  writeFileSync(join(dir, "index.html"), `<!doctype html><script type="module" src="./app.js"></script>`);
  const code = readFileSync(join(dir, "app.js"), "utf8");
  // Our glue is in the bundle: every import the shipped wasm needs is named in it.
  const wasmImports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(dir, "autopilot_sync_bg.wasm")))).map((i) => i.name);
  assert.ok(wasmImports.length > 10, `the wasm imports its glue: ${wasmImports.length}`);
  assert.deepEqual(wasmImports.filter((name) => !code.includes(name)), [], "the bundle has the glue of this wasm");
  // The core exports the clouds' sign-in hosts as data (CloudInfo), so the host alone is no
  // sign of MSAL; MSAL's code carries its name, its classes, its calls and its default
  // authority (…/common). The contract's error code `msalUnavailable` (SyncErrorCode, shared
  // by both entries) is the one "msal" the core bundle carries; every other one fails.
  assert.match(code, /msalUnavailable:"msalUnavailable"/, "the contract's constant is where the exception below points");
  assert.doesNotMatch(code, /msal(?!Unavailable)|PublicClientApplication|acquireToken|login\.microsoftonline\.com\/common/i, "no MSAL code in the core bundle");
  assert.equal(await outcomeOfPage(`${sim.url}/bundle/index.html`), "started");
});

test("plain <script type=module> page, no bundler (import map to the installed package)", async () => {
  await sim.reset();
  plainPage("plain.html", `
       import init, { triggerSync } from "autopilot-sync";
       await init();
       const r = await triggerSync(${JSON.stringify(TOKEN)}, { baseUrl: location.origin });
       document.body.dataset.outcome = r.outcome;`);
  assert.equal(await outcomeOfPage(`${sim.url}/plain.html`), "started");
});

test("plain page: the devices wasm loads only on the first device or tenant call (or readSerials), and all of them work", async () => {
  await sim.reset();
  plainPage("devices.html", `
       import init, { triggerSync, getDevices, syncTenants, createSyncClient, describeToken, readSerials, SyncError } from "autopilot-sync";
       const o = { baseUrl: location.origin };
       await init();
       const out = { described: describeToken("opaque").kind };
       out.before = performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/devices/"));
       out.sync = (await triggerSync(${JSON.stringify(TOKEN)}, o)).outcome;
       out.devices = await getDevices(${JSON.stringify(TOKEN)}, ["NOPE-1"], o);
       out.read = await readSerials("Device Serial Number,Hardware Hash\\nNOPE-1,x\\nnope-1,y\\n");
       out.badRead = await readSerials(7).then(() => "resolved", (e) => [e instanceof SyncError, e.code]);
       const client = createSyncClient({ ...o, getToken: async () => ${JSON.stringify(TOKEN)} });
       out.wait = await client.waitForDevices(["NOPE-1"], { timeoutMs: 1 });
       out.tenants = await syncTenants([{ id: "a", ...o, getToken: async () => ${JSON.stringify(TOKEN)} }]);
       out.refused = await getDevices("", ["X"]).catch((e) => [e instanceof SyncError, e.code]);
       out.after = performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((n) => n.includes("/devices/"));
       document.body.dataset.outcome = JSON.stringify(out);`);
  const out = JSON.parse(await outcomeOfPage(`${sim.url}/devices.html`));
  assert.deepEqual(out.before, [], "nothing of the devices wasm before a device call");
  assert.equal(out.described, "opaque", "describeToken is synchronous, in the core wasm");
  assert.equal(out.sync, "started");
  assert.equal(out.devices.ok, true, out.devices.message);
  assert.deepEqual(out.devices.devices.map((d) => [d.serialNumber, d.state]), [["NOPE-1", "notFound"]]);
  assert.equal(out.wait.timedOut, true);
  assert.equal(out.wait.devices[0].state, "notFound");
  assert.equal(out.tenants.length, 1);
  assert.equal(out.tenants[0].tenant, "a");
  assert.ok(out.tenants[0].result, "a row with a result");
  assert.deepEqual(out.refused, [true, "invalidToken"]);
  assert.deepEqual(out.read, { ok: true, format: "csv", serials: ["NOPE-1"], duplicates: 1, skippedRows: 0 });
  assert.deepEqual(out.badRead, [true, "invalidOptions"]);
  const base = "/node_modules/autopilot-sync/pkg/devices/";
  assert.deepEqual(out.after.sort(), [`${base}autopilot_sync_devices.js`, `${base}autopilot_sync_devices_bg.wasm`], "each devices file fetched once");
});

test("plain page: a wasm that does not load (404) rejects with a SyncError (internalError, the loader's error as cause), and the next call loads it", async () => {
  await sim.reset();
  plainPage("unloadable.html", `
       import init, { triggerSync, getDevices, SyncError } from "autopilot-sync";
       const o = { baseUrl: location.origin };
       const seen = (e) => ({ isSyncError: e instanceof SyncError, code: e.code, message: e.message, cause: e.cause != null });
       const out = {};
       out.init = await init().then(() => "resolved", seen);
       out.sync = (await triggerSync(${JSON.stringify(TOKEN)}, o)).outcome;
       out.devices = await getDevices(${JSON.stringify(TOKEN)}, ["NOPE-1"], o).then(() => "resolved", seen);
       out.again = (await getDevices(${JSON.stringify(TOKEN)}, ["NOPE-1"], o)).devices[0].state;
       document.body.dataset.outcome = JSON.stringify(out);`);
  // The first request for each wasm file gets a 404; later ones are served.
  const served = new Set();
  const out = JSON.parse(
    await outcomeOfPage(`${sim.url}/unloadable.html`, async (page) => {
      await page.route(/_bg\.wasm$/, (route) => {
        const file = new URL(route.request().url()).pathname;
        if (served.has(file)) return route.continue();
        served.add(file);
        return route.fulfill({ status: 404, body: "not here" });
      });
    }),
  );
  for (const [what, file] of [
    ["init", "autopilot_sync_bg.wasm"],
    ["devices", "devices/autopilot_sync_devices_bg.wasm"],
  ]) {
    assert.equal(out[what].isSyncError, true, `${what}: ${JSON.stringify(out[what])}`);
    assert.equal(out[what].code, "internalError");
    assert.equal(out[what].cause, true, "the loader's error is the cause");
    assert.match(out[what].message, new RegExp(`Could not load ${file.replace(/[./]/g, "\\$&")} \\(see the cause\\); nothing was sent`));
  }
  assert.equal(out.sync, "started", "the next call loaded the core wasm");
  assert.equal(out.again, "notFound", "the next device call loaded the devices wasm");
  assert.equal(served.size, 2);
});

test("CommonJS: require() reaches the device and tenant calls too", async () => {
  await sim.reset();
  writeFileSync(
    join(scratch, "cjs-devices.cjs"),
    `const { getDevices, syncTenants, SyncError } = require("autopilot-sync");
     const o = { baseUrl: ${JSON.stringify(sim.url)} };
     (async () => {
       const d = await getDevices(${JSON.stringify(TOKEN)}, ["NOPE-1"], o);
       const t = await syncTenants([{ id: "a", ...o, getToken: async () => ${JSON.stringify(TOKEN)} }]);
       const e = await getDevices("", ["X"]).catch((e) => e instanceof SyncError && e.code);
       console.log(JSON.stringify([d.devices.map((x) => x.state), t[0].result.outcome, e]));
     })();`,
  );
  const out = execFileSync(process.execPath, ["cjs-devices.cjs"], { cwd: scratch, encoding: "utf8", ...CHILD });
  assert.deepEqual(JSON.parse(out), [["notFound"], "started", "invalidToken"]);
});

// readSerials is in the devices wasm: a Promise in the ESM and CommonJS entries, loading
// that wasm on first use; a non-string rejects (never a synchronous throw).
test("Node ESM and CommonJS: readSerials resolves with the serials and rejects a non-string", async () => {
  const script = (req) => `${req}
     const pending = [readSerials("A1\\r\\na1\\nB2"), readSerials("A1,B2\\n"), readSerials(42), readSerials()];
     const settled = await Promise.allSettled(pending);
     console.log(JSON.stringify([pending.every((p) => p instanceof Promise), ...settled.map((r) =>
       r.status === "fulfilled" ? r.value : [r.reason instanceof SyncError, r.reason.code, r.reason.message])]));`;
  writeFileSync(join(scratch, "read-serials.mjs"), script(`import { readSerials, SyncError } from "autopilot-sync";`));
  writeFileSync(join(scratch, "read-serials.cjs"), `(async () => { ${script(`const { readSerials, SyncError } = require("autopilot-sync");`)} })();`);
  const outputs = ["read-serials.mjs", "read-serials.cjs"].map((f) => JSON.parse(execFileSync(process.execPath, [f], { cwd: scratch, encoding: "utf8", ...CHILD })));
  const bad = [true, "invalidOptions", "readSerials needs a string: the pasted text, or the text of the CSV file."];
  for (const out of outputs) {
    assert.deepEqual(out.slice(0, 2), [true, { ok: true, format: "lines", serials: ["A1", "B2"], duplicates: 1, skippedRows: 0 }]);
    assert.equal(out[2].ok, false);
    assert.match(out[2].message, /^Line 1 holds several values/);
    assert.deepEqual(out.slice(3), [bad, bad]);
  }
});

/** Writes `name` into the scratch project: a page with no bundler, the package through an import map, running `module`. */
function plainPage(name, module) {
  writeFileSync(
    join(scratch, name),
    `<!doctype html>
     <script type="importmap">{"imports":{"autopilot-sync":"./node_modules/autopilot-sync/pkg/index.js"}}</script>
     <script type="module">${module}</script>`,
  );
}

async function outcomeOfPage(url, setUp) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await setUp?.(page);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => document.body?.dataset.outcome, null, { timeout: 20000 }).catch((e) => {
      throw new Error(`${e.message}; page errors: ${errors.join(" / ")}`);
    });
    assert.deepEqual(errors, []);
    return await page.evaluate(() => document.body.dataset.outcome);
  } finally {
    await browser.close();
  }
}
