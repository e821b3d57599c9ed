// The admin page (www/) end to end: Debian Chromium (playwright-core) against graph-sim,
// served with the same mounts as `npm start`. Screenshots: test-output/screenshots/.
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, openPage, screenshot, useSite } from "./helpers/page.mjs";

// Upper bounds only (a passing wait costs nothing): generous, for a loaded 2-core machine.
const WAIT = { timeout: 20_000 };
const env = useSite();

/** Opens the page, runs `body`, then checks that nothing unexpected happened. */
async function withPage(path, body, contextOptions, openOptions) {
  const page = await openPage(env.browser, env.site, path, contextOptions, openOptions);
  try {
    await body(page);
    assert.deepEqual(await page.unexpected(), [], "no CSP violations, uncaught errors or console errors");
  } finally {
    await page.context().close();
  }
}

const text = (page, selector) => page.locator(selector).innerText();

async function syncAndExpect(page, outcome) {
  await page.click("#sync-now");
  await page.waitForSelector(`#outcome[data-outcome="${outcome}"]`, WAIT);
  // The sync card is the package's element: its parts are in its shadow root.
  await page.waitForFunction(() => !document.querySelector("autopilot-sync").shadowRoot.querySelector("#busy").checkVisibility(), null, WAIT);
}

async function pasteToken(page, token) {
  await page.check("#mode-paste");
  await page.fill("#token", token);
}

test("CSP hashes match the import maps, and the pages carry no inline code", () => {
  for (const file of ["index.html", "redirect.html"]) {
    const html = readFileSync(join(ROOT, "www", file), "utf8");
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    const maps = scripts.filter(([, attrs]) => /type="importmap"/.test(attrs));
    assert.equal(maps.length, 1, `${file}: one import map`);
    const hash = `sha256-${createHash("sha256").update(maps[0][2]).digest("base64")}`;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
    assert.ok(csp.includes(`'${hash}'`), `${file}: script-src must list '${hash}'`);
    for (const [, attrs, body] of scripts) {
      if (!/type="importmap"/.test(attrs)) assert.equal(body.trim(), "", `${file}: no inline script`);
    }
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=|<style/i, `${file}: no inline styles or handlers`);
    assert.match(csp, /object-src 'none'; base-uri 'none'/);
  }
  for (const file of ["app.js", "connection.js", "dom.js", "token.js", "redirect.js"]) {
    const js = readFileSync(join(ROOT, "www", file), "utf8");
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|localStorage\.setItem\([^)]*token/i, file);
  }
});

test("the pages' CSP allows exactly the package's cloud and sign-in hosts, and www/ keeps no copy of them", async () => {
  const { CloudInfo } = await import(join(ROOT, "pkg/contract.js"));
  const html = readFileSync(join(ROOT, "www", "index.html"), "utf8");
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
  const directive = (name) => csp.split(";").find((d) => d.trim().startsWith(`${name} `)).trim().split(/\s+/).slice(1);
  const remote = (list) => list.filter((s) => s.startsWith("https://") && !/127\.0\.0\.1|localhost/.test(s)).sort();
  const clouds = Object.values(CloudInfo);
  // MSAL.js may POST for tokens (fetch: connect-src) and sign in silently in an iframe
  // (frame-src) on every sign-in host of every cloud, not only the one it is configured
  // with (China: login.partner.microsoftonline.cn for login.chinacloudapi.cn).
  const signIn = [...new Set(clouds.flatMap((c) => c.signInHosts))];
  for (const c of clouds) {
    assert.equal(c.signInHosts[0], c.authorityHost, "authorityHost leads signInHosts");
    for (const h of c.signInHosts) assert.equal(new URL(h).origin, h, `${h} is an https origin`);
  }
  assert.ok(CloudInfo.china.signInHosts.includes("https://login.partner.microsoftonline.cn"), "MSAL's China alias is a sign-in host");
  const wanted = [...new Set([...clouds.map((c) => c.graphRoot), ...signIn])];
  const connect = directive("connect-src");
  for (const origin of wanted) assert.ok(connect.includes(origin), `connect-src lists ${origin}`);
  assert.deepEqual(remote(connect), [...wanted].sort(), "connect-src names no other remote host");
  const frame = directive("frame-src");
  for (const origin of signIn) assert.ok(frame.includes(origin), `frame-src lists ${origin}`);
  assert.deepEqual(remote(frame), [...signIn].sort(), "frame-src names no other remote host");
  // MSAL sends /authorize as a GET (window.open, location, iframe src): no form is posted
  // unless a request asks for httpMethod POST or protocolMode EAR, which the page never does.
  assert.deepEqual(directive("form-action"), ["'none'"]);
  // The scripts take clouds, hosts and rules from the package: no host literal in them.
  for (const file of ["app.js", "connection.js", "dom.js", "token.js"]) {
    const code = readFileSync(join(ROOT, "www", file), "utf8");
    for (const c of clouds) {
      for (const origin of [c.graphRoot, ...c.signInHosts]) {
        assert.ok(!code.includes(new URL(origin).host), `www/${file} has no copy of ${new URL(origin).host}`);
      }
    }
    assert.doesNotMatch(code, /\b600\b|10 \* 60|127\(|\[::1\]|"completed" \|\||"failed" \?/, `www/${file} keeps no copy of a library rule`);
  }
});

test("five addresses: the page and the library give the same verdict on a custom Graph root", async () => {
  const api = await import(join(ROOT, "pkg/node.js"));
  const addresses = ["http://127.0.0.1:1", "http://127.999.0.1", "http://localhost.", "http://[::1]:1", "http://localhost.example"];
  const library = [];
  for (const a of addresses) {
    let accepted;
    try {
      // Accepted roots are called (nothing listens there: a networkError or timeout result);
      // refused ones reject before anything is sent.
      await api.triggerSync("t", { baseUrl: a, timeoutMs: 2000 });
      accepted = true;
    } catch (e) {
      assert.ok(e instanceof api.SyncError && e.code === "invalidOptions", `${a}: ${e}`);
      accepted = false;
    }
    assert.equal(api.checkGraphRoot(a).ok, accepted, `${a}: checkGraphRoot agrees with triggerSync`);
    library.push(accepted);
  }
  assert.deepEqual(library, [true, false, true, true, false], "the library's verdicts");
  const pageVerdicts = [];
  for (const a of addresses) {
    await withPage(`/?mode=paste&baseUrl=${encodeURIComponent(a)}`, async (page) => {
      const graphRoot = await text(page, "#graph-root");
      const error = (await page.isVisible("#form-error")) ? await text(page, "#form-error") : "";
      if (graphRoot.endsWith("(custom)")) {
        assert.equal(error, "", `${a}: accepted without an error`);
        assert.equal(await page.inputValue("#cloud"), "custom");
        pageVerdicts.push(true);
      } else {
        assert.match(error, /Graph root in the address was ignored: Option baseUrl/, `${a}: refused with the library's message`);
        pageVerdicts.push(false);
      }
    });
  }
  assert.deepEqual(pageVerdicts, library, "page and library agree on every address");
});

test("on load: the simulated tenant is chosen and the status card is filled", async () => {
  await withPage("/", async (page) => {
    assert.equal(await page.isChecked("#mode-sim"), true);
    // The simulator under its other loopback name: cross-origin, as Graph is to a portal.
    assert.match(await text(page, "#graph-root"), /^http:\/\/localhost:\d+ \(simulated\)$/);
    assert.equal(await text(page, "#st-status"), "unknown");
    assert.equal(await text(page, "#st-last-sync"), "never");
    assert.equal(await page.isEnabled("#sync-now"), true);
    assert.equal(await page.getAttribute("#announcer", "aria-live"), "polite");
  });
});

test("started → inProgress → completed, then a second click is throttled with a countdown", async () => {
  await env.site.config({ exposeRetryAfter: true }); // this test is about a readable Retry-After
  await env.site.clock({ freeze: true }); // Retry-After is then exact, however slow the machine
  await withPage("/", async (page) => {
    await syncAndExpect(page, "started");
    await page.waitForSelector('#progress[data-state="inProgress"]', WAIT);
    assert.match(await text(page, "#progress-state"), /in progress/i);
    assert.equal(await text(page, "#st-status"), "inProgress");
    // Announced by the sync card's live region (the element's, in its shadow root).
    await page.waitForFunction(() => {
      const live = document.querySelector("autopilot-sync").shadowRoot.querySelector("#outcome");
      return live.getAttribute("aria-live") === "polite" && /started/i.test(live.textContent);
    }, null, WAIT);
    await screenshot(page, "started-light");

    await env.site.advance(30_000);
    await page.waitForSelector('#progress[data-state="completed"]', WAIT);
    assert.equal(await text(page, "#st-status"), "completed");
    assert.notEqual(await text(page, "#st-last-sync"), "never");
    const iso = await page.getAttribute("#st-last-sync time", "datetime");
    assert.match(iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await screenshot(page, "completed-light");

    await syncAndExpect(page, "throttled");
    assert.equal(await page.isDisabled("#sync-now"), true, "disabled during the countdown");
    assert.match(await text(page, "#countdown"), /Next sync allowed in 9:\d\d/);
    const seconds = Number(await page.getAttribute("#countdown", "data-seconds"));
    assert.equal(seconds, 570, "countdown from Retry-After: 600 s cooldown − 30 s");
    assert.equal(await text(page, "#sd-httpStatus"), "429");
    assert.equal(await text(page, "#sd-errorCode"), "TooManyRequests");
    const history = await page.locator("#history-list li").allInnerTexts();
    assert.equal(history.length, 2);
    assert.match(history[0], /throttled HTTP 429/);
    assert.match(history[1], /started HTTP 204/);
    await screenshot(page, "throttled-light");
    // A click on the disabled button sends nothing. No sleep: a later click on Refresh
    // (its handler runs after any Sync now handler would have called fetch) sends a GET;
    // once that GET is seen, a POST from the first click would have been seen before it.
    const posts = [];
    page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));
    await page.locator("#sync-now").click({ force: true });
    const refreshed = page.waitForResponse((r) => r.request().method() === "GET" && r.url().endsWith("/windowsAutopilotSettings"), WAIT);
    await page.click("#status-refresh");
    await refreshed;
    assert.deepEqual(posts, [], "no POST from the disabled button");
  });
});

test("default demo: Graph is cross-origin and hides Retry-After, so the countdown comes from the settings object", async () => {
  await env.site.clock({ freeze: true, at: "2026-11-28T12:00:00Z" });
  await withPage("/", async (page) => {
    const root = (await text(page, "#graph-root")).split(" ")[0];
    assert.notEqual(new URL(root).origin, new URL(env.site.url).origin, "Graph is cross-origin to the page");
    await syncAndExpect(page, "started");
    await env.site.clock({ advanceMs: 60_000 });
    await page.waitForSelector('#progress[data-state="completed"]', WAIT);
    await syncAndExpect(page, "throttled");
    // lastManualSyncTriggerDateTime + 10 min - Graph's now (innerError.date): exactly 540 s.
    assert.equal(await page.getAttribute("#countdown", "data-seconds"), "540");
    assert.match(await text(page, "#countdown"), /Next sync allowed in 9:00/);
    const log = await env.site.requests();
    const throttled = log.filter((r) => r.method === "POST" && r.status === 429);
    assert.equal(throttled.length, 1);
    const after = log.slice(log.indexOf(throttled[0]) + 1);
    assert.ok(after.some((r) => r.method === "GET" && /windowsAutopilotSettings$/.test(r.path)), "the page read the settings after the 429");
    // The 429 carries Retry-After, but the browser may not read it; request-id it may.
    const seen = await page.evaluate(async (url) => {
      const r = await fetch(url, { method: "POST", headers: { authorization: "Bearer sim-admin-token" } });
      return { status: r.status, retryAfter: r.headers.get("retry-after"), date: r.headers.get("date"), requestId: r.headers.get("request-id") };
    }, `${root}/beta/deviceManagement/windowsAutopilotSettings/sync`);
    assert.equal(seen.status, 429);
    assert.equal(seen.retryAfter, null);
    assert.equal(seen.date, null);
    assert.match(seen.requestId ?? "", /^[0-9a-f-]{36}$/);
    const posts = (await env.site.requests()).filter((r) => r.method === "POST");
    assert.equal(posts.at(-1).status, 429);
    assert.equal(posts.length, 3);
  });
});

test("throttled without a readable Retry-After: the countdown comes from nextManualSyncAt", async () => {
  await env.site.config({ retryAfterHeader: false });
  // Frozen on a whole second: the Date Graph reports (whole seconds) is then exact too.
  await env.site.clock({ freeze: true, at: "2026-01-01T00:00:00Z" });
  await withPage("/", async (page) => {
    await syncAndExpect(page, "started");
    await env.site.advance(60_000);
    await page.waitForSelector('#progress[data-state="completed"]', WAIT);
    await syncAndExpect(page, "throttled");
    const seconds = Number(await page.getAttribute("#countdown", "data-seconds"));
    assert.equal(seconds, 540, "540 s left on Graph's (frozen) clock");
    assert.equal(await page.isDisabled("#sync-now"), true);
  });
});

test("409: a click while the sync runs shows alreadyInProgress and keeps following it", async () => {
  await withPage("/", async (page) => {
    await syncAndExpect(page, "started");
    await syncAndExpect(page, "alreadyInProgress");
    assert.match(await text(page, "#outcome"), /already running/i);
    assert.equal(await text(page, "#sd-httpStatus"), "409");
    assert.equal(await page.isEnabled("#sync-now"), true);
    await env.site.advance(30_000);
    await page.waitForSelector('#progress[data-state="completed"]', WAIT);
  });
});

test("409 from a status fault", async () => {
  await env.site.fault({ kind: "status", status: 409, method: "POST" });
  await withPage("/", async (page) => {
    await syncAndExpect(page, "alreadyInProgress");
  });
});

test("401: an unknown pasted token offers a new token or sign-in; an empty one is a form error", async () => {
  await withPage("/", async (page) => {
    await pasteToken(page, "");
    await page.click("#sync-now");
    await page.waitForSelector("#form-error:not([hidden])", WAIT);
    assert.equal(await page.getAttribute("#form-error", "data-code"), "invalidToken");
    assert.match(await text(page, "#form-error"), /Paste an access token/);
    assert.equal(await page.isEnabled("#sync-now"), true, "the page stays usable");
    assert.equal((await env.site.requests()).filter((r) => r.method === "POST").length, 0, "nothing sent");

    await page.fill("#token", "not-a-known-token");
    await syncAndExpect(page, "unauthorized");
    assert.equal(await page.isHidden("#form-error"), true);
    assert.equal(await page.isVisible("#action-paste"), true);
    assert.equal(await page.isVisible("#action-signin"), true);
    assert.equal(await text(page, "#sd-httpStatus"), "401");
    assert.match(await text(page, "#sd-call"), /^POST/, "the failed status read does not hide the sync's details");
    assert.equal(await text(page, "#st-status"), "—", "no stale status from the other token");
    await screenshot(page, "unauthorized-light");
    await page.click("#action-paste");
    assert.equal(await page.evaluate(() => document.activeElement.id), "token");
    assert.equal(await page.inputValue("#token"), "");
    const html = await page.content();
    assert.ok(!html.includes("not-a-known-token"), "the token is not in the DOM");
    assert.equal(await page.evaluate(() => JSON.stringify(localStorage).includes("not-a-known-token")), false);
  });
});

test("403: the read-only admin sees the permission and the Intune licence", async () => {
  await withPage("/", async (page) => {
    await page.selectOption("#sim-account", "sim-reader-token");
    await syncAndExpect(page, "forbidden");
    const shown = await text(page, "#outcome");
    assert.match(shown, /DeviceManagementServiceConfig\.ReadWrite\.All/);
    assert.match(shown, /Intune licen[cs]e/);
    await screenshot(page, "forbidden-light");
  }, { colorScheme: "light" });
});

test("503 shows a retry hint", async () => {
  await env.site.fault({ kind: "status", status: 503, method: "POST" });
  await withPage("/", async (page) => {
    await syncAndExpect(page, "serviceUnavailable");
    assert.match(await text(page, "#outcome"), /try again/i);
    assert.equal(await page.isEnabled("#sync-now"), true);
    assert.equal(await text(page, "#sd-httpStatus"), "503");
  });
});

test("network down: networkError with a retry hint", async () => {
  // Chromium resends a POST on a dropped keep-alive connection by itself (seen up to 3 times).
  await env.site.fault({ kind: "close", method: "POST", count: 10 });
  await withPage("/", async (page) => {
    await syncAndExpect(page, "networkError");
    assert.match(await text(page, "#outcome"), /try again/i);
    assert.equal(await text(page, "#sd-httpStatus"), "—");
    assert.match(await page.locator("#history-list li").first().innerText(), /networkError no answer/);
  });
});

test("timeout (?timeoutMs=500): the sync may have started, check the status", async () => {
  await env.site.fault({ kind: "delay", delayMs: 2_000, status: 503, method: "POST" });
  await withPage("/?timeoutMs=500", async (page) => {
    await syncAndExpect(page, "timeout");
    assert.match(await text(page, "#outcome"), /may have started/i);
    assert.equal(await page.isEnabled("#sync-now"), true);
  });
});

test("a Graph message with HTML is shown as text and runs nothing", async () => {
  const evil = "<img src=x onerror=window.__xss=1>";
  await env.site.fault({
    kind: "status",
    status: 400,
    method: "POST",
    body: JSON.stringify({ error: { code: "BadRequest", message: evil, innerError: { "request-id": evil, date: evil } } }),
  });
  await withPage("/", async (page) => {
    // Records every element or event-handler attribute added from now on: with none
    // added, no handler can ever run, so no waiting for one is needed.
    await page.evaluate(() => {
      window.__added = [];
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === "attributes" && /^on/i.test(r.attributeName)) window.__added.push(`@${r.attributeName}`);
          for (const n of r.addedNodes) {
            if (n.nodeType !== 1) continue;
            for (const e of [n, ...n.querySelectorAll("*")]) {
              if (/^(img|script|iframe|svg|object|embed|image)$/i.test(e.tagName) || [...e.attributes].some((a) => /^on/i.test(a.name))) {
                window.__added.push(e.outerHTML.slice(0, 80));
              }
            }
          }
        }
      }).observe(document.documentElement, { subtree: true, childList: true, attributes: true });
    });
    await syncAndExpect(page, "unexpectedResponse");
    assert.equal(await text(page, "#sd-errorMessage"), evil);
    assert.deepEqual(await page.evaluate(() => window.__added), [], "no element or handler came from Graph's text");
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator("img").count(), 0);
    assert.match(await text(page, "#outcome"), /support details/i);
    await screenshot(page, "unexpected-dark");
  }, { colorScheme: "dark" });
});

test("support details: Copy puts them on the clipboard", async () => {
  await withPage("/", async (page) => {
    await syncAndExpect(page, "started");
    await page.click("#support-copy");
    await page.waitForFunction(() => document.querySelector("#copy-feedback").textContent !== "", null, WAIT);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /outcome: started/);
    assert.match(copied, /requestId: [0-9a-f-]{36}/);
    assert.match(copied, /clientRequestId: [0-9a-f-]{36}/);
  }, { permissions: ["clipboard-read", "clipboard-write"] });
});

test("keyboard only: Tab to Sync now, Enter starts a sync; focus is visible", async () => {
  await withPage("/", async (page) => {
    let focused = "";
    for (let i = 0; i < 15 && focused !== "sync-now"; i++) {
      await page.keyboard.press("Tab");
      // Sync now is inside the sync card's shadow root.
      focused = await page.evaluate(() => (document.activeElement?.shadowRoot?.activeElement ?? document.activeElement)?.id ?? "");
    }
    assert.equal(focused, "sync-now", "Sync now is reachable with Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement.shadowRoot?.activeElement ?? document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "visible focus");
    await page.keyboard.press("Enter");
    await page.waitForSelector('#outcome[data-outcome="started"]', WAIT);
  });
});

test("phone width (360×740): no horizontal scroll, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    await env.site.reset();
    await withPage("/", async (page) => {
      await syncAndExpect(page, "started");
      await syncAndExpect(page, "alreadyInProgress"); // long Graph message in the support details
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `${colorScheme}: scrollWidth ${scroll} <= ${client}`);
      await screenshot(page, `phone-${colorScheme}`);
    }, { viewport: { width: 360, height: 740 }, colorScheme });
  }
});

// Sign-in itself (MSAL, /pkg/msal.js) is tested elsewhere; this stub of its contract
// checks the page's side: options passed, errors shown, the client used for Graph calls.
const MSAL_STUB = `
export async function createMsalTokenProvider(options) {
  window.__msal = { options, tokens: [] };
  let account = null;
  return {
    get account() { return account; },
    async signIn() {
      const code = window.__msal.failNext;
      if (code) {
        window.__msal.failNext = null;
        throw Object.assign(new Error("stub " + code), { name: "SyncError", code, errorCode: "user_cancelled" });
      }
      account = { username: "ada@contoso.example", name: "Ada Admin", tenantId: "t1" };
      return account;
    },
    async signOut() { account = null; },
    async getToken({ forceRefresh }) {
      window.__msal.tokens.push(forceRefresh);
      return forceRefresh ? "sim-admin-token" : "expired-token";
    },
  };
}`;
const stubMsal = (page) =>
  page.route("**/pkg/msal.js", (route) => route.fulfill({ contentType: "text/javascript", body: MSAL_STUB }));

test("sign-in UI against a stub provider: errors shown, account named, a 401 refreshes the token once", async () => {
  await withPage("/?clientId=11111111-2222-3333-4444-555555555555&tenantId=contoso.example", async (page) => {
    assert.equal(await page.isChecked("#mode-signin"), true);
    await page.waitForFunction(() => window.__msal, null, WAIT);
    const options = await page.evaluate(() => window.__msal.options);
    assert.equal(options.clientId, "11111111-2222-3333-4444-555555555555");
    assert.equal(options.tenantId, "contoso.example");
    assert.equal(options.redirectUri, `${env.site.url}/redirect.html`);
    assert.equal(await text(page, "#account-name"), "nobody");

    await page.evaluate(() => (window.__msal.failNext = "signInCancelled"));
    await page.click("#sign-in");
    await page.waitForSelector('#form-error[data-code="signInCancelled"]:not([hidden])', WAIT);
    assert.equal(await page.isEnabled("#sign-in"), true, "the page stays usable");

    await page.click("#sign-in");
    await page.waitForFunction(() => document.querySelector("#account-name").textContent === "Ada Admin", null, WAIT);
    // The click handler reads the status after signing in; it is done when the button is back.
    await page.waitForFunction(() => !document.querySelector("#sign-in").disabled, null, WAIT);
    assert.equal(await page.isVisible("#sign-out"), true);
    assert.equal(await page.isHidden("#form-error"), true);

    const asked = (await page.evaluate(() => window.__msal.tokens)).length;
    await env.site.clearRequests();
    await syncAndExpect(page, "started");
    const tokens = (await page.evaluate(() => window.__msal.tokens)).slice(asked, asked + 2);
    assert.deepEqual(tokens, [false, true], "the sync asked for a token, got a 401, asked once for a fresh one");
    const posts = (await env.site.requests()).filter((r) => r.method === "POST");
    assert.deepEqual(posts.map((r) => r.status), [401, 204], "one retry after the 401, no more");
    assert.equal(await page.evaluate(() => localStorage.getItem("autopilot-sync:clientId")), null, "values from the address are not remembered");
    await page.click("#sign-out");
    await page.waitForFunction(() => document.querySelector("#account-name").textContent === "nobody", null, WAIT);
  }, {}, { setup: stubMsal });
});

test("?authority= (simulated admin sign-in) passes an OIDC authority; a foreign host is refused", async () => {
  await withPage("/?authority=https://127.0.0.1:9443/sim-tenant&clientId=sim-client", async (page) => {
    await page.waitForFunction(() => window.__msal, null, WAIT);
    const options = await page.evaluate(() => window.__msal.options);
    assert.equal(options.authority, "https://127.0.0.1:9443/sim-tenant");
    assert.deepEqual(options.knownAuthorities, ["127.0.0.1:9443"]);
    assert.equal(options.protocolMode, "OIDC");
    assert.equal(await page.isHidden("#tenant-field"), true);
  }, {}, { setup: stubMsal });
  await withPage("/?authority=https://login.evil.example/x&clientId=c", async (page) => {
    await page.waitForSelector("#form-error:not([hidden])", WAIT);
    assert.match(await text(page, "#form-error"), /not a Microsoft sign-in host/);
    assert.equal(await page.evaluate(() => window.__msal.options.authority), undefined);
  }, {}, { setup: stubMsal });
});

test("redirect.html loads the MSAL redirect bridge under its CSP", async () => {
  await withPage("/redirect.html", async (page) => {
    await page.waitForFunction(() => /could not be completed/.test(document.querySelector("#redirect-status").textContent), null, WAIT);
  }, {}, { ready: "#redirect-status" });
});

// ---- README promises about the page: the failed and waitTimeout states, ?mode, ?cloud, dark mode

test("a failed sync: progress ends in the failed state, announced, with the error colour", async () => {
  await env.site.config({ syncResult: "failed" });
  await withPage("/?intervalMs=100", async (page) => {
    await syncAndExpect(page, "started");
    await page.waitForSelector('#progress[data-state="inProgress"]', WAIT);
    await env.site.advance(60_000);
    await page.waitForSelector('#progress[data-state="failed"]', WAIT);
    assert.match(await text(page, "#progress-state"), /failed/i);
    assert.equal(await text(page, "#st-status"), "failed");
    // Announced in the sync card's live region (the element's shadow root).
    assert.equal(await page.evaluate(() => document.querySelector("autopilot-sync").shadowRoot.querySelector("#outcome").getAttribute("aria-live")), "polite");
    await page.waitForFunction(() => /Sync failed/.test(document.querySelector("autopilot-sync").shadowRoot.querySelector("#outcome").textContent), null, WAIT);
    const [r, g, b] = await page.evaluate(() =>
      getComputedStyle(document.querySelector("autopilot-sync").shadowRoot.querySelector("#progress")).borderLeftColor.match(/\d+/g).map(Number));
    assert.ok(r > g + 60 && r > b + 60, `a red edge for failed: rgb(${r}, ${g}, ${b})`);
  });
});

test("waitTimeout: the page stops following a sync that never ends (page clock moved 15 minutes)", async () => {
  await env.site.clock({ freeze: true }); // the simulated sync never ends
  await withPage("/?intervalMs=60000", async (page) => {
    await syncAndExpect(page, "started");
    await page.waitForSelector('#progress[data-state="inProgress"]', WAIT);
    // The first poll has answered (the status card shows it); the next waits 60 s.
    await page.waitForFunction(() => document.querySelector("#st-status").textContent === "inProgress", null, WAIT);
    await page.clock.fastForward(16 * 60_000);
    await page.waitForSelector('#progress[data-state="unknown"]', WAIT);
    assert.match(await text(page, "#progress-state"), /stopped following/i);
    assert.equal(await page.isHidden("#form-error"), true, "a wait timeout is not an error to fix");
    assert.equal(await page.isEnabled("#sync-now"), true);
  }, {}, { setup: (page) => page.clock.install() });
});

test("?mode= picks the connection panel; an unknown mode falls back to the simulated tenant", async () => {
  const panels = ["sim", "paste", "signin"];
  for (const [query, mode] of [["?mode=paste", "paste"], ["?mode=signin", "signin"], ["?mode=sim", "sim"], ["?mode=bogus", "sim"], ["", "sim"]]) {
    await withPage(`/${query}`, async (page) => {
      assert.equal(await page.isChecked(`#mode-${mode}`), true, `${query} → ${mode}`);
      for (const p of panels) assert.equal(await page.isVisible(`#panel-${p}`), p === mode, `${query}: #panel-${p}`);
    });
  }
  // The mode from the address decides where the call goes: paste mode sends the pasted token.
  await withPage("/?mode=paste", async (page) => {
    await page.fill("#token", "sim-reader-token");
    await syncAndExpect(page, "forbidden");
  });
});

test("?cloud= sends a pasted token to that cloud's Graph host (routed offline) and names it", async () => {
  const clouds = {
    global: "https://graph.microsoft.com",
    usGov: "https://graph.microsoft.us",
    usGovDod: "https://dod-graph.microsoft.us",
    china: "https://microsoftgraph.chinacloudapi.cn",
  };
  for (const [cloud, host] of Object.entries(clouds)) {
    const seen = [];
    const setup = (page) =>
      page.route((url) => url.origin !== env.site.url, (route) => {
        const req = route.request();
        const cors = { "access-control-allow-origin": env.site.url, "access-control-allow-headers": "authorization, accept, client-request-id", "access-control-allow-methods": "GET, POST" };
        if (req.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
        seen.push(`${req.method()} ${req.url()} ${req.headers().authorization}`);
        if (req.method() === "POST") return route.fulfill({ status: 204, headers: cors });
        return route.fulfill({ status: 200, headers: { ...cors, "content-type": "application/json" }, body: JSON.stringify({ syncStatus: "completed" }) });
      });
    await withPage(`/?cloud=${cloud}&mode=paste`, async (page) => {
      assert.equal(await page.inputValue("#cloud"), cloud);
      assert.equal(await text(page, "#graph-root"), host);
      await page.fill("#token", "pasted-token-1");
      await syncAndExpect(page, "started");
      assert.equal(seen[0], `POST ${host}/beta/deviceManagement/windowsAutopilotSettings/sync Bearer pasted-token-1`, cloud);
      assert.ok(seen.every((x) => x.startsWith(`${x.split(" ")[0]} ${host}/`)), `only ${host}: ${seen}`);
      assert.equal((await env.site.requests()).length, 0, "nothing reached the simulator's Graph");
    }, {}, { setup });
  }
});

/** WCAG relative luminance and contrast of two computed CSS colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return { ratio: (hi + 0.05) / (lo + 0.05), a: lum(a), b: lum(b) };
}

test("dark mode follows the system: computed colours are dark with readable text, light otherwise", async () => {
  const colours = {};
  for (const colorScheme of ["light", "dark"]) {
    await env.site.reset();
    await withPage("/", async (page) => {
      await syncAndExpect(page, "started");
      colours[colorScheme] = await page.evaluate(() => {
        // The sync card's parts live in the element's shadow root; the rest in the page.
        const find = (sel) => document.querySelector(sel) ?? document.querySelector("autopilot-sync").shadowRoot.querySelector(sel);
        const css = (sel, prop) => getComputedStyle(find(sel))[prop];
        const card = find("#outcome");
        return {
          pageBg: css("body", "backgroundColor"),
          pageText: css("body", "color"),
          // What is behind the outcome text: the first opaque background up the tree,
          // through the shadow root to the page.
          outcomeBg: (() => {
            for (let e = card; e; e = e.parentElement ?? e.getRootNode().host) {
              const bg = getComputedStyle(e).backgroundColor;
              if (!/^rgba\(.*, 0\)$|^transparent$/.test(bg)) return bg;
            }
            return css("body", "backgroundColor");
          })(),
          outcomeText: getComputedStyle(card.querySelector(".title, #outcome-title") ?? card).color,
          buttonBg: css("#sync-now", "backgroundColor"),
          buttonText: css("#sync-now", "color"),
          input: css("#token", "backgroundColor"),
        };
      });
    }, { colorScheme });
  }
  const { light, dark } = colours;
  const pageLight = contrast(light.pageBg, light.pageText);
  const pageDark = contrast(dark.pageBg, dark.pageText);
  assert.ok(pageLight.a > 0.7, `light page background is light: ${light.pageBg}`);
  assert.ok(pageDark.a < 0.05, `dark page background is dark: ${dark.pageBg}`);
  for (const [name, c] of Object.entries(colours)) {
    assert.ok(contrast(c.pageBg, c.pageText).ratio >= 7, `${name}: page text contrast ${contrast(c.pageBg, c.pageText).ratio}`);
    assert.ok(contrast(c.outcomeBg, c.outcomeText).ratio >= 4.5, `${name}: outcome text contrast`);
    assert.ok(contrast(c.buttonBg, c.buttonText).ratio >= 4.5, `${name}: Sync now contrast`);
  }
  assert.ok(contrast(dark.outcomeBg, "rgb(0, 0, 0)").ratio < 2, `dark outcome panel is dark: ${dark.outcomeBg}`);
  assert.ok(contrast(dark.input, "rgb(0, 0, 0)").ratio < 2, `dark text field is dark: ${dark.input}`);
  assert.notEqual(light.buttonBg, dark.buttonBg);
});
