// <autopilot-sync> from the packed tarball in Chromium against graph-sim: a plain page,
// a React 19 app bundled with esbuild, the demo page's strict CSP, the answers
// 204 → 429 (countdown) → 409 → 401 (one refresh) → 403, and screenshots light and dark.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { installTarball, ROOT } from "./helpers/tarball.mjs";

const ADMIN = "sim-admin-token";
const READER = "sim-reader-token";
const SHOTS = join(ROOT, "test-output");
let scratch, sim, browser;

// Records the element's events (type, bubbles, composed, detail) on the document, so the
// tests also see that they cross the shadow boundary and bubble to the page.
const RECORD_EVENTS = `
  window.__events = [];
  for (const type of ["autopilot-sync-result", "autopilot-sync-status", "autopilot-sync-error"]) {
    document.addEventListener(type, (e) => {
      const d = e.detail;
      window.__events.push({ type, bubbles: e.bubbles, composed: e.composed,
        detail: d instanceof Error ? { name: d.name, code: d.code, message: d.message } : JSON.parse(JSON.stringify(d)) });
    });
  }`;

before(async () => {
  scratch = installTarball("autopilot-sync-element-");
  sim = await startGraphSim({ args: ["--static", scratch.dir, "--sync-duration-ms", "1500"] });
  browser = await launchBrowser();
  const dir = scratch.dir;
  writeFileSync(join(dir, "record-events.js"), RECORD_EVENTS);
  // A plain page: an import map to the installed package, the element in the markup
  // before it is defined (so it is upgraded).
  writeFileSync(
    join(dir, "plain.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plain</title>
     <script type="importmap">{"imports":{"autopilot-sync":"./node_modules/autopilot-sync/pkg/index.js","autopilot-sync/element":"./node_modules/autopilot-sync/pkg/element.js"}}</script>
     <script src="./record-events.js"></script>
     <script type="module">
       import { AutopilotSyncElement } from "autopilot-sync/element";
       window.__Element = AutopilotSyncElement;
       document.documentElement.dataset.ready = "true";
     </script></head>
     <body><main><h1>Portal</h1><autopilot-sync id="el" base-url="${sim.url}" interval-ms="200"></autopilot-sync></main></body></html>`,
  );
  // The element under the demo page's own Content-Security-Policy (read from www/), made
  // stricter with Trusted Types, every script external and the package imported by path.
  const csp = readFileSync(join(ROOT, "www/index.html"), "utf8").match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)[1];
  assert.doesNotMatch(csp, /unsafe-inline/);
  writeFileSync(
    join(dir, "csp.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
     <meta http-equiv="Content-Security-Policy" content="${csp}; require-trusted-types-for 'script'">
     <title>csp</title><script src="./record-events.js"></script><script type="module" src="./csp.js"></script></head>
     <body><autopilot-sync id="el" base-url="${sim.url}" interval-ms="200"></autopilot-sync>
     <autopilot-sync-devices id="dev" base-url="${sim.url}" wait-timeout-ms="3000"></autopilot-sync-devices></body></html>`,
  );
  writeFileSync(
    join(dir, "csp.js"),
    `import "./node_modules/autopilot-sync/pkg/element.js";
     document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
     const el = document.getElementById("el");
     el.getToken = async () => ${JSON.stringify(ADMIN)};
     document.getElementById("dev").getToken = el.getToken;
     document.documentElement.dataset.ready = "true";`,
  );
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  scratch?.remove();
});

async function open(path, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${sim.url}/${path}`);
  await page.waitForSelector("html[data-ready]", { state: "attached", timeout: 20000 });
  return { page, context, close: () => context.close() };
}

const events = (page, type) => page.evaluate((t) => window.__events.filter((e) => !t || e.type === t), type);
const part = (page, name) => page.locator(`autopilot-sync [part~="${name}"]`);

test("plain page: defined once, says what is missing without getToken, syncs by keyboard and shows progress", async () => {
  await sim.reset();
  const { page, close } = await open("plain.html", { permissions: ["clipboard-read", "clipboard-write"] });
  try {
    assert.equal(await page.evaluate(() => customElements.get("autopilot-sync") === window.__Element), true);
    assert.equal(await page.evaluate(() => document.getElementById("el") instanceof window.__Element), true, "the markup element was upgraded");

    // No token source yet: it says so, and a click dispatches a SyncError, sending nothing.
    await assert.doesNotReject(part(page, "error").waitFor({ state: "visible" }));
    assert.match(await part(page, "error").textContent(), /getToken/);
    assert.equal(await page.locator("autopilot-sync[needs-token]").count(), 1);
    const button = page.getByRole("button", { name: "Sync now" });
    await button.click();
    await page.waitForFunction(() => window.__events.some((e) => e.type === "autopilot-sync-error"));
    const [missing] = await events(page, "autopilot-sync-error");
    assert.deepEqual([missing.bubbles, missing.composed, missing.detail.name, missing.detail.code], [true, true, "SyncError", "tokenUnavailable"]);
    assert.deepEqual(await sim.requests(), [], "nothing was sent");
    await assert.rejects(page.evaluate(() => document.getElementById("el").sync()), /getToken/);

    // With getToken (a property, as frameworks set it): Enter on the focused button.
    await page.evaluate((token) => {
      window.__tokenCalls = [];
      document.getElementById("el").getToken = async ({ forceRefresh }) => {
        window.__tokenCalls.push(forceRefresh);
        return token;
      };
    }, ADMIN);
    assert.equal(await part(page, "error").isHidden(), true, "the missing-token note is gone");
    assert.equal(await page.locator("autopilot-sync[needs-token]").count(), 0);
    await button.focus();
    assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.getAttribute("part")), "button");
    await page.keyboard.press("Enter");
    await page.locator('autopilot-sync [part~="message"][data-outcome="started"]').waitFor();
    assert.match(await part(page, "message").textContent(), /Sync started/);
    assert.equal(await part(page, "message").getAttribute("aria-live"), "polite");
    assert.equal(await part(page, "message").getAttribute("role"), "status");

    const [result] = await events(page, "autopilot-sync-result");
    assert.deepEqual([result.bubbles, result.composed, result.detail.outcome, result.detail.httpStatus], [true, true, "started", 204]);
    const last = await page.evaluate(() => document.getElementById("el").lastResult);
    assert.equal(last.clientRequestId, result.detail.clientRequestId);
    const calls = await page.evaluate(() => window.__tokenCalls);
    assert.ok(calls.length >= 2 && calls.every((forceRefresh) => forceRefresh === false), `tokens for the POST and the status reads, no refresh: ${calls}`);

    // Progress until completed, then the last sync time.
    await page.locator('autopilot-sync [part~="progress"][data-state="completed"]').waitFor({ timeout: 15000 });
    assert.match(await part(page, "progress").textContent(), /Sync completed/);
    const statuses = await events(page, "autopilot-sync-status");
    assert.ok(statuses.length >= 2, "status events while following the sync");
    assert.ok(statuses.every((s) => s.bubbles && s.composed));
    assert.equal(statuses.at(-1).detail.syncStatus, "completed");
    assert.equal((await page.evaluate(() => document.getElementById("el").status)).syncStatus, "completed");
    const lastSync = await page.locator('autopilot-sync [part~="last-sync"] time').getAttribute("datetime");
    assert.equal(Date.parse(lastSync), Date.parse(statuses.at(-1).detail.lastSyncDateTime));

    // Support details with Copy.
    await part(page, "details").locator("summary").click();
    assert.match(await part(page, "details").textContent(), new RegExp(result.detail.clientRequestId));
    await page.getByRole("button", { name: "Copy" }).click();
    await page.locator("autopilot-sync .copied").filter({ hasText: "Copied." }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^call: POST windowsAutopilotSettings\/sync$/m);
    assert.match(copied, /^outcome: started$/m);
    assert.match(copied, new RegExp(`^clientRequestId: ${result.detail.clientRequestId}$`, "m"));
    assert.doesNotMatch(copied, new RegExp(ADMIN), "no token in the support details");

    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("attributes get the package's option checks: a refusal is shown, dispatched and sends nothing", async () => {
  await sim.reset();
  const { page, close } = await open("plain.html");
  try {
    await page.evaluate((token) => (document.getElementById("el").getToken = async () => token), ADMIN);
    const refusals = [
      ["timeout-ms", "0"],
      ["timeout-ms", "soon"],
      ["cloud", "mars"],
      ["base-url", "http://example.com"],
    ];
    for (const [name, value] of refusals) {
      await page.evaluate(() => (window.__events.length = 0));
      await page.evaluate(([n, v]) => document.getElementById("el").setAttribute(n, v), [name, value]);
      await page.waitForFunction(() => window.__events.some((e) => e.type === "autopilot-sync-error"));
      const [e] = await events(page, "autopilot-sync-error");
      assert.equal(e.detail.name, "SyncError", `${name}=${value}`);
      assert.equal(e.detail.code, "invalidOptions", `${name}=${value}`);
      assert.equal(await part(page, "error").isVisible(), true);
      assert.equal(await part(page, "error").textContent(), e.detail.message);
      const rejected = await page.evaluate(() => document.getElementById("el").sync().then(() => null, (err) => err.code));
      assert.equal(rejected, "invalidOptions", `sync() with ${name}=${value}`);
      await page.evaluate((n) => document.getElementById("el").removeAttribute(n), name);
      await part(page, "error").waitFor({ state: "hidden" });
    }
    assert.deepEqual(await sim.requests(), [], "no request was sent with a refused option");
    // Valid values, set as properties, reflect and work.
    await page.evaluate((url) => {
      const el = document.getElementById("el");
      el.timeoutMs = 5000;
      el.baseUrl = url;
    }, sim.url);
    assert.equal(await page.locator('autopilot-sync[timeout-ms="5000"]').count(), 1);
    const r = await page.evaluate(() => document.getElementById("el").sync());
    assert.equal(r.outcome, "started");
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("importing the element module never redefines <autopilot-sync>", async () => {
  writeFileSync(
    join(scratch.dir, "predefined.html"),
    `<!doctype html><script type="module">
       class Mine extends HTMLElement {}
       customElements.define("autopilot-sync", Mine);
       const a = await import("./node_modules/autopilot-sync/pkg/element.js");
       const b = await import("./node_modules/autopilot-sync/pkg/element.js?again");
       document.body.dataset.result = JSON.stringify({
         keptMine: customElements.get("autopilot-sync") === Mine,
         exported: typeof a.AutopilotSyncElement === "function" && a.AutopilotSyncElement.prototype instanceof HTMLElement,
         twice: a.AutopilotSyncElement !== b.AutopilotSyncElement,
       });
       document.documentElement.dataset.ready = "true";
     </script>`,
  );
  const { page, close } = await open("predefined.html");
  try {
    assert.deepEqual(JSON.parse(await page.evaluate(() => document.body.dataset.result)), { keptMine: true, exported: true, twice: true });
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("React 19 app bundled with esbuild: getToken set as a property, events handled by React", async () => {
  await sim.reset();
  const dir = join(scratch.dir, "react");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(scratch.dir, "react-app.jsx"),
    `import { useState } from "react";
     import { createRoot } from "react-dom/client";
     import init from "autopilot-sync";
     import "autopilot-sync/element";

     const getToken = async ({ forceRefresh }) => { window.__tokenCalls.push(forceRefresh); return ${JSON.stringify(ADMIN)}; };
     window.__tokenCalls = [];

     function App() {
       const [outcome, setOutcome] = useState("none");
       const [status, setStatus] = useState("none");
       return (
         <main>
           <autopilot-sync
             id="el"
             base-url={${JSON.stringify(sim.url)}}
             interval-ms="200"
             getToken={getToken}
             onautopilot-sync-result={(e) => setOutcome(e.detail.outcome)}
             onautopilot-sync-status={(e) => e.detail.ok && setStatus(e.detail.syncStatus)}
           />
           <p>Outcome: <output id="react-outcome">{outcome}</output></p>
           <p>Status: <output id="react-status">{status}</output></p>
         </main>
       );
     }
     await init(new URL("./autopilot_sync_bg.wasm", import.meta.url));
     createRoot(document.getElementById("root")).render(<App />);
     document.documentElement.dataset.ready = "true";`,
  );
  await esbuild.build({
    absWorkingDir: scratch.dir,
    entryPoints: ["react-app.jsx"],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    nodePaths: [join(ROOT, "node_modules")], // react and react-dom from the repository's devDependencies
    outfile: join(dir, "app.js"),
    logLevel: "silent",
  });
  copyFileSync(join(scratch.dir, "node_modules/autopilot-sync/pkg/autopilot_sync_bg.wasm"), join(dir, "autopilot_sync_bg.wasm"));
  writeFileSync(join(dir, "index.html"), `<!doctype html><html lang="en"><body><div id="root"></div><script type="module" src="./app.js"></script></body></html>`);
  assert.match((await import("react")).default.version, /^19\./, "React 19");

  const { page, close } = await open("react/index.html");
  try {
    await page.locator("autopilot-sync").waitFor({ state: "attached" });
    assert.equal(await page.evaluate(() => typeof document.getElementById("el").getToken), "function", "React set getToken as a property");
    assert.equal(await page.evaluate(() => document.getElementById("el").hasAttribute("gettoken")), false, "not as an attribute");
    assert.equal(await part(page, "error").isHidden(), true, "no missing-token note");
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.locator("#react-outcome", { hasText: "started" }).waitFor();
    await page.locator("#react-status", { hasText: "completed" }).waitFor({ timeout: 15000 });
    assert.equal(await page.locator("#react-outcome").textContent(), "started");
    assert.ok((await page.evaluate(() => window.__tokenCalls)).length >= 2);
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("under the demo page's CSP (no unsafe-inline) plus Trusted Types: both elements styled, working, no violation", async () => {
  await sim.reset();
  const { page, close } = await open("csp.html");
  try {
    await page.locator("autopilot-sync [part~=button]").waitFor();
    // The constructable stylesheet applied: the button has the accent colour, not the UA's.
    const bg = await page.locator("autopilot-sync [part~=button]").evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(bg, "rgb(15, 108, 189)");
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.locator('autopilot-sync [part~="message"][data-outcome="started"]').waitFor();
    await page.locator('autopilot-sync [part~="progress"][data-state="completed"]').waitFor({ timeout: 15000 });
    // The devices card too: serials typed, Watch, a table row, the wait's end.
    await page.locator("autopilot-sync-devices [part~=serials]").fill("EL-404");
    await page.locator('autopilot-sync-devices [part~="read"]', { hasText: "1 serial number, one a line." }).waitFor();
    await page.getByRole("button", { name: "Watch" }).click();
    await page.locator('autopilot-sync-devices tr[data-serial="EL-404"][data-state="notFound"]').waitFor();
    await page.locator('autopilot-sync-devices [part~="result"][data-end="timedOut"]').waitFor({ timeout: 15000 });
    assert.equal(await page.locator('autopilot-sync-devices tr[data-serial="EL-404"] td.state').innerText(), "Not found");
    assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violation");
    assert.equal(await page.locator("autopilot-sync [style], autopilot-sync-devices [style]").count(), 0, "no style attributes in the shadow roots");
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("readSerials answers are shown in order: typing fast shows only the latest text's, an emptied box stays empty", async () => {
  const { page, close } = await open("csp.html");
  try {
    const seen = await page.evaluate(async () => {
      const dev = document.getElementById("dev");
      const read = dev.shadowRoot.querySelector('[part~="read"]');
      const texts = [];
      new MutationObserver(() => texts.push(read.textContent)).observe(read, { childList: true, characterData: true, subtree: true });
      const settled = () =>
        new Promise((resolve) => {
          const check = () => (read.textContent.endsWith("one a line.") ? resolve() : setTimeout(check, 20));
          check();
        });
      // Three edits before any answer (the first also loads the devices wasm).
      dev.serials = "FAST-1";
      dev.serials = "FAST-1\nFAST-2";
      dev.serials = "FAST-1\nFAST-2\nFAST-3";
      await settled();
      const typed = [...texts];
      // A serial, then the box emptied before its answer: the late answer is not shown.
      texts.length = 0;
      dev.serials = "LATE-1";
      dev.serials = "";
      // The package answers in call order: once this one is back, LATE-1's has been handled.
      const { readSerials } = await import("./node_modules/autopilot-sync/pkg/index.js");
      await readSerials("after");
      await new Promise((r) => setTimeout(r, 50));
      return { typed, emptied: [...texts], final: read.textContent, kind: read.dataset.kind ?? null };
    });
    assert.deepEqual(seen.typed, ["3 serial numbers, one a line."], "no earlier text's answer was shown");
    assert.deepEqual(seen.emptied, [""], "the box was emptied, and stayed so");
    assert.equal(seen.final, "");
    assert.equal(seen.kind, null);
    // Watch uses the text as it is at the click.
    await page.locator("autopilot-sync-devices [part~=serials]").fill("EL-A");
    await page.locator("autopilot-sync-devices [part~=serials]").fill("EL-A\nEL-B");
    await page.getByRole("button", { name: "Watch" }).click();
    await page.locator('autopilot-sync-devices tr[data-serial="EL-B"]').waitFor();
    assert.equal(await page.locator("autopilot-sync-devices tr[data-serial]").count(), 2);
    await page.locator('autopilot-sync-devices [part~="read"]', { hasText: "2 serial numbers, one a line." }).waitFor();
    assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violation");
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("204 → 429 countdown (Retry-After, then the settings object) → 409 → 401 with one refresh → 403", async () => {
  await sim.reset();
  await sim.config({ exposeRetryAfter: true });
  const { page, close } = await open("plain.html");
  const outcomeShown = (o) => page.locator(`autopilot-sync [part~="message"][data-outcome="${o}"]`).waitFor();
  const sync = () => page.evaluate(() => document.getElementById("el").sync());
  const countdown = part(page, "countdown");
  const seconds = async () => Number(await countdown.getAttribute("data-seconds"));
  try {
    await page.evaluate((token) => (document.getElementById("el").getToken = async () => token), ADMIN);
    const button = page.getByRole("button", { name: "Sync now" });

    // 204: started; progress until completed (graph-sim: 1.5 s).
    await button.click();
    await outcomeShown("started");
    await page.locator('autopilot-sync [part~="progress"][data-state="completed"]').waitFor({ timeout: 15000 });
    await page.locator("autopilot-sync:not([busy])").waitFor();

    // 429 with a readable Retry-After: the countdown, the button disabled until it ends.
    await button.click();
    await outcomeShown("throttled");
    const r429 = await page.evaluate(() => document.getElementById("el").lastResult);
    assert.equal(r429.httpStatus, 429);
    assert.ok(r429.retryAfterSeconds > 590, `Retry-After read: ${r429.retryAfterSeconds}`);
    await countdown.waitFor();
    assert.equal(await seconds(), r429.retryAfterSeconds);
    assert.equal(await button.isDisabled(), true, "no Sync now during the countdown");
    const first = await countdown.locator(".left").textContent();
    assert.match(first, /^(9|10):\d\d$/);
    await page.waitForFunction((t) => document.getElementById("el").shadowRoot.querySelector(".left").textContent !== t, first, { timeout: 3000 });
    assert.match(await countdown.textContent(), /Next sync allowed in \d+:\d\d \(at .+\)\./);

    // 429 with no readable wait (no Retry-After, no nested RetryAfter): the settings object.
    await sim.fault({ kind: "status", status: 429, method: "POST", body: JSON.stringify({ error: { code: "TooManyRequests", message: "Too many requests." } }) });
    const hidden = await sync();
    assert.equal(hidden.outcome, "throttled");
    // The client (#14) followed the unreadable 429 with one settings read: the wait is on the result.
    assert.ok(hidden.retryAfterSeconds > 580 && hidden.retryAfterSeconds <= 600, `retryAfterSeconds from the settings: ${hidden.retryAfterSeconds}`);
    assert.ok(Date.parse(hidden.nextAttemptAt) > Date.now() + 580_000, hidden.nextAttemptAt);
    assert.ok((await seconds()) > 580 && (await seconds()) <= 600, `countdown from nextManualSyncAt: ${await seconds()}`);

    // 409 within the 10 minutes (Graph's answer while a sync runs): the countdown too.
    await sim.fault({ kind: "status", status: 409, method: "POST", body: JSON.stringify({ error: { code: "Conflict", message: "A sync is already in progress." } }) });
    const conflict = await sync();
    assert.equal(conflict.outcome, "alreadyInProgress");
    await outcomeShown("alreadyInProgress");
    assert.ok((await seconds()) > 580 && (await seconds()) <= 600, `countdown after a 409: ${await seconds()}`);
    assert.equal(await button.isEnabled(), true, "after a 409 the wait is shown, Sync now stays");

    // Ten simulated minutes on, a long sync: started, then a real 409 from the running sync,
    // its wait counted on Graph's clock (the answer's date), not the page's.
    await sim.advance(601_000);
    await sim.config({ syncDurationMs: 3_600_000 });
    assert.equal((await sync()).outcome, "started");
    await countdown.waitFor({ state: "hidden" });
    const running = await sync();
    assert.equal(running.outcome, "alreadyInProgress");
    assert.equal(running.httpStatus, 409);
    await countdown.waitFor();
    // Graph's dates have whole seconds: up to one more.
    assert.ok((await seconds()) > 580 && (await seconds()) <= 601, `countdown after a real 409: ${await seconds()}`);
    await page.locator('autopilot-sync [part~="progress"][data-state="inProgress"]').waitFor();

    // 401: the element's client asks getToken once more with forceRefresh, then shows it.
    await sim.clearRequests();
    await page.evaluate(() => {
      window.__tokenCalls = [];
      document.getElementById("el").getToken = async ({ forceRefresh }) => {
        window.__tokenCalls.push(forceRefresh);
        return "expired-token";
      };
    });
    assert.equal((await sync()).outcome, "unauthorized");
    await outcomeShown("unauthorized");
    assert.deepEqual(await page.evaluate(() => window.__tokenCalls), [false, true], "exactly one refresh");
    const posts = (await sim.requests()).filter((q) => q.method === "POST");
    assert.deepEqual(posts.map((q) => q.status), [401, 401], "the request was repeated once");
    assert.match(await part(page, "message").textContent(), /Token rejected/);

    // 403: a read-only account, by keyboard.
    await page.evaluate((token) => (document.getElementById("el").getToken = async () => token), READER);
    await button.focus();
    await page.keyboard.press(" ");
    await outcomeShown("forbidden");
    assert.match(await part(page, "message").textContent(), /DeviceManagementServiceConfig\.ReadWrite\.All/);

    const outcomes = (await events(page, "autopilot-sync-result")).map((e) => e.detail.outcome);
    assert.deepEqual(outcomes, ["started", "throttled", "throttled", "alreadyInProgress", "started", "alreadyInProgress", "unauthorized", "forbidden"]);
    assert.equal(await page.locator("#el").getAttribute("outcome"), "forbidden");
    assert.deepEqual(page.errors, []);
  } finally {
    await close();
  }
});

test("light and dark: system colour scheme and the theme attribute; screenshots to test-output/", async () => {
  await sim.reset();
  mkdirSync(SHOTS, { recursive: true });
  const shots = {};
  for (const scheme of ["light", "dark"]) {
    await sim.reset();
    const { page, close } = await open("plain.html", { colorScheme: scheme, viewport: { width: 480, height: 720 } });
    try {
      await page.addStyleTag({ content: "body { font-family: system-ui, sans-serif; }" });
      await page.evaluate((token) => (document.getElementById("el").getToken = async () => token), ADMIN);
      // A start followed to its end, then a 429: outcome, countdown, last sync, details.
      await page.evaluate(() => document.getElementById("el").sync());
      await page.locator('autopilot-sync [part~="progress"][data-state="completed"]').waitFor({ timeout: 15000 });
      assert.equal((await page.evaluate(() => document.getElementById("el").sync())).outcome, "throttled");
      await part(page, "details").locator("summary").click();
      shots[scheme] = await page.locator("#el").evaluate((e) => getComputedStyle(e).backgroundColor);
      await page.locator("#el").screenshot({ path: join(SHOTS, `element-${scheme}.png`) });
      if (scheme === "dark") {
        await page.evaluate(() => document.getElementById("el").setAttribute("theme", "light"));
        assert.equal(await page.locator("#el").evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(255, 255, 255)", "theme=light wins");
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await close();
    }
  }
  assert.equal(shots.light, "rgb(255, 255, 255)");
  assert.equal(shots.dark, "rgb(31, 31, 31)");
});
