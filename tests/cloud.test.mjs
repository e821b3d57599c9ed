// The `cloud` and `baseUrl` options end to end, through the shipped package: each
// national cloud reaches its own Graph host, the default is the global cloud, `baseUrl`
// overrides `cloud`; MSAL's scope and authority per cloud; and every accepted and refused
// `baseUrl` shape through the real WHATWG URL parser (Node's and Chromium's), observed
// as the URL actually requested. Never the internet: in Node the global fetch is
// intercepted; in Chromium every non-loopback request is answered by Playwright routing.
import { after, afterEach, before, describe } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { createSyncClient, getSyncStatus, triggerSync } from "autopilot-sync";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { noContent, settings, stubFetch } from "./helpers/fetch-stub.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT } from "./helpers/page.mjs";
import { entraStub } from "./helpers/entra-stub.mjs";

const SYNC = "/beta/deviceManagement/windowsAutopilotSettings/sync";
const SCOPE = "DeviceManagementServiceConfig.ReadWrite.All";
// Literal, from Microsoft's national-cloud documentation (graph-facts.md), not from the code.
const CLOUDS = {
  global: { graph: "https://graph.microsoft.com", login: "https://login.microsoftonline.com" },
  usGov: { graph: "https://graph.microsoft.us", login: "https://login.microsoftonline.us" },
  usGovDod: { graph: "https://dod-graph.microsoft.us", login: "https://login.microsoftonline.us" },
  china: { graph: "https://microsoftgraph.chinacloudapi.cn", login: "https://login.chinacloudapi.cn" },
};
// MSAL.js's built-in cloud metadata sends China sign-ins to its preferred alias of
// login.chinacloudapi.cn (both are Microsoft's hosts for Azure China): the host MSAL
// actually contacts, which the package must list in CloudInfo[cloud].signInHosts.
const LOGIN_ALIASES = { "https://login.chinacloudapi.cn": ["https://login.partner.microsoftonline.cn"] };
const contacted = (login) => LOGIN_ALIASES[login]?.[0] ?? login;

// baseUrl → the Graph root the request must go to. The parser normalises: case, default
// ports, IPv4 shorthand and hex, IPv6 zero runs, dot segments; surrounding white space is trimmed.
const ACCEPTED = [
  ["https://graph.microsoft.com", "https://graph.microsoft.com"],
  ["https://graph.microsoft.com/", "https://graph.microsoft.com"],
  ["https://GRAPH.Microsoft.COM:443/", "https://graph.microsoft.com"],
  ["  https://graph.example:8443/proxy/graph/  ", "https://graph.example:8443/proxy/graph"],
  ["https://graph.example/a/../b/", "https://graph.example/b"],
  ["https://graph.example//", "https://graph.example"],
  ["https://graph.example/a%20b", "https://graph.example/a%20b"],
  ["https://[2001:db8::1]/", "https://[2001:db8::1]"],
  ["https://10.1.2.3/", "https://10.1.2.3"],
  ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
  ["http://127.1:8080/", "http://127.0.0.1:8080"],
  ["http://0x7f.0.0.1:8080/", "http://127.0.0.1:8080"],
  ["http://2130706433:8080", "http://127.0.0.1:8080"],
  ["http://127.255.255.254/graph/", "http://127.255.255.254/graph"],
  ["http://localhost:8080/g/", "http://localhost:8080/g"],
  ["HTTP://LOCALHOST:8080", "http://localhost:8080"],
  ["http://localhost.:8080", "http://localhost.:8080"],
  ["http://[::1]:8080/", "http://[::1]:8080"],
  ["http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"],
];

// Refused with invalidOptions before anything is sent.
const REFUSED = [
  "http://graph.microsoft.com", // plain http off the machine
  "http://10.0.0.1/",
  "http://128.0.0.1/",
  "http://0.0.0.0:8080/",
  "http://127.0.0.1.nip.io/",
  "http://localhost.evil.example/",
  "http://[::2]/",
  "http://[::ffff:127.0.0.1]/", // IPv4-mapped: not ::1
  "ftp://localhost/",
  "ws://localhost/",
  "file:///etc/passwd",
  "javascript:alert(1)",
  "data:text/plain,x",
  "https://user@graph.example/",
  "https://:pw@graph.example/",
  "https://user:pw@graph.example/",
  "https://graph.example/?tenant=1",
  "https://graph.example/#x",
  "graph.microsoft.com", // no scheme: not an absolute URL
  "/beta",
  "",
  "https://",
  "http://127.0.0.1:99999/",
];
// Refused by Node's parser (WHATWG: a space is a forbidden host code point); Chromium's
// URL parser escapes it to exa%20mple.com instead, so in Chromium the call goes out over
// https and fails there. Tested in Node only.
const REFUSED_BY_NODE = ["https://exa mple.com/"];

let sim, browser;
before(async () => {
  [sim, browser] = await Promise.all([
    startGraphSim({
      args: [
        "--static", `${ROOT}/tests/fixtures`,
        "--mount", `/pkg=${ROOT}/pkg`,
        "--mount", `/vendor/msal-browser=${ROOT}/node_modules/@azure/msal-browser`,
        "--mount", `/vendor/msal-common=${ROOT}/node_modules/@azure/msal-common`,
      ],
    }),
    launchBrowser(),
  ]);
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

const isInvalidOptions = (e) => e?.name === "SyncError" && e.code === "invalidOptions";

describe("Node (global fetch intercepted)", () => {
  let stub;
  const answer = () => {
    stub = stubFetch((c) => (c.method === "POST" ? noContent() : settings()));
  };
  afterEach(() => stub?.restore());

  test("each cloud reaches its own Graph host; the default is global; baseUrl overrides cloud", async () => {
    answer();
    for (const [cloud, { graph }] of Object.entries(CLOUDS)) {
      assert.equal((await triggerSync("t", { cloud })).outcome, "started");
      assert.equal((await getSyncStatus("t", { cloud })).ok, true);
      const c = createSyncClient({ getToken: () => "t", cloud });
      await c.triggerSync();
      await c.getSyncStatus();
      const got = stub.calls.splice(0).map((x) => `${x.method} ${x.url}`);
      assert.deepEqual(got, [`POST ${graph}${SYNC}`, `GET ${graph}/beta/deviceManagement/windowsAutopilotSettings`, `POST ${graph}${SYNC}`, `GET ${graph}/beta/deviceManagement/windowsAutopilotSettings`], cloud);
    }
    await triggerSync("t");
    await createSyncClient({ getToken: () => "t" }).triggerSync();
    await triggerSync("t", { cloud: "china", baseUrl: "https://graph.example/root" });
    await createSyncClient({ getToken: () => "t", cloud: "usGov", baseUrl: "https://graph.example" }).triggerSync();
    // A call's cloud replaces the client's baseUrl, and the other way round.
    await createSyncClient({ getToken: () => "t", baseUrl: "https://graph.example" }).triggerSync({ cloud: "usGovDod" });
    await createSyncClient({ getToken: () => "t", cloud: "china" }).triggerSync({ baseUrl: "https://graph.example" });
    assert.deepEqual(stub.calls.map((x) => x.url), [
      `https://graph.microsoft.com${SYNC}`,
      `https://graph.microsoft.com${SYNC}`,
      `https://graph.example/root${SYNC}`,
      `https://graph.example${SYNC}`,
      `https://dod-graph.microsoft.us${SYNC}`,
      `https://graph.example${SYNC}`,
    ]);
    for (const x of stub.calls) assert.equal(x.headers.authorization, "Bearer t");
  });

  test("an unknown cloud or a wrong type is refused", async () => {
    answer();
    for (const options of [{ cloud: "Global" }, { cloud: "usgov" }, { cloud: "germany" }, { cloud: 1 }, { baseUrl: 42 }, { baseUrl: new URL("https://graph.example") }]) {
      await assert.rejects(triggerSync("t", options), isInvalidOptions, JSON.stringify(options));
    }
    assert.deepEqual(stub.calls, []);
  });

  test("baseUrl: every accepted shape, as parsed by the WHATWG parser, is the root requested", async () => {
    answer();
    for (const [baseUrl, root] of ACCEPTED) {
      const r = await triggerSync("t", { baseUrl });
      assert.equal(r.outcome, "started", baseUrl);
      assert.equal(stub.calls.pop()?.url, `${root}${SYNC}`, baseUrl);
    }
  });

  test("baseUrl: every refused shape rejects with invalidOptions and sends nothing", async () => {
    answer();
    for (const baseUrl of [...REFUSED, ...REFUSED_BY_NODE]) {
      await assert.rejects(triggerSync("t", { baseUrl }), isInvalidOptions, JSON.stringify(baseUrl));
      await assert.rejects(getSyncStatus("t", { baseUrl }), isInvalidOptions, JSON.stringify(baseUrl));
      assert.throws(() => createSyncClient({ getToken: () => "t", baseUrl }), isInvalidOptions, JSON.stringify(baseUrl));
    }
    assert.deepEqual(stub.calls, []);
  });
});

/** A page on the fixture with every non-loopback request answered here: Graph hosts with 204 / a settings object, login hosts with MSAL's metadata and a cancelled sign-in. */
async function offlinePage() {
  const context = await browser.newContext();
  const seen = [];
  await context.route(
    (url) => !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || url.port !== new URL(sim.url).port,
    (route) => {
      const req = route.request();
      const url = new URL(req.url());
      seen.push({ method: req.method(), url: req.url(), authorization: req.headers().authorization });
      const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "access-control-allow-methods": "GET, POST", "access-control-expose-headers": "*" };
      if (req.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
      if (/^login\./.test(url.hostname)) return entraStub(route, url);
      if (url.pathname.endsWith("/sync")) return route.fulfill({ status: 204, headers: cors });
      if (url.pathname.endsWith("/windowsAutopilotSettings")) {
        return route.fulfill({ status: 200, headers: { ...cors, "content-type": "application/json" }, body: JSON.stringify({ syncStatus: "completed" }) });
      }
      return route.fulfill({ status: 404, headers: cors, body: "" });
    },
  );
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(e.message));
  await page.goto(`${sim.url}/msal.html`);
  return { context, page, seen };
}

describe("Chromium (Playwright routing, offline)", () => {
  test("each cloud reaches its own Graph host; the default is global; baseUrl overrides cloud", async () => {
    const { context, page, seen } = await offlinePage();
    try {
      const outcomes = await page.evaluate(async (clouds) => {
        const { triggerSync, getSyncStatus, createSyncClient } = await import("autopilot-sync");
        const out = [];
        for (const cloud of clouds) {
          out.push((await triggerSync("t", { cloud })).outcome);
          out.push((await getSyncStatus("t", { cloud })).syncStatus);
        }
        out.push((await triggerSync("t")).outcome);
        out.push((await triggerSync("t", { cloud: "china", baseUrl: "https://graph.example/root" })).outcome);
        out.push((await createSyncClient({ getToken: () => "t", cloud: "usGov", baseUrl: "https://graph.example" }).triggerSync()).outcome);
        return out;
      }, Object.keys(CLOUDS));
      assert.deepEqual(outcomes, [...Object.keys(CLOUDS).flatMap(() => ["started", "completed"]), "started", "started", "started"]);
      const sent = seen.filter((s) => s.method !== "OPTIONS").map((s) => `${s.method} ${s.url}`);
      assert.deepEqual(sent, [
        ...Object.values(CLOUDS).flatMap(({ graph }) => [`POST ${graph}${SYNC}`, `GET ${graph}/beta/deviceManagement/windowsAutopilotSettings`]),
        `POST https://graph.microsoft.com${SYNC}`,
        `POST https://graph.example/root${SYNC}`,
        `POST https://graph.example${SYNC}`,
      ]);
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });

  test("baseUrl shapes through Chromium's URL parser: accepted ones are requested, refused ones send nothing", async () => {
    const { context, page, seen } = await offlinePage();
    try {
      const got = await page.evaluate(async ([accepted, refused]) => {
        const { triggerSync } = await import("autopilot-sync");
        const out = { accepted: [], refused: [] };
        for (const [baseUrl] of accepted) {
          const r = await triggerSync("t", { baseUrl });
          out.accepted.push(r.outcome);
        }
        for (const baseUrl of refused) {
          try {
            await triggerSync("t", { baseUrl });
            out.refused.push("resolved");
          } catch (e) {
            out.refused.push(`${e.name}:${e.code}`);
          }
        }
        return out;
      }, [ACCEPTED, REFUSED]);
      assert.deepEqual(got.accepted, ACCEPTED.map(() => "started"));
      assert.deepEqual(got.refused, REFUSED.map(() => "SyncError:invalidOptions"));
      const posts = seen.filter((s) => s.method === "POST").map((s) => s.url);
      assert.deepEqual(posts, ACCEPTED.map(([, root]) => `${root}${SYNC}`), "one POST per accepted shape, none for the refused");
    } finally {
      await context.close();
    }
  });

  test("MSAL: scope and authority for each cloud (and the default)", async () => {
    for (const [cloud, { graph, login }] of [...Object.entries(CLOUDS), [undefined, CLOUDS.global]]) {
      const { context, page, seen } = await offlinePage();
      try {
        const popup = context.waitForEvent("page", { timeout: 15_000 });
        const result = page.evaluate(async (cloud) => {
          const { createMsalTokenProvider } = await import("autopilot-sync/msal");
          const options = { clientId: "11111111-2222-3333-4444-555555555555", tenantId: "contoso.example" };
          if (cloud) options.cloud = cloud;
          const p = await createMsalTokenProvider(options);
          try {
            await p.getToken({ forceRefresh: false });
            return "resolved";
          } catch (e) {
            return `${e.name}:${e.code}`;
          }
        }, cloud);
        result.catch(() => {}); // awaited below; not unhandled if an assertion fails first
        const request = await (await popup).waitForRequest(/\/oauth2\/v2\.0\/authorize/, { timeout: 15_000 });
        const authorize = new URL(request.url());
        const logins = [login, ...(LOGIN_ALIASES[login] ?? [])];
        assert.equal(authorize.origin, contacted(login), `${cloud}: the sign-in host MSAL contacts`);
        const { CloudInfo } = await import(`${ROOT}/pkg/contract.js`);
        const info = CloudInfo[cloud ?? "global"];
        assert.equal(info.authorityHost, login, `${cloud}: CloudInfo.authorityHost`);
        assert.deepEqual([...info.signInHosts].sort(), [...logins].sort(), `${cloud}: CloudInfo.signInHosts lists what MSAL may contact`);
        assert.equal(authorize.pathname, "/contoso.example/oauth2/v2.0/authorize", `${cloud}: tenant`);
        assert.deepEqual(authorize.searchParams.get("scope").split(" ").filter((s) => s.includes(SCOPE)), [`${graph}/${SCOPE}`], `${cloud}: scope`);
        assert.equal(await result, "SyncError:signInCancelled");
        const hosts = new Set(seen.map((s) => new URL(s.url).origin));
        const others = Object.values(CLOUDS).flatMap((c) => [c.login, ...(LOGIN_ALIASES[c.login] ?? [])]).filter((l) => !logins.includes(l));
        for (const other of others) assert.ok(!hosts.has(other), `${cloud}: never ${other} (${[...hosts]})`);
      } finally {
        await context.close();
      }
    }
  });
});
