// Compiled with `tsc --strict --noEmit` by tests/embed.test.mjs inside a scratch project
// that installed the packed tarball: the element's published types, and misuse refused.
import { AutopilotSyncElement } from "autopilot-sync/element";
import type { SyncResult, SyncStatusResult } from "autopilot-sync";

export async function demo(): Promise<string> {
  const el = document.createElement("autopilot-sync");
  const same: AutopilotSyncElement = el; // HTMLElementTagNameMap
  el.getToken = async ({ forceRefresh }) => (forceRefresh ? "fresh" : "cached");
  el.provider = { getToken: () => "token" };
  el.cloud = "usGov";
  el.baseUrl = null;
  el.timeoutMs = 5000;
  el.addEventListener("autopilot-sync-result", (e) => {
    const outcome: SyncResult["outcome"] = e.detail.outcome;
    console.log(outcome);
  });
  el.addEventListener("autopilot-sync-status", (e) => {
    const s: SyncStatusResult = e.detail;
    if (s.ok) console.log(s.syncStatus);
  });
  el.addEventListener("autopilot-sync-error", (e) => console.log(e.detail.code, e.detail.name));
  document.body.addEventListener("autopilot-sync-result", (e) => console.log(e.detail.httpStatus));
  const r: SyncResult = await same.sync();
  const s: SyncStatusResult = await el.refreshStatus();
  const last: SyncResult | null = el.lastResult;
  const status: SyncStatusResult | null = el.status;
  // @ts-expect-error lastResult is read-only
  el.lastResult = null;
  // @ts-expect-error getToken must be a function
  el.getToken = "token";
  // @ts-expect-error no such event detail key
  el.addEventListener("autopilot-sync-result", (e) => e.detail.nope);
  return `${r.outcome} ${s.ok} ${last?.outcome} ${status?.ok}`;
}
