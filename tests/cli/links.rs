//! Sharing links: the forms --link takes, links for another portal, unknown, expired and
//! malformed ones; and the link share-link makes, with whoami.

use serde_json::json;

use crate::util::{api_requests, crowd, flow, json_of, tool_as};
use fake_portal::{FakePortal, Role};

#[test]
fn a_link_for_another_portal_is_refused_before_anything_is_sent() {
    let demo = FakePortal::demo();
    let elsewhere = [
        format!("https://evil.example/s/{}", demo.link.short),
        format!(
            "http://127.0.0.2:1/confirm/GuestShareLink?{}",
            demo.link.query()
        ),
    ];
    for link in &elsewhere {
        flow(&demo, "approve", link, &[])
            .run()
            .assert_usage_error("--link is for");
    }
    assert!(demo.portal.requests().is_empty());
}

#[test]
fn an_unknown_short_link_stops_after_the_redirect_to_the_start_page() {
    let demo = FakePortal::demo();
    let link = format!("{}/s/AAAAAAAAAAAAAAA", demo.portal.url());
    let out = flow(&demo, "run", &link, &[]).run();
    out.assert_error(2, "unknown or expired");
    assert_eq!(out.stdout, "Approving guest...\n");
    let requests = demo.portal.requests();
    assert_eq!(requests.len(), 1, "only the short link: {requests:#?}");
}

#[test]
fn an_expired_link_is_named_as_the_cause_and_nothing_is_deleted() {
    let demo = FakePortal::demo();
    demo.portal.expire_link(&demo.link);
    let link = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &link, &[]).run();
    out.assert_exit(4);
    out.assert_stdout_ends_with("Approving guest...\nStatus Code: 401\nRaw Response: \n");
    out.assert_stderr_has("sharing link");
    out.assert_stderr_has("expired");
    let methods: Vec<String> = api_requests(&demo.portal)
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    // The 401 is told apart from a bad key by one read; no delete follows.
    assert_eq!(
        methods,
        [
            "POST /api/2.0/people/guests/share/approve",
            "GET /api/2.0/people/@self"
        ]
    );
}

#[test]
fn malformed_links_are_usage_errors() {
    let demo = FakePortal::demo();
    let base = demo.portal.url();
    for (link, says) in [
        (
            "type=LinkInvite&key=1&encemail=2",
            "not a guest sharing link",
        ),
        ("type=GuestShareLink&encemail=2", "'key'"),
        (
            &format!("{base}/rooms/shared/5") as &str,
            "not a guest sharing link",
        ),
        ("not a link", "--link"),
    ] {
        flow(&demo, "approve", link, &[])
            .run()
            .assert_usage_error(says);
    }
    assert!(demo.portal.requests().is_empty());
}

#[test]
fn share_link_and_whoami() {
    let crowd = crowd(1);
    let out = crowd.tool(&["share-link", "-q", &crowd.guests[0]]).run();
    out.assert_exit(0);
    let link = out.stdout.trim().to_string();
    assert!(
        link.starts_with(&format!("{}/s/", crowd.portal.url())),
        "{link}"
    );
    // Another admin approves with it: the guest comes onto their list.
    let other = crowd
        .portal
        .add_user(Role::RoomAdmin, "Rita", "Room", "rita@example.com");
    let key = crowd.portal.add_api_key(&other, &["*:write"]);
    let out = tool_as(
        &crowd.portal,
        &key,
        &[
            "approve",
            "-q",
            "--email",
            "g0000@example.com",
            "--link",
            &link,
        ],
    )
    .run();
    out.assert_exit(0);
    assert_eq!(crowd.portal.guest_list(&other), [crowd.guests[0].clone()]);
    crowd
        .tool(&["share-link", &crowd.admin])
        .run()
        .assert_error(1, "User is not a guest");

    let out = tool_as(&crowd.portal, &key, &["whoami"]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Rita Room <rita@example.com>");
    out.assert_stdout_has("type: room admin");
    let out = crowd.tool(&["whoami", "--json"]).run();
    let record = json_of(out.stdout.trim());
    assert_eq!(record["type"], "DocSpace admin");
    assert_eq!(record["id"], json!(crowd.admin));
    assert_eq!(
        crowd.tool(&["whoami", "-q"]).run().stdout,
        format!("{}\n", crowd.admin)
    );
}
