// The admin page (www/) served by graph-sim exactly as `npm start` serves it, and
// Chromium pages that record CSP violations, console errors and uncaught exceptions.
import { after, before, beforeEach } from "node:test";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startGraphSim } from "./graph-sim.mjs";
import { launchBrowser, newWatchedPage } from "./browser.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCREENSHOTS = join(ROOT, "test-output", "screenshots");

/**
 * graph-sim with the same mounts as scripts/start.mjs; `site` is the folder served at `/`
 * (`"tests/fixtures"` for the test pages).
 */
export function startSite(extraArgs = [], site = "www") {
  return startGraphSim({
    args: [
      "--static", join(ROOT, site),
      // The admin page under a sub-path too, as a portal would serve it.
      "--mount", `/autopilot=${join(ROOT, "www")}`,
      "--mount", `/pkg=${join(ROOT, "pkg")}`,
      "--mount", `/vendor/msal-browser=${join(ROOT, "node_modules/@azure/msal-browser")}`,
      "--mount", `/vendor/msal-common=${join(ROOT, "node_modules/@azure/msal-common")}`,
      ...extraArgs,
    ],
  });
}

// What Chromium logs by itself for an HTTP error answer or a dropped connection: the
// page shows those as outcomes, so they are expected, not problems.
const EXPECTED_CONSOLE = /^console: Failed to load resource: (the server responded with a status of (400|401|403|409|429|500|503)\b|net::ERR_(EMPTY_RESPONSE|CONNECTION_CLOSED|CONNECTION_RESET))/;

/**
 * The hooks the page tests share: the site (`startSite(siteArgs)`) and a browser
 * (`launchBrowser(browserArgs)`) for the whole file, both closed after it, and the site
 * reset before each test. Returns the holder of `site` and `browser` (set once `before`
 * has run).
 */
export function useSite(siteArgs = [], browserArgs = []) {
  const env = { site: undefined, browser: undefined };
  before(async () => {
    [env.site, env.browser] = await Promise.all([startSite(siteArgs), launchBrowser(browserArgs)]);
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.stop();
  });
  beforeEach(() => env.site.reset());
  return env;
}

/**
 * Opens `path` (relative to the site) in a fresh context, after `setup(page)` (routes,
 * init scripts), and waits for the `ready` selector (the admin page sets data-ready). `page.unexpected()` lists CSP violations, uncaught errors and console errors
 * other than Chromium's own network messages.
 */
export async function openPage(browser, site, path = "/", contextOptions = {}, { setup, ready = "html[data-ready]" } = {}) {
  const page = await newWatchedPage(browser, contextOptions);
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await setup?.(page);
  await page.goto(new URL(path, site.url).href);
  await page.waitForSelector(ready, { state: "attached", timeout: 15_000 });
  page.unexpected = async () => {
    const csp = await page.evaluate(() => window.__cspViolations).catch(() => ["(page gone)"]);
    return [...csp.map((v) => `csp: ${v}`), ...page.problems.filter((p) => !EXPECTED_CONSOLE.test(p))];
  };
  return page;
}

/** Saves a full-page screenshot as test-output/screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
