//! The example's flow: `run` and `approve` of the demo's guest with its sharing link,
//! what they print and what arrives on the wire.

use serde_json::json;

use crate::util::{RELEASE_CHECK, api_requests, flow, json_of, tool_as, tool_for};
use fake_portal::FakePortal;

#[test]
fn run_prints_the_examples_output_and_sends_what_docspace_needs() {
    let demo = FakePortal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &short, &[]).run();
    out.assert_exit(0);

    // The approval of an active guest put it on the caller's list, so a 200 to its
    // removal proves it on every release: the release is not asked.
    let requests = demo.portal.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert!(requests.iter().all(|r| r.path != RELEASE_CHECK));
    let (resolve, approve, delete) = (&requests[0], &requests[1], &requests[2]);

    assert_eq!(resolve.method, "GET");
    assert_eq!(resolve.path, format!("/s/{}", demo.link.short));
    assert_eq!(
        resolve.header("authorization"),
        None,
        "the short link needs no key"
    );
    assert_eq!(resolve.header("cookie"), None);

    assert_eq!(approve.method, "POST");
    assert_eq!(approve.path, "/api/2.0/people/guests/share/approve");
    assert_eq!(
        approve.header("authorization"),
        Some(format!("Bearer {}", demo.admin_key).as_str())
    );
    assert_eq!(approve.header("confirm"), Some(demo.link.query().as_str()));
    assert_eq!(json_of(&approve.body), json!({ "email": demo.guest_email }));

    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.path, "/api/2.0/people/guests");
    assert_eq!(
        json_of(&delete.body),
        json!({ "userIds": [demo.guest], "resendAll": false })
    );
    assert!(
        delete
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("docspace-guest/"))
    );

    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 9, "{}", out.stdout);
    assert_eq!(lines[0], "Approving guest...");
    assert_eq!(lines[1], "Status Code: 200");
    let approved = json_of(lines[2].strip_prefix("Raw Response: ").unwrap());
    assert_eq!(approved["response"]["id"], json!(demo.guest));
    // The raw body stays raw; the summary line decodes the HTML entities.
    assert!(lines[2].contains("O&#39;Neil &amp; Co"));
    assert_eq!(
        lines[3],
        format!("Approved guest: Jane O'Neil & Co ({})", demo.guest_email)
    );
    assert_eq!(lines[4], "");
    assert_eq!(lines[5], "Deleting guest...");
    assert_eq!(lines[6], "Status Code (delete): 200");
    let deleted = json_of(lines[7].strip_prefix("Raw Response (delete): ").unwrap());
    assert_eq!(deleted["statusCode"], json!(200));
    assert_eq!(
        lines[8],
        format!("Guest with ID {} deleted successfully.", demo.guest)
    );
    assert_eq!(out.stderr, "");

    // Removed from the caller's list; the account itself stays.
    assert!(!demo.portal.guest_list(&demo.admin).contains(&demo.guest));
    assert!(demo.portal.user(&demo.guest).is_some());
}

#[test]
fn every_link_form_sends_the_same_confirm_header() {
    let demo = FakePortal::demo();
    let forms = [
        demo.portal.full_url(&demo.link),
        demo.link.query(),
        format!("  {}  ", demo.portal.short_url(&demo.link)),
    ];
    for link in &forms {
        let out = flow(&demo, "approve", link, &[]).run();
        out.assert_exit(0);
        out.assert_stdout_has(&format!("Guest ID: {}", demo.guest));
    }
    let confirms: Vec<String> = api_requests(&demo.portal)
        .iter()
        .map(|r| r.header("confirm").unwrap_or_default().to_string())
        .collect();
    assert_eq!(confirms, vec![demo.link.query(); 3]);
    // Only the short link was fetched.
    let fetched: Vec<String> = demo
        .portal
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/s/"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(fetched, vec![format!("/s/{}", demo.link.short)]);
}

#[test]
fn approve_quiet_prints_only_the_id_and_run_quiet_too() {
    let demo = FakePortal::demo();
    let link = demo.portal.full_url(&demo.link);
    let out = flow(&demo, "approve", &link, &["-q"]).run();
    out.assert_exit(0);
    assert_eq!(out.stdout, format!("{}\n", demo.guest));

    let out = flow(&demo, "run", &link, &["--quiet"]).run();
    out.assert_exit(0);
    assert_eq!(out.stdout, format!("{}\n", demo.guest));
    // approve, then run's approve and delete: with a full link, run sends 2 requests.
    assert_eq!(demo.portal.requests().len(), 3);
}

#[test]
fn an_email_that_is_not_the_links_guest_is_warned_about() {
    let demo = FakePortal::demo();
    let link = demo.portal.full_url(&demo.link);
    let out = tool_for(
        &demo,
        &[
            "approve",
            "-q",
            "--email",
            "someone.else@example.com",
            "--link",
            &link,
        ],
    )
    .run();
    out.assert_exit(0);
    assert_eq!(
        out.stdout,
        format!("{}\n", demo.guest),
        "the link's guest was approved"
    );
    out.assert_stderr_has(&format!(
        "the portal approved {}, not --email someone.else@example.com",
        demo.guest_email
    ));
    let out = flow(&demo, "approve", &link, &[]).run();
    assert_eq!(out.stderr, "", "no warning when they match");
}

#[test]
fn a_login_token_goes_raw_and_works() {
    let demo = FakePortal::demo();
    let token = demo.portal.add_login_token(&demo.admin);
    let link = demo.portal.full_url(&demo.link);
    let out = tool_as(
        &demo.portal,
        &token,
        &["approve", "--email", &demo.guest_email, "--link", &link],
    )
    .run();
    out.assert_exit(0);
    let approve = &api_requests(&demo.portal)[0];
    assert_eq!(approve.header("authorization"), Some(token.as_str()));
}
