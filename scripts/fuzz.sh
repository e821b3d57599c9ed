#!/usr/bin/env bash
# `npm run fuzz`: the model's parsers and the whole response classification over
# AUTOPILOT_SYNC_FUZZ structure-aware inputs (default 10,000,000) in release mode, on every
# core. Prints inputs per second, panics and broken invariants (both must be 0).
# `npm test` runs a quick slice of the same generator (the test's default count).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh --no-browser >/dev/null
export AUTOPILOT_SYNC_FUZZ="${AUTOPILOT_SYNC_FUZZ:-10000000}"
exec cargo test --release --quiet -p autopilot-sync --lib fuzz_parsers_and_classification -- --nocapture
