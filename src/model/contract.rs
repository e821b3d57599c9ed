//! The contract as written for JS, generated from the model's enums: `npm/contract.js`
//! (the frozen constants, the outcome texts, `isFinalSyncState` and the `SyncError`
//! class, followed by a copy of `src/wasm/host.js`, the glue's hand-written JS helpers),
//! `npm/contract.d.ts`, and the README's outcome, error-code, device-state and cloud
//! tables. The tests below fail when any of them drifts from the enums (or the helpers
//! from the model's header and result lists); regenerate with
//! `UPDATE_CONTRACT=1 cargo test -p autopilot-sync --lib contract`.
//!
//! Host-only: none of this text is in the wasm (the glue imports the class from
//! `npm/contract.js`).

use std::fmt::Write;

use super::cloud::Cloud;
use super::devices::DeviceState;
use super::errors::ErrorCode;
use super::outcome::{Outcome, SyncResult};
use super::sync_state::SyncState;

/// What a UI shows for an outcome: a tone (`ok`, `info`, `warn`, `error`), a title and
/// what to do next. The result's own `message` says what happened.
fn outcome_text(o: Outcome) -> (&'static str, &'static str, &'static str) {
    match o {
        Outcome::Started => ("ok", "Sync started", "Intune is syncing Windows Autopilot devices; progress is shown below."),
        Outcome::AlreadyInProgress => ("info", "A sync is already running", "Its progress is shown below. Start another once it has finished and 10 minutes have passed."),
        Outcome::Throttled => ("warn", "Too soon: one sync every 10 minutes", "Sync now is available again when the countdown ends."),
        Outcome::Unauthorized => ("error", "Token rejected", "Sign in again, or paste a new token: tokens expire after about an hour and only work in the cloud they were issued for."),
        Outcome::Forbidden => ("error", "Permission missing", "Needs the DeviceManagementServiceConfig.ReadWrite.All permission (with admin consent), an account allowed to sync Autopilot devices, and an active Intune licence in the tenant."),
        Outcome::ServiceUnavailable => ("warn", "Intune is temporarily unavailable", "Nothing was started. Wait a few minutes, then press Sync now to try again."),
        Outcome::UnexpectedResponse => ("error", "Unexpected answer from Graph", "Copy the support details below and send them to Microsoft support."),
        Outcome::NetworkError => ("warn", "No answer: network error", "Check the connection (offline, proxy, firewall or VPN), then press Sync now to try again."),
        Outcome::Timeout => ("warn", "No answer in time", "The sync may have started anyway: check the status below before you try again."),
    }
}

/// What a UI shows for a sync state (the progress of a running sync): a tone and a label.
fn sync_state_text(s: SyncState) -> (&'static str, &'static str) {
    match s {
        SyncState::Unknown => ("info", "Status unknown"),
        SyncState::InProgress => ("info", "Sync in progress"),
        SyncState::Completed => ("ok", "Sync completed"),
        SyncState::Failed => ("error", "Sync failed"),
    }
}

/// What a UI shows for a device's state: a tone and a short label (the report's own
/// `message` says what it means and what to do).
fn device_state_text(s: DeviceState) -> (&'static str, &'static str) {
    match s {
        DeviceState::NotFound => ("warn", "Not found"),
        DeviceState::Importing => ("info", "Importing"),
        DeviceState::ImportFailed => ("error", "Import failed"),
        DeviceState::Registered => ("info", "Registered, no profile yet"),
        DeviceState::ProfileAssigned => ("ok", "Profile assigned"),
        DeviceState::ProfileFailed => ("error", "Profile failed"),
    }
}

/// The README's "when" column of the device-state table.
fn device_state_when(s: DeviceState) -> &'static str {
    match s {
        DeviceState::NotFound => "neither an Autopilot device nor an import record has the serial (not imported, or registered by an OEM or partner and not yet synced)",
        DeviceState::Importing => "an import record is being processed, or is `complete` and the device is not listed yet (a sync lists it)",
        DeviceState::ImportFailed => "the import record ended in an error (`importErrorCode`/`importErrorName`, e.g. 806, 808; `message` says what to do)",
        DeviceState::Registered => "an Autopilot device without a deployment profile yet (`profileStatus` `notAssigned`, `pending`, `unknown` or a new value)",
        DeviceState::ProfileAssigned => "an Autopilot device with a profile assigned (`assignedInSync`, `assignedOutOfSync`, `assignedUnkownSyncState`)",
        DeviceState::ProfileFailed => "the profile assignment failed (`profileStatus` `failed`; `message` names the reason when Graph gives one)",
    }
}

/// The README's "message says" column of the device-state table.
fn device_state_advice(s: DeviceState) -> &'static str {
    match s {
        DeviceState::NotFound => "import the hash, or sync if an OEM/partner registered it",
        DeviceState::Importing => "wait; a completed import shows after the next sync",
        DeviceState::ImportFailed => "what to do for the code: 801, 802, 803, 806 (already in this tenant: delete the record), 808 (`ZtdDeviceAssignedToOtherTenant` or `…AnotherTenant`: deregister it in the other tenant), `ZtdDeviceDuplicated`, `StorageError`; others: delete, check, re-import",
        DeviceState::Registered => "pending, or \"make sure a profile targets its group\"",
        DeviceState::ProfileAssigned => "ready",
        DeviceState::ProfileFailed => "hardware requirements (TPM 2.0) / profile type not supported / reassign",
    }
}

/// The README's "when" column of the outcome table.
fn outcome_when(o: Outcome) -> &'static str {
    match o {
        Outcome::Started => "any 2xx (Graph sends 204)",
        Outcome::AlreadyInProgress => "409: a sync is running",
        Outcome::Throttled => "429: within 10 minutes of the previous sync",
        Outcome::Unauthorized => "401: token expired, revoked or for another cloud",
        Outcome::Forbidden => {
            "403: needs `DeviceManagementServiceConfig.ReadWrite.All` and an Intune licence"
        }
        Outcome::ServiceUnavailable => "500, 502, 503, 504",
        Outcome::UnexpectedResponse => {
            "any other status, or a 2xx status read that is not a settings object"
        }
        Outcome::NetworkError => "fetch failed: offline, DNS, proxy, CORS (`httpStatus` null)",
        Outcome::Timeout => {
            "no answer within `timeoutMs` (`httpStatus` null); the sync may still have started"
        }
    }
}

/// The README's "when" column of the error-code table.
fn error_when(c: ErrorCode) -> &'static str {
    match c {
        ErrorCode::InvalidToken => "not a string, empty, white space only, white space or control characters inside, non-ASCII, longer than 16 KB",
        ErrorCode::InvalidOptions => "unknown option, wrong type, unknown cloud, unparsable `baseUrl`, `http:` to anything but 127.0.0.0/8, `::1`, `localhost`, a `baseUrl` with credentials, query or fragment, non-positive `timeoutMs`, an option that cannot be read (a getter or `Proxy` trap threw: never replaced by a default)",
        ErrorCode::TokenUnavailable => "a client's `getToken` threw, rejected or returned no usable token (`cause` holds the original; MSAL's `errorCode` is kept)",
        ErrorCode::WaitTimeout => "`waitForSync` passed its `timeoutMs`; `lastStatus` holds the last answer",
        ErrorCode::SignInFailed => "MSAL sign-in failed (`errorCode` is MSAL's)",
        ErrorCode::SignInCancelled => "the user cancelled or declined sign-in (MSAL `user_cancelled`, or `access_denied` from the authority)",
        ErrorCode::InteractionInProgress => "another sign-in is already under way in this page",
        ErrorCode::PopupBlocked => "the browser blocked the sign-in popup (MSAL `popup_window_error` / `empty_window_error`)",
        ErrorCode::InternalError => "a failure inside the library or in a host function it calls (for instance an overridden global `setTimeout` that throws), a wasm file that could not be loaded, or a caller's `onUpdate`/`onResult` that threw; `cause` holds the original. Never left as an uncaught exception or a pending promise",
        ErrorCode::Aborted => "`syncTenants`: its `signal` aborted before this tenant finished (the row's `error`; `cause` holds the signal's reason)",
        ErrorCode::MsalUnavailable => "`createMsalTokenProvider`: `@azure/msal-browser` is not installed or could not be loaded (it is an optional peer dependency); `cause` holds the import error",
    }
}

fn js_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn frozen_names(out: &mut String, doc: &str, name: &str, values: &[&str]) {
    let _ = writeln!(out, "/** {doc} */\nexport const {name} = Object.freeze({{");
    for v in values {
        let _ = writeln!(out, "  {v}: {},", js_str(v));
    }
    out.push_str("});\n\n");
}

fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

/// A TypeScript union of string literals on one line.
pub(crate) fn ts_union(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| js_str(v))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn outcomes() -> Vec<&'static str> {
    names(&Outcome::ALL, Outcome::as_str)
}
fn states() -> Vec<&'static str> {
    names(&SyncState::ALL, SyncState::as_str)
}
fn codes() -> Vec<&'static str> {
    names(&ErrorCode::ALL, ErrorCode::as_str)
}
fn clouds() -> Vec<&'static str> {
    names(&Cloud::ALL, Cloud::name)
}
/// A cloud's sign-in hosts, each written by `f`, joined by `sep`.
fn sign_in_hosts(c: Cloud, sep: &str, f: fn(&str) -> String) -> String {
    let all: Vec<String> = c.sign_in_hosts().iter().map(|h| f(h)).collect();
    all.join(sep)
}

fn device_states() -> Vec<&'static str> {
    names(&DeviceState::ALL, DeviceState::as_str)
}

/// `export const {name} = Object.freeze({ state: Object.freeze({ kind, label }), … });`
fn state_texts<T: Copy>(
    out: &mut String,
    doc: &str,
    name: &str,
    all: &[T],
    key: fn(T) -> &'static str,
    text: fn(T) -> (&'static str, &'static str),
) {
    let _ = writeln!(out, "/** {doc} */\nexport const {name} = Object.freeze({{");
    for x in all {
        let (kind, label) = text(*x);
        let _ = writeln!(
            out,
            "  {}: Object.freeze({{ kind: {}, label: {} }}),",
            key(*x),
            js_str(kind),
            js_str(label)
        );
    }
    out.push_str("});\n\n");
}

/// `npm/contract.js`.
fn contract_js() -> String {
    let mut o = String::from(
        "// GENERATED from the Rust model (src/model/contract.rs): do not edit. Regenerate with\n\
         // `UPDATE_CONTRACT=1 cargo test -p autopilot-sync --lib contract`.\n\
         // The contract as values: every outcome, sync state, error code, cloud and device\n\
         // state, what a UI shows for each outcome, sync state and device state, and\n\
         // `SyncError`, the class of every rejection.\n\n",
    );
    frozen_names(
        &mut o,
        "Every `outcome` of a result.",
        "Outcome",
        &outcomes(),
    );
    frozen_names(
        &mut o,
        "Every `syncStatus` of a status read.",
        "SyncState",
        &states(),
    );
    frozen_names(
        &mut o,
        "Every `code` of a `SyncError`.",
        "SyncErrorCode",
        &codes(),
    );
    frozen_names(
        &mut o,
        "Every Microsoft cloud (option `cloud`).",
        "Cloud",
        &clouds(),
    );
    frozen_names(
        &mut o,
        "Every `state` of a device report (`getDevices`, `waitForDevices`).",
        "DeviceState",
        &device_states(),
    );
    o.push_str("/** Per cloud: its Graph root, its sign-in host, every sign-in host MSAL.js may contact (for a CSP) and the scope that allows the sync. */\nexport const CloudInfo = Object.freeze({\n");
    for c in Cloud::ALL {
        let _ = writeln!(
            o,
            "  {}: Object.freeze({{ graphRoot: {}, authorityHost: {}, signInHosts: Object.freeze([{}]), syncScope: {} }}),",
            c.name(),
            js_str(c.graph_host()),
            js_str(c.authority_host()),
            sign_in_hosts(c, ", ", js_str),
            js_str(&c.sync_scope())
        );
    }
    o.push_str("});\n\n/** Per outcome: `kind` (ok, info, warn, error), a short `title` and a `hint` on what to do next. */\nexport const OutcomeText = Object.freeze({\n");
    for out in Outcome::ALL {
        let (kind, title, hint) = outcome_text(out);
        let _ = writeln!(
            o,
            "  {}: Object.freeze({{ kind: {}, title: {}, hint: {} }}),",
            out.as_str(),
            js_str(kind),
            js_str(title),
            js_str(hint)
        );
    }
    o.push_str("});\n\n");
    state_texts(
        &mut o,
        "Per sync state (`syncStatus`): `kind` (ok, info, warn, error) and a short `label`.",
        "SyncStateText",
        &SyncState::ALL,
        SyncState::as_str,
        sync_state_text,
    );
    state_texts(
        &mut o,
        "Per device state: `kind` (ok, info, warn, error) and a short `label`; the report's `message` says the rest.",
        "DeviceStateText",
        &DeviceState::ALL,
        DeviceState::as_str,
        device_state_text,
    );
    let finals: Vec<&str> = SyncState::ALL
        .into_iter()
        .filter(|s| s.is_final())
        .map(SyncState::as_str)
        .collect();
    let _ = write!(
        o,
        "/** Whether a `syncStatus` is final: the sync has ended and waiting stops. */\n\
         export function isFinalSyncState(state) {{\n  return {};\n}}\n\n",
        finals
            .iter()
            .map(|s| format!("state === {}", js_str(s)))
            .collect::<Vec<_>>()
            .join(" || ")
    );
    o.push_str(
        "/**\n * The one error class of the package: every rejection it makes (bad token or options,\n \
         * `tokenUnavailable`, `waitTimeout`, every sign-in code) is a `SyncError`.\n */\n\
         export class SyncError extends Error {\n  \
         constructor(code, message, options) {\n    \
         super(message, options && options.cause !== undefined ? { cause: options.cause } : undefined);\n    \
         this.name = \"SyncError\";\n    \
         this.code = code;\n    \
         if (options && options.errorCode != null) this.errorCode = options.errorCode;\n  \
         }\n}\n\n",
    );
    // The JS functions the glue imports from the package (hand-written, one file).
    o.push_str(include_str!("../wasm/host.js"));
    o
}

fn literal_object(values: &[&str]) -> String {
    let body: Vec<String> = values
        .iter()
        .map(|v| format!("{v}: {}", js_str(v)))
        .collect();
    format!("Readonly<{{ {} }}>", body.join("; "))
}

/// `npm/contract.d.ts`.
fn contract_dts() -> String {
    let mut o = String::from(
        "// GENERATED from the Rust model (src/model/contract.rs): do not edit.\n\
         import type { SyncStatusResult, TenantRow } from \"./autopilot_sync.js\";\n\n",
    );
    for (doc, name, values) in [
        ("Every `outcome` of a result.", "Outcome", outcomes()),
        (
            "Every `syncStatus` of a status read.",
            "SyncState",
            states(),
        ),
        ("Every `code` of a `SyncError`.", "SyncErrorCode", codes()),
        ("Every Microsoft cloud (option `cloud`).", "Cloud", clouds()),
        (
            "Every `state` of a device report (`getDevices`, `waitForDevices`).",
            "DeviceState",
            device_states(),
        ),
    ] {
        let _ = write!(
            o,
            "/** {doc} */\nexport declare const {name}: {};\nexport type {name} = {};\n\n",
            literal_object(&values),
            ts_union(&values)
        );
    }
    o.push_str(
        "/** A cloud's Graph root, sign-in hosts and the scope that allows the sync. */\n\
         export interface CloudDetails {\n  readonly graphRoot: string;\n  /** The sign-in host MSAL.js is configured with (`https://host`). */\n  readonly authorityHost: string;\n  /** Every https origin MSAL.js may contact to sign in (authorize, token, silent iframe, logout), `authorityHost` first: what a page's CSP allows in connect-src and frame-src. */\n  readonly signInHosts: readonly string[];\n  readonly syncScope: string;\n}\n\
         /** Per cloud: its Graph root, its sign-in hosts and the scope that allows the sync. */\n\
         export declare const CloudInfo: Readonly<Record<Cloud, CloudDetails>>;\n\n\
         /** What a UI shows for an outcome. */\n\
         export interface OutcomeDetails {\n  readonly kind: \"ok\" | \"info\" | \"warn\" | \"error\";\n  readonly title: string;\n  readonly hint: string;\n}\n\
         /** Per outcome: `kind`, a short `title` and a `hint` on what to do next. */\n\
         export declare const OutcomeText: Readonly<Record<Outcome, OutcomeDetails>>;\n\n\
         /** What a UI shows for a sync state or a device state. */\n\
         export interface StateDetails {\n  readonly kind: \"ok\" | \"info\" | \"warn\" | \"error\";\n  readonly label: string;\n}\n\
         /** Per sync state (`syncStatus`): `kind` and a short `label`. */\n\
         export declare const SyncStateText: Readonly<Record<SyncState, StateDetails>>;\n\
         /** Per device state: `kind` and a short `label`; the report's `message` says the rest. */\n\
         export declare const DeviceStateText: Readonly<Record<DeviceState, StateDetails>>;\n\n\
         /** Whether a `syncStatus` is final: the sync has ended and waiting stops. */\n\
         export declare function isFinalSyncState(state: string): state is \"completed\" | \"failed\";\n\n\
         /**\n * The one error class of the package: every rejection it makes is a `SyncError`. A\n \
         * caller's own abort is the caller's: it rejects with the `signal`'s reason, as `fetch` does.\n \
         */\n\
         export declare class SyncError extends Error {\n  \
         constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown; errorCode?: string });\n  \
         name: \"SyncError\";\n  code: SyncErrorCode;\n  \
         /** MSAL's `errorCode`, when the error came from sign-in. */\n  errorCode?: string;\n  \
         /** The original error. */\n  cause?: unknown;\n  \
         /** On `waitTimeout`: the last status seen. */\n  lastStatus?: SyncStatusResult;\n  \
         /** On the `internalError` of a `syncTenants` whose `onResult` threw: every tenant's row. */\n  rows?: TenantRow[];\n}\n",
    );
    o
}

/// The README's cloud table.
fn cloud_table() -> String {
    let mut t = String::from(
        "| `cloud` | `graphRoot` | `authorityHost` | `signInHosts` (MSAL.js contacts) |\n|---|---|---|---|\n",
    );
    for c in Cloud::ALL {
        let _ = writeln!(
            t,
            "| `{}` | {} | {} | {} |",
            c.name(),
            c.graph_host(),
            c.authority_host(),
            sign_in_hosts(c, ", ", |h| h.to_string())
        );
    }
    t
}

/// The README's outcome table.
fn outcome_table() -> String {
    let mut t = String::from("| outcome | when | `retryable` |\n|---|---|---|\n");
    for o in Outcome::ALL {
        let _ = writeln!(
            t,
            "| `{}` | {} | {} |",
            o.as_str(),
            outcome_when(o),
            o.retryable()
        );
    }
    t
}

/// The README's device-state table.
fn device_state_table() -> String {
    let mut t = String::from(
        "| `state` | means | `DeviceStateText` label | message says |\n|---|---|---|---|\n",
    );
    for d in DeviceState::ALL {
        let (kind, label) = device_state_text(d);
        let _ = writeln!(
            t,
            "| `{}` | {} | {label} ({kind}) | {} |",
            d.as_str(),
            device_state_when(d),
            device_state_advice(d)
        );
    }
    t
}

/// The README's error-code table.
fn error_table() -> String {
    let mut t = String::from("| code | when |\n|---|---|\n");
    for c in ErrorCode::ALL {
        let _ = writeln!(t, "| `{}` | {} |", c.as_str(), error_when(c));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Compares a generated file with the committed one, or writes it when asked to.
    fn check(path: &str, want: &str) {
        let p = root().join(path);
        if std::env::var_os("UPDATE_CONTRACT").is_some() {
            std::fs::write(&p, want).expect("write");
        }
        let have = std::fs::read_to_string(&p).unwrap_or_default();
        assert!(
            have == want,
            "{path} drifted from the Rust contract: run UPDATE_CONTRACT=1 cargo test -p autopilot-sync --lib contract"
        );
    }

    /// Replaces the text between `<!-- name -->` and `<!-- /name -->` in `doc`.
    fn between(doc: &str, name: &str, body: &str) -> String {
        let (open, close) = (format!("<!-- {name} -->\n"), format!("<!-- /{name} -->"));
        let a = doc.find(&open).expect("README marker") + open.len();
        let b = doc.find(&close).expect("README marker");
        format!("{}{}{}", &doc[..a], body, &doc[b..])
    }

    #[test]
    fn contract_files_are_generated_from_the_enums() {
        check("npm/contract.js", &contract_js());
        check("npm/contract.d.ts", &contract_dts());
    }

    /// `_send` (src/wasm/host.js) packs the headers the model reads, in the model's order.
    #[test]
    fn the_fetch_helper_reads_the_answer_headers_in_order() {
        let js = include_str!("../wasm/host.js");
        let reads: Vec<&str> = js
            .split("h.get(\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert_eq!(reads, super::super::ANSWER_HEADERS);
    }

    /// The body of `export function name(` in src/wasm/host.js, from its parameters on.
    fn host_fn(name: &str) -> &'static str {
        let js = include_str!("../wasm/host.js");
        let start = js.find(&format!("export function {name}(")).expect(name);
        let rest = &js[start..];
        &rest[..rest.find("\n}\n").expect("end of function")]
    }

    /// The comma-separated names between `open` and `close`.
    fn names<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
        let a = text.find(open).expect(open) + open.len();
        let b = a + text[a..].find(close).expect(close);
        text[a..b].split(',').map(str::trim).collect()
    }

    /// Each result builder of host.js takes the string members as arguments and the rest
    /// from the values array, in the order of the model's `KEYS` and `values()`, and builds the
    /// object with the documented keys in that order.
    fn check_builder(
        name: &str,
        keys: &[&str],
        values: &[super::super::Field<'_>],
        literal_open: &str,
    ) {
        use super::super::Field;
        let fields: Vec<(&str, Field<'_>)> =
            keys.iter().copied().zip(values.iter().copied()).collect();
        let f = host_fn(name);
        let key = |(k, _): &(&str, Field<'_>)| k.to_string();
        let args: Vec<String> = fields.iter().filter(|(_, v)| v.is_arg()).map(key).collect();
        let mut params = names(f, "(", ")");
        assert_eq!(params.pop(), Some("values"), "{name}");
        assert_eq!(params, args, "{name}: string arguments");
        let values: Vec<String> = fields
            .iter()
            .filter(|(_, v)| !v.is_arg())
            .map(key)
            .collect();
        assert_eq!(
            names(f, "const [", "] = JSON.parse(values)"),
            values,
            "{name}: values"
        );
        let flags: Vec<String> = fields
            .iter()
            .filter(|(_, v)| matches!(v, Field::Flag(_)))
            .map(key)
            .collect();
        let plain: Vec<String> = fields
            .iter()
            .filter(|(_, v)| !matches!(v, Field::Flag(_)))
            .map(key)
            .collect();
        assert_eq!(
            names(f, literal_open, " }"),
            plain,
            "{name}: the object's keys"
        );
        for k in flags {
            assert!(
                f.contains(&format!("if ({k}) r.{k} = true;")),
                "{name}: {k}"
            );
        }
    }

    #[test]
    fn result_builders_follow_the_model_fields() {
        let r = SyncResult::without_answer(super::super::Action::Trigger, Outcome::Timeout, "c");
        check_builder(
            "_syncResult",
            &SyncResult::KEYS,
            &r.values(),
            "const r = { ",
        );
        let s = super::super::SyncStatus {
            ok: true,
            sync_status: SyncState::Completed,
            last_sync_date_time: None,
            last_manual_sync_trigger_date_time: None,
            next_manual_sync_at: None,
            next_attempt_at: None,
            request_id: None,
            client_request_id: "c".into(),
        };
        check_builder(
            "_syncStatus",
            &super::super::SyncStatus::KEYS,
            &s.values(),
            "return { ",
        );
    }

    #[test]
    fn readme_tables_are_generated_from_the_enums() {
        let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
        let want = between(&readme, "contract:outcomes", &outcome_table());
        let want = between(&want, "contract:error-codes", &error_table());
        let want = between(&want, "contract:device-states", &device_state_table());
        let want = between(&want, "contract:clouds", &cloud_table());
        check("README.md", &want);
        // The result table lists exactly the keys of a result object, in order.
        let json = SyncResult::without_answer(super::super::Action::Trigger, Outcome::Timeout, "c")
            .to_json();
        let keys: Vec<String> = json
            .split("\":")
            .filter_map(|s| s.rsplit_once('"').map(|(_, k)| k.to_string()))
            .collect();
        let table = readme
            .split("### Result (")
            .nth(1)
            .and_then(|s| s.split("\n\n").nth(1))
            .expect("the README's result table");
        let rows: Vec<String> = table
            .lines()
            .skip(2)
            .filter_map(|l| l.split('`').nth(1).map(String::from))
            .collect();
        assert_eq!(rows, keys, "README result table vs. the result's keys");
    }

    #[test]
    fn typescript_unions_match_the_enums() {
        let lib = include_str!("../lib.rs");
        for (what, line) in [
            (
                "Cloud",
                format!("export type Cloud = {};", ts_union(&clouds())),
            ),
            (
                "SyncOutcome",
                format!("export type SyncOutcome = {};", ts_union(&outcomes())),
            ),
            (
                "syncStatus",
                format!("  syncStatus: {};", ts_union(&states())),
            ),
            (
                "SyncErrorCode",
                format!("export type SyncErrorCode = {};", ts_union(&codes())),
            ),
            (
                "DeviceState",
                format!("export type DeviceState = {};", ts_union(&device_states())),
            ),
        ] {
            assert!(
                lib.contains(&line),
                "src/lib.rs must declare {what} as: {line}"
            );
        }
        // Every outcome appears in exactly one of the result interfaces' `outcome` lines.
        for o in outcomes() {
            let n = lib
                .lines()
                .filter(|l| l.trim_start().starts_with("outcome: ") && l.contains(&js_str(o)))
                .count();
            assert_eq!(n, 1, "outcome {o} in one result interface");
        }
    }
}
