// Sign-in hosts under the admin page's CSP (www/index.html), in Debian Chromium, offline:
// every request to a Microsoft host is answered here (Playwright routing), so the tests
// see the URL the browser tried and whether the CSP let it through.
// MSAL.js does not always contact the host it is configured with: for China its built-in
// cloud metadata turns login.chinacloudapi.cn into login.partner.microsoftonline.cn
// (msal-common AuthorityMetadata), so the CSP must allow CloudInfo.signInHosts, not only
// authorityHost.
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, openPage, useSite } from "./helpers/page.mjs";

const WAIT = { timeout: 20_000 };
const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const { CloudInfo } = await import(join(ROOT, "pkg/contract.js"));
const SIGN_IN = [...new Set(Object.values(CloudInfo).flatMap((c) => c.signInHosts))];
const env = useSite();

/**
 * Answers every request to a sign-in host for the whole context (popups included) and
 * records it in `seen` as "METHOD URL". /authorize goes back to the redirect URI with a
 * code (as Entra ID does after a sign-in); /token refuses the code (400 invalid_grant,
 * with CORS, as Entra ID does); anything else is an empty page.
 */
function routeSignIn(seen) {
  return (page) =>
    page.context().route((url) => SIGN_IN.includes(url.origin), (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const cors = { "access-control-allow-origin": env.site.url, "access-control-allow-headers": "*", "access-control-allow-methods": "POST" };
      if (req.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
      seen.push(`${req.method()} ${url.origin}${url.pathname}`);
      if (url.pathname.endsWith("/oauth2/v2.0/authorize") && url.searchParams.has("redirect_uri")) {
        const back = new URL(url.searchParams.get("redirect_uri"));
        const answer = new URLSearchParams({ code: "stub-code", state: url.searchParams.get("state") ?? "" });
        const location = url.searchParams.get("response_mode") === "query" ? `${back.href}?${answer}` : `${back.href}#${answer}`;
        return route.fulfill({ status: 302, headers: { location } });
      }
      if (url.pathname.endsWith("/oauth2/v2.0/token")) {
        return route.fulfill({
          status: 400,
          headers: { ...cors, "content-type": "application/json" },
          body: JSON.stringify({ error: "invalid_grant", error_description: "AADSTS70000: stub refuses the code.", error_codes: [70000] }),
        });
      }
      return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>stub</title>" });
    });
}

test("the page's CSP lets MSAL's token POST (fetch) and silent iframe reach every sign-in host of every cloud", async () => {
  assert.ok(SIGN_IN.includes("https://login.partner.microsoftonline.cn"), "MSAL's China host is in CloudInfo.signInHosts");
  const seen = [];
  const page = await openPage(env.browser, env.site, "/", {}, { setup: routeSignIn(seen) });
  try {
    const statuses = await page.evaluate(async (hosts) => {
      const out = [];
      for (const host of hosts) {
        // What MSAL does: fetch POST to /token (connect-src), an iframe on /authorize (frame-src).
        const r = await fetch(`${host}/contoso.example/oauth2/v2.0/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
          body: "grant_type=refresh_token",
        }).then((r) => r.status, (e) => `failed: ${e}`);
        const frame = document.createElement("iframe");
        frame.hidden = true;
        const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
        frame.src = `${host}/contoso.example/oauth2/v2.0/authorize?prompt=none`;
        document.body.append(frame);
        await loaded;
        frame.remove();
        out.push(r);
      }
      return out;
    }, SIGN_IN);
    assert.deepEqual(statuses, SIGN_IN.map(() => 400), "every token POST got the stub's answer");
    assert.deepEqual(
      seen.sort(),
      SIGN_IN.flatMap((h) => [`POST ${h}/contoso.example/oauth2/v2.0/token`, `GET ${h}/contoso.example/oauth2/v2.0/authorize`]).sort(),
      "every sign-in host was reached by both",
    );
    assert.deepEqual(await page.unexpected(), [], "no CSP violations, uncaught errors or console errors");
  } finally {
    await page.context().close();
  }
});

test("China sign-in with real MSAL.js: authorize and the token POST go to login.partner.microsoftonline.cn, and the CSP lets them through", async () => {
  const seen = [];
  const page = await openPage(env.browser, env.site, `/?cloud=china&clientId=${CLIENT_ID}&tenantId=contoso.example`, {}, { setup: routeSignIn(seen) });
  try {
    assert.equal(await page.isChecked("#mode-signin"), true);
    assert.equal(await page.inputValue("#cloud"), "china");
    await page.click("#sign-in");
    await page.waitForSelector("#form-error[data-code]:not([hidden])", WAIT);
    const partner = "https://login.partner.microsoftonline.cn/contoso.example/oauth2/v2.0";
    assert.deepEqual(seen, [`GET ${partner}/authorize`, `POST ${partner}/token`], "MSAL's China host, for the popup and the token POST");
    assert.ok(CloudInfo.china.signInHosts.includes(new URL(partner).origin));
    assert.equal(await page.getAttribute("#form-error", "data-code"), "signInFailed", "the stub's invalid_grant, not a CSP block");
    assert.match(await page.innerText("#form-error"), /invalid_grant|AADSTS70000/);
    assert.deepEqual(await page.unexpected(), [], "no CSP violations, uncaught errors or console errors");
  } finally {
    await page.context().close();
  }
});
