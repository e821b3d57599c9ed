//! The shared wasm tests in a browser (cross-origin to graph-sim: real CORS):
//! tests/run-wasm-tests.mjs runs this one binary in headless Chromium and in headless
//! Firefox ESR (CHROMEDRIVER or GECKODRIVER picks the engine).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
