#!/usr/bin/env bash
# `npm test`: every check of the project, in order of cost. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n=== %s\n' "$*"; }

step "set-up"
bash scripts/ensure-tools.sh

step "format and lints (host and wasm32, warnings denied)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p autopilot-sync --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
cargo clippy -p autopilot-sync-msal --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings

step "host tests: pure core and graph-sim"
cargo test --workspace --quiet

step "build the package"
node scripts/build.mjs --quiet
cargo build -p graph-sim --quiet

step "wasm tests in Node and headless Chromium, against graph-sim"
node tests/run-wasm-tests.mjs

step "JS tests: package, types, pages (node:test, Chromium)"
node --test --test-concurrency=1 tests/
