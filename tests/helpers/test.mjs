// node:test's `test` with a time limit on every test (default 120 s,
// AUTOPILOT_SYNC_TEST_TIMEOUT_MS): a stuck page.evaluate, browser or child process fails
// its test instead of hanging the run. node:test's own --test-timeout also limits a whole
// file (its subprocess), so scripts/test.sh gives that a larger value.
import { test as nodeTest } from "node:test";

export const TEST_TIMEOUT_MS = Number(process.env.AUTOPILOT_SYNC_TEST_TIMEOUT_MS) || 120_000;

/** `test(name, [options], fn)`, as node:test's, with `timeout` defaulting to TEST_TIMEOUT_MS. */
export function test(name, options, fn) {
  if (typeof options === "function") return nodeTest(name, { timeout: TEST_TIMEOUT_MS }, options);
  return nodeTest(name, { timeout: TEST_TIMEOUT_MS, ...options }, fn);
}
