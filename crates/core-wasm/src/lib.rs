//! The wasm behind the core `autopilot-sync` entry: the root crate (`no_std` on wasm32)
//! with its `wasm-runtime` feature (trapping panic handler, small allocator). Everything
//! is declared in the root crate's `src/lib.rs`.
#![cfg_attr(not(test), no_std)]

pub use autopilot_sync::*;

autopilot_sync::trapping_panic_handler!();
