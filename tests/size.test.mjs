// CI guard: the wasm + JS glue a page downloads must not grow past the budget recorded in
// bench/size-budget.json. Sizes are measured by bench/size.mjs, the same code as
// `npm run bench` (gzip -9 per file, summed). No timing here.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "./helpers/test.mjs";
import { CORE_FILES, REPO, measureCore, readBudget } from "../bench/size.mjs";

test("the budget names exactly the files that are measured", () => {
  assert.deepEqual(readBudget().files, CORE_FILES);
});

test("wasm + glue gzip stays within bench/size-budget.json", () => {
  const missing = CORE_FILES.filter((f) => !existsSync(join(REPO, f)));
  assert.deepEqual(missing, [], "pkg/ is not built: run `node scripts/build.mjs` first");
  const { gzipBytes } = readBudget();
  assert.ok(Number.isInteger(gzipBytes) && gzipBytes > 0, "gzipBytes must be a positive integer");
  const { files, total } = measureCore();
  const detail = files.map((f) => `${f.path} ${f.gzip} B`).join(", ");
  assert.ok(
    total.gzip <= gzipBytes,
    `wasm + glue is ${total.gzip} B gzip (${detail}), over the budget of ${gzipBytes} B ` +
      `by ${total.gzip - gzipBytes} B. Shrink it, or raise gzipBytes in bench/size-budget.json on purpose.`,
  );
});

// `core::fmt` is the formatting machinery std's panics pull in (5.5 KB of the old wasm).
// The crate is `no_std` on wasm32 with a trapping panic handler, so none may be linked.
// Checked on cargo's own output, which keeps the function names. Allow-list: symbols a
// kept dependency forces, each with the crate that forces it. Empty today: with the
// trapping handler, wasm-bindgen-futures' RefCell panics link no formatting code.
const FMT_ALLOWED = new Map(/* [symbol, crate] */);

test("a names-kept build of each wasm links no core::fmt", async () => {
  const { functionNames, isCoreFmt } = await import("../bench/names.mjs");
  assert.ok(isCoreFmt("_ZN4core3fmt5write17h0123456789abcdefE"), "legacy mangling is recognised");
  assert.ok(isCoreFmt("_RNvNtCs1234_4core3fmt5write"), "v0 mangling is recognised");
  assert.ok(!isCoreFmt("_RNvNtCsgXGp5Oqx2Ny_4core9panicking18panic_nounwind_fmt"), "core::panicking is not core::fmt");
  for (const crate of ["autopilot_sync_wasm", "autopilot_sync_devices", "autopilot_sync_msal"]) {
    const file = join(REPO, "target/wasm32-unknown-unknown/release", `${crate}.wasm`);
    assert.ok(existsSync(file), `${file} is built by scripts/build.mjs`);
    const fns = functionNames(file);
    assert.ok(fns.length > 100 && fns.some((f) => /autopilot_sync/.test(f.name)), `${crate}: the name section is there`);
    const fmt = fns.map((f) => f.name).filter((n) => isCoreFmt(n) && !FMT_ALLOWED.has(n));
    assert.deepEqual(fmt, [], `${crate}: core::fmt symbols linked`);
  }
});

// The device and tenant calls (and readSerials, the CSV/line reader of serials) are a wasm of
// their own (pkg/devices/), loaded on first use:
// the core download (what the budget counts) must not carry them, and the core wasm exports
// exactly the core API plus createSyncClientWith (the entries' way to hand a client the
// devices loader).
test("the core wasm exports the core API only; the devices wasm has the device and tenant calls and readSerials", () => {
  const exportsOf = (f) =>
    WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(REPO, f))))
      .map((e) => e.name)
      .filter((n) => /^[a-z][A-Za-z]+$/.test(n) && n !== "memory")
      .sort();
  assert.deepEqual(exportsOf("pkg/autopilot_sync_bg.wasm"), [
    "checkGraphRoot", "createSyncClient", "createSyncClientWith", "describeToken", "getSyncStatus",
    "isLoopbackHost", "nextSyncAllowedAt", "triggerSync",
  ]);
  assert.deepEqual(exportsOf("pkg/devices/autopilot_sync_devices_bg.wasm"), ["getDevices", "readSerials", "syncTenants", "waitForDevicesWith"]);
});
