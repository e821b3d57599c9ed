#!/usr/bin/env bash
# `npm test`: every check of the project, in order of cost. Installs what is missing first.
# Every step runs even when an earlier one failed (a lint failure does not hide the test
# results after it); a summary of all steps comes at the end, and the exit status is
# non-zero when any step failed. A step whose prerequisite failed (no build → no tests
# that need it) is reported as skipped, which counts as a failure.
#
# JS tests: an explicit list of files (tests/*.test.mjs, expanded by the shell), because
# `node --test tests/` works on Node 20 only. Each test has a time limit
# (tests/helpers/test.mjs: AUTOPILOT_SYNC_TEST_TIMEOUT_MS, default 120 s), so a stuck page
# or child process fails the test instead of hanging the run; node:test's --test-timeout
# applies to each whole file too, so it is the per-file limit (default 20 min).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
FILE_TIMEOUT_MS=${AUTOPILOT_SYNC_FILE_TIMEOUT_MS:-1200000}
# Each step also has a limit (default 30 min; a loaded 2-core machine needs ~10 for the
# slowest), so a hung process (a cargo test, a browser) fails its step instead of the run.
STEP_TIMEOUT_S=${AUTOPILOT_SYNC_STEP_TIMEOUT_S:-1800}

names=() results=() times=()
failed=0

# run NAME COMMAND...: runs one step, records its result and duration.
run() {
  local name=$1
  shift
  printf '\n=== %s\n' "$name"
  local start=$SECONDS status
  timeout --kill-after=30 "$STEP_TIMEOUT_S" "$@"
  status=$?
  [ "$status" -eq 124 ] && printf '(step stopped after %s s)\n' "$STEP_TIMEOUT_S"
  names+=("$name")
  times+=($((SECONDS - start)))
  if [ "$status" -eq 0 ]; then
    results+=("ok")
  else
    results+=("FAILED (exit $status)")
    failed=1
  fi
  return "$status"
}

# skip NAME WHY: records a step that could not run.
skip() {
  printf '\n=== %s\n(skipped: %s)\n' "$1" "$2"
  names+=("$1") times+=(0) results+=("SKIPPED: $2")
  failed=1
}

js_files=(tests/*.test.mjs)

if run "set-up" bash scripts/ensure-tools.sh; then
  run "format" cargo fmt --all -- --check
  run "clippy (host)" cargo clippy --workspace --all-targets --quiet -- -D warnings
  run "clippy (wasm32, core)" cargo clippy -p autopilot-sync --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
  run "clippy (wasm32, msal)" cargo clippy -p autopilot-sync-msal --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
  run "clippy (wasm32, core wasm, devices wasm)" bash -c 'cargo clippy -p autopilot-sync-wasm --target wasm32-unknown-unknown --quiet -- -D warnings && cargo clippy -p autopilot-sync-devices --target wasm32-unknown-unknown --quiet -- -D warnings'
  run "host tests: pure core and graph-sim" cargo test --workspace --quiet
  built=1
  run "build the package" node scripts/build.mjs --quiet || built=0
  run "build graph-sim" cargo build -p graph-sim --quiet || built=0
  if [ "$built" = 1 ]; then
    run "wasm tests in Node, headless Chromium and Firefox, against graph-sim" node tests/run-wasm-tests.mjs
    run "JS tests: package, types, pages (node:test, Chromium)" \
      node --test --test-concurrency=1 --test-timeout="$FILE_TIMEOUT_MS" "${js_files[@]}"
  else
    skip "wasm tests in Node, headless Chromium and Firefox, against graph-sim" "the build failed"
    skip "JS tests: package, types, pages (node:test, Chromium)" "the build failed"
  fi
else
  skip "everything else" "set-up failed"
fi

printf '\n=== summary\n'
for i in "${!names[@]}"; do
  printf '%-62s %-24s %5ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
if [ "$failed" -ne 0 ]; then
  printf '\nnpm test: FAILED (see the steps above)\n'
  exit 1
fi
printf '\nnpm test: all steps passed\n'
