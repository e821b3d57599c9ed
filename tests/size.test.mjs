// CI guard: the wasm + JS glue a page downloads must not grow past the budget recorded in
// bench/size-budget.json. Sizes are measured by bench/size.mjs, the same code as
// `npm run bench` (gzip -9 per file, summed). No timing here.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "./helpers/test.mjs";
import { CORE_FILES, REPO, measureCore, readBudget } from "../bench/size.mjs";

test("the budget names exactly the files that are measured", () => {
  assert.deepEqual(readBudget().files, CORE_FILES);
});

test("wasm + glue gzip stays within bench/size-budget.json", () => {
  const missing = CORE_FILES.filter((f) => !existsSync(join(REPO, f)));
  assert.deepEqual(missing, [], "pkg/ is not built: run `node scripts/build.mjs` first");
  const { gzipBytes } = readBudget();
  assert.ok(Number.isInteger(gzipBytes) && gzipBytes > 0, "gzipBytes must be a positive integer");
  const { files, total } = measureCore();
  const detail = files.map((f) => `${f.path} ${f.gzip} B`).join(", ");
  assert.ok(
    total.gzip <= gzipBytes,
    `wasm + glue is ${total.gzip} B gzip (${detail}), over the budget of ${gzipBytes} B ` +
      `by ${total.gzip - gzipBytes} B. Shrink it, or raise gzipBytes in bench/size-budget.json on purpose.`,
  );
});
