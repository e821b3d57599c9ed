//! HTTP tests of graph-sim. Most call the app in-process (`common::start`); `socket.rs`,
//! `cli.rs`, the TLS and binary tests in `oidc.rs`, and the traversal test use real loopback
//! sockets (`common::serve`).

mod cli;
mod common;
mod control;
mod devices;
mod faults;
mod headers;
mod oidc;
mod socket;
mod static_files;
mod sync;
