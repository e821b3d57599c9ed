#!/usr/bin/env bash
# `npm run fuzz`: the model's parsers and the whole response classification over
# AUTOPILOT_SYNC_FUZZ structure-aware inputs (default 10,000,000), one thread per core.
# Prints inputs per second (wall clock and per CPU-second, with the load average: the cores
# may be shared), panics and broken invariants (both must be 0).
# Built for speed (opt-level 3, not the size-tuned release profile of the wasm) in its own
# target directory, so the wasm and graph-sim builds are not invalidated.
# `npm test` runs a quick slice of the same generator (the test's default count).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh --no-browser >/dev/null
export AUTOPILOT_SYNC_FUZZ="${AUTOPILOT_SYNC_FUZZ:-10000000}"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_LTO=thin
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/fuzz}"
exec cargo test --release --quiet -p autopilot-sync --lib fuzz_parsers_and_classification -- --nocapture
