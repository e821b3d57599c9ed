//! The `windowsAutopilotSettings` object that `getSyncStatus` reads.

#[allow(unused_imports)]
use crate::prelude::*;

use super::json::{object_json, parse, Doc, Field, Json};
use super::time::{format_iso, parse_iso8601};

/// Intune's minimum interval between two manual syncs.
pub const MANUAL_SYNC_INTERVAL_MS: f64 = 10.0 * 60.0 * 1000.0;

/// The Windows Autopilot sync state (`syncStatus`); JS sees it through the `SyncState`
/// constant. An unrecognised value from Graph reads as `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// Graph reported no state, or one this package does not know.
    Unknown,
    /// A sync is running.
    InProgress,
    /// The last sync finished.
    Completed,
    /// The last sync failed.
    Failed,
}

impl SyncState {
    /// Every state, in documentation order.
    pub const ALL: [SyncState; 4] = [
        SyncState::Unknown,
        SyncState::InProgress,
        SyncState::Completed,
        SyncState::Failed,
    ];

    /// The string JS sees in `syncStatus`.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Unknown => "unknown",
            SyncState::InProgress => "inProgress",
            SyncState::Completed => "completed",
            SyncState::Failed => "failed",
        }
    }

    /// Graph's value, read case-insensitively; anything else is `Unknown`.
    pub fn parse(v: &str) -> SyncState {
        let v = v.trim();
        SyncState::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(v))
            .unwrap_or(SyncState::Unknown)
    }

    /// Whether the sync has ended (`waitForSync` stops here).
    pub fn is_final(self) -> bool {
        matches!(self, SyncState::Completed | SyncState::Failed)
    }
}

/// What `getSyncStatus` resolves with when `ok` is true.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncStatus {
    /// Always true.
    pub ok: bool,
    /// The sync state.
    pub sync_status: SyncState,
    /// When the last sync finished (ISO 8601), if ever.
    pub last_sync_date_time: Option<String>,
    /// When a sync was last triggered by hand (ISO 8601), if ever.
    pub last_manual_sync_trigger_date_time: Option<String>,
    /// `lastManualSyncTriggerDateTime` + 10 minutes, as ISO 8601 UTC.
    pub next_manual_sync_at: Option<String>,
    /// When a sync may next be started (ms since the epoch, caller's clock): the
    /// `nextManualSyncAt` still ahead, else `None`.
    pub next_attempt_at: Option<f64>,
    /// `request-id` response header.
    pub request_id: Option<String>,
    /// The `client-request-id` that was sent.
    pub client_request_id: String,
}

impl SyncStatus {
    /// The JS object's keys: exactly the documented ones, in this order (with
    /// [`SyncStatus::values`], the one list behind [`SyncStatus::to_json`] and the wasm's
    /// status builder).
    pub const KEYS: [&'static str; 8] = [
        "ok",
        "syncStatus",
        "lastSyncDateTime",
        "lastManualSyncTriggerDateTime",
        "nextManualSyncAt",
        "nextAttemptAt",
        "requestId",
        "clientRequestId",
    ];

    /// The value of each of [`SyncStatus::KEYS`].
    pub fn values(&self) -> [Field<'_>; 8] {
        [
            Field::Bool(self.ok),
            Field::Name(self.sync_status.as_str()),
            Field::opt(&self.last_sync_date_time),
            Field::opt(&self.last_manual_sync_trigger_date_time),
            Field::opt(&self.next_manual_sync_at),
            Field::Time(self.next_attempt_at),
            Field::opt(&self.request_id),
            Field::Str(Some(&self.client_request_id)),
        ]
    }

    /// The JS object, as JSON.
    pub fn to_json(&self) -> String {
        object_json(&Self::KEYS, &self.values())
    }
}

/// The settings fields, before the request ids are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Normalised status.
    pub sync_status: SyncState,
    /// ISO date or `None`.
    pub last_sync: Option<String>,
    /// ISO date or `None`.
    pub last_manual_trigger: Option<String>,
    /// Computed.
    pub next_manual_sync_at: Option<String>,
}

/// An ISO date that means something: Graph writes `0001-01-01T00:00:00Z` for "never".
/// Rewritten as `YYYY-MM-DDTHH:mm:ss.sssZ`, the one form `Date.parse` must read alike in
/// every engine: as sent, `…T00:00:00z` is NaN in Firefox but not in Chromium, and a
/// zone-less time (UTC to Graph and to this parser) is local time to every engine.
fn real_date(v: Option<Doc>) -> Option<(String, f64)> {
    let ms = parse_iso8601(&v?.string()?)?;
    // Anything before 2000 is a placeholder, not a sync Intune ran.
    (ms >= 946_684_800_000.0).then(|| (format_iso(ms), ms))
}

/// Reads the settings object, bare or wrapped in `{"value": {...}}`. `None` when the body
/// is not such an object (then the call is an `unexpectedResponse`).
pub fn parse_sync_state(body: &str) -> Option<Settings> {
    let doc = parse(body.trim_start_matches('\u{feff}'))?;
    let obj = match doc.get("value") {
        Some(v) if v.is_object() => v,
        _ => doc,
    };
    if !obj.is_object() {
        return None;
    }
    let has_any = [
        "syncStatus",
        "lastSyncDateTime",
        "lastManualSyncTriggerDateTime",
        "id",
    ]
    .iter()
    .any(|k| obj.get(k).is_some());
    if !has_any {
        return None;
    }
    let manual = real_date(obj.get("lastManualSyncTriggerDateTime"));
    Some(Settings {
        sync_status: obj
            .get("syncStatus")
            .and_then(|s| s.string())
            .map_or(SyncState::Unknown, |s| SyncState::parse(&s)),
        last_sync: real_date(obj.get("lastSyncDateTime")).map(|d| d.0),
        next_manual_sync_at: manual
            .as_ref()
            .map(|(_, ms)| format_iso(ms + MANUAL_SYNC_INTERVAL_MS)),
        last_manual_trigger: manual.map(|d| d.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(
        status: &'static str,
        last: Option<&str>,
        manual: Option<&str>,
        next: Option<&str>,
    ) -> Option<Settings> {
        Some(Settings {
            sync_status: SyncState::parse(status),
            last_sync: last.map(Into::into),
            last_manual_trigger: manual.map(Into::into),
            next_manual_sync_at: next.map(Into::into),
        })
    }

    #[test]
    fn status_json() {
        let s = SyncStatus {
            ok: true,
            sync_status: SyncState::Completed,
            last_sync_date_time: Some("2026-11-28T10:00:30Z".into()),
            last_manual_sync_trigger_date_time: None,
            next_manual_sync_at: None,
            next_attempt_at: Some(1_795_000_000_000.0),
            request_id: None,
            client_request_id: "c".into(),
        };
        assert_eq!(
            s.to_json(),
            r#"{"ok":true,"syncStatus":"completed","lastSyncDateTime":"2026-11-28T10:00:30Z","lastManualSyncTriggerDateTime":null,"nextManualSyncAt":null,"nextAttemptAt":"2026-11-18T11:06:40.000Z","requestId":null,"clientRequestId":"c"}"#
        );
    }

    #[test]
    fn bodies() {
        let cases: &[(&str, Option<Settings>)] = &[
            (
                r#"{"id":"a","syncStatus":"completed","lastSyncDateTime":"2026-11-28T10:00:30.1234567Z","lastManualSyncTriggerDateTime":"2026-11-28T10:00:00Z"}"#,
                st(
                    "completed",
                    Some("2026-11-28T10:00:30.123Z"),
                    Some("2026-11-28T10:00:00.000Z"),
                    Some("2026-11-28T10:10:00.000Z"),
                ),
            ),
            (
                r#"{"value":{"id":"a","syncStatus":"inProgress","lastSyncDateTime":"0001-01-01T00:00:00Z","lastManualSyncTriggerDateTime":"2026-11-28T23:55:00+01:00"}}"#,
                st(
                    "inProgress",
                    None,
                    Some("2026-11-28T22:55:00.000Z"),
                    Some("2026-11-28T23:05:00.000Z"),
                ),
            ),
            // Forms the parser reads but engines do not read alike (see `real_date`):
            // lowercase designators, no zone (UTC), a leap second, padding, +hhmm.
            (
                r#"{"syncStatus":"completed","lastSyncDateTime":"2026-11-28t10:00:30.5z","lastManualSyncTriggerDateTime":" 2026-11-28T10:00:00 "}"#,
                st(
                    "completed",
                    Some("2026-11-28T10:00:30.500Z"),
                    Some("2026-11-28T10:00:00.000Z"),
                    Some("2026-11-28T10:10:00.000Z"),
                ),
            ),
            (
                r#"{"syncStatus":"completed","lastSyncDateTime":"2026-12-31T23:59:60Z","lastManualSyncTriggerDateTime":"2026-11-28 11:00:00+0100"}"#,
                st(
                    "completed",
                    Some("2026-12-31T23:59:59.000Z"),
                    Some("2026-11-28T10:00:00.000Z"),
                    Some("2026-11-28T10:10:00.000Z"),
                ),
            ),
            (
                r#"{"@odata.context":"x","id":"a","syncStatus":"unknown","lastSyncDateTime":"0001-01-01T00:00:00Z","lastManualSyncTriggerDateTime":"0001-01-01T00:00:00Z"}"#,
                st("unknown", None, None, None),
            ),
            (
                r#"{"id":"a","syncStatus":"syncing"}"#,
                st("unknown", None, None, None),
            ),
            (
                r#"{"id":"a","syncStatus":"Failed","lastSyncDateTime":null}"#,
                st("failed", None, None, None),
            ),
            (
                r#"{"id":"a","lastSyncDateTime":"not a date","syncStatus":7}"#,
                st("unknown", None, None, None),
            ),
            (r#"{"value":[]}"#, None),
            (r#"{}"#, None),
            ("[]", None),
            ("", None),
            ("<html>", None),
            (r#"{"id":"a","syncStatus":"compl"#, None),
        ];
        for (body, want) in cases {
            assert_eq!(&parse_sync_state(body), want, "body {body}");
        }
    }
}
