//! The simulated clock: real time plus an offset, or frozen at one instant.
//!
//! Tests freeze it (`--freeze-clock`, `POST /_sim/clock {"freeze": true}`) so that every
//! time-dependent answer (Retry-After, dates, token lifetimes) is exact whatever the
//! machine's speed, then step it with `advanceMs` or set it with `at`.

use std::time::{SystemTime, UNIX_EPOCH};

/// Real time in milliseconds since the Unix epoch.
pub fn real_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The simulated clock. Times are milliseconds since the Unix epoch.
#[derive(Clone, Debug)]
pub struct Clock {
    start_frozen: bool,
    /// Simulated minus real time (used while running).
    offset_ms: i64,
    /// The simulated instant while frozen.
    frozen_at: Option<i64>,
}

impl Clock {
    /// A clock at real time, frozen at start-up when `frozen`.
    pub fn new(frozen: bool) -> Self {
        Clock {
            start_frozen: frozen,
            offset_ms: 0,
            frozen_at: frozen.then(real_now_ms),
        }
    }

    /// Back to the start-up mode: real time, frozen now if it started frozen.
    pub fn reset(&mut self) {
        *self = Clock::new(self.start_frozen);
    }

    /// Simulated now.
    pub fn now_ms(&self) -> i64 {
        self.frozen_at
            .unwrap_or_else(|| real_now_ms().saturating_add(self.offset_ms))
    }

    /// Whether the clock is stopped.
    pub fn frozen(&self) -> bool {
        self.frozen_at.is_some()
    }

    /// How far the simulated clock is ahead of real time (now, for a frozen clock).
    pub fn offset_ms(&self) -> i64 {
        self.now_ms().saturating_sub(real_now_ms())
    }

    /// Moves the simulated clock forward.
    pub fn advance(&mut self, ms: u64) {
        let ms = i64::try_from(ms).unwrap_or(i64::MAX);
        match self.frozen_at.as_mut() {
            Some(at) => *at = at.saturating_add(ms),
            None => self.offset_ms = self.offset_ms.saturating_add(ms),
        }
    }

    /// Stops the clock at the current simulated time (`true`), or lets it run on from the
    /// current simulated time (`false`).
    pub fn set_frozen(&mut self, frozen: bool) {
        let now = self.now_ms();
        if frozen {
            self.frozen_at = Some(now);
        } else if self.frozen_at.take().is_some() {
            self.offset_ms = now.saturating_sub(real_now_ms());
        }
    }

    /// Sets simulated now; a frozen clock stays frozen there, a running one runs on from it.
    pub fn set(&mut self, at_ms: i64) {
        match self.frozen_at.as_mut() {
            Some(at) => *at = at_ms,
            None => self.offset_ms = at_ms.saturating_sub(real_now_ms()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_867_200_000;

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let mut c = Clock::new(true);
        assert!(c.frozen());
        c.set(T0);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(c.now_ms(), T0);
        c.advance(569_000);
        assert_eq!(c.now_ms(), T0 + 569_000);
        c.set_frozen(false);
        assert!(!c.frozen());
        let running = c.now_ms();
        assert!((T0 + 569_000..T0 + 570_000).contains(&running), "{running}");
        c.set_frozen(true);
        let stopped = c.now_ms();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(c.now_ms(), stopped);
        c.reset();
        assert!(c.frozen(), "reset restores the start-up mode");
        let mut r = Clock::new(false);
        r.set_frozen(true);
        r.reset();
        assert!(!r.frozen());
        assert!((r.now_ms() - real_now_ms()).abs() < 1000);
    }
}
