// The generators, invariants and cases of tests/fuzz.test.mjs, shared by its Node run and
// its Chromium run (this file and the ones it imports are plain ES modules: no Node APIs).
// `fuzzSuite(api, stubFetch, { seed, cases, trace })` returns the kinds of cases, each a
// function that runs its cases and throws at the first broken invariant, naming the seed,
// the kind and the case.
import { delegatedClaims } from "./jwt.mjs";

/** The few node:assert calls the cases make, so that they run in a browser too. */
const assert = {
  ok(v, message) {
    if (!v) throw new Error(message ?? "assertion failed");
  },
  equal(a, b, message) {
    if (!Object.is(a, b)) throw new Error(`${message ?? "not equal"}: ${show(a)} !== ${show(b)}`);
  },
  deepEqual(a, b, message) {
    if (!same(a, b)) throw new Error(`${message ?? "not deep-equal"}:\n${show(a)}\n${show(b)}`);
  },
  fail(message) {
    throw new Error(message);
  },
};

function show(v) {
  try {
    return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x))?.slice(0, 2000) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Strict structural equality of JSON-like values (object key order ignored, as node:assert's). */
function same(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
}

/** `header.payload.signature` with the claims given (unsigned; the package never verifies). */
function jwt(claims, signature) {
  const b64url = (s) => {
    const bytes = new TextEncoder().encode(s);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  return `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

export const DEFAULT_SEED = 20261129;
export const DEFAULT_CASES = 400;

const ROOTS = ["https://graph.microsoft.com", "https://graph.microsoft.us", "http://127.0.0.1:9", "https://graph.example.test"];

// The contract's keys (src/lib.rs), spelled here independently.
const RESULT_KEYS = ["ok", "outcome", "httpStatus", "retryable", "retryAfterSeconds", "nextAttemptAt", "message", "errorCode", "errorMessage", "requestId", "clientRequestId", "date"];
const STATUS_KEYS = ["ok", "syncStatus", "lastSyncDateTime", "lastManualSyncTriggerDateTime", "nextManualSyncAt", "nextAttemptAt", "requestId", "clientRequestId"];
const DEVICE_KEYS = ["serialNumber", "state", "deviceId", "groupTag", "profileStatus", "profileAssignedAt", "enrollmentState", "lastContactedAt", "importStatus", "importErrorCode", "importErrorName", "message"];
const RETRYABLE = new Set(["alreadyInProgress", "throttled", "serviceUnavailable", "networkError", "timeout"]);
const NO_ANSWER = new Set(["networkError", "timeout"]);
const PROBLEM_CODES = new Set(["expired", "notYetValid", "wrongAudience", "wrongCloud", "missingPermission"]);

/** mulberry32: a small seeded generator, so a failing case can be run again. */
function rng(seed) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => next() < p;
  const chars = (alphabet, n) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join("");
  return { next, int, pick, chance, chars };
}

const VISIBLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=!$%&'()*,;:@[]{}<>?#|^`\\\"";
const TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
// Characters a header value may hold (no CR, LF or NUL; Latin-1 only).
const HEADER_CHARS = `${VISIBLE} \t\u00e9\u00ff`;
const ODD = ["", " ", "\u0000", "\ud800", "\udfff", "\u{1f600}", "\u202e", "\ufeff", "\n", "\r\n", "\u2028", "é", "null", "undefined", "NaN", "-0", "1e309", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "2026-02-30T25:61:61Z", "2026-11-29T01:00:00+14:00", "Sun, 29 Nov 2026 01:00:00 GMT", "Sun, 31 Feb 2026 99:00:00 GMT", "inProgress", "completed", "failed", "unknown", "{\"a\":", "[]", "{}"];

/** Generators over one seeded stream; `token` is the case's secret, echoed into bodies. */
function gen(r, token) {
  const secrets = secretsOf(token);
  const str = () => {
    switch (r.int(7)) {
      case 0: return r.pick(ODD);
      case 1: return r.chars(VISIBLE, r.int(40));
      case 2: return r.pick(secrets) + r.pick(ODD);
      case 3: return `${r.chars(VISIBLE, r.int(10))} ${r.pick(secrets)} ${r.chars(VISIBLE, r.int(10))}`;
      case 4: return String.fromCodePoint(...Array.from({ length: r.int(12) }, () => r.int(0x11000)));
      case 5: return r.chars("x", r.chance(0.1) ? 70_000 : r.int(3000));
      default: return new Date(r.int(4e12) - 1e12).toISOString();
    }
  };
  const num = () => r.pick([0, -0, 1, -1, 3.7, 2 ** 53, -(2 ** 63), 1e308, NaN, Infinity, r.int(1e6), 806, 808]);
  const value = (depth = 0) => {
    switch (r.int(depth > 3 ? 4 : 7)) {
      case 0: return null;
      case 1: return r.chance(0.5);
      case 2: return num();
      case 3: return str();
      case 4: return Array.from({ length: r.int(4) }, () => value(depth + 1));
      case 5: return intuneMessage(depth + 1);
      default: return Object.fromEntries(Array.from({ length: r.int(5) }, () => [r.pick(["code", "message", "Message", "error", "innerError", "value", "syncStatus", "id", r.chars(VISIBLE, 4)]), value(depth + 1)]));
    }
  };
  // Intune's nested JSON: a message that is itself JSON, sometimes several levels deep.
  const intuneMessage = (depth = 0) => {
    const inner = { _version: 3, Message: r.chance(0.7) ? str() : value(depth + 1), CustomApiErrorPhrase: "", RetryAfter: r.chance(0.3) ? num() : null, ErrorCode: r.chance(0.5) ? str() : value(depth + 1) };
    const text = JSON.stringify(inner);
    return depth < 3 && r.chance(0.3) ? JSON.stringify({ Message: text }) : r.chance(0.2) ? `${str()} - ${text}` : text;
  };
  const graphError = () => ({
    error: r.chance(0.9)
      ? { code: r.chance(0.8) ? str() : value(), message: r.chance(0.6) ? intuneMessage() : value(), innerError: r.chance(0.7) ? { "request-id": str(), date: str(), "client-request-id": str() } : value() }
      : value(),
  });
  const settings = () => {
    const s = { "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/windowsAutopilotSettings/$entity", id: str() };
    for (const k of ["syncStatus", "lastSyncDateTime", "lastManualSyncTriggerDateTime"]) if (r.chance(0.85)) s[k] = r.chance(0.7) ? str() : value();
    return s;
  };
  const deviceRow = (serials) => ({
    id: r.chance(0.8) ? str() : value(),
    serialNumber: r.chance(0.7) ? r.pick(serials) : r.chance(0.5) ? str() : value(),
    groupTag: r.chance(0.5) ? str() : value(),
    deploymentProfileAssignmentStatus: r.pick(["assigned", "assignedInSync", "assignedUnkownSyncState", "failed", "notAssigned", "pending", str()]),
    deploymentProfileAssignedDateTime: str(),
    enrollmentState: r.chance(0.8) ? str() : value(),
    lastContactedDateTime: str(),
    state: r.chance(0.5) ? { deviceImportStatus: r.pick(["pending", "complete", "error", "partial", str()]), deviceRegistrationId: str(), deviceErrorCode: r.chance(0.5) ? num() : str(), deviceErrorName: str() } : value(),
  });
  const page = (serials, root) => {
    const p = { value: r.chance(0.9) ? Array.from({ length: r.int(6) }, () => (r.chance(0.9) ? deviceRow(serials) : value())) : value() };
    if (r.chance(0.4)) {
      // Next links under the root, elsewhere, with control characters, repeated...
      p["@odata.nextLink"] = r.pick([
        `${root}/beta/deviceManagement/windowsAutopilotDeviceIdentities?$skiptoken=${r.int(5)}`,
        `${root}/beta/next\nAuthorization\nBearer injected`,
        `${root}/beta/next\r\nx-evil: 1`,
        `${root}/beta/a\tb`,
        `${root}.evil.example/beta/next`,
        `https://evil.example/beta/next`,
        `${root}@evil.example/x`,
        `//evil.example/x`,
        str(),
      ]);
    }
    return p;
  };
  const bytes = () => {
    const b = new Uint8Array(r.int(300));
    for (let i = 0; i < b.length; i++) b[i] = r.int(256);
    return b;
  };
  return { str, value, num, graphError, settings, page, bytes };
}

/** The strings of a token that must never appear in a result. */
function secretsOf(token) {
  const parts = token.split(".");
  // Parts too short to be told from chance text (such as `e30`, an empty payload) are left out.
  return (parts.length === 3 ? [token, parts[1], parts[2]] : [token]).filter((s) => s.length >= 16);
}

function makeToken(r) {
  if (r.chance(0.4)) {
    const now = Date.now();
    return jwt(delegatedClaims(now, { exp: Math.floor(now / 1000) + 3600 + r.int(1000), nonce: r.chars(TOKEN_CHARS, 20) }), r.chars(TOKEN_CHARS, 24 + r.int(40)));
  }
  return r.chars(TOKEN_CHARS, 24 + r.int(200));
}

/**
 * One generated answer for a request: a Response of any status and body, or a fetch that
 * rejects, throws, returns something else, breaks off mid-body or never answers.
 */
function answer(r, g, call, { serials = [], root }) {
  const k = r.next();
  if (k < 0.05) return Promise.reject(r.pick([new TypeError("Failed to fetch"), new DOMException("x", "AbortError"), null, 42, "text", {}]));
  if (k < 0.07) throw new TypeError("thrown by fetch");
  if (k < 0.1) return r.pick([null, undefined, {}, "204", { status: 204 }, new Blob(["x"])]);
  if (k < 0.12) {
    // Never answers: the call's timeoutMs (small in these cases) ends it through the signal.
    // The package's timers do not hold a Node process open (a real socket would): this does.
    return new Promise((_, reject) => {
      const hold = setTimeout(() => reject(new Error("the call's timeout never aborted the request")), 10_000);
      call.signal?.addEventListener("abort", () => {
        clearTimeout(hold);
        reject(call.signal.reason);
      });
    });
  }
  const status = r.chance(0.7) ? r.pick([200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 431, 500, 502, 503, 504]) : 200 + r.int(400);
  const headers = new Headers();
  const header = () => (r.chance(0.5) ? r.pick(["120", "0", "-1", "1.5", "99999999999999999999", " 30 ", "Sun, 29 Nov 2026 01:00:00 GMT", "Tue, 01 Jan 1980 00:00:00 GMT", "soon"]) : r.chars(HEADER_CHARS, r.int(r.chance(0.05) ? 9000 : 60)));
  for (const name of ["retry-after", "date", "request-id", "content-type"]) if (r.chance(0.5)) headers.set(name, header());
  if (r.chance(0.1)) headers.set("request-id", secretsOf(call.token)[0]);
  if ([204, 205, 304].includes(status)) return new Response(null, { status, headers });
  let body;
  switch (r.int(9)) {
    case 0: body = ""; break;
    case 1: body = g.bytes(); break;
    case 2: body = `\ufeff${JSON.stringify(g.graphError())}`; break;
    case 3: body = JSON.stringify(g.value()); break;
    case 4: body = JSON.stringify(call.url.includes("windowsAutopilotSettings") ? g.settings() : g.page(serials, root)); break;
    case 5: body = "[".repeat(r.int(20000)); break;
    case 6:
      // A body that breaks off (or ends) after some bytes.
      body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(JSON.stringify(g.graphError()).slice(0, r.int(200))));
          if (r.chance(0.5)) c.error(new TypeError("network changed")); else c.close();
        },
      });
      break;
    default: body = JSON.stringify(r.chance(0.5) ? g.graphError() : call.url.includes("windowsAutopilotSettings") ? g.settings() : g.page(serials, root));
  }
  return new Response(body, { status, headers });
}

/**
 * A well-formed answer (so that waits get past their first read): a 204, 409 or 429 to a
 * POST; a settings object; a page of rows for the serials (or none).
 */
function plausible(r, call, serials) {
  if (call.method === "POST") return new Response(null, { status: r.pick([204, 204, 409, 429]) });
  if (call.url.includes("windowsAutopilotSettings")) {
    return Response.json({ syncStatus: r.pick(["completed", "inProgress", "failed", "unknown"]), lastManualSyncTriggerDateTime: new Date(Date.now() - r.int(1_200_000)).toISOString() });
  }
  const imported = call.url.includes("imported");
  const rows = serials.filter(() => r.chance(0.4)).map((serialNumber) =>
    imported
      ? { serialNumber, state: { deviceImportStatus: r.pick(["pending", "complete", "error"]), deviceErrorCode: r.pick([0, 806, 808]) } }
      : { id: "d", serialNumber, deploymentProfileAssignmentStatus: r.pick(["assignedInSync", "notAssigned", "pending", "failed"]) },
  );
  return Response.json({ value: rows });
}

/** The kinds of cases against `api` (the package's exports), with `stubFetch` answering. */
export function fuzzSuite(api, stubFetch, { seed: SEED = DEFAULT_SEED, cases: CASES = DEFAULT_CASES, trace: TRACE = false } = {}) {
  const { Outcome, SyncState, DeviceState, SyncError, SyncErrorCode } = api;
  let stub;

  /** Checks a SyncResult, or the failure shape every call shares (or syncTenants' not-sent result). */
  function checkFailureOrStarted(res, where) {
    if (res.notSent !== undefined) {
      assert.deepEqual(Object.keys(res), [...RESULT_KEYS, "notSent"], where);
      assert.ok(res.notSent === true && res.httpStatus === null && ["throttled", "alreadyInProgress"].includes(res.outcome), where);
      return;
    }
    assert.deepEqual(Object.keys(res), RESULT_KEYS, where);
    assert.ok(Object.values(Outcome).includes(res.outcome), where);
    assert.equal(res.ok, res.outcome === "started", where);
    assert.equal(res.retryable, RETRYABLE.has(res.outcome), where);
    if (NO_ANSWER.has(res.outcome)) assert.equal(res.httpStatus, null, where);
    else assert.ok(Number.isInteger(res.httpStatus) && res.httpStatus >= 200 && res.httpStatus <= 599, where);
    assert.ok(typeof res.message === "string" && res.message.length > 0, where);
    assert.ok(res.retryAfterSeconds === null || (Number.isInteger(res.retryAfterSeconds) && res.retryAfterSeconds >= 0), where);
    for (const k of ["nextAttemptAt", "date"]) assert.ok(res[k] === null || typeof res[k] === "string", where);
    if (res.nextAttemptAt !== null) assert.ok(!Number.isNaN(Date.parse(res.nextAttemptAt)), where);
    for (const k of ["errorCode", "errorMessage", "requestId"]) assert.ok(res[k] === null || typeof res[k] === "string", where);
    assert.equal(typeof res.clientRequestId, "string", where);
  }

  function checkStatusResult(res, where) {
    if (res.ok !== true || "outcome" in res) return checkFailureOrStarted(res, where);
    assert.deepEqual(Object.keys(res), STATUS_KEYS, where);
    assert.ok(Object.values(SyncState).includes(res.syncStatus), where);
    for (const k of STATUS_KEYS.slice(2, 7)) assert.ok(res[k] === null || typeof res[k] === "string", where);
    for (const k of ["nextManualSyncAt", "nextAttemptAt"]) if (res[k] !== null) assert.ok(!Number.isNaN(Date.parse(res[k])), where);
  }

  function checkNoSecret(res, token, where) {
    const text = JSON.stringify(res);
    for (const s of secretsOf(token)) assert.ok(!text.includes(s), `${where}: ${JSON.stringify(s)} in ${text.slice(0, 2000)}`);
  }

  /** Every request went to the root with the token and a client-request-id. */
  function checkRequests(calls, root, token, where) {
    for (const c of calls) {
      assert.ok(c.url.startsWith(`${root}/`), `${where}: request to ${JSON.stringify(c.url)}`);
      assert.ok(!/[\r\n\t]/.test(c.url), `${where}: a control character in ${JSON.stringify(c.url)}`);
      assert.equal(c.headers.authorization, `Bearer ${token}`, `${where}: authorization header`);
      assert.ok(c.headers["client-request-id"], `${where}: client-request-id`);
    }
  }

  /** Runs `body(r, i)` for each case with its own generator, so one case can be replayed. */
  async function cases(kind, n, body) {
    for (let i = 0; i < n; i++) {
      const seed = (SEED ^ Math.imul(kind + 1, 0x9e3779b1) ^ Math.imul(i, 0x85ebca6b)) >>> 0;
      if (TRACE) console.error(`kind ${kind} case ${i}`);
      await body(rng(seed), `seed ${SEED} kind ${kind} case ${i}`);
    }
  }

  return {
    /** Puts the real fetch back (after a failure mid-case). */
    restore: () => stub?.restore(),
    kinds: [
      {
        name: "triggerSync and getSyncStatus: any answer settles as a contract result without the token",
        run: async () => {
          await cases(0, CASES, async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const root = r.pick(ROOTS);
            stub = stubFetch((call) => answer(r, g, { ...call, token }, { root }));
            const call = r.chance(0.5) ? "triggerSync" : "getSyncStatus";
            const res = await api[call](token, { baseUrl: root, timeoutMs: 20 + r.int(30) }).catch((e) => assert.fail(`${where}: ${call} rejected: ${e?.stack ?? e}`));
            stub.restore();
            (call === "triggerSync" ? checkFailureOrStarted : checkStatusResult)(res, `${where} ${call} ${JSON.stringify(res)?.slice(0, 400)}`);
            checkNoSecret(res, token, where);
            checkRequests(stub.calls, root, token, where);
            assert.equal(stub.calls.length, 1, `${where}: one request`);
            assert.equal(stub.calls[0].method, call === "triggerSync" ? "POST" : "GET", where);
          });
        },
      },
      {
        name: "getDevices: any page, any next link; requests stay on the Graph root; one report per distinct serial",
        run: async () => {
          await cases(1, Math.ceil(CASES / 2), async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const root = r.pick(ROOTS);
            const serials = Array.from({ length: 1 + r.int(4) }, () => (r.chance(0.8) ? `SN-${r.chars("ABC123", 1 + r.int(6))}` : r.chars(VISIBLE, 1 + r.int(12))));
            stub = stubFetch((call) => (r.chance(0.7) ? plausible(r, call, serials) : answer(r, g, { ...call, token }, { serials, root })));
            const res = await api.getDevices(token, serials, { baseUrl: root, timeoutMs: 20 + r.int(30) }).catch((e) => {
              // Serials the model refuses (none are generated blank) are the only rejection.
              assert.ok(e instanceof SyncError && e.code === SyncErrorCode.invalidOptions, `${where}: getDevices rejected: ${e?.stack ?? e}`);
              return null;
            });
            stub.restore();
            checkRequests(stub.calls, root, token, where);
            if (res === null) return;
            checkNoSecret(res, token, where);
            if (res.ok !== true) return checkFailureOrStarted(res, `${where} ${JSON.stringify(res).slice(0, 400)}`);
            assert.deepEqual(Object.keys(res), ["ok", "devices"], where);
            const distinct = new Set(serials.map((s) => s.trim().toLowerCase()));
            assert.equal(res.devices.length, distinct.size, `${where}: ${JSON.stringify(serials)}`);
            for (const d of res.devices) {
              assert.deepEqual(Object.keys(d), DEVICE_KEYS, where);
              assert.ok(Object.values(DeviceState).includes(d.state), where);
              assert.ok(distinct.has(d.serialNumber.toLowerCase()), where);
              assert.ok(typeof d.message === "string" && d.message.length > 0, where);
              assert.ok(d.importErrorCode === null || Number.isInteger(d.importErrorCode), where);
            }
          });
        },
      },
      {
        name: "a client: any getToken behaviour and any answer settle as a result or a SyncError",
        run: async () => {
          await cases(2, Math.ceil(CASES / 2), async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const root = r.pick(ROOTS);
            const behaviour = r.int(8);
            const getToken = () => {
              switch (behaviour) {
                case 0: return Promise.reject(new Error("no account"));
                case 1: throw new Error("thrown");
                case 2: return r.pick([null, 42, {}, "", " ", "a b", "\u00e9t\u00e9"]);
                case 3: return Promise.resolve(r.pick([undefined, 7, "x\ny"]));
                case 4: return Promise.resolve(token);
                default: return token;
              }
            };
            stub = stubFetch((call) => answer(r, g, { ...call, token }, { root }));
            const client = api.createSyncClient({ getToken, baseUrl: root, timeoutMs: 20 + r.int(30) });
            const method = r.pick(["triggerSync", "getSyncStatus", "waitForSync"]);
            const args = method === "waitForSync" ? [{ intervalMs: 1, timeoutMs: 40 }] : [];
            let res;
            try {
              res = await client[method](...args);
            } catch (e) {
              assert.ok(e instanceof SyncError, `${where}: ${method} rejected with ${e?.stack ?? e}`);
              const allowed = behaviour < 4 ? ["tokenUnavailable"] : method === "waitForSync" ? ["waitTimeout"] : [];
              assert.ok(allowed.includes(e.code), `${where}: ${method} rejected with ${e.code}: ${e.message}`);
              if (e.lastStatus) checkStatusResult(e.lastStatus, where);
              stub.restore();
              if (behaviour < 4) assert.equal(stub.calls.length, 0, `${where}: nothing sent without a token`);
              return;
            }
            stub.restore();
            assert.ok(behaviour >= 4, `${where}: a result without a usable token`);
            (method === "triggerSync" ? checkFailureOrStarted : checkStatusResult)(res, `${where} ${method} ${JSON.stringify(res).slice(0, 400)}`);
            checkNoSecret(res, token, where);
            checkRequests(stub.calls, root, token, where);
          });
        },
      },
      {
        name: "syncTenants: each tenant's token goes only to its own Graph root; one row per tenant, in order",
        run: async () => {
          await cases(4, Math.ceil(CASES / 4), async (r, where) => {
            const tenants = Array.from({ length: 1 + r.int(5) }, (_, i) => {
              const token = makeToken(r);
              const bad = r.chance(0.15);
              return { id: `t${i}`, label: r.chance(0.5) ? `Tenant ${i}` : undefined, baseUrl: r.pick(ROOTS), token, bad };
            });
            // Each answer echoes the token of the request it answers (as a server could).
            const gens = new Map(tenants.map((t) => [`Bearer ${t.token}`, [gen(r, t.token), t]]));
            stub = stubFetch((call) => {
              const [g, t] = gens.get(call.headers.authorization) ?? [gen(r, "no-such-token-in-any-tenant"), { token: "", baseUrl: ROOTS[0] }];
              return answer(r, g, { ...call, token: t.token }, { root: t.baseUrl });
            });
            const specs = tenants.map((t) => ({
              id: t.id,
              ...(t.label ? { label: t.label } : {}),
              baseUrl: t.baseUrl,
              getToken: t.bad ? () => r.pick([() => Promise.reject(new Error("no consent")), () => "", () => 5])() : () => (r.chance(0.5) ? t.token : Promise.resolve(t.token)),
            }));
            const rows = await api
              .syncTenants(specs, { concurrency: 1 + r.int(4), skipIfCoolingDown: r.chance(0.5), timeoutMs: 20 + r.int(30) })
              .catch((e) => assert.fail(`${where}: syncTenants rejected: ${e?.stack ?? e}`));
            stub.restore();
            assert.deepEqual(rows.map((row) => row.tenant), tenants.map((t) => t.id), where);
            rows.forEach((row, i) => {
              const t = tenants[i];
              assert.equal(row.label, t.label ?? null, where);
              if (row.error) {
                assert.ok(row.error instanceof SyncError && row.error.code === SyncErrorCode.tokenUnavailable && t.bad, `${where}: ${row.error?.code} ${row.error?.message}`);
              } else {
                assert.ok(!t.bad, `${where}: a result without a usable token`);
                checkFailureOrStarted(row.result, `${where} ${JSON.stringify(row.result).slice(0, 400)}`);
              }
              for (const other of tenants) checkNoSecret(row.result ?? {}, other.token, where);
            });
            // A token travels only to its own tenant's root.
            for (const c of stub.calls) {
              const owner = tenants.find((t) => c.headers.authorization === `Bearer ${t.token}`);
              assert.ok(owner && !owner.bad, `${where}: a request with an unknown token`);
              checkRequests([c], owner.baseUrl, owner.token, where);
            }
          });
        },
      },
      {
        name: "client.waitForDevices: any answers; at most one POST, and only with sync: ifMissing; reports keep their shape",
        run: async () => {
          const WAIT_KEYS = ["done", "timedOut", "syncTriggeredAt", "syncOutcome"];
          await cases(6, Math.ceil(CASES / 4), async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const root = r.pick(ROOTS);
            const serials = Array.from({ length: 1 + r.int(3) }, () => `SN-${r.chars("ABC123", 1 + r.int(5))}`);
            const postStatuses = [];
            stub = stubFetch((call) => {
              const a = r.chance(0.8) ? plausible(r, call, serials) : answer(r, g, { ...call, token }, { serials, root });
              if (call.method === "POST") postStatuses.push(a instanceof Response ? a.status : null);
              return a;
            });
            const client = api.createSyncClient({ getToken: () => token, baseUrl: root, timeoutMs: 20 + r.int(30) });
            const sync = r.pick(["never", "ifMissing"]);
            const updates = [];
            const report = await client
              .waitForDevices(serials, { sync, until: r.pick(["registered", "profileAssigned"]), timeoutMs: 30 + r.int(70), onUpdate: (u) => updates.push(u) })
              .catch((e) => assert.fail(`${where}: waitForDevices rejected: ${e?.stack ?? e}`));
            stub.restore();
            for (const u of [...updates, report]) {
              const text = JSON.stringify(u).slice(0, 400);
              for (const k of WAIT_KEYS) assert.ok(k in u, `${where}: ${k} in ${text}`);
              assert.ok(typeof u.done === "boolean" && typeof u.timedOut === "boolean", where);
              assert.ok(u.syncOutcome === null || Object.values(Outcome).includes(u.syncOutcome), where);
              assert.ok(u.syncTriggeredAt === null || !Number.isNaN(Date.parse(u.syncTriggeredAt)), where);
              const { done, timedOut, syncTriggeredAt, syncOutcome, ...rest } = u;
              if (rest.ok === true) {
                assert.deepEqual(Object.keys(rest), ["ok", "devices"], `${where}: ${text}`);
                assert.equal(rest.devices.length, new Set(serials.map((x) => x.toLowerCase())).size, where);
                for (const d of rest.devices) assert.deepEqual(Object.keys(d), DEVICE_KEYS, where);
              } else {
                checkFailureOrStarted(rest, `${where}: ${text}`);
              }
              checkNoSecret(u, token, where);
            }
            // One sync attempt at most: one POST, or two when the first was a 401 (the client's
            // one token refresh and retry).
            const allowed = sync === "never" ? 0 : postStatuses[0] === 401 ? 2 : 1;
            assert.ok(postStatuses.length <= allowed, `${where}: POSTs answered ${JSON.stringify(postStatuses)} with sync ${sync}`);
            checkRequests(stub.calls, root, token, where);
          });
        },
      },
      {
        name: "single flight under aborts: joined callers share one request and one result; an aborted caller rejects with its own reason",
        run: async () => {
          await cases(7, Math.ceil(CASES / 2), async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const root = r.pick(ROOTS);
            const action = r.pick(["triggerSync", "getSyncStatus"]);
            // Answers arrive after 0-30 ms (or never: then the call's timeout ends them).
            stub = stubFetch((call) => {
              const ms = r.int(30);
              const later = (settle) => (v) => new Promise((resolve, reject) => setTimeout(() => (settle ? resolve : reject)(v), ms));
              return new Promise((resolve) => resolve(answer(r, g, { ...call, token }, { root }))).then(later(true), later(false));
            });
            const opts = { baseUrl: root, timeoutMs: 40 + r.int(40) };
            // Callers without a signal, all in this tick: they join one flight.
            const plain = Array.from({ length: 1 + r.int(4) }, () => api[action](token, opts));
            // Callers with a signal that may abort now, in a microtask, or after a timer.
            const aborting = Array.from({ length: r.int(5) }, () => {
              const c = new AbortController();
              const reason = new Error(`reason ${r.int(1e9)}`);
              const when = r.int(4);
              if (when === 0) c.abort(reason);
              else if (when === 1) queueMicrotask(() => c.abort(reason));
              else if (when === 2) setTimeout(() => c.abort(reason), r.int(60));
              const settled = api[action](token, { ...opts, signal: c.signal }).then((v) => ({ v }), (e) => ({ e }));
              return { signal: c.signal, reason, settled };
            });
            const plainResults = await Promise.all(plain.map((p) => p.catch((e) => assert.fail(`${where}: a caller without a signal rejected: ${e?.stack ?? e}`))));
            for (const res of plainResults) (action === "triggerSync" ? checkFailureOrStarted : checkStatusResult)(res, `${where} ${JSON.stringify(res).slice(0, 300)}`);
            for (const res of plainResults.slice(1)) assert.deepEqual(res, plainResults[0], `${where}: joined callers got different results`);
            assert.ok(plainResults.slice(1).every((res) => res !== plainResults[0]), `${where}: each caller gets its own object`);
            for (const a of aborting) {
              const settled = await a.settled;
              if ("e" in settled) {
                assert.ok(a.signal.aborted && settled.e === a.reason, `${where}: rejected with ${settled.e?.stack ?? settled.e}, not its own abort reason`);
              } else {
                (action === "triggerSync" ? checkFailureOrStarted : checkStatusResult)(settled.v, where);
              }
            }
            stub.restore();
            // Every caller came in the same tick and the plain ones never leave: one request.
            assert.equal(stub.calls.length, 1, `${where}: ${stub.calls.length} requests for ${plain.length} + ${aborting.length} callers`);
            checkRequests(stub.calls, root, token, where);
          });
        },
      },
      {
        name: "checkGraphRoot and the calls agree on every baseUrl: the verdict's root is where the request goes, a refusal sends nothing",
        run: async () => {
          const HOSTS = ["graph.microsoft.com", "GRAPH.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn", "127.0.0.1", "127.999.0.1", "127.0.0.1.nip.io", "localhost", "localhost.", "LOCALHOST", "localhost.example", "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]", "0.0.0.0", "2130706433", "0x7f.1", "xn--grph-moa.example", "gräph.example", "host_name.example", "example.test", ""];
          await cases(8, CASES, async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const url = r.chance(0.85)
              ? `${r.pick(["https://", "http://", "HTTPS://", "https:/", "ftp://", "//", " https://", "https://user:pw@", "https://@"])}${r.pick(HOSTS)}${r.pick(["", ":443", ":8443", ":0", ":65536", ":x"])}${r.pick(["", "/", "//", "/v1.0", "/beta/", "?a=1", "#f", "/%2e%2e/", " ", "\t"])}`
              : g.str();
            const verdict = api.checkGraphRoot(url);
            assert.equal(typeof verdict.ok, "boolean", where);
            stub = stubFetch(() => new Response(null, { status: 204 }));
            const res = await api.triggerSync(token, { baseUrl: url, timeoutMs: 1000 }).then((v) => ({ v }), (e) => ({ e }));
            stub.restore();
            if (!verdict.ok) {
              assert.deepEqual(Object.keys(verdict), ["ok", "code", "message"], where);
              assert.ok(res.e instanceof SyncError && res.e.code === verdict.code, `${where}: ${JSON.stringify(url)} refused by checkGraphRoot (${verdict.message}) but the call gave ${JSON.stringify(res.v ?? res.e?.message)}`);
              assert.equal(res.e.message, verdict.message, where);
              assert.equal(stub.calls.length, 0, `${where}: nothing sent`);
              return;
            }
            assert.deepEqual(Object.keys(verdict), ["ok", "graphRoot"], where);
            // The root is the URL's origin and path (a proxy may serve Graph under one), with no
            // trailing slash: paths are appended to it.
            const root = new URL(verdict.graphRoot);
            const given = new URL(url.trim());
            assert.equal(verdict.graphRoot, `${given.origin}${given.pathname.replace(/\/+$/, "")}`, where);
            assert.ok(!verdict.graphRoot.endsWith("/"), where);
            assert.ok(root.protocol === "https:" || (root.protocol === "http:" && api.isLoopbackHost(root.hostname)), `${where}: ${verdict.graphRoot}`);
            assert.equal(res.v?.outcome, "started", `${where}: ${JSON.stringify(url)} accepted as ${verdict.graphRoot} but the call gave ${res.e?.message}`);
            assert.equal(stub.calls.length, 1, where);
            assert.equal(stub.calls[0].url, `${verdict.graphRoot}/beta/deviceManagement/windowsAutopilotSettings/sync`, where);
          });
        },
      },
      {
        name: "readSerials on generated CSV and pasted text: its serials are what getDevices takes",
        run: async () => {
          await cases(5, CASES, async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const sep = r.pick([",", ";", "\t"]);
            const cell = () => {
              const v = r.pick([() => `SN-${r.chars("ABCdef0123", 1 + r.int(10))}`, () => ` ${r.chars("XYZ789", 1 + r.int(6))} `, () => "", g.str, () => r.chars("A", 129), () => `a${sep}b`, () => 'q"q']) ();
              return r.chance(0.3) || /["\n\r,;\t]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
            };
            const columns = ["Device Serial Number", "device serial number", "Serial Number", "SerialNumber", "Serial", "Windows Product ID", "Hardware Hash", "Group Tag", g.str()].filter(() => r.chance(0.4));
            const lines = [];
            if (r.chance(0.6)) lines.push(columns.join(sep));
            for (let i = r.int(12); i > 0; i--) lines.push(r.chance(0.1) ? "" : Array.from({ length: Math.max(1, columns.length + r.int(3) - 1) }, cell).join(sep));
            const text = (r.chance(0.2) ? "\ufeff" : "") + lines.join(r.pick(["\n", "\r\n", "\r"]));
            const read = await api.readSerials(text).catch((e) => assert.fail(`${where}: readSerials rejected a string: ${e?.stack ?? e}`));
            if (!read.ok) {
              assert.deepEqual(Object.keys(read), ["ok", "message"], where);
              assert.ok(typeof read.message === "string" && read.message.length > 0, where);
              return;
            }
            assert.deepEqual(Object.keys(read), ["ok", "format", "serials", "duplicates", "skippedRows"], where);
            assert.ok(["lines", "csv"].includes(read.format), where);
            assert.ok(Number.isInteger(read.duplicates) && read.duplicates >= 0 && Number.isInteger(read.skippedRows) && read.skippedRows >= 0, where);
            const folded = read.serials.map((x) => x.replace(/[A-Z]/g, (c) => c.toLowerCase()));
            assert.equal(new Set(folded).size, folded.length, `${where}: distinct ignoring case`);
            for (const serial of read.serials) {
              assert.ok(typeof serial === "string" && serial.length > 0 && serial === serial.trim(), `${where}: ${JSON.stringify(serial)}`);
              // Without quotes in the text, each serial is a piece of it (lone surrogates cross
              // into the wasm as U+FFFD, as every JS string does).
              if (!text.includes('"')) assert.ok(text.toWellFormed().includes(serial), `${where}: ${JSON.stringify(serial)} is not in ${JSON.stringify(text)}`);
            }
            if (read.serials.length === 0) return;
            // What readSerials accepts, getDevices takes: one report each (nothing found here).
            stub = stubFetch(() => Response.json({ value: [] }));
            const res = await api.getDevices(token, read.serials, { timeoutMs: 1000 }).catch((e) => assert.fail(`${where}: getDevices refused readSerials' serials ${JSON.stringify(read.serials)}: ${e?.message ?? e}`));
            stub.restore();
            assert.equal(res.ok, true, `${where}: ${JSON.stringify(res).slice(0, 300)}`);
            assert.deepEqual(res.devices.map((d) => d.serialNumber), read.serials, where);
            assert.ok(res.devices.every((d) => d.state === "notFound"), where);
          });
        },
      },
      {
        name: "the synchronous functions: any argument gives their documented answer or a SyncError",
        run: async () => {
          await cases(3, CASES * 2, async (r, where) => {
            const token = makeToken(r);
            const g = gen(r, token);
            const arg = () => (r.chance(0.3) ? g.str() : r.chance(0.5) ? g.value() : r.pick([undefined, () => 1, Symbol("s"), 10n, new Proxy({}, {})]));
            const sync = (f) => {
              try {
                return f();
              } catch (e) {
                assert.ok(e instanceof SyncError, `${where}: threw ${e?.stack ?? e}`);
                assert.ok([SyncErrorCode.invalidOptions, SyncErrorCode.invalidToken].includes(e.code), `${where}: ${e.code}`);
                return undefined;
              }
            };
            // Result- and status-shaped objects with fields of any kind, or getters and Proxy
            // traps that throw.
            const hostile = () => r.pick([
              () => new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } }),
              () => Object.defineProperty({ ok: false }, r.pick(["outcome", "retryAfterSeconds", "date", "nextAttemptAt", "ok", "nextManualSyncAt", "syncStatus"]), { get() { throw new Error("getter"); }, enumerable: true }),
            ])();
            // describeToken: a JWT of generated claims, or anything at all.
            const claims = Object.fromEntries(["aud", "iss", "tid", "upn", "appid", "scp", "roles", "idtyp", "exp", "nbf", "iat"].filter(() => r.chance(0.7)).map((k) => [k, r.chance(0.5) ? g.str() : g.value()]));
            const described = r.chance(0.7) ? jwt(claims, r.chars(TOKEN_CHARS, 30)) : arg();
            const opts = r.chance(0.5) ? undefined : r.chance(0.7) ? { cloud: r.pick(["global", "usGov", "china", g.str()]), now: r.chance(0.5) ? g.num() : undefined } : arg();
            const d = sync(() => api.describeToken(described, r.chance(0.1) ? hostile() : opts));
            if (d !== undefined) {
              assert.ok(d.kind === "jwt" || d.kind === "opaque", where);
              assert.ok(Array.isArray(d.problems), where);
              for (const p of d.problems) assert.ok(PROBLEM_CODES.has(p.code) && typeof p.message === "string" && p.message.length > 0, where);
              if (typeof described === "string") checkNoSecret(d, described, where);
            }
            const v = sync(() => api.checkGraphRoot(r.chance(0.5) ? `${r.pick(["https://", "http://", ""])}${g.str()}` : arg()));
            if (v !== undefined) assert.equal(typeof v.ok, "boolean", where);
            const l = sync(() => api.isLoopbackHost(arg()));
            if (l !== undefined) assert.equal(typeof l, "boolean", where);
            const shaped = () => {
              if (r.chance(0.15)) return hostile();
              const o = { ok: r.chance(0.5) ? r.chance(0.5) : g.value() };
              for (const k of ["outcome", "retryAfterSeconds", "date", "nextAttemptAt", "nextManualSyncAt", "syncStatus", "lastManualSyncTriggerDateTime"]) {
                if (r.chance(0.6)) o[k] = k === "outcome" && r.chance(0.6) ? r.pick(Object.values(Outcome)) : r.chance(0.5) ? g.num() : g.str();
              }
              return o;
            };
            const n = sync(() => api.nextSyncAllowedAt(r.chance(0.7) ? shaped() : arg(), r.chance(0.6) ? shaped() : arg(), r.chance(0.5) ? undefined : r.chance(0.5) ? g.num() : arg()));
            if (n !== undefined) assert.ok(n === null || Number.isFinite(n), `${where}: ${n}`);
            const serials = await api.readSerials(arg()).catch((e) => {
              assert.ok(e instanceof SyncError, `${where}: readSerials rejected with ${e?.stack ?? e}`);
              return undefined;
            });
            if (serials !== undefined) assert.equal(typeof serials.ok, "boolean", where);
          });
        },
      },
      {
        name: "afterwards the module still answers plain calls correctly",
        run: async () => {
          stub = stubFetch(() => new Response(null, { status: 204, headers: { "request-id": "00000000-0000-4000-8000-000000000009" } }));
          const r = await api.triggerSync("a-plain-token-after-the-fuzz");
          stub.restore();
          assert.equal(r.outcome, "started");
          assert.equal(r.requestId, "00000000-0000-4000-8000-000000000009");
          assert.equal(api.describeToken("opaque").kind, "opaque");
          assert.equal(api.isLoopbackHost("127.0.0.1"), true);
        },
      },
    ],
  };
}
