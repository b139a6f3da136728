//! review and expire --inactive DAYS, against a portal whose login history cuts its
//! pages before it filters, falls back to the latest 20 events without the audit
//! feature, keeps a limited number of days and writes dates in its own time zone.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::util::{Crowd, Outcome, crowd, json_of, tool_as};
use fake_portal::{
    Answer, FAILED, Hidden, LOGOUT, Paging, Release, Request, Response, Role, SESSION_STARTED,
    SIGN_IN_VIA_API, SIGN_IN_VIA_SSO,
};

const HISTORY: &str = "/api/2.0/security/audit/login/filter";
const DAY: u64 = 86_400;

/// A portal with a DocSpace admin whose key may read the login history.
fn site() -> Crowd {
    let mut site = crowd(0);
    site.key = site.portal.add_api_key(&site.admin, &["*:write"]);
    site
}

/// What these tests do with such a portal.
trait Site {
    fn guest(&self, name: &str, days: u64) -> String;
    fn busy_admin(&self, n: u64, days: u64);
    fn history_since(&self, days: u64);
    fn requests_where(&self, keep: fn(&Request) -> bool) -> Vec<Request>;

    fn history_requests(&self) -> Vec<Request> {
        self.requests_where(|r| r.path == HISTORY)
    }

    fn writes(&self) -> Vec<Request> {
        self.requests_where(|r| r.method != "GET")
    }
}

impl Site for Crowd {
    /// A guest who signed up, registered `days` days ago.
    fn guest(&self, name: &str, days: u64) -> String {
        let email = format!("{}@example.com", name.to_lowercase());
        let id = self.portal.invite_guest(&self.admin, name, "Guest", &email);
        self.portal.registered_days_ago(&id, days);
        self.portal.set_activation(&id, 1);
        id
    }

    /// The admin's own sign-ins: `n` of them in the last `days` days.
    fn busy_admin(&self, n: u64, days: u64) {
        for i in 0..n {
            let ago = Duration::from_secs(60 + i * days * DAY / n.max(1));
            self.portal
                .login_event(&self.admin, ago, fake_portal::SIGN_IN);
        }
    }

    /// One old sign-in of the admin, so that the history reaches past the cutoff.
    fn history_since(&self, days: u64) {
        self.portal.signed_in_days_ago(&self.admin, days);
    }

    fn requests_where(&self, keep: fn(&Request) -> bool) -> Vec<Request> {
        self.portal.requests().into_iter().filter(keep).collect()
    }
}

/// The review's JSON lines of its guests.
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

/// The UTC date `days` days (and `hours` hours) ago.
fn date_ago(days: u64, hours: u64) -> String {
    let when = SystemTime::now() - Duration::from_secs(days * DAY + hours * 3600);
    docspace_guest::date::format_utc(when)[..10].to_string()
}

fn cutoff_date(days: u64) -> String {
    date_ago(days, 0)
}

#[test]
fn a_sign_in_behind_a_page_of_other_users_events_keeps_the_guest() {
    let site = site();
    let active = site.guest("Ada", 200);
    let idle = site.guest("Ida", 200);
    let lapsed = site.guest("Lars", 200);
    let newcomer = site.guest("Nell", 30);
    for i in 0..120 {
        site.guest(&format!("Filler{i}"), 10);
    }
    site.portal.signed_in_days_ago(&active, 10);
    site.portal.signed_in_days_ago(&lapsed, 100);
    // 150 newer events of the admin: Ada's sign-in is on the second page.
    site.busy_admin(150, 5);

    let outcome = site.tool(&["review", "--inactive", "90", "--json"]).run();
    outcome.assert_exit(0);
    let rows = rows(&outcome);
    assert!(row(&rows, &active).is_none(), "{}", outcome.stdout);
    assert!(row(&rows, &newcomer).is_none(), "{}", outcome.stdout);
    for id in [&idle, &lapsed] {
        assert_eq!(
            row(&rows, id).unwrap()["selected"],
            true,
            "{}",
            outcome.stdout
        );
    }
    // Read once, unfiltered, newest first, page by page: 153 events, 2 pages, whatever
    // the 124 guests.
    let pages = site.history_requests();
    let starts: Vec<String> = pages
        .iter()
        .map(|r| r.param("startIndex").unwrap())
        .collect();
    assert_eq!(starts, ["0", "100"]);
    for page in &pages {
        assert_eq!(page.param("count").as_deref(), Some("100"));
        for filter in ["userId", "action", "from", "to"] {
            assert_eq!(
                page.param(filter),
                None,
                "{filter} is applied after the cut"
            );
        }
    }
}

#[test]
fn failed_attempts_logouts_and_sessions_are_no_sign_ins() {
    let site = site();
    let failing = site.guest("Fay", 200);
    let by_sso = site.guest("Sol", 200);
    let by_api = site.guest("Abe", 200);
    let hour = Duration::from_secs(3600);
    for action in [FAILED, LOGOUT, SESSION_STARTED] {
        site.portal.login_event(&failing, hour, action);
    }
    site.portal.login_event(&by_sso, hour * 30, SIGN_IN_VIA_SSO);
    site.portal.login_event(&by_api, hour * 40, SIGN_IN_VIA_API);
    site.history_since(120);

    let outcome = site.tool(&["review", "--inactive", "90", "-q"]).run();
    outcome.assert_exit(0);
    assert_eq!(outcome.stdout, format!("{failing}\n"));
}

#[test]
fn the_last_sign_in_column_and_the_json_reasons() {
    let site = site();
    let idle = site.guest("Ida", 200);
    let seen = site.guest("Sam", 200);
    let pending = site.guest("Pia", 40);
    site.portal.set_activation(&pending, 2);
    site.portal.signed_in_days_ago(&seen, 10);
    site.history_since(120);
    let since = cutoff_date(90);
    let args = [
        "review",
        "--inactive",
        "90",
        "--older-than",
        "150",
        "--pending-older-than",
        "30",
    ];

    let table = site.tool(&args).run();
    table.assert_exit(0);
    let header = table.stdout.lines().next().unwrap();
    assert!(
        header.contains("INVITER") && header.contains("LAST SIGN-IN") && header.contains("WHY"),
        "{header}"
    );
    let line = |id: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} not in\n{}", table.stdout))
            .to_string()
    };
    assert!(line(&idle).contains(&format!("none since {since}")));
    assert!(line(&idle).contains(&format!("no sign-in since {since} (90 days)")));
    assert!(line(&seen).contains(&date_ago(10, 1)), "{}", line(&seen));
    assert!(line(&pending).contains("never"));

    let json = site.tool(&[&args[..], &["--json"]].concat()).run();
    json.assert_exit(0);
    let rows = rows(&json);
    let idle = row(&rows, &idle).unwrap();
    assert!(
        idle["reasons"].as_array().unwrap().contains(&json!({
            "rule": "inactive",
            "detail": format!("no sign-in since {since} (90 days)"),
        })),
        "{idle}"
    );
    assert_eq!(idle["lastSignIn"], format!("none since {since}"));
    assert_eq!(row(&rows, &seen).unwrap()["lastSignIn"], date_ago(10, 1));
    assert_eq!(row(&rows, &pending).unwrap()["lastSignIn"], "never");

    // Without the rule there is no such column, and no history is read.
    let before = site.history_requests().len();
    let plain = site.tool(&["review", "--older-than", "150"]).run();
    plain.assert_exit(0).assert_stdout_lacks("LAST SIGN-IN");
    assert_eq!(site.history_requests().len(), before);
}

/// No guest selected, every guest not evaluated with the reason; expire changes none.
fn assert_no_history(site: &Crowd, guests: &[&String], reason: &str) {
    let review = site.tool(&["review", "--inactive", "90", "--json"]).run();
    review
        .assert_exit(0)
        .assert_stderr_has("--inactive selects no one: this portal keeps no login history");
    let rows = rows(&review);
    assert_eq!(rows.len(), guests.len(), "{}", review.stdout);
    for id in guests {
        let row = row(&rows, id).unwrap();
        assert_eq!(row["selected"], false);
        let why = row["reasons"][0]["detail"].as_str().unwrap();
        assert!(
            why.contains("this portal keeps no login history on its plan"),
            "{why}"
        );
        assert!(why.contains(reason), "{why}");
    }
    let expire = site
        .tool(&["expire", "--inactive", "90", "--action", "disable"])
        .run();
    expire.assert_error(1, "no login history");
    assert!(expire.stdout.is_empty(), "{}", expire.stdout);
    assert!(site.writes().is_empty());
}

#[test]
fn a_portal_without_the_audit_feature_selects_no_one() {
    let site = site();
    let idle = site.guest("Ida", 200);
    let other = site.guest("Olaf", 200);
    site.history_since(120);
    site.portal.set_audit_feature(false);
    assert_no_history(&site, &[&idle, &other], "no audit feature");
    // The quota said so: the history itself was not asked.
    assert!(site.history_requests().is_empty());
}

#[test]
fn a_fallback_answer_despite_the_quota_is_no_history() {
    let site = site();
    let idle = site.guest("Ida", 200);
    let seen = site.guest("Sam", 200);
    site.portal.signed_in_days_ago(&seen, 3);
    site.history_since(120);
    site.portal.hide_login_history(Hidden::Fallback);
    assert_no_history(&site, &[&idle, &seen], "whatever is asked");
    let probe = site
        .history_requests()
        .into_iter()
        .find(|r| r.param("startIndex").as_deref() == Some("1"))
        .expect("the probe");
    assert_eq!(probe.param("count").as_deref(), Some("1"));
}

#[test]
fn a_fallback_with_one_event_in_all_is_caught_too() {
    let site = site();
    let idle = site.guest("Ida", 200);
    site.portal.signed_in_days_ago(&site.admin, 120);
    site.portal.hide_login_history(Hidden::Fallback);
    assert_no_history(&site, &[&idle], "whatever is asked");
}

#[test]
fn a_402_is_no_history() {
    let site = site();
    let idle = site.guest("Ida", 200);
    site.history_since(120);
    site.portal.hide_login_history(Hidden::PaymentRequired);
    assert_no_history(&site, &[&idle], "402");
}

#[test]
fn days_beyond_the_retention_are_refused_naming_both() {
    let site = site();
    site.guest("Ida", 200);
    site.portal.set_login_lifetime(30);
    for command in [
        &["review", "--inactive", "90"][..],
        &["expire", "--inactive", "90", "--action", "remove"],
    ] {
        let outcome = site.tool(command).run();
        outcome.assert_usage_error("--inactive 90");
        outcome.assert_stderr_has("keeps 30 days");
    }
    assert!(site.history_requests().is_empty());
    assert!(site.writes().is_empty());
    // Past what any portal keeps: refused before anything is sent.
    site.tool(&["review", "--inactive", "181"])
        .run()
        .assert_usage_error("--inactive takes a whole number from 1 to 180, not '181'");
}

#[test]
fn a_room_admin_may_not_read_the_history() {
    let site = site();
    let rooms = site
        .portal
        .add_user(Role::RoomAdmin, "Rita", "Rooms", "rita@example.com");
    let key = site.portal.add_api_key(&rooms, &["*:write"]);
    let outcome = tool_as(&site.portal, &key, &["review", "--inactive", "90"]).run();
    outcome.assert_usage_error("reading the login history needs a DocSpace admin");
    let paths: Vec<String> = site.portal.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/2.0/people/@self"]);
}

#[test]
fn a_key_without_an_every_area_scope_is_told_which_it_needs() {
    let site = site();
    site.guest("Ida", 200);
    let key = site
        .portal
        .add_api_key(&site.admin, &["accounts:read", "accounts:write"]);
    tool_as(&site.portal, &key, &["review", "--inactive", "90"])
        .run()
        .assert_error(4, "the API key lacks the *:read scope");
}

#[test]
fn a_history_that_ends_before_the_cutoff_leaves_guests_unknown() {
    let site = site();
    let old = site.guest("Olga", 200);
    let seen = site.guest("Sam", 200);
    let recent = site.guest("Rae", 5);
    let off = site.guest("Otto", 200);
    site.portal.set_status(&off, 2);
    site.portal.signed_in_days_ago(&seen, 3);
    // The plan was bought 20 days ago: the history holds 150 events since then.
    site.busy_admin(150, 20);

    let review = site.tool(&["review", "--inactive", "90"]).run();
    review.assert_exit(0);
    let line = review.stdout.lines().find(|l| l.contains(&old)).unwrap();
    assert!(line.contains("unknown"), "{line}");
    assert!(line.contains("not evaluated: the login history reaches back only to"));
    review
        .assert_stdout_lacks(&seen)
        .assert_stdout_lacks(&recent)
        .assert_stdout_has("0 of 4 guests selected");

    let expire = site
        .tool(&["expire", "--inactive", "90", "--action", "disable"])
        .run();
    expire
        .assert_exit(0)
        .assert_stdout_has("Nothing to change.");
    assert!(site.writes().is_empty());

    // Another rule still selects what it selects; the unknown one is not guessed.
    let both = site
        .tool(&[
            "expire",
            "--inactive",
            "90",
            "--disabled",
            "--action",
            "delete",
            "--yes",
        ])
        .run();
    both.assert_exit(0);
    let writes = site.writes();
    assert!(!writes.is_empty());
    for write in &writes {
        assert!(write.body.contains(&off), "{}", write.body);
        assert!(!write.body.contains(&old), "{}", write.body);
    }
}

#[test]
fn the_cutoff_is_an_instant_compared_in_each_events_own_offset() {
    for offset_minutes in [5 * 60, -5 * 60, 14 * 60] {
        let site = site();
        site.portal.set_time_zone(offset_minutes);
        let before = site.guest("Bea", 200);
        let after = site.guest("Aldo", 200);
        let hour = Duration::from_secs(3600);
        let ninety = Duration::from_secs(90 * DAY);
        site.portal
            .login_event(&before, ninety + hour * 2, fake_portal::SIGN_IN);
        site.portal
            .login_event(&after, ninety - hour * 2, fake_portal::SIGN_IN);
        site.history_since(120);
        let outcome = site.tool(&["review", "--inactive", "90", "-q"]).run();
        outcome.assert_exit(0);
        assert_eq!(
            outcome.stdout,
            format!("{before}\n"),
            "UTC{offset_minutes:+}m"
        );
    }
}

#[test]
fn paging_that_ignores_start_index_stops_before_any_change() {
    let site = site();
    site.guest("Ida", 200);
    site.busy_admin(150, 5);
    site.history_since(120);
    site.portal.set_paging(Paging::IgnoresStartIndex);
    site.tool(&["expire", "--inactive", "90", "--action", "disable"])
        .run()
        .assert_error(1, "paging of the login history is broken");
    assert!(site.writes().is_empty());
    assert_eq!(site.history_requests().len(), 2);
}

#[test]
fn sign_ins_arriving_while_the_history_is_read_are_read_once() {
    let site = site();
    let idle = site.guest("Ida", 200);
    let seen = site.guest("Sam", 200);
    site.busy_admin(250, 40);
    site.portal.signed_in_days_ago(&seen, 60);
    site.history_since(120);
    site.portal.sign_ins_while_read(30);
    let outcome = site.tool(&["review", "--inactive", "90", "-q"]).run();
    outcome.assert_exit(0);
    assert_eq!(outcome.stdout, format!("{idle}\n"));
    // Each page moves 70 events on: 252 events and the arrivals take 4 pages.
    assert_eq!(site.history_requests().len(), 4);
}

#[test]
fn pages_of_100_on_every_release() {
    for release in [Release::V3_0, Release::V3_1, Release::V3_7_2] {
        let site = site();
        site.portal.set_release(release, true);
        let idle = site.guest("Ida", 200);
        let seen = site.guest("Sam", 200);
        site.portal.signed_in_days_ago(&seen, 60);
        site.busy_admin(250, 40);
        site.history_since(120);
        let outcome = site.tool(&["review", "--inactive", "90", "-q"]).run();
        outcome.assert_exit(0);
        assert_eq!(outcome.stdout, format!("{idle}\n"), "{release:?}");
        let counts: Vec<String> = site
            .history_requests()
            .iter()
            .map(|r| r.param("count").unwrap())
            .collect();
        assert_eq!(counts, ["100", "100", "100"], "{release:?}");
    }
}

#[test]
fn expire_changes_exactly_the_inactive_guests() {
    let site = site();
    let idle = site.guest("Ida", 200);
    let seen = site.guest("Sam", 200);
    let young = site.guest("Yul", 20);
    site.portal.signed_in_days_ago(&seen, 1);
    site.history_since(120);
    let outcome = site
        .tool(&["expire", "--inactive", "90", "--action", "disable"])
        .run();
    outcome
        .assert_exit(0)
        .assert_stdout_has("1 of 3 guests selected");
    let writes = site.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].path, "/api/2.0/people/status/2");
    assert_eq!(json_of(&writes[0].body), json!({ "userIds": [idle] }));
    assert_eq!(site.portal.user(&young).unwrap().status, 1);
}

#[test]
fn a_history_not_newest_first_stops_before_any_change() {
    let site = site();
    let idle = site.guest("Ida", 200);
    // Oldest first, as a proxy that reorders might answer: the first event is already
    // past the cutoff, and the guest's sign-in yesterday comes last.
    let events: Vec<Value> = (0..25)
        .map(|i| {
            let user = if i == 24 {
                idle.as_str()
            } else {
                site.admin.as_str()
            };
            let ago = if i == 24 { 1 } else { 120 - i };
            json!({ "id": i + 1, "userId": user, "actionId": 1000,
                    "date": format!("{}T12:00:00Z", date_ago(ago, 0)) })
        })
        .collect();
    let page = json!({ "response": events, "count": 25, "status": 0, "statusCode": 200 });
    site.portal
        .fault(HISTORY, 0, 1, Answer::Send(Response::json(200, &page)));
    site.tool(&["expire", "--inactive", "90", "--action", "disable"])
        .run()
        .assert_error(1, "login history is not newest first");
    assert!(site.writes().is_empty());
}
