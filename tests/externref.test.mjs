// No JS value left behind (issue #12, soak): every JS value the wasm holds sits in its
// externref table until Rust drops it. A JS exception caught at the boundary used to leave
// one slot behind for good (wasm-bindgen's `catch` imports allocate a slot for the
// `undefined` a throwing import returns, then return the exception before freeing it), so
// a page polling a server that answers with empty or non-JSON bodies grew without bound.
// Each case runs 5,000 times on a fresh instance of the module's own glue and wasm: the
// table must not grow by anything like a slot per call.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO } from "../bench/size.mjs";

const WASM = readFileSync(join(REPO, "pkg/autopilot_sync_bg.wasm"));
const GLUE = pathToFileURL(join(REPO, "pkg/autopilot_sync.js")).href;
const ROOT = { baseUrl: "http://127.0.0.1:9" };
const TOKEN = "externref-test-token";
const N = 5_000;
let fresh = 0;

/**
 * A fresh instance of the module (its own glue and wasm, so its table starts small and
 * holds no free slots from other cases). `f(api, i)` runs N times after a warm-up; the
 * result is how much the externref table grew. A slot left behind per call grows it by
 * at least N; without leaks it stays within its warm-up size.
 */
async function growth(f) {
  const api = await import(`${GLUE}?instance=${++fresh}`);
  const exports = api.initSync({ module: WASM });
  const tables = Object.values(exports).filter((v) => v instanceof WebAssembly.Table);
  assert.ok(tables.length >= 1, "the module exports its tables");
  const size = () => Math.max(...tables.map((t) => t.length));
  for (let i = 0; i < 200; i++) await f(api, i);
  const before = size();
  for (let i = 0; i < N; i++) await f(api, i);
  return { before, after: size() };
}

const flat = (g) => assert.ok(g.after - g.before < N / 2, `${N} calls: table ${g.before} -> ${g.after} slots`);

/** Answers every fetch with `make()` while `f` runs. */
async function withFetch(make, f) {
  const real = globalThis.fetch;
  globalThis.fetch = async () => make();
  try {
    return await f();
  } finally {
    globalThis.fetch = real;
  }
}

describe("the externref table stays flat when JS throws at the boundary", () => {
  const cases = [
    ["a status read answered 204 (no body to parse)", () => new Response(null, { status: 204 }), "getSyncStatus"],
    ["a 503 with an empty body", () => new Response("", { status: 503 }), "triggerSync"],
    ["a 502 with a proxy's HTML page", () => new Response("<html><body>Bad gateway</body></html>", { status: 502 }), "triggerSync"],
    ["a status read whose JSON is cut off", () => new Response('{"syncStatus":"inPro', { status: 200 }), "getSyncStatus"],
    ["a 400 whose error body is broken JSON", () => new Response('{"error": {"code": nope}}', { status: 400 }), "triggerSync"],
  ];
  for (const [name, make, call] of cases) {
    test(name, async () => flat(await withFetch(make, () => growth((api) => api[call](TOKEN, ROOT)))));
  }

  test("checkGraphRoot with text that is not a URL (a form as the admin types)", async () => {
    flat(await growth((api, i) => api.checkGraphRoot(`not a url ${i}`)));
  });

  test("a call with a baseUrl that is not a URL (refused, nothing sent)", async () => {
    flat(await growth((api, i) => api.triggerSync(TOKEN, { baseUrl: `nope ${i}` }).catch((e) => e.code)));
  });

  test("describeToken with JWT-shaped text whose parts are not JSON", async () => {
    flat(await growth((api) => api.describeToken("eyJub3Q.eyJub3Q.c2ln")));
  });

  test("control: the measure sees a leak (a held JS value per call grows the table)", async () => {
    // Results kept alive hold nothing in the table (they are plain JS objects), so the
    // control keeps the wasm holding values: pending calls, each with its promise settled
    // only at the end.
    let release;
    const gate = new Promise((r) => (release = r));
    const pending = [];
    const g = await withFetch(
      () => gate.then(() => new Response(null, { status: 204 })),
      async () => {
        const g = await growth((api, i) => void pending.push(api.triggerSync(`${TOKEN}-${i}`, ROOT)));
        release();
        await Promise.all(pending);
        return g;
      },
    );
    assert.ok(g.after - g.before >= N / 2, `the measure must see ${N} held calls: ${g.before} -> ${g.after}`);
  });
});
