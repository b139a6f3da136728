//! The guest lifecycle: review and expire by policy, disable and enable.

use serde_json::{Value, json};

use crate::util::{Outcome, Tool, crowd, json_of, tool_as, write_temp};
use fake_portal::{Answer, FakePortal, Request, Role};

/// Guests of every kind a clean-up policy looks at, invited by the admin unless said.
struct Estate {
    portal: FakePortal,
    admin: String,
    admin_key: String,
    room_key: String,
    /// Signed up 200 days ago.
    old: String,
    /// Signed up 5 days ago.
    fresh: String,
    /// Invited 40 days ago, never signed up.
    pending: String,
    /// Invited 10 days ago by an admin since deleted.
    orphan: String,
    /// Invited 10 days ago by an admin who is disabled.
    stray: String,
    /// Disabled, registered 10 days ago.
    off: String,
    /// Its registration date cannot be read.
    odd: String,
    /// The room admin's guest, signed up 5 days ago.
    rex: String,
}

fn estate() -> Estate {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let admin_key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let room_admin = portal.add_user(Role::RoomAdmin, "Rita", "Rooms", "rita@example.com");
    let room_key = portal.add_api_key(&room_admin, &["accounts:read", "accounts:write"]);
    let gone = portal.add_user(Role::Admin, "Gary", "Gone", "gary@example.com");
    let sleeper = portal.add_user(Role::Admin, "Sue", "Sleeper", "sue@example.com");
    let guest = |by: &str, name: &str, days: u64, signed_up: bool| {
        let id = portal.invite_guest(
            by,
            name,
            "Guest",
            &format!("{}@example.com", name.to_lowercase()),
        );
        portal.registered_days_ago(&id, days);
        portal.set_activation(&id, if signed_up { 1 } else { 2 });
        id
    };
    let old = guest(&admin, "Olga", 200, true);
    let fresh = guest(&admin, "Fred", 5, true);
    let pending = guest(&admin, "Pam", 40, false);
    let orphan = guest(&gone, "Otto", 10, true);
    let stray = guest(&sleeper, "Stan", 10, true);
    let off = guest(&admin, "Ofelia", 10, true);
    portal.set_status(&off, 2);
    let odd = guest(&admin, "Odd", 10, true);
    portal.set_registered(&odd, "last spring");
    portal.remove_user(&gone);
    portal.set_status(&sleeper, 2);
    let rex = guest(&room_admin, "Rex", 5, true);
    Estate {
        portal,
        admin,
        admin_key,
        room_key,
        old,
        fresh,
        pending,
        orphan,
        stray,
        off,
        odd,
        rex,
    }
}

impl Estate {
    fn tool(&self, args: &[&str]) -> Tool {
        tool_as(&self.portal, &self.admin_key, args)
    }

    fn writes(&self) -> Vec<Request> {
        self.portal
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    fn status(&self, id: &str) -> Option<u8> {
        self.portal.user(id).map(|u| u.status)
    }
}

/// The WHY cell of the review row of `id`.
fn why_of(out: &Outcome, id: &str) -> String {
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("no row for {id}:\n{}", out.stdout));
    line.to_string()
}

#[test]
fn review_selects_by_each_rule_says_why_and_writes_nothing() {
    let e = estate();
    let out = e.tool(&["review", "--older-than", "90"]).run();
    out.assert_exit(0);
    let header = out.stdout.lines().next().unwrap();
    for column in [
        "ID",
        "EMAIL",
        "NAME",
        "STATUS",
        "REGISTERED",
        "INVITER",
        "WHY",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let registered = e.portal.user(&e.old).unwrap().registered[..10].to_string();
    assert!(
        why_of(&out, &e.old).ends_with(&format!("older than 90 days (registered {registered})"))
    );
    assert!(
        why_of(&out, &e.odd)
            .contains("not evaluated: the registration date \"last spring\" cannot be read")
    );
    out.assert_stdout_lacks(&e.fresh);
    out.assert_stdout_lacks(&e.pending);
    out.assert_stdout_ends_with("1 of 8 guests selected; 0 spared by --keep; 1 not evaluated\n");
    // One is singular.
    let out = e.tool(&["review", "--older-than", "1"]).run();
    let why = why_of(&out, &e.old);
    assert!(
        why.ends_with(&format!("older than 1 day (registered {registered})")),
        "{why}"
    );

    let out = e.tool(&["review", "--pending-older-than", "30"]).run();
    assert!(
        why_of(&out, &e.pending).ends_with("pending for 40 days"),
        "{}",
        out.stdout
    );
    out.assert_stdout_lacks(&e.old);

    let out = e.tool(&["review", "--inviter-gone"]).run();
    out.assert_exit(0);
    assert!(
        why_of(&out, &e.orphan).contains("(deleted user)")
            && why_of(&out, &e.orphan).ends_with("inviter deleted")
    );
    assert!(
        why_of(&out, &e.stray).contains("Sue Sleeper")
            && why_of(&out, &e.stray).ends_with("inviter disabled")
    );
    out.assert_stdout_ends_with("2 of 8 guests selected; 0 spared by --keep; 0 not evaluated\n");

    let out = e
        .tool(&["review", "--disabled", "--older-than", "150", "-q"])
        .run();
    let mut ids: Vec<&str> = out.stdout.lines().collect();
    ids.sort();
    let mut expected = vec![e.old.as_str(), e.off.as_str()];
    expected.sort();
    assert_eq!(ids, expected, "-q: the selected ids, not the unevaluated");

    let out = e
        .tool(&["review", "--disabled", "--older-than", "150", "--json"])
        .run();
    let lines: Vec<Value> = out.stdout.lines().map(json_of).collect();
    let off = lines.iter().find(|l| l["id"] == json!(e.off)).unwrap();
    assert_eq!(
        off["reasons"],
        json!([{ "rule": "disabled", "detail": "disabled" }])
    );
    assert_eq!(off["state"], json!("disabled"));
    assert_eq!(off["inviter"], json!("Dan Admin"));
    let summary = lines.last().unwrap();
    assert_eq!(
        (
            summary["op"].clone(),
            summary["selected"].clone(),
            summary["notEvaluated"].clone()
        ),
        (json!("summary"), json!(2), json!(1))
    );

    assert!(e.writes().is_empty(), "review writes nothing");
    // Guest pages and the disabled users' pages; nothing per guest.
    let reads: Vec<String> = e.portal.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        reads
            .iter()
            .all(|p| p == "/api/2.0/people/filter" || p == "/api/2.0/people/@self"),
        "{reads:?}"
    );
}

#[test]
fn a_policy_is_required_and_days_are_whole_numbers() {
    let e = estate();
    e.tool(&["review"])
        .run()
        .assert_usage_error("review needs a policy");
    e.tool(&["expire", "--action", "disable"])
        .run()
        .assert_usage_error("expire needs a policy");
    e.tool(&["review", "--older-than", "0"])
        .run()
        .assert_usage_error("--older-than takes a whole number from 1");
    e.tool(&["review", "--older-than", "1.5"])
        .run()
        .assert_usage_error("--older-than");
    e.tool(&["expire", "--disabled"])
        .run()
        .assert_usage_error("--action");
    e.tool(&["expire", "--disabled", "--action", "purge"])
        .run()
        .assert_usage_error("--action takes remove, disable, delete or revoke");
    e.tool(&["review", "--disabled", "--action", "delete"])
        .run()
        .assert_usage_error("--action is not an option of review");
    assert!(e.portal.requests().is_empty());
}

#[test]
fn inviter_gone_tells_a_room_admin_it_needs_a_docspace_admin() {
    let e = estate();
    let out = e
        .tool(&["review", "--inviter-gone"])
        .env("DOCSPACE_API_KEY", &e.room_key)
        .run();
    out.assert_usage_error("--inviter-gone needs a DocSpace admin's credential");
    out.assert_stderr_has("acts as a room admin");
    let paths: Vec<String> = e.portal.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/api/2.0/people/@self"], "nothing else is read");
}

#[test]
fn keep_spares_guests_and_warns_about_unknown_emails() {
    let e = estate();
    let keep = write_temp(
        "keep",
        format!(
            "# never expire\n{}\nPAM@example.com\nnobody@example.com\nfred@example.com\n",
            e.old
        ),
    );
    let out = e
        .tool(&[
            "review",
            "--older-than",
            "30",
            "--keep",
            keep.to_str().unwrap(),
            "-q",
        ])
        .run();
    out.assert_exit(0);
    assert_eq!(out.stdout, "", "both selected guests are kept");
    assert_eq!(
        out.stderr,
        "docspace-guest: warning: --keep names nobody@example.com, which is no guest's email\n"
    );
    let out = e
        .tool(&[
            "review",
            "--older-than",
            "30",
            "--keep",
            keep.to_str().unwrap(),
        ])
        .run();
    out.assert_stdout_ends_with("0 of 8 guests selected; 2 spared by --keep; 1 not evaluated\n");
    let bad = write_temp("keep-bad", "jane\n");
    e.tool(&["review", "--disabled", "--keep", bad.to_str().unwrap()])
        .run()
        .assert_usage_error(":1: 'jane' is neither");
}

#[test]
fn expire_disables_then_deletes_what_stayed_disabled() {
    let e = estate();
    let out = e
        .tool(&["expire", "--older-than", "30", "--action", "disable"])
        .run();
    out.assert_exit(0);
    assert!(
        why_of(&out, &e.old).contains("older than 30 days"),
        "the review lines first"
    );
    out.assert_stdout_has(&format!("Guest with ID {} disabled.", e.old));
    out.assert_stdout_has(&format!("Guest with ID {} disabled.", e.pending));
    out.assert_stdout_ends_with("2 disabled, 0 failed\n");
    assert_eq!(
        (e.status(&e.old), e.status(&e.pending), e.status(&e.fresh)),
        (Some(2), Some(2), Some(1))
    );
    assert_eq!(e.status(&e.odd), Some(1), "not evaluated: never changed");
    let puts: Vec<Value> = e
        .writes()
        .iter()
        .map(|r| json_of(&r.body)["userIds"].clone())
        .collect();
    assert_eq!(puts.len(), 1, "one request for both");

    // The second stage, unattended: needs --yes without a terminal.
    e.tool(&["expire", "--disabled", "--action", "delete"])
        .run()
        .assert_usage_error("add --yes");
    let out = e
        .tool(&["expire", "--disabled", "--action", "delete", "--yes"])
        .run();
    out.assert_exit(0);
    out.assert_stdout_ends_with("3 removed, 0 failed\n");
    for gone in [&e.old, &e.pending, &e.off] {
        assert!(e.portal.user(gone).is_none());
        out.assert_stdout_has(&format!("Guest with ID {gone} deleted permanently."));
    }
    assert!(e.portal.user(&e.fresh).is_some());
}

/// A disable of a guest who is disabled already would be logged by DocSpace as a new
/// status change (restarting `--disabled-for`), and its record would say "before:
/// active": it is not sent. Nor is an enable of a guest who is not disabled.
#[test]
fn a_guest_already_in_the_wanted_state_is_left_alone_and_said_so() {
    let e = estate();
    let out = e
        .tool(&["expire", "--older-than", "8", "--action", "disable"])
        .run();
    out.assert_exit(0);
    out.assert_stdout_has(&format!(
        "Guest with ID {}: already disabled; not changed.",
        e.off
    ));
    out.assert_stdout_has(&format!("Guest with ID {} disabled.", e.old));
    let sent: Vec<Value> = e
        .writes()
        .iter()
        .flat_map(|r| {
            json_of(&r.body)["userIds"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert!(!sent.contains(&json!(e.off)), "{sent:?}");
    assert!(sent.contains(&json!(e.old)), "{sent:?}");
    assert!(
        out.stdout.contains(", 1 unchanged\n"),
        "the summary counts it: {}",
        out.stdout
    );

    let before = e.writes().len();
    let out = e.tool(&["disable", &e.off]).run();
    out.assert_exit(0);
    out.assert_stdout_has("already disabled; not changed.");
    let out = e.tool(&["enable", &e.fresh, "--json"]).run();
    out.assert_exit(0);
    out.assert_stdout_has("\"unchanged\":\"already active\"");
    assert_eq!(e.writes().len(), before, "nothing sent for either");
}

#[test]
fn expire_remove_takes_guests_off_the_list_and_max_guards_the_rest() {
    let e = estate();
    let out = e
        .tool(&[
            "expire",
            "--older-than",
            "3",
            "--action",
            "remove",
            "--max",
            "2",
        ])
        .run();
    out.assert_error(
        2,
        "the policy selects 7 guests, more than --max 2: nothing was changed",
    );
    assert!(e.writes().is_empty());
    let out = e
        .tool(&["expire", "--older-than", "150", "--action", "remove"])
        .run();
    out.assert_exit(0);
    out.assert_stdout_has(&format!("Guest with ID {} deleted successfully.", e.old));
    assert!(!e.portal.guest_list(&e.admin).contains(&e.old));
    assert!(e.portal.user(&e.old).is_some(), "remove keeps the account");
    let out = e
        .tool(&["expire", "--older-than", "1000", "--action", "remove"])
        .run();
    out.assert_exit(0);
    out.assert_stdout_ends_with("Nothing to change.\n");
}

#[test]
fn expire_dry_run_shows_the_requests_and_sends_no_write() {
    let e = estate();
    let out = e
        .tool(&[
            "expire",
            "--older-than",
            "150",
            "--action",
            "delete",
            "--dry-run",
        ])
        .run();
    out.assert_exit(0);
    out.assert_stdout_has("Would send: PUT ");
    out.assert_stdout_has("/api/2.0/people/status/2");
    out.assert_stdout_has("/api/2.0/people/delete");
    out.assert_stdout_has(&format!("{{\"userIds\":[\"{}\"]}}", e.old));
    assert!(e.writes().is_empty());
}

#[test]
fn disable_and_enable_by_id_email_or_file_take_a_docspace_admin() {
    let e = estate();
    let out = e
        .tool(&["disable", &e.fresh, "--email", "pam@example.com"])
        .run();
    out.assert_exit(0);
    out.assert_stdout_has(&format!(
        "Guest with ID {} (pam@example.com) disabled.",
        e.pending
    ));
    out.assert_stdout_ends_with("2 disabled, 0 failed\n");
    assert_eq!(
        (e.status(&e.fresh), e.status(&e.pending)),
        (Some(2), Some(2))
    );
    let file = write_temp("enable", format!("{}\n{}\n", e.fresh, e.pending));
    let out = e
        .tool(&["enable", "--from", file.to_str().unwrap(), "--json"])
        .run();
    out.assert_exit(0);
    let first = json_of(out.stdout.lines().next().unwrap());
    assert_eq!(
        (first["op"].clone(), first["ok"].clone()),
        (json!("enable"), json!(true))
    );
    assert_eq!(
        (e.status(&e.fresh), e.status(&e.pending)),
        (Some(1), Some(1))
    );
    assert_eq!(
        e.portal.user(&e.pending).unwrap().activation,
        2,
        "never signed up: pending again"
    );

    // A user's id is not a guest's: never touched.
    let out = e.tool(&["disable", &e.admin, &e.fresh]).run();
    out.assert_error(5, "1 of 2 guests were not disabled");
    out.assert_stdout_has("not disabled: not a guest you can see; not touched");
    assert_eq!(e.status(&e.admin), Some(1));

    let out = e
        .tool(&["disable", &e.rex])
        .env("DOCSPACE_API_KEY", &e.room_key)
        .run();
    out.assert_error(4, "it takes a DocSpace admin's credential");
}

#[test]
fn a_connection_lost_during_expire_reports_exactly() {
    let crowd = crowd(150);
    crowd
        .portal
        .fault("/api/2.0/people/status/2", 1, 1000, Answer::Hangup);
    let out = crowd
        .tool(&[
            "expire",
            "--older-than",
            "1",
            "--action",
            "disable",
            "--max",
            "0",
            "--retries",
            "0",
        ])
        .run();
    out.assert_error(5, "50 of 150 guests were not disabled");
    let disabled: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Guest with ID ")?.strip_suffix(" disabled."))
        .collect();
    assert_eq!(disabled, crowd.guests[..100]);
    for (i, id) in crowd.guests.iter().enumerate() {
        assert_eq!(
            crowd.portal.user(id).unwrap().status == 2,
            i < 100,
            "the portal agrees"
        );
    }
    assert_eq!(out.stdout.matches("not confirmed: no answer").count(), 50);
}

#[test]
fn registration_dates_in_every_form_are_read_and_bad_ones_never_changed() {
    let e = estate();
    for (id, text) in [
        (&e.fresh, "2025-01-04T10:00:00Z"),
        (&e.pending, "2025-01-04T10:00:00+03:00"),
        (&e.orphan, "2025-01-04 10:00:00"),
        (&e.stray, "2025-01-04T10:00:00.123-0500"),
    ] {
        e.portal.set_registered(id, text);
    }
    let out = e.tool(&["review", "--older-than", "300", "-q"]).run();
    out.assert_exit(0);
    for id in [&e.fresh, &e.pending, &e.orphan, &e.stray] {
        out.assert_stdout_has(id);
    }
    out.assert_stdout_lacks(&e.odd);
}
