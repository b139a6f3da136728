//! The server's refusals: a wrong key, a missing scope or role, all-or-nothing deletes,
//! validation errors, a guest or a URL that is not there.

use crate::util::{api_requests, flow, tool_as, tool_for};
use fake_portal::{self, FakePortal, Role};

#[test]
fn a_wrong_key_is_401_with_an_empty_body_and_exit_4() {
    let demo = FakePortal::demo();
    let out = tool_as(
        &demo.portal,
        &format!("sk-{}", "0".repeat(64)),
        &["delete", &demo.guest],
    )
    .run();
    out.assert_error(4, "wrong, expired or revoked");
    out.assert_stdout_starts_with("Status Code (delete): 401\nRaw Response (delete): \n");
    out.assert_stdout_ends_with("0 removed, 1 failed\n");
}

#[test]
fn run_reports_the_all_or_nothing_refusal_of_delete() {
    let demo = FakePortal::demo();
    let link = demo.portal.full_url(&demo.link);
    // A disabled guest can be approved, but the portal refuses to remove it.
    demo.portal.set_status(&demo.guest, 2);
    let out = flow(&demo, "run", &link, &[]).run();
    out.assert_error(4, "403 Access denied");
    out.assert_stdout_has("Status Code (delete): 403");
    out.assert_stderr_has("not an active guest on your guest list");
    // run prints no summary.
    out.assert_stdout_lacks("removed,");
}

#[test]
fn a_plain_user_may_not_approve() {
    let demo = FakePortal::demo();
    let user = demo
        .portal
        .add_user(Role::User, "Ulla", "User", "ulla@example.com");
    let key = demo.portal.add_api_key(&user, &["accounts:write"]);
    let link = demo.portal.full_url(&demo.link);
    let out = tool_as(
        &demo.portal,
        &key,
        &["approve", "--email", &demo.guest_email, "--link", &link],
    )
    .run();
    out.assert_exit(4);
    out.assert_stderr_has("admin");
    out.assert_stderr_has("Access denied");
}

#[test]
fn a_key_without_the_write_scope_is_told_so() {
    let demo = FakePortal::demo();
    let key = demo.portal.add_api_key(&demo.admin, &["accounts:read"]);
    let out = tool_as(&demo.portal, &key, &["delete", &demo.guest]).run();
    out.assert_error(
        4,
        "the API key lacks the accounts:write scope (its scopes: accounts:read)",
    );

    // The auth layer refuses the key, not an id: the rest of a batch is not sent, and
    // the key's scopes are read once.
    let more: Vec<String> = ["a", "b"]
        .iter()
        .map(|name| {
            demo.portal
                .own_guest(&demo.admin, &format!("{name}@example.com"))
        })
        .collect();
    let before = demo.portal.requests().len();
    let out = tool_as(
        &demo.portal,
        &key,
        &[
            "delete",
            "--batch-size",
            "1",
            &demo.guest,
            &more[0],
            &more[1],
        ],
    )
    .run();
    out.assert_error(4, "none of the 3 guests were removed");
    out.assert_stdout_has(&format!(
        "Guest with ID {} not deleted: not attempted",
        more[1]
    ));
    let sent = &demo.portal.requests()[before..];
    let count = |path: &str| sent.iter().filter(|r| r.path == path).count();
    assert_eq!(count("/api/2.0/people/guests"), 1, "{sent:#?}");
    assert_eq!(count("/api/2.0/keys/@self"), 1, "{sent:#?}");
}

#[test]
fn a_validation_error_shows_the_servers_words() {
    let demo = FakePortal::demo();
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        1,
        fake_portal::invalid(
            "$.userIds[0]",
            "The JSON value could not be converted to System.Guid.",
        ),
    );
    let out = tool_for(&demo, &["delete", &demo.guest]).run();
    out.assert_exit(1);
    out.assert_stdout_has("Status Code (delete): 400");
    out.assert_stderr_has("One or more validation errors occurred.");
    out.assert_stderr_has("$.userIds[0]");
}

#[test]
fn a_guest_that_no_longer_exists_is_404() {
    let demo = FakePortal::demo();
    demo.portal.remove_user(&demo.guest);
    let link = demo.portal.full_url(&demo.link);
    let out = flow(&demo, "run", &link, &[]).run();
    out.assert_exit(1);
    out.assert_stderr_has("404 User not found");
    assert_eq!(
        api_requests(&demo.portal).len(),
        1,
        "no delete after a failed approval"
    );
}

#[test]
fn a_url_that_is_not_the_portal_is_404_without_a_body() {
    let demo = FakePortal::demo();
    let out = tool_for(&demo, &["delete", &demo.guest])
        .env("DOCSPACE_URL", &format!("{}/not-here", demo.portal.url()))
        .run();
    out.assert_exit(1);
    out.assert_stderr_has("check --url");
}
