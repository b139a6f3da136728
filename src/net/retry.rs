//! When to try a request again, and how long to wait first. Rate limits (429) and a
//! reverse proxy's 502/503/504 pass; other 4xx would only be refused again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// A 502 or 504 comes from a proxy whose upstream may have done the work anyway.
pub fn may_have_reached_the_portal(status: u16) -> bool {
    matches!(status, 502 | 504)
}

/// The wait before attempt `attempt + 1`: what `Retry-After` asks, else exponential
/// backoff with jitter (about 0.5 s, 1 s, 2 s…) of at most `max_wait`. `None` when the
/// portal asks for longer than `max_wait`: a retry before its time would only be
/// refused again and spend the rate limit, so the caller stops instead.
pub fn wait(attempt: u32, retry_after: Option<&str>, max_wait: Duration) -> Option<Duration> {
    match retry_after.and_then(|value| retry_after_delay(value, SystemTime::now())) {
        Some(asked) if asked > max_wait => None,
        Some(asked) => Some(asked),
        None => Some(backoff(attempt).min(max_wait)),
    }
}

fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500) * 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
    // Up to a quarter more, so that many clients do not come back in step. The std
    // hasher's random keys are randomness enough for that.
    let random = RandomState::new().build_hasher().finish();
    base + base.mul_f64((random % 1000) as f64 / 4000.0)
}

/// `Retry-After` is either seconds or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
/// Several values (one a line, as `http` joins repeated headers) ask for the longest.
/// Any number is a wait, however large (it saturates) and never shorter than asked (a
/// fraction rounds up; a negative number asks for none); only a value that is neither
/// a number nor a date is no `Retry-After`.
pub fn retry_after_delay(value: &str, now: SystemTime) -> Option<Duration> {
    value
        .lines()
        .filter_map(|one| {
            let one = one.trim();
            seconds(one).or_else(|| {
                let when = parse_http_date(one)?;
                Some(when.duration_since(now).unwrap_or(Duration::ZERO))
            })
        })
        .max()
}

fn seconds(text: &str) -> Option<Duration> {
    let (negative, number) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    if negative {
        return Some(Duration::ZERO);
    }
    // All digits, so the only failure left is a number too large: the longest wait.
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().unwrap_or(u64::MAX)
    };
    let rounded_up = fraction.bytes().any(|b| b != b'0');
    Some(Duration::from_secs(whole.saturating_add(rounded_up.into())))
}

/// `now + wait`, or the last second of year 9999 where that would be later (or
/// overflow the clock): a time a person can read and a message can state.
pub fn until(now: SystemTime, wait: Duration) -> SystemTime {
    // 9999-12-31 23:59:59 UTC.
    let latest = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
    now.checked_add(wait)
        .map_or(latest, |when| when.min(latest))
}

fn parse_http_date(text: &str) -> Option<SystemTime> {
    // IMF-fixdate, the only form servers may send: "Sun, 06 Nov 1994 08:49:37 GMT".
    let mut parts = text.split_once(", ")?.1.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == month_name)? as u64
        + 1;
    let year: u64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|n| n.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    // A year past 9999 is no date a server means, and would overflow the clock.
    if parts.next()? != "GMT"
        || !(1..=31).contains(&day)
        || !(1970..=9999).contains(&year)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = crate::date::days_since_epoch(year, month, day)?;
    UNIX_EPOCH.checked_add(Duration::from_secs(
        days * 86_400 + hour * 3600 + minute * 60 + second,
    ))
}

/// "0.5 s", "3 s", "60 s". In whole tenths, not with `{:.1}`: formatting a float
/// would bring about 9 KB of code into the binary for this one line.
pub fn describe(wait: Duration) -> String {
    if wait < Duration::from_secs(10) && wait.subsec_millis() != 0 {
        let tenths = (wait.as_millis() + 50) / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    } else {
        format!("{} s", wait.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(retry_after_delay("7", now), Some(Duration::from_secs(7)));
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            retry_after_delay("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after_delay(
                "Sun, 06 Nov 1994 08:49:37 GMT",
                now + Duration::from_secs(60)
            ),
            Some(Duration::ZERO)
        );
        // Found by the fuzzer: a far-off year overflowed the clock and panicked.
        let far = "Sun, 06 Nov 13333333333333333994 08:49:37 GMT";
        assert_eq!(retry_after_delay(far, now), None);
        assert_eq!(
            retry_after_delay("Sun, 06 Nov 99999 08:49:37 GMT", now),
            None
        );
        assert_eq!(retry_after_delay("soon", now), None);
        assert_eq!(retry_after_delay("", now), None);
        assert_eq!(retry_after_delay(".", now), None);
        assert_eq!(retry_after_delay("1e3", now), None);
        assert_eq!(
            retry_after_delay("Sun, 06 Nov 1994 25:00:00 GMT", now),
            None
        );
    }

    #[test]
    fn any_number_is_a_wait_never_shorter_than_asked() {
        let now = SystemTime::now();
        let secs = |n| Some(Duration::from_secs(n));
        assert_eq!(
            retry_after_delay("9223372036854775807", now),
            secs(i64::MAX as u64)
        );
        assert_eq!(retry_after_delay(&"9".repeat(400), now), secs(u64::MAX));
        assert_eq!(retry_after_delay("1.5", now), secs(2));
        assert_eq!(retry_after_delay("2.000", now), secs(2));
        assert_eq!(retry_after_delay(".1", now), secs(1));
        assert_eq!(retry_after_delay("-5", now), secs(0));
        assert_eq!(retry_after_delay(" 7 ", now), secs(7));
        assert_eq!(retry_after_delay("3\n120\nsoon", now), secs(120));
        assert_eq!(retry_after_delay("-", now), None);
        assert_eq!(retry_after_delay("+5", now), None);
    }

    #[test]
    fn the_until_time_is_capped_at_year_9999() {
        let now = SystemTime::now();
        let far = until(now, Duration::from_secs(u64::MAX));
        assert_eq!(crate::date::format_utc(far), "9999-12-31 23:59:59 UTC");
        assert_eq!(
            until(now, Duration::from_secs(60)),
            now + Duration::from_secs(60)
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let max = Duration::from_secs(60);
        for attempt in 1..=3 {
            let base = Duration::from_millis(500 * 2u64.pow(attempt - 1));
            let wait = wait(attempt, None, max).unwrap();
            assert!(
                wait >= base && wait <= base.mul_f64(1.25),
                "{attempt}: {wait:?}"
            );
        }
        assert_eq!(wait(30, None, max), Some(max));
        assert_eq!(
            wait(1, Some("3600"), max),
            None,
            "over --max-wait: no early retry"
        );
        assert_eq!(wait(1, Some("60"), max), Some(max));
        assert_eq!(wait(1, Some("3"), max), Some(Duration::from_secs(3)));
        assert_eq!(wait(1, Some("soon"), max).map(|w| w <= max), Some(true));
    }

    #[test]
    fn waits_are_described_briefly() {
        assert_eq!(describe(Duration::from_millis(500)), "0.5 s");
        assert_eq!(describe(Duration::from_secs(3)), "3 s");
        assert_eq!(describe(Duration::from_millis(12_400)), "12 s");
        assert_eq!(describe(Duration::from_millis(1_001)), "1.0 s");
        assert_eq!(describe(Duration::from_millis(1_250)), "1.3 s");
        assert_eq!(describe(Duration::from_millis(9_960)), "10.0 s");
    }
}
