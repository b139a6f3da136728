//! Calendar arithmetic in UTC, without a date crate: days since 1970-01-01 and back,
//! for `Retry-After` dates, for telling when a wait ends, and for the portal's
//! registration dates.

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

/// A portal timestamp: `2026-03-01T09:30:00.0000000+00:00`, with or without the
/// fraction, with `Z`, `+03:00`, `+0300` or no offset (taken as UTC), `T` or a space
/// between date and time, or a date alone.
pub fn parse_timestamp(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let number = |part: &str, digits: usize| {
        (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u64>().ok())
            .flatten()
    };
    let mut parts = date.split('-');
    let year = number(parts.next()?, 4)?;
    let month = number(parts.next()?, 2)?;
    let day = number(parts.next()?, 2)?;
    if parts.next().is_some() || day == 0 || day > days_in_month(year, month)? {
        return None;
    }
    let mut seconds = days_since_epoch(year, month, day)? * 86_400;
    if rest.is_empty() {
        return Some(UNIX_EPOCH + Duration::from_secs(seconds));
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    // The time: hh:mm, then :ss and a fraction if there.
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let clock = clock.split('.').next()?;
    let mut fields = clock.split(':');
    let hour = number(fields.next()?, 2).filter(|h| *h < 24)?;
    let minute = number(fields.next()?, 2).filter(|m| *m < 60)?;
    let second = match fields.next() {
        Some(s) => number(s, 2).filter(|s| *s <= 60)?,
        None => 0,
    };
    if fields.next().is_some() {
        return None;
    }
    seconds += hour * 3600 + minute * 60 + second;
    let offset_seconds = match offset {
        "" | "Z" | "z" => 0i64,
        _ => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let digits = offset[1..].replace(':', "");
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (h, m) = match digits.len() {
                2 => (number(&digits, 2)?, 0),
                4 => (number(&digits[..2], 2)?, number(&digits[2..], 2)?),
                _ => return None,
            };
            if h > 14 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60) as i64
        }
    };
    // Local time minus its offset is UTC.
    let utc = (seconds as i64).checked_sub(offset_seconds)?;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(utc).ok()?))
}

fn days_in_month(year: u64, month: u64) -> Option<u64> {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// "2026-11-27": the UTC date of `when`.
pub fn utc_date(when: SystemTime) -> String {
    format_utc(when)[..10].to_string()
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
    fn portal_timestamps_in_their_forms() {
        let at = |text| parse_timestamp(text).map(format_utc);
        for (text, utc) in [
            (
                "2026-03-01T09:30:00.0000000+00:00",
                "2026-03-01 09:30:00 UTC",
            ),
            ("2026-03-01T09:30:00Z", "2026-03-01 09:30:00 UTC"),
            ("2026-03-01T09:30:00", "2026-03-01 09:30:00 UTC"),
            ("2026-03-01 09:30", "2026-03-01 09:30:00 UTC"),
            ("2026-03-01T09:30:00.123+03:00", "2026-03-01 06:30:00 UTC"),
            ("2026-03-01T01:30:00-0500", "2026-03-01 06:30:00 UTC"),
            ("2026-03-01T23:30:00-02", "2026-03-02 01:30:00 UTC"),
            ("2024-02-29", "2024-02-29 00:00:00 UTC"),
        ] {
            assert_eq!(at(text).as_deref(), Some(utc), "{text}");
        }
        for bad in [
            "",
            "yesterday",
            "2026-02-30T00:00:00",
            "2026-13-01",
            "2026-3-1T09:30:00",
            "2026-03-01T25:00:00",
            "2026-03-01T09:30:00+25:00",
            "2026-03-01X09:30",
            "/Date(1709285400000)/",
            "1969-12-31T23:00:00",
            "2026-03-01T09:30:00+a\u{e9}b",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_are_written_in_utc() {
        let when = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(format_utc(when), "1994-11-06 08:49:37 UTC");
    }
}
