// The page's token panel and the warning before Sync now (issue #14) end to end: Debian
// Chromium against graph-sim, which accepts the test JWTs (tests/helpers/jwt.mjs) as its
// tokens. A valid token (facts shown, no warning, the sync starts), an expired one and a
// read-only one (warning; a click asks first, Cancel sends nothing, Sync anyway sends one
// POST), a token for another cloud, an opaque token (cannot be read, no warning) and a
// token that expires while the page is open. The token and its signature never reach the
// page's DOM or storage.
import { after, before, beforeEach } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { launchBrowser } from "./helpers/browser.mjs";
import { openPage, screenshot, startSite } from "./helpers/page.mjs";
import { READ_PERMISSION, SYNC_PERMISSION, TEST_TENANT, delegatedClaims, epoch, jwt } from "./helpers/jwt.mjs";

const WAIT = { timeout: 20_000 };
const SYNC = "/beta/deviceManagement/windowsAutopilotSettings/sync";
const RW = SYNC_PERMISSION;
const RO = READ_PERMISSION;
const TID = TEST_TENANT;
const SIGNATURE = "U0lHTkFUVVJFLXNlY3JldA";
const NOW = Date.now();
const claims = (extra = {}) => delegatedClaims(NOW, extra, 3600);
const TOKEN = {
  valid: jwt(claims()),
  expired: jwt(claims({ exp: epoch(NOW, -300), upn: "late@contoso.com" })),
  readOnly: jwt(claims({ scp: `${RO} User.Read`, upn: "reader@contoso.com" })),
  usGov: jwt(claims({ aud: "https://graph.microsoft.us", iss: `https://login.microsoftonline.us/${TID}/v2.0`, upn: "gov@contoso.us" })),
  app: jwt(claims({ upn: undefined, idtyp: "app", scp: undefined, roles: [RW] })),
};
let site, browser;

before(async () => {
  const tokens = Object.values(TOKEN).flatMap((t) => ["--token", `${t}=${t === TOKEN.readOnly ? "ro" : "rw"}`]);
  [site, browser] = await Promise.all([
    startSite([...tokens, "--token", "sim-admin-token=rw", "--token", "sim-reader-token=ro"]),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

beforeEach(() => site.reset());

const posts = async () => (await site.requests()).filter((r) => r.method === "POST" && r.path === SYNC);
const text = (page, selector) => page.locator(selector).innerText();

async function withPage(path, body, setup) {
  const page = await openPage(browser, site, path, {}, { setup });
  try {
    await body(page);
    assert.deepEqual(await page.unexpected(), [], "no CSP violations, uncaught errors or console errors");
  } finally {
    await page.context().close();
  }
}

async function paste(page, token) {
  await page.fill("#token", token);
  await page.waitForSelector("#token-panel:not([hidden])", WAIT);
}

/** Everything the page shows or keeps: the DOM (with the element's shadow tree) and storage. */
const pageText = (page) =>
  page.evaluate(() => {
    const card = document.querySelector("autopilot-sync");
    return [
      document.documentElement.outerHTML,
      card.shadowRoot.innerHTML,
      JSON.stringify({ ...localStorage }),
      JSON.stringify({ ...sessionStorage }),
    ].join("\n");
  });

async function syncAndExpect(page, outcome) {
  await page.waitForSelector(`#outcome[data-outcome="${outcome}"]`, WAIT);
  await page.waitForFunction(() => !document.querySelector("autopilot-sync").shadowRoot.querySelector("#busy").checkVisibility(), null, WAIT);
}

test("a valid token: tenant, user, cloud, permissions and expiry shown; no warning; Sync now starts at once; the token is never on the page", async () => {
  await withPage("/?mode=paste&cloud=sim", async (page) => {
    await paste(page, TOKEN.valid);
    assert.equal(await page.getAttribute("#token-panel", "data-kind"), "jwt");
    assert.equal(await text(page, "#tk-tenant"), TID);
    assert.equal(await text(page, "#tk-who-label"), "User");
    assert.equal(await text(page, "#tk-who"), "admin@contoso.com");
    assert.equal(await text(page, "#tk-cloud"), "global (graph.microsoft.com)");
    assert.equal(await text(page, "#tk-permissions"), `Delegated (scp): ${RW}, User.Read — can start a sync`);
    assert.match(await text(page, "#tk-expiry"), /^expires in (59|60) min \(.+\)$/);
    assert.equal(await page.getAttribute("#tk-expiry", "data-expired"), "false");
    assert.equal(await page.isHidden("#token-warning"), true, "no warning");
    await page.click("#sync-now");
    await syncAndExpect(page, "started");
    assert.equal(await page.isHidden("#token-confirm"), true, "no confirmation asked");
    assert.equal((await posts()).length, 1);
    const shown = await pageText(page);
    assert.ok(!shown.includes(TOKEN.valid), "the token is not in the DOM or storage");
    assert.ok(!shown.includes(SIGNATURE), "nor its signature");
    assert.ok(!shown.includes(TOKEN.valid.split(".")[1]), "nor its payload");
    // An app-only token names the application and its roles.
    await paste(page, TOKEN.app);
    assert.equal(await text(page, "#tk-who-label"), "Application");
    assert.equal(await text(page, "#tk-who"), "0f3c1c9e-1111-4222-8333-444455556666");
    assert.equal(await text(page, "#tk-permissions"), `Application (roles): ${RW} — can start a sync`);
  });
});

test("an expired token: a warning before Sync now; the click asks first, Cancel sends nothing, Enter asks too", async () => {
  await withPage("/?mode=paste&cloud=sim", async (page) => {
    await paste(page, TOKEN.expired);
    await page.waitForSelector("#token-warning:not([hidden])", WAIT);
    assert.match(await text(page, "#tk-expiry"), /^expired 5 min ago \(/);
    assert.equal(await page.getAttribute("#tk-expiry", "data-expired"), "true");
    assert.deepEqual(await page.$$eval("#token-problems li", (l) => l.map((li) => li.dataset.code)), ["expired"]);
    assert.match(await text(page, "#token-problems"), /The token expired at .*; get a new one \(sign in again\)\./);
    assert.match(await text(page, "#token-warning-title"), /Sync now will probably fail/);
    await page.click("#sync-now");
    await page.waitForSelector("#token-confirm:not([hidden])", WAIT);
    assert.equal(await page.evaluate(() => document.activeElement.id), "sync-anyway", "focus on the choice");
    await page.click("#sync-cancel");
    assert.equal(await page.isHidden("#token-confirm"), true);
    await page.waitForFunction(() => /Nothing was sent/.test(document.querySelector("#announcer").textContent), null, WAIT);
    await page.focus("#token");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#token-confirm:not([hidden])", WAIT);
    assert.equal(await page.getAttribute("#sync-card", "outcome"), null, "no sync result");
    assert.equal((await posts()).length, 0, "nothing was sent");
  });
});

test("a read-only token: missingPermission is warned; Sync anyway sends the one POST and shows Graph's 403", async () => {
  await withPage("/?mode=paste&cloud=sim", async (page) => {
    await paste(page, TOKEN.readOnly);
    await page.waitForSelector("#token-warning:not([hidden])", WAIT);
    assert.equal(await text(page, "#tk-permissions"), `Delegated (scp): ${RO}, User.Read — can read the sync status only`);
    assert.deepEqual(await page.$$eval("#token-problems li", (l) => l.map((li) => li.dataset.code)), ["missingPermission"]);
    assert.match(await text(page, "#token-problems"), new RegExp(`do not include ${RW}.*can read the sync status only`));
    await page.click("#sync-now");
    await page.waitForSelector("#token-confirm:not([hidden])", WAIT);
    await screenshot(page, "token-warning");
    assert.equal((await posts()).length, 0, "nothing sent before the choice");
    await page.click("#sync-anyway");
    await syncAndExpect(page, "forbidden");
    assert.equal(await page.isHidden("#token-confirm"), true);
    assert.equal((await posts()).length, 1, "exactly one POST");
    assert.equal(await text(page, "#sd-httpStatus"), "403");
  });
});

test("a token for another cloud: wrongCloud against the chosen cloud, gone when the cloud matches; nothing sent", async () => {
  const graph = [];
  await withPage(
    "/?mode=paste&cloud=global",
    async (page) => {
      await paste(page, TOKEN.usGov);
      await page.waitForSelector("#token-warning:not([hidden])", WAIT);
      assert.equal(await text(page, "#tk-cloud"), "usGov (graph.microsoft.us)");
      assert.deepEqual(await page.$$eval("#token-problems li", (l) => l.map((li) => li.dataset.code)), ["wrongCloud"]);
      assert.match(await text(page, "#token-problems"), /usGov cloud .* but the call goes to the global cloud/);
      await page.click("#sync-now");
      await page.waitForSelector("#token-confirm:not([hidden])", WAIT);
      await page.click("#sync-cancel");
      // Choosing the token's cloud clears the warning (the description follows the connection).
      await page.selectOption("#cloud", "usGov");
      await page.waitForSelector("#token-warning[hidden]", { state: "attached", ...WAIT });
      assert.deepEqual(graph, [], "no request reached a Microsoft Graph host");
    },
    (page) =>
      page.route(/^https:\/\/(graph\.microsoft\.(com|us)|dod-graph\.microsoft\.us|microsoftgraph\.chinacloudapi\.cn)\//, (route) => {
        graph.push(route.request().url());
        return route.abort();
      }),
  );
});

test("an opaque token: the panel says it cannot be read and warns of nothing; Sync now starts", async () => {
  await withPage("/?mode=paste&cloud=sim", async (page) => {
    await paste(page, "sim-admin-token");
    assert.equal(await page.getAttribute("#token-panel", "data-kind"), "opaque");
    assert.equal(await page.isVisible("#token-opaque"), true);
    assert.equal(await page.isHidden("#token-facts"), true);
    assert.equal(await page.isHidden("#token-warning"), true);
    await page.click("#sync-now");
    await syncAndExpect(page, "started");
    // The simulated-tenant mode's token is opaque too; an empty field hides the panel.
    await page.fill("#token", "");
    await page.waitForSelector("#token-panel[hidden]", { state: "attached", ...WAIT });
    await page.check("#mode-sim");
    await page.waitForSelector('#token-panel[data-kind="opaque"]:not([hidden])', WAIT);
  });
});

test("live expiry: a token that expires while the page is open turns into a warning without a click", async () => {
  const soon = jwt(claims({ exp: epoch(Date.now(), 12), upn: "soon@contoso.com" }));
  await withPage("/?mode=paste&cloud=sim", async (page) => {
    await paste(page, soon);
    assert.match(await text(page, "#tk-expiry"), /^expires in less than a minute/);
    assert.equal(await page.isHidden("#token-warning"), true);
    await page.waitForSelector('#token-problems li[data-code="expired"]', { timeout: 40_000 });
    assert.equal(await page.isVisible("#token-warning"), true);
    assert.match(await text(page, "#tk-expiry"), /^expired less than a minute ago/);
  });
});
