//! list: paging, the table and JSON lines, filters, feeding delete, and a closed pipe.

use std::process::Command;

use serde_json::json;

use crate::util::{crowd, json_of};
use fake_portal::Role;

#[test]
fn list_pages_through_250_guests_on_one_connection() {
    let crowd = crowd(250);
    let out = crowd.tool(&["list", "-q"]).run();
    out.assert_exit(0);
    assert_eq!(out.stdout.lines().collect::<Vec<_>>(), crowd.guests);
    let pages = crowd.requests_to("GET", "/api/2.0/people/filter");
    let starts: Vec<String> = pages
        .iter()
        .map(|r| r.param("startIndex").unwrap())
        .collect();
    assert_eq!(starts, ["0", "100", "200"]);
    assert!(
        pages
            .iter()
            .all(|r| r.param("count").as_deref() == Some("100")
                && r.param("area").as_deref() == Some("Guests"))
    );
    assert!(
        pages.iter().all(|r| r.connection == pages[0].connection),
        "one connection"
    );
}

#[test]
fn a_long_table_is_aligned_on_its_first_rows_and_streamed() {
    let crowd = crowd(250);
    let out = crowd.tool(&["list"]).run();
    out.assert_exit(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 252, "header, 250 rows, count");
    assert!(lines[0].starts_with("ID ") && lines[251] == "250 guests");
    let email_at = lines[0].find("EMAIL").unwrap();
    for (line, id) in lines[1..251].iter().zip(&crowd.guests) {
        assert!(line.starts_with(id.as_str()));
        assert_eq!(
            line.find("@example.com").map(|at| at - 5),
            Some(email_at),
            "{line}"
        );
    }
}

#[test]
fn list_shows_a_table_and_json_lines() {
    let crowd = crowd(3);
    crowd.portal.set_status(&crowd.guests[1], 2);
    let out = crowd.tool(&["list"]).run();
    out.assert_exit(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", out.stdout);
    assert!(lines[0].starts_with("ID"));
    let email_column = lines[0].find("EMAIL").unwrap();
    for (line, guest) in lines[1..4].iter().zip(&crowd.guests) {
        assert!(line.starts_with(guest.as_str()));
        assert_eq!(
            line.find("@example.com").map(|at| at > email_column),
            Some(true)
        );
        assert_eq!(
            &line[email_column..email_column + 1],
            "g",
            "aligned: {line}"
        );
    }
    assert!(lines[2].contains("disabled") && lines[1].contains("pending"));
    assert_eq!(lines[4], "3 guests");

    let out = crowd.tool(&["list", "--json"]).run();
    out.assert_exit(0);
    for (line, guest) in out.stdout.lines().zip(&crowd.guests) {
        let record = json_of(line);
        assert_eq!(record["op"], "list");
        assert_eq!(record["ok"], true);
        assert_eq!(record["status"], 200);
        assert_eq!(record["id"], json!(guest));
        assert_eq!(record["guest"]["isVisitor"], true);
    }
}

#[test]
fn list_filters_go_to_the_portal_as_query_parameters() {
    let crowd = crowd(2);
    let other = crowd
        .portal
        .add_user(Role::Admin, "Olga", "Other", "olga@example.com");
    let hers = crowd
        .portal
        .invite_guest(&other, "Zoë", "O'Neil & Co", "zoe@example.com");
    crowd.portal.set_status(&hers, 2);
    let out = crowd
        .tool(&[
            "list",
            "-q",
            "--search",
            "o'neil & co",
            "--inviter",
            &other.to_uppercase(),
            "--status",
            "disabled",
        ])
        .run();
    out.assert_exit(0);
    assert_eq!(out.stdout, format!("{hers}\n"));
    let request = &crowd.requests_to("GET", "/api/2.0/people/filter")[0];
    assert_eq!(request.param("filterValue").as_deref(), Some("o'neil & co"));
    assert!(
        request.query.contains("filterValue=o%27neil%20%26%20co"),
        "{}",
        request.query
    );
    assert_eq!(request.param("inviterId"), Some(other));
    assert_eq!(request.param("employeeStatus").as_deref(), Some("2"));

    crowd
        .tool(&["list", "--status", "gone"])
        .run()
        .assert_usage_error("--status");
    crowd
        .tool(&["list", "--inviter", "x"])
        .run()
        .assert_usage_error("--inviter");
}

#[test]
fn list_quiet_feeds_delete_from_stdin() {
    let crowd = crowd(120);
    let listed = crowd.tool(&["list", "-q"]).run();
    listed.assert_exit(0);
    let out = crowd
        .tool(&["delete", "--from", "-", "-q"])
        .stdin(&listed.stdout)
        .run();
    out.assert_exit(0);
    assert_eq!(out.stdout, "", "quiet delete prints nothing");
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let crowd = crowd(1500);
    let script = format!(
        "{} list --json | head -n 1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_docspace-guest")
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env_clear()
        .env("DOCSPACE_URL", crowd.portal.url())
        .env("DOCSPACE_API_KEY", &crowd.key)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "no panic, no message"
    );
}
