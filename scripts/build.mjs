#!/usr/bin/env node
// Builds the npm package into pkg/: cargo (wasm32, release) → wasm-bindgen (--target web)
// → wasm-opt -Oz → the entry wrappers from js/. Each step is skipped when its output is
// newer than its inputs.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const raw = join(root, "target/wasm32-unknown-unknown/release/autopilot_sync.wasm");
const bg = join(pkg, "autopilot_sync_bg.wasm");
const quiet = process.argv.includes("--quiet");

function run(cmd, args) {
  if (!quiet) console.error(`[build] ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
}
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "autopilot-sync", ...(quiet ? ["--quiet"] : [])]);

if (mtime(raw) > mtime(bg)) {
  mkdirSync(pkg, { recursive: true });
  run("wasm-bindgen", [raw, "--target", "web", "--out-dir", pkg, "--out-name", "autopilot_sync"]);
  const wasmOpt = join(root, "node_modules/binaryen/bin/wasm-opt");
  // Features rustc enables by default for wasm32-unknown-unknown.
  run(process.execPath, [
    wasmOpt, bg, "-Oz", "-o", bg,
    "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  ]);
}

for (const f of readdirSync(join(root, "js"))) {
  copyFileSync(join(root, "js", f), join(pkg, f));
}
if (!quiet) console.error(`[build] pkg/ ready`);
