//! The wasm behind the `autopilot-sync/msal` entry: the whole `autopilot-sync` crate with
//! its `msal` feature, so the MSAL.js binding (and its size) stays out of the core wasm.
//! Everything is declared in the root crate's `src/lib.rs`.

pub use autopilot_sync::*;
