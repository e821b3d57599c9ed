// describeToken (#14 item 1) and the client's refresh before sending an expired JWT (item 2),
// through the shipped package in Node. describeToken sends nothing; the refresh test
// counts requests with the global fetch intercepted.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSyncClient, describeToken } from "autopilot-sync";
import { noContent, stubFetch } from "./helpers/fetch-stub.mjs";
import { READ_PERMISSION, SYNC_PERMISSION, TEST_TENANT, delegatedClaims, epoch, jwt } from "./helpers/jwt.mjs";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const RW = SYNC_PERMISSION;
const RO = READ_PERMISSION;
const GRAPH = "https://graph.microsoft.com";
const TID = TEST_TENANT;
const delegated = (extra = {}) => delegatedClaims(NOW, extra);
const codes = (d) => d.problems.map((p) => p.code);

describe("describeToken", () => {
  test("a delegated Graph token with the sync permission: every field, no problems", () => {
    const d = describeToken(jwt(delegated()), { cloud: "global", now: NOW });
    assert.deepEqual(d, {
      kind: "jwt",
      audience: GRAPH,
      cloud: "global",
      tenantId: TID,
      user: "admin@contoso.com",
      appId: "0f3c1c9e-1111-4222-8333-444455556666",
      appOnly: false,
      scopes: [RW, "User.Read"],
      roles: [],
      issuedAt: "2026-11-28T11:50:00.000Z",
      expiresAt: "2026-11-28T12:50:00.000Z",
      expired: false,
      canSync: true,
      canRead: true,
      problems: [],
    });
  });

  test("expired", () => {
    const d = describeToken(jwt(delegated({ exp: epoch(NOW, -1) })), { now: NOW });
    assert.equal(d.expired, true);
    assert.deepEqual(codes(d), ["expired"]);
    assert.match(d.problems[0].message, /expired at 2026-11-28T11:59:59\.000Z/);
  });

  test("not yet valid (beyond 2 minutes of clock skew)", () => {
    assert.deepEqual(codes(describeToken(jwt(delegated({ nbf: epoch(NOW, 60) })), { now: NOW })), []);
    assert.deepEqual(codes(describeToken(jwt(delegated({ nbf: epoch(NOW, 600) })), { now: NOW })), ["notYetValid"]);
  });

  test("wrong audience: a token for another resource", () => {
    const d = describeToken(jwt(delegated({ aud: "https://management.azure.com", scp: "user_impersonation" })), { now: NOW });
    assert.equal(d.cloud, null);
    assert.deepEqual(codes(d), ["wrongAudience", "missingPermission"]);
    assert.match(d.problems[0].message, /management\.azure\.com, not Microsoft Graph/);
  });

  test("other cloud: a US Government token checked against the global cloud (cloud or baseUrl)", () => {
    const token = jwt(delegated({ aud: "https://graph.microsoft.us" }));
    const d = describeToken(token, { cloud: "global", now: NOW });
    assert.equal(d.cloud, "usGov");
    assert.deepEqual(codes(d), ["wrongCloud"]);
    assert.match(d.problems[0].message, /usGov cloud \(https:\/\/graph\.microsoft\.us\).*global cloud/);
    assert.deepEqual(codes(describeToken(token, { baseUrl: "https://graph.microsoft.com/", now: NOW })), ["wrongCloud"]);
    assert.deepEqual(codes(describeToken(token, { cloud: "usGov", now: NOW })), []);
    // baseUrl wins over cloud; a custom root (the simulator) names no cloud: no check.
    assert.deepEqual(codes(describeToken(token, { cloud: "global", baseUrl: "https://graph.microsoft.us", now: NOW })), []);
    assert.deepEqual(codes(describeToken(token, { baseUrl: "http://127.0.0.1:8080", now: NOW })), []);
    assert.deepEqual(codes(describeToken(token, { now: NOW })), []);
  });

  test("app-only: roles, no user; a read-only app names the missing application permission", () => {
    const app = { aud: GRAPH, tid: TID, appid: "app-1", idtyp: "app", roles: [RO], exp: epoch(NOW, 3000) };
    const d = describeToken(jwt(app), { now: NOW });
    assert.deepEqual(
      [d.appOnly, d.user, d.appId, d.roles, d.scopes, d.canSync, d.canRead],
      [true, null, "app-1", [RO], [], false, true],
    );
    assert.deepEqual(codes(d), ["missingPermission"]);
    assert.match(d.problems[0].message, new RegExp(`application permissions \\(roles\\) do not include ${RW.replaceAll(".", "\\.")}`));
    const rw = describeToken(jwt({ ...app, roles: [RW] }), { now: NOW });
    assert.deepEqual([rw.canSync, rw.canRead, rw.problems], [true, true, []]);
  });

  test("delegated without either permission: cannot sync or read, names scp", () => {
    const d = describeToken(jwt(delegated({ scp: "User.Read" })), { now: NOW });
    assert.deepEqual([d.canSync, d.canRead], [false, false]);
    assert.match(d.problems[0].message, /delegated permissions \(scp\).*cannot read the sync status either/);
  });

  test("garbage and opaque tokens: kind opaque, nothing thrown, nothing known", () => {
    const garbage = [
      undefined, null, 42, {}, [], "", "   ", "opaque-compact-token", "a.b.c", "a.b", "x.y.z.w.v",
      "e30.e30", `${"e30"}.${Buffer.from("[1]").toString("base64url")}.s`, "Bearer", "bad\u0000token",
      "€€€.€€€.€€€", `${"A".repeat(40000)}.e30.s`, jwt(delegated()).replace(".", "!."),
    ];
    for (const t of garbage) {
      const d = describeToken(t, { now: NOW });
      assert.equal(d.kind, "opaque", String(t).slice(0, 40));
      assert.deepEqual([d.audience, d.tenantId, d.canSync, d.canRead, d.expired, d.scopes], [null, null, null, null, null, null]);
      assert.deepEqual(d.problems, []);
    }
    // A "Bearer " prefix is tolerated, as by triggerSync.
    assert.equal(describeToken(`Bearer ${jwt(delegated())}`, { now: NOW }).kind, "jwt");
  });

  test("the description never contains the token or its signature", () => {
    const token = jwt(delegated({ exp: epoch(NOW, -5), aud: "https://graph.microsoft.us" }));
    const text = JSON.stringify(describeToken(token, { cloud: "global", now: NOW }));
    assert.ok(!text.includes("U0lHTkFUVVJFLXNlY3JldA"), "no signature");
    assert.ok(!text.includes(token.split(".")[1].slice(0, 24)), "no payload text");
  });

  test("bad options throw a SyncError; the default now is the clock", () => {
    assert.throws(() => describeToken("x", { clod: "global" }), { name: "SyncError", code: "invalidOptions" });
    assert.throws(() => describeToken("x", { cloud: "mars" }), { name: "SyncError", code: "invalidOptions" });
    assert.throws(() => describeToken("x", { now: "soon" }), { name: "SyncError", code: "invalidOptions" });
    assert.equal(describeToken(jwt(delegated({ exp: epoch(Date.now(), -10) }))).expired, true);
    assert.equal(describeToken(jwt(delegated({ exp: epoch(Date.now(), 600) }))).expired, false);
  });
});

describe("a client refreshes an expired JWT before sending (no wasted 401)", () => {
  /** A client whose getToken hands out `stale` unless forced; counts requests. */
  async function run(stale) {
    const fresh = jwt({ aud: GRAPH, scp: RW, exp: epoch(Date.now(), 3600) });
    const asked = [];
    const stub = stubFetch(() => noContent());
    try {
      const c = createSyncClient({
        baseUrl: "https://graph.microsoft.com",
        getToken: ({ forceRefresh }) => {
          asked.push(forceRefresh);
          return forceRefresh ? fresh : stale;
        },
      });
      const r = await c.triggerSync();
      assert.equal(r.outcome, "started");
      return { asked, bearers: stub.calls.map((x) => x.headers.authorization), fresh };
    } finally {
      stub.restore();
    }
  }

  test("expired: one forced refresh, one request, with the new token", async () => {
    const { asked, bearers, fresh } = await run(jwt({ aud: GRAPH, scp: RW, exp: epoch(Date.now(), -30) }));
    assert.deepEqual(asked, [false, true]);
    assert.deepEqual(bearers, [`Bearer ${fresh}`]);
  });

  test("within the 2 minutes of skew: refreshed too", async () => {
    const { asked, bearers } = await run(jwt({ aud: GRAPH, scp: RW, exp: epoch(Date.now(), 60) }));
    assert.deepEqual([asked, bearers.length], [[false, true], 1]);
  });

  test("valid for longer, or opaque: sent as is, no refresh", async () => {
    for (const stale of [jwt({ aud: GRAPH, scp: RW, exp: epoch(Date.now(), 600) }), "opaque-token"]) {
      const { asked, bearers } = await run(stale);
      assert.deepEqual(asked, [false]);
      assert.deepEqual(bearers, [`Bearer ${stale}`]);
    }
  });

  test("a refreshed token that still gets a 401 is not refreshed again (one request, one refresh)", async () => {
    const expired = jwt({ aud: GRAPH, scp: RW, exp: epoch(Date.now(), -30) });
    const asked = [];
    const stub = stubFetch(() => new Response(null, { status: 401 }));
    try {
      const c = createSyncClient({
        baseUrl: "https://graph.microsoft.com",
        getToken: ({ forceRefresh }) => (asked.push(forceRefresh), expired),
      });
      assert.equal((await c.triggerSync()).outcome, "unauthorized");
      assert.deepEqual(asked, [false, true]);
      assert.equal(stub.calls.length, 1);
    } finally {
      stub.restore();
    }
  });
});
