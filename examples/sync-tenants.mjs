#!/usr/bin/env node
// Starts a Windows Autopilot sync in many tenants (an MSP's morning run) with
// `syncTenants`, and prints a live table. Exits 1 when any tenant failed, 2 on bad usage.
//
//   node examples/sync-tenants.mjs tenants.json [--concurrency N] [--no-skip]
//
// tenants.json is a list of tenants:
//   [{ "id": "contoso", "label": "Contoso Ltd", "tenantId": "<GUID>", "cloud": "global" }, ...]
// `id` is yours; `label`, `cloud` ("global", "usGov", "usGovDod", "china") and `baseUrl`
// are optional; any other member (tenantId, clientId, ...) is for getAppToken below.
//
// Tokens: fill in getAppToken with your app-only (client credentials) token source; the
// README shows the @azure/msal-node version. A tenant with a "token" member uses that
// token as is (for graph-sim and tests only: never keep real tokens in a file).
import { readFileSync } from "node:fs";
import { syncTenants } from "autopilot-sync";

/**
 * Returns an app-only access token for Microsoft Graph in `tenant` (an entry of the
 * tenants file), with the application permission DeviceManagementServiceConfig.ReadWrite.All.
 * `forceRefresh` is true when the library needs a new token (expired, or refused once).
 */
async function getAppToken(tenant, { forceRefresh }) {
  if (typeof tenant.token === "string") return tenant.token;
  void forceRefresh;
  throw new Error("getAppToken is not filled in: see the README's \"Many tenants\" section");
}

function usage(message) {
  process.stderr.write(`${message}\nusage: node examples/sync-tenants.mjs tenants.json [--concurrency N] [--no-skip]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file;
let concurrency = 4;
let skipIfCoolingDown = true;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--concurrency") concurrency = Number(args[++i]);
  else if (args[i] === "--no-skip") skipIfCoolingDown = false;
  else if (!file && !args[i].startsWith("-")) file = args[i];
  else usage(`unknown argument: ${args[i]}`);
}
if (!file) usage("no tenants file given");

let entries;
try {
  entries = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(entries)) throw new Error("the file must hold a JSON array of tenants");
} catch (e) {
  usage(`cannot read ${file}: ${e.message}`);
}

const tenants = entries.map((t) => ({
  id: String(t.id),
  ...(t.label !== undefined ? { label: String(t.label) } : {}),
  ...(t.cloud !== undefined ? { cloud: t.cloud } : {}),
  ...(t.baseUrl !== undefined ? { baseUrl: t.baseUrl } : {}),
  getToken: (request) => getAppToken(t, request),
}));

// ---- the table --------------------------------------------------------------------------
const live = process.stdout.isTTY;
const rows = tenants.map((t) => ({ name: t.label ?? t.id, state: "waiting", note: "" }));
let done = 0;

/** A row's state and note from a `syncTenants` row. */
function describe(row) {
  if (row.error) return { state: "FAILED", note: `${row.error.code}: ${row.error.message}`, failed: true };
  const r = row.result;
  const wait = r.nextAttemptAt ? ` Next attempt: ${r.nextAttemptAt}.` : "";
  switch (r.outcome) {
    case "started":
      return { state: "started", note: r.message, failed: false };
    case "throttled":
    case "alreadyInProgress":
      return { state: r.notSent ? "skipped" : r.outcome, note: `${r.message}${wait}`, failed: false };
    default:
      return { state: "FAILED", note: `${r.outcome} (HTTP ${r.httpStatus ?? "-"}): ${r.message}${r.requestId ? ` request-id ${r.requestId}` : ""}`, failed: true };
  }
}

const width = Math.max(6, ...rows.map((r) => r.name.length));
const line = (r) => `${r.name.padEnd(width)}  ${r.state.padEnd(17)}  ${r.note}`;
let drawn = 0;
function draw() {
  if (!live) return;
  if (drawn) process.stdout.write(`\x1b[${drawn}A`);
  const out = [`progress ${done}/${rows.length}`, ...rows.map(line)];
  process.stdout.write(out.map((l) => `\x1b[2K${l.slice(0, process.stdout.columns || 200)}\n`).join(""));
  drawn = out.length;
}

draw();
let failed = 0;
const results = await syncTenants(tenants, {
  concurrency,
  skipIfCoolingDown,
  onResult(row, i) {
    const d = describe(row);
    rows[i].state = d.state;
    rows[i].note = d.note;
    done += 1;
    if (!live) process.stdout.write(`[${done}/${rows.length}] ${line(rows[i])}\n`);
    draw();
  },
});
for (const row of results) if (describe(row).failed) failed += 1;
if (!live) {
  process.stdout.write(`\n${"tenant".padEnd(width)}  ${"state".padEnd(17)}  note\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}
process.stdout.write(`\n${rows.length} tenants: ${rows.length - failed} ok, ${failed} failed.\n`);
process.exitCode = failed ? 1 : 0;
