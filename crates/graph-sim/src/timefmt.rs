//! Date formatting for the simulated clock (milliseconds since the Unix epoch, UTC).
//!
//! Hand-written so the simulator needs no calendar crate; the civil-date conversion is
//! Howard Hinnant's `civil_from_days`.

/// Graph's "never" value for DateTimeOffset properties.
pub const NEVER: &str = "0001-01-01T00:00:00Z";

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    weekday: usize,
    month_index: usize,
}

fn parts(epoch_ms: i64) -> Parts {
    let days = epoch_ms.div_euclid(86_400_000);
    let ms_of_day = epoch_ms.rem_euclid(86_400_000);
    // civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Parts {
        year,
        month,
        day,
        hour: (ms_of_day / 3_600_000) as u32,
        minute: (ms_of_day / 60_000 % 60) as u32,
        second: (ms_of_day / 1000 % 60) as u32,
        millis: (ms_of_day % 1000) as u32,
        weekday: days.rem_euclid(7) as usize,
        month_index: (month - 1) as usize,
    }
}

/// ISO 8601 UTC with milliseconds: `2026-11-28T12:00:00.000Z`.
pub fn iso_millis(epoch_ms: i64) -> String {
    let p = parts(epoch_ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second, p.millis
    )
}

/// The form Graph uses in `innerError.date`: no fraction, no zone (`2026-11-28T12:00:00`).
pub fn inner_error_date(epoch_ms: i64) -> String {
    let p = parts(epoch_ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

/// IMF-fixdate for the HTTP `Date` header: `Sat, 28 Nov 2026 12:00:00 GMT`.
pub fn http_date(epoch_ms: i64) -> String {
    let p = parts(epoch_ms);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[p.weekday], p.day, MONTHS[p.month_index], p.year, p.hour, p.minute, p.second
    )
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
    }
}
