// Sign-in end to end (issue 6): the admin page (www/) in Debian Chromium, real MSAL.js 5,
// the Rust binding (pkg/msal.js + pkg/msal/), against graph-sim's local OIDC authority
// over https (self-signed, hence --ignore-certificate-errors). Offline: nothing leaves
// 127.0.0.1. Every test also checks: no CSP violations or uncaught errors, and no token
// (access or refresh, as the authority issued them) in the DOM, localStorage or any URL.
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { openPage, useSite } from "./helpers/page.mjs";

// Upper bounds only (a passing wait costs nothing): generous, for a loaded 2-core machine.
const WAIT = { timeout: 30_000 };
const CLIENT_ID = "sim-spa";
const WRITE_SCOPE = "DeviceManagementServiceConfig.ReadWrite.All";
const SYNC_PATH = "/beta/deviceManagement/windowsAutopilotSettings/sync";
const env = useSite(["--oidc-port", "0"], ["--ignore-certificate-errors"]);

/** `GET /_sim/oidc`, or `PATCH` it with `patch`. */
const oidc = (patch) => env.site.oidc(patch);

/**
 * The page's address for the local authority; `extra` is appended to the query. `base`:
 * where the page is served (`/`, or the sub-path `/autopilot/`).
 */
function pagePath(extra = "", base = "/") {
  assert.match(env.site.authorityUrl, /^https:\/\/127\.0\.0\.1:\d+$/, "graph-sim printed its authority");
  const authority = encodeURIComponent(`${env.site.authorityUrl}/sim-tenant`);
  return `${base}?authority=${authority}&clientId=${CLIENT_ID}&intervalMs=200${extra}`;
}

/**
 * Opens the page on the local authority (at `base`) and runs `body(page, watch)`. `watch` records, for
 * the whole browser context (popups included): `popups` (every window opened), `urls`
 * (every request and navigation URL) and `secrets` (the access and refresh tokens the token endpoint
 * returned). Afterwards: no CSP violations, uncaught errors or console errors, and no
 * secret in the DOM, localStorage or a URL.
 */
async function withSignInPage(extra, body, base = "/") {
  // `reads`: pending reads of request headers and token answers; awaited (errors
  // included) before anything is checked, so no bearer or secret is missed or swallowed.
  // A read that fails while the context is still open is recorded and fails the test;
  // reads cut off by closing the context at the end are expected.
  const watch = { popups: [], urls: [], secrets: new Set(), bearers: [], reads: [], readErrors: [], closing: false };
  const track = (p) => watch.reads.push(p.catch((e) => {
    if (!watch.closing) watch.readErrors.push(String(e));
  }));
  const setup = (page) => {
    const context = page.context();
    // Request URLs have no fragment; navigations keep it (MSAL popups use fragments).
    const navigations = (p) => p.on("framenavigated", (f) => watch.urls.push(f.url()));
    navigations(page);
    context.on("page", (p) => {
      watch.popups.push(p);
      navigations(p);
      // What a popup did, for the message when it does not close (see popupClosed).
      p.log = [];
      p.on("framenavigated", (f) => f === p.mainFrame() && p.log.push(`at ${f.url().split(/[?#]/)[0]}`));
      p.on("console", (m) => p.log.push(`${m.type()}: ${m.text()}`));
      p.on("pageerror", (e) => p.log.push(`pageerror: ${e.message}`));
    });
    context.on("request", (r) => {
      watch.urls.push(r.url());
      if (new URL(r.url()).pathname.startsWith("/beta/")) {
        track(r.allHeaders().then((h) => h.authorization && watch.bearers.push(h.authorization)));
      }
    });
    context.on("response", (r) => {
      if (!/\/oauth2\/v2\.0\/token$/.test(new URL(r.url()).pathname) || r.request().method() !== "POST") return;
      track(r.json().then((j) => {
        for (const k of ["access_token", "refresh_token"]) if (typeof j?.[k] === "string") watch.secrets.add(j[k]);
      }, (e) => {
        // A failed token answer (a test may break the endpoint) has no JSON; anything else is a bug here.
        if (r.ok()) throw e;
      }));
    });
  };
  const page = await openPage(env.browser, env.site, pagePath(extra, base), {}, { setup });
  watch.settle = async () => {
    for (let n = 0; n < watch.reads.length; ) {
      const batch = watch.reads.slice(n);
      n = watch.reads.length;
      await Promise.all(batch);
    }
    assert.deepEqual(watch.readErrors, [], "every request's headers and token answer could be read");
  };
  try {
    await body(page, watch);
    await watch.settle();
    assert.ok(watch.secrets.size > 0, "the token endpoint's answers were seen (the leak checks below are not vacuous)");
    assert.deepEqual(await page.unexpected(), [], "no CSP violations, uncaught errors or console errors");
    await assertNoLeak(page, watch);
  } finally {
    watch.closing = true;
    await page.context().close();
  }
}

async function assertNoLeak(page, watch) {
  const secrets = [...watch.secrets, ...watch.bearers.map((b) => b.replace(/^Bearer /i, ""))];
  const dom = await page.evaluate(() => [
    document.documentElement.outerHTML,
    document.body.innerText,
    ...[...document.querySelectorAll("input, textarea, output")].map((e) => e.value ?? ""),
  ].join("\n"));
  const storage = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  const urls = [page.url(), ...watch.urls].join("\n");
  for (const secret of new Set(secrets)) {
    // The whole token and, for a JWT, its signature alone.
    for (const piece of [secret, secret.split(".")[2]].filter((s) => s && s.length >= 20)) {
      assert.ok(!dom.includes(piece), "a token is in the DOM");
      assert.ok(!storage.includes(piece), "a token is in localStorage");
      assert.ok(!urls.includes(piece), "a token is in a URL");
    }
  }
}

const text = (page, selector) => page.locator(selector).innerText();

/** Waits for popup `p` to close; if it does not, the error says where it stopped and what it logged. */
async function popupClosed(p) {
  try {
    await p.waitForEvent("close", WAIT);
  } catch (e) {
    throw new Error(`the popup did not close: ${(p.log ?? []).join(" | ")} | now at ${p.url().split(/[?#]/)[0]}`, { cause: e });
  }
}

const accountIs = (page, name) =>
  page.waitForFunction((n) => document.querySelector("#account-name").textContent === n, name, WAIT);

/** Clicks Sign in; waits for the popup to come back and close, and for the account. */
async function signInWithPopup(page, name = "Sim Admin") {
  const popup = page.context().waitForEvent("page", WAIT);
  await page.click("#sign-in");
  const p = await popup;
  await popupClosed(p);
  await accountIs(page, name);
  await page.waitForFunction(() => !document.querySelector("#sign-in").disabled, null, WAIT);
  return p;
}

async function syncAndExpect(page, outcome) {
  await page.click("#sync-now");
  await page.waitForSelector(`#outcome[data-outcome="${outcome}"]`, WAIT);
  // The sync card is the package's element: its parts are in its shadow root.
  await page.waitForFunction(() => !document.querySelector("autopilot-sync").shadowRoot.querySelector("#busy").checkVisibility(), null, WAIT);
}

const posts = async () => (await env.site.requests()).filter((r) => r.method === "POST" && r.path === SYNC_PATH);
const JWT_BEARER = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

test("popup sign-in → account shown → Sync now → started, with a JWT from the authority", async () => {
  await withSignInPage("", async (page, watch) => {
    assert.equal(await page.isChecked("#mode-signin"), true);
    assert.equal(await text(page, "#account-name"), "nobody");
    assert.match(await text(page, "#graph-root"), /simulated/, "a loopback authority pairs with the simulated Graph");
    const popup = await signInWithPopup(page);
    assert.equal(popup.isClosed(), true, "the popup closed itself");
    assert.equal(await page.isVisible("#sign-out"), true);
    assert.equal(await page.isHidden("#form-error"), true);

    await syncAndExpect(page, "started");
    const [post] = await posts();
    assert.equal(post.status, 204);
    assert.equal(post.headers.authorization, "Bearer <redacted>");
    await watch.settle();
    assert.ok(watch.bearers.length > 0, "Graph calls were seen");
    assert.deepEqual(watch.bearers.filter((b) => !JWT_BEARER.test(b)), [], "every Graph call carried a JWT");
    const { counters } = await oidc();
    assert.equal(counters.tokenRequests.authorizationCode, 1, "one authorization-code redemption");
    assert.equal(counters.tokenRequests.refreshToken, 0);
    assert.equal(counters.authorizeRequests, 1);
    assert.equal(watch.popups.length, 1);
    await page.waitForSelector('#progress[data-state="inProgress"]', WAIT);
  });
});

test("redirect sign-in: to the authority and back, handleRedirectPromise picks it up, a sync works", async () => {
  await withSignInPage("&interaction=redirect", async (page, watch) => {
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${env.site.authorityUrl}/sim-tenant/oauth2/v2.0/authorize`), WAIT);
    await page.click("#sign-in");
    await authorize;
    // Back on the page (via redirect.html): a fresh load that creates the provider again.
    await page.waitForURL((u) => u.pathname === "/" && u.origin === env.site.url, WAIT);
    await page.waitForSelector("html[data-ready]", WAIT);
    await accountIs(page, "Sim Admin");
    assert.equal(await page.isHidden("#form-error"), true);
    assert.equal(await page.isChecked("#mode-signin"), true);
    assert.match(page.url(), /interaction=redirect/, "back on the address the sign-in started from");
    assert.equal(watch.popups.length, 0, "no popup in redirect mode");

    await syncAndExpect(page, "started");
    const [post] = await posts();
    assert.equal(post.status, 204);
    await watch.settle();
    assert.ok(watch.bearers.length > 0, "Graph calls were seen");
    assert.deepEqual(watch.bearers.filter((b) => !JWT_BEARER.test(b)), [], "every Graph call carried a JWT");
    assert.equal((await oidc()).counters.tokenRequests.authorizationCode, 1);
  });
});

test("expired token: the 401 makes the client refresh silently, the retried sync starts, no second prompt", async () => {
  await withSignInPage("", async (page, watch) => {
    await signInWithPopup(page);
    const lifetime = (await oidc()).tokenLifetimeSeconds;
    // Past the lifetime on the simulated clock only: MSAL (on the real clock) still
    // believes its cached token, so Graph is the one to say it expired.
    await env.site.advance((lifetime + 120) * 1000);
    await env.site.clearRequests();

    await syncAndExpect(page, "started");
    const sent = await posts();
    assert.deepEqual(sent.map((r) => r.status), [401, 204], "401 (expired), then the retried POST");
    const { counters } = await oidc();
    assert.equal(counters.tokenRequests.refreshToken, 1, "one refresh-token grant");
    assert.equal(counters.tokenRequests.authorizationCode, 1, "no new authorization code");
    assert.equal(counters.authorizeRequests, 1, "no new interactive sign-in");
    assert.equal(watch.popups.length, 1, "one prompt in total (the sign-in)");
    assert.equal(await text(page, "#sd-httpStatus"), "204");
    assert.equal(await page.isHidden("#form-error"), true);
    await watch.settle();
    assert.ok(new Set(watch.bearers).size >= 2, "the retry used a new token");
  });
});

test("read-only consent: the token panel warns before Sync now; Sync anyway is forbidden and names the permission", async () => {
  await oidc({ defaultUser: "reader@sim.test" });
  await withSignInPage("", async (page) => {
    await signInWithPopup(page, "Sim Reader");
    // The page reads the token MSAL handed out (#14): read-only, so a click asks first.
    await page.waitForSelector('#token-problems li[data-code="missingPermission"]', WAIT);
    assert.equal(await text(page, "#tk-who"), "reader@sim.test");
    await page.click("#sync-now");
    await page.waitForSelector("#token-confirm:not([hidden])", WAIT);
    assert.equal((await posts()).length, 0, "nothing sent before the choice");
    await page.click("#sync-anyway");
    await page.waitForSelector('#outcome[data-outcome="forbidden"]', WAIT);
    await page.waitForFunction(() => !document.querySelector("autopilot-sync").shadowRoot.querySelector("#busy").checkVisibility(), null, WAIT);
    const shown = await text(page, "#outcome");
    assert.match(shown, new RegExp(WRITE_SCOPE.replaceAll(".", "\\.")));
    assert.equal(await text(page, "#sd-httpStatus"), "403");
    assert.equal((await posts()).length, 1, "a 403 is not retried");
    assert.equal(await text(page, "#st-status"), "unknown", "the reader can still read the status");
  });
});

test("cancelled sign-in: access_denied → signInCancelled shown, nothing stuck, then a sign-in works", async () => {
  await oidc({ defaultUser: "cancel@sim.test" });
  await withSignInPage("", async (page, watch) => {
    const popup = page.context().waitForEvent("page", WAIT);
    await page.click("#sign-in");
    const p = await popup;
    await popupClosed(p);
    await page.waitForSelector('#form-error[data-code="signInCancelled"]:not([hidden])', WAIT);
    assert.match(await text(page, "#form-error"), /cancelled/i);
    assert.ok(
      watch.urls.some((u) => u.startsWith(`${env.site.url}/redirect.html`) && /[?#&]error=access_denied/.test(u)),
      "the authority sent the popup back to the redirect bridge with error=access_denied",
    );
    assert.equal(await text(page, "#account-name"), "nobody");
    assert.equal(await page.isEnabled("#sign-in"), true, "Sign in is usable again");
    assert.equal(await page.isEnabled("#sync-now"), true, "Sync now is usable again");
    assert.equal(await page.isHidden("#busy"), true);
    assert.equal((await oidc()).counters.tokenRequests.authorizationCode, 0);

    await oidc({ defaultUser: "admin@sim.test" });
    await signInWithPopup(page);
    assert.equal(await page.isHidden("#form-error"), true, "the cancel message is gone");
    await syncAndExpect(page, "started");
    assert.equal(watch.popups.length, 2);
  });
});

// Regression guard: a popup sign-out must come back to the redirect bridge
// (postLogoutRedirectUri); landing on the app page left MSAL 5 waiting 60 s for it.
test("sign out clears the account; the next Sync now needs a sign-in again", async () => {
  await withSignInPage("", async (page, watch) => {
    await signInWithPopup(page);
    await page.click("#sign-out");
    await accountIs(page, "nobody");
    await page.waitForFunction(() => !document.querySelector("#sign-out").checkVisibility(), null, WAIT);
    assert.equal(await page.isHidden("#form-error"), true, `no error on sign-out: ${await text(page, "#form-error")}`);
    assert.equal(await text(page, "#sign-in"), "Sign in");
    const { counters, sessions } = await oidc();
    assert.equal(counters.logoutRequests, 1, "the authority's end-session endpoint was called");
    assert.equal(sessions, 0, "the authority session is gone");
    const cached = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
    for (const secret of watch.secrets) assert.ok(!cached.includes(secret), "MSAL's cache forgot the tokens");

    // Sync now: getToken has no account, so it asks for a sign-in (a popup) again.
    const before = watch.popups.length;
    const popup = page.context().waitForEvent("page", WAIT);
    await page.click("#sync-now");
    const p = await popup;
    await popupClosed(p);
    await page.waitForSelector('#outcome[data-outcome="started"]', WAIT);
    assert.equal(watch.popups.length, before + 1);
    assert.equal((await oidc()).counters.tokenRequests.authorizationCode, 2, "a second interactive sign-in");
  });
});

// Regression guard: a sign-in that getToken starts (Sync now with nobody signed in)
// must show the account, as a sign-in from the button does.
test("a sign-in started by Sync now shows the account", async () => {
  await withSignInPage("", async (page, watch) => {
    const popup = page.context().waitForEvent("page", WAIT);
    await page.click("#sync-now");
    await popupClosed(await popup);
    await page.waitForSelector('#outcome[data-outcome="started"]', WAIT);
    assert.equal(watch.popups.length, 1);
    await accountIs(page, "Sim Admin");
    assert.equal(await page.isVisible("#sign-out"), true);
  });
});

test("cancelled redirect sign-in: back on the page, the provider's redirectError is shown", async () => {
  await withSignInPage("&interaction=redirect", async (page) => {
    await oidc({ defaultUser: "cancel@sim.test" });
    await page.click("#sign-in");
    await page.waitForURL((u) => u.pathname === "/" && u.origin === env.site.url, WAIT);
    await page.waitForSelector("html[data-ready]", WAIT);
    await page.waitForSelector("#form-error:not([hidden])", WAIT);
    assert.equal(await page.getAttribute("#form-error", "data-code"), "signInCancelled");
    await accountIs(page, "nobody");
    assert.equal(await page.isEnabled("#sign-in"), true, "sign-in can be tried again");

    // Nothing stuck: the next redirect sign-in works.
    await oidc({ defaultUser: "admin@sim.test" });
    await page.click("#sign-in");
    await page.waitForURL((u) => u.pathname === "/" && u.origin === env.site.url, WAIT);
    await page.waitForSelector("html[data-ready]", WAIT);
    await accountIs(page, "Sim Admin");
    await syncAndExpect(page, "started");
  });
});

test("a silent refresh that fails for a reason other than interaction does not prompt", async () => {
  await withSignInPage("", async (page, watch) => {
    await signInWithPopup(page);
    // The token endpoint goes away: MSAL's silent refresh fails with a network error,
    // which is not "interaction required", so no popup may open.
    await page.context().route((url) => url.origin === env.site.authorityUrl && url.pathname.endsWith("/oauth2/v2.0/token"), (route) => route.abort("connectionreset"));
    const lifetime = (await oidc()).tokenLifetimeSeconds;
    await env.site.advance((lifetime + 120) * 1000); // Graph now refuses the cached token
    await env.site.clearRequests();
    await page.click("#sync-now");
    await page.waitForSelector("#form-error:not([hidden])", WAIT);
    const code = await page.getAttribute("#form-error", "data-code");
    assert.ok(["signInFailed", "tokenUnavailable"].includes(code), `the failure is shown: ${code}`);
    assert.equal(watch.popups.length, 1, "no second popup: only the first sign-in prompted");
    assert.deepEqual((await posts()).map((r) => r.status), [401], "the expired token's 401; no retry without a token");
    assert.equal((await oidc()).counters.authorizeRequests, 1, "no new authorization request");
    await page.waitForFunction(() => !document.querySelector("autopilot-sync").shadowRoot.querySelector("#busy").checkVisibility(), null, WAIT);
    assert.equal(await page.isEnabled("#sync-now"), true, "the page stays usable");
  });
});

// Issue 16, item 2: sign-out under a sub-path. The page is served at /autopilot/ as a
// portal would serve it; its redirect bridge is /autopilot/redirect.html.
const SUB = "/autopilot/";
const logoutRequests = async () => (await env.site.requests()).filter((r) => r.path.endsWith("/oauth2/v2.0/logout"));

/** The sign-out's post_logout_redirect_uri, from graph-sim's log of the logout request. */
async function postLogoutRedirectUri() {
  const [logout] = await logoutRequests();
  assert.ok(logout, "the authority's end-session endpoint was called");
  return new URLSearchParams(logout.query ?? "").get("post_logout_redirect_uri");
}

/**
 * Resolves when the main frame next commits a navigation to `pathname` on the site (start
 * it before the click: the page's current address may already match).
 */
const navigatedTo = (page, pathname) =>
  page.waitForEvent("framenavigated", {
    predicate: (f) => f === page.mainFrame() && f.url().startsWith(`${env.site.url}/`) && new URL(f.url()).pathname === pathname,
    ...WAIT,
  });

/** Waits until the page shows nobody signed in, with Sign in usable and Sign out gone. */
async function signedOutShown(page) {
  await accountIs(page, "nobody");
  await page.waitForFunction(() => !document.querySelector("#sign-out").checkVisibility(), null, WAIT);
  assert.equal(await page.isEnabled("#sign-in"), true);
  assert.equal(await page.isHidden("#form-error"), true, `no error on sign-out: ${await text(page, "#form-error")}`);
}

test("under /autopilot/, popup sign-out: the popup ends on the sub-path's bridge and closes, the page stays at /autopilot/ signed out", async () => {
  await withSignInPage("", async (page, watch) => {
    await signInWithPopup(page);
    const [authorize] = (await env.site.requests()).filter((r) => r.path.endsWith("/oauth2/v2.0/authorize"));
    assert.equal(new URLSearchParams(authorize.query).get("redirect_uri"), `${env.site.url}${SUB}redirect.html`, "the sub-path's bridge");
    const before = page.url();

    const popup = page.context().waitForEvent("page", WAIT);
    await page.click("#sign-out");
    const logout = await popup;
    await popupClosed(logout);
    await signedOutShown(page);
    assert.equal(page.url(), before, "the page did not move");
    assert.equal(new URL(page.url()).pathname, SUB);
    assert.equal(await postLogoutRedirectUri(), `${env.site.url}${SUB}redirect.html`, "the popup came back to the sub-path's bridge");
    assert.equal(watch.popups.length, 2, "the sign-in and the sign-out popups");
    assert.equal((await oidc()).sessions, 0, "the authority session is gone");
  }, SUB);
});

test("under /autopilot/, redirect sign-out: back on the page that signed out (same address, no state in it), signed out; sign-in works again", async () => {
  await withSignInPage("&interaction=redirect", async (page, watch) => {
    let back = navigatedTo(page, SUB);
    await page.click("#sign-in");
    await back;
    await page.waitForSelector("html[data-ready]", WAIT);
    await accountIs(page, "Sim Admin");
    const before = page.url();

    const navigated = watch.urls.length;
    // Authority → the sub-path's bridge → back here.
    back = navigatedTo(page, SUB);
    await page.click("#sign-out");
    await back;
    await page.waitForSelector("html[data-ready]", WAIT);
    await signedOutShown(page);
    assert.equal(page.url(), before, "exactly the address that signed out: no state, code or error in it");
    assert.equal(await postLogoutRedirectUri(), `${env.site.url}${SUB}redirect.html`);
    const after = watch.urls.slice(navigated).filter((u) => u.startsWith(env.site.url) && !u.includes("/_sim/"));
    assert.ok(after.some((u) => u.startsWith(`${env.site.url}${SUB}redirect.html`)), "through the bridge");
    assert.deepEqual(after.filter((u) => new URL(u).pathname === "/"), [], "never on the site root");
    assert.equal(watch.popups.length, 0, "no popup in redirect mode");
    const { counters, sessions } = await oidc();
    assert.equal(counters.logoutRequests, 1);
    assert.equal(sessions, 0);

    // Nothing of the sign-out is stuck: a redirect sign-in and a sync work.
    back = navigatedTo(page, SUB);
    await page.click("#sign-in");
    await back;
    assert.equal(page.url(), before);
    await page.waitForSelector("html[data-ready]", WAIT);
    await accountIs(page, "Sim Admin");
    await syncAndExpect(page, "started");
  }, SUB);
});
