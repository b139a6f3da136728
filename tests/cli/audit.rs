//! The audit trail's rules: --disabled-for DAYS (late, never early; unknown never
//! selects), the re-enables --inactive respects, --no-rooms, and review --all's
//! reasons, against a portal that writes a 4020 event on every PUT people/status and
//! filters its audit trail before it pages.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::util::{Crowd, Outcome, crowd, json_of, tool_as, write_temp};
use fake_portal::{
    Answer, Hidden, Request, Response, Role, RoomType, STATUS_CHANGED, USER_UPDATED,
};

const TRAIL: &str = "/api/2.0/security/audit/events/filter";
const DAY: u64 = 86_400;

/// A portal with a DocSpace admin whose key may read the audit trail.
fn site() -> Crowd {
    let mut site = crowd(0);
    site.key = site.portal.add_api_key(&site.admin, &["*:write"]);
    site
}

fn guest(site: &Crowd, name: &str, days: u64) -> String {
    let email = format!("{}@example.com", name.to_lowercase());
    let id = site.portal.invite_guest(&site.admin, name, "Guest", &email);
    site.portal.registered_days_ago(&id, days);
    site.portal.set_activation(&id, 1);
    id
}

fn rows(outcome: &Outcome) -> Vec<Value> {
    outcome
        .stdout
        .lines()
        .map(json_of)
        .filter(|line| line["op"] == "review")
        .collect()
}

fn row<'a>(rows: &'a [Value], id: &str) -> Option<&'a Value> {
    rows.iter().find(|r| r["id"] == id)
}

/// The detail a rule gave the guest, selected or spared.
fn detail(rows: &[Value], id: &str, rule: &str) -> String {
    let row = row(rows, id).unwrap_or_else(|| panic!("no row for {id}: {rows:?}"));
    row["reasons"]
        .as_array()
        .into_iter()
        .chain(row["spared"].as_array())
        .flatten()
        .find(|r| r["rule"] == rule)
        .and_then(|r| r["detail"].as_str())
        .unwrap_or_else(|| panic!("no {rule} for {id}: {row}"))
        .to_string()
}

fn date_ago(days: u64) -> String {
    let when = SystemTime::now() - Duration::from_secs(days * DAY + 3600);
    docspace_guest::date::format_utc(when)[..10].to_string()
}

fn writes(site: &Crowd) -> Vec<Request> {
    let requests = site.portal.requests();
    requests.into_iter().filter(|r| r.method != "GET").collect()
}

#[test]
fn a_bulk_disable_ten_days_ago_is_selected_and_three_days_ago_is_not() {
    let site = site();
    let (a, b) = (guest(&site, "Ann", 100), guest(&site, "Bob", 100));
    let (c, d) = (guest(&site, "Cid", 100), guest(&site, "Dee", 100));
    let active = guest(&site, "Eve", 100);
    // One call for two guests each time: the event names both (a substring match).
    site.portal.status_call_days_ago(&[&a, &b], 2, 10);
    site.portal.status_call_days_ago(&[&c, &d], 2, 3);

    let review = site
        .tool(&["review", "--disabled-for", "7", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    for id in [&a, &b] {
        assert_eq!(
            row(&rows, id).unwrap()["selected"],
            true,
            "{}",
            review.stdout
        );
        let since = detail(&rows, id, "disabled-for");
        assert_eq!(
            since,
            format!("disabled since {}, more than 7 days", date_ago(10))
        );
    }
    for id in [&c, &d, &active] {
        assert!(row(&rows, id).is_none(), "{}", review.stdout);
    }
    // The status changes were read once, by action, newest first, in pages of 100;
    // nothing was asked per guest.
    let asked: Vec<Request> = site
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.path == TRAIL)
        .collect();
    assert_eq!(asked.len(), 2, "the probe and one page: {asked:?}");
    for request in &asked {
        assert_eq!(request.param("action").as_deref(), Some("4020"));
        assert!(request.param("target").is_none());
    }
    assert_eq!(asked[1].param("count").as_deref(), Some("100"));

    let expire = site
        .tool(&[
            "expire",
            "--disabled-for",
            "7",
            "--action",
            "delete",
            "--yes",
        ])
        .run();
    expire.assert_exit(0);
    assert!(site.portal.user(&a).is_none() && site.portal.user(&b).is_none());
    for id in [&c, &d, &active] {
        assert!(site.portal.user(id).is_some(), "{}", expire.stdout);
    }
}

#[test]
fn the_tools_own_disable_is_in_the_trail_and_is_recent() {
    let site = site();
    let (a, b) = (guest(&site, "Ann", 100), guest(&site, "Bob", 100));
    site.tool(&["disable", &a, &b]).run().assert_exit(0);
    let events = site.portal.audit_events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].action, STATUS_CHANGED);
    assert_eq!(events[0].target, [a.clone(), b.clone()]);

    let review = site
        .tool(&["review", "--disabled-for", "1", "--all", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    let today = docspace_guest::date::format_utc(SystemTime::now())[..10].to_string();
    for id in [&a, &b] {
        assert_eq!(row(&rows, id).unwrap()["selected"], false);
        let since = detail(&rows, id, "disabled-for");
        assert_eq!(since, format!("disabled since {today}, under 1 day"));
    }
}

#[test]
fn a_redundant_later_disable_makes_it_late_never_early() {
    let site = site();
    let late = guest(&site, "Lou", 100);
    let plain = guest(&site, "Pia", 100);
    site.portal.status_call_days_ago(&[&late, &plain], 2, 20);
    // Someone disables Lou again two days ago: a no-op that writes an event too.
    site.portal.status_call_days_ago(&[&late], 2, 2);

    let review = site
        .tool(&["review", "--disabled-for", "7", "--all", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    assert_eq!(row(&rows, &plain).unwrap()["selected"], true);
    assert_eq!(row(&rows, &late).unwrap()["selected"], false);
    assert_eq!(
        detail(&rows, &late, "disabled-for"),
        format!("disabled since {}, under 7 days", date_ago(2))
    );
}

#[test]
fn a_disable_the_trail_does_not_name_is_unknown_and_never_selected() {
    let site = site();
    let unknown = guest(&site, "Una", 100);
    let known = guest(&site, "Kim", 100);
    site.portal.set_status(&unknown, 2);
    site.portal.status_call_days_ago(&[&known], 2, 30);
    // An event for a longer id that holds Una's as text: a substring is no proof.
    let longer = format!("{unknown}0");
    site.portal
        .audit_event(STATUS_CHANGED, &[&longer], Duration::from_secs(40 * DAY));

    let review = site
        .tool(&["review", "--disabled-for", "7", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    assert_eq!(row(&rows, &known).unwrap()["selected"], true);
    let una = row(&rows, &unknown).expect("listed as not evaluated");
    assert_eq!(una["selected"], false, "{una}");
    assert_eq!(una["reasons"][0]["rule"], "not-evaluated");
    assert!(
        una["reasons"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("disabled since unknown: no status change in the audit trail names it"),
        "{una}"
    );

    let expire = site
        .tool(&[
            "expire",
            "--disabled-for",
            "7",
            "--action",
            "delete",
            "--yes",
        ])
        .run();
    expire.assert_exit(0);
    assert!(site.portal.user(&unknown).is_some());
    assert!(site.portal.user(&known).is_none());
}

#[test]
fn the_terminated_date_counts_and_a_profile_edit_event_never_does() {
    let site = site();
    let old = guest(&site, "Olga", 100);
    let recent = guest(&site, "Rita", 100);
    site.portal.disabled_in_profile_days_ago(&old, 12);
    // An edit 40 days ago (4006), then a disable through the profile 2 days ago.
    site.portal
        .audit_event(USER_UPDATED, &[&recent], Duration::from_secs(40 * DAY));
    site.portal.disabled_in_profile_days_ago(&recent, 2);
    // Disabled in bulk 20 days ago, enabled and disabled again in the profile 2 days
    // ago: the later of the two counts.
    let again = guest(&site, "Tess", 100);
    site.portal.status_call_days_ago(&[&again], 2, 20);
    site.portal.disabled_in_profile_days_ago(&again, 2);

    let review = site
        .tool(&["review", "--disabled-for", "7", "--all", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    assert_eq!(
        row(&rows, &old).unwrap()["selected"],
        true,
        "{}",
        review.stdout
    );
    for id in [&recent, &again] {
        assert_eq!(row(&rows, id).unwrap()["selected"], false);
        assert_eq!(
            detail(&rows, id, "disabled-for"),
            format!("disabled since {}, under 7 days", date_ago(2))
        );
    }
}

#[test]
fn a_guest_re_enabled_inside_the_window_is_a_fresh_start() {
    let site = site();
    let back = guest(&site, "Ben", 200);
    let idle = guest(&site, "Ida", 200);
    site.portal.signed_in_days_ago(&site.admin, 120);
    site.portal.status_call_days_ago(&[&back], 2, 60);
    site.portal.status_call_days_ago(&[&back], 1, 5);

    let review = site
        .tool(&["review", "--inactive", "90", "--all", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    assert_eq!(row(&rows, &idle).unwrap()["selected"], true);
    assert_eq!(
        row(&rows, &back).unwrap()["selected"],
        false,
        "{}",
        review.stdout
    );
    assert_eq!(
        detail(&rows, &back, "inactive"),
        format!("re-enabled {}", date_ago(5))
    );
    let table = site.tool(&["review", "--inactive", "90", "--all"]).run();
    table.assert_stdout_has(&format!("re-enabled {}", date_ago(5)));

    let expire = site
        .tool(&["expire", "--inactive", "90", "--action", "disable"])
        .run();
    expire.assert_exit(0);
    assert_eq!(site.portal.user(&idle).unwrap().status, 2);
    assert_eq!(site.portal.user(&back).unwrap().status, 1);
}

#[test]
fn without_a_readable_trail_inactive_works_as_before_and_says_so_once() {
    let site = site();
    let back = guest(&site, "Ben", 200);
    site.portal.signed_in_days_ago(&site.admin, 120);
    site.portal.status_call_days_ago(&[&back], 1, 5);
    let refusal = Response::json(402, &json!({ "status": 1, "statusCode": 402 }));
    site.portal.fault(TRAIL, 0, 1, Answer::Send(refusal));

    let review = site.tool(&["review", "--inactive", "90", "--json"]).run();
    review.assert_exit(0);
    assert_eq!(row(&rows(&review), &back).unwrap()["selected"], true);
    assert_eq!(review.stderr.lines().count(), 1, "{}", review.stderr);
    review.assert_stderr_has("cannot tell re-enabled guests");
}

/// The fallback (the latest 20 events, every filter ignored) while the quota says
/// `audit: true`: every guest is unknown; expire changes nothing and exits 1.
#[test]
fn the_fallback_despite_the_quota_selects_no_one_and_expire_exits_1() {
    let site = site();
    let old = guest(&site, "Olga", 100);
    site.portal.status_call_days_ago(&[&old], 2, 30);
    site.portal.hide_login_history(Hidden::Fallback);

    let review = site
        .tool(&["review", "--disabled-for", "7", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    let olga = row(&rows, &old).unwrap();
    assert_eq!(olga["selected"], false, "{olga}");
    let why = olga["reasons"][0]["detail"].as_str().unwrap();
    assert!(
        why.contains("disabled since unknown: the portal keeps no audit trail on its plan"),
        "{why}"
    );
    review.assert_stderr_has("--disabled-for selects no one");
    // It was told by the answer: an event asked for from tomorrow on.
    let probe = &site.requests_to("GET", TRAIL)[0];
    assert!(probe.param("from").is_some(), "{probe:?}");

    let expire = site
        .tool(&[
            "expire",
            "--disabled-for",
            "7",
            "--action",
            "delete",
            "--yes",
        ])
        .run();
    expire.assert_error(1, "--disabled-for cannot be evaluated");
    assert!(writes(&site).is_empty());
    assert!(site.portal.user(&old).is_some());
}

#[test]
fn a_plan_without_the_feature_is_told_by_the_quota() {
    let site = site();
    let old = guest(&site, "Olga", 100);
    site.portal.status_call_days_ago(&[&old], 2, 30);
    site.portal.set_audit_feature(false);
    let expire = site
        .tool(&[
            "expire",
            "--disabled-for",
            "7",
            "--action",
            "delete",
            "--yes",
        ])
        .run();
    expire.assert_error(1, "no audit feature");
    assert!(site.requests_to("GET", TRAIL).is_empty());
    assert!(writes(&site).is_empty());
}

#[test]
fn a_key_without_the_scope_is_may_not_not_cannot() {
    let site = site();
    let old = guest(&site, "Olga", 100);
    site.portal.status_call_days_ago(&[&old], 2, 30);
    let key = site.portal.add_api_key(&site.admin, &["accounts:write"]);
    let review = tool_as(&site.portal, &key, &["review", "--disabled-for", "7"]).run();
    review.assert_error(4, "*:read");
    review.assert_stderr_lacks("no audit trail");
}

#[test]
fn a_quota_the_admin_may_not_read_does_not_stop_the_rules() {
    let site = site();
    let old = guest(&site, "Olga", 100);
    site.portal.status_call_days_ago(&[&old], 2, 30);
    site.portal.signed_in_days_ago(&site.admin, 120);
    let denied = Response::json(
        403,
        &json!({ "error": { "message": "Access denied" }, "status": 1, "statusCode": 403 }),
    );
    // Both rules ask it, and both go on.
    site.portal
        .fault("/api/2.0/portal/quota", 0, 2, Answer::Send(denied));
    let review = site
        .tool(&[
            "review",
            "--disabled-for",
            "7",
            "--inactive",
            "90",
            "--json",
        ])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    let olga = row(&rows, &old).unwrap();
    assert_eq!(olga["selected"], true, "{olga}");
}

#[test]
fn a_room_admin_is_told_it_takes_a_docspace_admin() {
    let site = site();
    let ra = site
        .portal
        .add_user(Role::RoomAdmin, "Rae", "Rooms", "rae@example.com");
    let key = site.portal.add_api_key(&ra, &["*:write"]);
    let own = site.portal.own_guest(&ra, "own@example.com");
    site.portal.status_call_days_ago(&[&own], 2, 30);
    // The portal hides disabled users from a room admin: an empty page, not the guest.
    let list = tool_as(&site.portal, &key, &["list", "--status", "disabled", "-q"]).run();
    list.assert_exit(0);
    assert!(list.stdout.trim().is_empty(), "{}", list.stdout);
    for (rule, needle) in [
        ("--disabled-for", "DocSpace hides disabled users"),
        ("--disabled", "DocSpace hides disabled users"),
        ("--no-rooms", "only their own rooms"),
    ] {
        let mut args = vec!["review", rule];
        if rule == "--disabled-for" {
            args.push("7");
        }
        let review = tool_as(&site.portal, &key, &args).run();
        review.assert_error(2, needle);
        review.assert_stderr_has("needs a DocSpace admin");
    }
}

#[test]
fn a_guest_in_no_room_is_selected_and_an_archived_room_counts() {
    let site = site();
    let loose = guest(&site, "Lea", 100);
    let member = guest(&site, "Max", 100);
    let archived = guest(&site, "Ari", 100);
    let other = site
        .portal
        .add_user(Role::RoomAdmin, "Col", "League", "col@example.com");
    let room = site
        .portal
        .add_room(&other, "Colleague's", RoomType::Custom);
    site.portal
        .add_member(room, &member, fake_portal::READ, &other);
    let old = site.portal.add_room(&other, "Old", RoomType::Custom);
    site.portal
        .add_member(old, &archived, fake_portal::READ, &other);
    site.portal.archive_room(old);

    let review = site
        .tool(&["review", "--no-rooms", "--all", "--json"])
        .run();
    review.assert_exit(0);
    let rows = rows(&review);
    assert_eq!(row(&rows, &loose).unwrap()["selected"], true);
    for id in [&member, &archived] {
        assert_eq!(
            row(&rows, id).unwrap()["selected"],
            false,
            "{}",
            review.stdout
        );
        assert_eq!(detail(&rows, id, "no-rooms"), "a direct member of a room");
    }
}

#[test]
fn review_all_says_why_each_rule_spared_a_guest() {
    let site = site();
    let young = guest(&site, "Yan", 12);
    let kept = guest(&site, "Kai", 200);
    let old = guest(&site, "Oda", 200);
    let room = site.portal.add_room(&site.admin, "Team", RoomType::Custom);
    site.portal
        .add_member(room, &young, fake_portal::READ, &site.admin);
    site.portal.signed_in_days_ago(&young, 3);
    site.portal.signed_in_days_ago(&site.admin, 120);
    let keep = write_temp("audit-keep", format!("{kept}\n"));
    let keep = keep.to_str().unwrap();

    let args = [
        "review",
        "--older-than",
        "90",
        "--no-rooms",
        "--disabled-for",
        "7",
        "--inactive",
        "90",
        "--keep",
        keep,
        "--all",
        "--json",
    ];
    let review = site.tool(&args).run();
    review.assert_exit(0);
    let rows = rows(&review);
    let yan = row(&rows, &young).unwrap();
    assert_eq!(yan["selected"], false);
    assert_eq!(yan["reasons"], json!([]));
    let spared: Vec<(String, String)> = yan["spared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().into(),
                r["detail"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = |rule: &str, detail: String| (rule.to_string(), detail);
    assert_eq!(
        spared,
        [
            expect("older-than", "registered 12 days ago, under 90".into()),
            expect("disabled-for", "active, not disabled".into()),
            expect("inactive", format!("signed in {}", date_ago(3))),
            expect("no-rooms", "a direct member of a room".into()),
        ],
        "{yan}"
    );
    let kai = row(&rows, &kept).unwrap();
    assert_eq!(
        (kai["selected"].clone(), kai["kept"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(row(&rows, &old).unwrap()["selected"], true);
    // The table says the same in WHY.
    let table = site.tool(&args[..args.len() - 1]).run();
    table.assert_stdout_has("registered 12 days ago, under 90; active, not disabled");
    table.assert_stdout_has("on the keep list");
}

#[test]
fn the_status_events_are_read_in_pages_to_the_end() {
    let site = site();
    let guests: Vec<String> = (0..30)
        .map(|i| guest(&site, &format!("G{i}"), 100))
        .collect();
    let ids: Vec<&str> = guests.iter().map(String::as_str).collect();
    // The guests' one disable, 40 days ago, behind 220 newer events of another user.
    site.portal.status_call_days_ago(&ids, 2, 40);
    let other = vec![site.admin.clone()];
    site.portal
        .many_status_events(&other, 220, Duration::from_secs(30 * DAY));
    let review = site.tool(&["review", "--disabled-for", "35", "-q"]).run();
    review.assert_exit(0);
    assert_eq!(review.stdout.lines().count(), 30, "{}", review.stdout);
    let pages: Vec<String> = site
        .requests_to("GET", TRAIL)
        .iter()
        .skip(1)
        .map(|r| r.param("startIndex").unwrap_or_default())
        .collect();
    assert_eq!(pages, ["0", "100", "200"]);
}

/// The new rules are policy rules of the config file: used when the command line names
/// none, and not at all when it names one.
#[test]
fn the_new_rules_are_rules_of_the_config_files_policy() {
    let site = site();
    let old = guest(&site, "Olga", 100);
    let loose = guest(&site, "Lea", 100);
    let room = site.portal.add_room(&site.admin, "Team", RoomType::Custom);
    site.portal
        .add_member(room, &old, fake_portal::READ, &site.admin);
    site.portal.status_call_days_ago(&[&old], 2, 10);
    let key = write_temp("audit-config-key", &site.key);
    let config = crate::util::write_config(
        "audit-config",
        format!(
            "[acme]\nurl {}\napi-key-file {}\ndisabled-for 7\n",
            site.portal.url(),
            key.display()
        ),
    );
    let config = config.to_str().unwrap();
    let from_file =
        crate::util::tool(&["review", "--config", config, "--portal", "acme", "-q"]).run();
    from_file.assert_exit(0);
    assert_eq!(from_file.stdout.trim(), old);
    let on_line = crate::util::tool(&[
        "review",
        "--config",
        config,
        "--portal",
        "acme",
        "--no-rooms",
        "-q",
    ])
    .run();
    on_line.assert_exit(0);
    assert_eq!(on_line.stdout.trim(), loose, "the file's rule is not used");
}
