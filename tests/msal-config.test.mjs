// Issue 16: a sign-in that fails on configuration says which option is the likely cause.
// Real MSAL.js 5 and the Rust binding (pkg/msal.js) in Chromium against graph-sim's local
// OpenID Connect authority (https on 127.0.0.1, self-signed). Every wrong option below
// ends in MSAL's `endpoints_resolution_error` with only a link; the SyncError names the
// cause from the options and keeps MSAL's code and error.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./helpers/browser.mjs";
import { startSite } from "./helpers/page.mjs";

let sim, browser, host, port;

before(async () => {
  sim = await startSite(["--oidc-port", "0"], "tests/fixtures");
  browser = await launchBrowser(["--ignore-certificate-errors"]);
  ({ host, port } = new URL(sim.authorityUrl));
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** createMsalTokenProvider(options) then signIn() on the fixture page; what came back. */
async function signIn(options) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // A popup MSAL opened before it failed is closed; one that signs in closes itself.
  context.on("page", (p) => setTimeout(() => p.close().catch(() => {}), 5_000));
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  try {
    await page.goto(`${sim.url}/msal.html`);
    const r = await page.evaluate(async (o) => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ clientId: "sim-spa", ...o });
      try {
        return { account: await p.signIn() };
      } catch (e) {
        return { name: e.name, code: e.code, errorCode: e.errorCode, message: e.message, cause: e.cause instanceof Error ? e.cause.errorCode ?? e.cause.message : null };
      }
    }, options);
    assert.deepEqual(problems, []);
    return r;
  } finally {
    await context.close();
  }
}

const authority = () => `${sim.authorityUrl}/sim-tenant`;

function assertConfigurationError(r, cause) {
  assert.equal(r.name, "SyncError", JSON.stringify(r));
  assert.equal(r.code, "signInFailed");
  assert.equal(r.errorCode, "endpoints_resolution_error", "MSAL's code is kept");
  assert.equal(r.cause, "endpoints_resolution_error", "MSAL's error is the cause");
  assert.match(r.message, /^Sign-in could not use the authority https:\/\/\S+\. Likely cause: /);
  assert.match(r.message, cause);
}

test("control: the right options sign in against the local authority", async () => {
  const r = await signIn({ authority: authority(), knownAuthorities: [host], protocolMode: "OIDC" });
  assert.equal(r.account?.username, "admin@sim.test", JSON.stringify(r));
});

test("knownAuthorities without the port: the message names host:port", async () => {
  const r = await signIn({ authority: authority(), knownAuthorities: ["127.0.0.1"], protocolMode: "OIDC" });
  assertConfigurationError(r, new RegExp(`knownAuthorities lists "127\\.0\\.0\\.1" but the authority is "127\\.0\\.0\\.1:${port}"`));
  assert.doesNotMatch(r.message, /protocolMode/, "only the causes that apply");
});

test("no knownAuthorities, and no protocolMode either: both are named", async () => {
  const r = await signIn({ authority: authority() });
  assertConfigurationError(r, new RegExp(`knownAuthorities is not set: .*"127\\.0\\.0\\.1:${port}"`));
  assert.match(r.message, /protocolMode is not "OIDC"/);
});

test("localhost where the issuer says 127.0.0.1", async () => {
  const r = await signIn({ authority: `https://localhost:${port}/sim-tenant`, knownAuthorities: [`localhost:${port}`], protocolMode: "OIDC" });
  assertConfigurationError(r, /the authority is on "localhost": if its issuer says 127\.0\.0\.1/);
  assert.doesNotMatch(r.message, /knownAuthorities|protocolMode/);
});

test("every option consistent, but a tenant path the authority does not serve", async () => {
  const r = await signIn({ authority: `${sim.authorityUrl}/not/served`, knownAuthorities: [host], protocolMode: "OIDC" });
  assertConfigurationError(r, new RegExp(`did not answer its OpenID configuration \\(https://127\\.0\\.0\\.1:${port}/not/served/\\.well-known/openid-configuration\\)`));
});

// ---- cacheLocation --------------------------------------------------------------------

/** Signs in with `cacheLocation`, gets a token, and reports what the page's storages hold. */
async function storagesAfterSignIn(cacheLocation) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${sim.url}/msal.html`);
    return await page.evaluate(async ({ authority, host, cacheLocation }) => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const p = await createMsalTokenProvider({ clientId: "sim-spa", authority, knownAuthorities: [host], protocolMode: "OIDC", ...(cacheLocation ? { cacheLocation } : {}) });
      await p.signIn();
      const token = await p.getToken({ forceRefresh: false });
      const again = await p.getToken({ forceRefresh: false });
      const dump = (s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join("\n");
      // MSAL's credential keys name their type; its localStorage values are encrypted, so
      // the keys, not the token text, show where the tokens are.
      const credentials = (s) => Object.keys(s).filter((k) => /\|(accesstoken|refreshtoken|idtoken)\|/.test(k)).length;
      const accounts = (s) => Object.keys(s).filter((k) => /^msal\./.test(k) && !/^msal\.version$/.test(k)).length;
      const signature = token.split(".")[2];
      return {
        tokenLength: token.length,
        sameToken: token === again,
        account: p.account?.username,
        session: credentials(sessionStorage),
        local: credentials(localStorage),
        plainText: dump(sessionStorage).includes(signature) || dump(localStorage).includes(signature),
        msalEntries: accounts(sessionStorage) + accounts(localStorage),
      };
    }, { authority: authority(), host, cacheLocation });
  } finally {
    await context.close();
  }
}

test("cacheLocation: sessionStorage (default) keeps the token there, localStorage there, memory in no storage", async () => {
  const session = await storagesAfterSignIn(undefined);
  assert.equal(session.account, "admin@sim.test");
  assert.ok(session.tokenLength > 100 && session.sameToken, "a JWT, served from MSAL's cache the second time");
  assert.equal(session.local, 0, "default: nothing in localStorage");
  assert.equal(session.session, 3, "default: access, refresh and ID token in sessionStorage");
  assert.equal(session.plainText, true, "(so the plain-text check below can see a token)");

  const local = await storagesAfterSignIn("localStorage");
  assert.equal(local.session, 0, "localStorage: nothing in sessionStorage");
  assert.equal(local.local, 3, "localStorage: the three tokens there (MSAL encrypts them)");

  const memory = await storagesAfterSignIn("memory");
  assert.equal(memory.account, "admin@sim.test");
  assert.ok(memory.tokenLength > 100 && memory.sameToken, "still cached, in memory");
  assert.deepEqual([memory.session, memory.local, memory.plainText], [0, 0, false], "memory: no token in any storage");
  assert.equal(memory.msalEntries, 0, "nor an account entry of MSAL's");
});

test("cacheLocation: any other value is refused before MSAL is touched", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${sim.url}/msal.html`);
    const r = await page.evaluate(async () => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      const out = [];
      for (const cacheLocation of ["memoryStorage", "cookie", 1]) {
        try {
          await createMsalTokenProvider({ clientId: "sim-spa", cacheLocation });
          out.push("resolved");
        } catch (e) {
          out.push(`${e.name}:${e.code}:${/cacheLocation/.test(e.message)}`);
        }
      }
      return out;
    });
    assert.deepEqual(r, Array(3).fill("SyncError:invalidOptions:true"));
  } finally {
    await context.close();
  }
});

// ---- the element takes the provider -------------------------------------------------------

test("<autopilot-sync>.provider = the MSAL provider: one line wires sign-in to the card", async () => {
  await sim.reset();
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${sim.url}/msal.html`);
    const r = await page.evaluate(async ({ authority, host, graph }) => {
      const { createMsalTokenProvider } = await import("autopilot-sync/msal");
      await import("/pkg/element.js");
      const provider = await createMsalTokenProvider({ clientId: "sim-spa", authority, knownAuthorities: [host], protocolMode: "OIDC" });
      await provider.signIn();
      const card = document.createElement("autopilot-sync");
      card.setAttribute("base-url", graph);
      document.body.append(card);
      card.provider = provider; // the one line
      const result = await new Promise((resolve) => {
        card.addEventListener("autopilot-sync-result", (e) => resolve(e.detail), { once: true });
        card.shadowRoot.querySelector('[part~="button"]').click();
      });
      return { outcome: result.outcome, httpStatus: result.httpStatus, same: card.provider === provider };
    }, { authority: authority(), host, graph: sim.url });
    assert.deepEqual(r, { outcome: "started", httpStatus: 204, same: true });
    const posts = (await sim.requests()).filter((q) => q.method === "POST" && q.path.endsWith("/sync"));
    assert.equal(posts.length, 1, "one sync POST, with the authority's token (graph-sim verified it)");
  } finally {
    await context.close();
  }
});
