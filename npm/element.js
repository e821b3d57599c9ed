// `autopilot-sync/element`: the sync card as a custom element, <autopilot-sync>.
// A real button, the outcome in plain words (announced), the countdown after 429/409,
// progress until completed/failed, the last sync time and support details with Copy.
// Shadow DOM built with DOM calls (no HTML parsing: fine under Trusted Types) and styled by
// a constructable stylesheet (no inline styles, so it runs under a strict CSP), themed
// through ::part() and --autopilot-sync-* custom properties.
// Every rule stays in the package (option checks, outcome texts, the 401 refresh, the next
// allowed time, final states): the element hands its attributes to createSyncClient and
// renders what comes back.
import init, { createSyncClient, nextSyncAllowedAt, isFinalSyncState, Outcome, OutcomeText, SyncError, SyncErrorCode, SyncState, SyncStateText } from "./index.js";

const TAG = "autopilot-sync";
const DEFAULT_INTERVAL_MS = 15000;

/** The package's label for a sync state (an unknown value reads as `unknown`). */
const progressText = (state) => (SyncStateText[state] ?? SyncStateText.unknown).label;
const SUPPORT_FIELDS = [
  ["outcome", "Outcome"], ["httpStatus", "HTTP status"], ["errorCode", "Error code"], ["errorMessage", "Error message"],
  ["requestId", "Request ID"], ["clientRequestId", "Client request ID"], ["date", "Date"],
];
const MISSING_TOKEN =
  "Not connected: this element needs a token source. Set its getToken property to a function ({ forceRefresh }) => Promise<string> that returns an access token for Microsoft Graph.";

const CSS = `
:host {
  /* light-dark(): the light value, the dark value; the scheme follows the system unless theme= is set. */
  --_bg: var(--autopilot-sync-background, light-dark(#ffffff, #1f1f1f));
  --_fg: var(--autopilot-sync-color, light-dark(#1b1b1b, #f0f0f0));
  --_muted: var(--autopilot-sync-muted, light-dark(#5c5c5c, #b3b3b3));
  --_border: var(--autopilot-sync-border, light-dark(#d1d1d1, #4a4a4a));
  --_accent: var(--autopilot-sync-accent, light-dark(#0f6cbd, #479ef5));
  --_accent-fg: var(--autopilot-sync-accent-color, light-dark(#ffffff, #0a0a0a));
  --_ok: var(--autopilot-sync-ok, light-dark(#0e700e, #6ccb5f));
  --_info: var(--autopilot-sync-info, light-dark(#0f6cbd, #62abf5));
  --_warn: var(--autopilot-sync-warn, light-dark(#8a5300, #f2c661));
  --_error: var(--autopilot-sync-error, light-dark(#b10e1c, #ff8a8f));
  --_focus: var(--autopilot-sync-focus, light-dark(#0f6cbd, #62abf5));
  --_radius: var(--autopilot-sync-radius, 6px);
  --_gap: var(--autopilot-sync-gap, 0.75rem);
  display: block;
  color-scheme: light dark;
  font: var(--autopilot-sync-font, inherit);
  color: var(--_fg);
  background: var(--_bg);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  padding: var(--autopilot-sync-padding, 1rem);
  max-width: 100%;
  box-sizing: border-box;
}
:host([theme="light"]) { color-scheme: light; }
:host([theme="dark"]) { color-scheme: dark; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
.stack > * + * { margin-top: var(--_gap); }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
p { margin: 0; }
button {
  font: inherit;
  min-height: 2.5rem;
  padding: 0.4rem 1rem;
  border-radius: var(--_radius);
  border: 1px solid var(--_accent);
  background: var(--_accent);
  color: var(--_accent-fg);
  cursor: pointer;
}
button.secondary { background: transparent; color: var(--_accent); min-height: 2rem; padding: 0.2rem 0.75rem; }
button:disabled, button[aria-disabled="true"] { opacity: 0.55; cursor: not-allowed; }
button:focus-visible, summary:focus-visible, textarea:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.muted, .hint { color: var(--_muted); }
[part~="message"] { border-left: 4px solid var(--_border); padding-left: 0.75rem; }
[part~="message"]:empty { display: none; }
[part~="message"][data-kind="ok"] { border-left-color: var(--_ok); }
[part~="message"][data-kind="info"] { border-left-color: var(--_info); }
[part~="message"][data-kind="warn"] { border-left-color: var(--_warn); }
[part~="message"][data-kind="error"] { border-left-color: var(--_error); }
[part~="progress"] { border-left: 4px solid var(--_info); padding-left: 0.75rem; }
[part~="progress"][data-state="completed"] { border-left-color: var(--_ok); }
[part~="progress"][data-state="failed"] { border-left-color: var(--_error); }
[part~="progress"][data-state="failed"] .state { color: var(--_error); font-weight: 600; }
.title { display: block; font-weight: 600; }
[part~="error"] { color: var(--_error); font-weight: 600; }
progress { width: 100%; accent-color: var(--_accent); }
[part~="details"] summary { cursor: pointer; color: var(--_muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.75rem; margin: 0.5rem 0; }
dt { color: var(--_muted); }
dd { margin: 0; overflow-wrap: anywhere; font-family: var(--autopilot-sync-mono, ui-monospace, monospace); font-size: 0.9em; }
textarea { width: 100%; box-sizing: border-box; font-family: var(--autopilot-sync-mono, ui-monospace, monospace); }
@media (prefers-reduced-motion: reduce) { progress { animation: none; } }
`;

/** An element with attributes and children (text or nodes); no HTML parsing, so Trusted Types allow it. */
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

/** The shadow tree. Ids are scoped to the shadow root; a page may find the parts by them. */
function render() {
  return h("div", { class: "stack", part: "container" },
    h("div", { class: "row" },
      h("button", { type: "button", part: "button", id: "sync-now" }, "Sync now"),
      h("span", { class: "muted", part: "busy", id: "busy", hidden: true }, "Working…")),
    h("p", { part: "error", id: "error", role: "alert", hidden: true }),
    h("div", { part: "message", id: "outcome", role: "status", "aria-live": "polite", "aria-atomic": "true" }),
    h("p", { part: "countdown", id: "countdown", hidden: true },
      "Next sync allowed in ", h("strong", { class: "left" }), " (at ", h("time", { class: "at" }), ")."),
    h("div", { part: "progress", id: "progress", hidden: true },
      h("p", {}, h("span", { class: "state", id: "progress-state" }), " ",
        h("span", { class: "muted" }, "· elapsed ", h("span", { class: "elapsed" }, "0:00"))),
      h("progress", { class: "bar", "aria-labelledby": "progress-state" })),
    h("p", { part: "last-sync", class: "muted" }, "Last sync: ", h("span", { class: "last" }, "unknown")),
    h("details", { part: "details", id: "details", hidden: true },
      h("summary", {}, "Support details"),
      h("dl", { class: "facts" }),
      h("div", { class: "row" },
        h("button", { type: "button", part: "copy", class: "secondary copy" }, "Copy"),
        h("span", { class: "copied muted", role: "status" })),
      h("textarea", { class: "copy-text", readonly: true, rows: "8", hidden: true, "aria-label": "Support details as text" })));
}

let sheet;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

/** 75 → "1:15"; 3725 → "1:02:05". */
function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function setTime(t, ms, { timeOnly = false } = {}) {
  const iso = new Date(ms).toISOString();
  t.dateTime = iso;
  t.title = iso;
  t.textContent = timeOnly ? new Date(ms).toLocaleTimeString() : new Date(ms).toLocaleString();
}

export class AutopilotSyncElement extends HTMLElement {
  static get observedAttributes() {
    return ["cloud", "base-url", "timeout-ms", "interval-ms"];
  }

  #root;
  #ui;
  #getToken = null;
  #provider = null;
  #busy = null; // the promise of the sync in flight
  #lastResult = null;
  #status = null;
  #countdown = null; // { until, timer }
  #watch = null; // { abort, timer }
  #support = null;
  #configError = null;
  #checks = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open", delegatesFocus: false });
    this.#root.adoptedStyleSheets = [styles()];
    this.#root.append(render());
    const q = (s) => this.#root.querySelector(s);
    this.#ui = {
      button: q("#sync-now"), busy: q("#busy"), error: q('[part~="error"]'), message: q('[part~="message"]'),
      countdown: q('[part~="countdown"]'), left: q(".left"), at: q(".at"),
      progress: q('[part~="progress"]'), state: q(".state"), elapsed: q(".elapsed"), bar: q(".bar"),
      last: q(".last"), details: q('[part~="details"]'), facts: q(".facts"),
      copy: q(".copy"), copied: q(".copied"), copyText: q(".copy-text"),
    };
    this.#ui.button.addEventListener("click", () => {
      // A click first asks the page: a listener may cancel it (for example to confirm a
      // sync its token will probably fail) and call sync() itself later.
      if (this.#busy === null && !this.#dispatch("autopilot-sync-request", null, { cancelable: true })) return;
      this.sync().catch(() => {}); // shown and dispatched as autopilot-sync-error
    });
    this.#ui.copy.addEventListener("click", () => this.#copySupport());
  }

  connectedCallback() {
    // A property set on the element before it was upgraded shadows the accessor: take it over.
    for (const name of ["getToken", "provider"]) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    this.#renderMissing();
    this.#checkOptions();
  }

  disconnectedCallback() {
    this.#stopWatching();
    this.#stopCountdown();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) return;
    if (name !== "interval-ms") this.#stopCountdown();
    if (this.isConnected) this.#checkOptions();
  }

  /** `({ forceRefresh }) => Promise<string>`: the access token source, as for createSyncClient. */
  get getToken() {
    return this.#getToken;
  }
  set getToken(fn) {
    if (fn !== null && fn !== undefined && typeof fn !== "function") {
      this.#fail(new SyncError(SyncErrorCode.invalidOptions, "getToken must be a function ({ forceRefresh }) => Promise<string>, or null."));
      return;
    }
    this.#changeTokenSource(() => (this.#getToken = fn ?? null));
  }

  /** An object with getToken (for example a sign-in provider); used when getToken is not set. */
  get provider() {
    return this.#provider;
  }
  set provider(p) {
    if (p !== null && p !== undefined && typeof p?.getToken !== "function") {
      this.#fail(new SyncError(SyncErrorCode.invalidOptions, "provider must be an object with a getToken({ forceRefresh }) method, or null."));
      return;
    }
    this.#changeTokenSource(() => (this.#provider = p ?? null));
  }

  /** A new token source may be another account or tenant: the wait and progress shown were not its. */
  #changeTokenSource(set) {
    const before = this.#getToken ?? this.#provider;
    set();
    if (before && (this.#getToken ?? this.#provider) !== before) {
      this.#stopCountdown();
      this.#stopWatching();
    }
    this.#renderMissing();
  }

  /** The last sync result (null before the first). */
  get lastResult() {
    return this.#lastResult;
  }

  /** The last status read (a SyncStatus, a failure result, or null). */
  get status() {
    return this.#status;
  }

  get cloud() {
    return this.getAttribute("cloud");
  }
  set cloud(v) {
    this.#reflect("cloud", v);
  }
  get baseUrl() {
    return this.getAttribute("base-url");
  }
  set baseUrl(v) {
    this.#reflect("base-url", v);
  }
  get timeoutMs() {
    return this.#number("timeout-ms");
  }
  set timeoutMs(v) {
    this.#reflect("timeout-ms", v);
  }

  /** Starts a sync, exactly as a click on the button; resolves with the result. */
  sync() {
    if (this.#busy) return this.#busy;
    this.#busy = this.#runSync().finally(() => {
      this.#busy = null;
      this.#updateButton();
    });
    this.#updateButton();
    return this.#busy;
  }

  /** Reads the sync status; resolves with it (a SyncStatus or a failure result). */
  async refreshStatus() {
    const client = await this.#client();
    let s;
    try {
      s = await client.getSyncStatus();
    } catch (e) {
      this.#fail(e);
      throw e;
    }
    this.#setStatus(s);
    return s;
  }

  // ---------- options and client ----------

  #reflect(name, v) {
    if (v === null || v === undefined) this.removeAttribute(name);
    else this.setAttribute(name, String(v));
  }

  /** A number attribute; a value that is not a number goes to the package as is, which refuses it. */
  #number(name) {
    const raw = this.getAttribute(name);
    if (raw === null) return undefined;
    const n = Number(raw.trim());
    return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
  }

  #options() {
    const o = {};
    const cloud = this.getAttribute("cloud");
    const baseUrl = this.getAttribute("base-url");
    const timeoutMs = this.#number("timeout-ms");
    if (cloud !== null) o.cloud = cloud;
    if (baseUrl !== null) o.baseUrl = baseUrl;
    if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
    return o;
  }

  #tokenSource() {
    if (this.#getToken) return this.#getToken;
    if (this.#provider) return (req) => this.#provider.getToken(req);
    return null;
  }

  /** Checks the attributes with the package's own option checks; a refusal is shown and dispatched. */
  async #checkOptions() {
    const check = ++this.#checks;
    try {
      await init();
      if (check !== this.#checks) return;
      createSyncClient({ ...this.#options(), getToken: () => "" });
      this.#configError = null;
      this.#showError(null);
      this.#renderMissing();
    } catch (e) {
      if (check !== this.#checks) return;
      this.#configError = e;
      this.#fail(e);
    }
  }

  async #client() {
    const getToken = this.#tokenSource();
    if (!getToken) {
      const e = new SyncError(SyncErrorCode.tokenUnavailable, MISSING_TOKEN);
      this.#fail(e);
      throw e;
    }
    try {
      await init();
      return createSyncClient({ ...this.#options(), getToken });
    } catch (e) {
      this.#fail(e);
      throw e;
    }
  }

  // ---------- sync ----------

  async #runSync() {
    const hadFocus = this.#root.activeElement === this.#ui.button;
    const client = await this.#client();
    this.#showError(null);
    this.#stopWatching();
    let r;
    try {
      r = await client.triggerSync();
    } catch (e) {
      this.#fail(e);
      throw e;
    }
    this.#lastResult = r;
    this.#renderOutcome(r);
    this.#renderSupport(r, "POST windowsAutopilotSettings/sync");
    this.#dispatch("autopilot-sync-result", r);
    // The status tells the wait after a 429/409, progress after a start, and the last sync.
    const refused = r.outcome === Outcome.throttled || r.outcome === Outcome.alreadyInProgress;
    const running = r.outcome === Outcome.started || r.outcome === Outcome.alreadyInProgress;
    const wantsStatus = refused || running || r.outcome === Outcome.timeout;
    const status = wantsStatus ? await client.getSyncStatus().catch(() => null) : null;
    if (status) this.#setStatus(status);
    // Each answer replaces the wait an earlier one announced; only a refusal sets one.
    const until = refused ? nextSyncAllowedAt(r, status) : null;
    if (until === null) this.#stopCountdown();
    // After a 429 Sync now waits for the countdown; after a 409 the wait is shown, but the
    // button stays (the running sync is followed below).
    else this.#startCountdown((until - Date.now()) / 1000, { blocking: r.outcome === Outcome.throttled });
    if (running) this.#watchProgress(client);
    // The button is disabled during a countdown: keep keyboard users where the answer is.
    if (hadFocus && this.#ui.button.disabled) this.#ui.message.focus();
    return r;
  }

  #updateButton() {
    const busy = this.#busy !== null;
    // While working the button keeps its focus (aria-disabled; a click joins the sync in
    // flight); during the countdown after a 429 it is disabled.
    if (busy) this.#ui.button.setAttribute("aria-disabled", "true");
    else this.#ui.button.removeAttribute("aria-disabled");
    this.#ui.button.disabled = Boolean(this.#countdown?.blocking);
    this.#ui.busy.hidden = !busy;
    this.toggleAttribute("busy", busy);
  }

  // ---------- rendering ----------

  /** Dispatches a bubbling, composed event; false when a listener cancelled it. */
  #dispatch(type, detail, { cancelable = false } = {}) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  #fail(e) {
    if (e?.name === "AbortError") return;
    this.#showError(e?.name === "SyncError" ? e.message : `Something went wrong: ${e?.message ?? e}`, e?.code);
    this.#dispatch("autopilot-sync-error", e);
  }

  #showError(text, code) {
    this.#ui.error.textContent = text ?? "";
    this.#ui.error.hidden = !text;
    if (text && typeof code === "string") this.#ui.error.dataset.code = code;
    else delete this.#ui.error.dataset.code;
  }

  #renderMissing() {
    if (this.#configError) return;
    const missing = !this.#tokenSource();
    this.toggleAttribute("needs-token", missing);
    if (missing) this.#showError(MISSING_TOKEN, SyncErrorCode.tokenUnavailable);
    else if (this.#ui.error.dataset.code === SyncErrorCode.tokenUnavailable) this.#showError(null);
  }

  #renderOutcome(r) {
    const o = OutcomeText[r.outcome] ?? OutcomeText.unexpectedResponse;
    const m = this.#ui.message;
    m.dataset.outcome = r.outcome in OutcomeText ? r.outcome : Outcome.unexpectedResponse;
    m.dataset.kind = o.kind;
    const title = document.createElement("strong");
    title.className = "title";
    title.textContent = o.title;
    const text = document.createElement("p");
    text.className = "text";
    text.textContent = r.message;
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = o.hint;
    m.replaceChildren(title, text, hint);
    m.tabIndex = -1;
    this.setAttribute("outcome", m.dataset.outcome);
  }

  #setStatus(s) {
    this.#status = s;
    if (s.ok) {
      const last = s.lastSyncDateTime === null ? NaN : Date.parse(s.lastSyncDateTime);
      if (!Number.isFinite(last)) this.#ui.last.textContent = "never";
      else {
        const t = document.createElement("time");
        setTime(t, last);
        this.#ui.last.replaceChildren(t);
      }
    }
    this.#dispatch("autopilot-sync-status", s);
  }

  #renderSupport(r, call) {
    const rows = [["Call", call], ...SUPPORT_FIELDS.map(([k, label]) => [label, r[k]])];
    const nodes = [];
    for (const [label, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
      nodes.push(dt, dd);
    }
    this.#ui.facts.replaceChildren(...nodes);
    this.#support = [`call: ${call}`, ...SUPPORT_FIELDS.map(([k]) => `${k}: ${r[k] ?? ""}`), `page time: ${new Date().toISOString()}`].join("\n");
    this.#ui.details.hidden = false;
    this.#ui.copied.textContent = "";
    this.#ui.copyText.hidden = true;
  }

  async #copySupport() {
    if (!this.#support) return;
    try {
      await navigator.clipboard.writeText(this.#support);
      this.#ui.copied.textContent = "Copied.";
    } catch {
      const t = this.#ui.copyText;
      t.value = this.#support;
      t.hidden = false;
      t.focus();
      t.select();
      this.#ui.copied.textContent = "The browser did not allow copying: the details are selected, press Ctrl+C (⌘C).";
    }
  }

  // ---------- countdown ----------

  #stopCountdown() {
    if (this.#countdown) clearInterval(this.#countdown.timer);
    this.#countdown = null;
    this.#ui.countdown.hidden = true;
    delete this.#ui.countdown.dataset.seconds;
    this.#updateButton();
  }

  #startCountdown(seconds, { blocking }) {
    this.#stopCountdown();
    const until = Date.now() + seconds * 1000;
    const tick = () => {
      const left = (until - Date.now()) / 1000;
      if (left <= 0) {
        this.#stopCountdown();
        this.#announce("You can start a sync again.");
        return;
      }
      this.#ui.left.textContent = formatDuration(left);
    };
    this.#countdown = { until, blocking, timer: setInterval(tick, 1000) };
    setTime(this.#ui.at, until, { timeOnly: true });
    this.#ui.countdown.dataset.seconds = String(Math.ceil(seconds));
    this.#ui.countdown.hidden = false;
    tick();
    this.#updateButton();
  }

  #announce(text) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = text;
    this.#ui.message.append(p);
  }

  // ---------- progress ----------

  #stopWatching() {
    if (!this.#watch) return;
    this.#watch.abort.abort();
    clearInterval(this.#watch.timer);
    this.#watch = null;
  }

  #watchProgress(client) {
    this.#stopWatching();
    const abort = new AbortController();
    const startedAt = Date.now();
    const me = { abort, timer: setInterval(() => (this.#ui.elapsed.textContent = formatDuration((Date.now() - startedAt) / 1000)), 1000) };
    this.#watch = me;
    const ui = this.#ui;
    ui.elapsed.textContent = "0:00";
    ui.progress.dataset.state = SyncState.inProgress;
    ui.state.textContent = progressText(SyncState.inProgress);
    ui.bar.removeAttribute("value");
    ui.progress.hidden = false;
    const interval = this.#number("interval-ms");
    const intervalMs = typeof interval === "number" && interval > 0 ? interval : DEFAULT_INTERVAL_MS;
    const onUpdate = (s) => {
      if (this.#watch !== me) return;
      this.#setStatus(s);
      if (s.ok) ui.state.textContent = progressText(s.syncStatus);
    };
    client
      .waitForSync({ intervalMs, signal: abort.signal, onUpdate })
      .then((s) => {
        if (this.#watch !== me) return;
        const state = s.ok && isFinalSyncState(s.syncStatus) ? s.syncStatus : SyncState.unknown;
        ui.progress.dataset.state = state;
        ui.state.textContent = s.ok ? progressText(state) : `Stopped following the sync: ${s.message}`;
        this.#announce(ui.state.textContent + (ui.state.textContent.endsWith(".") ? "" : "."));
      })
      .catch((e) => {
        if (this.#watch !== me || e?.name === "AbortError") return;
        ui.progress.dataset.state = SyncState.unknown;
        ui.state.textContent = e?.code === SyncErrorCode.waitTimeout ? "Stopped following the sync after a long wait; refresh the status later." : "Stopped following the sync.";
        if (e?.code !== SyncErrorCode.waitTimeout) this.#fail(e);
      })
      .finally(() => {
        if (this.#watch !== me) return;
        clearInterval(me.timer);
        this.#watch = null;
        ui.bar.max = 1;
        ui.bar.value = 1;
      });
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, AutopilotSyncElement);
