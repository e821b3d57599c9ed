// The Devices card: serial numbers pasted or opened from a CSV, Watch / Stop, "sync if
// missing", and a live table of each device's state and message. Reading the serials,
// the states, their labels, the messages, when to stop and when to sync are all the
// package's (readSerials, waitForDevices, DeviceStateText): this file only renders them.
import { readSerials, createSyncClient, DeviceStateText, OutcomeText } from "autopilot-sync";
import { $, show, timeElement } from "./dom.js";

/** Interval between reads: the package's default for a real tenant, the floor for the simulator. */
const SIM_INTERVAL_MS = 5000;

export class DevicesCard {
  /**
   * @param {{ connection: () => import("./connection.js").Connection, simulated: () => boolean,
   *   intervalMs?: number, timeoutMs?: number, announce: (text: string) => void }} setup
   */
  constructor(setup) {
    this.setup = setup;
    this.watch = null; // { abort: AbortController }
    this.rows = new Map(); // serial -> <tr>
    this.el = {
      serials: $("device-serials"), file: $("device-file"), read: $("device-read"),
      sync: $("device-sync"), until: $("device-until"), watch: $("device-watch"), stop: $("device-stop"),
      error: $("device-error"), result: $("device-result"), summary: $("device-summary"),
      syncNote: $("device-sync-note"), table: $("device-table"), rows: $("device-rows"),
    };
    this.el.serials.addEventListener("input", () => this.describeInput());
    this.el.file.addEventListener("change", () => this.openFile());
    this.el.watch.addEventListener("click", () => this.start());
    this.el.stop.addEventListener("click", () => this.stop("Stopped; press Watch to follow the devices again."));
  }

  /** Says what the text holds as the admin types or pastes (the package reads it). */
  describeInput() {
    const text = this.el.serials.value;
    if (text.trim() === "") {
      this.el.read.textContent = "";
      delete this.el.read.dataset.kind;
      return null;
    }
    const r = readSerials(text);
    this.el.read.dataset.kind = r.ok ? "ok" : "error";
    if (!r.ok) {
      this.el.read.textContent = r.message;
      return r;
    }
    const parts = [`${r.serials.length} serial number${r.serials.length === 1 ? "" : "s"}`];
    parts.push(r.format === "csv" ? "from the CSV's serial number column" : "one a line");
    if (r.duplicates) parts.push(`${r.duplicates} repeated one${r.duplicates === 1 ? "" : "s"} left out`);
    if (r.skippedRows) parts.push(`${r.skippedRows} row${r.skippedRows === 1 ? "" : "s"} without a serial number skipped`);
    this.el.read.textContent = `${parts.join(", ")}.`;
    return r;
  }

  async openFile() {
    const file = this.el.file.files?.[0];
    if (!file) return;
    try {
      this.el.serials.value = await file.text();
      this.describeInput();
    } catch (e) {
      this.error(`The file could not be read: ${e?.message ?? e}`);
    }
  }

  error(text) {
    this.el.error.textContent = text ?? "";
    show(this.el.error, Boolean(text));
  }

  setWatching(on) {
    this.el.watch.disabled = on;
    show(this.el.stop, on);
    this.el.result.dataset.watching = String(on);
  }

  /** Stops the watch in progress (the connection changed, or Stop was pressed). */
  stop(why) {
    if (!this.watch) return;
    this.watch.abort.abort();
    this.watch = null;
    this.setWatching(false);
    this.el.result.dataset.end = "stopped";
    this.el.summary.textContent = why;
    this.setup.announce(why);
  }

  start() {
    this.error("");
    const read = this.describeInput();
    if (!read) {
      this.error("Paste at least one serial number first: one a line, or the CSV from Get-WindowsAutopilotInfo.");
      this.el.serials.focus();
      return;
    }
    if (!read.ok) {
      this.error(read.message);
      this.el.serials.focus();
      return;
    }
    const connection = this.setup.connection();
    let client;
    try {
      client = createSyncClient({ getToken: (request) => connection.getToken(request), ...connection.options() });
    } catch (e) {
      this.error(e?.message ?? String(e));
      return;
    }
    this.stop("");
    const abort = new AbortController();
    const me = { abort };
    this.watch = me;
    this.renderRows(read.serials);
    this.el.result.dataset.end = "";
    this.el.summary.textContent = `Watching ${read.serials.length} device${read.serials.length === 1 ? "" : "s"}: first read…`;
    show(this.el.syncNote, false);
    show(this.el.result, true);
    this.setWatching(true);
    const options = {
      until: this.el.until.value,
      sync: this.el.sync.checked ? "ifMissing" : "never",
      intervalMs: this.setup.intervalMs ?? (this.setup.simulated() ? SIM_INTERVAL_MS : undefined),
      signal: abort.signal,
      onUpdate: (report) => this.watch === me && this.render(report),
    };
    if (options.intervalMs === undefined) delete options.intervalMs;
    if (this.setup.timeoutMs) options.timeoutMs = this.setup.timeoutMs;
    client
      .waitForDevices(read.serials, options)
      .then((report) => {
        if (this.watch !== me) return;
        this.watch = null;
        this.setWatching(false);
        this.render(report);
        this.finish(report);
      })
      .catch((e) => {
        if (this.watch !== me) return;
        this.watch = null;
        this.setWatching(false);
        this.el.result.dataset.end = "error";
        this.el.summary.textContent = "Stopped: nothing more could be read.";
        this.error(e?.message ?? String(e));
      });
  }

  /** One row per serial, in the package's order, before the first read answers. */
  renderRows(serials) {
    this.rows.clear();
    const trs = serials.map((serial) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = serial;
      const state = document.createElement("td");
      state.className = "state";
      state.textContent = "…";
      const message = document.createElement("td");
      message.className = "message";
      message.textContent = "Waiting for the first read.";
      tr.dataset.serial = serial;
      tr.append(th, state, message);
      this.rows.set(serial, tr);
      return tr;
    });
    this.el.rows.replaceChildren(...trs);
  }

  /** Every onUpdate: each device's state and message, what the read and the sync did. */
  render(report) {
    const at = timeElement(Date.now(), { timeOnly: true });
    if (!report.ok) {
      // The read failed; the package decides whether the wait goes on.
      this.el.summary.replaceChildren(`Read at `, at, `: ${report.message}`);
      this.el.result.dataset.read = "failed";
    } else {
      this.el.result.dataset.read = "ok";
      for (const d of report.devices) this.renderDevice(d);
      const counts = new Map();
      for (const d of report.devices) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
      const tally = [...counts].map(([state, n]) => `${n} ${(DeviceStateText[state]?.label ?? state).toLowerCase()}`);
      this.el.summary.replaceChildren(`Read at `, at, `: ${tally.join(", ")}.`);
    }
    if (report.syncTriggeredAt) {
      const outcome = OutcomeText[report.syncOutcome]?.title ?? report.syncOutcome;
      this.el.syncNote.replaceChildren("This watch asked for a sync at ", timeElement(Date.parse(report.syncTriggeredAt), { timeOnly: true }), `: ${outcome}.`);
      this.el.syncNote.dataset.outcome = report.syncOutcome;
      show(this.el.syncNote, true);
    }
  }

  renderDevice(d) {
    const tr = this.rows.get(d.serialNumber);
    if (!tr) return;
    const text = DeviceStateText[d.state];
    tr.dataset.state = d.state;
    tr.dataset.kind = text?.kind ?? "info";
    const [, state, message] = tr.children;
    state.textContent = text?.label ?? d.state;
    const facts = [];
    if (d.groupTag) facts.push(`group tag ${d.groupTag}`);
    if (d.profileStatus) facts.push(`profile status ${d.profileStatus}`);
    if (d.importErrorCode !== null || d.importErrorName) facts.push(`import error ${[d.importErrorCode, d.importErrorName].filter((x) => x !== null).join(" ")}`);
    const detail = document.createElement("span");
    detail.className = "hint";
    detail.textContent = facts.join(" · ");
    message.replaceChildren(d.message, ...(facts.length ? [document.createElement("br"), detail] : []));
  }

  /** The end of a watch: done, time up, or a read that failed for good. */
  finish(report) {
    let text;
    if (report.timedOut) {
      this.el.result.dataset.end = "timedOut";
      text = "Time is up: stopped waiting. The table shows where each device stood at the last read; press Watch to look again.";
    } else if (!report.ok) {
      this.el.result.dataset.end = "failed";
      text = `Stopped: ${report.message}`;
    } else {
      this.el.result.dataset.end = "done";
      text = "Done: every device reached the end of the wait (ready, or failed and needing you; see each message).";
    }
    const p = document.createElement("strong");
    p.textContent = ` ${text}`;
    this.el.summary.append(p);
    this.setup.announce(text);
  }
}
