//! What a hostile portal (or a cache or proxy in front of it), a guest choosing their own
//! name, the environment or a file can do to the tool: nothing reaches a terminal as a
//! control, no header crashes or stalls it, paging always ends, inputs are bounded, and
//! the environment is read exactly. Each test is a way in or a way down that once worked.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use serde_json::json;

use crate::util::{Outcome, api_requests, crowd, json_of, tool, tool_as, write_temp};
use fake_portal::{self, Answer, FakePortal, Paging, Role};

/// What a terminal acts on: C0 and C1 controls, DEL, the bidirectional overrides.
fn assert_inert(out: &Outcome) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let bad = text.chars().find(|&c| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        });
        assert_eq!(bad, None, "{stream} holds a control:\n{text}");
    }
}

const TITLE: &str = "\u{1b}]0;pwned\u{7}Mal";
const CLEAR: &str = "\u{1b}[2J\rOry";
const REVERSED: &str = "\u{202e}moc.live\u{85}\u{7f}";

#[test]
fn names_from_the_portal_reach_no_terminal_as_controls() {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, TITLE, "Admin", "mal@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let eve = portal.invite_guest(&admin, CLEAR, REVERSED, "eve@example.com");
    portal.invite_guest(&admin, "Ann", "Plain", "ann@example.com");

    let out = tool_as(&portal, &key, &["whoami"]).run();
    out.assert_exit(0);
    assert_inert(&out);
    out.assert_stdout_has("\\x1b]0;pwned\\x07Mal Admin <mal@example.com>");

    let out = tool_as(&portal, &key, &["list"]).run();
    out.assert_exit(0);
    assert_inert(&out);
    out.assert_stdout_has("\\x1b[2J\\rOry \\u{202e}moc.live\\u{85}\\x7f");
    // Still a table: every row's STATUS starts where its title does.
    let lines: Vec<&str> = out.stdout.lines().take(3).collect();
    let column = lines[0].find("STATUS").unwrap();
    for line in &lines[1..] {
        assert_eq!(
            line.get(column..column + 7),
            Some("pending"),
            "{}",
            out.stdout
        );
    }

    portal.registered_days_ago(&eve, 10);
    let out = tool_as(&portal, &key, &["review", "--older-than", "1"]).run();
    out.assert_exit(0);
    assert_inert(&out);

    // --json keeps the exact name, with DEL, C1 and the bidi marks as \u escapes.
    let out = tool_as(&portal, &key, &["list", "--json"]).run();
    out.assert_exit(0);
    assert_inert(&out);
    out.assert_stdout_has("\\u202e");
    let names: Vec<String> = out
        .stdout
        .lines()
        .map(|line| json_of(line)["displayName"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&format!("{CLEAR} {REVERSED}")), "{names:?}");

    // The example's raw body stays exact too, as JSON escapes.
    let link = portal.full_url(&portal.share_guest(&admin, &eve));
    let out = tool_as(
        &portal,
        &key,
        &["approve", "--email", "eve@example.com", "--link", &link],
    )
    .run();
    out.assert_exit(0);
    assert_inert(&out);
    let raw = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Raw Response: "))
        .unwrap();
    assert_eq!(
        json_of(raw)["response"]["displayName"],
        json!(format!("{CLEAR} {REVERSED}"))
    );
}

#[test]
fn a_portals_error_message_and_entities_reach_no_terminal_as_controls() {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read"]);
    let body = json!({ "error": { "message": "\u{1b}[2J\u{9b}31m gone" }, "status": 1, "statusCode": 400 });
    portal.fault(
        "/api/2.0/people/filter",
        0,
        1,
        Answer::Send(fake_portal::Response::json(400, &body)),
    );
    let out = tool_as(&portal, &key, &["list"]).run();
    out.assert_error(1, "\\x1b[2J\\u{9b}31m gone");
    assert_inert(&out);

    // An HTML entity is decoded into the name: a portal can name ESC that way too.
    let me = json!({ "response": { "id": admin, "displayName": "&#27;]0;x&#7;Dan", "email": "d@x" }, "status": 0 });
    portal.fault(
        "/api/2.0/people/@self",
        0,
        1,
        Answer::Send(fake_portal::Response::json(200, &me)),
    );
    let out = tool_as(&portal, &key, &["whoami", "--verbose"]).run();
    out.assert_exit(0);
    assert_inert(&out);
    out.assert_stdout_has("\\x1b]0;x\\x07Dan <d@x>");
}

#[test]
fn a_retry_after_of_any_size_is_a_real_wait_and_the_summary_survives() {
    let crowd = crowd(3);
    let huge =
        fake_portal::Response::new(429, "").with_header("Retry-After", "9223372036854775807");
    crowd
        .portal
        .fault("/api/2.0/people/guests", 1, 1, Answer::Send(huge));
    let mut args = vec!["delete", "--batch-size", "1"];
    args.extend(crowd.guests.iter().map(String::as_str));
    let out = crowd.tool(&args).run();
    out.assert_error(5, "2 of 3 guests were not removed");
    out.assert_stdout_has("asks to wait 9223372036854775807 s, until 9999-12-31 23:59:59 UTC");
    out.assert_stdout_has(&format!(
        "Guest with ID {} deleted successfully.",
        crowd.guests[0]
    ));
    out.assert_stdout_has(&format!("Guest with ID {} not deleted", crowd.guests[1]));
    out.assert_stdout_has(&format!(
        "Guest with ID {} not deleted: not attempted",
        crowd.guests[2]
    ));
    out.assert_stdout_has("1 removed, 2 failed");
    assert_eq!(
        crowd.requests_to("DELETE", "/api/2.0/people/guests").len(),
        2
    );

    // Two Retry-Afters ask for the longer; a fraction is never waited out early.
    for values in [
        &["1", "3600"][..],
        &["60.5"],
        &["Sun, 06 Nov 9999 08:49:37 GMT"],
    ] {
        let mut answer = fake_portal::Response::new(503, "");
        for value in values {
            answer = answer.with_header("Retry-After", *value);
        }
        crowd
            .portal
            .fault("/api/2.0/people/@self", 0, 1, Answer::Send(answer));
        let before = crowd.requests_to("GET", "/api/2.0/people/@self").len();
        let out = crowd.tool(&["whoami"]).run();
        out.assert_error(6, "asks to wait");
        let sent = crowd.requests_to("GET", "/api/2.0/people/@self").len() - before;
        assert_eq!(sent, 1, "{values:?}: no early retry");
    }

    // Not a number nor a date: no Retry-After, so the usual backoff and a retry.
    let garbage = fake_portal::Response::new(503, "").with_header("Retry-After", "soon, maybe");
    crowd
        .portal
        .fault("/api/2.0/people/@self", 0, 1, Answer::Send(garbage));
    crowd.tool(&["whoami"]).run().assert_exit(0);
}

#[test]
fn a_portal_that_ignores_start_index_is_named_and_nothing_is_changed() {
    let crowd = crowd(250);
    crowd.portal.set_paging(Paging::IgnoresStartIndex);
    let out = crowd.tool(&["list", "-q"]).run();
    out.assert_error(1, "paging of the guest list is broken");
    assert_eq!(out.stdout.lines().count(), 100, "each guest once");
    assert_eq!(crowd.requests_to("GET", "/api/2.0/people/filter").len(), 2);

    for args in [
        &["review", "--older-than", "1"][..],
        &[
            "expire",
            "--older-than",
            "1",
            "--action",
            "disable",
            "--max",
            "0",
        ],
    ] {
        let out = crowd.tool(args).run();
        out.assert_error(1, "paging of the guest list is broken");
    }
    let writes = api_requests(&crowd.portal)
        .into_iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "nothing changed");
}

#[test]
fn a_total_the_portal_never_reaches_ends_at_the_short_page() {
    let crowd = crowd(100);
    crowd.portal.set_paging(Paging::InflatesTotal(200));
    let out = crowd.tool(&["list"]).run();
    out.assert_exit(0);
    out.assert_stdout_ends_with("100 guests\n");
    assert_eq!(crowd.requests_to("GET", "/api/2.0/people/filter").len(), 2);
    let out = crowd.tool(&["review", "--older-than", "1"]).run();
    out.assert_stdout_has("0 of 100 guests selected");
}

#[test]
fn endless_or_huge_files_are_refused_by_their_limit() {
    let demo = FakePortal::demo();
    let url = demo.portal.url();
    let out = tool(&["delete", "--from", "/dev/zero"])
        .env("DOCSPACE_URL", &url)
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run();
    out.assert_usage_error("--from /dev/zero: is larger than 64 MiB");
    let out = tool(&["whoami", "--api-key-file", "/dev/urandom"])
        .env("DOCSPACE_URL", &url)
        .run();
    out.assert_usage_error("--api-key-file /dev/urandom: is larger than 64 KiB");
    assert!(demo.portal.requests().is_empty(), "nothing sent");

    // A list of 200,000 ids is well within the limit.
    let lines: String = (0..200_000u32)
        .map(|i| format!("{i:08x}-0000-4000-8000-000000000000\n"))
        .collect();
    let big = write_temp("big-list", lines);
    let out = tool(&["delete", "--dry-run", "-q", "--from", big.to_str().unwrap()])
        .env("DOCSPACE_URL", &url)
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run();
    out.assert_exit(0);
    assert_eq!(
        out.stdout.lines().count(),
        2000,
        "200,000 ids in 2,000 requests"
    );
}

#[test]
fn a_key_file_may_be_a_pipe() {
    let demo = FakePortal::demo();
    let fifo = write_temp("key-fifo-dir", "").with_file_name("key-fifo");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let key = demo.admin_key.clone();
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, format!("{key}\n")));
    let out = tool(&["whoami", "-q", "--api-key-file", fifo.to_str().unwrap()])
        .env("DOCSPACE_URL", &demo.portal.url())
        .run();
    out.assert_exit(0);
    assert_eq!(out.stdout, format!("{}\n", demo.admin));
    writer.join().unwrap().unwrap();
}

#[test]
fn a_variable_that_is_not_utf8_is_named_never_skipped() {
    let demo = FakePortal::demo();
    let not_utf8 = OsStr::from_bytes(b"http://\xff.example");
    let out = tool(&["whoami"])
        .env_os("DOCSPACE_URL", not_utf8)
        .env("DOCSPACE_API_HOST", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run();
    out.assert_usage_error("DOCSPACE_URL is set but is not valid UTF-8");
    let out = tool(&["whoami"])
        .env("DOCSPACE_URL", &demo.portal.url())
        .env_os("DOCSPACE_API_KEY", OsStr::from_bytes(b"sk-\xff"))
        .run();
    out.assert_usage_error("DOCSPACE_API_KEY is set but is not valid UTF-8");
    for proxy in ["no_proxy", "HTTP_PROXY", "all_proxy"] {
        let out = tool(&["whoami"])
            .env("DOCSPACE_URL", &demo.portal.url())
            .env("DOCSPACE_API_KEY", &demo.admin_key)
            .env_os(proxy, OsStr::from_bytes(b"\xfe"))
            .run();
        out.assert_usage_error(&format!("{proxy} is set but is not valid UTF-8"));
    }
    assert!(demo.portal.requests().is_empty(), "nothing sent");
}

#[test]
fn local_inputs_too_large_for_a_request_are_usage_errors() {
    let demo = FakePortal::demo();
    let long = format!("{}@example.com", "a".repeat(100_000));
    let big = "x".repeat(100_000);
    for (args, needle) in [
        (
            vec!["delete", "--email", &long],
            "--email is 100012 bytes long",
        ),
        (
            vec!["approve", "--email", &long, "--link", "https://x/s/abc"],
            "--email is 100012 bytes long",
        ),
        (
            vec!["approve", "--email", "a@b.c", "--link", &big],
            "--link is 100000 bytes long",
        ),
        (
            vec!["list", "--search", &big],
            "--search is 100000 bytes long",
        ),
    ] {
        let out = tool_as(&demo.portal, &demo.admin_key, &args).run();
        out.assert_usage_error(needle);
    }
    let out = tool(&["whoami", "--url", "http://127.0.0.1:+8080"])
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run();
    out.assert_usage_error("--url has an invalid port '+8080'");
    assert!(demo.portal.requests().is_empty(), "nothing sent");
}

#[test]
fn an_answer_that_breaks_http_is_the_portals_fault() {
    let demo = FakePortal::demo();
    let twice = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}".to_vec();
    demo.portal
        .fault("/api/2.0/people/@self", 0, 1, Answer::Raw(twice));
    let out = tool_as(&demo.portal, &demo.admin_key, &["whoami"]).run();
    out.assert_error(1, "not valid HTTP");
}
