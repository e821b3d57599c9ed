// The admin page: connection (with what the token says), "Sync now" with one visible state
// per outcome and a warning before it when the token will probably fail, live progress,
// the Devices card, status card, support details and this session's history.
// Outcome texts, final states, the next allowed sync and every cloud/host rule come from
// the package (autopilot-sync), never from a copy here.
import init, { Outcome, OutcomeText, CloudInfo, isLoopbackHost } from "autopilot-sync";
import "autopilot-sync/element";
import { $, show, setText, setTime, timeElement, remember, remembered } from "./dom.js";
import { CLOUDS, Connection, PageError, graphRootVerdict, parseAuthority } from "./connection.js";
import { TokenPanel } from "./token.js";

const params = new URLSearchParams(location.search);
const positive = (name) => {
  const n = Number(params.get(name));
  return Number.isFinite(n) && n > 0 ? n : undefined;
};
const HISTORY_SIZE = 10;
const KEY = { cloud: "autopilot-sync:cloud", mode: "autopilot-sync:mode" };

const ERRORS = {
  invalidToken: "Paste an access token first: one line of plain text, as Graph Explorer shows it.",
  tokenUnavailable: "No token could be obtained; sign in again.",
  signInCancelled: "Sign-in was cancelled. Press Sign in to try again.",
  interactionInProgress: "A sign-in window is already open in this page: finish it or close it, then try again.",
  popupBlocked: "The browser blocked the sign-in window. Allow pop-ups for this page, then press Sign in again.",
};

const el = {
  cloud: $("cloud"), cloudSim: $("cloud-sim"), cloudCustom: $("cloud-custom"), graphRoot: $("graph-root"),
  modeSimChoice: $("mode-sim-choice"), panels: { sim: $("panel-sim"), paste: $("panel-paste"), signin: $("panel-signin") },
  simAccount: $("sim-account"), token: $("token"), tokenClear: $("token-clear"),
  clientId: $("client-id"), tenantId: $("tenant-id"), tenantField: $("tenant-field"),
  signIn: $("sign-in"), signOut: $("sign-out"), accountName: $("account-name"),
  authorityNote: $("authority-note"), authorityValue: $("authority-value"),
  formError: $("form-error"), card: $("sync-card"), devices: $("devices-card"), outcomeActions: $("outcome-actions"),
  actionPaste: $("action-paste"), actionSignin: $("action-signin"),
  stStatus: $("st-status"), stLastSync: $("st-last-sync"), stLastTrigger: $("st-last-trigger"), stNext: $("st-next"),
  statusNote: $("status-note"), statusRefresh: $("status-refresh"),
  supportCopy: $("support-copy"), copyFeedback: $("copy-feedback"), supportText: $("support-text"), supportTextLabel: $("support-text-label"),
  historyList: $("history-list"), historyEmpty: $("history-empty"), announcer: $("announcer"),
};

let connection;
let tokenPanel; // what the token says, and the warning before Sync now
let support = null; // the lines of the last support details

// ---------- small view pieces ----------

function announce(text) {
  // Clear first so the same sentence twice is announced twice.
  el.announcer.textContent = "";
  setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
}

function formError(text) {
  el.formError.textContent = text ?? "";
  show(el.formError, Boolean(text));
}

function showError(e) {
  if (e?.name === "AbortError") return;
  // The page's own reasons travel through getToken as the cause of a tokenUnavailable.
  if (e?.code === "tokenUnavailable" && e.cause instanceof PageError) e = e.cause;
  const code = e?.code === "tokenUnavailable" && connection?.mode === "paste" ? "invalidToken" : e?.code;
  let text;
  if (e?.name === "SyncError" || e instanceof PageError) {
    text = ERRORS[code] ?? e.message;
    if (code === "signInFailed" && e.errorCode) text = `Sign-in failed (${e.errorCode}): ${e.message}`;
  } else {
    text = `Something went wrong: ${e?.message ?? e}`;
  }
  formError(text);
  el.formError.dataset.code = typeof code === "string" && /^[A-Za-z]+$/.test(code) ? code : "error";
}

// ---------- status card ----------

function renderStatus(s) {
  setText(el.stStatus, s.syncStatus);
  el.stStatus.dataset.status = s.syncStatus;
  setTime(el.stLastSync, s.lastSyncDateTime);
  setTime(el.stLastTrigger, s.lastManualSyncTriggerDateTime);
  setTime(el.stNext, s.nextManualSyncAt, "now");
  el.statusNote.replaceChildren("Read at ", timeElement(Date.now(), { timeOnly: true }), ".");
}

function clearStatus() {
  for (const dd of [el.stStatus, el.stLastSync, el.stLastTrigger, el.stNext]) setText(dd, null);
  delete el.stStatus.dataset.status;
}

/** Shows a status read in the card; a failure goes to the support details unless it followed a sync. */
function showStatus(s, { afterSync = false } = {}) {
  if (s.ok) {
    renderStatus(s);
  } else {
    clearStatus();
    el.statusNote.textContent = `Status unavailable: ${s.message}`;
    if (!afterSync) renderSupport(s, "GET windowsAutopilotSettings");
  }
}

/** Reads the status into the card (the element's reads during a sync arrive as events). */
async function refreshStatus(calls, { afterSync = false } = {}) {
  if (!calls) {
    if (!connection.canReadQuietly()) {
      clearStatus();
      el.statusNote.textContent = "Choose how to connect to read the status.";
      return null;
    }
    try {
      calls = await connection.calls();
    } catch (e) {
      showError(e);
      return null;
    }
  }
  try {
    const s = await calls.status();
    showStatus(s, { afterSync });
    return s;
  } catch (e) {
    showError(e);
    return null;
  }
}

// ---------- support details and history ----------

const SUPPORT_FIELDS = ["outcome", "httpStatus", "errorCode", "errorMessage", "requestId", "clientRequestId", "date"];

function renderSupport(r, call) {
  setText($("sd-call"), call);
  for (const f of SUPPORT_FIELDS) setText($(`sd-${f}`), r[f]);
  support = [`call: ${call}`, ...SUPPORT_FIELDS.map((f) => `${f}: ${r[f] ?? ""}`), `page time: ${new Date().toISOString()}`];
  el.supportCopy.disabled = false;
  el.copyFeedback.textContent = "";
  show(el.supportText, false);
  show(el.supportTextLabel, false);
}

async function copySupport() {
  if (!support) return;
  const text = support.join("\n");
  try {
    await navigator.clipboard.writeText(text);
    el.copyFeedback.textContent = "Copied.";
  } catch {
    el.supportText.value = text;
    show(el.supportTextLabel, true);
    show(el.supportText, true);
    el.supportText.focus();
    el.supportText.select();
    el.copyFeedback.textContent = "The browser did not allow copying: the details are selected below, press Ctrl+C (⌘C).";
  }
}

function addHistory(r) {
  const li = document.createElement("li");
  li.dataset.outcome = r.outcome in OutcomeText ? r.outcome : "other";
  const outcome = document.createElement("strong");
  outcome.textContent = r.outcome;
  const status = document.createElement("span");
  status.textContent = r.httpStatus === null ? "no answer" : `HTTP ${r.httpStatus}`;
  li.append(timeElement(Date.now(), { timeOnly: true }), " ", outcome, " ", status);
  el.historyList.prepend(li);
  while (el.historyList.children.length > HISTORY_SIZE) el.historyList.lastElementChild.remove();
  show(el.historyEmpty, false);
}

// ---------- the sync card: the package's <autopilot-sync> element ----------
// The element owns Sync now, the outcome, the countdown and the progress; the page
// feeds it the connection and mirrors its events into the status, support and history cards.

/** Hands the current connection to the element: where calls go, and a fresh token source. */
function configureCard() {
  const o = connection.options();
  const simulatedGraph = connection.mode === "sim" || connection.target === "sim";
  const set = (element, name, value) => (value === undefined ? element.removeAttribute(name) : element.setAttribute(name, String(value)));
  // The Devices card (the package's <autopilot-sync-devices>) calls the same Graph root; a
  // new connection stops a watch in progress there.
  for (const card of [el.card, el.devices]) {
    set(card, "cloud", o.cloud);
    set(card, "base-url", o.baseUrl);
    set(card, "timeout-ms", o.timeoutMs);
  }
  set(el.card, "interval-ms", positive("intervalMs") ?? (simulatedGraph ? 1000 : 15000));
  // Device reads: every 5 s (the package's floor) against the simulator, else the package's default.
  set(el.devices, "interval-ms", positive("devicesIntervalMs") ?? (simulatedGraph ? 5000 : undefined));
  set(el.devices, "wait-timeout-ms", positive("devicesTimeoutMs"));
  // A fresh arrow each time: the element drops the countdown and progress of the previous token.
  el.card.getToken = (request) => connection.getToken(request);
  el.devices.getToken = (request) => connection.getToken(request);
  describeConnectionToken();
}

/** Shows what the current token says, for the Graph root the calls go to. */
function describeConnectionToken() {
  tokenPanel.show(connection.knownToken(), connection.options());
}

/** Outcomes after which the element reads no status itself; the page reads it for its card. */
const NO_STATUS_READ = [Outcome.unauthorized, Outcome.forbidden, Outcome.serviceUnavailable, Outcome.unexpectedResponse, Outcome.networkError];
function wireCard() {
  el.card.addEventListener("autopilot-sync-result", (e) => {
    const r = e.detail;
    formError("");
    renderSupport(r, "POST windowsAutopilotSettings/sync");
    addHistory(r);
    const actions = r.outcome === Outcome.unauthorized;
    show(el.outcomeActions, actions);
    show(el.actionPaste, actions);
    show(el.actionSignin, actions);
    if (NO_STATUS_READ.includes(r.outcome)) refreshStatus(undefined, { afterSync: true });
  });
  el.card.addEventListener("autopilot-sync-status", (e) => showStatus(e.detail, { afterSync: true }));
  el.card.addEventListener("autopilot-sync-error", (e) => showError(e.detail));
}

// ---------- connection UI ----------

let simulated = false;

function renderAccount(account) {
  const name = account ? account.name || account.username || "signed in" : "nobody";
  el.accountName.textContent = name;
  show(el.signOut, Boolean(account));
  el.signIn.textContent = account ? "Sign in as someone else" : "Sign in";
  if (tokenPanel) describeConnectionToken();
}

function setMode(mode, { quiet = false } = {}) {
  if (mode === "sim" && !simulated) mode = "paste";
  if (!["sim", "paste", "signin"].includes(mode)) mode = simulated ? "sim" : "paste";
  connection.mode = mode;
  remember(KEY.mode, mode);
  $(`mode-${mode}`).checked = true;
  for (const [name, panel] of Object.entries(el.panels)) show(panel, name === mode);
  el.cloud.disabled = mode === "sim";
  el.cloud.value = mode === "sim" ? "sim" : connection.target;
  el.graphRoot.textContent = connection.graphRoot();
  configureCard();
  if (quiet) return;
  formError("");
  if (mode === "signin" && connection.clientId) {
    connection.ensureProvider().then(() => refreshStatus(), showError);
  } else {
    refreshStatus();
  }
}

function wire() {
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => radio.checked && setMode(radio.value));
  }
  el.cloud.addEventListener("change", () => {
    connection.target = el.cloud.value;
    remember(KEY.cloud, el.cloud.value);
    el.graphRoot.textContent = connection.graphRoot();
    configureCard();
  });
  el.simAccount.addEventListener("change", () => {
    connection.simToken = el.simAccount.value;
    configureCard();
    refreshStatus();
  });
  el.token.addEventListener("input", () => {
    connection.pasted = el.token.value;
    configureCard();
  });
  el.token.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      tokenPanel.requestSync(); // asks first when the token will probably fail
    }
  });
  el.tokenClear.addEventListener("click", () => {
    el.token.value = "";
    connection.pasted = "";
    el.token.focus();
  });
  const ids = () => connection.setClientIds(el.clientId.value, el.tenantId.value);
  el.clientId.addEventListener("change", ids);
  el.tenantId.addEventListener("change", ids);
  el.signIn.addEventListener("click", async () => {
    formError("");
    ids();
    el.signIn.disabled = true;
    try {
      await connection.signIn();
      announce(`Signed in as ${el.accountName.textContent}.`);
      await refreshStatus();
    } catch (e) {
      showError(e);
    } finally {
      el.signIn.disabled = false;
    }
  });
  el.signOut.addEventListener("click", async () => {
    formError("");
    el.signOut.disabled = true;
    try {
      await connection.signOut();
      announce("Signed out.");
    } catch (e) {
      showError(e);
    } finally {
      el.signOut.disabled = false;
    }
  });
  el.actionPaste.addEventListener("click", () => {
    setMode("paste", { quiet: true });
    el.token.value = "";
    connection.pasted = "";
    el.token.focus();
  });
  el.actionSignin.addEventListener("click", () => {
    setMode("signin", { quiet: true });
    (connection.clientId ? el.signIn : el.clientId).focus();
    if (connection.clientId) el.signIn.click();
  });
  wireCard();
  el.statusRefresh.addEventListener("click", async () => {
    formError("");
    el.statusRefresh.disabled = true;
    try {
      const calls = await connection.calls();
      await refreshStatus(calls);
    } catch (e) {
      showError(e);
    } finally {
      el.statusRefresh.disabled = false;
    }
  });
  el.supportCopy.addEventListener("click", copySupport);
  $("connection-form").addEventListener("submit", (e) => e.preventDefault());
}

async function detectSimulator() {
  try {
    const res = await fetch("/_sim/state", { cache: "no-store", signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main() {
  const [sim] = await Promise.all([detectSimulator(), init()]);
  simulated = sim;
  const authority = parseAuthority(params.get("authority"));
  const custom = params.has("baseUrl") ? graphRootVerdict(params.get("baseUrl")) : null;
  const interaction = params.get("interaction") === "redirect" ? "redirect" : undefined;
  connection = new Connection({
    simulated,
    timeoutMs: positive("timeoutMs"),
    authority: authority?.authority ? authority : undefined,
    clientId: params.get("clientId") ?? undefined,
    tenantId: params.get("tenantId") ?? undefined,
    interaction,
    graphRoot: custom?.graphRoot,
    onAccount: renderAccount,
    onError: showError,
    onToken: () => describeConnectionToken(),
  });
  tokenPanel = new TokenPanel({ card: el.card, announce });
  // The cloud list names each cloud's Graph host as the package knows it.
  for (const option of el.cloud.options) {
    const info = CloudInfo[option.value];
    if (info) option.textContent = `${option.dataset.label} (${new URL(info.graphRoot).host})`;
  }
  if (simulated) {
    show(el.modeSimChoice, true);
    show(el.cloudSim, true);
    el.cloudSim.disabled = false;
  }
  const cloud = params.get("cloud") ?? remembered(KEY.cloud);
  if (CLOUDS.includes(cloud) || (cloud === "sim" && simulated)) connection.target = cloud;
  // "Sign in as a simulated admin": a loopback authority pairs with the simulated Graph.
  if (simulated && authority?.host && !params.get("cloud") && isLoopbackHost(new URL(authority.authority).hostname)) connection.target = "sim";
  if (custom?.graphRoot) {
    connection.target = "custom";
    el.cloudCustom.textContent = `Custom Graph root (${custom.graphRoot})`;
    show(el.cloudCustom, true);
    el.cloudCustom.disabled = false;
  }
  el.cloud.value = connection.target;
  el.clientId.value = connection.clientId;
  el.tenantId.value = connection.tenantId;
  if (authority?.authority) {
    el.authorityValue.textContent = authority.authority;
    show(el.authorityNote, true);
    show(el.tenantField, false);
  }
  renderAccount(null);
  wire();
  const wanted = params.get("mode") ?? (authority?.authority || params.get("clientId") ? "signin" : remembered(KEY.mode));
  setMode(wanted ?? (simulated ? "sim" : "paste"), { quiet: true });
  if (authority?.error) formError(authority.error);
  if (custom?.error) formError(custom.error);
  if (connection.mode === "signin" && connection.clientId) {
    // Picks up an account MSAL already has (or a redirect sign-in that just came back).
    await connection.ensureProvider().catch(showError);
  }
  await refreshStatus();
  document.documentElement.dataset.ready = "true";
}

main().catch((e) => {
  formError(`The page could not start: ${e?.message ?? e}`);
  document.documentElement.dataset.ready = "failed";
});
