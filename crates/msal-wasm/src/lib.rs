//! The wasm behind the `autopilot-sync/msal` entry: the whole `autopilot-sync` crate with
//! its `msal` feature, so the MSAL.js binding (and its size) stays out of the core wasm,
//! and its `wasm-runtime` (trapping panic handler, small allocator; the crate is `no_std`).
//! Everything is declared in the root crate's `src/lib.rs`.
#![cfg_attr(not(test), no_std)]

pub use autopilot_sync::*;

autopilot_sync::trapping_panic_handler!();
