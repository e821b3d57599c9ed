// Comparator (a), the floor: the same POST written by hand with `fetch`, mapping the
// answer to the same result shape as autopilot-sync (204 → started, 409 →
// alreadyInProgress, 429 → throttled with Retry-After, other statuses, network error,
// timeout). No retries. Bundled by bench/run.mjs with esbuild.
const GRAPH = "https://graph.microsoft.com";
const SYNC_PATH = "/beta/deviceManagement/windowsAutopilotSettings/sync";

const OUTCOMES = {
  401: ["unauthorized", false, "The access token was rejected; sign in again."],
  403: ["forbidden", false, "Needs DeviceManagementServiceConfig.ReadWrite.All and an Intune licence."],
  409: ["alreadyInProgress", true, "A sync is already in progress."],
  429: ["throttled", true, "Intune allows one sync every 10 minutes; try again later."],
  500: ["serviceUnavailable", true, "Intune is unavailable; try again later."],
};
OUTCOMES[502] = OUTCOMES[503] = OUTCOMES[504] = OUTCOMES[500];

function retryAfterSeconds(value) {
  if (value === null) return null;
  const n = Number(value);
  if (value.trim() !== "" && Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - Date.now()) / 1000));
}

/** Maps a fetch Response (any status) to a result; reads the error body when there is one. */
export async function mapResponse(res, clientRequestId) {
  const h = res.headers;
  const result = {
    ok: res.status >= 200 && res.status < 300,
    outcome: "started",
    httpStatus: res.status,
    retryable: false,
    retryAfterSeconds: null,
    message: "The Windows Autopilot sync has started.",
    errorCode: null,
    errorMessage: null,
    requestId: h.get("request-id"),
    clientRequestId: clientRequestId ?? h.get("client-request-id"),
    date: h.get("date"),
  };
  if (result.ok) return result;
  const [outcome, retryable, message] = OUTCOMES[res.status] ?? [
    "unexpectedResponse",
    false,
    `Graph answered with HTTP ${res.status}.`,
  ];
  Object.assign(result, { outcome, retryable, message, retryAfterSeconds: retryAfterSeconds(h.get("retry-after")) });
  try {
    const err = (await res.json())?.error;
    if (err) {
      result.errorCode = typeof err.code === "string" ? err.code : null;
      result.errorMessage = typeof err.message === "string" ? err.message : null;
      result.requestId ??= err.innerError?.["request-id"] ?? null;
      result.date = err.innerError?.date ?? result.date;
    }
  } catch {
    // not JSON: keep the status-based result
  }
  return result;
}

/** A result for a request that got no answer. */
export function noAnswer(timedOut, clientRequestId) {
  return {
    ok: false,
    outcome: timedOut ? "timeout" : "networkError",
    httpStatus: null,
    retryable: true,
    retryAfterSeconds: null,
    message: timedOut ? "Graph did not answer in time." : "Graph could not be reached.",
    errorCode: null,
    errorMessage: null,
    requestId: null,
    clientRequestId,
    date: null,
  };
}

/** One POST; resolves with a result, never rejects for HTTP or network failures. */
export async function triggerSync(token, { baseUrl = GRAPH, timeoutMs = 30000 } = {}) {
  const clientRequestId = crypto.randomUUID();
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(baseUrl + SYNC_PATH, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/json",
        "client-request-id": clientRequestId,
      },
      signal: ctrl.signal,
    });
    return await mapResponse(res, clientRequestId);
  } catch {
    return noAnswer(ctrl.signal.aborted, clientRequestId);
  } finally {
    clearTimeout(timer);
  }
}

/** Nothing to load. */
export function ready() {
  return Promise.resolve();
}
