//! The simulated device inventory: Autopilot devices imported by the control API
//! (`POST /_sim/devices`), what their import reports, when Intune lists them (at once, after
//! the next sync, never) and when their deployment profile is assigned or fails. Pure
//! state with explicit times, like `sim.rs`.

use serde::{Deserialize, Serialize};

/// When an imported device shows in `windowsAutopilotDeviceIdentities`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Visible {
    /// As soon as its import completes.
    #[default]
    Immediately,
    /// When the next sync (triggered after the import) ends.
    AfterSync,
    /// Never (an import that Intune lost).
    Never,
}

/// How the profile assignment ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProfileResult {
    /// `deploymentProfileAssignmentStatus: assignedInSync`.
    #[default]
    Assigned,
    /// `deploymentProfileAssignmentStatus: failed`.
    Failed,
}

/// An import that failed: `state.deviceErrorCode` and `state.deviceErrorName`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportError {
    /// E.g. 808.
    pub code: i32,
    /// E.g. `ZtdDeviceAssignedToOtherTenant`.
    pub name: String,
}

/// A device as the control API adds it (`POST /_sim/devices`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceSpec {
    /// The serial number.
    pub serial_number: String,
    /// Group tag.
    #[serde(default)]
    pub group_tag: String,
    /// OEM.
    #[serde(default = "default_manufacturer")]
    pub manufacturer: String,
    /// Model.
    #[serde(default = "default_model")]
    pub model: String,
    /// How long the import stays `unknown` (processing), simulated milliseconds.
    #[serde(default)]
    pub import_duration_ms: u64,
    /// The import's error; none means `complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_error: Option<ImportError>,
    /// When the device is listed.
    #[serde(default)]
    pub visible: Visible,
    /// Milliseconds after it is listed until the profile assignment ends; none: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_after_ms: Option<u64>,
    /// How the profile assignment ends.
    #[serde(default)]
    pub profile_result: ProfileResult,
}

fn default_manufacturer() -> String {
    "Contoso".into()
}

fn default_model() -> String {
    "Surface Laptop 5".into()
}

/// A device in the inventory.
#[derive(Clone, Debug)]
pub struct Device {
    /// What the control API said.
    pub spec: DeviceSpec,
    /// The `windowsAutopilotDeviceIdentity` id (`state.deviceRegistrationId`).
    pub id: String,
    /// The `importedWindowsAutopilotDeviceIdentity` id.
    pub import_id: String,
    /// When it was added (simulated clock).
    pub added_ms: i64,
    /// When it is listed, once known (an `afterSync` device learns it when a sync starts).
    pub visible_ms: Option<i64>,
}

impl Device {
    fn i64(ms: u64) -> i64 {
        i64::try_from(ms).unwrap_or(i64::MAX)
    }

    /// When the import finished processing.
    pub fn imported_ms(&self) -> i64 {
        self.added_ms
            .saturating_add(Self::i64(self.spec.import_duration_ms))
    }

    /// `state.deviceImportStatus` at `now`: `unknown` while processing, then `complete` or `error`.
    pub fn import_status(&self, now: i64) -> &'static str {
        match (&self.spec.import_error, now < self.imported_ms()) {
            (_, true) => "unknown",
            (Some(_), false) => "error",
            (None, false) => "complete",
        }
    }

    /// Whether `windowsAutopilotDeviceIdentities` lists it at `now`.
    pub fn listed(&self, now: i64) -> bool {
        self.spec.import_error.is_none() && self.visible_ms.is_some_and(|v| now >= v)
    }

    /// When the profile assignment ended (at or before `now`), and how.
    pub fn profile(&self, now: i64) -> Option<(i64, ProfileResult)> {
        let visible = self.visible_ms?;
        let at = visible.saturating_add(Self::i64(self.spec.profile_after_ms?));
        (now >= visible && now >= at).then_some((at, self.spec.profile_result))
    }
}

/// The inventory, in the order devices were added.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    devices: Vec<Device>,
}

impl Inventory {
    /// Adds devices at `now`; a serial already present is replaced.
    pub fn add(&mut self, specs: Vec<DeviceSpec>, now: i64) -> Vec<Device> {
        let mut added = Vec::new();
        for spec in specs {
            self.devices.retain(|d| {
                !d.spec
                    .serial_number
                    .eq_ignore_ascii_case(&spec.serial_number)
            });
            let imported = now.saturating_add(Device::i64(spec.import_duration_ms));
            let visible_ms = match spec.visible {
                Visible::Immediately => Some(imported),
                Visible::AfterSync | Visible::Never => None,
            };
            let device = Device {
                spec,
                id: uuid::Uuid::new_v4().to_string(),
                import_id: uuid::Uuid::new_v4().to_string(),
                added_ms: now,
                visible_ms,
            };
            added.push(device.clone());
            self.devices.push(device);
        }
        added
    }

    /// A sync started at `now` and ends at `end`: waiting `afterSync` devices show then.
    pub fn sync_started(&mut self, now: i64, end: i64) {
        for d in &mut self.devices {
            if d.spec.visible == Visible::AfterSync && d.visible_ms.is_none() && d.added_ms <= now {
                d.visible_ms = Some(end.max(d.imported_ms()));
            }
        }
    }

    /// Every device, in the order added.
    pub fn all(&self) -> &[Device] {
        &self.devices
    }

    /// Drops every device.
    pub fn clear(&mut self) {
        self.devices.clear();
    }
}

/// Parses the `$filter` Intune accepts on `windowsAutopilotDeviceIdentities`:
/// `contains(serialNumber,'…')` (quotes doubled inside). `Ok(None)` without a filter;
/// `Err` for anything else, `eq` included (Intune answers 400).
pub fn parse_filter(filter: Option<&str>) -> Result<Option<String>, String> {
    let Some(f) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
        return Ok(None);
    };
    let unsupported =
        || format!("The $filter '{f}' is not supported: use contains(serialNumber,'...').");
    let lower = f.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("contains(")
        .map(|_| f["contains(".len()..].trim_start())
        .ok_or_else(unsupported)?;
    let rest = rest
        .get(..12)
        .filter(|p| p.eq_ignore_ascii_case("serialNumber"))
        .map(|_| rest[12..].trim_start())
        .ok_or_else(unsupported)?;
    let rest = rest.strip_prefix(',').ok_or_else(unsupported)?.trim_start();
    let body = rest.strip_prefix('\'').ok_or_else(unsupported)?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                value.push('\'');
                continue;
            }
            let tail = body[i + 1..].trim();
            return if tail == ")" {
                Ok(Some(value))
            } else {
                Err(unsupported())
            };
        }
        value.push(c);
    }
    Err(unsupported())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(serial: &str, visible: Visible) -> DeviceSpec {
        serde_json::from_value(serde_json::json!({"serialNumber": serial, "visible": visible}))
            .unwrap()
    }

    #[test]
    fn filters() {
        assert_eq!(parse_filter(None), Ok(None));
        assert_eq!(parse_filter(Some("")), Ok(None));
        assert_eq!(
            parse_filter(Some("contains(serialNumber,'SN-1')")),
            Ok(Some("SN-1".into()))
        );
        assert_eq!(
            parse_filter(Some(" Contains( serialnumber , 'O''Brien' ) ")),
            Ok(Some("O'Brien".into()))
        );
        for bad in [
            "serialNumber eq 'SN-1'",
            "contains(serialNumber,'SN-1') or true",
            "contains(groupTag,'x')",
            "contains(serialNumber,'open",
            "startswith(serialNumber,'SN')",
        ] {
            assert!(parse_filter(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn visibility_import_and_profile() {
        let mut inv = Inventory::default();
        let mut later = spec("B", Visible::AfterSync);
        later.profile_after_ms = Some(5_000);
        later.profile_result = ProfileResult::Failed;
        let mut slow = spec("C", Visible::Immediately);
        slow.import_duration_ms = 1_000;
        inv.add(
            vec![
                spec("A", Visible::Immediately),
                later,
                slow,
                spec("D", Visible::Never),
            ],
            0,
        );
        let [a, b, c, d] = [0, 1, 2, 3].map(|i| inv.all()[i].clone());
        assert!(
            a.listed(0) && !b.listed(0) && !c.listed(999) && c.listed(1_000) && !d.listed(i64::MAX)
        );
        assert_eq!(c.import_status(999), "unknown");
        assert_eq!(c.import_status(1_000), "complete");
        assert_eq!(a.profile(10), None, "no profile without profileAfterMs");
        inv.sync_started(100, 30_100);
        let b = inv.all()[1].clone();
        assert!(!b.listed(30_099) && b.listed(30_100));
        assert_eq!(b.profile(35_099), None);
        assert_eq!(b.profile(35_100), Some((35_100, ProfileResult::Failed)));
        assert!(!inv.all()[3].listed(i64::MAX));
    }
}
