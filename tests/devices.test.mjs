// getDevices and client.waitForDevices (issue #13) through the shipped package in Node,
// against graph-sim's device inventory with a frozen clock: a device visible at once, one
// visible only after a sync, one never (timeout), import error 808, a failed profile,
// `eq` refused by the simulator (and never sent), three pages, abort mid-wait, and
// `sync: "ifMissing"` sending exactly one POST. Waits step on onUpdate, not on timers;
// the wait's own interval is the 5 s minimum.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSyncClient, getDevices } from "autopilot-sync";
import { startGraphSim } from "./helpers/graph-sim.mjs";

const RW = "sim-admin-token";
const RO = "sim-reader-token";
const IDS = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";
const IMPORTED = "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";
let sim;

before(async () => {
  sim = await startGraphSim({ args: ["--freeze-clock"] });
});
after(() => sim?.stop());
beforeEach(async () => {
  await sim.reset();
});

async function addDevices(devices) {
  const r = await fetch(`${sim.url}/_sim/devices`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ devices }) });
  assert.equal(r.status, 200, await r.text());
}

const graphRequests = async (path, method = "GET") =>
  (await sim.requests()).filter((r) => r.method === method && r.path === path);

const isSyncError = (code) => (e) => {
  assert.equal(e.name, "SyncError");
  assert.equal(e.code, code, e.message);
  return true;
};

describe("getDevices", () => {
  test("one report per serial in input order: visible at once, profile assigned or failed, import error 808, not found", async () => {
    await addDevices([
      { serialNumber: "NOW-1", groupTag: "Sales", profileAfterMs: 0 },
      { serialNumber: "FAIL-1", profileAfterMs: 0, profileResult: "failed" },
      { serialNumber: "BAD-808", importError: { code: 808, name: "ZtdDeviceAssignedToOtherTenant" } },
      { serialNumber: "PEND-1", profileAfterMs: 60000 },
      { serialNumber: "NOW-10", profileAfterMs: 0, profileResult: "failed" },
    ]);
    const r = await getDevices(RO, [" now-1 ", "FAIL-1", "BAD-808", "NOPE-1", "NOW-1", "PEND-1"], { baseUrl: sim.url });
    assert.equal(r.ok, true, r.message);
    assert.deepEqual(r.devices.map((d) => [d.serialNumber, d.state]), [
      ["now-1", "profileAssigned"],
      ["FAIL-1", "profileFailed"],
      ["BAD-808", "importFailed"],
      ["NOPE-1", "notFound"],
      ["PEND-1", "registered"],
    ], "trimmed, de-duplicated ignoring case, NOW-10 (also contains 'now-1') not mixed in");
    const [now1, fail1, bad, nope, pend] = r.devices;
    assert.equal(now1.groupTag, "Sales");
    assert.equal(now1.profileStatus, "assignedInSync");
    assert.match(now1.deviceId, /^[0-9a-f-]{36}$/);
    assert.equal(now1.enrollmentState, "notContacted");
    assert.equal(now1.lastContactedAt, null, "Intune's 0001-01-01 reads as null");
    assert.equal(typeof now1.profileAssignedAt, "string");
    assert.match(fail1.message, /TPM 2\.0/);
    assert.equal(bad.importStatus, "error");
    assert.equal(bad.importErrorCode, 808);
    assert.equal(bad.importErrorName, "ZtdDeviceAssignedToOtherTenant");
    assert.match(bad.message, /another tenant.*deregistered there/);
    assert.equal(bad.deviceId, null);
    assert.match(nope.message, /import its hardware hash/);
    assert.equal(pend.profileStatus, "pending");
    // Only contains() went out; the serial was quoted and encoded.
    const sent = await graphRequests(IDS);
    assert.ok(sent.length >= 5);
    for (const q of sent) assert.match(decodeURIComponent(q.query), /^\$filter=contains\(serialNumber,'[^']+'\)$/);
  });

  test("the simulator refuses eq with 400, as Intune does", async () => {
    const r = await fetch(`${sim.url}${IDS}?$filter=${encodeURIComponent("serialNumber eq 'X'")}`, { headers: { authorization: `Bearer ${RO}` } });
    assert.equal(r.status, 400);
    const body = await r.json();
    assert.equal(body.error.code, "BadRequest");
    assert.match(body.error.message, /An error has occurred/);
  });

  test("three pages are followed through @odata.nextLink", async () => {
    await sim.config({ devicePageSize: 2 });
    await addDevices([1, 2, 3, 4, 5].map((i) => ({ serialNumber: `PG-${i}`, profileAfterMs: 0 })));
    const r = await getDevices(RO, ["PG"], { baseUrl: sim.url });
    assert.equal(r.ok, true);
    assert.equal(r.devices[0].state, "notFound", "PG matches rows only by contains, never exactly");
    const pages = await graphRequests(IDS);
    assert.equal(pages.length, 3, "three pages of the device list");
    assert.match(decodeURIComponent(pages[2].query), /skiptoken=LastSerialNumber='PG-4'/);
    assert.equal((await graphRequests(IMPORTED)).length, 1, "the import records (graph-sim sends them on one page)");
    const last = await getDevices(RO, ["pg-5"], { baseUrl: sim.url });
    assert.equal(last.devices[0].state, "profileAssigned", "found on the third page");
  });

  test("a refused read resolves with the usual failure keys; bad input rejects with nothing sent", async () => {
    const r = await getDevices("not-a-known-token", ["X"], { baseUrl: sim.url });
    assert.equal(r.ok, false);
    assert.equal(r.outcome, "unauthorized");
    assert.equal(r.httpStatus, 401);
    assert.equal(typeof r.clientRequestId, "string");
    await sim.clearRequests();
    await assert.rejects(getDevices(RO, [], { baseUrl: sim.url }), isSyncError("invalidOptions"));
    await assert.rejects(getDevices(RO, ["  "], { baseUrl: sim.url }), isSyncError("invalidOptions"));
    await assert.rejects(getDevices(RO, ["a\nb"], { baseUrl: sim.url }), isSyncError("invalidOptions"));
    await assert.rejects(getDevices(RO, [42], { baseUrl: sim.url }), isSyncError("invalidOptions"));
    await assert.rejects(getDevices(RO, ["X"], { baseUrl: sim.url, until: "registered" }), isSyncError("invalidOptions"));
    await assert.rejects(getDevices("", ["X"], { baseUrl: sim.url }), isSyncError("invalidToken"));
    assert.equal((await sim.requests()).length, 0);
  });
});

describe("waitForDevices", () => {
  const client = () => createSyncClient({ getToken: () => RW, baseUrl: sim.url });

  test('sync "ifMissing": one POST, the device that needs a sync shows up, the one that never does times out', async () => {
    await addDevices([
      { serialNumber: "SYNC-1", visible: "afterSync", profileAfterMs: 0 },
      { serialNumber: "NEVER-1", visible: "never" },
    ]);
    const reports = [];
    const r = await client().waitForDevices(["SYNC-1", "NEVER-1"], {
      until: "registered",
      sync: "ifMissing",
      intervalMs: 5000,
      timeoutMs: 11000,
      onUpdate: (report) => {
        reports.push(report);
        // The sync takes 30 s of simulated time; let it complete before the next read.
        if (reports.length === 1) sim.clock({ advanceMs: 31000 });
      },
    });
    assert.deepEqual(reports[0].devices.map((d) => [d.state, d.importStatus]), [["importing", "complete"], ["importing", "complete"]]);
    assert.equal(reports[0].syncOutcome, "started");
    assert.equal(typeof reports[0].syncTriggeredAt, "string");
    assert.equal(r.timedOut, true);
    assert.equal(r.done, false);
    assert.deepEqual(r.devices.map((d) => d.state), ["profileAssigned", "importing"]);
    assert.equal(r.syncOutcome, "started", "the report says the wait synced");
    assert.ok(reports.length >= 3, `read until the time was up (${reports.length} reads)`);
    assert.equal((await graphRequests("/beta/deviceManagement/windowsAutopilotSettings/sync", "POST")).length, 1, "exactly one POST");
  });

  test('sync "ifMissing" does not sync for an import still processing, a failed import or a registered device', async () => {
    // A sync lists imported devices; it cannot speed up an import that is still being
    // processed, undo an import error or assign a profile (the README's rule).
    await addDevices([
      { serialNumber: "SLOW-1", importDurationMs: 600000, visible: "afterSync" },
      { serialNumber: "E808-2", importError: { code: 808, name: "ZtdDeviceAssignedToOtherTenant" } },
      { serialNumber: "REG-1" },
    ]);
    const r = await client().waitForDevices(["SLOW-1", "E808-2", "REG-1"], { sync: "ifMissing", intervalMs: 5000, timeoutMs: 6000 });
    assert.deepEqual(r.devices.map((d) => [d.state, d.importStatus]), [["importing", "unknown"], ["importFailed", "error"], ["registered", null]]);
    assert.equal(r.timedOut, true);
    assert.equal(r.syncTriggeredAt, null);
    assert.equal(r.syncOutcome, null);
    assert.equal((await graphRequests("/beta/deviceManagement/windowsAutopilotSettings/sync", "POST")).length, 0, "no POST");
  });

  test("resolves when every serial reached until or failed for good, without a sync by default", async () => {
    await addDevices([
      { serialNumber: "OK-1", profileAfterMs: 0 },
      { serialNumber: "E808", importError: { code: 808, name: "ZtdDeviceAssignedToAnotherTenant" } },
      { serialNumber: "PF-1", profileAfterMs: 0, profileResult: "failed" },
    ]);
    const r = await client().waitForDevices(["OK-1", "E808", "PF-1"], { intervalMs: 5000 });
    assert.equal(r.done, true);
    assert.equal(r.timedOut, false);
    assert.equal(r.syncTriggeredAt, null);
    assert.deepEqual(r.devices.map((d) => d.state), ["profileAssigned", "importFailed", "profileFailed"]);
    assert.equal(r.devices[1].importErrorName, "ZtdDeviceAssignedToAnotherTenant", "Graph's spelling kept");
    assert.match(r.devices[1].message, /808/);
    assert.equal((await graphRequests("/beta/deviceManagement/windowsAutopilotSettings/sync", "POST")).length, 0);
  });

  test("aborting mid-wait rejects with the signal's reason", async () => {
    const ac = new AbortController();
    const reason = new Error("stop");
    let updates = 0;
    await assert.rejects(
      client().waitForDevices(["GONE-1"], {
        intervalMs: 5000,
        signal: ac.signal,
        onUpdate: () => {
          updates++;
          ac.abort(reason);
        },
      }),
      (e) => e === reason,
    );
    assert.equal(updates, 1);
  });

  test("bad options reject with invalidOptions", async () => {
    const c = client();
    await assert.rejects(c.waitForDevices(["X"], { intervalMs: 1000 }), isSyncError("invalidOptions"));
    await assert.rejects(c.waitForDevices(["X"], { until: "enrolled" }), isSyncError("invalidOptions"));
    await assert.rejects(c.waitForDevices(["X"], { sync: "always" }), isSyncError("invalidOptions"));
    await assert.rejects(c.waitForDevices(["X"], { interval: 5000 }), isSyncError("invalidOptions"));
  });
});
