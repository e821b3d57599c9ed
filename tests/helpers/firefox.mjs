// Debian's Firefox ESR driven through geckodriver: W3C WebDriver over HTTP (fetch) for
// navigation, clicks, keys and scripts, and WebDriver BiDi (one WebSocket) for what
// classic WebDriver cannot see: console errors and uncaught exceptions as the page logs
// them, and a script that runs before the page's own (CSP violations). Playwright cannot
// drive Debian's Firefox; this is all the tests need of a WebDriver client.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import WebSocket from "ws";

export const FIREFOX = process.env.FIREFOX_PATH || "/usr/bin/firefox-esr";

/** geckodriver: $GECKODRIVER, else on PATH, else cargo's bin (where ensure-tools puts it). */
export function findGeckodriver() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  dirs.push(join(process.env.CARGO_HOME || join(process.env.HOME ?? "/root", ".cargo"), "bin"));
  for (const dir of dirs) {
    const candidate = join(dir, "geckodriver");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("geckodriver not found (set GECKODRIVER, or run scripts/ensure-tools.sh, which builds it with cargo)");
}

// Nothing here may reach the internet: the recommended automation prefs geckodriver
// sets already turn most background traffic off; these close the rest.
export const FIREFOX_PREFS = {
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.update.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "media.gmp-manager.url": "",
  "toolkit.telemetry.enabled": false,
  // navigator.clipboard.readText() without the paste prompt, so a test can read what
  // the page copied.
  "dom.events.testing.asyncClipboard": true,
};

/** W3C key codes for the Actions API. */
export const KEY = { Tab: "\uE004", Enter: "\uE007", Space: "\uE00D", Shift: "\uE008" };

const START_TIMEOUT_MS = 20_000;

/** Starts geckodriver on a free port (Firefox inherits `env`); resolves with { url, stop() }. */
async function startGeckodriver(env) {
  const bin = findGeckodriver();
  // --websocket-port 0: Firefox picks a free BiDi port (the default 9222 would clash
  // with any other Firefox under automation on this machine).
  const child = spawn(bin, ["--port", "0", "--websocket-port", "0", "--log", "info"], { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL"); // never leave a driver behind
      reject(new Error(`geckodriver did not start within ${START_TIMEOUT_MS / 1000} s: ${output}`));
    }, START_TIMEOUT_MS);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        output = (output + line + "\n").slice(-8_192);
        const m = /Listening on (\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(`http://${m[1]}`);
        }
      });
    }
    child.once("error", (e) => reject(new Error(`cannot start geckodriver (${bin}): ${e.message}`)));
    exited.then((code) => reject(new Error(`geckodriver exited (${code}) before listening: ${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

class WebDriverError extends Error {
  constructor(command, value) {
    super(`${command}: ${value?.error ?? "error"}: ${value?.message ?? JSON.stringify(value)}`);
    this.name = "WebDriverError";
    this.error = value?.error;
  }
}

async function w3c(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({ value: { error: `HTTP ${res.status}`, message: "no JSON answer" } }));
  if (!res.ok) throw new WebDriverError(`${method} ${path}`, json.value);
  return json.value;
}

// W3C's element and shadow root reference keys.
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const SHADOW = "shadow-6066-11e4-a52e-4f735466cecf";

/**
 * A BiDi connection: commands with ids, and every event kept for the test to read.
 */
class Bidi {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.next = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("error", reject);
    });
    this.ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const { resolve, reject, method } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.type === "error") reject(new WebDriverError(`BiDi ${method}`, msg));
        else resolve(msg.result);
      } else if (msg.type === "event") {
        for (const fn of this.listeners) fn(msg);
      }
    });
    this.ws.on("close", () => {
      for (const { reject, method } of this.pending.values()) reject(new Error(`BiDi ${method}: connection closed`));
      this.pending.clear();
    });
  }

  async send(method, params = {}) {
    await this.opened;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close() {
    this.ws.close();
  }
}

/** Runs before any script of every page: records CSP violations in the page itself. */
const PRELOAD = `() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
  });
}`;

/**
 * Launches headless Firefox ESR with a fresh profile (geckodriver makes one). `problems`
 * collects, from BiDi, every console.error/console.assert and uncaught exception or
 * unhandled rejection the page reports. `timeZone` (an IANA name) sets the browser's
 * local time zone. Always `close()` it.
 */
export async function launchFirefox({ prefs = {}, timeZone } = {}) {
  const driver = await startGeckodriver(timeZone ? { ...process.env, TZ: timeZone } : process.env);
  let session;
  try {
    session = await w3c(driver.url, "POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "firefox",
          webSocketUrl: true,
          "moz:firefoxOptions": {
            binary: FIREFOX,
            args: ["-headless"],
            prefs: { ...FIREFOX_PREFS, ...prefs },
          },
        },
      },
    });
  } catch (e) {
    await driver.stop();
    throw new Error(`${e.message}\ngeckodriver said: ${driver.output()}`);
  }
  const base = `${driver.url}/session/${session.sessionId}`;
  const bidi = new Bidi(session.capabilities.webSocketUrl);
  const browser = new Firefox(base, bidi, session.capabilities, driver);
  try {
    await bidi.send("session.subscribe", { events: ["log.entryAdded"] });
    await bidi.send("script.addPreloadScript", { functionDeclaration: PRELOAD });
  } catch (e) {
    await browser.close();
    throw e;
  }
  return browser;
}

class Firefox {
  constructor(base, bidi, capabilities, driver) {
    this.base = base;
    this.bidi = bidi;
    this.capabilities = capabilities;
    this.driver = driver;
    /** Every BiDi log entry since the last `clearLog()`. */
    this.log = [];
    bidi.listeners.add((msg) => {
      if (msg.method === "log.entryAdded") this.log.push(msg.params);
    });
  }

  get version() {
    return this.capabilities.browserVersion;
  }

  cmd(method, path, body) {
    return w3c(this.base, method, path, body);
  }

  clearLog() {
    this.log.length = 0;
  }

  /**
   * Console errors and uncaught exceptions as "console: …" / "javascript: …" lines
   * (warnings and info are left out).
   */
  errors() {
    return this.log
      .filter((e) => e.level === "error")
      .map((e) => `${e.type === "console" ? "console" : "javascript"}: ${e.text}`);
  }

  async goto(url) {
    await this.cmd("POST", "/url", { url });
  }

  /** Runs `fn` (a function or its source) in the page with JSON-able `args`; returns its value. */
  async eval(fn, ...args) {
    const body = typeof fn === "function" ? `return (${fn}).apply(null, arguments);` : fn;
    return this.cmd("POST", "/execute/sync", { script: body, args });
  }

  /** Polls `fn(...args)` in the page until it returns something truthy. */
  async waitFor(fn, { timeout = 8_000, message, args = [] } = {}) {
    const until = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.eval(fn, ...args);
        if (last) return last;
      } catch (e) {
        // the page may be navigating; try again until the deadline
        last = e.message;
      }
      if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${message ?? fn} (last: ${JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return value[ELEMENT];
  }

  /** The element `css` finds: in the document, or inside the open shadow root of `host` (a selector). */
  async locate(css, host) {
    if (!host) return this.find(css);
    const root = await this.cmd("GET", `/element/${await this.find(host)}/shadow`);
    const value = await this.cmd("POST", `/shadow/${root[SHADOW]}/element`, { using: "css selector", value: css });
    return value[ELEMENT];
  }

  async click(css, host) {
    const id = await this.locate(css, host);
    await this.cmd("POST", `/element/${id}/click`, {});
  }

  async text(css, host) {
    const id = await this.locate(css, host);
    return this.cmd("GET", `/element/${id}/text`);
  }

  async attr(css, name) {
    const id = await this.find(css);
    return this.cmd("GET", `/element/${id}/attribute/${encodeURIComponent(name)}`);
  }

  async enabled(css, host) {
    const id = await this.locate(css, host);
    return this.cmd("GET", `/element/${id}/enabled`);
  }

  async displayed(css, host) {
    const id = await this.locate(css, host);
    return this.cmd("GET", `/element/${id}/displayed`);
  }

  /** Presses and releases `key` (a KEY value or a character) as the keyboard would. */
  async press(key) {
    await this.cmd("POST", "/actions", {
      actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: key }, { type: "keyUp", value: key }] }],
    });
    await this.cmd("DELETE", "/actions");
  }

  /** Saves a PNG of the viewport. */
  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  async close() {
    try {
      this.bidi.close();
      await this.cmd("DELETE", "");
    } catch {
      // the browser may already be gone; stopping geckodriver ends it
    } finally {
      await this.driver.stop();
    }
  }
}

