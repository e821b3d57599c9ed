#!/usr/bin/env node
// `npm start` (after the build): graph-sim serving the admin page (www/), the built
// package (pkg/) and MSAL, on http://127.0.0.1:8080 unless `-- --port N` says otherwise.
// Extra arguments go to graph-sim (see `cargo run -p graph-sim -- --help`).
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync("cargo", ["build", "--quiet", "-p", "graph-sim"], { cwd: root, stdio: "inherit" });

const extra = process.argv.slice(2);
const args = [
  ...(extra.some((a) => a === "--port" || a.startsWith("--port=")) ? [] : ["--port", "8080"]),
  "--static", join(root, "www"),
  "--mount", `/pkg=${join(root, "pkg")}`,
  "--mount", `/vendor/msal-browser=${join(root, "node_modules/@azure/msal-browser")}`,
  "--mount", `/vendor/msal-common=${join(root, "node_modules/@azure/msal-common")}`,
  ...extra,
];
const sim = spawn(join(root, "target/debug/graph-sim"), args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
createInterface({ input: sim.stdout }).on("line", (line) => {
  const url = line.match(/https?:\/\/\S+/)?.[0];
  if (url && line.includes("listening")) {
    console.log(`\nautopilot-sync demo: ${url}/`);
    console.log(`  simulated tenant: Graph at ${url}, tokens sim-admin-token (read-write) and sim-reader-token (read-only)`);
    console.log(`  stop with Ctrl-C\n`);
  } else {
    console.log(line);
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => sim.kill("SIGTERM"));
sim.on("exit", (code) => process.exit(code ?? 0));
