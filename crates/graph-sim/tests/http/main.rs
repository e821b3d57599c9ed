//! End-to-end tests over real HTTP on loopback: each test starts its own simulator on port 0.

mod cli;
mod common;
mod control;
mod faults;
mod headers;
mod oidc;
mod static_files;
mod sync;
