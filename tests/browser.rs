//! The shared wasm tests, in headless Chromium (cross-origin to graph-sim: real CORS).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
