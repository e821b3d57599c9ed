//! The wasm behind the device and tenant calls (`pkg/devices/`): the root crate with only
//! its `devices` feature, so `getDevices`, `syncTenants` and the device side of
//! `client.waitForDevices` stay out of the core download. The package entries load it on
//! the first of those calls. Everything is declared in the root crate's `src/lib.rs`.
#![cfg_attr(not(test), no_std)]

pub use autopilot_sync::*;

autopilot_sync::trapping_panic_handler!();
