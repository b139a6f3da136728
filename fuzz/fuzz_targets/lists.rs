//! What a --from, --keep or key file holds, in any bytes: decoding and reading it
//! never panics, and what is accepted is a well-formed id or email.
#![no_main]

use docspace_guest::fuzzing::input::{self, Target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = input::decode(data) else {
        return;
    };
    if let Ok(targets) = input::parse_list(&text, "--from fuzz") {
        for target in targets {
            match target {
                Target::Id(id) => assert_eq!(input::guid(&id).as_deref(), Some(id.as_str())),
                Target::Email(email) => assert!(input::is_email(&email)),
            }
        }
    }
    let _ = input::clean_secret(&text);
    let _ = docspace_guest::date::parse_timestamp(&text);
});
