//! delete in batches: chunks on one connection, refusals retried id by id, emails,
//! --dry-run, --json, --permanent, and interrupted batches accounted for exactly.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::util::{api_requests, crowd, flow, json_of, state_home, tool_for, write_temp};
use fake_portal::{Answer, FakePortal, Role};

#[test]
fn delete_sends_ids_lowercased_once_each_in_one_request() {
    let demo = FakePortal::demo();
    let a = demo.portal.own_guest(&demo.admin, "a@example.com");
    let b = demo.portal.own_guest(&demo.admin, "b@example.com");
    let out = tool_for(&demo, &["delete", &a.to_uppercase(), &b, &a]).run();
    out.assert_exit(0);
    let requests = api_requests(&demo.portal);
    assert_eq!(requests.len(), 1);
    assert_eq!(json_of(&requests[0].body)["userIds"], json!([a, b]));
    out.assert_stdout_has(&format!("Guest with ID {a} deleted successfully.\n"));
    out.assert_stdout_has(&format!("Guest with ID {b} deleted successfully.\n"));
    assert!(demo.portal.guest_list(&demo.admin).is_empty());
}

#[test]
fn delete_250_ids_goes_in_3_requests_on_one_connection() {
    let crowd = crowd(250);
    let file = write_temp("ids", crowd.guests.join("\n"));
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_exit(0);
    out.assert_stdout_ends_with("250 removed, 0 failed\n");
    let deletes = crowd.requests_to("DELETE", "/api/2.0/people/guests");
    let sizes: Vec<usize> = deletes
        .iter()
        .map(|r| json_of(&r.body)["userIds"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert!(
        deletes
            .iter()
            .all(|r| r.connection == deletes[0].connection)
    );
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
}

#[test]
fn one_bad_id_among_5_is_retried_alone_and_reported() {
    let crowd = crowd(4);
    let not_mine = crowd.portal.someone_elses_guest("nm@example.com");
    let mut ids = crowd.guests.clone();
    ids.insert(2, not_mine.clone());
    let mut args = vec!["delete"];
    args.extend(ids.iter().map(String::as_str));
    let out = crowd.tool(&args).run();
    out.assert_error(5, "1 of 5 guests were not removed");
    for guest in &crowd.guests {
        out.assert_stdout_has(&format!("Guest with ID {guest} deleted successfully.\n"));
    }
    out.assert_stdout_has(&format!(
        "Guest with ID {not_mine} not deleted: refused (403 Access denied)"
    ));
    out.assert_stdout_ends_with("4 removed, 1 failed\n");
    // One request for all five, refused; then one each.
    assert_eq!(
        crowd.requests_to("DELETE", "/api/2.0/people/guests").len(),
        6
    );
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
    assert_eq!(crowd.portal.user(&not_mine).map(|u| u.status), Some(1));
}

#[test]
fn all_refused_is_exit_4() {
    let crowd = crowd(0);
    let theirs: Vec<String> = (0..3)
        .map(|i| {
            crowd
                .portal
                .someone_elses_guest(&format!("t{i}@example.com"))
        })
        .collect();
    let mut args = vec!["delete"];
    args.extend(theirs.iter().map(String::as_str));
    let out = crowd.tool(&args).run();
    out.assert_error(4, "none of the 3 guests were removed");
    out.assert_stdout_ends_with("0 removed, 3 failed\n");
}

#[test]
fn emails_are_looked_up_and_bad_ones_fail_alone() {
    let crowd = crowd(2);
    let out = crowd
        .tool(&[
            "delete",
            "--email",
            "G0000@example.com",
            "--email",
            "nobody@example.com",
            "--email",
            "dan@example.com",
            &crowd.guests[0],
        ])
        .run();
    out.assert_error(5, "2 of 3 guests were not removed");
    // Named twice, by id and by email: one guest, under the id given first.
    let removed = format!("Guest with ID {} deleted successfully.", crowd.guests[0]);
    out.assert_stdout_has(&removed);
    out.assert_stdout_has("Guest nobody@example.com not deleted: no user has this email (404)");
    out.assert_stdout_has("Guest dan@example.com not deleted: is not a guest");
    // The email and the id are one guest: one DELETE with one id.
    let deletes = crowd.requests_to("DELETE", "/api/2.0/people/guests");
    assert_eq!(deletes.len(), 1);
    assert_eq!(
        json_of(&deletes[0].body)["userIds"],
        json!([crowd.guests[0]])
    );
    let lookups = crowd.requests_to("GET", "/api/2.0/people/email");
    assert_eq!(lookups.len(), 3);
    assert_eq!(
        lookups[0].param("email").as_deref(),
        Some("G0000@example.com")
    );
    assert_eq!(
        crowd.portal.guest_list(&crowd.admin),
        [crowd.guests[1].clone()]
    );
}

#[test]
fn dry_run_sends_no_write() {
    let crowd = crowd(3);
    let out = crowd
        .tool(&[
            "delete",
            "--dry-run",
            "--batch-size",
            "2",
            "--email",
            "g0000@example.com",
            &crowd.guests[1],
            &crowd.guests[2],
        ])
        .run();
    out.assert_exit(0);
    assert_eq!(
        out.stdout.matches("Would send: DELETE ").count(),
        2,
        "{}",
        out.stdout
    );
    out.assert_stdout_has(&format!("{}/api/2.0/people/guests", crowd.portal.url()));
    out.assert_stdout_has(&format!(
        "\"userIds\":[\"{}\",\"{}\"]",
        crowd.guests[1], crowd.guests[2]
    ));
    out.assert_stdout_has("authorization: Bearer sk-…");
    out.assert_stdout_lacks(&crowd.key);
    out.assert_stdout_ends_with("3 would be removed, 0 failed\n");
    assert!(
        crowd.portal.requests().iter().all(|r| r.method == "GET"),
        "only the lookup"
    );
    assert_eq!(crowd.portal.guest_list(&crowd.admin).len(), 3);

    let demo = FakePortal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &short, &["--dry-run", "--json"]).run();
    out.assert_exit(0);
    let planned: Vec<Value> = out.stdout.lines().map(json_of).collect();
    assert_eq!(planned.len(), 2);
    assert_eq!(planned[0]["op"], "approve");
    assert_eq!(planned[0]["dry_run"], true);
    assert_eq!(planned[0]["request"]["method"], "POST");
    assert_eq!(
        planned[0]["request"]["headers"]["confirm"]
            .as_str()
            .map(|c| c.contains("key=…")),
        Some(true)
    );
    assert_eq!(planned[1]["op"], "delete");
    assert_eq!(planned[1]["request"]["method"], "DELETE");
    assert!(
        planned
            .iter()
            .all(|p| p["status"].is_null() && p["ok"] == true)
    );
    assert!(demo.portal.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn json_lines_carry_op_ok_status_and_data() {
    let crowd = crowd(1);
    let not_mine = crowd.portal.someone_elses_guest("nm@example.com");
    let out = crowd
        .tool(&["delete", "--json", &crowd.guests[0], &not_mine])
        .run();
    out.assert_exit(5);
    let records: Vec<Value> = out.stdout.lines().map(json_of).collect();
    assert_eq!(records.len(), 3, "{}", out.stdout);
    assert_eq!(records[0]["op"], "delete");
    assert_eq!(records[0]["ok"], true);
    assert_eq!(records[0]["status"], 200);
    assert_eq!(records[0]["id"], json!(crowd.guests[0]));
    assert_eq!(records[1]["ok"], false);
    assert_eq!(records[1]["status"], 403);
    assert_eq!(records[1]["id"], json!(not_mine));
    assert!(
        records[1]["error"]
            .as_str()
            .unwrap()
            .contains("Access denied")
    );
    assert_eq!(
        records[2],
        json!({"op": "summary", "ok": false, "status": null, "removed": 1, "failed": 1,
            "not_confirmed": 0, "not_attempted": 0, "unchanged": 0})
    );
    out.assert_stderr_has("1 of 2");

    let demo = FakePortal::demo();
    let link = demo.portal.full_url(&demo.link);
    let out = flow(&demo, "approve", &link, &["--json"]).run();
    out.assert_exit(0);
    let record = json_of(out.stdout.trim());
    assert_eq!(record["op"], "approve");
    assert_eq!(record["ok"], true);
    assert_eq!(record["status"], 200);
    assert_eq!(record["id"], json!(demo.guest));
    assert_eq!(record["email"], json!(demo.guest_email));
    assert_eq!(record["displayName"], "Jane O'Neil & Co");
}

#[test]
fn permanent_without_yes_and_without_a_terminal_is_refused() {
    let crowd = crowd(1);
    crowd
        .tool(&["delete", "--permanent", &crowd.guests[0]])
        .run()
        .assert_usage_error("--yes");
    assert!(crowd.portal.requests().is_empty());
}

#[test]
fn permanent_yes_disables_then_deletes_guests_only() {
    let crowd = crowd(3);
    let colleague = crowd
        .portal
        .add_user(Role::User, "Carl", "Colleague", "carl@example.com");
    let out = crowd
        .tool(&[
            "delete",
            "--permanent",
            "--yes",
            &crowd.guests[0],
            &crowd.guests[1],
            &colleague,
        ])
        .run();
    out.assert_error(5, "1 of 3");
    out.assert_stdout_has(&format!(
        "Guest with ID {} deleted permanently.",
        crowd.guests[0]
    ));
    out.assert_stdout_has(&format!(
        "Guest with ID {colleague} not deleted: not a guest"
    ));
    let writes: Vec<(String, String, Value)> = crowd
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method.clone(), r.path.clone(), json_of(&r.body)))
        .collect();
    let both = json!({ "userIds": [crowd.guests[0], crowd.guests[1]] });
    assert_eq!(
        writes,
        [
            (
                "PUT".into(),
                "/api/2.0/people/status/2".into(),
                both.clone()
            ),
            ("PUT".into(), "/api/2.0/people/delete".into(), both),
        ]
    );
    assert!(crowd.portal.user(&crowd.guests[0]).is_none());
    assert!(crowd.portal.user(&crowd.guests[2]).is_some());
    assert_eq!(
        crowd.portal.user(&colleague).map(|u| u.status),
        Some(1),
        "not disabled"
    );
}

#[test]
fn permanent_asks_on_a_terminal_and_takes_only_yes() {
    let crowd = crowd(2);
    // util-linux's script gives the tool a terminal; what we write is typed into it.
    let on_terminal = |id: &str, answer: &str| {
        let command = format!(
            "{} delete --permanent {id}",
            env!("CARGO_BIN_EXE_docspace-guest")
        );
        let mut child = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("DOCSPACE_URL", crowd.portal.url())
            .env("DOCSPACE_API_KEY", &crowd.key)
            .env("XDG_STATE_HOME", state_home())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("script (util-linux)");
        // Typed only once the question is there, as a person would.
        let mut stdout = child.stdout.take().unwrap();
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !String::from_utf8_lossy(&seen).contains("Type 'yes'") {
            assert_eq!(
                std::io::Read::read(&mut stdout, &mut byte).unwrap(),
                1,
                "no question: {}",
                String::from_utf8_lossy(&seen)
            );
            seen.push(byte[0]);
        }
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answer.as_bytes())
            .unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        (
            child.wait().unwrap().code(),
            format!("{}{rest}", String::from_utf8_lossy(&seen)),
        )
    };
    let (code, text) = on_terminal(&crowd.guests[0], "no\n");
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("Permanently delete 1 guest account(s)?"));
    assert!(text.contains("not confirmed"), "{text}");
    assert!(crowd.portal.user(&crowd.guests[0]).is_some());
    assert!(crowd.portal.requests().iter().all(|r| r.method == "GET"));

    let (code, text) = on_terminal(&crowd.guests[1], "yes\n");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("deleted permanently"), "{text}");
    assert!(crowd.portal.user(&crowd.guests[1]).is_none());
}

#[test]
fn an_interrupted_batch_reports_exactly_what_was_done() {
    let crowd = crowd(250);
    // The first request passes; then the portal drops every connection unanswered.
    crowd
        .portal
        .fault("/api/2.0/people/guests", 1, 1000, Answer::Hangup);
    let file = write_temp("cut", crowd.guests.join("\n"));
    let out = crowd
        .tool(&["delete", "--retries", "0", "--from", file.to_str().unwrap()])
        .run();
    out.assert_error(5, "150 of 250 guests were not removed");
    let confirmed: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| {
            l.strip_prefix("Guest with ID ")?
                .strip_suffix(" deleted successfully.")
        })
        .collect();
    assert_eq!(confirmed, crowd.guests[..100]);
    // What the output calls done is what the portal did.
    let left = crowd.portal.guest_list(&crowd.admin);
    assert_eq!(left, crowd.guests[100..]);
    assert_eq!(out.stdout.matches("not confirmed: no answer").count(), 100);
    assert_eq!(out.stdout.matches("not deleted: not attempted").count(), 50);
    out.assert_stdout_ends_with("100 removed, 150 failed (100 not confirmed, 50 not attempted)\n");
}

#[test]
fn a_connection_lost_while_retrying_one_by_one_leaves_nothing_unaccounted() {
    let crowd = crowd(2);
    let not_mine = crowd.portal.someone_elses_guest("nm@example.com");
    // The list is refused whole, the first id alone goes through, then the portal is gone.
    crowd
        .portal
        .fault("/api/2.0/people/guests", 2, 1000, Answer::Hangup);
    let (first, second) = (&crowd.guests[0], &crowd.guests[1]);
    let out = crowd
        .tool(&["delete", "--retries", "0", first, &not_mine, second])
        .run();
    out.assert_error(5, "2 of 3 guests were not removed");
    out.assert_stdout_has(&format!("Guest with ID {first} deleted successfully."));
    out.assert_stdout_has(&format!(
        "Guest with ID {not_mine} not deleted: not confirmed"
    ));
    out.assert_stdout_has(&format!(
        "Guest with ID {second} not deleted: not attempted"
    ));
    out.assert_stdout_ends_with("1 removed, 2 failed (1 not confirmed, 1 not attempted)\n");
    assert_eq!(
        crowd.portal.guest_list(&crowd.admin),
        std::slice::from_ref(second)
    );
}
