// Compiled with `tsc --strict --noEmit` by tests/api.test.mjs: the published types must
// describe real use precisely (discriminated unions, no `any`), and refuse misuse.
import init, {
  triggerSync,
  getSyncStatus,
  createSyncClient,
  describeToken,
  readSerials,
  syncTenants,
  type TenantRow,
  type SerialsRead,
  type SyncResult,
  type SyncStatusResult,
  type SyncError,
} from "autopilot-sync";

export async function demo(token: string): Promise<string> {
  await init();
  const r: SyncResult = await triggerSync(token, { cloud: "usGov", timeoutMs: 5000 });
  switch (r.outcome) {
    case "started": {
      const ok: true = r.ok;
      const status: number = r.httpStatus;
      const retry: false = r.retryable;
      return `${ok} ${status} ${retry}`;
    }
    case "throttled": {
      const wait: number | null = r.retryAfterSeconds;
      const retry: true = r.retryable;
      return `${wait} ${retry}`;
    }
    case "networkError":
    case "timeout": {
      const none: null = r.httpStatus;
      return `${none}`;
    }
    case "forbidden":
    case "unauthorized":
    case "unexpectedResponse": {
      const code: string | null = r.errorCode;
      const status: number = r.httpStatus;
      return `${code} ${status}`;
    }
    case "alreadyInProgress":
    case "serviceUnavailable":
      return r.message;
    default: {
      const never: never = r;
      return never;
    }
  }
}

export async function status(token: string): Promise<string | null> {
  const s: SyncStatusResult = await getSyncStatus(token, { baseUrl: "http://127.0.0.1:8080" });
  if (s.ok) {
    const st: "unknown" | "inProgress" | "completed" | "failed" = s.syncStatus;
    return s.nextManualSyncAt ?? st;
  }
  return s.outcome;
}

export async function client(): Promise<void> {
  const c = createSyncClient({ getToken: async ({ forceRefresh }) => (forceRefresh ? "b" : "a"), cloud: "china" });
  const last = await c.waitForSync({ intervalMs: 1000, onUpdate: (s) => void s.ok });
  if (last.ok) void last.lastSyncDateTime;
  try {
    await c.triggerSync({ signal: new AbortController().signal });
  } catch (e) {
    const err = e as SyncError;
    const code: "invalidToken" | "invalidOptions" | "tokenUnavailable" | "waitTimeout" | "signInFailed" | "signInCancelled" | "interactionInProgress" | "popupBlocked" | "internalError" | "aborted" | "msalUnavailable" = err.code;
    void code;
  }
}

// Misuse the types must refuse.
// @ts-expect-error unknown cloud
void triggerSync("t", { cloud: "mars" });
// @ts-expect-error the token is a string
void triggerSync(42);
// @ts-expect-error getToken is required
void createSyncClient({ cloud: "global" });
export async function noAnyLeaks(token: string): Promise<void> {
  const r = await triggerSync(token);
  // @ts-expect-error results are not `any`
  r.noSuchField.toString();
}

export async function tenants(tokens: Record<string, string>): Promise<string[]> {
  const d = describeToken(tokens.a, { cloud: "global" });
  const tenant: string | null = d.tenantId;
  const canSync: boolean | null = d.canSync;
  for (const p of d.problems) {
    const c: "expired" | "notYetValid" | "wrongAudience" | "wrongCloud" | "missingPermission" = p.code;
    void c;
  }
  void tenant;
  void canSync;
  const rows: TenantRow[] = await syncTenants(
    Object.keys(tokens).map((id) => ({ id, label: id.toUpperCase(), getToken: () => tokens[id] })),
    { concurrency: 4, skipIfCoolingDown: true, onResult: (row, i) => void [row.tenant, i] },
  );
  return rows.map((row) => {
    if ("error" in row) return `${row.tenant}: ${row.error.code}`;
    const at: string | null = row.result.nextAttemptAt;
    return `${row.label ?? row.tenant}: ${row.result.outcome} ${at}`;
  });
}
// @ts-expect-error concurrency is a number
void syncTenants([], { concurrency: "4" });
// @ts-expect-error every tenant needs getToken
void syncTenants([{ id: "a" }]);

// readSerials resolves (the devices wasm reads the text): awaited, a discriminated union.
export async function pasted(text: string): Promise<string[]> {
  const r = await readSerials(text);
  if (!r.ok) {
    const why: string = r.message;
    return [why];
  }
  const format: "lines" | "csv" = r.format;
  const counts: number = r.duplicates + r.skippedRows;
  void [format, counts];
  return r.serials;
}
// @ts-expect-error a Promise: the answer needs an await
export const notAwaited: SerialsRead = readSerials("A1");
// @ts-expect-error the text is a string
void readSerials(["A1"]);
