//! The shared wasm tests, in Node (wasm-bindgen-test's default). Run by tests/run-wasm-tests.mjs.
#![cfg(target_arch = "wasm32")]

mod common;
