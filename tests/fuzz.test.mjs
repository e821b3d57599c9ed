// Randomised inputs through the shipped package: the real wasm modules in Node, and the
// same cases (a quarter of the count) in headless Chromium with its own fetch, Response,
// streams and TextDecoder. The global fetch answers each request with a generated answer
// (any status, headers, body bytes, nested Intune JSON, broken or endless streams,
// rejections, non-Responses, hangs) and every public function is called with generated
// arguments. `npm run fuzz` drives the model's parsers on the host (serde_json); this
// drives the same model through the engine's JSON.parse, `_send`, TextDecoder and the
// result builders, where a panic would trap the module for the page's lifetime. The
// generators, invariants and cases are tests/helpers/fuzz.mjs (plain ES modules, loaded
// by the page from graph-sim).
//
// What must hold for every input: each call settles; a rejection is a SyncError (and
// only bad arguments, a signal or getToken cause one); every result has exactly its
// contract keys with values of their declared kinds; the token (or a JWT's payload or
// signature) appears in no result; every request carries the token to its own Graph
// root only; and the module still answers a plain call correctly at the end.
//
// Reproducible: AUTOPILOT_SYNC_FUZZ_SEED (default fixed) and AUTOPILOT_SYNC_FUZZ_CASES
// (default 400; each kind runs that many, or a share of it); a failure names the seed, the
// kind and the case. AUTOPILOT_SYNC_FUZZ_TRACE=1 prints each case as it starts (a call
// that never settles shows as the last one printed).
import { after, afterEach, before, describe } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import * as api from "autopilot-sync";
import { stubFetch } from "./helpers/fetch-stub.mjs";
import { DEFAULT_CASES, DEFAULT_SEED, fuzzSuite } from "./helpers/fuzz.mjs";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT } from "./helpers/page.mjs";

const SEED = Number(process.env.AUTOPILOT_SYNC_FUZZ_SEED ?? DEFAULT_SEED) >>> 0;
const CASES = Number(process.env.AUTOPILOT_SYNC_FUZZ_CASES ?? DEFAULT_CASES);
const TRACE = Boolean(process.env.AUTOPILOT_SYNC_FUZZ_TRACE);

describe("randomised answers and arguments through the shipped wasm, in Node", () => {
  const suite = fuzzSuite(api, stubFetch, { seed: SEED, cases: CASES, trace: TRACE });
  afterEach(() => suite.restore());
  for (const kind of suite.kinds) test(kind.name, kind.run);
});

describe("the same cases in headless Chromium (its fetch, Response, streams and TextDecoder)", () => {
  let sim;
  before(async () => {
    sim = await startGraphSim({ args: ["--mount", `/pkg=${ROOT}/pkg`, "--mount", `/tests=${ROOT}/tests`] });
  });
  after(() => sim?.stop());

  test("every kind, a quarter of the cases", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${sim.url}/_sim/state`); // a document on the simulator's origin
      const failures = await page.evaluate(
        async ([url, seed, cases]) => {
          const api = await import(`${url}/pkg/index.js`);
          await api.default();
          // The devices wasm loads through fetch on first use: before fetch is stubbed.
          await api.readSerials("SN1");
          const { stubFetch } = await import(`${url}/tests/helpers/fetch-stub.mjs`);
          const { fuzzSuite } = await import(`${url}/tests/helpers/fuzz.mjs`);
          const suite = fuzzSuite(api, stubFetch, { seed, cases });
          const failed = [];
          for (const kind of suite.kinds) {
            try {
              await kind.run();
            } catch (e) {
              failed.push(`${kind.name}: ${e?.stack ?? e}`);
            } finally {
              suite.restore();
            }
          }
          return failed;
        },
        [sim.url, SEED, Math.max(4, Math.ceil(CASES / 4))],
      );
      assert.deepEqual(failures, []);
    } finally {
      await browser.close();
    }
  });
});
