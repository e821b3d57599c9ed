#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already present.
# Called by `npm start`, `npm test` and `npm run bench`; safe to run again (quick when done).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

# wasm-bindgen CLI must match the crate pinned with `=` in Cargo.toml exactly.
WB_VERSION=$(sed -n 's/^wasm-bindgen *= *{ *version *= *"=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
[ -n "$WB_VERSION" ] || { say "cannot read the pinned wasm-bindgen version from Cargo.toml"; exit 1; }

# Firefox's WebDriver server, built with cargo when missing (see below).
GECKODRIVER_VERSION=0.37.1

want_browser=1
for a in "$@"; do [ "$a" = "--no-browser" ] && want_browser=0; done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

for c in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$c"; then
    say "adding rust component $c"; rustup component add "$c"
  fi
done

have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# The browsers the tests drive: Debian's Chromium and Firefox ESR with their WebDriver
# servers. Never a downloaded browser build. One apt-get update for whatever is missing.
# DPkg::Lock::Timeout: several checkouts on one machine may run this at the same time.
if [ "$want_browser" = 1 ]; then
  missing=()
  { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || missing+=(chromium chromium-driver)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  fi
  # geckodriver (Firefox's WebDriver server) is not packaged by Debian: build it from
  # crates.io once (about 2 minutes). Any geckodriver already on PATH or in cargo's bin
  # is used as it is (tests/helpers/firefox.mjs finds it the same way).
  if ! command -v geckodriver >/dev/null && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION (about 2 minutes, once)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
  fi
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  say "installing npm dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
