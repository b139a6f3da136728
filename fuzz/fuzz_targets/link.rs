//! What a user pastes as --link, --url or a short link's Location: never a panic, and
//! what is accepted has the parts the portal needs.
#![no_main]

use docspace_guest::fuzzing::link::{self, GuestLink};
use docspace_guest::fuzzing::url::Url;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match link::parse(&text) {
        Ok(GuestLink::Short(url)) => {
            assert!(url.path.starts_with("/s/"));
            assert_eq!(Url::parse(&url.to_string()).as_ref(), Ok(&url), "round trip");
        }
        Ok(GuestLink::Confirm { query, .. }) => {
            assert!(query.contains("type=GuestShareLink"));
            assert!(query.contains("key=") && query.contains("encemail="));
            assert!(query.chars().all(|c| c.is_ascii_graphic()), "a valid header value");
        }
        Err(_) => {}
    }
    if let Ok(url) = Url::parse(&text) {
        assert_eq!(Url::parse(&url.to_string()).as_ref(), Ok(&url), "round trip");
        let _ = url.join(&text);
        let _ = url.is_loopback();
    }
    let _ = docspace_guest::fuzzing::input::target(&text);
});
