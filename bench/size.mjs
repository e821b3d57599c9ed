// Size measurement shared by the benchmark (bench/run.mjs) and the CI guard
// (tests/size.test.mjs): raw bytes, gzip -9 (Node's zlib, level 9) and brotli (quality 11)
// of each file a page downloads, summed over the files (each file is its own response).
import { readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * What "wasm + glue" means for the size budget: the four files a page loads through
 * `import init from "autopilot-sync"` without a bundler.
 */
export const CORE_FILES = ["pkg/autopilot_sync_bg.wasm", "pkg/autopilot_sync.js", "pkg/index.js", "pkg/load.js", "pkg/contract.js"];

export const BUDGET_FILE = join(REPO, "bench/size-budget.json");

/** Raw, gzip -9 and brotli (q 11) sizes of one buffer, in bytes. */
export function sizesOf(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

/**
 * Sizes of each file and their sum. `paths` are absolute or relative to the repository.
 * @returns {{ files: { path: string, raw: number, gzip: number, brotli: number }[],
 *   total: { raw: number, gzip: number, brotli: number } }}
 */
export function measureFiles(paths) {
  const files = paths.map((p) => {
    const abs = p.startsWith("/") ? p : join(REPO, p);
    return { path: relative(REPO, abs), ...sizesOf(readFileSync(abs)) };
  });
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return { files, total };
}

/**
 * Sizes of CORE_FILES (the files the size budget is about), read from `pkgDir` (default
 * pkg/; the bench passes its own snapshot of pkg/).
 */
export function measureCore(pkgDir = join(REPO, "pkg")) {
  const m = measureFiles(CORE_FILES.map((f) => join(pkgDir, basename(f))));
  m.files.forEach((f, i) => (f.path = CORE_FILES[i]));
  return m;
}

/** The recorded budget: `{ gzipBytes, files, ... }`. */
export function readBudget() {
  return JSON.parse(readFileSync(BUDGET_FILE, "utf8"));
}
