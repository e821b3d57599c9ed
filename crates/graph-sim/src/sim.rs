//! The simulated Autopilot sync: configuration, clock and the sync state machine.
//!
//! Pure logic with explicit times (milliseconds since the Unix epoch on the simulated
//! clock), so every decision can be tested without a server. State is computed lazily
//! from the clock: nothing runs in the background.

use serde::{Deserialize, Serialize};

use crate::clock::Clock;

/// How a sync ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum SyncResult {
    /// The sync ends with `syncStatus: completed`.
    Completed,
    /// The sync ends with `syncStatus: failed`.
    Failed,
}

/// `syncStatus` as Graph reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncStatus {
    /// No sync has run yet.
    Unknown,
    /// A sync is running.
    InProgress,
    /// The last sync completed.
    Completed,
    /// The last sync failed.
    Failed,
}

impl From<SyncResult> for SyncStatus {
    fn from(r: SyncResult) -> Self {
        match r {
            SyncResult::Completed => SyncStatus::Completed,
            SyncResult::Failed => SyncStatus::Failed,
        }
    }
}

/// Behaviour that the control API may change at run time (`PATCH /_sim/config`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeConfig {
    /// Minimum time between two successful triggers.
    pub cooldown_seconds: u64,
    /// How long a sync stays `inProgress`.
    pub sync_duration_ms: u64,
    /// How the next sync ends.
    pub sync_result: SyncResult,
    /// Send `Retry-After` on 429.
    pub retry_after_header: bool,
    /// List `Retry-After` and `Date` in `Access-Control-Expose-Headers`.
    pub expose_retry_after: bool,
    /// Wrap the settings object in `{"value": ...}`.
    pub settings_envelope: bool,
    /// The status of a sync that started (204 or 200).
    pub sync_success_status: u16,
    /// Whether the tenant has an Intune licence (without one: 403 with a nested body).
    pub intune_licence: bool,
    /// Most devices on one page of `windowsAutopilotDeviceIdentities`.
    pub device_page_size: u32,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            cooldown_seconds: 600,
            sync_duration_ms: 30_000,
            sync_result: SyncResult::Completed,
            retry_after_header: true,
            expose_retry_after: false,
            settings_envelope: false,
            sync_success_status: 204,
            intune_licence: true,
            device_page_size: 1000,
        }
    }
}

/// A partial update of [`RuntimeConfig`]; unknown keys are refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigPatch {
    /// See [`RuntimeConfig::cooldown_seconds`].
    pub cooldown_seconds: Option<u64>,
    /// See [`RuntimeConfig::sync_duration_ms`].
    pub sync_duration_ms: Option<u64>,
    /// See [`RuntimeConfig::sync_result`].
    pub sync_result: Option<SyncResult>,
    /// See [`RuntimeConfig::retry_after_header`].
    pub retry_after_header: Option<bool>,
    /// See [`RuntimeConfig::expose_retry_after`].
    pub expose_retry_after: Option<bool>,
    /// See [`RuntimeConfig::settings_envelope`].
    pub settings_envelope: Option<bool>,
    /// See [`RuntimeConfig::sync_success_status`] (200 or 204).
    pub sync_success_status: Option<u16>,
    /// See [`RuntimeConfig::intune_licence`].
    pub intune_licence: Option<bool>,
    /// See [`RuntimeConfig::device_page_size`] (at least 1).
    pub device_page_size: Option<u32>,
}

impl ConfigPatch {
    /// Refuses values outside their range.
    pub fn validate(&self) -> Result<(), String> {
        if self.device_page_size == Some(0) {
            return Err("devicePageSize must be at least 1".into());
        }
        match self.sync_success_status {
            None | Some(200 | 204) => Ok(()),
            Some(other) => Err(format!("syncSuccessStatus must be 200 or 204, not {other}")),
        }
    }
}

/// The answer to a sync trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncDecision {
    /// 204: a sync started.
    Started,
    /// 409: a sync is running.
    AlreadyRunning,
    /// 429: too soon after the previous trigger; whole seconds left (at least 1).
    Cooldown {
        /// `ceil(remaining / 1 s)`.
        retry_after_secs: u64,
    },
}

#[derive(Clone, Copy, Debug)]
struct Run {
    triggered_ms: i64,
    duration_ms: u64,
    result: SyncResult,
}

impl Run {
    fn end_ms(&self) -> i64 {
        self.triggered_ms
            .saturating_add(i64::try_from(self.duration_ms).unwrap_or(i64::MAX))
    }
}

/// One tenant's sync history; the default tenant's lives in [`Sim`] itself, the others'
/// in `State::tenants` (see [`Sim::in_tenant`]). Configuration and clock are shared.
#[derive(Clone, Copy, Debug, Default)]
pub struct TenantSync {
    run: Option<Run>,
    previous_end_ms: Option<i64>,
}

/// Sync state, runtime configuration and the simulated clock.
#[derive(Clone, Debug)]
pub struct Sim {
    defaults: RuntimeConfig,
    config: RuntimeConfig,
    clock: Clock,
    run: Option<Run>,
    previous_end_ms: Option<i64>,
}

impl Sim {
    /// A fresh simulator whose reset target is `defaults` and `clock`'s start-up mode.
    pub fn new(defaults: RuntimeConfig, clock: Clock) -> Self {
        Sim {
            config: defaults.clone(),
            defaults,
            clock,
            run: None,
            previous_end_ms: None,
        }
    }

    /// Back to the start-up state: no sync, the clock at real time in its start-up mode,
    /// default configuration.
    pub fn reset(&mut self) {
        let mut clock = self.clock.clone();
        clock.reset();
        *self = Sim::new(self.defaults.clone(), clock);
    }

    /// The simulated clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The simulated clock, to move or freeze it.
    pub fn clock_mut(&mut self) -> &mut Clock {
        &mut self.clock
    }

    /// The current configuration.
    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    /// Applies a patch. A `syncResult` change also decides how a running sync ends.
    pub fn apply(&mut self, patch: &ConfigPatch, now_ms: i64) {
        let c = &mut self.config;
        if let Some(v) = patch.cooldown_seconds {
            c.cooldown_seconds = v;
        }
        if let Some(v) = patch.sync_duration_ms {
            c.sync_duration_ms = v;
        }
        if let Some(v) = patch.sync_result {
            c.sync_result = v;
            if let Some(run) = self.run.as_mut() {
                if now_ms < run.end_ms() {
                    run.result = v;
                }
            }
        }
        if let Some(v) = patch.retry_after_header {
            c.retry_after_header = v;
        }
        if let Some(v) = patch.expose_retry_after {
            c.expose_retry_after = v;
        }
        if let Some(v) = patch.settings_envelope {
            c.settings_envelope = v;
        }
        if let Some(v) = patch.sync_success_status {
            c.sync_success_status = v;
        }
        if let Some(v) = patch.intune_licence {
            c.intune_licence = v;
        }
        if let Some(v) = patch.device_page_size {
            c.device_page_size = v;
        }
    }

    /// Runs `f` with `slot` as the sync history (another tenant's), then stores it back:
    /// that tenant gets its own run, window and status under the shared clock and config.
    pub fn in_tenant<R>(&mut self, slot: &mut TenantSync, f: impl FnOnce(&mut Sim) -> R) -> R {
        std::mem::swap(&mut self.run, &mut slot.run);
        std::mem::swap(&mut self.previous_end_ms, &mut slot.previous_end_ms);
        let r = f(self);
        std::mem::swap(&mut self.run, &mut slot.run);
        std::mem::swap(&mut self.previous_end_ms, &mut slot.previous_end_ms);
        r
    }

    /// Simulated now.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// `syncStatus` at `now_ms`.
    pub fn status(&self, now_ms: i64) -> SyncStatus {
        match self.run {
            None => SyncStatus::Unknown,
            Some(run) if now_ms < run.end_ms() => SyncStatus::InProgress,
            Some(run) => run.result.into(),
        }
    }

    /// When the latest sync that has ended at `now_ms` ended.
    pub fn last_sync_ms(&self, now_ms: i64) -> Option<i64> {
        match self.run {
            Some(run) if now_ms >= run.end_ms() => Some(run.end_ms()),
            _ => self.previous_end_ms,
        }
    }

    /// When the latest sync was triggered.
    pub fn last_trigger_ms(&self) -> Option<i64> {
        self.run.map(|r| r.triggered_ms)
    }

    /// Decides a trigger at `now_ms` (running first, then cooldown) and starts a sync if allowed.
    pub fn trigger(&mut self, now_ms: i64) -> SyncDecision {
        if let Some(run) = self.run {
            if now_ms < run.end_ms() {
                return SyncDecision::AlreadyRunning;
            }
            let cooldown_ms = self.config.cooldown_seconds.saturating_mul(1000);
            let cooldown_ends = run
                .triggered_ms
                .saturating_add(i64::try_from(cooldown_ms).unwrap_or(i64::MAX));
            if now_ms < cooldown_ends {
                let remaining = u64::try_from(cooldown_ends - now_ms).unwrap_or(0);
                return SyncDecision::Cooldown {
                    retry_after_secs: remaining.div_ceil(1000).max(1),
                };
            }
            self.previous_end_ms = Some(run.end_ms());
        }
        self.run = Some(Run {
            triggered_ms: now_ms,
            duration_ms: self.config.sync_duration_ms,
            result: self.config.sync_result,
        });
        SyncDecision::Started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_867_200_000;

    #[test]
    fn lifecycle() {
        let mut sim = Sim::new(RuntimeConfig::default(), Clock::new(false));
        assert_eq!(sim.status(T0), SyncStatus::Unknown);
        assert_eq!(sim.trigger(T0), SyncDecision::Started);
        assert_eq!(sim.status(T0 + 1), SyncStatus::InProgress);
        assert_eq!(sim.last_sync_ms(T0 + 1), None);
        assert_eq!(sim.trigger(T0 + 29_999), SyncDecision::AlreadyRunning);
        assert_eq!(sim.status(T0 + 30_000), SyncStatus::Completed);
        assert_eq!(sim.last_sync_ms(T0 + 30_000), Some(T0 + 30_000));
        assert_eq!(
            sim.trigger(T0 + 30_000),
            SyncDecision::Cooldown {
                retry_after_secs: 570
            }
        );
        assert_eq!(
            sim.trigger(T0 + 599_001),
            SyncDecision::Cooldown {
                retry_after_secs: 1
            }
        );
        assert_eq!(sim.trigger(T0 + 600_000), SyncDecision::Started);
        // The previous completion stays visible while the new sync runs.
        assert_eq!(sim.last_sync_ms(T0 + 600_001), Some(T0 + 30_000));
        assert_eq!(sim.last_trigger_ms(), Some(T0 + 600_000));
    }

    #[test]
    fn tenants_have_their_own_window() {
        let mut sim = Sim::new(RuntimeConfig::default(), Clock::new(false));
        let mut a = TenantSync::default();
        assert_eq!(sim.trigger(T0), SyncDecision::Started);
        assert_eq!(
            sim.in_tenant(&mut a, |s| s.trigger(T0 + 1)),
            SyncDecision::Started
        );
        assert_eq!(
            sim.in_tenant(&mut a, |s| s.trigger(T0 + 2)),
            SyncDecision::AlreadyRunning
        );
        assert_eq!(sim.in_tenant(&mut a, |s| s.last_trigger_ms()), Some(T0 + 1));
        assert_eq!(sim.last_trigger_ms(), Some(T0));
        let mut b = TenantSync::default();
        assert_eq!(
            sim.in_tenant(&mut b, |s| s.status(T0 + 3)),
            SyncStatus::Unknown
        );
    }

    #[test]
    fn result_can_be_told_while_running() {
        let mut sim = Sim::new(RuntimeConfig::default(), Clock::new(false));
        sim.trigger(T0);
        let patch = ConfigPatch {
            sync_result: Some(SyncResult::Failed),
            ..ConfigPatch::default()
        };
        sim.apply(&patch, T0 + 10);
        assert_eq!(sim.status(T0 + 30_000), SyncStatus::Failed);
        sim.reset();
        assert_eq!(sim.status(T0 + 30_000), SyncStatus::Unknown);
        assert_eq!(sim.config().sync_result, SyncResult::Completed);
    }
}
