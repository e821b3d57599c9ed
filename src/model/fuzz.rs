//! Structure-aware fuzzing of the model (issue #12 item 4): the parsers, and the whole
//! response classification (`Reply::read` → `sealed` → `to_json`) over generated answers:
//! valid and broken Graph error bodies, Intune's nested JSON strings, settings objects,
//! every `Retry-After` form, extreme numbers, deep nesting and invalid UTF-8 (made lossy,
//! as the wasm glue does). Every input must be answered without a panic (a panic would
//! poison the wasm module), and every sealed reply must keep its bounds, never carry the
//! token and be valid JSON.
//!
//! `npm test` runs a quick slice (the default count); `npm run fuzz` runs
//! `AUTOPILOT_SYNC_FUZZ=10000000` in release mode on every core and prints inputs per
//! second and the number of panics.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use super::bounds::{MAX_FIELD_CHARS, MAX_MESSAGE_CHARS};
use super::call::{Reply, Response};
use super::cloud::is_loopback;
use super::graph_error::parse_error_body;
use super::json::values_json;
use super::outcome::{Action, Answer};
use super::retry_after::parse_retry_after;
use super::sync_state::parse_sync_state;
use super::time::{parse_http_date, parse_iso8601};
use super::token::{check_client_request_id, check_token};

const NOW: f64 = 1_795_000_000_000.0;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const CODES: &[&str] = &[
    "TooManyRequests",
    "Forbidden",
    "UnknownError",
    "",
    " ",
    "InternalServerError",
    "Conflict",
    "Unauthorized",
    "InvalidAuthenticationToken",
    "ServiceUnavailable",
    "null",
];
const WORDS: &[&str] = &[
    "Too many",
    "Denied",
    "sync",
    "é",
    "😀",
    "\\u0000",
    "\\ud83d",
    "\\ude00",
    "\\ud83d\\ude00",
    "\\\"",
    "\\\\",
    "\\n",
    "<html>",
    "</b>",
    "%00",
    " ",
    "\u{feff}",
    "\u{2028}",
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "600",
    "1e308",
    "-1e309",
    "1e-400",
    "9999999999999999999999",
    "4294967296",
    "18446744073709551616",
    "0.5",
    "-0.0",
    "1.7976931348623157e308",
    "NaN",
    "Infinity",
    "01",
    "1.",
    ".5",
    "1e",
    "0x10",
    "null",
    "true",
    "\"600\"",
];
const STATUSES: &[u16] = &[
    200, 201, 202, 204, 205, 206, 299, 300, 302, 304, 400, 401, 403, 404, 408, 409, 429, 431, 500,
    501, 502, 503, 504, 0, 1, 99, 999, 65535,
];
const DAYS: &[&str] = &[
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sunday", "Xyz", "",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo",
];

fn num(r: &mut Rng, max: u64) -> String {
    (r.next() % max).to_string()
}

/// Every `Retry-After` form: delta-seconds (plain, signed, fractional, huge), the three
/// HTTP-date forms with random fields, white space and garbage.
fn retry_after(r: &mut Rng) -> String {
    let two = |r: &mut Rng, max| format!("{:02}", r.next() % max);
    match r.below(9) {
        0 => num(r, 1_000),
        1 => r.pick(NUMBERS).into(),
        2 => format!(
            "{}, {} {} {} {}:{}:{} GMT",
            r.pick(DAYS),
            two(r, 40),
            r.pick(MONTHS),
            1900 + r.next() % 9000,
            two(r, 30),
            two(r, 70),
            two(r, 70)
        ),
        3 => format!(
            "{}, {}-{}-{} {}:{}:{} GMT",
            r.pick(DAYS),
            two(r, 40),
            r.pick(MONTHS),
            two(r, 100),
            two(r, 30),
            two(r, 70),
            two(r, 70)
        ),
        4 => format!(
            "{} {} {:>2} {}:{}:{} {}",
            r.pick(DAYS),
            r.pick(MONTHS),
            r.next() % 40,
            two(r, 30),
            two(r, 70),
            two(r, 70),
            1900 + r.next() % 9000
        ),
        5 => format!("  {}  ", num(r, u64::MAX)),
        6 => format!("{}{}", num(r, 100), r.pick(&[" ", "s", ",5", "-1", "\t"])),
        7 => "Sun, 06 Nov 1994 08:49:37 GMT"
            .chars()
            .take(r.below(30))
            .collect(),
        _ => text(r, 12),
    }
}

/// ISO 8601-ish dates, right and wrong.
fn iso(r: &mut Rng) -> String {
    match r.below(4) {
        0 => format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}",
            r.next() % 12_000,
            r.next() % 14,
            r.next() % 33,
            r.next() % 26,
            r.next() % 61,
            r.next() % 62,
            r.pick(&["", ".1", ".123456789", ".", ".9999999999999999999"]),
            r.pick(&["Z", "z", "", "+01:00", "-23:59", "+99:99", "+0100", " "])
        ),
        1 => "2026-01-01T00:00:00.000Z"
            .chars()
            .take(r.below(26))
            .collect(),
        2 => r.pick(NUMBERS).into(),
        _ => text(r, 6),
    }
}

/// Free text from the interesting words and numbers.
fn text(r: &mut Rng, max_words: usize) -> String {
    let n = r.below(max_words + 1);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(if r.chance(3) {
            r.pick(NUMBERS)
        } else {
            r.pick(WORDS)
        });
    }
    s
}

/// A JSON string literal of `s` (quotes, backslashes and controls escaped).
fn quoted(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        o.push_str(s);
        o.push('"');
        return o;
    }
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Any JSON value (sometimes deep), as text.
fn value(r: &mut Rng, depth: usize) -> String {
    match r.below(if depth > 6 { 3 } else { 6 }) {
        0 => r.pick(NUMBERS).into(),
        1 => quoted(&text(r, 4)),
        2 => r.pick(&["null", "true", "false", "\"\""]).into(),
        3 => format!(
            "[{}]",
            (0..r.below(4))
                .map(|_| value(r, depth + 1))
                .collect::<Vec<_>>()
                .join(",")
        ),
        4 => format!(
            "{{{}}}",
            (0..r.below(4))
                .map(|_| format!("{}:{}", quoted(&text(r, 2)), value(r, depth + 1)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        _ => deep(r),
    }
}

/// Nesting far past the parser's limit.
fn deep(r: &mut Rng) -> String {
    let n = if r.chance(50) {
        20_000
    } else {
        1 + r.below(200)
    };
    let (open, close) = if r.chance(2) {
        ("[", "]")
    } else {
        ("{\"a\":", "}")
    };
    let mut s = open.repeat(n);
    s.push('1');
    if !r.chance(4) {
        s.push_str(&close.repeat(n));
    }
    s
}

/// Intune's message: a JSON document inside `error.message`, itself possibly nested.
fn intune_message(r: &mut Rng, depth: usize) -> String {
    let inner = if depth < 10 && r.chance(3) {
        intune_message(r, depth + 1)
    } else {
        text(r, 5)
    };
    let retry = if r.chance(2) {
        quoted(&retry_after(r))
    } else {
        r.pick(NUMBERS).into()
    };
    format!(
        "{{\"_version\":3,\"Message\":{},\"CustomApiErrorPhrase\":\"\",\"RetryAfter\":{},\"ErrorCode\":{}}}",
        quoted(&inner),
        retry,
        quoted(r.pick(CODES))
    )
}

/// A Graph error body, possibly with the token echoed somewhere.
fn error_body(r: &mut Rng, token: &str) -> String {
    let message = match r.below(4) {
        0 => intune_message(r, 0),
        1 => format!("Bearer {token} was refused"),
        // Mostly near the 2,000-character bound; sometimes far past it.
        2 => {
            let max = if r.chance(16) { 60_000 } else { 2_500 };
            "m".repeat(r.below(max))
        }
        _ => text(r, 8),
    };
    let rid = if r.chance(5) {
        token.into()
    } else if r.chance(8) {
        {
            let max = if r.chance(16) { 10_000 } else { 400 };
            "r".repeat(r.below(max))
        }
    } else {
        text(r, 3)
    };
    let extra = if r.chance(4) {
        format!(",\"x\":{}", value(r, 0))
    } else {
        String::new()
    };
    format!(
        "{{\"error\":{{\"code\":{},\"message\":{},\"innerError\":{{\"date\":{},\"request-id\":{},\"client-request-id\":{}}}{}}}}}",
        quoted(if r.chance(6) { token } else { r.pick(CODES) }),
        quoted(&message),
        quoted(&iso(r)),
        quoted(&rid),
        quoted(&text(r, 2)),
        extra
    )
}

/// A settings object (sometimes wrapped in `value`).
fn settings_body(r: &mut Rng) -> String {
    let state = r.pick(&[
        "\"completed\"",
        "\"inProgress\"",
        "\"failed\"",
        "\"unknown\"",
        "\"Completed\"",
        "null",
        "7",
        "\"\"",
    ]);
    let body = format!(
        "{{\"id\":{},\"syncStatus\":{},\"lastSyncDateTime\":{},\"lastManualSyncTriggerDateTime\":{}}}",
        quoted(&text(r, 2)),
        state,
        quoted(&iso(r)),
        if r.chance(3) { r.pick(NUMBERS).to_string() } else { quoted(&iso(r)) }
    );
    if r.chance(4) {
        format!("{{\"value\":{body}}}")
    } else {
        body
    }
}

/// Breaks a document: truncates it, drops or inserts a byte, or prefixes a BOM.
fn broken(r: &mut Rng, s: String) -> Vec<u8> {
    let mut b = s.into_bytes();
    match r.below(5) {
        0 => b.truncate(r.below(b.len() + 1)),
        1 if !b.is_empty() => {
            let i = r.below(b.len());
            b.remove(i);
        }
        2 => {
            let i = r.below(b.len() + 1);
            b.insert(i, (r.next() & 0xff) as u8);
        }
        3 => b.splice(0..0, "\u{feff}".bytes()).for_each(drop),
        _ => b
            .splice(0..0, b"<!DOCTYPE html><html>".iter().copied())
            .for_each(drop),
    }
    b
}

/// Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, cut sequences.
fn invalid_utf8(r: &mut Rng, mut b: Vec<u8>) -> Vec<u8> {
    const BAD: &[&[u8]] = &[
        b"\x80",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xe2\x82",
        b"\xff",
        b"\xf0\x9f\x98",
    ];
    for _ in 0..1 + r.below(4) {
        let i = r.below(b.len() + 1);
        b.splice(i..i, BAD[r.below(BAD.len())].iter().copied())
            .for_each(drop);
    }
    b
}

/// A random token: JWT-shaped or compact, base64url characters.
fn token(r: &mut Rng) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let part = |r: &mut Rng, n: usize| (0..n).map(|_| B64[r.below(64)] as char).collect::<String>();
    if r.chance(2) {
        let (a, b, c) = (r.below(30), 20 + r.below(200), 20 + r.below(300));
        format!("eyJ{}.eyJ{}.{}", part(r, a), part(r, b), part(r, c))
    } else {
        let n = 20 + r.below(100);
        part(r, n)
    }
}

/// Whether `s` is one valid JSON document (on the host without building a tree, so the
/// harness's own cost stays small; the wasm test build has no serde).
#[cfg(not(target_arch = "wasm32"))]
fn is_json(s: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok()
}
#[cfg(target_arch = "wasm32")]
fn is_json(s: &str) -> bool {
    super::json::parse(s).is_some()
}

/// One generated input through everything; `Err` names a broken invariant.
fn one(r: &mut Rng) -> Result<(), String> {
    let token = token(r);
    let body: Vec<u8> = match r.below(8) {
        0 | 1 => error_body(r, &token).into_bytes(),
        2 => settings_body(r).into_bytes(),
        3 => {
            let s = if r.chance(2) {
                error_body(r, &token)
            } else {
                settings_body(r)
            };
            broken(r, s)
        }
        4 => value(r, 0).into_bytes(),
        5 => deep(r).into_bytes(),
        6 => {
            let s = error_body(r, &token);
            invalid_utf8(r, s.into_bytes())
        }
        _ => (0..r.below(64)).map(|_| (r.next() & 0xff) as u8).collect(),
    };
    let body = String::from_utf8_lossy(&body).into_owned();
    let retry = (!r.chance(4)).then(|| retry_after(r));
    let rid = match r.below(5) {
        0 => None,
        1 => Some(token.clone()),
        2 => {
            let max = if r.chance(16) { 20_000 } else { 400 };
            Some("i".repeat(r.below(max)))
        }
        _ => Some(text(r, 3)),
    };
    let date = (!r.chance(3)).then(|| if r.chance(2) { retry_after(r) } else { iso(r) });

    // The parsers alone (each reads the body through the JSON trait, host: serde_json).
    let _ = parse_error_body(&body);
    let _ = parse_sync_state(&body);
    if let Some(v) = &retry {
        let _ = parse_retry_after(v, NOW);
        let _ = parse_http_date(v);
        let _ = parse_iso8601(v);
    }
    let _ = check_token(&body);
    let _ = check_client_request_id(&body);
    let _ = is_loopback(&body);

    // The whole classification of the answer, as the glue does it.
    let status = STATUSES[r.below(STATUSES.len())];
    let answer = Response::Answer(Answer {
        status,
        retry_after: retry.as_deref(),
        request_id: rid.as_deref(),
        date: date.as_deref(),
        body: &body,
    });
    for action in [Action::Trigger, Action::Status] {
        let reply = Reply::read(action, &answer, "cid", NOW).sealed(&token);
        let json = reply.to_json();
        if !is_json(&json) {
            return Err(format!("invalid JSON: {json}"));
        }
        if json.contains(&token) {
            return Err(format!("token in the result: {json}"));
        }
        // What the wasm hands to its JS result builder instead.
        let values = match &reply {
            Reply::Result(x) => values_json(&x.values()),
            Reply::Status(s) => values_json(&s.values()),
        };
        if !is_json(&values) || values.contains(&token) {
            return Err(format!(
                "builder values not JSON or with the token: {values}"
            ));
        }
        let fields: Vec<(&Option<String>, usize)> = match &reply {
            Reply::Result(x) => vec![
                (&x.error_code, MAX_FIELD_CHARS),
                (&x.error_message, MAX_MESSAGE_CHARS),
                (&x.request_id, MAX_FIELD_CHARS),
                (&x.date, MAX_FIELD_CHARS),
            ],
            Reply::Status(s) => vec![
                (&s.request_id, MAX_FIELD_CHARS),
                (&s.last_sync_date_time, 40),
                (&s.next_manual_sync_at, 40),
            ],
        };
        for (v, max) in fields {
            if v.as_ref().is_some_and(|s| s.chars().count() > max) {
                return Err(format!("a field over {max} characters: {json}"));
            }
        }
    }
    Ok(())
}

/// CPU seconds this process has used (user + system), from /proc (Linux); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0 // USER_HZ
}

/// The 1-minute load average (other work sharing the cores), from /proc.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

/// Runs `count` inputs on every core; returns (inputs, panics, broken invariants, seconds).
pub fn run(count: u64) -> (u64, u64, u64, f64) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let n = count / threads + u64::from(t < count % threads);
            std::thread::spawn(move || {
                let mut r =
                    Rng(0x9e37_79b9_7f4a_7c15 ^ (t + 1).wrapping_mul(0xbf58_476d_1ce4_e5b9));
                let (mut panics, mut broken) = (0u64, 0u64);
                for _ in 0..n {
                    match catch_unwind(AssertUnwindSafe(|| one(&mut r))) {
                        Ok(Ok(())) => {}
                        Ok(Err(why)) => {
                            broken += 1;
                            if broken <= 3 {
                                eprintln!("fuzz: {}", why.chars().take(400).collect::<String>());
                            }
                        }
                        Err(_) => panics += 1,
                    }
                }
                (n, panics, broken)
            })
        })
        .collect();
    let mut total = (0, 0, 0);
    for h in handles {
        let (n, p, b) = h.join().expect("a fuzz thread");
        total = (total.0 + n, total.1 + p, total.2 + b);
    }
    (total.0, total.1, total.2, start.elapsed().as_secs_f64())
}

#[test]
fn fuzz_parsers_and_classification() {
    let count = std::env::var("AUTOPILOT_SYNC_FUZZ")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(5_000);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (load0, cpu0) = (load_average(), cpu_seconds());
    let (n, panics, broken, secs) = run(count);
    let cpu = cpu_seconds() - cpu0;
    println!(
        "fuzz: {n} inputs in {secs:.1} s = {:.0} inputs/s on {threads} threads; panics: {panics}; broken invariants: {broken}",
        n as f64 / secs,
    );
    if cpu > 0.0 {
        // Under load the threads get less than a core each: the CPU time says what the
        // harness itself costs, and what idle cores would do.
        println!(
            "fuzz: {cpu:.1} CPU-s ({:.0} inputs per CPU-second: {:.0} inputs/s on {threads} idle cores); load average {load0} → {}",
            n as f64 / cpu,
            n as f64 / cpu * threads as f64,
            load_average()
        );
    }
    assert_eq!((panics, broken), (0, 0));
}
