// Token-leak scan (issue #12 item 6): the page (pasted token), the <autopilot-sync>
// element, the sign-in flow (MSAL.js against graph-sim's authority) and the module's own
// calls, end to end in Chromium against graph-sim, with marked tokens: every static token
// carries one random marker, and the tokens graph-sim's authority issues are recognised by
// value (the token endpoint's answers). Then everything a token could leak into is scanned:
// every result and error (message, stack, own fields, the cause chain), every console line
// and uncaught error, the DOM of every page (CDP's tree, shadow roots and attributes
// included), localStorage, sessionStorage, cookies and IndexedDB (names and values) of
// every origin visited, every URL requested or navigated to (query and fragment
// included), graph-sim's request log and state, and everything graph-sim printed.
// Zero hits. Not vacuous: the scanner must find a planted marker, and the flows must have
// sent the marked and issued tokens (counted from the requests' Authorization headers and
// graph-sim's answers, never printed).
import { after, before } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { launchBrowser } from "./helpers/browser.mjs";
import { startSite } from "./helpers/page.mjs";

const WAIT = { timeout: 30_000 };
const MARK = `LeakMark${randomBytes(12).toString("hex")}`;
const RW = `${MARK}-rw`;
const RO = `${MARK}-ro`;
const UNKNOWN = `${MARK}-unknown`;
const SYNC_PATH = "/beta/deviceManagement/windowsAutopilotSettings/sync";

let site, browser;
before(async () => {
  [site, browser] = await Promise.all([
    startSite(["--oidc-port", "0", "--token", `${RW}=rw`, "--token", `${RO}=ro`, "--token", "sim-admin-token=rw", "--token", "sim-reader-token=ro"]),
    launchBrowser(["--ignore-certificate-errors"]),
  ]);
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

/** The same server under the other loopback name: cross-origin, as Graph is. */
const crossOrigin = (url) => {
  const u = new URL(url);
  u.hostname = u.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return u.origin;
};

/**
 * Where each secret occurs in `text`: the names of the secrets found (a secret is the
 * marker, or one issued token: whole, and its signature alone for a JWT). Never the value.
 */
function findSecrets(text, issued) {
  const found = [];
  if (text.includes(MARK)) found.push("marker");
  let i = 0;
  for (const t of issued) {
    i++;
    for (const piece of [t, t.split(".")[2]].filter((s) => s && s.length >= 20)) {
      if (text.includes(piece)) {
        found.push(`issued token #${i}`);
        break;
      }
    }
  }
  return found;
}

/** Everything one page can tell about itself: DOM (CDP, pierced), storage, IndexedDB. */
async function pageEvidence(page) {
  const out = {};
  const cdp = await page.context().newCDPSession(page);
  try {
    // Every node, shadow roots (open and closed) and frames included, except the
    // user-agent shadow trees of form fields: they mirror the field's own value (the token
    // the user pasted into #token), which is where the user put it, not a leak.
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const prune = (n) => ({
      ...n,
      children: n.children?.map(prune),
      shadowRoots: n.shadowRoots?.filter((r) => r.shadowRootType !== "user-agent").map(prune),
      contentDocument: n.contentDocument && prune(n.contentDocument),
    });
    out.dom = JSON.stringify(prune(root));
  } finally {
    await cdp.detach().catch(() => {});
  }
  Object.assign(
    out,
    await page.evaluate(async () => {
      const entries = (s) => {
        try {
          return JSON.stringify(Object.entries(s));
        } catch (e) {
          return `unreadable: ${e}`;
        }
      };
      const idb = [];
      for (const { name } of (await indexedDB.databases?.()) ?? []) {
        const db = await new Promise((res, rej) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        for (const store of db.objectStoreNames) {
          const all = await new Promise((res) => {
            const r = db.transaction(store).objectStore(store).getAll();
            r.onsuccess = () => res(r.result);
            r.onerror = () => res(`unreadable: ${r.error}`);
          });
          const keys = await new Promise((res) => {
            const r = db.transaction(store).objectStore(store).getAllKeys();
            r.onsuccess = () => res(r.result);
            r.onerror = () => res([]);
          });
          idb.push({ name, store, keys, all });
        }
        db.close();
      }
      return {
        outerHTML: document.documentElement.outerHTML,
        text: document.body?.innerText ?? "",
        localStorage: entries(localStorage),
        sessionStorage: JSON.stringify(Object.entries(sessionStorage)),
        cookie: document.cookie,
        indexedDB: JSON.stringify(idb),
      };
    }),
  );
  return out;
}

/**
 * A browser context that records what leaves or shows: console lines and uncaught errors
 * of every page, every request and navigation URL (popups included), the Authorization
 * headers sent to Graph, and the tokens the authority's token endpoint issued.
 */
async function watchedContext() {
  const context = await browser.newContext();
  const w = { context, console: [], urls: [], bearers: [], issued: new Set(), reads: [], pages: [] };
  const onPage = (p) => {
    w.pages.push(p);
    p.on("console", (m) => w.console.push(`${m.type()}: ${m.text()} ${m.location()?.url ?? ""}`));
    p.on("pageerror", (e) => w.console.push(`pageerror: ${e.stack ?? e.message}`));
    p.on("framenavigated", (f) => w.urls.push(f.url()));
  };
  context.on("page", onPage);
  context.on("request", (r) => {
    w.urls.push(r.url());
    if (new URL(r.url()).pathname.startsWith("/beta/")) {
      w.reads.push(r.allHeaders().then((h) => h.authorization && w.bearers.push(h.authorization.replace(/^Bearer /i, ""))));
    }
  });
  context.on("response", (r) => {
    if (!/\/oauth2\/v2\.0\/token$/.test(new URL(r.url()).pathname) || r.request().method() !== "POST") return;
    w.reads.push(
      r.json().then((j) => {
        for (const k of ["access_token", "refresh_token", "id_token"]) if (typeof j?.[k] === "string") w.issued.add(j[k]);
      }),
    );
  });
  w.settle = async () => {
    for (let n = 0; n < w.reads.length; ) {
      const batch = w.reads.slice(n);
      n = w.reads.length;
      await Promise.allSettled(batch);
    }
  };
  return w;
}

/** The module's own calls in the page, with marked tokens: every result and error, serialised with its cause chain. */
function moduleCalls({ moduleRoot, graph, rw, ro, unknown, mark }) {
  const ser = (v, depth = 0) => {
    if (depth > 8) return "…";
    if (v instanceof Error) {
      const o = { name: v.name, message: v.message, stack: v.stack };
      for (const k of Object.keys(v)) o[k] = ser(v[k], depth + 1);
      if ("cause" in v) o.cause = ser(v.cause, depth + 1);
      return o;
    }
    if (Array.isArray(v)) return v.map((x) => ser(x, depth + 1));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ser(x, depth + 1)]));
    return v;
  };
  return (async () => {
    const m = await import(`${moduleRoot}/pkg/index.js`);
    await m.default();
    const o = { baseUrl: graph, timeoutMs: 10_000 };
    const out = [];
    const run = async (name, f) => {
      try {
        out.push({ name, result: ser(await f()) });
      } catch (e) {
        out.push({ name, error: ser(e) });
      }
    };
    const echo = (status) =>
      fetch(`${moduleRoot}/_sim/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          kind: "status",
          status,
          method: "POST",
          headers: { "request-id": `rid-${rw}` },
          body: JSON.stringify({ error: { code: rw, message: `Bearer ${rw} is not valid`, innerError: { "request-id": rw, date: rw } } }),
        }),
      });
    await run("started", () => m.triggerSync(rw, o));
    await run("running or throttled", () => m.triggerSync(rw, o));
    await run("status", () => m.getSyncStatus(ro, o));
    await run("forbidden", () => m.triggerSync(ro, o));
    await run("unauthorized", () => m.triggerSync(unknown, o));
    await echo(400);
    await run("echo 400", () => m.triggerSync(rw, o));
    await echo(503);
    await run("echo 503", () => m.triggerSync(rw, o));
    await run("invalidToken (space)", () => m.triggerSync(`${mark} x`, o));
    await run("invalidToken (17 KB)", () => m.triggerSync(`${rw}${"x".repeat(17_000)}`, o));
    await run("invalidOptions (plain http)", () => m.triggerSync(rw, { baseUrl: "http://graph.example.com" }));
    const client = m.createSyncClient({ getToken: () => rw, ...o });
    await run("client status", () => client.getSyncStatus());
    await run("client trigger", () => client.triggerSync());
    await run("waitForSync", () => client.waitForSync({ intervalMs: 50, timeoutMs: 300 }));
    await run("onUpdate throws", () =>
      client.waitForSync({
        intervalMs: 50,
        onUpdate: () => {
          throw new Error("render failed");
        },
      }),
    );
    await run("tokenUnavailable", () => m.createSyncClient({ getToken: () => Promise.reject(new Error("no token")), ...o }).triggerSync());
    await run("describeToken", () => m.describeToken(rw));
    await run("getDevices", () => m.getDevices(ro, o));
    await run("syncTenants", () => m.syncTenants([{ id: "t1", getToken: () => rw, ...o }, { id: "t2", getToken: () => unknown, ...o }]));
    for (const r of out) console.log(`module call ${r.name}: ${JSON.stringify(r)}`);
    return out;
  })();
}

const outcomeIs = (page, outcome) => page.waitForSelector(`#outcome[data-outcome="${outcome}"]`, WAIT);
const idle = (page) =>
  page.waitForFunction(() => !document.querySelector("autopilot-sync").shadowRoot.querySelector("#busy").checkVisibility(), null, WAIT);

async function pasteFlow(w) {
  const p = await w.context.newPage();
  await p.goto(`${site.url}/?mode=paste&intervalMs=200`);
  await p.waitForSelector("html[data-ready]", { state: "attached", ...WAIT });
  for (const [token, outcome] of [
    [RW, "started"],
    [RO, "forbidden"],
    [UNKNOWN, "unauthorized"],
  ]) {
    await p.check("#mode-paste");
    await p.fill("#token", token);
    await p.click("#sync-now");
    await outcomeIs(p, outcome);
    await idle(p);
  }
  // A server that echoes the token in its error: the page shows the redacted text.
  await site.fault({ kind: "status", status: 400, method: "POST", body: JSON.stringify({ error: { code: "BadRequest", message: `token ${RW} refused` } }) });
  await p.fill("#token", RW);
  await p.click("#sync-now");
  await outcomeIs(p, "unexpectedResponse");
  await idle(p);
  return p;
}

async function elementFlow(w) {
  const p = await w.context.newPage();
  await p.goto(`${site.url}/_sim/state`);
  const results = await p.evaluate(
    async ({ root, graph, rw, unknown }) => {
      await import(`${root}/pkg/element.js`);
      const el = document.createElement("autopilot-sync");
      el.setAttribute("base-url", graph);
      el.setAttribute("interval-ms", "200");
      document.body.append(el);
      const events = [];
      for (const type of ["autopilot-sync-result", "autopilot-sync-error", "autopilot-sync-status"]) {
        el.addEventListener(type, (e) => events.push({ type, detail: JSON.stringify(e.detail ?? null) }));
      }
      el.getToken = () => rw;
      const a = await el.sync();
      el.getToken = () => unknown;
      const b = await el.sync();
      const s = await el.refreshStatus?.();
      // "Copy" (support details): what would go to the clipboard.
      const copied = [];
      Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t) => copied.push(t) }, configurable: true });
      el.shadowRoot.querySelector('[part~="copy"]').click();
      await new Promise((r) => setTimeout(r, 100));
      return JSON.stringify({ a, b, s, events, copied });
    },
    { root: site.url, graph: crossOrigin(site.url), rw: RW, unknown: UNKNOWN },
  );
  return { page: p, results };
}

async function signInFlow(w) {
  const p = await w.context.newPage();
  const authority = encodeURIComponent(`${site.authorityUrl}/sim-tenant`);
  await p.goto(`${site.url}/?authority=${authority}&clientId=sim-spa&intervalMs=200`);
  await p.waitForSelector("html[data-ready]", { state: "attached", ...WAIT });
  const popup = w.context.waitForEvent("page", WAIT);
  await p.click("#sign-in");
  await (await popup).waitForEvent("close", WAIT);
  await p.waitForFunction(() => document.querySelector("#account-name").textContent !== "nobody", null, WAIT);
  await p.waitForFunction(() => !document.querySelector("#sign-in").disabled, null, WAIT);
  await p.click("#sync-now");
  await outcomeIs(p, "started");
  await idle(p);
  return p;
}

test("token-leak scan: page, element, sign-in and module calls with marked tokens leave the token nowhere", async () => {
  // The scanner finds what it is looking for (not vacuous).
  assert.deepEqual(findSecrets(`control text ${RW} end`, []), ["marker"]);
  assert.deepEqual(findSecrets(`a.b.${"s".repeat(40)}`, ["x.y." + "s".repeat(40)]), ["issued token #1"], "a JWT's signature alone is found");
  assert.deepEqual(findSecrets("nothing here", ["x.y." + "s".repeat(40)]), []);

  const w = await watchedContext();
  const logs = [];
  const evidence = {};
  try {
    await site.reset();
    const paste = await pasteFlow(w);
    logs.push(await site.requests());

    await site.reset();
    const element = await elementFlow(w);
    evidence["element results, events and copied support details"] = element.results;
    const el = JSON.parse(element.results);
    assert.equal(el.a.outcome, "started");
    assert.equal(el.b.outcome, "unauthorized");
    assert.ok(el.copied.length === 1 && el.copied[0].length > 50, "the support details were copied");
    logs.push(await site.requests());

    await site.reset();
    const calls = await element.page.evaluate(moduleCalls, { moduleRoot: site.url, graph: crossOrigin(site.url), rw: RW, ro: RO, unknown: UNKNOWN, mark: MARK });
    evidence["module results and errors"] = JSON.stringify(calls);
    logs.push(await site.requests());

    await site.reset();
    const signin = await signInFlow(w);
    logs.push(await site.requests());
    await w.settle();

    // The flows really used the tokens (counted, never printed).
    const marked = w.bearers.filter((b) => b.includes(MARK)).length;
    const issuedUsed = w.bearers.filter((b) => w.issued.has(b)).length;
    assert.ok(w.issued.size >= 2, `the authority issued tokens (${w.issued.size} seen)`);
    assert.ok(marked >= 20, `Graph requests carried marked tokens (${marked})`);
    assert.ok(issuedUsed >= 1, `Graph requests carried issued tokens (${issuedUsed})`);
    assert.equal(w.bearers.length, marked + issuedUsed + w.bearers.filter((b) => b.startsWith("sim-")).length, "no other token was sent");
    // The scanner finds both kinds in data captured from these very flows.
    assert.deepEqual(findSecrets(w.bearers.join("\n"), [...w.issued]).slice(0, 2), ["marker", "issued token #1"].slice(0, 1 + Math.min(1, issuedUsed)));
    const statuses = logs.flat().filter((r) => r.path === SYNC_PATH && r.method === "POST").map((r) => r.status);
    for (const s of [204, 401, 403, 400, 503]) assert.ok(statuses.includes(s), `graph-sim answered ${s} to a marked token's sync`);
    assert.ok(statuses.includes(409) || statuses.includes(429), "and a 409 or 429");
    const byName = Object.fromEntries(calls.map((c) => [c.name, c]));
    assert.equal(byName.started.result.outcome, "started");
    assert.equal(byName["echo 400"].result.outcome, "unexpectedResponse");
    assert.match(byName["echo 400"].result.errorMessage, /\[redacted\]/, "the echoed token was redacted, not dropped silently");
    assert.equal(byName["invalidToken (space)"].error.code, "invalidToken");

    // Collect everything.
    evidence["graph-sim request logs"] = JSON.stringify(logs);
    evidence["graph-sim state"] = JSON.stringify(await site.state());
    for (const [i, page] of [paste, element.page, signin].entries()) {
      for (const [k, v] of Object.entries(await pageEvidence(page))) evidence[`page ${i} ${k}`] = v;
    }
    // MSAL's token cache (cacheLocation "sessionStorage", the provider's default: per tab,
    // gone with it) holds the issued tokens by design, in its credential entries only. Those
    // entries are set aside, after checking they are exactly that; every other entry is scanned.
    const MSAL_CREDENTIAL = /^msal\.\d+\|[^|]*\|[^|]*\|(accesstoken|refreshtoken|idtoken)\|/;
    const session = JSON.parse(evidence["page 2 sessionStorage"]);
    const cache = session.filter(([k]) => MSAL_CREDENTIAL.test(k));
    evidence["page 2 sessionStorage"] = JSON.stringify(session.filter(([k]) => !MSAL_CREDENTIAL.test(k)));
    assert.deepEqual(cache.map(([k]) => MSAL_CREDENTIAL.exec(k)[1]).sort(), ["accesstoken", "idtoken", "refreshtoken"], "MSAL's cache: one credential of each kind");
    assert.ok(cache.every(([, v]) => findSecrets(v, [...w.issued]).length === 1), "each MSAL credential entry holds one issued token (the exclusion is exact)");
    const state = await w.context.storageState({ indexedDB: true });
    evidence["context storage (cookies, localStorage, IndexedDB of every origin)"] = JSON.stringify(state);
    evidence["cookies"] = JSON.stringify(await w.context.cookies());
    evidence["console lines and uncaught errors"] = w.console.join("\n");
    evidence["URLs requested or navigated"] = w.urls.join("\n");
    await site.stop(); // flushes its output
    evidence["graph-sim stdout and stderr"] = site.output();
    site = undefined;

    assert.ok(evidence["console lines and uncaught errors"].includes("module call started"), "the console was captured");
    assert.ok(evidence["graph-sim stdout and stderr"].length > 0, "graph-sim's output was captured");
    const leaks = Object.entries(evidence)
      .map(([where, text]) => [where, findSecrets(String(text), [...w.issued])])
      .filter(([, found]) => found.length > 0)
      .map(([where, found]) => `${where}: ${found.join(", ")}`);
    if (process.env.LEAK_DEBUG)
      for (const [where, text] of Object.entries(evidence)) {
        const t = String(text);
        for (let i = t.indexOf(MARK); i >= 0; i = t.indexOf(MARK, i + 1)) console.error(`${where}: …${t.slice(Math.max(0, i - 300), i).replaceAll(MARK, "<MARK>")}<MARK>${t.slice(i + MARK.length, i + 100).replaceAll(MARK, "<MARK>")}…`);
      }
    assert.deepEqual(leaks, [], "no token anywhere");
  } finally {
    await w.context.close();
  }
});
