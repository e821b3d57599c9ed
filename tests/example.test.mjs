// #14 item 6: examples/sync-tenants.mjs against graph-sim with three tenants: one starts,
// one is cooling down (no POST sent), one has a read-only token (403, exit code 1).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startGraphSim } from "./helpers/graph-sim.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SETTINGS = "/beta/deviceManagement/windowsAutopilotSettings";
let sim;
let dir;

before(async () => {
  sim = await startGraphSim({
    args: ["--freeze-clock", "--token", "tok-a=rw@tenantA", "--token", "tok-b=rw@tenantB", "--token", "tok-c=ro@tenantC"],
  });
  dir = mkdtempSync(join(tmpdir(), "sync-tenants-"));
});
after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (args) =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, "examples/sync-tenants.mjs"), ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }),
    );
  });

test("three tenants: one starts, one cooling down is skipped without a POST, one read-only fails; exit code 1", async () => {
  await sim.reset();
  // tenantB synced 2 minutes ago: its sync has finished, its window is still closed.
  const post = await fetch(`${sim.url}${SETTINGS}/sync`, { method: "POST", headers: { authorization: "Bearer tok-b" } });
  assert.equal(post.status, 204);
  await sim.clock({ advanceMs: 120_000 });
  await sim.clearRequests();
  const file = join(dir, "tenants.json");
  writeFileSync(
    file,
    JSON.stringify([
      { id: "tenantA", label: "Contoso", token: "tok-a", baseUrl: sim.url },
      { id: "tenantB", label: "Fabrikam", token: "tok-b", baseUrl: sim.url },
      { id: "tenantC", label: "Northwind", token: "tok-c", baseUrl: sim.url },
    ]),
  );
  const { code, stdout } = await run([file]);
  assert.equal(code, 1, stdout);
  const progress = stdout.split("\n").filter((l) => /^\[\d\/3\]/.test(l));
  assert.equal(progress.length, 3, stdout);
  const final = (name) => stdout.split("\n").findLast((l) => l.startsWith(name));
  assert.match(final("Contoso"), /^Contoso\s+started\s+Intune accepted/);
  assert.match(final("Fabrikam"), /^Fabrikam\s+skipped\s+Not sent: the last manual sync was triggered at .*Next attempt: \d{4}-/);
  assert.match(final("Northwind"), /^Northwind\s+FAILED\s+forbidden \(HTTP 403\)/);
  assert.match(stdout, /3 tenants: 2 ok, 1 failed\./);

  const calls = (await sim.requests())
    .filter((r) => r.path.startsWith(SETTINGS))
    .map((r) => `${r.tenant} ${r.method} ${r.status}`)
    .sort();
  assert.deepEqual(calls, [
    "tenantA GET 200",
    "tenantA POST 204",
    "tenantB GET 200",
    "tenantC GET 200",
    "tenantC POST 403",
  ]);
  const state = await sim.state();
  assert.equal(state.tenants.tenantA.syncStatus, "inProgress");
  assert.equal(state.tenants.tenantC.syncStatus, "unknown");
});

test("all fine: exit code 0; bad usage: exit code 2", async () => {
  await sim.reset();
  const file = join(dir, "one.json");
  writeFileSync(file, JSON.stringify([{ id: "tenantA", token: "tok-a", baseUrl: sim.url }]));
  const ok = await run([file]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1 tenants: 1 ok, 0 failed\./);
  assert.equal((await run([])).code, 2);
  assert.equal((await run([join(dir, "missing.json")])).code, 2);
  // Without a token source filled in, each tenant fails on its own with tokenUnavailable.
  const none = join(dir, "none.json");
  writeFileSync(none, JSON.stringify([{ id: "x", baseUrl: sim.url }]));
  const r = await run([none]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /tokenUnavailable: getToken\(\) failed/);
});
