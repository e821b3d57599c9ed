//! The simulated Autopilot device inventory (pure state, a leaf like `state.rs`):
//! imported devices added through the control API, their import records and, once
//! visible, their Autopilot devices with a profile that gets assigned (or fails) after a
//! simulated delay. `devices.rs` serves it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::sim::{Sim, SyncResult};
use crate::timefmt;

/// Default page size (Intune's is about 1000; small here so paging shows up).
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// When an imported device shows up among Autopilot devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Visibility {
    /// When the next sync triggered after the import completes.
    AfterSync,
    /// As soon as its import is complete.
    Immediately,
    /// Never.
    Never,
}

/// How the profile assignment ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProfileResult {
    /// `assignedInSync`.
    Assigned,
    /// `failed` with `hardwareRequirementsNotMet`.
    Failed,
}

/// The import result: `"complete"` or an error code and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ImportResult {
    /// `"complete"`.
    Complete(CompleteTag),
    /// `{"errorCode": 808, "errorName": "ZtdDeviceAssignedToOtherTenant"}`.
    #[serde(rename_all = "camelCase")]
    Error {
        /// `deviceErrorCode`.
        error_code: i32,
        /// `deviceErrorName`.
        #[serde(default)]
        error_name: String,
    },
}

/// The literal `"complete"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CompleteTag {
    /// `"complete"`.
    Complete,
}

/// A device as the control API adds it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDevice {
    /// Serial number (required).
    pub serial_number: String,
    /// Group tag.
    #[serde(default)]
    pub group_tag: String,
    /// Default `"complete"`.
    pub import: Option<ImportResult>,
    /// Simulated ms the import stays `pending`. Default 0.
    #[serde(default)]
    pub import_ms: u64,
    /// Default `afterSync`.
    pub visibility: Option<Visibility>,
    /// Simulated ms from visible to the profile's end. Default 0.
    #[serde(default)]
    pub profile_ms: u64,
    /// Default `assigned`; `null` for no profile at all (`notAssigned` for ever).
    #[serde(default = "assigned")]
    pub profile: Option<ProfileResult>,
}

fn assigned() -> Option<ProfileResult> {
    Some(ProfileResult::Assigned)
}

/// One device in the inventory (read through its methods).
#[derive(Clone, Debug)]
pub struct Device {
    /// The Autopilot device id (also the import's `deviceRegistrationId`).
    pub id: String,
    /// The import record's id.
    pub import_id: String,
    /// Serial number.
    pub serial: String,
    group_tag: String,
    import: ImportResult,
    added_ms: i64,
    import_ms: u64,
    visibility: Visibility,
    /// When it became visible (latched when a sync completed for `afterSync`).
    visible_ms: Option<i64>,
    profile_ms: u64,
    profile: Option<ProfileResult>,
}

impl Device {
    fn imported_at(&self) -> i64 {
        self.added_ms
            .saturating_add(i64::try_from(self.import_ms).unwrap_or(i64::MAX))
    }
    fn import_ok(&self) -> bool {
        matches!(self.import, ImportResult::Complete(_))
    }
    fn visible_since(&self, now: i64) -> Option<i64> {
        if !self.import_ok() || now < self.imported_at() {
            return None;
        }
        match self.visibility {
            Visibility::Immediately => Some(self.imported_at()),
            Visibility::Never => None,
            Visibility::AfterSync => self.visible_ms.filter(|t| *t <= now),
        }
    }
    /// `deploymentProfileAssignmentStatus`, detailed status and assigned time.
    fn profile_at(&self, now: i64, since: i64) -> (&'static str, &'static str, Option<i64>) {
        let end = since.saturating_add(i64::try_from(self.profile_ms).unwrap_or(i64::MAX));
        match self.profile {
            None => ("notAssigned", "none", None),
            Some(_) if now < end => ("pending", "none", None),
            Some(ProfileResult::Assigned) => ("assignedInSync", "none", Some(end)),
            Some(ProfileResult::Failed) => ("failed", "hardwareRequirementsNotMet", None),
        }
    }
    fn import_status(&self, now: i64) -> &'static str {
        match &self.import {
            _ if now < self.imported_at() => "pending",
            ImportResult::Complete(_) => "complete",
            ImportResult::Error { .. } => "error",
        }
    }

    /// The `windowsAutopilotDeviceIdentity` at `now`, once visible.
    pub fn identity_json(&self, now: i64) -> Option<Value> {
        let since = self.visible_since(now)?;
        let (status, detail, at) = self.profile_at(now, since);
        let date =
            |t: Option<i64>| t.map_or_else(|| timefmt::NEVER.to_string(), timefmt::iso_millis);
        Some(json!({
            "@odata.type": "#microsoft.graph.windowsAutopilotDeviceIdentity",
            "id": self.id,
            "deploymentProfileAssignmentStatus": status,
            "deploymentProfileAssignmentDetailedStatus": detail,
            "deploymentProfileAssignedDateTime": date(at),
            "groupTag": self.group_tag,
            "purchaseOrderIdentifier": "",
            "serialNumber": self.serial,
            "productKey": "",
            "manufacturer": "Contoso",
            "model": "Simulated PC",
            "enrollmentState": "notContacted",
            "lastContactedDateTime": timefmt::NEVER,
            "addressableUserName": "",
            "userPrincipalName": "",
            "resourceName": "",
            "skuNumber": "",
            "systemFamily": "",
            "azureActiveDirectoryDeviceId": "",
            "azureAdDeviceId": "",
            "managedDeviceId": "",
            "displayName": "",
            "deviceAccountUpn": "",
            "deviceAccountPassword": "",
            "deviceFriendlyName": "",
            "remediationState": "noRemediationRequired",
            "remediationStateLastModifiedDateTime": timefmt::NEVER,
            "userlessEnrollmentStatus": "allowed",
        }))
    }

    /// The `importedWindowsAutopilotDeviceIdentity` at `now`.
    pub fn imported_json(&self, now: i64) -> Value {
        let status = self.import_status(now);
        let (code, name, reg) = match (&self.import, status) {
            (
                ImportResult::Error {
                    error_code,
                    error_name,
                },
                "error",
            ) => (*error_code, error_name.as_str(), ""),
            (_, "complete") => (0, "", self.id.as_str()),
            _ => (0, "", ""),
        };
        json!({
            "@odata.type": "#microsoft.graph.importedWindowsAutopilotDeviceIdentity",
            "id": self.import_id,
            "groupTag": self.group_tag,
            "serialNumber": self.serial,
            "productKey": "",
            "importId": self.import_id,
            "hardwareIdentifier": "aGFyZHdhcmVJZGVudGlmaWVy",
            "state": {
                "@odata.type": "microsoft.graph.importedWindowsAutopilotDeviceIdentityState",
                "deviceImportStatus": status,
                "deviceRegistrationId": reg,
                "deviceErrorCode": code,
                "deviceErrorName": name,
            },
            "assignedUserPrincipalName": "",
        })
    }
}

/// Every simulated device.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// In the order added.
    pub devices: Vec<Device>,
}

impl Inventory {
    /// Latches `afterSync` devices visible when the latest sync triggered after their
    /// import completed has completed. Call before a trigger replaces the run, and
    /// before every read.
    pub fn observe(&mut self, sim: &Sim, now: i64) {
        let Some((triggered, end, result)) = sim.last_run() else {
            return;
        };
        if now < end || result != SyncResult::Completed {
            return;
        }
        for d in &mut self.devices {
            if d.visibility == Visibility::AfterSync
                && d.visible_ms.is_none()
                && d.import_ok()
                && d.imported_at() <= triggered
            {
                d.visible_ms = Some(end);
            }
        }
    }

    /// Adds devices; a serial already present is refused.
    pub fn add(&mut self, new: Vec<NewDevice>, now: i64) -> Result<Vec<String>, String> {
        let mut ids = Vec::new();
        for n in &new {
            let serial = n.serial_number.trim();
            if serial.is_empty() {
                return Err("serialNumber must not be empty".into());
            }
            if self
                .devices
                .iter()
                .any(|d| d.serial.eq_ignore_ascii_case(serial))
            {
                return Err(format!("a device with serial number {serial:?} exists"));
            }
        }
        for n in new {
            let id = crate::http::guid();
            ids.push(id.clone());
            self.devices.push(Device {
                id,
                import_id: crate::http::guid(),
                serial: n.serial_number.trim().to_string(),
                group_tag: n.group_tag,
                import: n
                    .import
                    .unwrap_or(ImportResult::Complete(CompleteTag::Complete)),
                added_ms: now,
                import_ms: n.import_ms,
                visibility: n.visibility.unwrap_or(Visibility::AfterSync),
                visible_ms: None,
                profile_ms: n.profile_ms,
                profile: n.profile,
            });
        }
        Ok(ids)
    }

    /// Removes every device.
    pub fn clear(&mut self) {
        self.devices.clear();
    }

    /// The control view of every device.
    pub fn view(&self, now: i64) -> Vec<Value> {
        self.devices
            .iter()
            .map(|d| {
                let visible = d.visible_since(now);
                json!({
                    "id": d.id,
                    "serialNumber": d.serial,
                    "groupTag": d.group_tag,
                    "importStatus": d.import_status(now),
                    "visibility": d.visibility,
                    "visible": visible.is_some(),
                    "profileStatus": visible.map(|s| d.profile_at(now, s).0),
                })
            })
            .collect()
    }

    /// By serial number, ignoring case (the paging order).
    pub fn sorted(&self) -> Vec<&Device> {
        let mut v: Vec<&Device> = self.devices.iter().collect();
        v.sort_by_key(|d| d.serial.to_lowercase());
        v
    }
}

/// A parsed `$filter`: only `contains(serialNumber,'…')` is supported.
#[derive(Debug, PartialEq, Eq)]
pub enum Filter {
    /// No filter.
    All,
    /// `contains(serialNumber,'term')` (lower-cased term).
    Contains(String),
}

/// Parses `$filter` as Intune does: `eq` (any use) and anything but `contains` on
/// `serialNumber` are refused.
pub fn parse_filter(filter: Option<&str>) -> Option<Filter> {
    let Some(f) = filter.map(str::trim) else {
        return Some(Filter::All);
    };
    let lower = f.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("contains(")
        .and_then(|r| r.trim_start().strip_prefix("serialnumber"))
        .and_then(|r| r.trim_start().strip_prefix(','))
        .map(str::trim_start)?;
    // Take the term from the original text at the same offset (quoted, '' = ').
    let start = f.len() - rest.len();
    let body = f[start..].strip_prefix('\'')?;
    let mut term = String::new();
    let mut chars = body.char_indices().peekable();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|x| x.1) == Some('\'') {
                chars.next();
                term.push('\'');
                continue;
            }
            end = Some(i + 1);
            break;
        }
        term.push(c);
    }
    let tail = body[end?..].trim();
    (tail == ")").then(|| Filter::Contains(term.to_lowercase()))
}
