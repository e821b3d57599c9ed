#!/usr/bin/env node
// `npm start` (after the build): graph-sim serving the admin page (www/), the built
// package (pkg/) and MSAL, on http://127.0.0.1:8080 unless `-- --port N` says otherwise,
// and its local sign-in authority on https://127.0.0.1:8443 (`-- --oidc-port N`). The page
// is also at /autopilot/, to try sign-in and sign-out under a sub-path.
// Extra arguments go to graph-sim (see `cargo run -p graph-sim -- --help`).
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync("cargo", ["build", "--quiet", "-p", "graph-sim"], { cwd: root, stdio: "inherit" });

const extra = process.argv.slice(2);
const given = (flag) => extra.some((a) => a === flag || a.startsWith(`${flag}=`));
const args = [
  ...(given("--port") ? [] : ["--port", "8080"]),
  ...(given("--oidc-port") ? [] : ["--oidc-port", "8443"]),
  "--static", join(root, "www"),
  "--mount", `/autopilot=${join(root, "www")}`, // the same page under a sub-path, as a portal serves it
  "--mount", `/pkg=${join(root, "pkg")}`,
  "--mount", `/vendor/msal-browser=${join(root, "node_modules/@azure/msal-browser")}`,
  "--mount", `/vendor/msal-common=${join(root, "node_modules/@azure/msal-common")}`,
  ...extra,
];
const sim = spawn(join(root, "target/debug/graph-sim"), args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
let pageUrl;
createInterface({ input: sim.stdout }).on("line", (line) => {
  const url = line.match(/https?:\/\/\S+/)?.[0];
  if (url && line.includes("listening")) {
    pageUrl = url;
    console.log(`\nautopilot-sync demo: ${url}/`);
    console.log(`  simulated tenant: Graph at ${url}, tokens sim-admin-token (read-write) and sim-reader-token (read-only)`);
  } else if (url && line.includes("authority")) {
    const authority = `${url}/sim-tenant`;
    console.log(`  sign in as a simulated admin (MSAL.js against the local OIDC authority):`);
    console.log(`    ${pageUrl}/?authority=${encodeURIComponent(authority)}&clientId=sim-spa`);
    console.log(`    (its certificate is self-signed: open ${url}/sim-tenant/v2.0/.well-known/openid-configuration once and accept it)`);
    console.log(`  stop with Ctrl-C\n`);
  } else {
    console.log(line);
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => sim.kill("SIGTERM"));
sim.on("exit", (code) => process.exit(code ?? 0));
