#!/usr/bin/env node
// Runs the shared wasm tests (tests/common) in Node and in headless Chromium against a
// fresh graph-sim. The simulator's URL reaches the tests at compile time (GRAPH_SIM_URL).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startGraphSim } from "./helpers/graph-sim.mjs";
import { closedUrl } from "./helpers/ports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv[2]; // "node" | "browser" | undefined (both)
const sim = await startGraphSim();
const closed = await closedUrl();
let failed = false;
try {
  for (const mode of ["node", "browser"]) {
    if (only && only !== mode) continue;
    console.log(`\n--- wasm tests in ${mode === "node" ? "Node" : "headless Chromium"}`);
    const r = spawnSync(
      "cargo",
      ["test", "-p", "autopilot-sync", "--target", "wasm32-unknown-unknown", "--test", mode],
      {
        cwd: root,
        stdio: "inherit",
        env: {
          ...process.env,
          GRAPH_SIM_URL: sim.url,
          CLOSED_URL: closed,
          CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner",
          CHROMEDRIVER: "/usr/bin/chromedriver",
          WASM_BINDGEN_TEST_TIMEOUT: "120",
        },
      },
    );
    if (r.status !== 0) failed = true;
  }
} finally {
  await sim.stop();
}
process.exit(failed ? 1 : 0);
