//! Calendar arithmetic without `chrono`: ISO 8601 timestamps as Graph writes them,
//! HTTP-dates as `Retry-After` may carry them, and ISO output. Times are milliseconds
//! since the Unix epoch (`f64`, like JS `Date.now()`).

#[allow(unused_imports)]
use crate::prelude::*;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads exactly `n` ASCII digits at `*i`.
fn digits(s: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let mut v = 0i64;
    for _ in 0..n {
        let b = *s.get(*i)?;
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
        *i += 1;
    }
    Some(v)
}

fn expect(s: &[u8], i: &mut usize, c: u8) -> Option<()> {
    if *s.get(*i)? == c {
        *i += 1;
        Some(())
    } else {
        None
    }
}

fn valid(y: i64, mo: i64, d: i64, h: i64, mi: i64, sec: i64) -> bool {
    (1..=12).contains(&mo)
        && d >= 1
        && d <= days_in_month(y, mo)
        && h <= 23
        && mi <= 59
        && sec <= 60
}

fn to_ms(y: i64, mo: i64, d: i64, h: i64, mi: i64, sec: i64) -> f64 {
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec.min(59);
    secs as f64 * 1000.0
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)`; a missing zone means UTC
/// (Graph's `innerError.date` has none). `None` when the text is not such a timestamp.
pub fn parse_iso8601(text: &str) -> Option<f64> {
    let s = text.trim().as_bytes();
    let mut i = 0;
    let y = digits(s, &mut i, 4)?;
    expect(s, &mut i, b'-')?;
    let mo = digits(s, &mut i, 2)?;
    expect(s, &mut i, b'-')?;
    let d = digits(s, &mut i, 2)?;
    match s.get(i)? {
        b'T' | b't' | b' ' => i += 1,
        _ => return None,
    }
    let h = digits(s, &mut i, 2)?;
    expect(s, &mut i, b':')?;
    let mi = digits(s, &mut i, 2)?;
    let mut sec = 0;
    let mut frac_ms = 0.0;
    if s.get(i) == Some(&b':') {
        i += 1;
        sec = digits(s, &mut i, 2)?;
        if s.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            let mut scale = 100.0;
            while let Some(b) = s.get(i).filter(|b| b.is_ascii_digit()) {
                frac_ms += f64::from(b - b'0') * scale;
                scale /= 10.0;
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let offset_min = match s.get(i) {
        None => 0,
        Some(b'Z' | b'z') => {
            i += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            i += 1;
            let oh = digits(s, &mut i, 2)?;
            if s.get(i) == Some(&b':') {
                i += 1;
            }
            let om = digits(s, &mut i, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    if i != s.len() || !valid(y, mo, d, h, mi, sec) {
        return None;
    }
    Some(to_ms(y, mo, d, h, mi, sec) + floor(frac_ms) - (offset_min * 60_000) as f64)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<i64> {
    let w = word.as_bytes();
    MONTHS
        .iter()
        .position(|m| w.len() == 3 && m.as_bytes().eq_ignore_ascii_case(w))
        .map(|p| p as i64 + 1)
}

fn hms(word: &str) -> Option<(i64, i64, i64)> {
    let s = word.as_bytes();
    let mut i = 0;
    let h = digits(s, &mut i, 2)?;
    expect(s, &mut i, b':')?;
    let m = digits(s, &mut i, 2)?;
    expect(s, &mut i, b':')?;
    let sec = digits(s, &mut i, 2)?;
    (i == s.len()).then_some((h, m, sec))
}

fn number(word: &str) -> Option<i64> {
    let s = word.as_bytes();
    let mut i = 0;
    let v = digits(s, &mut i, s.len())?;
    (!s.is_empty()).then_some(v)
}

/// Parses an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`,
/// the obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime
/// `Sun Nov  6 08:49:37 1994`. Returns milliseconds since the epoch.
pub fn parse_http_date(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    let (y, mo, d, t) = match parts.as_slice() {
        // IMF-fixdate
        [wd, d, mo, y, t, "GMT"] if wd.ends_with(',') && d.len() == 2 && y.len() == 4 => {
            (number(y)?, month(mo)?, number(d)?, *t)
        }
        // RFC 850
        [wd, dmy, t, "GMT"] if wd.ends_with(',') => {
            let mut it = dmy.split('-');
            let (d, mo, yy) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() || d.len() != 2 || yy.len() != 2 {
                return None;
            }
            // Two-digit years: RFC 9110 says read 50+ years ahead as the past.
            let yy = number(yy)?;
            (
                if yy < 70 { 2000 + yy } else { 1900 + yy },
                month(mo)?,
                number(d)?,
                *t,
            )
        }
        // asctime
        [_wd, mo, d, t, y] if y.len() == 4 && (1..=2).contains(&d.len()) => {
            (number(y)?, month(mo)?, number(d)?, *t)
        }
        _ => return None,
    };
    let (h, mi, sec) = hms(t)?;
    valid(y, mo, d, h, mi, sec).then(|| to_ms(y, mo, d, h, mi, sec))
}

fn push_num(out: &mut String, v: i64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = (buf.len() - i).max(width);
    for b in &buf[buf.len() - len..] {
        out.push(*b as char);
    }
}

/// Formats milliseconds since the epoch as JS `Date.prototype.toISOString` does:
/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 0–9999, and the expanded `±YYYYYY-…` outside
/// them (a token's `exp` far ahead, or 10 minutes after Graph's `9999-12-31…`), which
/// `Date.parse` reads back.
pub fn format_iso(ms: f64) -> String {
    let ms = floor(ms) as i64;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let mut out = String::with_capacity(27);
    let width = if (0..=9999).contains(&y) {
        4
    } else {
        out.push(if y < 0 { '-' } else { '+' });
        6
    };
    push_num(&mut out, y, width);
    out.push('-');
    push_num(&mut out, mo, 2);
    out.push('-');
    push_num(&mut out, d, 2);
    out.push('T');
    push_num(&mut out, rem / 3_600_000, 2);
    out.push(':');
    push_num(&mut out, rem / 60_000 % 60, 2);
    out.push(':');
    push_num(&mut out, rem / 1000 % 60, 2);
    out.push('.');
    push_num(&mut out, rem % 1000, 3);
    out.push('Z');
    out
}

/// Decimal text of an unsigned number, without `core::fmt`.
pub fn decimal(v: u64) -> String {
    let mut s = String::new();
    push_num(&mut s, v as i64, 1);
    s
}

/// `f64::floor`, which `core` lacks on stable Rust (the crate is `no_std` on wasm32).
/// Exact below 2^52 in magnitude; larger values, infinities and NaN are already whole
/// (or not numbers) and come back unchanged.
pub fn floor(x: f64) -> f64 {
    if !(x > -4_503_599_627_370_496.0 && x < 4_503_599_627_370_496.0) {
        return x;
    }
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `f64::ceil` (see [`floor`]).
pub fn ceil(x: f64) -> f64 {
    -floor(-x)
}

#[cfg(test)]
mod rounding_tests {
    use super::{ceil, floor};

    #[test]
    fn floor_and_ceil_match_std() {
        for x in [
            0.0,
            0.4,
            0.5,
            0.999,
            1.0,
            1.5,
            -0.4,
            -0.5,
            -1.0,
            -1.5,
            2.1,
            59.999,
            1e15 + 0.5,
            -1e15 - 0.5,
            4.6e15,
            -4.6e15,
            1e300,
            -1e300,
            784_111_777_000.4,
        ] {
            assert_eq!(floor(x), x.floor(), "floor({x})");
            assert_eq!(ceil(x), x.ceil(), "ceil({x})");
        }
        assert!(floor(f64::NAN).is_nan() && ceil(f64::NAN).is_nan());
        assert_eq!(floor(f64::INFINITY), f64::INFINITY);
        assert_eq!(ceil(f64::NEG_INFINITY), f64::NEG_INFINITY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_6_1994: f64 = 784_111_777_000.0;

    #[test]
    fn iso8601() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1970-01-01T00:00:00Z", Some(0.0)),
            ("1994-11-06T08:49:37Z", Some(NOV_6_1994)),
            ("1994-11-06T08:49:37.5Z", Some(NOV_6_1994 + 500.0)),
            ("1994-11-06T08:49:37.1234567Z", Some(NOV_6_1994 + 123.0)),
            ("1994-11-06T09:49:37+01:00", Some(NOV_6_1994)),
            ("1994-11-06T07:49:37-0100", Some(NOV_6_1994)),
            ("1994-11-06T08:49:37", Some(NOV_6_1994)),
            ("1994-11-06T08:49Z", Some(NOV_6_1994 - 37_000.0)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800_000.0)),
            ("0001-01-01T00:00:00Z", Some(-62_135_596_800_000.0)),
            ("2023-02-29T00:00:00Z", None),
            ("1994-13-06T08:49:37Z", None),
            ("1994-11-06T24:00:00Z", None),
            ("1994-11-06", None),
            ("1994-11-06T08:49:37.Z", None),
            ("1994-11-06T08:49:37Zjunk", None),
            ("yesterday", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_iso8601(text), *want, "input {text:?}");
        }
    }

    #[test]
    fn http_dates() {
        let cases: &[(&str, Option<f64>)] = &[
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(NOV_6_1994)),
            ("sun, 06 nov 1994 08:49:37 GMT", Some(NOV_6_1994)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", Some(NOV_6_1994)),
            ("Sun Nov  6 08:49:37 1994", Some(NOV_6_1994)),
            ("Thu, 01 Jan 2099 00:00:00 GMT", Some(4_070_908_800_000.0)),
            ("Sun, 06 Nov 1994 08:49:37 PST", None),
            ("Sun, 31 Feb 1994 08:49:37 GMT", None),
            ("Sun, 06 Nov 1994 8:49:37 GMT", None),
            ("Sun, 6 Nov 1994 08:49:37 GMT", None),
            ("Sun, 06 Foo 1994 08:49:37 GMT", None),
            ("120", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_http_date(text), *want, "input {text:?}");
        }
    }

    #[test]
    fn formats_iso() {
        assert_eq!(format_iso(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(NOV_6_1994 + 7.9), "1994-11-06T08:49:37.007Z");
        assert_eq!(format_iso(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_iso(1_709_164_800_000.0), "2024-02-29T00:00:00.000Z");
        // Outside years 0–9999, the expanded form of toISOString (Date.parse reads it).
        assert_eq!(
            format_iso(253_402_300_799_999.0),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(
            format_iso(253_402_300_800_000.0),
            "+010000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            format_iso(1_099_511_627_776_000.0),
            "+036812-02-20T00:36:16.000Z"
        );
        assert_eq!(
            format_iso(-62_167_219_200_000.0),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            format_iso(-62_167_219_200_001.0),
            "-000001-12-31T23:59:59.999Z"
        );
        for ms in [0.0, 951_782_400_000.0, 4_102_444_800_123.0, -86_400_000.0] {
            assert_eq!(parse_iso8601(&format_iso(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(418), "418");
        assert_eq!(decimal(4_294_967_295), "4294967295");
    }
}
