// The package as users get it: `npm pack` of the repository, installed into a scratch
// project (optional peers such as @azure/msal-browser are not installed by npm).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Packs pkg/ and installs the tarball into a fresh scratch project.
 * Resolves with `{ dir, tarball, remove() }`; `dir` has `node_modules/autopilot-sync`.
 */
export function installTarball(prefix = "autopilot-sync-scratch-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }));
  const tarball = join(dir, packed[0].filename);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch", private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball], { cwd: dir, stdio: "ignore" });
  return { dir, tarball, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
