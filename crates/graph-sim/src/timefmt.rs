//! Date formatting and parsing for the simulated clock (milliseconds since the Unix epoch,
//! UTC), on the `time` crate's calendar.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// Graph's "never" value for DateTimeOffset properties.
pub const NEVER: &str = "0001-01-01T00:00:00Z";

/// The instant, clamped to the years `time` can show (0000..=9999).
fn instant(epoch_ms: i64) -> OffsetDateTime {
    let nanos = i128::from(epoch_ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if epoch_ms < 0 {
        time::PrimitiveDateTime::MIN.assume_utc()
    } else {
        time::PrimitiveDateTime::MAX.assume_utc()
    })
}

fn format(
    epoch_ms: i64,
    description: &[time::format_description::BorrowedFormatItem<'_>],
) -> String {
    instant(epoch_ms).format(description).unwrap_or_default()
}

/// ISO 8601 UTC with milliseconds: `2026-11-28T12:00:00.000Z`.
pub fn iso_millis(epoch_ms: i64) -> String {
    format(
        epoch_ms,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"),
    )
}

/// The form Graph uses in `innerError.date`: no fraction, no zone (`2026-11-28T12:00:00`).
pub fn inner_error_date(epoch_ms: i64) -> String {
    format(
        epoch_ms,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
}

/// IMF-fixdate for the HTTP `Date` header: `Sat, 28 Nov 2026 12:00:00 GMT`.
pub fn http_date(epoch_ms: i64) -> String {
    format(
        epoch_ms,
        format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ),
    )
}

/// Parses an RFC 3339 date-time (`2026-01-01T00:00:00Z`, any offset, optional fraction).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        // 2026-11-28T12:00:00.250Z
        let ms = 1_795_867_200_250;
        assert_eq!(iso_millis(ms), "2026-11-28T12:00:00.250Z");
        assert_eq!(inner_error_date(ms), "2026-11-28T12:00:00");
        assert_eq!(http_date(ms), "Sat, 28 Nov 2026 12:00:00 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(iso_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(http_date(951_868_799_999), "Tue, 29 Feb 2000 23:59:59 GMT");
        assert_eq!(iso_millis(i64::MAX), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_rfc3339() {
        assert_eq!(
            parse_rfc3339("2026-11-28T12:00:00.250Z"),
            Some(1_795_867_200_250)
        );
        assert_eq!(
            parse_rfc3339("2026-11-28T13:00:00+01:00"),
            Some(1_795_867_200_000)
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        for bad in ["", "2026-11-28", "tomorrow", "2026-13-01T00:00:00Z"] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
