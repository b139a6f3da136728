//! Whatever a server or a proxy sends back: reading it never panics (statuses, bodies,
//! Retry-After, the release number, registration dates), and approve's answer counts
//! as a success only with a GUID id in a DocSpace success envelope.
#![no_main]

use docspace_guest::fuzzing::answers;
use docspace_guest::fuzzing::http::Reply;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [high, low, rest @ ..] => (u16::from_be_bytes([*high, *low]) % 600, rest),
        _ => return,
    };
    let text = String::from_utf8_lossy(body).into_owned();
    let reply = Reply {
        status,
        body: text.clone(),
        location: Some(text.clone()),
        retry_after: Some(text.clone()),
        maybe_done_before: false,
        key_scopes: text.starts_with('s').then(|| vec![text.clone()]),
    };
    let _ = answers::server_message(&reply.body);
    let _ = answers::is_access_denied(&reply);
    let _ = answers::removal_refusal(&reply, 1).to_string();
    let _ = answers::refusal("the guest list", &reply).to_string();
    let _ = answers::unexpected("delete", &reply).to_string();
    if let Some(guest) = answers::approved_guest(&reply) {
        assert!(docspace_guest::fuzzing::input::guid(&guest.id).is_some());
        assert!(answers::success_envelope(&reply).is_some());
    }
    let _ = docspace_guest::fuzzing::html::decode(&text);
    let _ = docspace_guest::fuzzing::retry::retry_after_delay(&text, std::time::SystemTime::now());
    let _ = docspace_guest::fuzzing::release::rule_for(Some(&text));
    if let Some(when) = docspace_guest::date::parse_timestamp(&text) {
        let _ = docspace_guest::date::format_utc(when);
    }
});
