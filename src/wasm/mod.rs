//! The JS boundary: everything that touches `js-sys`, `web-sys` or `fetch`. Kept thin;
//! decisions are made in `crate::model`.

pub mod client;
pub mod env;
pub mod error;
pub mod flight;
pub mod helpers;
pub mod http;
#[cfg(feature = "msal")]
pub mod msal;
pub mod object;
pub mod options;
