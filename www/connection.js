// Where Graph calls go and where their token comes from: the simulated tenant, a pasted
// token, or MSAL sign-in (autopilot-sync/msal, loaded only when sign-in is chosen).
// Clouds, hosts and the Graph-root and loopback rules are the package's: none is kept here.
import { getSyncStatus, createSyncClient, checkGraphRoot, isLoopbackHost, Cloud, CloudInfo, SyncError, SyncErrorCode } from "autopilot-sync";
import { remember, remembered } from "./dom.js";

export const CLOUDS = Object.values(Cloud);
const LOGIN_ORIGINS = CLOUDS.flatMap((c) => CloudInfo[c].signInHosts);
const KEY = { clientId: "autopilot-sync:clientId", tenantId: "autopilot-sync:tenantId" };

/** A page-level form error (not from the package), shown like a SyncError. */
export class PageError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "PageError";
    this.code = code;
  }
}

/**
 * The page's verdict on a custom Graph root (`?baseUrl=`): the package's own rule, so
 * the page never accepts an address the library would refuse, or the other way round.
 * Returns { graphRoot } or { error }.
 */
export function graphRootVerdict(value) {
  const v = checkGraphRoot(value);
  return v.ok ? { graphRoot: v.graphRoot } : { error: `The Graph root in the address was ignored: ${v.message}` };
}

/**
 * Reads `?authority=`: an https URL on a Microsoft login host or on loopback (the
 * simulator's local authority). Anything else is refused, so a link cannot send an
 * admin to someone else's sign-in page. Returns { authority, host } or { error }.
 */
export function parseAuthority(value) {
  if (!value) return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return { error: "The authority in the address is not a URL; it was ignored." };
  }
  if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash) {
    return { error: "The authority in the address must be a plain https URL; it was ignored." };
  }
  if (!isLoopbackHost(url.hostname) && !LOGIN_ORIGINS.includes(url.origin)) {
    return { error: "The authority in the address is not a Microsoft sign-in host or this machine; it was ignored." };
  }
  return { authority: url.href.replace(/\/$/, ""), host: url.host };
}

/**
 * The simulator's Graph root as the page calls it: the same simulator under the other
 * loopback name (127.0.0.1 <-> localhost). The browser then treats Graph as cross-origin,
 * as real Graph is, so CORS decides which headers the page can read (by default not
 * Retry-After: the countdown comes from the settings object).
 */
function simulatedGraphRoot() {
  const other = { "127.0.0.1": "localhost", localhost: "127.0.0.1" }[location.hostname];
  return other ? `${location.protocol}//${other}${location.port ? `:${location.port}` : ""}` : location.origin;
}

export class Connection {
  /**
   * @param {{ simulated: boolean, timeoutMs?: number, authority?: {authority: string, host: string},
   *   clientId?: string, tenantId?: string, interaction?: "popup" | "redirect",
   *   onAccount: (account: object | null) => void, onError: (error: Error) => void,
   *   onToken?: () => void }} setup  onToken: the sign-in token changed (see knownToken)
   */
  constructor(setup) {
    this.setup = setup;
    this.mode = "paste";
    this.target = setup.simulated ? "sim" : "global";
    this.simToken = "sim-admin-token";
    this.pasted = "";
    this.clientId = setup.clientId ?? remembered(KEY.clientId) ?? "";
    this.tenantId = setup.tenantId ?? remembered(KEY.tenantId) ?? "";
    this.provider = null;
    this.providerKey = "";
    this.signedInToken = null; // the last token MSAL handed out (memory only), for the token panel
  }

  /** The token calls will use, when known without asking anyone (none yet in sign-in mode before a call). */
  knownToken() {
    if (this.mode === "sim") return this.simToken;
    if (this.mode === "paste") return this.pasted.trim() || null;
    return this.provider?.account ? this.signedInToken : null;
  }

  /** Options shared by every call: the Graph root (simulator, custom or cloud) and the timeout. */
  options() {
    const o =
      this.mode === "sim" || this.target === "sim"
        ? { baseUrl: simulatedGraphRoot() }
        : this.target === "custom"
          ? { baseUrl: this.setup.graphRoot }
          : { cloud: this.target };
    if (this.setup.timeoutMs) o.timeoutMs = this.setup.timeoutMs;
    return o;
  }

  /** Human-readable Graph root, for the page. */
  graphRoot() {
    const o = this.options();
    if (o.baseUrl) return `${o.baseUrl} (${this.target === "custom" && this.mode !== "sim" ? "custom" : "simulated"})`;
    return CloudInfo[o.cloud].graphRoot;
  }

  /** Whether a status read can run without asking the user anything. */
  canReadQuietly() {
    if (this.mode === "sim") return true;
    if (this.mode === "paste") return this.pasted.trim() !== "";
    return Boolean(this.provider?.account);
  }

  setClientIds(clientId, tenantId) {
    this.clientId = clientId.trim();
    this.tenantId = tenantId.trim();
    // Remembered for next time, except values that came from the address (?clientId=).
    if (!this.setup.clientId) remember(KEY.clientId, this.clientId);
    if (!this.setup.tenantId) remember(KEY.tenantId, this.tenantId);
  }

  providerOptions() {
    if (!this.clientId) throw new PageError("missingClientId", "Enter the application (client) ID of your app registration first.");
    const o = {
      clientId: this.clientId,
      redirectUri: new URL("redirect.html", location.href).href,
      interaction: this.setup.interaction ?? "popup",
    };
    if (this.setup.authority) {
      o.authority = this.setup.authority.authority;
      o.knownAuthorities = [this.setup.authority.host];
      o.protocolMode = "OIDC";
    } else {
      if (this.tenantId) o.tenantId = this.tenantId;
      if (CLOUDS.includes(this.target)) o.cloud = this.target;
    }
    return o;
  }

  /** The MSAL token provider for the current settings, created on first use. */
  async ensureProvider() {
    const options = this.providerOptions();
    const key = JSON.stringify(options);
    if (this.provider && this.providerKey === key) return this.provider;
    let mod;
    try {
      mod = await import("autopilot-sync/msal");
    } catch (e) {
      throw new PageError("msalUnavailable", `The sign-in module (autopilot-sync/msal) could not be loaded: ${e?.message ?? e}`);
    }
    this.provider = await mod.createMsalTokenProvider(options);
    this.providerKey = key;
    this.setup.onAccount(this.provider.account ?? null);
    // A sign-in redirect that came back with an error (e.g. cancelled) reports it here.
    if (this.provider.redirectError) this.setup.onError(this.provider.redirectError);
    return this.provider;
  }

  async signIn() {
    const p = await this.ensureProvider();
    await p.signIn();
    this.setup.onAccount(p.account ?? null);
  }

  async signOut() {
    if (!this.provider) return;
    try {
      await this.provider.signOut();
    } finally {
      this.signedInToken = null;
      this.setup.onToken?.();
      this.setup.onAccount(this.provider.account ?? null);
    }
  }

  /**
   * The token of the current connection, as a client's getToken (the sync card's): the
   * simulated account's, the pasted one, or MSAL's (which may sign in first).
   */
  async getToken(request) {
    if (this.mode === "signin") {
      const provider = await this.ensureProvider();
      // getToken may sign in (no account yet): show whoever it signed in.
      try {
        const token = await provider.getToken(request);
        if (token !== this.signedInToken) {
          this.signedInToken = token;
          this.setup.onToken?.();
        }
        return token;
      } finally {
        this.setup.onAccount(provider.account ?? null);
      }
    }
    const token = this.mode === "sim" ? this.simToken : this.pasted.trim();
    if (!token) throw new SyncError(SyncErrorCode.invalidToken, "Paste an access token first.");
    return token;
  }

  /**
   * The status read for the current connection (the sync itself is the element's). Static
   * tokens use the package's plain function (as in the README's quick start); sign-in uses
   * a client, so a 401 makes it refresh the token once.
   */
  async calls() {
    const options = this.options();
    if (this.mode === "signin") {
      await this.ensureProvider();
      const client = createSyncClient({ getToken: (request) => this.getToken(request), ...options });
      return { status: () => client.getSyncStatus() };
    }
    const token = this.mode === "sim" ? this.simToken : this.pasted.trim();
    return { status: () => getSyncStatus(token, options) };
  }
}
