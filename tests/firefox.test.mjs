// The admin page (www/) in a second engine: Debian's Firefox ESR through geckodriver
// (tests/helpers/firefox.mjs), against graph-sim served exactly as `npm start` serves it.
// A smoke test of what an admin does: load, status, 204 → progress → 429 countdown,
// 409, support details, keyboard only — with no console errors, uncaught exceptions or
// CSP violations (collected over WebDriver BiDi and a pre-page script).
import { after, afterEach, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY, launchFirefox } from "./helpers/firefox.mjs";
import { ROOT, SCREENSHOTS, startSite } from "./helpers/page.mjs";

// A portal page for <autopilot-sync> (the built package under /pkg), served by the
// same graph-sim under /portal, with the demo page's strict CSP.
const portal = mkdtempSync(join(tmpdir(), "firefox-portal-"));
let site, ff;

before(async () => {
  // Not UTC, as the admins are not: Graph's UTC dates must still read right.
  [site, ff] = await Promise.all([
    startSite(["--mount", `/portal=${portal}`]),
    launchFirefox({ timeZone: "America/St_Johns" }),
  ]);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(readFileSync(join(ROOT, "www/index.html"), "utf8"))[1];
  writeFileSync(
    join(portal, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
     <meta http-equiv="Content-Security-Policy" content="${csp}">
     <title>Portal</title><script type="module" src="portal.js"></script></head>
     <body><main><h1>Portal</h1><p><a href="#devices">Devices</a></p>
     <autopilot-sync id="card" base-url="${site.url}" interval-ms="200"></autopilot-sync></main></body></html>`,
  );
  writeFileSync(
    join(portal, "portal.js"),
    `import { AutopilotSyncElement } from "/pkg/element.js";
     const card = document.getElementById("card");
     window.__upgraded = card instanceof AutopilotSyncElement;
     card.getToken = async () => "sim-admin-token";
     document.documentElement.dataset.ready = "true";`,
  );
});

after(async () => {
  await ff?.close();
  await site?.stop();
  rmSync(portal, { recursive: true, force: true });
});

beforeEach(async () => {
  await site.reset();
  await ff.goto("about:blank");
  ff.clearLog();
});

// Every test ends with nothing unexpected in the page. The page's own answers (401,
// 409, 429, 503) are outcomes, and Firefox does not log failed fetches to the console,
// so there is no list of expected messages to subtract here.
afterEach(async () => {
  const csp = await ff.eval(() => window.__cspViolations ?? ["(no pre-page script)"]).catch((e) => [`(page gone: ${e.message})`]);
  assert.deepEqual([...csp.map((v) => `csp: ${v}`), ...ff.errors()], [], "no CSP violations, console errors or uncaught exceptions");
});

async function open(path = "/") {
  await ff.goto(new URL(path, site.url).href);
  await ff.waitFor(() => document.documentElement.dataset.ready, { timeout: 15_000, message: "the page to be ready" });
  assert.equal(await ff.eval(() => document.documentElement.dataset.ready), "true", "the page started");
}

// The demo page's sync card is the package's element: Sync now, the outcome, the
// countdown and the progress are in its shadow root (ids scoped there).
const SYNC = "#sync-card";
const inSync = (fn, ...args) => ff.eval(`return (${fn})(document.querySelector("#sync-card").shadowRoot, ...arguments);`, ...args);
const outcomeIs = (outcome) =>
  ff.waitFor(
    (o) => {
      const root = document.querySelector("#sync-card").shadowRoot;
      return root.querySelector("#outcome").dataset.outcome === o && root.querySelector("#busy").hidden;
    },
    { args: [outcome], message: `outcome ${outcome}` },
  );

async function syncAndExpect(outcome) {
  await ff.click("#sync-now", SYNC);
  await outcomeIs(outcome);
}

const progressIs = (state) =>
  ff.waitFor((s) => document.querySelector("#sync-card").shadowRoot.querySelector("#progress").dataset.state === s, {
    args: [state],
    message: `progress ${state}`,
  });

async function screenshot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, `firefox-${name}.png`), await ff.screenshot());
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test("Firefox ESR under WebDriver, with the error collector proven to catch errors", async () => {
  assert.match(ff.version, /^\d+\./, "Firefox reports its version");
  assert.equal(await ff.eval(() => Intl.DateTimeFormat().resolvedOptions().timeZone), "America/St_Johns");
  await open();
  // The collector is only worth something if it fails: make the page log an error,
  // throw, reject and break its CSP, and see all four arrive.
  await ff.eval(() => {
    console.error("canary console.error");
    setTimeout(() => {
      throw new Error("canary uncaught");
    });
    Promise.reject(new Error("canary rejection"));
    const img = document.createElement("img");
    img.src = "http://127.0.0.1:9/canary.png"; // img-src 'self' data: refuses it
    document.body.append(img);
    img.remove();
  });
  await ff.waitFor(() => window.__cspViolations.length > 0, { message: "the CSP violation event" });
  const until = Date.now() + 5_000;
  while (ff.errors().length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const errors = ff.errors().join("\n");
  assert.match(errors, /console: canary console\.error/);
  assert.match(errors, /javascript: .*canary uncaught/);
  assert.match(errors, /javascript: .*canary rejection/);
  assert.match((await ff.eval(() => window.__cspViolations)).join("\n"), /^img-src http:\/\/127\.0\.0\.1:9\/canary\.png$/m);
  // Clean slate for the after-each check.
  ff.clearLog();
  await ff.eval(() => (window.__cspViolations.length = 0));
});

test("on load: the simulated tenant is chosen and the status card is filled", async () => {
  await open();
  assert.equal(await ff.eval(() => document.querySelector("#mode-sim").checked), true);
  // The simulated Graph is the same graph-sim under the other loopback name, so it is
  // cross-origin to the page as real Graph is (CORS then hides Retry-After).
  const root = await ff.text("#graph-root");
  assert.match(root, /^http:\/\/(127\.0\.0\.1|localhost):\d+ \(simulated\)$/);
  assert.notEqual(new URL(root.split(" ")[0]).origin, await ff.eval(() => location.origin), "Graph is cross-origin to the page");
  assert.equal(await ff.text("#st-status"), "unknown");
  assert.equal(await ff.text("#st-last-sync"), "never");
  assert.equal(await ff.enabled("#sync-now", SYNC), true);
  assert.match(await ff.text("#status-note"), /^Read at /);
  assert.equal(await inSync((root) => root.querySelector("#outcome").textContent), "", "no outcome before a sync");
  await screenshot("loaded");
});

test("204 → progress → completed, then 429 with a countdown from Retry-After, then support details", async () => {
  await open();
  await syncAndExpect("started");
  await progressIs("inProgress");
  assert.equal(await ff.text("#st-status"), "inProgress");
  assert.equal(await ff.text("#sd-httpStatus"), "204");
  assert.match(await ff.text("#sd-requestId"), GUID);

  await site.advance(30_000);
  await progressIs("completed");
  assert.equal(await ff.text("#st-status"), "completed");
  const iso = await ff.attr("#st-last-sync time", "datetime");
  assert.match(iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const graph = await site.state();
  assert.equal(Date.parse(iso), Date.parse(graph.lastSyncDateTime), "the page shows Graph's instant, in a zone that is not UTC");

  await syncAndExpect("throttled");
  assert.equal(await ff.enabled("#sync-now", SYNC), false, "disabled during the countdown");
  // Page and simulator share an origin here, so Retry-After is readable whatever the
  // simulator's CORS default. It and nextManualSyncAt agree: 600 s from the trigger,
  // 30 s of which have passed on Graph's clock (the next test takes the header away).
  assert.match(await ff.text("#countdown", SYNC), /Next sync allowed in 9:\d\d/);
  const seconds = Number(await inSync((root) => root.querySelector("#countdown").dataset.seconds));
  assert.ok(seconds > 555 && seconds <= 570, `about 570 s left: ${seconds}`);
  const at = Date.parse(await inSync((root) => root.querySelector("#countdown time").dateTime));
  assert.ok(Math.abs(at - (Date.now() + seconds * 1000)) < 15_000, "the countdown's end time is about now + its seconds");
  const left1 = await inSync((root) => root.querySelector("#countdown .left").textContent);
  await ff.waitFor((t) => document.querySelector("#sync-card").shadowRoot.querySelector("#countdown .left").textContent !== t, {
    args: [left1],
    timeout: 3_000,
    message: "the countdown to tick",
  });

  // Support details of the 429, as Microsoft support asks for them.
  assert.equal(await ff.text("#sd-call"), "POST windowsAutopilotSettings/sync");
  assert.equal(await ff.text("#sd-outcome"), "throttled");
  assert.equal(await ff.text("#sd-httpStatus"), "429");
  assert.equal(await ff.text("#sd-errorCode"), "TooManyRequests");
  assert.notEqual(await ff.text("#sd-errorMessage"), "—");
  assert.match(await ff.text("#sd-requestId"), GUID);
  assert.match(await ff.text("#sd-clientRequestId"), GUID);
  assert.match(await ff.text("#sd-date"), /GMT|\d{4}-\d\d-\d\d/);
  const history = await ff.eval(() => [...document.querySelectorAll("#history-list li")].map((li) => li.textContent));
  assert.equal(history.length, 2);
  assert.match(history[0], /throttled HTTP 429/);
  assert.match(history[1], /started HTTP 204/);

  // Copy: Firefox grants clipboard writes to a click; the testing pref lets us read it.
  await ff.click("#support-copy");
  await ff.waitFor(() => document.querySelector("#copy-feedback").textContent !== "", { message: "copy feedback" });
  assert.equal(await ff.text("#copy-feedback"), "Copied.");
  const copied = await ff.cmd("POST", "/execute/async", { script: "navigator.clipboard.readText().then(arguments[0], (e) => arguments[0]('readText failed: ' + e))", args: [] });
  assert.match(copied, /^call: POST windowsAutopilotSettings\/sync$/m);
  assert.match(copied, /^outcome: throttled$/m);
  assert.match(copied, /^httpStatus: 429$/m);
  assert.match(copied, /^requestId: [0-9a-f-]{36}$/m);
  await screenshot("throttled");

  // A click on the disabled button sends nothing.
  const before = (await site.requests()).filter((r) => r.method === "POST").length;
  await inSync((root) => root.querySelector("#sync-now").click());
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await site.requests()).filter((r) => r.method === "POST").length, before);
});

test("429 without a Retry-After header: the countdown comes from Graph's nextManualSyncAt", async () => {
  // What a cross-origin page sees when Graph does not expose Retry-After; the same
  // holds if the simulator stops sending or exposing it.
  await site.config({ retryAfterHeader: false });
  await open();
  await syncAndExpect("started");
  await site.advance(60_000);
  await progressIs("completed");
  await syncAndExpect("throttled");
  const seconds = Number(await inSync((root) => root.querySelector("#countdown").dataset.seconds));
  assert.ok(seconds > 500 && seconds <= 545, `about 540 s left on Graph's clock: ${seconds}`);
  assert.equal(await ff.enabled("#sync-now", SYNC), false);
  assert.equal(await ff.text("#sd-httpStatus"), "429");
});

test("409: Sync now while a sync runs shows alreadyInProgress and keeps following it", async () => {
  await open();
  await syncAndExpect("started");
  await syncAndExpect("alreadyInProgress");
  assert.match(await ff.text("#outcome", SYNC), /already running/i);
  assert.equal(await ff.text("#sd-httpStatus"), "409");
  assert.equal(await ff.text("#sd-outcome"), "alreadyInProgress");
  assert.match(await ff.text("#sd-errorMessage"), /\S/, "Intune's message is in the support details");
  assert.equal(await ff.enabled("#sync-now", SYNC), true, "a 409 does not block Sync now");
  await site.advance(30_000);
  await progressIs("completed");
  await screenshot("already-in-progress");
});

test("keyboard only: Tab reaches Sync now with a visible focus ring; Enter and Space activate it", async () => {
  await open();
  const focused = () => ff.eval(() => {
    const a = document.activeElement;
    return a?.id === "sync-card" ? `sync-card/${a.shadowRoot.activeElement?.id ?? ""}` : a?.id ?? "";
  });
  let now = "";
  for (let i = 0; i < 25 && now !== "sync-card/sync-now"; i++) {
    await ff.press(KEY.Tab);
    now = await focused();
  }
  assert.equal(now, "sync-card/sync-now", "Sync now is reachable with Tab");
  assert.equal(await inSync((root) => root.activeElement.matches(":focus-visible")), true, "keyboard focus is :focus-visible");
  assert.notEqual(await inSync((root) => getComputedStyle(root.activeElement).outlineStyle), "none", "visible focus");

  await ff.press(KEY.Enter);
  await outcomeIs("started");
  assert.equal(await focused(), "sync-card/sync-now", "focus stays on Sync now");

  await ff.press(KEY.Space);
  await outcomeIs("alreadyInProgress");
  const posts = (await site.requests()).filter((r) => r.method === "POST");
  assert.equal(posts.length, 2, "one POST per key press");
});

// ---- <autopilot-sync> (autopilot-sync/element) --------------------------------------

const CARD = "#card";
/** Reads `fn(shadowRoot, ...args)` inside the card. */
const inCard = (fn, ...args) => ff.eval(`return (${fn})(document.getElementById("card").shadowRoot, ...arguments);`, ...args);
const cardOutcomeIs = (outcome) =>
  ff.waitFor(
    (o) => {
      const root = document.getElementById("card").shadowRoot;
      return root.querySelector('[part~="message"]').dataset.outcome === o && root.querySelector('[part~="busy"]').hidden;
    },
    { args: [outcome], message: `the card's outcome ${outcome}` },
  );
const posts = async () => (await site.requests()).filter((r) => r.method === "POST").length;

test("<autopilot-sync> under the demo page's CSP: Tab and Enter start a sync, progress, Space → 429 countdown, support details", async () => {
  await open("/portal/");
  assert.equal(await ff.eval(() => window.__upgraded), true, "the markup element was upgraded");
  assert.ok(await inCard((root) => root.adoptedStyleSheets.length > 0), "its constructable stylesheet applies under the CSP");
  assert.match(await ff.text('[part~="last-sync"]', CARD), /Last sync: unknown|Last sync: never/);

  let onButton = false;
  for (let i = 0; i < 10 && !onButton; i++) {
    await ff.press(KEY.Tab);
    onButton = await ff.eval(() => document.activeElement?.id === "card" && document.activeElement.shadowRoot.activeElement?.getAttribute("part") === "button");
  }
  assert.ok(onButton, "Tab reaches the card's Sync now button");
  assert.equal(await inCard((root) => root.activeElement.matches(":focus-visible")), true, "keyboard focus is visible");
  await ff.press(KEY.Enter);
  await cardOutcomeIs("started");
  assert.match(await ff.text('[part~="message"]', CARD), /Sync started/);

  await site.advance(30_000);
  await ff.waitFor(() => document.getElementById("card").shadowRoot.querySelector('[part~="progress"]').dataset.state === "completed", { message: "the card's progress completed" });
  const shown = await inCard((root) => root.querySelector('[part~="last-sync"] time')?.dateTime);
  assert.equal(Date.parse(shown), Date.parse((await site.state()).lastSyncDateTime), "the card shows Graph's instant, in a zone that is not UTC");

  assert.equal(await inCard((root) => root.activeElement?.getAttribute("part")), "button", "focus stayed on Sync now");
  await ff.press(KEY.Space);
  await cardOutcomeIs("throttled");
  assert.equal(await ff.displayed('[part~="countdown"]', CARD), true);
  const seconds = Number(await inCard((root) => root.querySelector('[part~="countdown"]').dataset.seconds));
  assert.ok(seconds > 555 && seconds <= 570, `about 570 s left: ${seconds}`);
  assert.equal(await ff.enabled('[part~="button"]', CARD), false, "Sync now waits for the countdown");

  await ff.click('[part~="details"] summary', CARD);
  const details = await ff.text('[part~="details"]', CARD);
  assert.match(details, /HTTP status\s*429/);
  assert.match(details, /TooManyRequests/);
  assert.match(details, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  assert.doesNotMatch(details, /sim-admin-token/, "no token in the support details");
  assert.equal(await posts(), 2, "one POST per key press");
  await screenshot("element-throttled");
});

test("<autopilot-sync>: 409 while a sync started elsewhere runs", async () => {
  const res = await fetch(`${site.url}/beta/deviceManagement/windowsAutopilotSettings/sync`, { method: "POST", headers: { authorization: "Bearer sim-admin-token" } });
  assert.equal(res.status, 204, "a sync started by someone else");
  await open("/portal/");
  await ff.click('[part~="button"]', CARD);
  await cardOutcomeIs("alreadyInProgress");
  assert.match(await ff.text('[part~="message"]', CARD), /already running/i);
  await ff.click('[part~="details"] summary', CARD);
  assert.match(await ff.text('[part~="details"]', CARD), /HTTP status\s*409/);
});
