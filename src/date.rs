//! Calendar arithmetic in UTC, without a date crate: days since 1970-01-01 and back,
//! for `Retry-After` dates and for telling when a wait ends.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
pub fn days_since_epoch(year: u64, month: u64, day: u64) -> Option<u64> {
    if year < 1970 || !(1..=12).contains(&month) {
        return None;
    }
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era_days = y * 365 + y / 4 - y / 100 + y / 400;
    let days = era_days + (153 * m + 2) / 5 + day - 1;
    // 719_468 days lie between 0000-03-01 and 1970-01-01.
    days.checked_sub(719_468)
}

/// The date of a day counted from 1970-01-01: (year, month, day).
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // The inverse of `days_since_epoch` (H. Hinnant's algorithm), in years from 0000-03-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let m = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * m + 2) / 5 + 1;
    let month = if m < 10 { m + 3 } else { m - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// "2026-11-27 16:40:07 UTC".
pub fn format_utc(when: SystemTime) -> String {
    let seconds = when
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let rest = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_go_both_ways() {
        for (date, days) in [
            ((1970, 1, 1), 0),
            ((2000, 2, 29), 11_016),
            ((2026, 11, 27), 20_784),
            ((9999, 12, 31), 2_932_896),
        ] {
            assert_eq!(days_since_epoch(date.0, date.1, date.2), Some(days));
            assert_eq!(civil_from_days(days), date);
        }
        assert_eq!(days_since_epoch(2026, 13, 1), None);
    }

    #[test]
    fn times_are_written_in_utc() {
        let when = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(format_utc(when), "1994-11-06 08:49:37 UTC");
    }
}
