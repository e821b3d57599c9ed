// Answer bodies, through the shipped package: the 64 KiB read cap (README: error bodies
// are read only up to 64 KiB) and a 2xx status read whose body is not a settings object
// (README outcome table: unexpectedResponse). In Node with the global fetch intercepted
// (exact byte counts) and against graph-sim over real HTTP, and in Chromium.
import { after, afterEach, before, describe } from "node:test";
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { getSyncStatus, triggerSync } from "autopilot-sync";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { stubFetch } from "./helpers/fetch-stub.mjs";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT } from "./helpers/page.mjs";

const CAP = 64 * 1024;
let sim;

before(async () => {
  sim = await startGraphSim({ args: ["--mount", `/pkg=${ROOT}/pkg`] });
});
after(() => sim?.stop());

/** A Graph error body of exactly `size` bytes: valid JSON only if all of it is read. */
function errorBody(size) {
  const head = '{"error":{"code":"BadRequest","message":"padded"';
  const tail = "}}";
  return head + " ".repeat(size - head.length - tail.length) + tail;
}

describe("the 64 KiB read cap (fetch intercepted)", () => {
  let stub;
  afterEach(() => stub?.restore());

  test("a body of exactly 64 KiB is read whole; one byte more is cut at 64 KiB", async () => {
    for (const [size, code] of [[CAP, "BadRequest"], [CAP + 1, null]]) {
      stub = stubFetch(() => new Response(errorBody(size), { status: 400, headers: { "content-type": "application/json" } }));
      const r = await triggerSync("token");
      stub.restore();
      assert.equal(r.outcome, "unexpectedResponse", "the status still decides the outcome");
      assert.equal(r.httpStatus, 400);
      assert.equal(r.errorCode, code, `${size} bytes`);
    }
  });

  test("an endless body: reading stops near 64 KiB and the stream is cancelled", async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = new Uint8Array(4096).fill(0x20);
    const body = new ReadableStream({
      pull(controller) {
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    stub = stubFetch(() => new Response(body, { status: 503 }));
    const r = await triggerSync("token");
    assert.equal(r.outcome, "serviceUnavailable");
    assert.equal(cancelled, true, "the rest of the body was cancelled");
    assert.ok(pulled >= CAP && pulled <= CAP + 2 * chunk.length, `pulled ${pulled} bytes`);
  });
});

describe("body bytes as text (fetch intercepted)", () => {
  let stub;
  afterEach(() => stub?.restore());
  const bytes = (...parts) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

  test("invalid UTF-8 becomes U+FFFD, one for each maximal invalid sequence; the body is still read", async () => {
    // 0xFF alone, a cut 3-byte sequence (E2 82) and a lone continuation byte (80).
    const body = bytes('{"error":{"code":"Bad","message":"a', [0xff], "b", [0xe2, 0x82], "c", [0x80], 'd"}}');
    stub = stubFetch(() => new Response(body, { status: 400 }));
    const r = await triggerSync("token");
    assert.equal(r.errorCode, "Bad");
    assert.equal(r.errorMessage, "a\uFFFDb\uFFFDc\uFFFDd");
  });

  test("a byte-order mark before an error body reaches the model, which skips it", async () => {
    stub = stubFetch(() => new Response(bytes([0xef, 0xbb, 0xbf], '{"error":{"code":"Bad","message":"m"}}'), { status: 400 }));
    const r = await triggerSync("token");
    assert.equal(r.errorCode, "Bad");
    assert.equal(r.errorMessage, "m");
  });
});

describe("against graph-sim", () => {
  test("a huge body (5 MB) still gives the status's outcome", async () => {
    await sim.reset();
    await sim.fault({ kind: "huge", status: 503, method: "POST", bytes: 5_000_000 });
    const r = await triggerSync("sim-admin-token", { baseUrl: sim.url });
    assert.equal(r.outcome, "serviceUnavailable");
    assert.equal(r.httpStatus, 503);
  });

  test("a 2xx status read that is not a settings object is unexpectedResponse", async () => {
    for (const [body, headers] of [
      ["[]", {}],
      ['"completed"', {}],
      ["null", {}],
      ["", {}],
      ["not json", {}],
      ["<html><body>Sign in</body></html>", { "content-type": "text/html" }],
      ['{"value": []}', {}],
      ['{"value": "completed"}', {}],
    ]) {
      await sim.reset();
      await sim.fault({ kind: "status", status: 200, method: "GET", body, headers });
      const r = await getSyncStatus("sim-admin-token", { baseUrl: sim.url });
      assert.equal(r.ok, false, `body ${JSON.stringify(body)}`);
      assert.equal(r.outcome, "unexpectedResponse", `body ${JSON.stringify(body)}`);
      assert.equal(r.httpStatus, 200);
      assert.equal(r.retryable, false);
      assert.ok(r.message.length > 0);
    }
    // Control: the simulator's own answer is a settings object.
    await sim.reset();
    assert.equal((await getSyncStatus("sim-admin-token", { baseUrl: sim.url })).ok, true);
  });

  test("in Chromium: the 2xx non-settings read and the huge body", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${sim.url}/_sim/state`); // a document on the simulator's origin
      const call = (name) =>
        page.evaluate(async ([name, url]) => {
          const m = await import(`${url}/pkg/index.js`);
          return m[name]("sim-admin-token", { baseUrl: url });
        }, [name, sim.url]);
      await sim.reset();
      await sim.fault({ kind: "status", status: 200, method: "GET", body: "[]" });
      const a = await call("getSyncStatus");
      assert.deepEqual([a.ok, a.outcome, a.httpStatus], [false, "unexpectedResponse", 200]);
      await sim.fault({ kind: "huge", status: 503, method: "POST", bytes: 5_000_000 });
      const b = await call("triggerSync");
      assert.deepEqual([b.outcome, b.httpStatus], ["serviceUnavailable", 503]);
    } finally {
      await browser.close();
    }
  });
});
