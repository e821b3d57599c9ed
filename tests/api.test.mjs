// The public API's types: the committed snapshot (api/), a strict TypeScript compile of
// real usage, and the key sets of real result objects against the .d.ts.
import { after, before } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { closedUrl } from "./helpers/ports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dts = readFileSync(join(root, "pkg/autopilot_sync.d.ts"), "utf8");
let sim, api;

before(async () => {
  sim = await startGraphSim();
  api = await import(join(root, "pkg/node.js"));
});
after(() => sim?.stop());

/**
 * The public part of a generated .d.ts: without wasm-bindgen's `InitOutput` interface,
 * which lists the module's internal exports (hashed closure shims that change with any
 * internal edit).
 */
const publicApi = (text) => text.replace(/^export interface InitOutput \{[\s\S]*?^\}\n/m, "");

test("the generated .d.ts files match the committed API snapshots", () => {
  for (const [built, snap] of [["pkg/autopilot_sync.d.ts", "api/autopilot_sync.d.ts"], ["pkg/msal/autopilot_sync_msal.d.ts", "api/autopilot_sync_msal.d.ts"]]) {
    const generated = publicApi(readFileSync(join(root, built), "utf8"));
    const snapshot = publicApi(readFileSync(join(root, snap), "utf8"));
    assert.notEqual(generated, readFileSync(join(root, built), "utf8"), "InitOutput was found and left out");
    assert.equal(generated, snapshot, `the public API changed: review it, then \`cp ${built} ${snap}\` and update the README`);
  }
});

test("the core wasm and its types carry no MSAL binding; the msal wasm does", () => {
  assert.doesNotMatch(dts, /createMsalTokenProvider|MsalProviderOptions/);
  assert.doesNotMatch(readFileSync(join(root, "pkg/autopilot_sync.js"), "utf8"), /acquireTokenSilent|loginPopup/);
  assert.match(readFileSync(join(root, "pkg/msal/autopilot_sync_msal.js"), "utf8"), /acquireTokenSilent/);
});

test("real usage type-checks under --strict, and misuse is refused", () => {
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", join(root, "tests/types/usage.ts")], { cwd: root, stdio: "pipe", timeout: 90_000 });
});

/** Field names of an interface in the .d.ts, with those of what it extends. */
function fields(name) {
  const m = dts.match(new RegExp(`export interface ${name}(?: extends (\\w+))? \\{([\\s\\S]*?)\\n\\}`));
  assert.ok(m, `interface ${name} in the .d.ts`);
  const own = [...m[2].matchAll(/^\s+(\w+)\??:/gm)].map((x) => x[1]);
  return [...(m[1] ? fields(m[1]) : []), ...own];
}

test("result objects have exactly the keys the .d.ts declares", async () => {
  await sim.reset();
  const started = await api.triggerSync("sim-admin-token", { baseUrl: sim.url });
  const throttled = await api.triggerSync("sim-admin-token", { baseUrl: sim.url });
  const noAnswer = await api.triggerSync("sim-admin-token", { baseUrl: await closedUrl() });
  assert.equal(started.outcome, "started");
  assert.equal(throttled.outcome, "alreadyInProgress");
  assert.equal(noAnswer.outcome, "networkError");
  for (const [r, iface] of [[started, "SyncStarted"], [throttled, "SyncRetryLater"], [noAnswer, "SyncNoAnswer"]]) {
    assert.deepEqual(Object.keys(r).sort(), [...new Set(fields(iface))].sort(), iface);
  }
  const st = await api.getSyncStatus("sim-reader-token", { baseUrl: sim.url });
  assert.equal(st.ok, true);
  assert.deepEqual(Object.keys(st).sort(), fields("SyncStatus").sort());
  const client = api.createSyncClient({ getToken: () => "sim-admin-token", baseUrl: sim.url });
  assert.deepEqual(Object.keys(client).sort(), ["getSyncStatus", "triggerSync", "waitForSync"]);
});

test("every outcome and error code in the .d.ts is documented in the README", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const union = (name) => {
    const m = dts.match(new RegExp(`export type ${name} =([\\s\\S]*?);`));
    return [...m[1].matchAll(/"(\w+)"/g)].map((x) => x[1]);
  };
  for (const o of union("SyncOutcome")) assert.match(readme, new RegExp("`" + o + "`"), `README documents outcome ${o}`);
  for (const c of union("SyncErrorCode")) assert.match(readme, new RegExp("`" + c + "`"), `README documents error code ${c}`);
});
