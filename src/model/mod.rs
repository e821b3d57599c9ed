//! The model: pure Rust, no `web-sys`, no `js-sys`, tested on the host with `cargo test`.
//! Status classification, `Retry-After`, Graph error bodies, the sync-state object and
//! input validation all live here; `crate::wasm` only moves bytes between this and JS.
//! Modules are private; what the rest of the crate uses is re-exported below.

mod bounds;
mod call;
mod cloud;
#[cfg(test)]
mod contract;
mod devices;
mod errors;
#[cfg(test)]
mod fuzz;
mod graph_error;
mod guid;
mod json;
mod jwt;
mod outcome;
mod retry_after;
mod signin;
mod sync_state;
mod time;
mod token;

pub use bounds::{cap, redact, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS, MAX_TOKEN_BYTES, REDACTED};
pub use call::{
    cooling_down, next_sync_allowed_at, transport_response, unpack_answer, with_wait_from_settings,
    Reply, Request, Response, ANSWER_HEADERS,
};
pub use cloud::{check_base_url, is_loopback, Cloud, UrlParts};
pub use devices::{
    decide, devices_json, fallback_term, next_page, normalize_serials, parse_identities,
    parse_imported, query_url, read_serials, read_serials_json, wait_done, Collection,
    DeviceReport, DeviceState, Page, SerialsFormat, SerialsRead, SyncPlan, SyncWindow, Until,
    DEFAULT_INTERVAL_MS as DEVICES_INTERVAL_MS, DEFAULT_WAIT_MS as DEVICES_WAIT_MS, MAX_IN_FLIGHT,
    MIN_INTERVAL_MS,
};
pub use errors::{ms_text, unknown_option, wrong_type, ErrorCode, UsageError};
pub use graph_error::{parse_error_body, GraphError};
pub use guid::uuid_v4;
pub use json::{conformance as json_conformance, values_json, Doc, Field, Json};
pub use jwt::{describe_token, needs_refresh, read_token, TokenFacts, TokenReport, TOKEN_SKEW_MS};
pub use outcome::{Action, Answer, Outcome, SyncResult};
pub use retry_after::{parse_retry_after, MAX_RETRY_AFTER_SECONDS};
pub use signin::{
    authority_for, check_authority, check_client_id, check_interaction, check_tenant,
    error_code_for, is_configuration_error, is_interaction_required, message_for,
    misconfiguration_message,
};
pub use sync_state::{parse_sync_state, Settings, SyncState, SyncStatus, MANUAL_SYNC_INTERVAL_MS};
pub use time::{ceil, floor, format_iso, parse_http_date, parse_iso8601};
pub use token::{check_client_request_id, check_duration, check_token, MAX_TIMEOUT_MS};

#[cfg(test)]
mod never_panics {
    //! Bad input must never panic the wasm module (a panic poisons it for the page's
    //! lifetime): every parser here takes generated garbage built from the fragments that
    //! matter to it, and must answer.
    use super::cloud::is_loopback;
    use super::devices::{
        decide, fallback_term, next_page, normalize_serials, parse_identities, parse_imported,
        quote_filter_value, read_serials_json, Identity, Imported,
    };
    use super::graph_error::parse_error_body;
    use super::jwt::describe_token;
    use super::retry_after::parse_retry_after;
    use super::signin::{check_authority, check_client_id, check_tenant};
    use super::sync_state::parse_sync_state;
    use super::time::{parse_http_date, parse_iso8601};
    use super::token::{check_client_request_id, check_token};

    const FRAGMENTS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        "\\u",
        "\\ud83d",
        "\\ude00",
        "d800",
        ":",
        ",",
        " ",
        "\n",
        "\t",
        "0",
        "9",
        "-",
        "+",
        ".",
        "e",
        "T",
        "Z",
        "GMT",
        "Sun, ",
        "Nov",
        "06",
        "1994",
        "08:49:37",
        "error",
        "code",
        "message",
        "innerError",
        "request-id",
        "ErrorCode",
        "Message",
        "RetryAfter",
        "value",
        "syncStatus",
        "completed",
        "lastManualSyncTriggerDateTime",
        "null",
        "true",
        "é",
        "😀",
        "\u{0}",
        "\u{7f}",
        "\u{feff}",
        "Bearer ",
        "bearer",
        "<html>",
        "{\"error\":{\"message\":\"",
        "\\\"",
        "https://",
        "127.0.0.1",
        "[::1]",
        "%",
        "0001-01-01T00:00:00Z",
        "9999999999999999999999",
        "assigned",
        "failed",
        "ProfileNotSupported",
        "deviceErrorCode",
        "806",
        "@odata.nextLink",
        "Device Serial Number",
        ";",
        "\r",
        "\u{e9}\u{a86b}",
    ];

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn text(&mut self) -> String {
            let n = (self.next() % 40) as usize;
            (0..n)
                .map(|_| FRAGMENTS[(self.next() % FRAGMENTS.len() as u64) as usize])
                .collect()
        }
    }

    #[test]
    fn parsers_answer_arbitrary_input() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..30_000 {
            let s = rng.text();
            let _ = parse_error_body(&s);
            let _ = parse_sync_state(&s);
            let _ = parse_retry_after(&s, 784_111_777_000.0);
            let _ = parse_iso8601(&s);
            let _ = parse_http_date(&s);
            let _ = check_token(&s);
            let _ = describe_token(&s, None, 0.0);
            let _ = check_client_request_id(&s);
            let _ = is_loopback(&s);
            let _ = check_tenant(&s);
            let _ = check_client_id(&s);
            let _ = check_authority(&s);
            // A Graph body with the garbage nested in `error.message`, as Intune does.
            let mut nested = String::from("{\"error\":{\"code\":\"UnknownError\",\"message\":\"");
            for c in s.chars() {
                match c {
                    '"' => nested.push_str("\\\""),
                    '\\' => nested.push_str("\\\\"),
                    c if (c as u32) < 0x20 => {}
                    c => nested.push(c),
                }
            }
            nested.push_str("\"}}");
            let _ = parse_error_body(&nested);
            // The device side: the garbage as every field of Graph's rows, and as text.
            let g = || Some(s.clone());
            let identity = Identity {
                id: g(),
                serial: s.clone(),
                group_tag: g(),
                profile_status: g(),
                profile_detail: g(),
                profile_assigned_at: g(),
                enrollment_state: g(),
                last_contacted_at: g(),
            };
            let imported = Imported {
                id: g(),
                serial: s.clone(),
                group_tag: g(),
                status: g(),
                registration_id: g(),
                error_code: Some(808),
                error_name: g(),
            };
            for r in [decide(&s, &[identity], &[]), decide(&s, &[], &[imported])] {
                let _ = r.sealed(&s).to_json();
            }
            let _ = parse_identities(&s);
            let _ = parse_imported(&nested);
            let _ = read_serials_json(&s);
            let _ = normalize_serials(s.split('\n'));
            let _ = fallback_term(&s);
            let _ = next_page(&s, "https://graph.microsoft.com", &[]);
            let _ = quote_filter_value(&s);
        }
    }
}
