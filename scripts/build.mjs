#!/usr/bin/env node
// Builds the npm package into pkg/, two wasm modules:
//   core: crate autopilot-sync        → pkg/autopilot_sync.js + _bg.wasm
//   msal: crate autopilot-sync-msal   → pkg/msal/autopilot_sync_msal.js + _bg.wasm
// each as cargo (wasm32, release) → wasm-bindgen (--target web) → wasm-opt -Oz, then the
// entry wrappers from npm/, and the CommonJS entry pkg/index.cjs (esbuild bundles the Node
// entry, which loads the wasm synchronously, into one CommonJS file). wasm-bindgen and wasm-opt are skipped when cargo's output has
// the same bytes as last time (cargo relinks the small root crate on each run).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const release = join(root, "target/wasm32-unknown-unknown/release");
const quiet = process.argv.includes("--quiet");

function run(cmd, args) {
  if (!quiet) console.error(`[build] ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
}
const sha = (p) => createHash("sha256").update(readFileSync(p)).digest("hex");

const modules = [
  { crate: "autopilot-sync", name: "autopilot_sync", out: pkg },
  { crate: "autopilot-sync-msal", name: "autopilot_sync_msal", out: join(pkg, "msal") },
];

for (const m of modules) {
  // One cargo run per crate: together, cargo would unify features and put the MSAL
  // binding into the core wasm too.
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", m.crate, ...(quiet ? ["--quiet"] : [])]);
}

for (const m of modules) {
  const raw = join(release, `${m.name}.wasm`);
  const bg = join(m.out, `${m.name}_bg.wasm`);
  const stamp = join(m.out, `.${m.name}.input-sha256`);
  const input = sha(raw);
  if (existsSync(bg) && existsSync(stamp) && readFileSync(stamp, "utf8") === input) continue;
  mkdirSync(m.out, { recursive: true });
  run("wasm-bindgen", [raw, "--target", "web", "--out-dir", m.out, "--out-name", m.name]);
  // Features rustc enables by default for wasm32-unknown-unknown.
  run(process.execPath, [
    join(root, "node_modules/binaryen/bin/wasm-opt"), bg, "-Oz", "-o", bg,
    "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  ]);
  writeFileSync(stamp, input);
}

for (const f of readdirSync(join(root, "npm"))) {
  copyFileSync(join(root, "npm", f), join(pkg, f));
}
// `require("autopilot-sync")`: the Node entry and the glue as one CommonJS file, next to
// the same autopilot_sync_bg.wasm (import.meta.url becomes the file's own URL).
const esbuild = await import("esbuild");
await esbuild.build({
  entryPoints: [join(pkg, "node.js")],
  outfile: join(pkg, "index.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  define: { "import.meta.url": "__autopilotSyncUrl" },
  banner: { js: '"use strict";\nconst __autopilotSyncUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
if (!quiet) console.error(`[build] pkg/ ready`);
