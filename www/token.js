// What the token says (the package's describeToken: tenant, user or app, cloud,
// permissions, expiry, problems) and the warning before Sync now. The token itself and its
// signature are never put on the page: only the fields describeToken returns.
import { describeToken, CloudInfo } from "autopilot-sync";
import { $, show, setText, timeElement } from "./dom.js";

/** How often the expiry ("expires in 12 min") and the problems are read again. */
const TICK_MS = 10_000;

/** "in 12 min" / "3 min ago" for a time `ms` from now. */
function relative(ms, now) {
  const minutes = Math.round(Math.abs(ms - now) / 60_000);
  const span = minutes < 1 ? "less than a minute" : minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return ms > now ? `in ${span}` : `${span} ago`;
}

export class TokenPanel {
  /** @param {{ card: HTMLElement, announce: (text: string) => void }} setup */
  constructor(setup) {
    this.setup = setup;
    this.token = null; // the token described (kept in memory only, as the connection keeps it)
    this.options = {};
    this.description = null;
    this.timer = null;
    this.el = {
      panel: $("token-panel"), opaque: $("token-opaque"), facts: $("token-facts"), note: $("token-note"),
      tenant: $("tk-tenant"), whoLabel: $("tk-who-label"), who: $("tk-who"), cloud: $("tk-cloud"),
      permissions: $("tk-permissions"), expiry: $("tk-expiry"),
      warning: $("token-warning"), problems: $("token-problems"), confirm: $("token-confirm"),
      anyway: $("sync-anyway"), cancel: $("sync-cancel"),
    };
    // A click on Sync now with a token that will probably fail asks first; never a silent block.
    setup.card.addEventListener("autopilot-sync-request", (e) => {
      if (this.problems().length === 0) return;
      e.preventDefault();
      this.askToConfirm();
    });
    this.el.anyway.addEventListener("click", () => {
      this.closeConfirm();
      this.setup.card.sync().catch(() => {}); // shown through the element's error event
    });
    this.el.cancel.addEventListener("click", () => {
      this.closeConfirm();
      this.setup.announce("Nothing was sent.");
    });
  }

  /** The problems the token has now (empty for an opaque or no token). */
  problems() {
    return this.description?.problems ?? [];
  }

  /** Starts a sync as Sync now would: asks first when the token will probably fail. */
  requestSync() {
    if (this.problems().length > 0) {
      this.askToConfirm();
      return;
    }
    this.setup.card.sync().catch(() => {});
  }

  askToConfirm() {
    show(this.el.confirm, true);
    this.el.warning.dataset.confirming = "true";
    this.el.anyway.focus();
  }

  closeConfirm() {
    show(this.el.confirm, false);
    delete this.el.warning.dataset.confirming;
  }

  /**
   * Describes `token` for calls with `options` (`{ cloud }` or `{ baseUrl }`); null hides
   * the panel (no token yet, e.g. before sign-in).
   */
  show(token, options) {
    const changed = token !== this.token;
    this.token = token || null;
    this.options = { ...options };
    delete this.options.timeoutMs;
    if (changed) this.closeConfirm();
    this.render();
  }

  render() {
    clearInterval(this.timer);
    this.timer = null;
    if (!this.token) {
      this.description = null;
      show(this.el.panel, false);
      this.renderWarning();
      return;
    }
    const now = Date.now();
    const d = describeToken(this.token, { ...this.options, now });
    this.description = d;
    show(this.el.panel, true);
    const jwt = d.kind === "jwt";
    show(this.el.opaque, !jwt);
    show(this.el.facts, jwt);
    show(this.el.note, jwt);
    this.el.panel.dataset.kind = d.kind;
    if (jwt) {
      setText(this.el.tenant, d.tenantId);
      this.el.whoLabel.textContent = d.appOnly ? "Application" : "User";
      setText(this.el.who, d.appOnly ? d.appId : (d.user ?? d.appId));
      setText(this.el.cloud, d.cloud ? `${d.cloud} (${new URL(CloudInfo[d.cloud].graphRoot).host})` : d.audience ? `not a Microsoft Graph cloud the package knows: ${d.audience}` : null);
      const granted = d.appOnly ? d.roles : d.scopes;
      const verdict = d.canSync ? "can start a sync" : d.canRead ? "can read the sync status only" : "cannot read or start a sync";
      setText(this.el.permissions, `${d.appOnly ? "Application (roles)" : "Delegated (scp)"}: ${granted?.length ? granted.join(", ") : "none"} — ${verdict}`);
      this.el.permissions.dataset.canSync = String(d.canSync);
      this.renderExpiry(d, now);
      if (d.expiresAt) this.timer = setInterval(() => this.render(), TICK_MS);
    }
    this.renderWarning();
  }

  renderExpiry(d, now) {
    const exp = d.expiresAt ? Date.parse(d.expiresAt) : null;
    if (exp === null) {
      setText(this.el.expiry, "not stated");
      delete this.el.expiry.dataset.expired;
      return;
    }
    this.el.expiry.dataset.expired = String(d.expired);
    this.el.expiry.replaceChildren(d.expired ? `expired ${relative(exp, now)} (` : `expires ${relative(exp, now)} (`, timeElement(exp), ")");
  }

  renderWarning() {
    const problems = this.problems();
    const before = this.el.problems.dataset.codes ?? "";
    const codes = problems.map((p) => p.code).join(" ");
    show(this.el.warning, problems.length > 0);
    this.el.warning.dataset.codes = codes;
    this.el.problems.dataset.codes = codes;
    if (codes === before) return;
    this.el.problems.replaceChildren(
      ...problems.map((p) => {
        const li = document.createElement("li");
        li.dataset.code = p.code;
        li.textContent = p.message;
        return li;
      }),
    );
    if (problems.length === 0) this.closeConfirm();
    else this.setup.announce(`Warning: ${problems.map((p) => p.message).join(" ")}`);
  }
}
