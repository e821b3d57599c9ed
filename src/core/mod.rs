//! The pure core: no `web-sys`, no `js-sys`, tested on the host with `cargo test`.
//! Status classification, `Retry-After`, Graph error bodies, the sync-state object and
//! input validation all live here; `crate::js` only moves bytes between this and JS.

pub mod graph_error;
pub mod json;
pub mod outcome;
pub mod retry_after;
pub mod signin;
pub mod sync_state;
pub mod time;
pub mod validate;
