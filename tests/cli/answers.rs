//! Answers the tool once misread: a list entry whose id is not a GUID (once dropped, so
//! that a list read as "No guests."), a body that is not UTF-8 (once called cut off), a
//! 403 about the role (once blamed on who owns the room), and a proxy's 407 (once a
//! debug string).

use serde_json::json;

use crate::util::{api_requests, tool, tool_as, write_temp};
use fake_portal::{Answer, FakePortal, READ, Response, Role, RoomType};

#[test]
fn a_list_entry_whose_id_is_not_a_guid_stops_the_command_naming_it() {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read"]);
    let page = json!({
        "response": [{ "id": "not-a-guid", "displayName": "Eve Odd", "email": "eve@example.com",
                       "isVisitor": true, "status": 1, "activationStatus": 2 }],
        "count": 1, "total": 1, "status": 0, "statusCode": 200
    });
    portal.fault(
        "/api/2.0/people/filter",
        0,
        1,
        Answer::Send(Response::json(200, &page)),
    );
    let out = tool_as(&portal, &key, &["list"]).run();
    out.assert_error(
        1,
        "an entry whose id is not a GUID (id \"not-a-guid\", displayName \"Eve Odd\")",
    );
    out.assert_stdout_lacks("No guests.");
}

#[test]
fn a_body_that_is_not_utf8_is_read_not_called_cut_off() {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read"]);
    let mut body = format!(r#"{{"response":{{"id":"{admin}","displayName":"Dan "#).into_bytes();
    body.extend(b"\xff\xfeAdmin\",\"email\":\"dan@example.com\"},\"status\":0}");
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend(&body);
    portal.fault("/api/2.0/people/@self", 0, 1, Answer::Raw(raw));
    let out = tool_as(&portal, &key, &["whoami"]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Dan \u{fffd}\u{fffd}Admin <dan@example.com>");
    out.assert_output_lacks("cut off");
}

#[test]
fn a_403_about_the_role_says_so_not_who_may_change_the_room() {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["rooms:read", "rooms:write", "accounts:read"]);
    let guest = portal.invite_guest(&admin, "Gus", "Guest", "gus@example.com");
    // A guest seeded with Read in a form-filling room, whose roles do not include
    // Read (restore refuses a RoomManager line itself, before anything is sent).
    let room = portal.add_room(&admin, "Plans", RoomType::FillingForms);
    portal.add_member(room, &guest, READ, &admin);
    let record = write_temp("role-not-available.jsonl", "");
    let record_arg = record.to_str().unwrap();
    tool_as(
        &portal,
        &key,
        &["revoke", &guest, "--all-rooms", "--record", record_arg],
    )
    .run()
    .assert_exit(0);
    let out = tool_as(&portal, &key, &["restore", "--from", record_arg]).run();
    out.assert_stdout_has(&format!(
        "the portal refused the role in room {room} (403 The role is not available)"
    ));
    out.assert_output_lacks("only the room's owner");
}

#[test]
fn a_proxys_407_says_to_fix_the_proxys_credentials() {
    // A fake portal plays the proxy: it answers CONNECT (whose target is its path) 407.
    let proxy = FakePortal::start();
    let refusal = Response::new(407, "").with_header("Proxy-Authenticate", "Basic realm=\"proxy\"");
    proxy.fault("127.0.0.1:", 0, 10, Answer::Send(refusal));
    let out = tool(&["whoami", "--retries", "0"])
        .env("DOCSPACE_URL", "https://127.0.0.1:9")
        .env("DOCSPACE_API_KEY", "sk-0123456789abcdef0123456789abcdef")
        .env("HTTPS_PROXY", &proxy.url())
        .run();
    out.assert_error(3, "407 Proxy Authentication Required");
    out.assert_stderr_has("fix the proxy's credentials");
    let asked = proxy.requests();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].method, "CONNECT");
    assert!(api_requests(&proxy).is_empty());
}
