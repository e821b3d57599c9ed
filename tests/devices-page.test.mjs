// The page's Devices card (issue #13), the package's <autopilot-sync-devices>, end to end: Debian Chromium against graph-sim's device
// inventory with a frozen clock. Three serials reach three different ends (profile assigned
// after the sync the watch started, import error 808 with its advice, never visible → time
// up), "sync if missing" sends exactly one POST, the table follows every onUpdate, and a
// screenshot of the card mid-watch goes to test-output/devices-card.png. Also: what the card
// reads from pasted text and CSV files (the package's readSerials), Stop, and no sync
// without "sync if missing".
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, openPage, useSite } from "./helpers/page.mjs";

const WAIT = { timeout: 20_000 };

/**
 * The card's text for `#device-read` or `#device-error` once it says `expected` (a string
 * or RegExp): readSerials answers asynchronously (the first call loads the devices wasm).
 */
async function shown(page, id, expected) {
  await page.locator(id, { hasText: expected }).waitFor(WAIT);
  return page.textContent(id);
}
const SYNC = "/beta/deviceManagement/windowsAutopilotSettings/sync";
const SCREENSHOT = join(ROOT, "test-output", "devices-card.png");
const env = useSite(["--freeze-clock"]);

async function addDevices(devices) {
  const r = await fetch(`${env.site.url}/_sim/devices`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ devices }) });
  assert.equal(r.status, 200, await r.text());
}

const posts = async () => (await env.site.requests()).filter((r) => r.method === "POST" && r.path === SYNC);
const deviceReads = async () => (await env.site.requests()).filter((r) => r.method === "GET" && /windowsAutopilotDeviceIdentities$/i.test(r.path));

async function withPage(path, body) {
  const page = await openPage(env.browser, env.site, path);
  try {
    await body(page);
    assert.deepEqual(await page.unexpected(), [], "no CSP violations, uncaught errors or console errors");
  } finally {
    await page.context().close();
  }
}

/** The table as [serial, state attribute, state text, message] rows. */
const table = (page) =>
  page.$$eval("#device-rows tr", (rows) =>
    rows.map((tr) => [tr.dataset.serial, tr.dataset.state ?? null, tr.children[1].textContent, tr.children[2].textContent]),
  );

test("three serials, three ends: profile assigned after the one sync, 808 with its advice, never visible → time up", async () => {
  await addDevices([
    { serialNumber: "PF-READY-1", groupTag: "Sales", visible: "afterSync", profileAfterMs: 0 },
    { serialNumber: "PF-808", importError: { code: 808, name: "ZtdDeviceAssignedToOtherTenant" } },
  ]);
  // Reads every 5 s (the package's floor, the page's choice for the simulator); 14 s to wait.
  await withPage("/?devicesTimeoutMs=14000", async (page) => {
    await page.fill("#device-serials", "PF-READY-1\r\n pf-808 \nPF-GHOST-1\nPF-808\n");
    const three = "3 serial numbers, one a line, 1 repeated one left out.";
    assert.equal(await shown(page, "#device-read", three), three);
    await page.check("#device-sync");
    const updates = [];
    await page.exposeFunction("__deviceUpdate", (rows) => updates.push(rows));
    await page.evaluate(() => {
      // Every render of the table (each onUpdate), as the admin sees it; the card is the
      // package's <autopilot-sync-devices>, its parts in its shadow root.
      const root = document.querySelector("autopilot-sync-devices").shadowRoot;
      new MutationObserver(() => {
        const rows = [...root.querySelectorAll("#device-rows tr")].map((tr) => tr.dataset.state ?? "");
        if (rows.every(Boolean)) window.__deviceUpdate(rows.join(","));
      }).observe(root.querySelector("#device-summary"), { childList: true, characterData: true, subtree: true });
    });
    const events = page.evaluate(
      () =>
        new Promise((resolve) => {
          const seen = [];
          const card = document.querySelector("autopilot-sync-devices");
          card.addEventListener("autopilot-sync-devices", (e) => seen.push(e.detail.devices.map((d) => d.state).join(",")));
          card.addEventListener("autopilot-sync-devices-end", (e) => resolve({ seen, end: { done: e.detail.done, timedOut: e.detail.timedOut } }));
        }),
    );
    await page.click("#device-watch");
    assert.equal(await page.isDisabled("#device-watch"), true, "Watch is disabled while watching");
    assert.equal(await page.isVisible("#device-stop"), true, "Stop is offered");

    // First read: the CSV-imported device is complete but not listed, 808 failed, the ghost is unknown.
    await page.waitForSelector('#device-rows tr[data-serial="PF-GHOST-1"][data-state="notFound"]', WAIT);
    await page.waitForSelector("#device-sync-note:not([hidden])", WAIT);
    const first = await table(page);
    assert.deepEqual(first.map(([s, state, label]) => [s, state, label]), [
      ["PF-READY-1", "importing", "Importing"],
      ["pf-808", "importFailed", "Import failed"],
      ["PF-GHOST-1", "notFound", "Not found"],
    ]);
    assert.match(first[0][3], /Imported; the device appears among Windows Autopilot devices after the next sync/);
    assert.match(first[1][3], /registered to another tenant \(808 ZtdDeviceAssignedToOtherTenant\): have it deregistered there/);
    assert.match(first[1][3], /import error 808 ZtdDeviceAssignedToOtherTenant/);
    assert.match(first[2][3], /No Windows Autopilot device or import record has this serial number/);
    assert.match(await page.textContent("#device-sync-note"), /This watch asked for a sync at .*: Sync started\./);
    assert.equal(await page.getAttribute("#device-sync-note", "data-outcome"), "started");
    assert.equal(await page.getAttribute("#device-result", "data-watching"), "true");
    assert.match(await page.textContent("#device-summary"), /^Read at .*: 1 importing, 1 import failed, 1 not found\.$/);

    // The card mid-watch: the table, the sync note and Stop.
    mkdirSync(join(ROOT, "test-output"), { recursive: true });
    await page.locator("#devices").screenshot({ path: SCREENSHOT });

    // The sync takes 30 s of simulated time; once it has ended, the next read lists the device.
    await env.site.clock({ advanceMs: 31_000 });
    await page.waitForSelector('#device-rows tr[data-serial="PF-READY-1"][data-state="profileAssigned"]', WAIT);
    await page.waitForSelector('#device-result[data-end="timedOut"]', { timeout: 30_000 });
    const last = await table(page);
    assert.deepEqual(last.map(([s, state, label]) => [s, state, label]), [
      ["PF-READY-1", "profileAssigned", "Profile assigned"],
      ["pf-808", "importFailed", "Import failed"],
      ["PF-GHOST-1", "notFound", "Not found"],
    ]);
    assert.match(last[0][3], /ready for Windows Autopilot/);
    assert.match(last[0][3], /group tag Sales · profile status assignedInSync/);
    assert.match(await page.textContent("#device-summary"), /Time is up: stopped waiting/);
    assert.equal(await page.isEnabled("#device-watch"), true, "Watch is offered again");
    assert.equal(await page.isVisible("#device-stop"), false);
    assert.equal(await page.getAttribute("#device-summary", "role"), "status", "announced");
    const { seen, end } = await events;
    assert.deepEqual(end, { done: false, timedOut: true }, "autopilot-sync-devices-end carries the final report");
    assert.deepEqual(seen, updates.slice(0, seen.length), "one autopilot-sync-devices event per read");
    assert.equal(await page.getAttribute("#devices-card", "watching"), null);

    // The table followed every read: importing first, then the profile.
    assert.ok(updates.length >= 3, `one render per read (${updates.length})`);
    assert.equal(updates[0], "importing,importFailed,notFound");
    assert.equal(updates.at(-1), "profileAssigned,importFailed,notFound");
    assert.equal((await posts()).length, 1, '"sync if missing" sent exactly one POST');
    // On a phone (360 px) the filled table stacks its cells: no horizontal scroll.
    await page.setViewportSize({ width: 360, height: 740 });
    const fit = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      display: getComputedStyle(document.querySelector("autopilot-sync-devices").shadowRoot.querySelector("#device-rows tr")).display,
    }));
    assert.ok(fit.scroll <= fit.client, `scrollWidth ${fit.scroll} <= ${fit.client}`);
    assert.equal(fit.display, "block", "rows stack on a phone");
    assert.ok((await deviceReads()).length >= 3 * 3, "every serial was read at every poll");
  });
});

test("the card reads pasted CSV as Get-WindowsAutopilotInfo writes it, explains bad text, and sends nothing for it", async () => {
  await addDevices([{ serialNumber: "CSV-1", profileAfterMs: 0 }]);
  await withPage("/", async (page) => {
    const csv = '\uFEFFDevice Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n"CSV-1",,"T0FbBQEAHAAAAAo=","Sales"\r\nCSV-2,,"T0Fb",\r\n,,"T0Fb",\r\n';
    await page.fill("#device-serials", csv);
    const two = "2 serial numbers, from the CSV's serial number column, 1 row without a serial number skipped.";
    assert.equal(await shown(page, "#device-read", two), two);
    // The same through the file picker.
    await page.fill("#device-serials", "");
    await page.setInputFiles("#device-file", { name: "AutopilotHWID.csv", mimeType: "text/csv", buffer: Buffer.from(csv.replace("Device Serial Number", "device serial number"), "utf8") });
    await page.waitForFunction(() => document.querySelector("autopilot-sync-devices").serials.includes("CSV-2"), null, WAIT);
    assert.equal(await shown(page, "#device-read", two), two);

    // A headerless CSV row: the package says what to paste instead; Watch shows it and sends nothing.
    await env.site.clearRequests();
    await page.fill("#device-serials", "CSV-1\nCSV-2,,T0FbBQ\n");
    assert.match(await shown(page, "#device-read", /^Line 2/), /^Line 2 holds several values, but no line names a Device Serial Number column/);
    assert.equal(await page.getAttribute("#device-read", "data-kind"), "error");
    await page.click("#device-watch");
    assert.match(await shown(page, "#device-error", /\S/), /^Line 2 holds several values/);
    await page.fill("#device-serials", "  \n");
    await page.click("#device-watch");
    assert.match(await shown(page, "#device-error", /Paste/), /Paste at least one serial number first/);
    assert.equal((await deviceReads()).length, 0, "nothing was read");

    // Without "sync if missing" no sync is sent; Stop ends the watch.
    await page.fill("#device-serials", "CSV-1\nCSV-404");
    await page.click("#device-watch");
    await page.waitForSelector('#device-rows tr[data-serial="CSV-404"][data-state="notFound"]', WAIT);
    assert.equal(await page.getAttribute('#device-rows tr[data-serial="CSV-1"]', "data-state"), "profileAssigned");
    assert.equal(await page.isHidden("#device-sync-note"), true, "no sync note");
    await page.click("#device-stop");
    assert.equal(await page.getAttribute("#device-result", "data-end"), "stopped");
    assert.match(await page.textContent("#device-summary"), /^Stopped; press Watch/);
    assert.equal((await posts()).length, 0, "no sync without \"sync if missing\"");
    const reads = (await deviceReads()).length;
    // After Stop no more reads: wait past one interval (5 s), then count again.
    await new Promise((r) => setTimeout(r, 6000));
    assert.equal((await deviceReads()).length, reads, "Stop ended the polling");
  });
});
