// Issue 16, item 1: a portal that already uses MSAL hands its own PublicClientApplication
// to createMsalTokenProvider({ instance }). Real MSAL.js 5 and the Rust binding in
// Chromium, against graph-sim's local OpenID Connect authority (https on 127.0.0.1,
// self-signed). The fixture (tests/fixtures/portal.js) signs in with its own MSAL and its
// own scopes, and records every call anyone else makes on its instance.
import { after, before, beforeEach } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT, startSite } from "./helpers/page.mjs";

// Upper bounds only (a passing wait costs nothing): generous, for a loaded 2-core machine.
const WAIT = { timeout: 30_000 };
const SYNC_PATH = "/beta/deviceManagement/windowsAutopilotSettings/sync";
const JWT_BEARER = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
let sim, browser;

before(async () => {
  [sim, browser] = await Promise.all([
    startSite(["--oidc-port", "0"], "tests/fixtures"),
    launchBrowser(["--ignore-certificate-errors"]),
  ]);
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

beforeEach(() => sim.reset());

/** graph-sim's `/_sim/oidc` (counters, sessions), or a PATCH of it. */
const oidc = (patch) => sim.oidc(patch);

/** Requests at the authority's authorize endpoint, from graph-sim's request log. */
const authorizeRequests = async () =>
  (await sim.requests()).filter((r) => r.path.endsWith("/oauth2/v2.0/authorize"));
const syncPosts = async () => (await sim.requests()).filter((r) => r.method === "POST" && r.path === SYNC_PATH);

/**
 * Opens the portal fixture (`query` is appended) and runs `body(page, watch)`; `watch`
 * records every window opened (`popups`) and the Authorization header of every Graph
 * call (`bearers`). Afterwards: no uncaught errors.
 */
async function withPortal(query, body) {
  const context = await browser.newContext();
  const watch = { popups: [], bearers: [] };
  const page = await context.newPage();
  context.on("page", (p) => watch.popups.push(p));
  context.on("request", (r) => {
    if (new URL(r.url()).pathname === SYNC_PATH) watch.bearers.push(r.headers().authorization);
  });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  try {
    const authority = encodeURIComponent(`${sim.authorityUrl}/sim-tenant`);
    await page.goto(`${sim.url}/portal.html?authority=${authority}${query}`);
    await page.waitForFunction(() => window.portal, null, WAIT);
    await page.evaluate(() => window.portal.ready);
    await body(page, watch);
    assert.deepEqual(problems, [], "no uncaught errors");
  } finally {
    await context.close();
  }
}

/** The portal's own popup sign-in; waits for its popup to come back and close. */
async function portalSignInWithPopup(page) {
  const popup = page.context().waitForEvent("page", WAIT);
  const username = page.evaluate(() => window.portal.signIn("popup"));
  await (await popup).waitForEvent("close", WAIT);
  assert.equal(await username, "admin@sim.test");
}

/**
 * The portal's own redirect sign-in: to the authority, through the redirect bridge, back
 * to the portal page, which starts again (and handles the answer itself unless `handle=no`).
 */
async function portalSignInWithRedirect(page) {
  const authorize = page.waitForRequest((r) => r.url().startsWith(`${sim.authorityUrl}/sim-tenant/oauth2/v2.0/authorize`), WAIT);
  await page.evaluate(() => { void window.portal.signIn("redirect"); });
  await authorize;
  await page.waitForURL((u) => u.origin === sim.url && u.pathname === "/portal.html", WAIT);
  await page.waitForFunction(() => window.portal, null, WAIT);
  await page.evaluate(() => window.portal.ready);
}

/**
 * In the page: a provider on the portal's instance (`options` added), a client on it, and
 * Sync now. Returns the outcome, the provider's account and redirectError, and the calls
 * the provider made on the instance.
 */
function syncThroughProvider(page, options = {}) {
  return page.evaluate(async ([options, graph]) => {
    const { portal } = window;
    for (const k of Object.keys(portal.calls)) portal.calls[k] = 0;
    const { default: init, createSyncClient } = await import("autopilot-sync");
    await init(); // createSyncClient is synchronous: the wasm first
    const { createMsalTokenProvider } = await import("autopilot-sync/msal");
    const provider = await createMsalTokenProvider({ instance: portal.pca, ...options });
    const client = createSyncClient({ getToken: provider.getToken, baseUrl: graph });
    const result = await client.triggerSync();
    return {
      outcome: result.outcome,
      account: provider.account,
      redirectError: provider.redirectError && { code: provider.redirectError.code, errorCode: provider.redirectError.errorCode },
      calls: { ...portal.calls },
      active: portal.pca.getActiveAccount()?.username ?? null,
    };
  }, [options, sim.url]);
}

/** The calls a borrowed instance may see from the provider: silent tokens, nothing else. */
const onlySilent = (calls, handleRedirectPromise = 0) => ({
  ...Object.fromEntries(Object.keys(calls).map((k) => [k, 0])),
  acquireTokenSilent: calls.acquireTokenSilent,
  handleRedirectPromise,
});

test("a portal signed in with its own loginPopup syncs through the provider: no second prompt, the POST carries the authority's JWT", async () => {
  await withPortal("", async (page, watch) => {
    await portalSignInWithPopup(page);
    assert.equal((await authorizeRequests()).length, 1, "the portal's own sign-in");

    const r = await syncThroughProvider(page);
    assert.equal(r.outcome, "started");
    assert.equal(r.account?.username, "admin@sim.test", "the portal's active account");
    assert.equal(r.redirectError, null);
    assert.ok(r.calls.acquireTokenSilent >= 1, "the token came from the instance, silently");
    assert.deepEqual(r.calls, onlySilent(r.calls), "never initialize, handleRedirectPromise, setActiveAccount, clearCache or a prompt");
    assert.equal(r.active, "admin@sim.test", "the portal's active account is unchanged");

    assert.equal(watch.popups.length, 1, "one popup: the portal's own");
    assert.equal((await authorizeRequests()).length, 1, "no second authorize request at the authority");
    const { counters } = await oidc();
    assert.equal(counters.authorizeRequests, 1);
    assert.equal(counters.tokenRequests.authorizationCode, 1, "one code redemption (the portal's)");
    assert.equal(counters.tokenRequests.refreshToken, 1, "the sync scope came silently from the portal's refresh token");
    const [post] = await syncPosts();
    assert.equal(post.status, 204, "graph-sim accepted the token");
    assert.equal(post.headers.authorization, "Bearer <redacted>");
    assert.equal(watch.bearers.length, 1);
    assert.match(watch.bearers[0], JWT_BEARER, "the sync POST carried the authority's JWT");
  });
});

test("a portal signed in with its own loginRedirect and handled the answer itself: the provider syncs without calling handleRedirectPromise", async () => {
  await withPortal("", async (page, watch) => {
    await portalSignInWithRedirect(page);
    assert.equal(await page.evaluate(() => window.portal.pca.getActiveAccount()?.username), "admin@sim.test", "the portal handled its redirect");
    assert.equal((await authorizeRequests()).length, 1);

    const r = await syncThroughProvider(page);
    assert.equal(r.outcome, "started");
    assert.equal(r.account?.username, "admin@sim.test");
    assert.equal(r.calls.handleRedirectPromise, 0, "not asked to, the provider does not call handleRedirectPromise");
    assert.deepEqual(r.calls, onlySilent(r.calls));
    assert.equal(watch.popups.length, 0);
    assert.equal((await authorizeRequests()).length, 1, "no second prompt");
    assert.equal((await syncPosts())[0].status, 204);
    assert.match(watch.bearers[0], JWT_BEARER);
  });
});

test("handleRedirect: true — the provider calls the instance's handleRedirectPromise once and picks up the account", async () => {
  // A portal that leaves its redirect answer to the provider (handle=no).
  await withPortal("&handle=no", async (page) => {
    await portalSignInWithRedirect(page);

    const r = await syncThroughProvider(page, { handleRedirect: true });
    assert.equal(r.calls.handleRedirectPromise, 1, "asked to, it calls handleRedirectPromise exactly once");
    assert.equal(r.redirectError, null);
    assert.equal(r.outcome, "started");
    assert.equal(r.account?.username, "admin@sim.test", "the account the redirect brought back");
    assert.equal(r.calls.setActiveAccount, 0, "the portal's active account is left to the portal");
    assert.deepEqual(r.calls, onlySilent(r.calls, 1));
    assert.equal((await authorizeRequests()).length, 1);
  });
});

test("handleRedirect: true reports a cancelled redirect sign-in in redirectError", async () => {
  await oidc({ defaultUser: "cancel@sim.test" });
  await withPortal("&handle=no", async (page) => {
    await portalSignInWithRedirect(page);
    const r = await page.evaluate(async () => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ instance: window.portal.pca, handleRedirect: true });
      return { name: p.redirectError?.name, code: p.redirectError?.code, errorCode: p.redirectError?.errorCode, account: p.account, calls: window.portal.calls.handleRedirectPromise };
    });
    assert.deepEqual(r, { name: "SyncError", code: "signInCancelled", errorCode: "access_denied", account: null, calls: 1 });
  });
});

test("signOut() with a borrowed instance: that account's session ends through the portal's instance, which stays usable", async () => {
  await withPortal("", async (page, watch) => {
    await portalSignInWithPopup(page);
    const popup = page.context().waitForEvent("page", WAIT);
    const done = page.evaluate(async () => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ instance: window.portal.pca });
      for (const k of Object.keys(window.portal.calls)) window.portal.calls[k] = 0;
      await p.signOut();
      return { account: p.account, accounts: window.portal.pca.getAllAccounts().length, calls: { ...window.portal.calls } };
    });
    const logout = await popup;
    await logout.waitForEvent("close", WAIT);
    const r = await done;
    assert.equal(r.account, null);
    assert.equal(r.accounts, 0, "MSAL removed the account from the instance's cache");
    assert.equal(r.calls.logoutPopup, 1);
    assert.equal(r.calls.clearCache, 0, "no clearCache on the portal's instance");
    assert.equal(r.calls.setActiveAccount, 0);
    assert.equal(r.calls.initialize, 0);
    const { counters, sessions } = await oidc();
    assert.equal(counters.logoutRequests, 1, "the authority's end-session endpoint");
    assert.equal(sessions, 0);
    assert.equal(watch.popups.length, 2, "the portal's sign-in popup and the sign-out popup");
    // The instance still works for the portal: its own sign-in again, no error.
    await portalSignInWithPopup(page);
  });
});

test("an instance that is not MSAL's, not initialized, or mixed with build options: a typed SyncError", async () => {
  await withPortal("&init=no", async (page) => {
    const r = await page.evaluate(async () => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const { portal } = window;
      const fail = async (f) => {
        try {
          await f();
          return "resolved";
        } catch (e) {
          return { name: e.name, code: e.code, errorCode: e.errorCode ?? null, message: e.message };
        }
      };
      const out = {};
      out.plainObject = await fail(() => createMsalTokenProvider({ instance: {} }));
      out.string = await fail(() => createMsalTokenProvider({ instance: "pca" }));
      out.noConfiguration = await fail(() => createMsalTokenProvider({ instance: { ...Object.fromEntries(["getActiveAccount", "getAllAccounts", "handleRedirectPromise", "acquireTokenSilent", "acquireTokenPopup", "acquireTokenRedirect", "loginPopup", "loginRedirect", "logoutPopup", "logoutRedirect"].map((m) => [m, () => {}])), getConfiguration: () => ({}) } }));
      out.withClientId = await fail(() => createMsalTokenProvider({ instance: portal.pca, clientId: "sim-spa" }));
      out.withCache = await fail(() => createMsalTokenProvider({ instance: portal.pca, cacheLocation: "memory" }));
      out.accountWithoutInstance = await fail(() => createMsalTokenProvider({ clientId: "sim-spa", account: {} }));
      out.badAccount = await fail(() => createMsalTokenProvider({ instance: portal.pca, account: { username: "x" } }));
      out.badHandleRedirect = await fail(() => createMsalTokenProvider({ instance: portal.pca, handleRedirect: "yes" }));
      // Not initialized (the fixture skipped initialize()): creation succeeds without
      // touching it; the first MSAL call says what is wrong.
      const p = await createMsalTokenProvider({ instance: portal.pca });
      out.uninitializedToken = await fail(() => p.getToken());
      out.uninitializedHandleRedirect = await fail(() => createMsalTokenProvider({ instance: portal.pca, handleRedirect: true }));
      out.initializeCalls = portal.calls.initialize;
      return out;
    });
    const invalid = (v, message) => {
      assert.equal(v.name, "SyncError", JSON.stringify(v));
      assert.equal(v.code, "invalidOptions", JSON.stringify(v));
      assert.match(v.message, message);
    };
    for (const k of ["plainObject", "string", "noConfiguration"]) invalid(r[k], /instance must be a PublicClientApplication from @azure\/msal-browser 5, initialized/);
    invalid(r.withClientId, /clientId must be left out with instance/);
    invalid(r.withCache, /cacheLocation must be left out with instance/);
    invalid(r.accountWithoutInstance, /account must be given only with instance/);
    invalid(r.badAccount, /account must be an AccountInfo/);
    invalid(r.badHandleRedirect, /handleRedirect must be true or false/);
    for (const k of ["uninitializedToken", "uninitializedHandleRedirect"]) {
      invalid(r[k], /not initialized: await instance\.initialize\(\)/);
      assert.equal(r[k].errorCode, "uninitialized_public_client_application", "MSAL's errorCode is kept");
    }
    assert.equal(r.initializeCalls, 0, "the provider never initializes the portal's instance");
  });
});

test("types: createMsalTokenProvider({ instance }) takes MSAL's own types, and refuses build options beside it", () => {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", join(ROOT, "tests/types/portal.ts")], { cwd: ROOT, stdio: "pipe", encoding: "utf8", timeout: 90_000 });
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`);
  }
});
