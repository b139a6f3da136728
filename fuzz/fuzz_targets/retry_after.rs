//! Any `Retry-After` a server or proxy sends (huge, negative, fractional, dates of any
//! year, several values, garbage) is read without a panic, and the time it names can
//! always be stated. A value of digits alone is always a wait, never "none".
#![no_main]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docspace_guest::date;
use docspace_guest::fuzzing::retry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for now in [SystemTime::now(), UNIX_EPOCH, UNIX_EPOCH + Duration::from_secs(253_402_300_799)] {
        let delay = retry::retry_after_delay(&text, now);
        if let Some(delay) = delay {
            let _ = date::format_utc(retry::until(now, delay));
            let _ = retry::describe(delay);
        }
        let digits = text.trim();
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            assert!(delay.is_some(), "{text:?} is a number of seconds");
        }
        let _ = retry::wait(1, Some(&text), Duration::from_secs(60));
    }
});
