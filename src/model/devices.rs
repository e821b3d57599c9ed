//! Following devices by serial number after a sync (`getDevices`, `waitForDevices`):
//! serial clean-up, the `contains(serialNumber,'…')` query, reading Graph's pages, the
//! state of each device from Graph's enums, import error names and what an admin should
//! do about them, and when a wait stops or may start a sync. Pure: the wasm glue only
//! sends the URLs built here and hands the bodies back.
//!
//! Facts used (see the README): Intune refuses `eq` on `serialNumber` (400) and accepts
//! `contains`, whose case sensitivity is undocumented, so every row is matched exactly
//! (ignoring case) here; paging follows `@odata.nextLink`, which once looped forever, so a
//! link already seen ends the paging; unset dates come back as `0001-01-01T00:00:00Z`.

#[allow(unused_imports)]
use crate::prelude::*;

use super::bounds::{scrub, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS};
use super::errors::UsageError;
use super::json::{parse, Doc, Json, ObjectWriter};
use super::time::{decimal, floor};

/// Path of the Autopilot device collection under a Graph root.
pub const IDENTITIES_PATH: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";
/// Path of the import records under a Graph root.
pub const IMPORTED_PATH: &str = "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";
/// At most this many serials per call (the portal imports 500 per CSV; two batches).
pub const MAX_SERIALS: usize = 1000;
/// Longest serial accepted (real ones are under 40 characters; VM serials about 60).
pub const MAX_SERIAL_LEN: usize = 128;
/// Pages followed per query before giving up (1000 rows a page is typical).
pub const MAX_PAGES: usize = 50;
/// Requests in flight at once.
pub const MAX_IN_FLIGHT: usize = 4;
/// `waitForDevices` defaults and floor.
pub const DEFAULT_INTERVAL_MS: u32 = 30_000;
/// The shortest poll interval `waitForDevices` accepts.
pub const MIN_INTERVAL_MS: u32 = 5_000;
/// 30 minutes.
pub const DEFAULT_WAIT_MS: u32 = 1_800_000;

/// Where a device stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Neither an Autopilot device nor an import record has the serial.
    NotFound,
    /// An import record is being processed (or done, and the device not yet visible).
    Importing,
    /// The import record ended in an error.
    ImportFailed,
    /// An Autopilot device, without an assigned profile (yet).
    Registered,
    /// An Autopilot device with a deployment profile assigned.
    ProfileAssigned,
    /// An Autopilot device whose profile assignment failed.
    ProfileFailed,
}

impl DeviceState {
    /// Every state, in documentation order.
    pub const ALL: [DeviceState; 6] = [
        DeviceState::NotFound,
        DeviceState::Importing,
        DeviceState::ImportFailed,
        DeviceState::Registered,
        DeviceState::ProfileAssigned,
        DeviceState::ProfileFailed,
    ];

    /// The JS string.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceState::NotFound => "notFound",
            DeviceState::Importing => "importing",
            DeviceState::ImportFailed => "importFailed",
            DeviceState::Registered => "registered",
            DeviceState::ProfileAssigned => "profileAssigned",
            DeviceState::ProfileFailed => "profileFailed",
        }
    }

    /// Whether waiting longer cannot change it without an admin acting.
    pub fn is_failure(self) -> bool {
        matches!(self, DeviceState::ImportFailed | DeviceState::ProfileFailed)
    }

    /// Whether a wait `until` is over for this device: reached, or failed for good.
    pub fn ends_wait(self, until: Until) -> bool {
        match self {
            DeviceState::NotFound | DeviceState::Importing => false,
            DeviceState::ImportFailed | DeviceState::ProfileFailed => true,
            DeviceState::ProfileAssigned => true,
            DeviceState::Registered => until == Until::Registered,
        }
    }
}

/// `waitForDevices`' `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The device is an Autopilot device.
    Registered,
    /// …with a deployment profile assigned (default).
    ProfileAssigned,
}

impl Until {
    /// From the option's string.
    pub fn parse(s: &str) -> Option<Until> {
        match s {
            "registered" => Some(Until::Registered),
            "profileAssigned" => Some(Until::ProfileAssigned),
            _ => None,
        }
    }
}

/// `s` without outer white space and byte-order marks (U+FEFF, which JS's `trim()` also
/// removes): a BOM sits inside the text when two exported CSV files are pasted one after
/// the other.
pub fn trim_serial(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Trims, drops empty entries and case-insensitive duplicates (first spelling kept, input
/// order kept), and refuses what cannot be a serial number.
pub fn normalize_serials<'a>(
    input: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>, UsageError> {
    let mut out: Vec<String> = Vec::new();
    for raw in input {
        let s = trim_serial(raw);
        if s.is_empty() || out.iter().any(|x| x.eq_ignore_ascii_case(s)) {
            continue;
        }
        if s.chars().count() > MAX_SERIAL_LEN {
            return Err(UsageError::options(
                "A serial number is longer than 128 characters; pass one serial number per array entry.",
            ));
        }
        if s.chars()
            .any(|c| matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}'))
        {
            return Err(UsageError::options(
                "A serial number contains a control character (a line break?); pass one serial number per array entry.",
            ));
        }
        if out.len() == MAX_SERIALS {
            return Err(UsageError::options(
                "More than 1000 serial numbers; split them into batches.",
            ));
        }
        out.push(s.into());
    }
    if out.is_empty() {
        return Err(UsageError::options(
            "serials must hold at least one serial number.",
        ));
    }
    Ok(out)
}

/// Whether Graph's serial is the one asked for: exact, ignoring ASCII case and outer white
/// space (serial numbers are ASCII; Unicode case tables would cost the wasm ~20 KB).
pub fn same_serial(asked: &str, graph: &str) -> bool {
    asked.eq_ignore_ascii_case(graph.trim())
}

/// The OData string literal for `value`, percent-encoded for a query: `'` doubled, then
/// everything but unreserved characters encoded (so `&`, `#`, `+`, `%`, spaces and
/// non-ASCII cannot change the URL's meaning).
pub fn quote_filter_value(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len() + 6);
    out.push_str("%27");
    for b in value.bytes() {
        match b {
            b'\'' => out.push_str("%27%27"),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out.push_str("%27");
    out
}

/// Which collection a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// `windowsAutopilotDeviceIdentities`.
    Identities,
    /// `importedWindowsAutopilotDeviceIdentities`.
    Imported,
}

/// The first page's URL: `{root}{path}?$filter=contains(serialNumber,'…')` for `term`.
pub fn query_url(root: &str, collection: Collection, term: &str) -> String {
    let mut url = String::from(root);
    url.push_str(match collection {
        Collection::Identities => IDENTITIES_PATH,
        Collection::Imported => IMPORTED_PATH,
    });
    url.push_str("?$filter=contains(serialNumber,");
    url.push_str(&quote_filter_value(term));
    url.push(')');
    url
}

/// Intune has answered 400 to `contains` with a hyphen (GUID-shaped VM serials) and
/// breaks on spaces: after such a 400, query the longest part between them instead (rows
/// are matched exactly anyway). `None` when the serial has neither.
pub fn fallback_term(serial: &str) -> Option<&str> {
    if !serial.contains(['-', ' ']) {
        return None;
    }
    serial
        .split(['-', ' '])
        .filter(|p| !p.is_empty())
        .max_by_key(|p| p.len())
}

/// The next page to request, or `None` when paging ends: the link must be under the same
/// Graph root (the token goes with it) and not seen before (Intune once returned the same
/// link forever). ASCII tabs and line breaks are removed first, as the URL parser in
/// `fetch` removes them: the request crosses to JS as lines (`Request::packed`), and a
/// line break inside a link would otherwise shift the headers after it.
pub fn next_page(link: &str, root: &str, seen: &[String]) -> Option<String> {
    let link: String = link
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let under_root = link
        .strip_prefix(root)
        .is_some_and(|rest| rest.starts_with('/'));
    (under_root && !seen.contains(&link) && seen.len() < MAX_PAGES).then_some(link)
}

/// One row of `windowsAutopilotDeviceIdentities`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    /// `id`.
    pub id: Option<String>,
    /// `serialNumber`.
    pub serial: String,
    /// `groupTag`.
    pub group_tag: Option<String>,
    /// `deploymentProfileAssignmentStatus`, as sent.
    pub profile_status: Option<String>,
    /// `deploymentProfileAssignmentDetailedStatus`.
    pub profile_detail: Option<String>,
    /// `deploymentProfileAssignedDateTime` (unset dates dropped).
    pub profile_assigned_at: Option<String>,
    /// `enrollmentState`.
    pub enrollment_state: Option<String>,
    /// `lastContactedDateTime` (unset dates dropped).
    pub last_contacted_at: Option<String>,
}

/// One row of `importedWindowsAutopilotDeviceIdentities`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    /// `id`.
    pub id: Option<String>,
    /// `serialNumber`.
    pub serial: String,
    /// `groupTag`.
    pub group_tag: Option<String>,
    /// `state.deviceImportStatus`.
    pub status: Option<String>,
    /// `state.deviceRegistrationId`.
    pub registration_id: Option<String>,
    /// `state.deviceErrorCode` (0 means none).
    pub error_code: Option<i64>,
    /// `state.deviceErrorName`.
    pub error_name: Option<String>,
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows that parsed (rows without a serial number are skipped).
    pub rows: Vec<T>,
    /// `@odata.nextLink`.
    pub next_link: Option<String>,
}

fn text(v: Option<Doc>) -> Option<String> {
    let s = v?.string()?;
    let t = s.trim();
    (!t.is_empty()).then(|| t.into())
}

/// A date, or `None` when absent or Intune's "unset" (`0001-01-01…`).
fn date(v: Option<Doc>) -> Option<String> {
    text(v).filter(|s| !s.starts_with("0001-01-01"))
}

fn int(v: Option<Doc>) -> Option<i64> {
    let v = v?;
    match v.number() {
        // Whole numbers only (an import error code); `as` saturates, never panics.
        Some(n) => (floor(n) == n && n.abs() < 9.0e15).then_some(n as i64),
        None => v.string()?.trim().parse::<i64>().ok(),
    }
}

fn page<T>(body: &str, row: impl Fn(&Doc) -> Option<T>) -> Option<Page<T>> {
    let doc = parse(body)?;
    let values = doc.get("value")?.items()?;
    Some(Page {
        rows: values.iter().filter_map(row).collect(),
        next_link: text(doc.get("@odata.nextLink")),
    })
}

/// Reads a page of Autopilot devices; `None` when the body is not an OData collection.
pub fn parse_identities(body: &str) -> Option<Page<Identity>> {
    page(body, |r| {
        Some(Identity {
            id: text(r.get("id")),
            serial: text(r.get("serialNumber"))?,
            group_tag: text(r.get("groupTag")),
            profile_status: text(r.get("deploymentProfileAssignmentStatus")),
            profile_detail: text(r.get("deploymentProfileAssignmentDetailedStatus")),
            profile_assigned_at: date(r.get("deploymentProfileAssignedDateTime")),
            enrollment_state: text(r.get("enrollmentState")),
            last_contacted_at: date(r.get("lastContactedDateTime")),
        })
    })
}

/// Reads a page of import records; `None` when the body is not an OData collection.
pub fn parse_imported(body: &str) -> Option<Page<Imported>> {
    page(body, |r| {
        let state = r.get("state");
        let get = |k: &str| state.as_ref().and_then(|s| s.get(k));
        Some(Imported {
            id: text(r.get("id")),
            serial: text(r.get("serialNumber"))?,
            group_tag: text(r.get("groupTag")),
            status: text(get("deviceImportStatus")),
            registration_id: text(get("deviceRegistrationId")),
            error_code: int(get("deviceErrorCode")).filter(|c| *c != 0),
            error_name: text(get("deviceErrorName")),
        })
    })
}

/// The state a profile assignment status means for a registered device. Lenient: the
/// enum has grown before, and `assignedUnkownSyncState` is misspelt in the API (both
/// spellings are accepted); anything unknown reads as "registered, no profile yet".
pub fn profile_state(status: Option<&str>) -> DeviceState {
    match status {
        // Compared as bytes: Graph's text may have a multi-byte character at any index.
        Some(s)
            if s.as_bytes()
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"assigned")) =>
        {
            DeviceState::ProfileAssigned
        }
        Some(s) if s.eq_ignore_ascii_case("failed") => DeviceState::ProfileFailed,
        _ => DeviceState::Registered,
    }
}

/// A known import error: its name as Microsoft documents it and what the admin should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportError {
    /// The documented name.
    pub name: &'static str,
    /// One sentence: what happened and what to do.
    pub advice: &'static str,
}

const IMPORT_ERRORS: &[(Option<i64>, &[&str], ImportError)] = &[
    (Some(801), &["InvalidZtdRequestBody"], ImportError {
        name: "InvalidZtdRequestBody",
        advice: "The import failed because the request was malformed (801 InvalidZtdRequestBody): delete the import record, export the hardware hash again and import it again.",
    }),
    (Some(802), &["InvalidZtdHardwareHash"], ImportError {
        name: "InvalidZtdHardwareHash",
        advice: "The import failed because the hardware hash is invalid or incomplete (802 InvalidZtdHardwareHash): collect it again on the device with Get-WindowsAutopilotInfo (manufacturer and serial number must be present) and import it again.",
    }),
    (Some(803), &["MissingZtdSerialNumberAndProductKey"], ImportError {
        name: "MissingZtdSerialNumberAndProductKey",
        advice: "The import failed because the hash has no valid serial number or product key (803 MissingZtdSerialNumberAndProductKey): collect the hash again on the device and import it again.",
    }),
    (Some(806), &["ZtdDeviceAlreadyAssigned"], ImportError {
        name: "ZtdDeviceAlreadyAssigned",
        advice: "The device is already registered in this tenant (806 ZtdDeviceAlreadyAssigned): delete this import record; the device itself is listed under Windows Autopilot devices (sync if it is not shown yet).",
    }),
    (Some(808), &["ZtdDeviceAssignedToOtherTenant", "ZtdDeviceAssignedToAnotherTenant"], ImportError {
        name: "ZtdDeviceAssignedToOtherTenant",
        advice: "The device is registered to another tenant (808 ZtdDeviceAssignedToOtherTenant): have it deregistered there (or ask Microsoft Support with proof of ownership), then import it again.",
    }),
    (None, &["ZtdDeviceDuplicated"], ImportError {
        name: "ZtdDeviceDuplicated",
        advice: "The same hardware hash was imported more than once in one batch (ZtdDeviceDuplicated): only one copy was processed; delete this import record.",
    }),
    (Some(640), &["StorageError"], ImportError {
        name: "StorageError",
        advice: "Intune could not store the import (StorageError): delete the import record and import the device again later.",
    }),
];

/// The known error for a code and name: the code decides (806 and 808 are documented
/// with two spellings of a name), else the name, ignoring case.
pub fn import_error(code: Option<i64>, name: Option<&str>) -> Option<ImportError> {
    let by_code = code.and_then(|c| IMPORT_ERRORS.iter().find(|(k, _, _)| *k == Some(c)));
    let by_name = || {
        let n = name?.trim();
        IMPORT_ERRORS
            .iter()
            .find(|(_, names, _)| names.iter().any(|x| x.eq_ignore_ascii_case(n)))
    };
    by_code.or_else(by_name).map(|(_, _, e)| *e)
}

/// What `getDevices` reports for one serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceReport {
    /// The serial as asked (trimmed).
    pub serial: String,
    /// Where it stands.
    pub state: DeviceState,
    /// The Autopilot device's `id`.
    pub device_id: Option<String>,
    /// Group tag (device, else import record).
    pub group_tag: Option<String>,
    /// `deploymentProfileAssignmentStatus` as Graph sent it.
    pub profile_status: Option<String>,
    /// `deploymentProfileAssignedDateTime`.
    pub profile_assigned_at: Option<String>,
    /// `enrollmentState`.
    pub enrollment_state: Option<String>,
    /// `lastContactedDateTime`.
    pub last_contacted_at: Option<String>,
    /// `state.deviceImportStatus` of the import record.
    pub import_status: Option<String>,
    /// `state.deviceErrorCode`.
    pub import_error_code: Option<i64>,
    /// `state.deviceErrorName`, or the documented name for the code.
    pub import_error_name: Option<String>,
    /// One sentence for an admin.
    pub message: String,
}

/// How far along a row is, to pick one when several match (duplicates across OEMs).
fn rank(state: DeviceState) -> u8 {
    match state {
        DeviceState::NotFound => 0,
        DeviceState::ImportFailed => 1,
        DeviceState::Importing => 2,
        DeviceState::ProfileFailed => 3,
        DeviceState::Registered => 4,
        DeviceState::ProfileAssigned => 5,
    }
}

fn import_state(i: &Imported) -> DeviceState {
    match i.status.as_deref() {
        Some(s) if s.eq_ignore_ascii_case("error") => DeviceState::ImportFailed,
        _ if i.error_code.is_some() && i.status.is_none() => DeviceState::ImportFailed,
        _ => DeviceState::Importing,
    }
}

/// Decides one serial's report from the rows Graph returned for it (rows of other
/// serials, which `contains` also matches, are ignored here). An Autopilot device wins
/// over import records; among several, the one furthest along.
pub fn decide(serial: &str, identities: &[Identity], imported: &[Imported]) -> DeviceReport {
    let identity = identities
        .iter()
        .filter(|d| same_serial(serial, &d.serial))
        .max_by_key(|d| rank(profile_state(d.profile_status.as_deref())));
    let record = imported
        .iter()
        .filter(|d| same_serial(serial, &d.serial))
        .max_by_key(|d| rank(import_state(d)));
    let mut r = DeviceReport {
        serial: serial.into(),
        state: DeviceState::NotFound,
        device_id: None,
        group_tag: None,
        profile_status: None,
        profile_assigned_at: None,
        enrollment_state: None,
        last_contacted_at: None,
        import_status: record.and_then(|i| i.status.clone()),
        import_error_code: record.and_then(|i| i.error_code),
        import_error_name: None,
        message: String::new(),
    };
    if let Some(i) = record {
        let known = import_error(i.error_code, i.error_name.as_deref());
        r.import_error_name = i
            .error_name
            .clone()
            .or_else(|| known.map(|k| k.name.into()));
        r.group_tag = i.group_tag.clone();
    }
    if let Some(d) = identity {
        r.state = profile_state(d.profile_status.as_deref());
        r.device_id = d.id.clone();
        r.group_tag = d.group_tag.clone().or(r.group_tag);
        r.profile_status = d.profile_status.clone();
        r.profile_assigned_at = d.profile_assigned_at.clone();
        r.enrollment_state = d.enrollment_state.clone();
        r.last_contacted_at = d.last_contacted_at.clone();
        r.message = identity_message(r.state, d);
    } else if let Some(i) = record {
        r.state = import_state(i);
        r.message = import_message(r.state, i);
    } else {
        r.message = "No Windows Autopilot device or import record has this serial number: import its hardware hash, or sync if it was registered by an OEM or partner.".into();
    }
    r
}

fn identity_message(state: DeviceState, d: &Identity) -> String {
    let s = match state {
        DeviceState::ProfileAssigned => "Registered with a deployment profile assigned: the device is ready for Windows Autopilot.",
        DeviceState::ProfileFailed => match d.profile_detail.as_deref() {
            Some(x) if x.eq_ignore_ascii_case("hardwareRequirementsNotMet") => "The deployment profile could not be assigned: the device does not meet its hardware requirements (a self-deploying profile needs TPM 2.0); assign another profile.",
            Some(x) if x.len() > 19 && x.as_bytes()[x.len() - 19..].eq_ignore_ascii_case(b"profileNotSupported") => "The deployment profile could not be assigned: the profile does not support this kind of device; assign a profile made for it.",
            _ => "The deployment profile assignment failed: check the profile and the group it targets, then assign it again.",
        },
        _ => match d.profile_status.as_deref() {
            Some(x) if x.eq_ignore_ascii_case("pending") => "Registered in Windows Autopilot; the deployment profile assignment is pending.",
            Some(x) if x.eq_ignore_ascii_case("notAssigned") => "Registered in Windows Autopilot, but no deployment profile is assigned: make sure a profile targets a group that contains this device (check its group tag).",
            _ => "Registered in Windows Autopilot; Intune has not reported a deployment profile for it yet.",
        },
    };
    s.into()
}

fn import_message(state: DeviceState, i: &Imported) -> String {
    if state == DeviceState::ImportFailed {
        if let Some(e) = import_error(i.error_code, i.error_name.as_deref()) {
            return e.advice.into();
        }
        let mut m = String::from("The import failed");
        match (i.error_code, i.error_name.as_deref()) {
            (Some(c), Some(n)) => {
                m.push_str(" (");
                push_int(&mut m, c);
                m.push(' ');
                m.push_str(n);
                m.push(')');
            }
            (Some(c), None) => {
                m.push_str(" (");
                push_int(&mut m, c);
                m.push(')');
            }
            (None, Some(n)) => {
                m.push_str(" (");
                m.push_str(n);
                m.push(')');
            }
            (None, None) => {}
        }
        m.push_str(": delete the import record, check the hardware hash and import it again.");
        return m;
    }
    match i.status.as_deref() {
        Some(s) if s.eq_ignore_ascii_case("complete") => "Imported; the device appears among Windows Autopilot devices after the next sync (or within a few minutes).".into(),
        _ => "The hardware hash is being imported; this usually takes a few minutes.".into(),
    }
}

fn push_int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    out.push_str(&decimal(v.unsigned_abs()));
}

impl DeviceReport {
    /// The report as it may leave the library, like a sealed call result: every value
    /// copied from Graph's rows has `token` (and each long part of it) redacted and is cut
    /// to [`MAX_FIELD_CHARS`]; the message (which may name Graph's import error) to
    /// [`MAX_MESSAGE_CHARS`].
    pub fn sealed(mut self, token: &str) -> DeviceReport {
        for field in [
            &mut self.device_id,
            &mut self.group_tag,
            &mut self.profile_status,
            &mut self.profile_assigned_at,
            &mut self.enrollment_state,
            &mut self.last_contacted_at,
            &mut self.import_status,
            &mut self.import_error_name,
        ] {
            scrub(field, token, MAX_FIELD_CHARS);
        }
        let mut message = Some(core::mem::take(&mut self.message));
        scrub(&mut message, token, MAX_MESSAGE_CHARS);
        self.message = message.unwrap_or_default();
        self
    }

    /// The JS object, as JSON (documented keys, in this order).
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::new();
        w.str("serialNumber", &self.serial)
            .str("state", self.state.as_str())
            .opt_str("deviceId", self.device_id.as_deref())
            .opt_str("groupTag", self.group_tag.as_deref())
            .opt_str("profileStatus", self.profile_status.as_deref())
            .opt_str("profileAssignedAt", self.profile_assigned_at.as_deref())
            .opt_str("enrollmentState", self.enrollment_state.as_deref())
            .opt_str("lastContactedAt", self.last_contacted_at.as_deref())
            .opt_str("importStatus", self.import_status.as_deref());
        match self.import_error_code {
            Some(c) => {
                let mut n = String::new();
                push_int(&mut n, c);
                w.raw_json("importErrorCode", &n)
            }
            None => w.raw_json("importErrorCode", "null"),
        };
        w.opt_str("importErrorName", self.import_error_name.as_deref())
            .str("message", &self.message)
            .finish()
    }
}

/// `{"ok":true,"devices":[…]}`.
pub fn devices_json(reports: &[DeviceReport]) -> String {
    let mut list = String::from("[");
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&r.to_json());
    }
    list.push(']');
    ObjectWriter::new()
        .bool("ok", true)
        .raw_json("devices", &list)
        .finish()
}

/// The column `Get-WindowsAutopilotInfo` writes the serial number in (matched ignoring case
/// and outer white space), and the spellings other exports use.
const SERIAL_HEADERS: [&str; 4] = [
    "Device Serial Number",
    "Serial Number",
    "SerialNumber",
    "Serial",
];

/// How pasted text was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerialsFormat {
    /// One serial number a line.
    Lines,
    /// A CSV (or `;`/tab-separated) table with a serial number column.
    Csv,
}

impl SerialsFormat {
    /// The JS string.
    pub fn as_str(self) -> &'static str {
        match self {
            SerialsFormat::Lines => "lines",
            SerialsFormat::Csv => "csv",
        }
    }
}

/// What `readSerials` found in pasted text or a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialsRead {
    /// Lines or CSV.
    pub format: SerialsFormat,
    /// Distinct serial numbers (first spelling kept, input order), ready for `getDevices`.
    pub serials: Vec<String>,
    /// Entries dropped because they repeat an earlier serial (ignoring ASCII case).
    pub duplicates: usize,
    /// CSV rows without a serial number (short rows, an empty cell).
    pub skipped_rows: usize,
}

/// Splits CSV text into records of fields (RFC 4180: `"` quotes a field, `""` is a quote
/// inside it, a quoted field may hold the separator or a line break), each with the line
/// it starts on. Line breaks are `\r\n`, `\n` or `\r`.
fn csv_records(text: &str, sep: char) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut line, mut start) = (1usize, 1usize);
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            c if c == sep => {
                fields.push(core::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(core::mem::take(&mut field));
                records.push((start, core::mem::take(&mut fields)));
                was_quoted = false;
                line += 1;
                start = line;
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() || was_quoted {
        fields.push(field);
        records.push((start, fields));
    }
    records
}

/// Whether a CSV cell is a serial number column's name.
fn is_serial_header(cell: &str) -> bool {
    let cell = trim_serial(cell);
    SERIAL_HEADERS.iter().any(|x| x.eq_ignore_ascii_case(cell))
}

/// The separator and column of the serial number, when the first record is a header that
/// names it (`,` as `Get-WindowsAutopilotInfo` writes it; `;` or tab as spreadsheets
/// re-save it).
fn serial_column(text: &str) -> Option<(char, usize)> {
    let header = lines(text)
        .into_iter()
        .find(|l| !trim_serial(l).is_empty())?;
    [',', ';', '\t'].into_iter().find_map(|sep| {
        let (_, first) = csv_records(header, sep).into_iter().next()?;
        let col = first.iter().position(|h| is_serial_header(h))?;
        Some((sep, col))
    })
}

/// The lines of `text`, split at `\r\n`, `\n` or `\r`.
fn lines(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            out.push(&text[start..i]);
            i += if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&text[start..]);
    out
}

fn blank(fields: &[String]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

fn line_error(line: usize, what: &str) -> UsageError {
    let mut m = String::from("Line ");
    m.push_str(&decimal(line as u64));
    m.push_str(what);
    UsageError::options(m)
}

/// Reads serial numbers from what an admin pastes or uploads: one serial a line, or a CSV
/// with a `Device Serial Number` column (the file `Get-WindowsAutopilotInfo` writes: other
/// columns, quotes, a byte-order mark, CRLF and any header case are fine). Errors name the
/// line and say what to paste instead; the serials then pass [`normalize_serials`]' rules.
pub fn read_serials(text: &str) -> Result<SerialsRead, UsageError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut skipped_rows = 0;
    let format = match serial_column(text) {
        Some((sep, col)) => {
            let mut rows = csv_records(text, sep)
                .into_iter()
                .filter(|(_, f)| !blank(f));
            rows.next(); // the header
            for (line, fields) in rows {
                // The header again (CSV files pasted one after another) is no serial.
                match fields
                    .get(col)
                    .map(|s| trim_serial(s))
                    .filter(|s| !s.is_empty() && !is_serial_header(s))
                {
                    Some(s) => found.push((line, s.into())),
                    None => skipped_rows += 1,
                }
            }
            SerialsFormat::Csv
        }
        None => {
            for (i, raw) in lines(text).into_iter().enumerate() {
                let mut s = trim_serial(raw);
                if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
                    s = trim_serial(&s[1..s.len() - 1]);
                }
                if s.is_empty() {
                    continue;
                }
                if s.bytes().any(|b| matches!(b, b',' | b';' | b'\t')) {
                    return Err(line_error(i + 1, " holds several values, but no line names a Device Serial Number column: paste the CSV with its header line (as Get-WindowsAutopilotInfo writes it), or one serial number per line."));
                }
                found.push((i + 1, s.into()));
            }
            SerialsFormat::Lines
        }
    };
    for (line, s) in &found {
        if s.chars().count() > MAX_SERIAL_LEN {
            return Err(line_error(*line, ": a serial number is longer than 128 characters; is this the hardware hash? Paste one serial number per line, or the CSV with its header line."));
        }
        if s.chars().any(|c| c.is_control()) {
            return Err(line_error(
                *line,
                ": the serial number contains a control character.",
            ));
        }
    }
    if found.is_empty() {
        return Err(UsageError::options(match format {
            SerialsFormat::Csv => "The CSV has a Device Serial Number column but no serial numbers in it.",
            SerialsFormat::Lines => "No serial numbers: paste one serial number per line, or a CSV with a Device Serial Number column.",
        }));
    }
    let total = found.len();
    let serials = normalize_serials(found.iter().map(|(_, s)| s.as_str()))?;
    Ok(SerialsRead {
        format,
        duplicates: total - serials.len(),
        serials,
        skipped_rows,
    })
}

impl SerialsRead {
    /// `{"ok":true,"format":…,"serials":[…],"duplicates":n,"skippedRows":n}`.
    pub fn to_json(&self) -> String {
        ObjectWriter::new()
            .bool("ok", true)
            .str("format", self.format.as_str())
            .opt_str_list("serials", Some(&self.serials))
            .raw("duplicates", &decimal(self.duplicates as u64))
            .raw("skippedRows", &decimal(self.skipped_rows as u64))
            .finish()
    }
}

/// `readSerials`' answer: the serials, or `{"ok":false,"message":…}` for the admin.
pub fn read_serials_json(text: &str) -> String {
    match read_serials(text) {
        Ok(r) => r.to_json(),
        Err(e) => ObjectWriter::new()
            .bool("ok", false)
            .str("message", &e.message)
            .finish(),
    }
}

impl DeviceReport {
    /// Whether a sync may bring it: no record at all (registered by an OEM or partner), or
    /// an import that completed and is not yet among Autopilot devices. A pending import
    /// or a failure gains nothing from a sync.
    pub fn missing(&self) -> bool {
        match self.state {
            DeviceState::NotFound => true,
            DeviceState::Importing => self
                .import_status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("complete")),
            _ => false,
        }
    }
}

/// Whether every device's wait is over.
pub fn wait_done(states: &[DeviceState], until: Until) -> bool {
    states.iter().all(|s| s.ends_wait(until))
}

/// `sync: "ifMissing"` bookkeeping for one wait: at most one trigger per 10-minute window,
/// and none after Intune answered 409 or 429 (never a retry of those).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncPlan {
    /// When this wait last sent a trigger (caller's clock, ms).
    pub last_attempt_ms: Option<f64>,
    /// A trigger was answered 409 or 429: no more triggers in this wait.
    pub refused: bool,
}

/// What Intune says about starting a sync now (from the settings object).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncWindow {
    /// A sync is running (`syncStatus: inProgress`).
    pub running: bool,
    /// When the next manual sync is allowed (caller's clock, ms), if later than now.
    pub next_allowed_ms: Option<f64>,
}

impl SyncPlan {
    /// Whether to trigger now: some serial is `notFound`, this wait has not triggered in
    /// the last 10 minutes and was never refused, and Intune allows one (none running,
    /// the window open). `window` is `None` when it could not be read: then no trigger.
    pub fn should_trigger(
        &self,
        any_missing: bool,
        window: Option<SyncWindow>,
        now_ms: f64,
    ) -> bool {
        let Some(w) = window else { return false };
        any_missing
            && !self.refused
            && !w.running
            && w.next_allowed_ms.is_none_or(|t| t <= now_ms)
            && self
                .last_attempt_ms
                .is_none_or(|t| now_ms - t >= super::sync_state::MANUAL_SYNC_INTERVAL_MS)
    }

    /// Records a trigger's outcome.
    pub fn record(&mut self, outcome: super::outcome::Outcome, now_ms: f64) {
        use super::outcome::Outcome;
        self.last_attempt_ms = Some(now_ms);
        if matches!(outcome, Outcome::AlreadyInProgress | Outcome::Throttled) {
            self.refused = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorCode, Outcome, Request};

    fn id(serial: &str, status: Option<&str>, detail: Option<&str>) -> Identity {
        Identity {
            id: Some("d1".into()),
            serial: serial.into(),
            profile_status: status.map(Into::into),
            profile_detail: detail.map(Into::into),
            ..Default::default()
        }
    }

    fn imp(serial: &str, status: &str, code: Option<i64>, name: Option<&str>) -> Imported {
        Imported {
            serial: serial.into(),
            status: Some(status.into()),
            error_code: code,
            error_name: name.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn states_from_graph_enums() {
        use DeviceState::*;
        let cases: &[(Option<&str>, DeviceState)] = &[
            (Some("assignedInSync"), ProfileAssigned),
            (Some("assignedOutOfSync"), ProfileAssigned),
            (Some("assignedUnkownSyncState"), ProfileAssigned),
            (Some("assignedUnknownSyncState"), ProfileAssigned),
            (Some("AssignedInSync"), ProfileAssigned),
            (Some("notAssigned"), Registered),
            (Some("pending"), Registered),
            (Some("unknown"), Registered),
            (Some("failed"), ProfileFailed),
            (Some("somethingNew"), Registered),
            (Some(""), Registered),
            (None, Registered),
            // A multi-byte character across byte 8 (the wasm trapped here once).
            (Some("\u{fffd}\u{a86b}\u{d38}"), Registered),
            (Some("assigne\u{e9}"), Registered),
            (Some("assigned\u{e9}"), ProfileAssigned),
        ];
        for (status, want) in cases {
            assert_eq!(profile_state(*status), *want, "{status:?}");
            let r = decide("SN1", &[id("SN1", *status, None)], &[]);
            assert_eq!(r.state, *want, "{status:?}");
            assert!(r.message.ends_with('.') && !r.message.is_empty());
        }
    }

    #[test]
    fn every_state_from_rows() {
        use DeviceState::*;
        let cases: &[(&[Identity], &[Imported], DeviceState, &str)] = &[
            (&[], &[], NotFound, "import its hardware hash"),
            (
                &[],
                &[imp("SN1", "pending", None, None)],
                Importing,
                "being imported",
            ),
            (
                &[],
                &[imp("SN1", "unknown", None, None)],
                Importing,
                "being imported",
            ),
            (
                &[],
                &[imp("SN1", "partial", None, None)],
                Importing,
                "being imported",
            ),
            (
                &[],
                &[imp("SN1", "complete", None, None)],
                Importing,
                "after the next sync",
            ),
            (
                &[],
                &[imp(
                    "SN1",
                    "error",
                    Some(808),
                    Some("ZtdDeviceAssignedToOtherTenant"),
                )],
                ImportFailed,
                "deregistered there",
            ),
            (
                &[id("SN1", Some("notAssigned"), None)],
                &[],
                Registered,
                "group tag",
            ),
            (
                &[id("SN1", Some("pending"), None)],
                &[],
                Registered,
                "pending",
            ),
            (
                &[id("SN1", Some("assignedInSync"), None)],
                &[],
                ProfileAssigned,
                "ready",
            ),
            (
                &[id(
                    "SN1",
                    Some("failed"),
                    Some("hardwareRequirementsNotMet"),
                )],
                &[],
                ProfileFailed,
                "TPM 2.0",
            ),
            (
                &[id(
                    "SN1",
                    Some("failed"),
                    Some("holoLensProfileNotSupported"),
                )],
                &[],
                ProfileFailed,
                "does not support",
            ),
            (
                // Multi-byte characters where the suffix check starts: no panic.
                &[id(
                    "SN1",
                    Some("failed"),
                    Some("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"),
                )],
                &[],
                ProfileFailed,
                "assignment failed",
            ),
            (
                &[id("SN1", Some("failed"), None)],
                &[],
                ProfileFailed,
                "assign it again",
            ),
            // An Autopilot device wins over its import record (even a failed one).
            (
                &[id("SN1", Some("assignedInSync"), None)],
                &[imp("SN1", "error", Some(806), None)],
                ProfileAssigned,
                "ready",
            ),
            // Rows of other serials (contains also matches them) are ignored.
            (
                &[id("SN10", Some("assignedInSync"), None)],
                &[imp("XSN1", "error", Some(808), None)],
                NotFound,
                "import",
            ),
            // Exact but case-insensitive, outer space ignored.
            (
                &[id(" sn1 ", Some("assignedInSync"), None)],
                &[],
                ProfileAssigned,
                "ready",
            ),
            // Several rows: the one furthest along.
            (
                &[
                    id("SN1", Some("failed"), None),
                    id("SN1", Some("assignedInSync"), None),
                ],
                &[],
                ProfileAssigned,
                "ready",
            ),
            (
                &[],
                &[
                    imp("SN1", "error", Some(802), None),
                    imp("SN1", "pending", None, None),
                ],
                Importing,
                "being imported",
            ),
        ];
        for (ids, imps, want, text) in cases {
            let r = decide("SN1", ids, imps);
            assert_eq!(r.state, *want, "{ids:?} {imps:?}");
            assert!(r.message.contains(text), "{}: {}", want.as_str(), r.message);
        }
        assert_eq!(DeviceState::ALL.len(), 6);
        for s in DeviceState::ALL {
            assert!(
                cases.iter().any(|c| c.2 == s),
                "state {} has a case",
                s.as_str()
            );
        }
    }

    #[test]
    fn import_error_names() {
        type Case<'a> = (Option<i64>, Option<&'a str>, Option<&'a str>, &'a str);
        let cases: &[Case] = &[
            (Some(801), None, Some("InvalidZtdRequestBody"), "malformed"),
            (
                Some(802),
                None,
                Some("InvalidZtdHardwareHash"),
                "Get-WindowsAutopilotInfo",
            ),
            (
                Some(803),
                None,
                Some("MissingZtdSerialNumberAndProductKey"),
                "serial number",
            ),
            (
                Some(806),
                None,
                Some("ZtdDeviceAlreadyAssigned"),
                "already registered in this tenant",
            ),
            (
                Some(806),
                Some("ZtdDeviceAlreadyAssigned"),
                Some("ZtdDeviceAlreadyAssigned"),
                "this tenant",
            ),
            (
                Some(808),
                None,
                Some("ZtdDeviceAssignedToOtherTenant"),
                "another tenant",
            ),
            (
                Some(808),
                Some("ZtdDeviceAssignedToAnotherTenant"),
                Some("ZtdDeviceAssignedToOtherTenant"),
                "deregistered",
            ),
            (
                None,
                Some("ZtdDeviceAssignedToAnotherTenant"),
                Some("ZtdDeviceAssignedToOtherTenant"),
                "another tenant",
            ),
            (
                None,
                Some("ztddeviceduplicated"),
                Some("ZtdDeviceDuplicated"),
                "more than once",
            ),
            (Some(640), None, Some("StorageError"), "later"),
            (None, Some("StorageError"), Some("StorageError"), "later"),
            // The code decides over a contradicting name (scripts in the wild swap them).
            (
                Some(808),
                Some("ZtdDeviceAlreadyAssigned"),
                Some("ZtdDeviceAssignedToOtherTenant"),
                "another tenant",
            ),
            (Some(999), None, None, "(999)"),
            (
                Some(15),
                Some("Device Error Name value"),
                None,
                "(15 Device Error Name value)",
            ),
            (None, None, None, "The import failed: delete"),
        ];
        for (code, name, known, text) in cases {
            assert_eq!(
                import_error(*code, *name).map(|e| e.name),
                *known,
                "{code:?} {name:?}"
            );
            let r = decide("SN1", &[], &[imp("SN1", "error", *code, *name)]);
            assert_eq!(r.state, DeviceState::ImportFailed);
            assert!(r.message.contains(text), "{code:?} {name:?}: {}", r.message);
            // Graph's own name is kept; else the documented one fills in.
            assert_eq!(r.import_error_name.as_deref(), name.or(*known));
        }
    }

    #[test]
    fn serials_trimmed_deduplicated_refused() {
        let ok =
            normalize_serials(["  a1 ", "B2", "A1", "", "  ", "b2", "ÉX", "éx", "c'3"]).unwrap();
        assert_eq!(ok, ["a1", "B2", "ÉX", "éx", "c'3"], "ASCII case only");
        assert!(normalize_serials([""]).is_err());
        assert!(normalize_serials(Vec::<&str>::new()).is_err());
        assert!(normalize_serials(["a\nb"]).is_err());
        let long = "x".repeat(129);
        assert!(normalize_serials([long.as_str()]).is_err());
        let many: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
        assert!(normalize_serials(many.iter().map(String::as_str)).is_err());
        assert_eq!(
            normalize_serials(many[..1000].iter().map(String::as_str))
                .unwrap()
                .len(),
            1000
        );
    }

    #[test]
    fn filter_quoting() {
        let cases: &[(&str, &str)] = &[
            ("5CD333527Z", "%275CD333527Z%27"),
            ("O'Brien", "%27O%27%27Brien%27"),
            ("a&b=c#d+e%f", "%27a%26b%3Dc%23d%2Be%25f%27"),
            ("VMware-12 3e", "%27VMware-12%203e%27"),
            ("é", "%27%C3%A9%27"),
            ("')or(1", "%27%27%27%29or%281%27"),
        ];
        for (raw, want) in cases {
            assert_eq!(quote_filter_value(raw), *want);
        }
        assert_eq!(
            query_url("https://graph.microsoft.com", Collection::Identities, "SN'1"),
            "https://graph.microsoft.com/beta/deviceManagement/windowsAutopilotDeviceIdentities?$filter=contains(serialNumber,%27SN%27%271%27)"
        );
        assert!(query_url("http://127.0.0.1:1", Collection::Imported, "x")
            .starts_with("http://127.0.0.1:1/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities?$filter="));
        assert_eq!(
            fallback_term("ec2a1bbf-7e9f-45f0-f404-bec2e9da6f35"),
            Some("bec2e9da6f35")
        );
        assert_eq!(fallback_term("VMware-56 4d 1a"), Some("VMware"));
        assert_eq!(fallback_term("5CD333527Z"), None);
    }

    #[test]
    fn paging_links() {
        let root = "https://graph.microsoft.com";
        let a = "https://graph.microsoft.com/beta/x?$skiptoken=1".to_string();
        let follow = |link: &str, seen: &[String]| next_page(link, root, seen).is_some();
        assert_eq!(next_page(&a, root, &[]), Some(a.clone()));
        assert!(
            !follow(&a, core::slice::from_ref(&a)),
            "a link seen before ends paging"
        );
        assert!(
            !follow("https://evil.example/beta/x", &[]),
            "the token never leaves the root"
        );
        assert!(!follow(
            "https://graph.microsoft.com.evil.example/beta",
            &[]
        ));
        assert!(!follow(
            "https://graph.microsoft.com@evil.example/beta",
            &[]
        ));
        let seen: Vec<String> = (0..MAX_PAGES).map(|i| i.to_string()).collect();
        assert!(!follow(&a, &seen), "at most MAX_PAGES pages");
        // Tabs and line breaks go, as fetch's URL parser drops them; none reaches the
        // request's lines, where it would shift the headers.
        for (link, cleaned) in [
            (
                "https://graph.microsoft.com/beta/x\nAuthorization\nBearer injected",
                Some("https://graph.microsoft.com/beta/xAuthorizationBearer injected"),
            ),
            (
                "https://graph.microsoft.com/beta/x?a=\r\n1\t2",
                Some("https://graph.microsoft.com/beta/x?a=12"),
            ),
            ("https://graph.microsoft.com\n.evil.example/beta", None),
            ("\nhttps://evil.example/beta", None),
        ] {
            let next = next_page(link, root, &[]);
            assert_eq!(next.as_deref(), cleaned, "{link:?}");
            if let Some(url) = next {
                let packed = Request::get(&url, "token", "id").packed();
                assert_eq!(packed.lines().count(), 8, "{packed:?}");
            }
        }
        let cleaned = "https://graph.microsoft.com/beta/x?a=12".to_string();
        assert!(
            !follow("https://graph.microsoft.com/beta/x?a=1\n2", &[cleaned]),
            "seen is compared after cleaning"
        );
    }

    #[test]
    fn pages_parse() {
        let body = r#"{"@odata.context":"x","value":[
          {"id":"a","serialNumber":"SN1","groupTag":"","deploymentProfileAssignmentStatus":"assignedInSync",
           "deploymentProfileAssignedDateTime":"2026-01-01T00:00:00Z","lastContactedDateTime":"0001-01-01T00:00:00Z","enrollmentState":"notContacted"},
          {"id":"b"}],
          "@odata.nextLink":"https://graph.microsoft.com/beta/next"}"#;
        let p = parse_identities(body).unwrap();
        assert_eq!(p.rows.len(), 1, "a row without a serial is skipped");
        let r = &p.rows[0];
        assert_eq!(r.group_tag, None);
        assert_eq!(
            r.profile_assigned_at.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(r.last_contacted_at, None, "0001-01-01 is unset");
        assert_eq!(
            p.next_link.as_deref(),
            Some("https://graph.microsoft.com/beta/next")
        );
        assert!(parse_identities("{}").is_none());
        assert!(parse_identities("{\"value\":{}}").is_none());
        assert!(parse_identities("<html>").is_none());
        let imp = parse_imported(r#"{"value":[{"id":"i","serialNumber":"SN2","state":{"@odata.type":"microsoft.graph.importedWindowsAutopilotDeviceIdentityState","deviceImportStatus":"error","deviceRegistrationId":"","deviceErrorCode":808,"deviceErrorName":"ZtdDeviceAssignedToOtherTenant"}},{"serialNumber":"SN3","state":{"deviceImportStatus":"pending","deviceErrorCode":0}}]}"#).unwrap();
        assert_eq!(imp.rows[0].error_code, Some(808));
        assert_eq!(imp.rows[0].registration_id, None);
        assert_eq!(imp.rows[1].error_code, None, "0 is no error");
        assert_eq!(imp.next_link, None);
    }

    #[test]
    fn report_json() {
        let r = decide("SN1", &[], &[imp("SN1", "error", Some(808), None)]);
        let j = devices_json(&[r]);
        assert!(j.starts_with("{\"ok\":true,\"devices\":[{\"serialNumber\":\"SN1\",\"state\":\"importFailed\",\"deviceId\":null"));
        assert!(j.contains(
            "\"importErrorCode\":808,\"importErrorName\":\"ZtdDeviceAssignedToOtherTenant\""
        ));
        assert!(crate::model::json::parse(&j).is_some());
    }

    #[test]
    fn reports_are_sealed_like_results() {
        let token =
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbi1leGFtcGxlIn0.c2lnbmF0dXJlLXNlY3JldC1wYXJ0";
        let sig = token.rsplit('.').next().unwrap_or_default();
        let echo = |s: &str| Some([s, " ", token, " ", sig].concat());
        let long = "x".repeat(5_000);
        let device = Identity {
            id: echo("d1"),
            serial: "SN1".into(),
            group_tag: Some(long.clone()),
            profile_status: echo("assigned"),
            profile_assigned_at: echo("2026"),
            enrollment_state: echo("enrolled"),
            last_contacted_at: echo("2026"),
            ..Default::default()
        };
        let mut failed = imp("SN2", "error", Some(12345), None);
        failed.error_name = echo("Odd");
        failed.group_tag = Some(long);
        for (serial, r) in [
            ("SN1", decide("SN1", &[device], &[])),
            ("SN2", decide("SN2", &[], &[failed])),
        ] {
            let sealed = r.sealed(token);
            let json = sealed.to_json();
            assert!(!json.contains(token) && !json.contains(sig), "{json}");
            for v in [
                &sealed.device_id,
                &sealed.group_tag,
                &sealed.profile_status,
                &sealed.profile_assigned_at,
                &sealed.enrollment_state,
                &sealed.last_contacted_at,
                &sealed.import_status,
                &sealed.import_error_name,
            ]
            .into_iter()
            .flatten()
            {
                assert!(v.chars().count() <= MAX_FIELD_CHARS, "{v}");
            }
            assert!(sealed.message.chars().count() <= MAX_MESSAGE_CHARS);
            assert_eq!(sealed.serial, serial, "the caller's serial is kept");
        }
        let sealed = decide(
            "SN2",
            &[],
            &[{
                let mut i = imp("SN2", "error", Some(12345), None);
                i.error_name = echo("Odd");
                i
            }],
        )
        .sealed(token);
        assert!(
            sealed.message.contains("(12345 Odd [redacted] [redacted])"),
            "{}",
            sealed.message
        );
    }

    #[test]
    fn missing_means_a_sync_may_help() {
        let cases: &[(&[Identity], &[Imported], bool)] = &[
            (&[], &[], true),
            (&[], &[imp("SN1", "complete", None, None)], true),
            (&[], &[imp("SN1", "pending", None, None)], false),
            (&[], &[imp("SN1", "unknown", None, None)], false),
            (&[], &[imp("SN1", "error", Some(808), None)], false),
            (&[id("SN1", Some("notAssigned"), None)], &[], false),
            (&[id("SN1", Some("assignedInSync"), None)], &[], false),
        ];
        for (ids, imps, want) in cases {
            assert_eq!(
                decide("SN1", ids, imps).missing(),
                *want,
                "{ids:?} {imps:?}"
            );
        }
    }

    #[test]
    fn wait_stop_rules() {
        use DeviceState::*;
        let (reg, prof) = (Until::Registered, Until::ProfileAssigned);
        let cases: &[(&[DeviceState], Until, bool)] = &[
            (&[ProfileAssigned, ProfileAssigned], prof, true),
            (&[ProfileAssigned, Registered], prof, false),
            (&[ProfileAssigned, Registered], reg, true),
            (&[ImportFailed, ProfileFailed, ProfileAssigned], prof, true),
            (&[NotFound], reg, false),
            (&[Importing], reg, false),
            (&[ProfileFailed], reg, true),
            (&[], prof, true),
        ];
        for (states, until, done) in cases {
            assert_eq!(wait_done(states, *until), *done, "{states:?} {until:?}");
        }
        assert_eq!(Until::parse("registered"), Some(reg));
        assert_eq!(Until::parse("profileAssigned"), Some(prof));
        assert_eq!(Until::parse("Registered"), None);
    }

    #[test]
    fn sync_if_missing_rules() {
        let open = Some(SyncWindow {
            running: false,
            next_allowed_ms: None,
        });
        let running = Some(SyncWindow {
            running: true,
            next_allowed_ms: None,
        });
        let closed = Some(SyncWindow {
            running: false,
            next_allowed_ms: Some(2_000.0),
        });
        let fresh = SyncPlan::default();
        // (plan, any missing, window, now, trigger?)
        let cases: &[(SyncPlan, bool, Option<SyncWindow>, f64, bool)] = &[
            (fresh.clone(), true, open, 1_000.0, true),
            (fresh.clone(), false, open, 1_000.0, false),
            (fresh.clone(), true, running, 1_000.0, false),
            (fresh.clone(), true, closed, 1_000.0, false),
            (fresh.clone(), true, closed, 2_000.0, true),
            (fresh.clone(), true, None, 1_000.0, false),
            (
                SyncPlan {
                    last_attempt_ms: Some(0.0),
                    refused: false,
                },
                true,
                open,
                599_999.0,
                false,
            ),
            (
                SyncPlan {
                    last_attempt_ms: Some(0.0),
                    refused: false,
                },
                true,
                open,
                600_000.0,
                true,
            ),
            (
                SyncPlan {
                    last_attempt_ms: Some(0.0),
                    refused: true,
                },
                true,
                open,
                9e9,
                false,
            ),
        ];
        for (plan, missing, window, now, want) in cases {
            assert_eq!(
                plan.should_trigger(*missing, *window, *now),
                *want,
                "{plan:?} {missing} {window:?} {now}"
            );
        }
        let mut p = SyncPlan::default();
        p.record(Outcome::Started, 5.0);
        assert_eq!(
            p,
            SyncPlan {
                last_attempt_ms: Some(5.0),
                refused: false
            }
        );
        for o in [Outcome::AlreadyInProgress, Outcome::Throttled] {
            let mut p = SyncPlan::default();
            p.record(o, 5.0);
            assert!(p.refused, "never a retry of {o:?}");
        }
    }

    #[test]
    fn serials_from_pasted_text_and_csv() {
        use SerialsFormat::*;
        const HASH: &str = "T0FbBQEAHAAAAAoAHgZhSgAACgCSBmFKYGIyKgg";
        let autopilot_csv = format!(
            "\u{feff}Device Serial Number,Windows Product ID,Hardware Hash\r\nPF1ABC,,{HASH}\r\n\"PF2 DEF\",\"00330-80000\",\"{HASH}\"\r\n"
        );
        // (input, format, serials, duplicates, skipped rows)
        let cases: &[(&str, SerialsFormat, &[&str], usize, usize)] = &[
            ("A1\nB2\n", Lines, &["A1", "B2"], 0, 0),
            ("  A1 \r\n\r\nB2\r\na1\r\n", Lines, &["A1", "B2"], 1, 0),
            ("A1\rB2", Lines, &["A1", "B2"], 0, 0),
            ("\u{feff}\"A1\"\n  \"B 2\"  \n", Lines, &["A1", "B 2"], 0, 0),
            (&autopilot_csv, Csv, &["PF1ABC", "PF2 DEF"], 0, 0),
            (
                "device serial NUMBER\nX1\nx1\n\nX2",
                Csv,
                &["X1", "X2"],
                1,
                0,
            ),
            (
                "Group Tag;Device Serial Number\nSales;S1\nSales;\nHR;S2\n",
                Csv,
                &["S1", "S2"],
                0,
                1,
            ),
            ("Model\tSerialNumber\nSurface\tT1\n", Csv, &["T1"], 0, 0),
            // Two exports pasted one after the other: the second BOM and header are no
            // serial (the header row counts as skipped).
            (
                &[
                    autopilot_csv.as_str(),
                    "\u{feff}Device Serial Number,Windows Product ID,Hardware Hash\r\nPF3,,h\r\n",
                ]
                .concat(),
                Csv,
                &["PF1ABC", "PF2 DEF", "PF3"],
                0,
                1,
            ),
            (
                "A1\n\u{feff}B2\u{feff}\n\u{feff}\n",
                Lines,
                &["A1", "B2"],
                0,
                0,
            ),
            (
                "Serial Number,Note\n\"Q,1\",\"said \"\"hi\"\"\nthere\"\nQ2\n",
                Csv,
                &["Q,1", "Q2"],
                0,
                0,
            ),
            ("Device Serial Number,Hardware Hash\nZ1", Csv, &["Z1"], 0, 0),
            (
                " Device Serial Number , Hash \n Z2 , h\n",
                Csv,
                &["Z2"],
                0,
                0,
            ),
            (
                "Device Serial Number,Windows Product ID,Hardware Hash\nshort\n",
                Csv,
                &["short"],
                0,
                0,
            ),
            (
                "Device Serial Number,Windows Product ID\n,123\nY1,\n",
                Csv,
                &["Y1"],
                0,
                1,
            ),
        ];
        for (input, format, serials, duplicates, skipped) in cases {
            let r = read_serials(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(r.format, *format, "{input:?}");
            assert_eq!(r.serials, *serials, "{input:?}");
            assert_eq!(
                (r.duplicates, r.skipped_rows),
                (*duplicates, *skipped),
                "{input:?}"
            );
        }
        // Refused, with what to do (and the line, when there is one).
        let long = "L".repeat(129);
        let refused: &[(&str, &str)] = &[
            ("", "No serial numbers: paste one serial number per line"),
            ("\u{feff}\r\n  \n", "No serial numbers"),
            (
                "Device Serial Number,Hardware Hash\n,abc\n",
                "no serial numbers in it",
            ),
            ("A1\nPF1ABC,,HASH\n", "Line 2 holds several values"),
            ("Serial,Hash", "no serial numbers in it"),
            (
                "Make,Model\nHP,Elite\n",
                "Line 1 holds several values, but no line names a Device Serial Number column",
            ),
            (
                &long,
                "Line 1: a serial number is longer than 128 characters",
            ),
            (
                "A1\nB\u{7}2",
                "Line 2: the serial number contains a control character",
            ),
        ];
        for (input, want) in refused {
            let e = read_serials(input).expect_err(input);
            assert_eq!(e.code, ErrorCode::InvalidOptions);
            assert!(e.message.contains(want), "{input:?}: {}", e.message);
        }
        let many: String = (0..1001).map(|i| format!("S{i}\n")).collect();
        assert!(read_serials(&many)
            .unwrap_err()
            .message
            .contains("More than 1000"));
        // The JS shapes.
        assert_eq!(
            read_serials_json("Device Serial Number\nA\"1\nb2\nB2"),
            r#"{"ok":true,"format":"csv","serials":["A\"1","b2"],"duplicates":1,"skippedRows":0}"#
        );
        assert_eq!(
            read_serials_json(" "),
            r#"{"ok":false,"message":"No serial numbers: paste one serial number per line, or a CSV with a Device Serial Number column."}"#
        );
    }
}
