//! The log of Graph and authority requests (`GET /_sim/requests`). Tokens, codes and
//! verifiers are never stored.

use std::collections::{BTreeMap, VecDeque};

use http::HeaderMap;
use serde::Serialize;

use crate::auth::redact_authorization;

/// Oldest entries are dropped beyond this many.
const MAX_ENTRIES: usize = 10_000;

/// One logged request.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    #[serde(skip)]
    seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string (`null` when none).
    pub query: Option<String>,
    /// Lower-case header names; repeated headers joined with `, `; Authorization and Cookie
    /// redacted, Referer without query or fragment.
    pub headers: BTreeMap<String, String>,
    /// Request body length in bytes.
    pub body_length: usize,
    /// Response status (`null` while pending or when the connection was closed).
    pub status: Option<u16>,
    /// Arrival time on the simulated clock.
    pub at: String,
    /// The tenant of the request's token (`null`: the default tenant, or no valid token).
    pub tenant: Option<String>,
}

/// Redacted copy of request headers.
pub fn redacted_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let text = if name == http::header::AUTHORIZATION {
            redact_authorization(value.as_bytes())
        } else if name == http::header::COOKIE {
            "<redacted>".to_string()
        } else if name == http::header::REFERER {
            // A redirect URI's query or fragment may hold an authorization code.
            let v = String::from_utf8_lossy(value.as_bytes());
            v.split(['?', '#']).next().unwrap_or_default().to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.entry(name.as_str().to_string())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&text);
            })
            .or_insert(text);
    }
    out
}

/// Logged requests, oldest first.
#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<RequestRecord>,
    next_seq: u64,
}

impl RequestLog {
    /// Adds an entry and returns its handle for [`RequestLog::set_status`].
    pub fn push(&mut self, mut record: RequestRecord) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        record.seq = seq;
        self.entries.push_back(record);
        while self.entries.len() > MAX_ENTRIES {
            self.entries.pop_front();
        }
        seq
    }

    /// Records the status of an entry (ignored if it was cleared meanwhile).
    pub fn set_status(&mut self, seq: u64, status: Option<u16>) {
        if let Some(r) = self.entries.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = status;
        }
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries, oldest first.
    pub fn list(&self) -> Vec<RequestRecord> {
        self.entries.iter().cloned().collect()
    }
}

impl RequestRecord {
    /// A pending entry.
    pub fn new(
        method: String,
        path: String,
        query: Option<String>,
        headers: &HeaderMap,
        body_length: usize,
        at: String,
    ) -> Self {
        RequestRecord {
            seq: 0,
            method,
            path,
            query,
            headers: redacted_headers(headers),
            body_length,
            status: None,
            at,
            tenant: None,
        }
    }
}
