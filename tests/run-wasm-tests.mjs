#!/usr/bin/env node
// Runs the shared wasm tests (tests/common) in Node, headless Chromium and headless
// Firefox ESR against one fresh graph-sim. The simulator's URL reaches the tests at
// compile time (GRAPH_SIM_URL), so the browser test binary is built once and run in
// both engines.
//
//   node tests/run-wasm-tests.mjs [node|chromium|firefox|browser]...
//
// No argument runs all three; "browser" means Chromium and Firefox.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { FIREFOX, FIREFOX_PREFS, findGeckodriver } from "./helpers/firefox.mjs";
import { closedUrl } from "./helpers/ports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = mkdtempSync(join(tmpdir(), "wasm-tests-"));

/**
 * The capabilities wasm-bindgen-test-runner sends (it reads WASM_BINDGEN_TEST_WEBDRIVER_JSON
 * and adds -headless itself): webdriver.json (which a plain `cargo test --test browser`
 * reads) with the Firefox binary (FIREFOX_PATH) and the prefs that keep it offline.
 */
function firefoxCapabilities() {
  const caps = JSON.parse(readFileSync(join(root, "webdriver.json"), "utf8"));
  caps["moz:firefoxOptions"] = { ...caps["moz:firefoxOptions"], binary: FIREFOX, prefs: FIREFOX_PREFS };
  const file = join(scratch, "webdriver-firefox.json");
  writeFileSync(file, JSON.stringify(caps, null, 2));
  return file;
}

const MODES = {
  node: { title: "Node", test: "node", env: {} },
  chromium: {
    title: "headless Chromium",
    test: "browser",
    // webdriver.json carries Chromium's flags (wasm-bindgen-test-runner reads it).
    env: () => ({ CHROMEDRIVER: "/usr/bin/chromedriver", WASM_BINDGEN_TEST_WEBDRIVER_JSON: join(root, "webdriver.json") }),
  },
  firefox: {
    title: "headless Firefox ESR",
    test: "browser",
    env: () => ({ GECKODRIVER: findGeckodriver(), WASM_BINDGEN_TEST_WEBDRIVER_JSON: firefoxCapabilities() }),
  },
};

const asked = process.argv.slice(2).flatMap((a) => (a === "browser" ? ["chromium", "firefox"] : [a]));
for (const a of asked) {
  if (!MODES[a]) {
    console.error(`unknown mode "${a}": use node, chromium, firefox or browser`);
    process.exit(2);
  }
}
const modes = asked.length ? [...new Set(asked)] : Object.keys(MODES);

const sim = await startGraphSim();
const closed = await closedUrl();
const failed = [];
try {
  for (const mode of modes) {
    const { title, test, env } = MODES[mode];
    console.log(`\n--- wasm tests in ${title}`);
    const started = Date.now();
    // Only one driver variable may be set: the runner takes the first it finds.
    const base = { ...process.env };
    for (const k of ["CHROMEDRIVER", "GECKODRIVER", "SAFARIDRIVER", "MSEDGEDRIVER", "WASM_BINDGEN_TEST_WEBDRIVER_JSON"]) delete base[k];
    const r = spawnSync("cargo", ["test", "-p", "autopilot-sync", "--target", "wasm32-unknown-unknown", "--test", test], {
      cwd: root,
      stdio: "inherit",
      env: {
        ...base,
        ...(typeof env === "function" ? env() : env),
        GRAPH_SIM_URL: sim.url,
        CLOSED_URL: closed,
        // Not UTC (a half-hour offset, with summer time), so a date read as local time
        // where UTC was meant shows in every engine (the browsers take it from Node's
        // environment through their drivers).
        TZ: process.env.WASM_TESTS_TZ || "America/St_Johns",
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner",
        WASM_BINDGEN_TEST_TIMEOUT: "120",
      },
    });
    console.log(`--- ${title}: ${r.status === 0 ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (r.status !== 0) failed.push(title);
  }
} finally {
  await sim.stop();
  rmSync(scratch, { recursive: true, force: true });
}
if (failed.length) console.error(`\nwasm tests failed in: ${failed.join(", ")}`);
process.exit(failed.length ? 1 : 0);
