// `autopilot-sync/element`: the sync card as a custom element, <autopilot-sync>, and the
// opt-in devices card <autopilot-sync-devices> (at the end of this file).
// A real button, the outcome in plain words (announced), the countdown after 429/409,
// progress until completed/failed, the last sync time and support details with Copy.
// Shadow DOM built with DOM calls (no HTML parsing: fine under Trusted Types) and styled by
// a constructable stylesheet (no inline styles, so it runs under a strict CSP), themed
// through ::part() and --autopilot-sync-* custom properties.
// Every rule stays in the package (option checks, outcome texts, the 401 refresh, the next
// allowed time, final states): the element hands its attributes to createSyncClient and
// renders what comes back.
import init, {
  createSyncClient, nextSyncAllowedAt, isFinalSyncState, readSerials,
  DeviceStateText, Outcome, OutcomeText, SyncError, SyncErrorCode, SyncState, SyncStateText,
} from "./index.js";

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

// ---------- shared by both elements ----------

function reflect(el, name, v) {
  if (v === null || v === undefined) el.removeAttribute(name);
  else el.setAttribute(name, String(v));
}

/** A number attribute; a value that is not a number goes to the package as is, which refuses it. */
function numberAttr(el, name) {
  const raw = el.getAttribute(name);
  if (raw === null) return undefined;
  const n = Number(raw.trim());
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
}

/** The call options from the attributes `cloud`, `base-url` and `timeout-ms`. */
function callOptions(el) {
  const o = {};
  const cloud = el.getAttribute("cloud");
  const baseUrl = el.getAttribute("base-url");
  const timeoutMs = numberAttr(el, "timeout-ms");
  if (cloud !== null) o.cloud = cloud;
  if (baseUrl !== null) o.baseUrl = baseUrl;
  if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
  return o;
}

/** A property set on an element before it was upgraded shadows the accessor: take it over. */
function adoptUpgradedProperties(el, names) {
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(el, name)) {
      const value = el[name];
      delete el[name];
      el[name] = value;
    }
  }
}

/** Checks a token source as `getToken` (a function) or `provider` (an object with getToken); null is fine. */
function tokenSourceError(name, value) {
  if (value === null || value === undefined) return null;
  if (name === "getToken" ? typeof value === "function" : typeof value?.getToken === "function") return null;
  return new SyncError(
    SyncErrorCode.invalidOptions,
    name === "getToken"
      ? "getToken must be a function ({ forceRefresh }) => Promise<string>, or null."
      : "provider must be an object with a getToken({ forceRefresh }) method, or null.",
  );
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
    adoptUpgradedProperties(this, ["getToken", "provider"]);
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
    const refused = tokenSourceError("getToken", fn);
    if (refused) {
      this.#fail(refused);
      return;
    }
    this.#changeTokenSource(() => (this.#getToken = fn ?? null));
  }

  /** An object with getToken (for example a sign-in provider); used when getToken is not set. */
  get provider() {
    return this.#provider;
  }
  set provider(p) {
    const refused = tokenSourceError("provider", p);
    if (refused) {
      this.#fail(refused);
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
    reflect(this, name, v);
  }

  #number(name) {
    return numberAttr(this, name);
  }

  #options() {
    return callOptions(this);
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

// ---------- <autopilot-sync-devices>: follow devices by serial number ----------

const DEVICES_TAG = "autopilot-sync-devices";

const DEVICES_CSS = `
label { font-weight: 600; }
label.check, label.file { font-weight: 400; display: inline-flex; align-items: center; gap: 0.35rem; }
textarea, select, input[type="file"] { font: inherit; color: inherit; max-width: 100%; }
textarea, select { background: transparent; border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.35rem 0.5rem; }
textarea { display: block; width: 100%; margin-top: 0.25rem; font-family: var(--autopilot-sync-mono, ui-monospace, monospace); font-size: 0.9em; }
select:focus-visible, input:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.hint { font-size: 0.92em; }
[part~="read"][data-kind="error"] { color: var(--_error); }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-top: 1px solid var(--_border); overflow-wrap: anywhere; }
thead th { color: var(--_muted); border-top: none; }
thead th:nth-child(1) { width: 28%; }
thead th:nth-child(2) { width: 22%; }
tbody th { font-family: var(--autopilot-sync-mono, ui-monospace, monospace); font-weight: 400; }
td.state { font-weight: 600; border-left: 4px solid var(--_border); }
tr[data-kind="ok"] td.state { border-left-color: var(--_ok); color: var(--_ok); }
tr[data-kind="info"] td.state { border-left-color: var(--_info); }
tr[data-kind="warn"] td.state { border-left-color: var(--_warn); color: var(--_warn); }
tr[data-kind="error"] td.state { border-left-color: var(--_error); color: var(--_error); }
td.message .hint { display: block; font-size: 0.85em; }
[part~="summary"] strong { display: block; margin-top: 0.25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 30rem) {
  table, tbody, tr, th, td { display: block; width: auto; }
  thead { display: none; }
  tr { border-top: 1px solid var(--_border); padding: 0.35rem 0; }
  th, td { border-top: none; padding: 0.15rem 0.5rem; }
}
`;

/** The devices shadow tree; ids are scoped to the shadow root. */
function renderDevices() {
  return h("div", { class: "stack", part: "container" },
    h("div", {},
      h("label", { for: "device-serials" }, "Serial numbers"),
      h("textarea", { id: "device-serials", part: "serials", rows: "5", spellcheck: "false", autocomplete: "off", autocapitalize: "off", "aria-describedby": "device-serials-hint device-read" }),
      h("p", { class: "hint", id: "device-serials-hint" }, "One a line, or the CSV that Get-WindowsAutopilotInfo writes (its Device Serial Number column is used; other columns are ignored).")),
    h("div", { class: "row" },
      h("label", { class: "file", for: "device-file" }, "Or open a CSV file:"),
      h("input", { type: "file", id: "device-file", part: "file", accept: ".csv,.txt,text/csv,text/plain" })),
    h("p", { class: "hint", id: "device-read", part: "read", role: "status" }),
    h("div", { class: "row" },
      h("label", { class: "check" }, h("input", { type: "checkbox", id: "device-sync", part: "sync-if-missing" }), "Sync if missing"),
      h("label", { for: "device-until" }, "Wait until"),
      h("select", { id: "device-until", part: "until" },
        h("option", { value: "profileAssigned" }, "a profile is assigned"),
        h("option", { value: "registered" }, "registered"))),
    h("p", { class: "hint", id: "device-sync-hint" }, "Sync if missing: while a device is not listed yet, start one sync when Intune allows it (none running, 10-minute window open); never a retry of a refused sync."),
    h("div", { class: "row" },
      h("button", { type: "button", id: "device-watch", part: "button" }, "Watch"),
      h("button", { type: "button", id: "device-stop", part: "stop", class: "secondary", hidden: true }, "Stop")),
    h("p", { id: "device-error", part: "error", role: "alert", hidden: true }),
    h("div", { id: "device-result", part: "result", hidden: true },
      h("p", { id: "device-summary", part: "summary", role: "status" }),
      h("p", { class: "hint", id: "device-sync-note", part: "sync-note", hidden: true }),
      h("table", { id: "device-table", part: "table" },
        h("caption", { class: "visually-hidden" }, "Where each device stands"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Serial number"), h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, "What it means"))),
        h("tbody", { id: "device-rows" }))));
}

let devicesSheet;
function devicesStyles() {
  if (!devicesSheet) {
    devicesSheet = new CSSStyleSheet();
    devicesSheet.replaceSync(DEVICES_CSS);
  }
  return [styles(), devicesSheet];
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function timeNode(ms) {
  const t = document.createElement("time");
  setTime(t, ms, { timeOnly: true });
  return t;
}

/**
 * `<autopilot-sync-devices>`: serial numbers pasted or opened from a CSV, Watch / Stop,
 * "sync if missing" and a live table of each device's state and message. Reading the
 * serials, the states, their labels, the messages, when to stop and when to sync are the
 * package's (readSerials, waitForDevices, DeviceStateText); the element renders them.
 */
export class AutopilotSyncDevicesElement extends HTMLElement {
  static get observedAttributes() {
    return ["cloud", "base-url", "timeout-ms"];
  }

  #root;
  #ui;
  #getToken = null;
  #provider = null;
  #watch = null; // { abort }
  #rows = new Map(); // serial -> <tr>
  #lastReport = null;
  #reads = 0; // readSerials calls so far: only the latest one's answer is shown

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.adoptedStyleSheets = devicesStyles();
    this.#root.append(renderDevices());
    const q = (id) => this.#root.getElementById(id);
    this.#ui = {
      serials: q("device-serials"), file: q("device-file"), read: q("device-read"), sync: q("device-sync"),
      until: q("device-until"), watch: q("device-watch"), stop: q("device-stop"), error: q("device-error"),
      result: q("device-result"), summary: q("device-summary"), syncNote: q("device-sync-note"), rows: q("device-rows"),
    };
    this.#ui.serials.addEventListener("input", () => this.#describeInput().catch(() => {}));
    this.#ui.file.addEventListener("change", () => this.#openFile());
    this.#ui.watch.addEventListener("click", () => this.watch().catch(() => {}));
    this.#ui.stop.addEventListener("click", () => this.stop("Stopped; press Watch to follow the devices again."));
  }

  connectedCallback() {
    adoptUpgradedProperties(this, ["getToken", "provider"]);
    init().catch((e) => this.#fail(e)); // Watch's client; readSerials loads its own wasm on first use
    if (this.hasAttribute("sync-if-missing")) this.#ui.sync.checked = true;
    if (this.getAttribute("until") === "registered") this.#ui.until.value = "registered";
  }

  disconnectedCallback() {
    this.stop("Stopped: the element left the page.");
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue !== newValue) this.stop("Stopped: the connection changed. Press Watch to follow the devices with the new one.");
  }

  /** `({ forceRefresh }) => Promise<string>`, as for createSyncClient. */
  get getToken() {
    return this.#getToken;
  }
  set getToken(fn) {
    this.#setTokenSource("getToken", fn, () => (this.#getToken = fn ?? null));
  }

  /** Any object with getToken; used when getToken is not set. */
  get provider() {
    return this.#provider;
  }
  set provider(p) {
    this.#setTokenSource("provider", p, () => (this.#provider = p ?? null));
  }

  /** The serial numbers text (lines or CSV), as in the text box. */
  get serials() {
    return this.#ui.serials.value;
  }
  set serials(text) {
    this.#ui.serials.value = text ?? "";
    this.#describeInput().catch(() => {});
  }

  /** The last report (each onUpdate's), or null. */
  get lastReport() {
    return this.#lastReport;
  }

  /** Whether a watch is running. */
  get watching() {
    return this.#watch !== null;
  }

  #setTokenSource(name, value, set) {
    const refused = tokenSourceError(name, value);
    if (refused) {
      this.#fail(refused);
      return;
    }
    const before = this.#getToken ?? this.#provider;
    set();
    // A new token source may be another account or tenant: its devices are not the ones shown.
    if (before && (this.#getToken ?? this.#provider) !== before) this.stop("Stopped: the connection changed. Press Watch to follow the devices with the new one.");
  }

  #tokenSource() {
    if (this.#getToken) return this.#getToken;
    if (this.#provider) return (req) => this.#provider.getToken(req);
    return null;
  }

  #fail(e) {
    this.#showError(e?.name === "SyncError" ? e.message : `Something went wrong: ${e?.message ?? e}`);
    this.dispatchEvent(new CustomEvent("autopilot-sync-error", { detail: e, bubbles: true, composed: true }));
  }

  #showError(text) {
    this.#ui.error.textContent = text ?? "";
    this.#ui.error.hidden = !text;
  }

  /**
   * Says what the text holds as the admin types or pastes (the package reads it) and
   * resolves with that read (null for an empty box). Each call reads the text as it is
   * now; an answer that arrives after a later call started is returned but not shown
   * (typing fast: only the latest text's answer is on screen). A failed read rejects,
   * shown only when it is the latest.
   */
  async #describeInput() {
    const text = this.#ui.serials.value;
    const read = this.#ui.read;
    const mine = ++this.#reads;
    if (text.trim() === "") {
      read.textContent = "";
      delete read.dataset.kind;
      return null;
    }
    let r;
    try {
      r = await readSerials(text);
    } catch (e) {
      if (mine === this.#reads) this.#fail(e);
      throw e;
    }
    if (mine !== this.#reads) return r;
    read.dataset.kind = r.ok ? "ok" : "error";
    if (!r.ok) {
      read.textContent = r.message;
      return r;
    }
    const parts = [plural(r.serials.length, "serial number"), r.format === "csv" ? "from the CSV's serial number column" : "one a line"];
    if (r.duplicates) parts.push(`${plural(r.duplicates, "repeated one")} left out`);
    if (r.skippedRows) parts.push(`${plural(r.skippedRows, "row")} without a serial number skipped`);
    read.textContent = `${parts.join(", ")}.`;
    return r;
  }

  async #openFile() {
    const file = this.#ui.file.files?.[0];
    if (!file) return;
    let text;
    try {
      text = await file.text();
    } catch (e) {
      this.#fail(e);
      return;
    }
    this.#ui.serials.value = text;
    await this.#describeInput().catch(() => {});
  }

  #setWatching(on) {
    this.#ui.watch.disabled = on;
    this.#ui.stop.hidden = !on;
    this.#ui.result.dataset.watching = String(on);
    this.toggleAttribute("watching", on);
  }

  /** Stops the watch in progress; `why` is shown (and announced) in its place. */
  stop(why = "Stopped.") {
    if (!this.#watch) return;
    this.#watch.abort.abort();
    this.#watch = null;
    this.#setWatching(false);
    this.#ui.result.dataset.end = "stopped";
    this.#ui.summary.textContent = why;
  }

  /**
   * Starts watching the serials in the text box (or `serials`, which replaces its text),
   * exactly as a click on Watch; resolves with the final report, or null when stopped.
   */
  async watch(serials) {
    if (serials !== undefined) this.#ui.serials.value = (Array.isArray(serials) ? serials.join("\n") : serials) ?? "";
    this.#showError(null);
    // The text as it is at the click: its read (shown unless the admin typed on meanwhile).
    const [read] = await Promise.all([this.#describeInput(), init()]);
    if (!read || !read.ok) {
      const e = new SyncError(SyncErrorCode.invalidOptions, read ? read.message : "Paste at least one serial number first: one a line, or the CSV from Get-WindowsAutopilotInfo.");
      this.#fail(e);
      this.#ui.serials.focus();
      throw e;
    }
    const getToken = this.#tokenSource();
    if (!getToken) {
      const e = new SyncError(SyncErrorCode.tokenUnavailable, MISSING_TOKEN);
      this.#fail(e);
      throw e;
    }
    let client;
    try {
      client = createSyncClient({ ...callOptions(this), getToken });
    } catch (e) {
      this.#fail(e);
      throw e;
    }
    this.stop("");
    const me = { abort: new AbortController() };
    this.#watch = me;
    this.#lastReport = null;
    this.#renderRows(read.serials);
    this.#ui.result.dataset.end = "";
    this.#ui.summary.textContent = `Watching ${plural(read.serials.length, "device")}: first read…`;
    this.#ui.syncNote.hidden = true;
    this.#ui.result.hidden = false;
    this.#setWatching(true);
    const options = {
      until: this.#ui.until.value,
      sync: this.#ui.sync.checked ? "ifMissing" : "never",
      signal: me.abort.signal,
      onUpdate: (report) => {
        if (this.#watch !== me) return;
        this.#render(report);
        this.#dispatch("autopilot-sync-devices", report);
      },
    };
    for (const [attr, key] of [["interval-ms", "intervalMs"], ["wait-timeout-ms", "timeoutMs"]]) {
      const v = numberAttr(this, attr);
      if (v !== undefined) options[key] = v;
    }
    try {
      const report = await client.waitForDevices(read.serials, options);
      if (this.#watch !== me) return null;
      this.#watch = null;
      this.#setWatching(false);
      this.#render(report);
      this.#finish(report);
      this.#dispatch("autopilot-sync-devices-end", report);
      return report;
    } catch (e) {
      if (this.#watch !== me) return null;
      this.#watch = null;
      this.#setWatching(false);
      this.#ui.result.dataset.end = "error";
      this.#ui.summary.textContent = "Stopped: nothing more could be read.";
      this.#fail(e);
      throw e;
    }
  }

  #dispatch(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** One row per serial, in the package's order, before the first read answers. */
  #renderRows(serials) {
    this.#rows.clear();
    const trs = serials.map((serial) => {
      const tr = h("tr", {}, h("th", { scope: "row" }, serial), h("td", { class: "state" }, "…"), h("td", { class: "message" }, "Waiting for the first read."));
      tr.dataset.serial = serial;
      this.#rows.set(serial, tr);
      return tr;
    });
    this.#ui.rows.replaceChildren(...trs);
  }

  /** Every onUpdate: each device's state and message, what the read and the sync did. */
  #render(report) {
    this.#lastReport = report;
    const ui = this.#ui;
    if (!report.ok) {
      // The read failed; the package decides whether the wait goes on.
      ui.result.dataset.read = "failed";
      ui.summary.replaceChildren("Read at ", timeNode(Date.now()), `: ${report.message}`);
    } else {
      ui.result.dataset.read = "ok";
      for (const d of report.devices) this.#renderDevice(d);
      const counts = new Map();
      for (const d of report.devices) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
      const tally = [...counts].map(([state, n]) => `${n} ${(DeviceStateText[state]?.label ?? state).toLowerCase()}`);
      ui.summary.replaceChildren("Read at ", timeNode(Date.now()), `: ${tally.join(", ")}.`);
    }
    if (report.syncTriggeredAt) {
      const outcome = OutcomeText[report.syncOutcome]?.title ?? report.syncOutcome;
      ui.syncNote.replaceChildren("This watch asked for a sync at ", timeNode(Date.parse(report.syncTriggeredAt)), `: ${outcome}.`);
      ui.syncNote.dataset.outcome = report.syncOutcome;
      ui.syncNote.hidden = false;
    }
  }

  #renderDevice(d) {
    const tr = this.#rows.get(d.serialNumber);
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
    message.replaceChildren(d.message, ...(facts.length ? [h("span", { class: "hint" }, facts.join(" · "))] : []));
  }

  /** The end of a watch: done, time up, or a read that failed for good. */
  #finish(report) {
    let text;
    if (report.timedOut) {
      this.#ui.result.dataset.end = "timedOut";
      text = "Time is up: stopped waiting. The table shows where each device stood at the last read; press Watch to look again.";
    } else if (!report.ok) {
      this.#ui.result.dataset.end = "failed";
      text = `Stopped: ${report.message}`;
    } else {
      this.#ui.result.dataset.end = "done";
      text = "Done: every device reached the end of the wait (ready, or failed and needing you; see each message).";
    }
    this.#ui.summary.append(h("strong", {}, text));
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, AutopilotSyncElement);
if (!customElements.get(DEVICES_TAG)) customElements.define(DEVICES_TAG, AutopilotSyncDevicesElement);
