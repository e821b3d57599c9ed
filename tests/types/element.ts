// Compiled with `tsc --strict --noEmit` by tests/embed.test.mjs inside a scratch project
// that installed the packed tarball: the element's published types, and misuse refused.
import { AutopilotSyncDevicesElement, AutopilotSyncElement } from "autopilot-sync/element";
import type { DeviceState, DevicesWaitReport, SyncResult, SyncStatusResult } from "autopilot-sync";

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
  el.addEventListener("autopilot-sync-request", (e) => e.preventDefault());
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

export async function devices(): Promise<number> {
  const d = document.createElement("autopilot-sync-devices");
  const same: AutopilotSyncDevicesElement = d; // HTMLElementTagNameMap
  d.getToken = () => "token";
  d.provider = null;
  d.serials = "A1\nB2";
  d.addEventListener("autopilot-sync-devices", (e) => {
    if (e.detail.ok) {
      const state: DeviceState = e.detail.devices[0].state;
      console.log(state, e.detail.timedOut, e.detail.syncTriggeredAt);
    }
  });
  d.addEventListener("autopilot-sync-devices-end", (e) => console.log(e.detail.done));
  d.addEventListener("autopilot-sync-error", (e) => console.log(e.detail.code));
  const r: DevicesWaitReport | null = await same.watch(["A1", "B2"]);
  const last: DevicesWaitReport | null = d.lastReport;
  d.stop("Stopped.");
  // @ts-expect-error watching is read-only
  d.watching = true;
  // @ts-expect-error serials is text, not a list
  d.serials = ["A1"];
  return (r && r.ok ? r.devices.length : 0) + (last ? 1 : 0);
}
