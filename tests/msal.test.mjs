// The Rust MSAL binding against real MSAL.js 5 in Chromium, offline: Microsoft's sign-in
// endpoints are answered by in-browser stubs (page.route), nothing leaves the machine.
import { after, before } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { startSite } from "./helpers/page.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { entraStub } from "./helpers/entra-stub.mjs";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const LOGIN = "https://login.microsoftonline.com";
let sim, browser;

before(async () => {
  sim = await startSite([], "tests/fixtures");
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** A page on the fixture, with Microsoft's endpoints stubbed; `seen` lists what MSAL asked. */
async function fixturePage() {
  const context = await browser.newContext();
  const seen = [];
  await context.route(`${LOGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    seen.push(url.pathname);
    return entraStub(route, url);
  });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(e.message));
  await page.goto(`${sim.url}/msal.html`);
  return { context, page, seen };
}

test("provider creation runs MSAL initialize() and handleRedirectPromise; no account yet", async () => {
  const { context, page } = await fixturePage();
  try {
    const r = await page.evaluate(async (clientId) => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ clientId, tenantId: "contoso.onmicrosoft.com" });
      return { keys: Object.keys(p).sort(), account: p.account, redirectError: p.redirectError };
    }, CLIENT_ID);
    assert.deepEqual(r.keys, ["account", "getToken", "redirectError", "signIn", "signOut"]);
    assert.equal(r.account, null);
    assert.equal(r.redirectError, null);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test("getToken with no account takes the interaction path; a cancelled sign-in maps user_cancelled", async () => {
  const { context, page, seen } = await fixturePage();
  try {
    const popupPromise = context.waitForEvent("page", { timeout: 15000 });
    const result = page.evaluate(async (clientId) => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ clientId, tenantId: "contoso.onmicrosoft.com" });
      try {
        await p.getToken({ forceRefresh: false });
        return { resolved: true };
      } catch (e) {
        return { name: e.name, code: e.code, errorCode: e.errorCode, hasCause: e.cause instanceof Error, message: e.message };
      }
    }, CLIENT_ID);
    const popup = await popupPromise;
    const authorizeRequest = await popup.waitForRequest(/oauth2\/v2\.0\/authorize/, { timeout: 15000 });
    const authorize = new URL(authorizeRequest.url());
    assert.equal(authorize.searchParams.get("client_id"), CLIENT_ID);
    assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
    assert.match(authorize.searchParams.get("scope"), /https:\/\/graph\.microsoft\.com\/DeviceManagementServiceConfig\.ReadWrite\.All/);
    assert.equal(authorize.searchParams.get("redirect_uri"), `${sim.url}/redirect.html`);
    const r = await result;
    assert.deepEqual(
      { name: r.name, code: r.code, errorCode: r.errorCode, hasCause: r.hasCause },
      { name: "SyncError", code: "signInCancelled", errorCode: "user_cancelled", hasCause: true },
    );
    assert.ok(seen.includes("/contoso.onmicrosoft.com/oauth2/v2.0/authorize"), `authority from tenantId: ${seen}`);
  } finally {
    await context.close();
  }
});

test("a blocked popup and a second concurrent sign-in map to popupBlocked and interactionInProgress", async () => {
  const { context, page } = await fixturePage();
  try {
    const r = await page.evaluate(async (clientId) => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ clientId });
      const codes = {};
      const realOpen = window.open;
      window.open = () => null;
      try {
        await p.signIn();
      } catch (e) {
        codes.blocked = [e.code, e.errorCode];
      }
      window.open = realOpen;
      const first = p.signIn().catch((e) => e);
      try {
        await p.signIn();
      } catch (e) {
        codes.second = [e.code, e.errorCode];
      }
      void first;
      return codes;
    }, CLIENT_ID);
    // MSAL 5 rethrows its empty_window_error as popup_window_error; both map to popupBlocked.
    assert.deepEqual(r.blocked, ["popupBlocked", "popup_window_error"]);
    assert.deepEqual(r.second, ["interactionInProgress", "interaction_in_progress"]);
  } finally {
    await context.close();
  }
});

test("bad options reject with SyncError invalidOptions before MSAL is touched", async () => {
  const { context, page } = await fixturePage();
  try {
    const r = await page.evaluate(async () => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const out = [];
      for (const o of [{}, { clientId: "" }, { clientId: "x", authority: "http://login.example/t" }, { clientId: "x", cloud: "mars" }, { clientId: "x", interaction: "iframe" }, { clientId: "x", tenantId: "a/b" }, { clientId: "x", clientSecret: "no" }]) {
        try {
          await createMsalTokenProvider(o);
          out.push("resolved");
        } catch (e) {
          out.push(`${e.name}:${e.code}`);
        }
      }
      return out;
    });
    assert.deepEqual(r, Array(7).fill("SyncError:invalidOptions"));
  } finally {
    await context.close();
  }
});
