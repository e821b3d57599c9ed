//! The JS boundary: everything that touches `js-sys`, `web-sys` or `fetch`. Kept thin;
//! decisions are made in `crate::model`.

pub mod client;
#[cfg(feature = "devices")]
pub mod devices;
pub mod env;
pub mod error;
pub mod flight;
#[cfg(feature = "api")]
pub mod helpers;
pub mod http;
pub mod json;
#[cfg(feature = "msal")]
pub mod msal;
pub mod object;
pub mod options;
#[cfg(feature = "api")]
pub mod sync_client;
#[cfg(feature = "devices")]
pub mod tenants;

/// A global of the glue. The module runs on one JS thread (wasm32 without the `atomics`
/// feature: no shared memory), so a plain `static` needs no thread-local storage; this
/// wrapper only tells the compiler so (`no_std` has no `thread_local!`).
pub struct Local<T>(pub T);

// SAFETY: wasm32-unknown-unknown without `atomics` has exactly one thread.
#[cfg(not(target_feature = "atomics"))]
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    /// Runs `f` with the value (the shape of `LocalKey::with`).
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}
