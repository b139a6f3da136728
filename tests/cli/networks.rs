//! Hostile networks and bad servers: 429s and Retry-After, 5xx, timeouts, dropped
//! connections, cut-off, malformed and oversized answers, redirects, and ctrl-c.

use std::process::{Command, Stdio};

use crate::util::{api_requests, crowd, flow, tool_for, whoami_with_a_head_of, write_temp};
use fake_portal::{self, Answer, FakePortal, Request};

#[test]
fn leading_429s_are_waited_out_as_retry_after_asks() {
    let demo = FakePortal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        2,
        FakePortal::too_many_requests(1),
    );
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_exit(0);
    assert_eq!(
        out.stderr,
        "docspace-guest: retrying in 1 s (429 Too Many Requests), attempt 2 of 4\n\
         docspace-guest: retrying in 1 s (429 Too Many Requests), attempt 3 of 4\n"
    );
    let deletes: Vec<Request> = api_requests(&demo.portal);
    assert_eq!(deletes.len(), 3);
    for pair in deletes.windows(2) {
        let waited = pair[1].received.duration_since(pair[0].received);
        assert!(
            waited >= std::time::Duration::from_secs(1),
            "waited only {waited:?}"
        );
    }
    assert!(demo.portal.guest_list(&demo.admin).is_empty());
}

#[test]
fn a_rate_limit_with_an_empty_body_is_reported_not_a_crash() {
    let demo = FakePortal::demo();
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        100,
        FakePortal::too_many_requests(7),
    );
    let out = tool_for(&demo, &["delete", "--retries", "0", &demo.guest]).run();
    out.assert_exit(6);
    out.assert_stdout_has("Status Code (delete): 429\nRaw Response (delete): \n");
    out.assert_stderr_has("wait 7 s");
}

#[test]
fn a_retry_after_beyond_max_wait_stops_at_once_and_keeps_what_was_done() {
    let crowd = crowd(250);
    // The first request passes; the second is told to come back in an hour.
    crowd.portal.fault(
        "/api/2.0/people/guests",
        1,
        1000,
        FakePortal::too_many_requests(3600),
    );
    let file = write_temp("hour", crowd.guests.join("\n"));
    let started = std::time::SystemTime::now();
    let out = crowd
        .tool(&[
            "delete",
            "--max-wait",
            "60",
            "--from",
            file.to_str().unwrap(),
        ])
        .run();
    out.assert_error(5, "150 of 250 guests were not removed");
    assert_eq!(
        crowd.requests_to("DELETE", "/api/2.0/people/guests").len(),
        2,
        "no retry before the hour, and no next request"
    );
    assert_eq!(out.stdout.matches(" deleted successfully.").count(), 100);
    assert_eq!(crowd.portal.guest_list(&crowd.admin), crowd.guests[100..]);
    assert_eq!(
        out.stdout.matches("asks to wait 3600 s, until ").count(),
        150,
        "the refused chunk and the ones not attempted say how long"
    );
    assert_eq!(out.stdout.matches("not attempted: the portal").count(), 50);
    // "until" is an hour from now, in UTC.
    let until = out.stdout.split("until ").nth(1).unwrap();
    let hour_later = started + std::time::Duration::from_secs(3600);
    let (date, time) = (&until[..10], &until[11..16]);
    let expected = Command::new("date")
        .args(["-u", "-d"])
        .arg(format!(
            "@{}",
            hour_later
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        ))
        .arg("+%Y-%m-%d %H:%M")
        .output()
        .unwrap();
    let expected = String::from_utf8(expected.stdout).unwrap();
    assert_eq!(format!("{date} {time}"), expected.trim(), "{until}");
}

#[test]
fn a_daily_cap_is_exit_6_after_one_request() {
    let demo = FakePortal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        100,
        FakePortal::too_many_requests(86_400),
    );
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_error(6, "asks to wait 86400 s, until ");
    out.assert_stderr_has(" UTC; nothing more was sent");
    assert_eq!(api_requests(&demo.portal).len(), 1);
    // Lookups stop too: the second email is not looked up before its time.
    demo.portal.fault(
        "/api/2.0/people/email",
        0,
        100,
        FakePortal::too_many_requests(600),
    );
    let out = tool_for(
        &demo,
        &[
            "delete",
            "--email",
            "a@example.com",
            "--email",
            "b@example.com",
        ],
    )
    .run();
    out.assert_error(6, "asks to wait 600 s");
    let lookups = demo
        .portal
        .requests()
        .iter()
        .filter(|r| r.path == "/api/2.0/people/email")
        .count();
    assert_eq!(lookups, 1);
}

#[test]
fn a_retry_after_date_far_in_the_future_is_not_a_crash() {
    let demo = FakePortal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    // Found by fuzzing: such a date overflowed the clock and aborted the tool.
    let answer = Answer::Send(fake_portal::Response::new(429, "").with_header(
        "Retry-After",
        "Sun, 06 Nov 13333333333333333994 08:49:37 GMT",
    ));
    demo.portal.fault("/api/2.0/people/guests", 0, 1, answer);
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_exit(0);
    out.assert_stderr_has("(429 Too Many Requests), attempt 2 of 4");
}

#[test]
fn an_html_503_is_retried_then_reported_without_a_crash() {
    let demo = FakePortal::demo();
    let page = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";
    let answer = Answer::Send(
        fake_portal::Response::new(503, page).with_header("Content-Type", "text/html"),
    );
    demo.portal.fault("/api/2.0/people/guests", 0, 100, answer);
    let out = tool_for(&demo, &["delete", "--retries", "2", &demo.guest]).run();
    out.assert_exit(1);
    out.assert_stderr_has("(503 Service Unavailable), attempt 3 of 3");
    out.assert_stderr_has("non-JSON answer starting with \"<html>");
    assert_eq!(api_requests(&demo.portal).len(), 3);
}

#[test]
fn other_4xx_are_never_retried() {
    let demo = FakePortal::demo();
    let theirs = demo.portal.someone_elses_guest("t@example.com");
    tool_for(&demo, &["delete", &theirs]).run().assert_exit(4);
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        1,
        fake_portal::invalid("userIds", "required"),
    );
    tool_for(&demo, &["delete", &theirs]).run().assert_exit(1);
    assert_eq!(api_requests(&demo.portal).len(), 2);
}

#[test]
fn a_portal_slower_than_the_timeout_is_exit_3() {
    let demo = FakePortal::demo();
    let slow = FakePortal::delayed(
        std::time::Duration::from_secs(5),
        FakePortal::too_many_requests(1),
    );
    demo.portal.fault("/api/2.0/people/guests", 0, 1, slow);
    let out = tool_for(
        &demo,
        &["delete", "--timeout", "1", "--retries", "0", &demo.guest],
    )
    .run();
    out.assert_exit(3);
    out.assert_stderr_has("within --timeout 1s");
}

#[test]
fn a_connection_closed_before_the_answer_is_retried() {
    let demo = FakePortal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    demo.portal
        .fault("/api/2.0/people/guests", 0, 1, Answer::Hangup);
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_exit(0);
    out.assert_stderr_has("(connection closed before an answer), attempt 2 of 4");
    assert_eq!(api_requests(&demo.portal).len(), 2);
}

#[test]
fn a_delete_whose_answer_was_lost_and_is_then_refused_says_it_may_be_done() {
    let demo = FakePortal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    // The portal removes the guest, but the answer never arrives; the retry is refused.
    demo.portal
        .fault("/api/2.0/people/guests", 0, 1, Answer::Lost);
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_exit(4);
    let says = "an earlier attempt that got no answer may already have removed it";
    out.assert_stdout_has(says);
    out.assert_stderr_has(says);
    assert!(demo.portal.guest_list(&demo.admin).is_empty());
}

#[test]
fn an_answer_cut_off_in_the_middle_is_exit_1_and_not_retried() {
    let demo = FakePortal::demo();
    let cut = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"response\":{\"id\"".to_vec();
    demo.portal
        .fault("/api/2.0/people/guests/share", 0, 1, Answer::Raw(cut));
    let link = demo.portal.full_url(&demo.link);
    let out = flow(&demo, "approve", &link, &[]).run();
    out.assert_error(1, "cut off");
    assert_eq!(api_requests(&demo.portal).len(), 1);
}

#[test]
fn a_200_without_the_expected_fields_is_not_a_success() {
    let demo = FakePortal::demo();
    let link = demo.portal.full_url(&demo.link);
    for body in [
        "{not json",
        r#"{"response":{"displayName":"x"},"status":0}"#,
        "<html>ok</html>",
    ] {
        demo.portal.fault(
            "/api/2.0/people/guests/share",
            0,
            1,
            Answer::Send(fake_portal::Response::new(200, body)),
        );
        flow(&demo, "run", &link, &[])
            .run()
            .assert_error(1, "without the guest's id");
    }
    demo.portal.fault(
        "/api/2.0/people/filter",
        0,
        1,
        Answer::Send(fake_portal::Response::new(200, "[]")),
    );
    tool_for(&demo, &["list"])
        .run()
        .assert_error(1, "not with a list");
    assert!(
        api_requests(&demo.portal)
            .iter()
            .all(|r| r.method != "DELETE")
    );
}

#[test]
fn an_oversized_answer_is_refused() {
    let demo = FakePortal::demo();
    let huge = format!("{{\"response\":\"{}\"}}", "x".repeat(50 * 1024 * 1024));
    demo.portal.fault(
        "/api/2.0/people/@self",
        0,
        1,
        Answer::Send(fake_portal::Response::new(200, huge)),
    );
    tool_for(&demo, &["whoami"])
        .run()
        .assert_error(1, "larger than 4 MiB");
}

/// The buffers are sized for DocSpace's answers, not below ureq's 64 KiB limit on a
/// response's head: 60 KiB of headers is still an answer, more than 64 KiB is refused.
#[test]
fn a_head_of_60_kib_is_read_and_one_over_64_kib_refused() {
    let demo = FakePortal::demo();
    whoami_with_a_head_of(&demo, 60);
    let out = tool_for(&demo, &["whoami"]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Big Head <big@example.com>");
    whoami_with_a_head_of(&demo, 65);
    tool_for(&demo, &["whoami"])
        .run()
        .assert_error(1, "answered something that is not valid HTTP");
}

#[test]
fn an_api_redirect_is_not_followed_and_names_the_target() {
    let demo = FakePortal::demo();
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        1,
        Answer::Send(
            fake_portal::Response::new(301, "")
                .with_header("Location", "https://127.0.0.1:1/api/2.0/people/guests"),
        ),
    );
    let out = tool_for(&demo, &["delete", &demo.guest]).run();
    out.assert_exit(1);
    out.assert_stderr_has("https://127.0.0.1:1/api/2.0/people/guests");
    out.assert_stderr_has("--url");
    assert_eq!(api_requests(&demo.portal).len(), 1);
}

#[test]
fn redirects_never_carry_the_request_or_the_key_elsewhere() {
    let demo = FakePortal::demo();
    let elsewhere = FakePortal::start();
    // A short link that leads off the portal is not followed.
    let confirm = format!(
        "{}/confirm/GuestShareLink?{}",
        elsewhere.url(),
        demo.link.query()
    );
    let redirect =
        Answer::Send(fake_portal::Response::new(302, "").with_header("Location", &confirm));
    demo.portal.fault("/s/", 0, 1, redirect);
    let short = demo.portal.short_url(&demo.link);
    flow(&demo, "approve", &short, &[])
        .run()
        .assert_error(1, "redirected away from the portal");
    // Nor is an API call's redirect.
    let target = format!("{}/api/2.0/people/guests", elsewhere.url());
    let moved = Answer::Send(fake_portal::Response::new(307, "").with_header("Location", &target));
    demo.portal.fault("/api/2.0/people/guests", 0, 1, moved);
    tool_for(&demo, &["delete", &demo.guest])
        .run()
        .assert_error(1, &target);
    assert!(elsewhere.requests().is_empty());
    assert!(
        demo.portal
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/s/"))
            .all(|r| r.header("authorization").is_none())
    );
}

#[test]
fn ctrl_c_stops_a_wait_at_once() {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    let demo = FakePortal::demo();
    demo.portal.fault(
        "/api/2.0/people/@self",
        0,
        1,
        FakePortal::too_many_requests(600),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_docspace-guest"))
        .args(["whoami", "--max-wait", "600"])
        .env_clear()
        .env("DOCSPACE_URL", demo.portal.url())
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("retrying in 600 s"), "{line}");
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert_eq!(child.wait().unwrap().signal(), Some(2));
}
