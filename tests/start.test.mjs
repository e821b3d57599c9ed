// `npm start` itself (README: builds, starts the simulator serving the page and its
// sign-in authority, prints the URLs): started on free ports (`-- --port 0 --oidc-port 0`),
// the printed page loaded in Chromium and used, then stopped with SIGTERM, and its
// ports closed afterwards.
import { test } from "./helpers/test.mjs";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { launchBrowser } from "./helpers/browser.mjs";
import { ROOT } from "./helpers/page.mjs";
import { closesWithin, isListening } from "./helpers/ports.mjs";

const STARTUP_MS = 100_000; // a no-op build still runs cargo three times

test("npm start on free ports: prints the page and sign-in URLs, serves a working page, stops on SIGTERM", { timeout: 180_000 }, async () => {
  const child = spawn("npm", ["start", "--", "--port", "0", "--oidc-port", "0"], {
    cwd: ROOT,
    detached: true, // its own process group: npm, the shell, node and graph-sim stop together
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-8000)));
  const lines = [];
  const stopGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  try {
    const { pageUrl, signInUrl } = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URLs within ${STARTUP_MS} ms:\n${lines.join("\n")}\n${stderr}`)), STARTUP_MS);
      let pageUrl;
      createInterface({ input: child.stdout }).on("line", (line) => {
        lines.push(line);
        const demo = /autopilot-sync demo: (http:\/\/127\.0\.0\.1:\d+)\/$/.exec(line.trim());
        if (demo) pageUrl = demo[1];
        const signIn = /^(http:\/\/127\.0\.0\.1:\d+\/\?authority=\S+&clientId=\S+)$/.exec(line.trim());
        if (signIn && pageUrl) {
          clearTimeout(timer);
          resolve({ pageUrl, signInUrl: signIn[1] });
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited early (${code ?? signal}):\n${lines.join("\n")}\n${stderr}`));
      });
    });
    assert.notEqual(new URL(pageUrl).port, "8080", "the given port, not the default");
    const authority = new URL(new URL(signInUrl).searchParams.get("authority"));
    assert.equal(authority.protocol, "https:");
    assert.notEqual(authority.port, "8443");
    assert.equal(await isListening(Number(authority.port)), true, "the authority is up");

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${pageUrl}/`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 20_000 });
      assert.equal(await page.isChecked("#mode-sim"), true, "served by graph-sim: the simulated tenant");
      await page.click("#sync-now");
      await page.waitForSelector('#outcome[data-outcome="started"]', { timeout: 20_000 });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }

    stopGroup("SIGTERM");
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === "SIGTERM", `stopped cleanly: ${code ?? signal}\n${stderr}`);
    // The group got SIGTERM together; graph-sim may close its listeners a moment after npm exits.
    assert.ok(await closesWithin(Number(new URL(pageUrl).port)), "the page's port is closed");
    assert.ok(await closesWithin(Number(authority.port)), "the authority's port is closed");
  } finally {
    stopGroup("SIGKILL");
  }
});
