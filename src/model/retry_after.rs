//! `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.

#[allow(unused_imports)]
use crate::prelude::*;

use super::time::{ceil, parse_http_date};

/// The largest value reported; bigger ones (and dates further out) are clamped to it.
/// One year: anything longer is not a wait an admin can act on differently.
pub const MAX_RETRY_AFTER_SECONDS: u32 = 366 * 24 * 3600;

/// Seconds to wait, from a `Retry-After` value, at `now_ms` (milliseconds since the epoch).
///
/// - delta-seconds: `120` → 120; fractional values seen in the wild round up (`2.1` → 3);
/// - an HTTP-date: seconds from `now_ms`, rounded up; a date in the past → 0;
/// - negative, empty or unreadable → `None`; huge values clamp to [`MAX_RETRY_AFTER_SECONDS`].
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u32> {
    let v = value.trim();
    let b = v.as_bytes();
    if b.first().is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
        return parse_delta(b);
    }
    let at = parse_http_date(v)?;
    let secs = ceil((at - now_ms) / 1000.0);
    Some(if secs <= 0.0 {
        0
    } else if secs >= f64::from(MAX_RETRY_AFTER_SECONDS) {
        MAX_RETRY_AFTER_SECONDS
    } else {
        secs as u32
    })
}

fn parse_delta(b: &[u8]) -> Option<u32> {
    let mut whole: u64 = 0;
    let mut i = 0;
    while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        whole = whole.saturating_mul(10).saturating_add(u64::from(c - b'0'));
        i += 1;
    }
    let int_digits = i;
    let mut fraction = false;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            fraction |= *c != b'0';
            i += 1;
        }
        if i == start && int_digits == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let secs = whole.saturating_add(u64::from(fraction));
    Some(secs.min(u64::from(MAX_RETRY_AFTER_SECONDS)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1994-11-06T08:49:37Z
    const NOW: f64 = 784_111_777_000.0;

    #[test]
    fn every_form() {
        let cases: &[(&str, Option<u32>)] = &[
            ("0", Some(0)),
            ("120", Some(120)),
            (" 7 ", Some(7)),
            ("2.1", Some(3)),
            ("2.0", Some(2)),
            ("0.001", Some(1)),
            ("5.", Some(5)),
            (".5", Some(1)),
            ("600", Some(600)),
            ("99999999999999999999999999", Some(MAX_RETRY_AFTER_SECONDS)),
            ("31622400", Some(MAX_RETRY_AFTER_SECONDS)),
            ("31622401", Some(MAX_RETRY_AFTER_SECONDS)),
            ("-1", None),
            ("-0.5", None),
            ("+5", None),
            ("1e3", None),
            ("12abc", None),
            ("1 2", None),
            (".", None),
            ("", None),
            ("   ", None),
            ("soon", None),
            ("null", None),
            // HTTP-dates relative to NOW
            ("Sun, 06 Nov 1994 08:51:37 GMT", Some(120)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(0)),
            ("Sun, 06 Nov 1994 08:40:00 GMT", Some(0)),
            ("Sat, 05 Nov 1994 08:49:37 GMT", Some(0)),
            ("Sunday, 06-Nov-94 08:59:37 GMT", Some(600)),
            ("Sun Nov  6 08:50:37 1994", Some(60)),
            (
                "Fri, 01 Jan 2100 00:00:00 GMT",
                Some(MAX_RETRY_AFTER_SECONDS),
            ),
            ("Sun, 06 Nov 1994 08:51:37 UTC", None),
            ("Sun, 32 Nov 1994 08:51:37 GMT", None),
        ];
        for (value, want) in cases {
            assert_eq!(
                parse_retry_after(value, NOW),
                *want,
                "Retry-After {value:?}"
            );
        }
    }

    #[test]
    fn date_rounds_up_partial_seconds() {
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", NOW + 1.0),
            Some(1)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", NOW + 999.0),
            Some(1)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", NOW + 1000.0),
            Some(0)
        );
    }
}
