//! The simulator's shared state: one mutex over everything a request may change, plus
//! the fixed parts (token verifier, static site, authority). A leaf: it imports no
//! handler, router or server module.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::auth::TokenVerifier;
use crate::faults::FaultQueue;
use crate::inventory::Inventory;
use crate::oidc::config::{Authority, OidcConfig};
use crate::oidc::session::OidcState;
use crate::requests::RequestLog;
use crate::sim::Sim;
use crate::static_files::StaticSite;

/// Everything decided under the one mutex.
#[derive(Debug)]
pub struct State {
    /// Sync state, clock, runtime configuration.
    pub sim: Sim,
    /// Pending faults.
    pub faults: FaultQueue,
    /// The Autopilot devices (`POST /_sim/devices`).
    pub devices: Inventory,
    /// Logged Graph and authority requests.
    pub log: RequestLog,
    /// Sync history of every tenant but the default one, by tenant name or `tid`.
    pub tenants: std::collections::BTreeMap<String, crate::sim::TenantSync>,
    /// The authority's configuration, counters, codes, tokens and sessions.
    pub oidc: OidcState,
}

impl State {
    /// Runs `f` on the simulator as `tenant` sees it (`None`: the default tenant).
    pub fn in_tenant<R>(&mut self, tenant: Option<&str>, f: impl FnOnce(&mut Sim) -> R) -> R {
        match tenant {
            None => f(&mut self.sim),
            Some(t) => {
                let slot = self.tenants.entry(t.to_string()).or_default();
                self.sim.in_tenant(slot, f)
            }
        }
    }
}

/// What every handler receives: the locked state and the fixed parts.
pub struct AppState {
    state: Mutex<State>,
    verifier: Arc<dyn TokenVerifier>,
    site: StaticSite,
    authority: Option<Authority>,
}

impl AppState {
    /// State around `sim`, checking tokens with `verifier`; with an authority, its
    /// start-up configuration is `oidc`.
    pub fn new(
        sim: Sim,
        verifier: Arc<dyn TokenVerifier>,
        site: StaticSite,
        authority: Option<(Authority, OidcConfig)>,
    ) -> Self {
        let (authority, oidc) = match authority {
            Some((a, c)) => (Some(a), c),
            None => (None, OidcConfig::default()),
        };
        AppState {
            state: Mutex::new(State {
                sim,
                faults: FaultQueue::default(),
                devices: Inventory::default(),
                log: RequestLog::default(),
                tenants: Default::default(),
                oidc: OidcState::new(oidc),
            }),
            verifier,
            site,
            authority,
        }
    }

    /// Locks the state (a poisoned lock is still usable: every update is a single step).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token verifier.
    pub fn verifier(&self) -> &dyn TokenVerifier {
        self.verifier.as_ref()
    }

    /// The static site (`--static`, `--mount`).
    pub fn site(&self) -> &StaticSite {
        &self.site
    }

    /// The authority, when `--oidc-port` was given.
    pub fn authority(&self) -> Option<&Authority> {
        self.authority.as_ref()
    }

    /// Simulated now.
    pub fn now_ms(&self) -> i64 {
        self.lock().sim.now_ms()
    }
}
