#!/usr/bin/env node
// Builds the npm package into pkg/, three wasm modules:
//   core:    crate autopilot-sync-wasm    → pkg/autopilot_sync.js + _bg.wasm
//   devices: crate autopilot-sync-devices → pkg/devices/autopilot_sync_devices.js + _bg.wasm
//            (getDevices, syncTenants, client.waitForDevices; the entries load it on first use)
//   msal:    crate autopilot-sync-msal    → pkg/msal/autopilot_sync_msal.js + _bg.wasm
// each as cargo (wasm32, release) → wasm-bindgen (--target web) → wasm-opt -Oz, then the
// entry wrappers from npm/; the JS is minified with esbuild, which also bundles the Node
// entry (it loads the wasm synchronously) into the CommonJS entry pkg/index.cjs.
// wasm-bindgen and wasm-opt are skipped when cargo's output (and these build scripts) have
// the same bytes as last time (cargo relinks the small root crate on each run).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync, transformSync } from "esbuild";
import { shortenLinkNames } from "./wasm-names.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const release = join(root, "target/wasm32-unknown-unknown/release");
const quiet = process.argv.includes("--quiet");

function run(cmd, args) {
  if (!quiet) console.error(`[build] ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
}
const sha = (p) => createHash("sha256").update(readFileSync(p)).digest("hex");

// `contract` is where each glue finds the package's own npm/contract.js (the SyncError
// class and the constants), so both wasm modules and the entries share one class.
const modules = [
  { crate: "autopilot-sync-wasm", raw: "autopilot_sync_wasm", name: "autopilot_sync", out: pkg, contract: "./contract.js" },
  { crate: "autopilot-sync-devices", raw: "autopilot_sync_devices", name: "autopilot_sync_devices", out: join(pkg, "devices"), contract: "../contract.js" },
  { crate: "autopilot-sync-msal", raw: "autopilot_sync_msal", name: "autopilot_sync_msal", out: join(pkg, "msal"), contract: "../contract.js" },
];

for (const m of modules) {
  // One cargo run per crate: together, cargo would unify features and put the MSAL
  // binding and the device calls into the core wasm too.
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", m.crate, ...(quiet ? ["--quiet"] : [])]);
}

for (const m of modules) {
  const raw = join(release, `${m.raw}.wasm`);
  const bg = join(m.out, `${m.name}_bg.wasm`);
  const stamp = join(m.out, `.${m.name}.input-sha256`);
  // This script and the name shortener take part: a change of flags or names rebuilds.
  const input = [raw, fileURLToPath(import.meta.url), join(root, "scripts/wasm-names.mjs")].map(sha).join(" ");
  if (existsSync(bg) && existsSync(stamp) && readFileSync(stamp, "utf8") === input) continue;
  mkdirSync(m.out, { recursive: true });
  run("wasm-bindgen", [raw, "--target", "web", "--out-dir", m.out, "--out-name", m.name]);
  // wasm-bindgen copies `#[wasm_bindgen(module = "/npm/contract.js")]` into snippets/;
  // the package points that import at its own copy instead (one class for `instanceof`).
  const glue = join(m.out, `${m.name}.js`);
  const text = readFileSync(glue, "utf8");
  const linked = text.replace(/(["'])\.\/snippets\/[^"']*\/npm\/contract\.js\1/g, JSON.stringify(m.contract));
  if (linked === text && /snippets\//.test(text)) throw new Error(`${glue}: unexpected snippet import`);
  writeFileSync(glue, minify(linked));
  rmSync(join(m.out, "snippets"), { recursive: true, force: true });
  // ...and, seeing a crate with JS snippets, it writes a package.json of the crate's npm
  // dependencies there, which would make Node and TypeScript read pkg/ as CommonJS.
  rmSync(join(m.out, "package.json"), { force: true });
  // Features rustc enables by default for wasm32-unknown-unknown. The `producers` and
  // `target_features` custom sections (toolchain names and versions; nothing reads them
  // at run time) are dropped: about 200 B gzip of the core download.
  run(process.execPath, [
    join(root, "node_modules/binaryen/bin/wasm-opt"), bg, "-Oz", "-o", bg,
    "--strip-producers", "--strip-target-features",
    "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  ]);
  // Short link names between the wasm and its glue (see scripts/wasm-names.mjs).
  const dtsFiles = [join(m.out, `${m.name}.d.ts`), join(m.out, `${m.name}_bg.wasm.d.ts`)];
  const short = shortenLinkNames(readFileSync(bg), readFileSync(glue, "utf8"), dtsFiles.map((f) => readFileSync(f, "utf8")));
  writeFileSync(bg, short.wasm);
  writeFileSync(glue, short.glue);
  dtsFiles.forEach((f, i) => writeFileSync(f, short.dts[i]));
  writeFileSync(stamp, input);
}

// The package ships its JS minified (names of exports and properties kept); the readable
// sources are npm/ and wasm-bindgen's output.
function minify(code) {
  return transformSync(code, { minify: true, format: "esm", target: "es2022", legalComments: "none" }).code;
}

for (const f of readdirSync(join(root, "npm"))) {
  const from = join(root, "npm", f);
  if (f.endsWith(".js")) writeFileSync(join(pkg, f), minify(readFileSync(from, "utf8")));
  else copyFileSync(from, join(pkg, f));
}
// `require("autopilot-sync")`: the Node entry and the glue as one CommonJS file, next to
// the same autopilot_sync_bg.wasm (import.meta.url becomes the file's own URL).
buildSync({
  entryPoints: [join(pkg, "node.js")],
  outfile: join(pkg, "index.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { "import.meta.url": "__autopilotSyncUrl" },
  banner: { js: '"use strict";\nconst __autopilotSyncUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
if (!quiet) console.error(`[build] pkg/ ready`);
