//! certify: a review round over several owners' rooms, sheets returned the way
//! spreadsheets save them, the checks that stop apply before anything is sent, apply
//! per sheet with an owner's own key, its record and its evidence.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::util::{Tool, api_requests, finished, json_of, signal, tool_as};
use fake_portal::{EDITING, FakePortal, READ, ROOM_MANAGER, Role, RoomType};

/// Dan, a DocSpace admin, starts the round; Ann and Bob (room admins) own a room each,
/// Dan owns a third. Guests: g0 and g1 in Ann's room, g1 and g2 in Bob's, g3 in Dan's.
/// g0 and g2 have not signed in since March; g1 and g3 signed in two days ago.
struct Round {
    portal: FakePortal,
    admin_key: String,
    ann_key: String,
    bob_key: String,
    dan: String,
    ann: String,
    bob: String,
    guests: Vec<String>,
    rooms: [u64; 3],
    dir: PathBuf,
    state: PathBuf,
}

fn round(name: &str) -> Round {
    let portal = FakePortal::start();
    let dan = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let ann = portal.add_user(Role::RoomAdmin, "Ann", "Owner", "Ann@Example.com");
    let bob = portal.add_user(Role::RoomAdmin, "Bob", "Owner", "bob@example.com");
    let scopes = ["rooms:read", "rooms:write", "accounts:read"];
    let (admin_key, ann_key, bob_key) = (
        portal.add_api_key(&dan, &["*:write"]),
        portal.add_api_key(&ann, &scopes),
        portal.add_api_key(&bob, &scopes),
    );
    let guests: Vec<String> = (0..4)
        .map(|i| portal.invite_guest(&dan, "Guest", &format!("No{i}"), &format!("g{i}@ext.org")))
        .collect();
    portal.signed_in_days_ago(&dan, 60);
    portal.signed_in_days_ago(&guests[1], 2);
    portal.signed_in_days_ago(&guests[3], 2);
    let a = portal.add_room(&ann, "Ann's room", RoomType::Custom);
    let b = portal.add_room(&bob, "Bob's room", RoomType::Custom);
    let c = portal.add_room(&dan, "Dan's room", RoomType::Custom);
    portal.add_member(a, &guests[0], READ, &ann);
    portal.add_member(a, &guests[1], READ, &ann);
    portal.add_member(b, &guests[1], EDITING, &bob);
    portal.add_member(b, &guests[2], READ, &bob);
    portal.add_member(c, &guests[3], READ, &dan);
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("certify-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("state")).unwrap();
    Round {
        portal,
        admin_key,
        ann_key,
        bob_key,
        dan,
        ann,
        bob,
        guests,
        rooms: [a, b, c],
        dir: base.join("round"),
        state: base.join("state"),
    }
}

impl Round {
    fn tool(&self, key: &str, args: &[&str]) -> Tool {
        tool_as(&self.portal, key, args).env("STATE_DIRECTORY", self.state.to_str().unwrap())
    }

    fn dir(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    fn start(&self) {
        self.tool(
            &self.admin_key,
            &[
                "certify",
                "start",
                "--out",
                self.dir(),
                "--due",
                "2026-12-31",
            ],
        )
        .run()
        .assert_exit(0);
    }

    fn sheet(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// `file` saved as Excel does in a European locale: a BOM, `;`, CRLF, the columns
    /// reordered and one added, decisions in mixed case with spaces; `decide` maps a
    /// guest id to its decision cell.
    fn answer(&self, file: &str, decide: &HashMap<&str, &str>) {
        let text = std::fs::read_to_string(self.sheet(file)).unwrap();
        let rows = parse_csv(text.trim_start_matches('\u{feff}'));
        let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
        let (room, guest, email) = (col("room_id"), col("guest_id"), col("guest_email"));
        let mut out = String::from("\u{feff}Decision;Notes;guest_email;GUEST_ID;room_id\r\n");
        for row in &rows[1..] {
            let decision = decide.get(row[guest].as_str()).copied().unwrap_or("");
            out.push_str(&format!(
                "{decision};checked by phone;{};{};{}\r\n",
                row[email], row[guest], row[room]
            ));
        }
        std::fs::write(self.sheet(file), out).unwrap();
    }

    fn puts(&self) -> Vec<fake_portal::Request> {
        api_requests(&self.portal)
            .into_iter()
            .filter(|r| r.method == "PUT")
            .collect()
    }
}

/// RFC 4180, enough for the sheets the tool writes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let (mut cells, mut cell, mut quoted) = (vec![], String::new(), false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"')
                }
                '"' => quoted = !quoted,
                ',' if !quoted => cells.push(std::mem::take(&mut cell)),
                c => cell.push(c),
            }
        }
        cells.push(cell);
        rows.push(cells);
    }
    rows
}

#[test]
fn start_writes_a_sheet_per_owner_with_recommendations_and_what_the_caller_can_apply() {
    let r = round("start");
    let run = r
        .tool(
            &r.admin_key,
            &["certify", "start", "--out", r.dir(), "--json"],
        )
        .run();
    run.assert_exit(0);
    let mut files: Vec<String> = std::fs::read_dir(&r.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "ann@example.com.csv",
            "bob@example.com.csv",
            "dan@example.com.csv",
            "round.json"
        ]
    );
    let ann = std::fs::read_to_string(r.sheet("ann@example.com.csv")).unwrap();
    assert!(ann.starts_with("\u{feff}room_id,room,guest_id,guest_email,guest_name,role,last_sign_in,recommendation,why,applicable,due,decision,comment\r\n"), "{ann}");
    let rows = parse_csv(ann.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 3, "{ann}");
    let g0 = rows.iter().find(|row| row[2] == r.guests[0]).unwrap();
    assert_eq!(g0[5], "Read");
    assert_eq!(g0[7], "remove", "no sign-in in 30 days: {g0:?}");
    assert_eq!(
        g0[9], "no: only the room's owner or a room manager can change its members",
        "a DocSpace admin who is neither gets no shortcut"
    );
    let g1 = rows.iter().find(|row| row[2] == r.guests[1]).unwrap();
    assert_eq!(g1[7], "keep");
    let dan = std::fs::read_to_string(r.sheet("dan@example.com.csv")).unwrap();
    assert!(dan.contains(",yes,"), "Dan owns his room: {dan}");

    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.dir.join("round.json")).unwrap()).unwrap();
    assert_eq!(round["portal"], r.portal.url().trim_end_matches('/'));
    let at = round["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["file"] == "ann@example.com.csv")
        .unwrap();
    let sheet = &round["sheets"][at];
    let given: Vec<_> = round["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row[0] == at)
        .collect();
    assert_eq!(given.len(), 2, "{given:?}");
    assert!(
        given
            .iter()
            .all(|row| row[1] == r.rooms[0] && row[3] == READ)
    );
    let written = ring_hex(&std::fs::read(r.sheet("ann@example.com.csv")).unwrap());
    assert_eq!(sheet["sha256"], written.as_str());
    let sheets: Vec<_> = run
        .stdout
        .lines()
        .map(json_of)
        .filter(|l| l["op"] == "sheet")
        .collect();
    assert_eq!(sheets.len(), 3, "{}", run.stdout);

    // The reads: whoami, the history, the rooms, one member list per room, one
    // lookup per owner who is not the caller; nothing written.
    let requests = api_requests(&r.portal);
    let lookups: Vec<_> = requests
        .iter()
        .filter(|q| q.path.starts_with("/api/2.0/people/") && q.path != "/api/2.0/people/@self")
        .collect();
    assert_eq!(lookups.len(), 2, "{lookups:?}");
    let members = requests
        .iter()
        .filter(|q| q.path.ends_with("/share"))
        .count();
    assert_eq!(members, 3);
    assert!(requests.iter().all(|q| q.method == "GET"));

    r.tool(&r.admin_key, &["certify", "start", "--out", r.dir()])
        .run()
        .assert_error(2, "not empty");
}

fn ring_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[test]
fn a_round_applied_per_sheet_with_the_owners_key_then_again() {
    let r = round("whole");
    r.start();
    let decide = HashMap::from([
        (r.guests[0].as_str(), " REMOVE "),
        (r.guests[1].as_str(), "Keep"),
    ]);
    r.answer("ann@example.com.csv", &decide);
    let status = r.tool("", &["certify", "status", r.dir()]).run();
    status
        .assert_exit(0)
        .assert_stdout_has(
            "ann@example.com.csv (ann@example.com): 2 row(s): 1 keep, 1 remove, 0 undecided",
        )
        .assert_stdout_has(
            "bob@example.com.csv (bob@example.com): 2 row(s), no response (due 2026-12-31)",
        );

    let sheet = r.sheet("ann@example.com.csv");
    let apply = r
        .tool(
            &r.ann_key,
            &[
                "certify",
                "apply",
                r.dir(),
                "--sheet",
                sheet.to_str().unwrap(),
                "--no-response",
                "remove",
            ],
        )
        .run();
    apply.assert_exit(0).assert_stdout_has("1 removed");
    let puts = r.puts();
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert_eq!(
        puts[0].path,
        format!("/api/2.0/files/rooms/{}/share", r.rooms[0])
    );
    let body = json_of(&puts[0].body);
    assert_eq!(body["notify"], false);
    assert_eq!(
        body["invitations"],
        serde_json::json!([{ "id": r.guests[0], "access": 0 }])
    );
    let members = r.portal.room_members(r.rooms[0]);
    assert_eq!(
        members,
        [(r.guests[1].clone(), READ)],
        "g1 kept, g0 removed"
    );
    assert_eq!(
        r.portal.room_members(r.rooms[1]).len(),
        2,
        "Bob's sheet was not applied"
    );

    let files: Vec<String> = std::fs::read_dir(&r.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let record = files
        .iter()
        .find(|f| f.starts_with("record-"))
        .expect("a record");
    let text = std::fs::read_to_string(r.dir.join(record)).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(json_of).collect();
    assert_eq!(lines.len(), 3, "header, intent, outcome: {text}");
    assert_eq!(lines[1]["change"], "room_remove");
    assert_eq!(lines[1]["guest"], r.guests[0].as_str());
    assert_eq!(lines[1]["role"], READ);
    assert_eq!(lines[2]["outcome"], "done");
    let evidence = files
        .iter()
        .find(|f| f.starts_with("applied-") && f.ends_with(".jsonl"))
        .unwrap();
    let evidence = std::fs::read_to_string(r.dir.join(evidence)).unwrap();
    let head = json_of(evidence.lines().next().unwrap());
    assert_eq!(
        head["roundSha256"],
        ring_hex(&std::fs::read(r.dir.join("round.json")).unwrap()).as_str()
    );
    assert_eq!(
        head["sheets"][0]["returned"],
        ring_hex(&std::fs::read(&sheet).unwrap()).as_str()
    );
    assert!(
        evidence.contains(r#""decision":"remove","guest_email":"g0@ext.org""#),
        "{evidence}"
    );
    assert!(
        evidence.contains(r#""outcome":"removed","reason":"","#),
        "{evidence}"
    );
    assert!(evidence.contains(r#""decision":"keep""#), "{evidence}");

    // Again: nothing left to do, nothing sent.
    let again = r
        .tool(
            &r.ann_key,
            &[
                "certify",
                "apply",
                r.dir(),
                "--sheet",
                sheet.to_str().unwrap(),
                "--no-response",
                "remove",
            ],
        )
        .run();
    again.assert_exit(0).assert_stdout_has("already gone");
    assert_eq!(r.puts().len(), 1, "no second PUT");
}

/// The record apply wrote is the one restore reads. Ann, a room admin, removed g0
/// from her own room (an owner may, whoever invited the guest), but she cannot restore
/// it: g0 was invited by Dan, so Ann cannot look g0 up (not on her guest list, and
/// `people/{id}` answers 403), and restore puts back only someone the portal shows is
/// a guest. Dan, a DocSpace admin who sees every guest, and a manager of the room,
/// puts g0 back with the role the record holds.
#[test]
fn restore_from_the_record_puts_the_removals_back() {
    let r = round("restore");
    r.start();
    let decide = HashMap::from([(r.guests[0].as_str(), "remove")]);
    r.answer("ann@example.com.csv", &decide);
    let sheet = r.sheet("ann@example.com.csv");
    r.tool(
        &r.ann_key,
        &[
            "certify",
            "apply",
            r.dir(),
            "--sheet",
            sheet.to_str().unwrap(),
            "--no-response",
            "keep",
        ],
    )
    .run()
    .assert_exit(0);
    let record = std::fs::read_dir(&r.dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("record-")
        })
        .unwrap();
    let from = record.to_str().unwrap();
    let g0 = (r.guests[0].clone(), READ);
    assert!(!r.portal.room_members(r.rooms[0]).contains(&g0));

    let puts = r.puts().len();
    let refused = r.tool(&r.ann_key, &["restore", "--from", from]).run();
    refused
        .assert_exit(1)
        .assert_stdout_has("not a guest you can see");
    assert_eq!(
        r.puts().len(),
        puts,
        "nothing sent for a guest it cannot check"
    );

    r.portal
        .add_member(r.rooms[0], &r.dan, ROOM_MANAGER, &r.ann);
    r.tool(&r.admin_key, &["restore", "--from", from])
        .run()
        .assert_exit(0)
        .assert_stdout_has("restored to room");
    let members = r.portal.room_members(r.rooms[0]);
    assert!(members.contains(&g0), "g0 back with Read: {members:?}");
    assert!(
        members.contains(&(r.guests[1].clone(), READ)),
        "{members:?}"
    );
}

/// `--no-record`: apply keeps no record, in DIR or the state folder, and its evidence
/// says what the portal's answers said.
#[test]
fn apply_with_no_record_keeps_none_and_its_evidence_still_says_removed() {
    let r = round("no-record");
    r.start();
    let decide = HashMap::from([(r.guests[0].as_str(), "remove")]);
    r.answer("ann@example.com.csv", &decide);
    let sheet = r.sheet("ann@example.com.csv");
    let args = [
        "certify",
        "apply",
        r.dir(),
        "--sheet",
        sheet.to_str().unwrap(),
        "--no-response",
        "keep",
        "--no-record",
    ];
    r.tool(&r.ann_key, &args)
        .run()
        .assert_exit(0)
        .assert_stdout_has("1 removed");
    let files: Vec<String> = std::fs::read_dir(&r.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!files.iter().any(|f| f.starts_with("record-")), "{files:?}");
    assert!(
        !r.state.join("records").exists(),
        "no record in the state folder"
    );
    let evidence = files
        .iter()
        .find(|f| f.starts_with("applied-") && f.ends_with(".jsonl"))
        .unwrap();
    let evidence = std::fs::read_to_string(r.dir.join(evidence)).unwrap();
    assert!(evidence.contains(r#""outcome":"removed""#), "{evidence}");
    let head = json_of(evidence.lines().next().unwrap());
    assert!(head["record"].is_null(), "{head}");
    assert!(
        !r.portal
            .room_members(r.rooms[0])
            .contains(&(r.guests[0].clone(), READ))
    );
}

/// SIGTERM during apply, as during revoke: the room under way is finished and
/// recorded, the next is not attempted, the evidence still accounts for every row,
/// and the exit is 143.
#[test]
fn sigterm_during_apply_finishes_the_room_under_way_and_writes_the_evidence() {
    let r = round("sigterm");
    let second = r.portal.add_room(&r.ann, "Ann's second", RoomType::Custom);
    r.portal.add_member(second, &r.guests[2], READ, &r.ann);
    r.start();
    let decide = HashMap::from([
        (r.guests[0].as_str(), "remove"),
        (r.guests[2].as_str(), "remove"),
    ]);
    r.answer("ann@example.com.csv", &decide);
    let sheet = r.sheet("ann@example.com.csv");
    let hold = r.portal.hold("PUT", "/api/2.0/files/rooms/", 0);
    let args = [
        "certify",
        "apply",
        r.dir(),
        "--sheet",
        sheet.to_str().unwrap(),
        "--no-response",
        "keep",
    ];
    let child = r.tool(&r.ann_key, &args).spawn();
    assert!(hold.arrived_unless(|| false));
    signal(&child, libc::SIGTERM);
    hold.let_go();
    let (code, out) = finished(child);
    assert_eq!(code, Some(143), "{}", out.stderr);
    assert_eq!(r.puts().len(), 1, "nothing sent after the signal");
    assert!(out.stdout.contains("not attempted"), "{}", out.stdout);

    let files: Vec<String> = std::fs::read_dir(&r.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let record = files.iter().find(|f| f.starts_with("record-")).unwrap();
    let record = std::fs::read_to_string(r.dir.join(record)).unwrap();
    let lines: Vec<serde_json::Value> = record.lines().map(json_of).collect();
    assert_eq!(
        lines.len(),
        3,
        "header, the one intent, its outcome: {record}"
    );
    assert_eq!(lines[2]["outcome"], "done");
    let csv = files
        .iter()
        .find(|f| f.starts_with("applied-") && f.ends_with(".csv"))
        .unwrap();
    let csv = std::fs::read_to_string(r.dir.join(csv)).unwrap();
    assert_eq!(csv.matches(",removed,").count(), 1, "{csv}");
    assert_eq!(csv.matches(",not removed,").count(), 1, "{csv}");
}

#[test]
fn a_row_for_another_owners_room_or_an_unknown_word_stops_apply_before_anything_is_sent() {
    let r = round("refused");
    r.start();
    let sheet = r.sheet("ann@example.com.csv");
    let mut text = std::fs::read_to_string(&sheet).unwrap();
    // Bob's room, added to Ann's sheet.
    text.push_str(&format!(
        "{},Bob's room,{},g2@ext.org,,Read,,,,yes,,remove,\r\n",
        r.rooms[1], r.guests[2]
    ));
    let text = text.replacen(",,\r\n", ",maybe,\r\n", 1);
    std::fs::write(&sheet, text).unwrap();
    let status = r.tool("", &["certify", "status", r.dir()]).run();
    status
        .assert_exit(2)
        .assert_stderr_has("2 problem(s)")
        .assert_stderr_has("ann@example.com.csv:4: room")
        .assert_stderr_has("is not a row this sheet was given")
        .assert_stderr_has("ann@example.com.csv:2: unknown decision \"maybe\"");
    let before = api_requests(&r.portal).len();
    r.tool(
        &r.admin_key,
        &["certify", "apply", r.dir(), "--no-response", "keep"],
    )
    .run()
    .assert_exit(2)
    .assert_stderr_has("nothing was sent");
    assert_eq!(api_requests(&r.portal).len(), before, "not even a read");
    assert_eq!(r.portal.room_members(r.rooms[1]).len(), 2);

    // A round.json cut short is refused, never read as a smaller round.
    let round = std::fs::read_to_string(r.dir.join("round.json")).unwrap();
    std::fs::write(r.dir.join("round.json"), &round[..round.len() - 4]).unwrap();
    r.tool("", &["certify", "status", r.dir()])
        .run()
        .assert_error(2, "round.json: ends before its rows do (was it cut short?)");
    std::fs::write(r.dir.join("round.json"), round).unwrap();

    // A sheet saved as a workbook: named, never "no response".
    std::fs::write(r.sheet("bob@example.com.xlsx"), b"PK\x03\x04....").unwrap();
    std::fs::remove_file(r.sheet("bob@example.com.csv")).unwrap();
    r.tool("", &["certify", "status", r.dir()])
        .run()
        .assert_exit(2)
        .assert_stderr_has(
            "bob@example.com.xlsx: bob@example.com's sheet came back in another format",
        );
}

#[test]
fn a_missing_sheet_is_no_response_as_asked() {
    let r = round("missing");
    r.start();
    std::fs::remove_file(r.sheet("bob@example.com.csv")).unwrap();
    let sheet = r.sheet("bob@example.com.csv");
    let sheet = sheet.to_str().unwrap();
    r.tool("", &["certify", "status", r.dir()])
        .run()
        .assert_exit(0)
        .assert_stdout_has("bob@example.com.csv (bob@example.com): 2 row(s), no response");
    let apply = |how: &str| {
        r.tool(
            &r.bob_key,
            &[
                "certify",
                "apply",
                r.dir(),
                "--sheet",
                sheet,
                "--no-response",
                how,
                "--dry-run",
            ],
        )
        .run()
    };
    r.tool(&r.bob_key, &["certify", "apply", r.dir(), "--sheet", sheet])
        .run()
        .assert_error(2, "--no-response");
    apply("keep")
        .assert_exit(0)
        .assert_stdout_lacks("Would send");
    let all = apply("remove");
    all.assert_exit(0).assert_stdout_has("Would send: PUT");
    assert!(
        all.stdout.contains(&r.guests[1]) && all.stdout.contains(&r.guests[2]),
        "{}",
        all.stdout
    );
    let recommended = apply("recommendation");
    recommended.assert_exit(0);
    assert!(
        recommended.stdout.contains(&r.guests[2])
            && !recommended.stdout.contains(&format!("\"{}\"", r.guests[1])),
        "only g2, who has not signed in: {}",
        recommended.stdout
    );
    assert!(r.puts().is_empty(), "a dry run sends nothing");
    let files = std::fs::read_dir(&r.dir).unwrap().count();
    assert_eq!(files, 3, "a dry run writes no evidence and no record");
}

#[test]
fn role_changed_already_gone_and_the_brake() {
    let r = round("changed");
    r.start();
    let sheet = r.sheet("bob@example.com.csv");
    let sheet = sheet.to_str().unwrap();
    // After the start: g1's role in Bob's room changes, g2 leaves it.
    r.tool(
        &r.bob_key,
        &[
            "certify",
            "apply",
            r.dir(),
            "--sheet",
            sheet,
            "--no-response",
            "remove",
            "--max",
            "1",
        ],
    )
    .run()
    .assert_exit(2)
    .assert_stderr_has("apply would remove 2 room memberships, more than --max 1");
    assert!(r.puts().is_empty());
    let b = r.rooms[1];
    let (g1, g2) = (r.guests[1].clone(), r.guests[2].clone());
    r.portal.remove_member(b, &g1);
    r.portal.add_member(b, &g1, READ, &g1);
    r.portal.remove_member(b, &g2);
    let run = r
        .tool(
            &r.bob_key,
            &[
                "certify",
                "apply",
                r.dir(),
                "--sheet",
                sheet,
                "--no-response",
                "remove",
            ],
        )
        .run();
    run.assert_exit(5)
        .assert_stdout_has(
            "role changed from Editing to Read since the round started: review it again",
        )
        .assert_stdout_has("already gone");
    assert!(r.puts().is_empty(), "nothing left to send");
}

#[test]
fn the_admin_applies_only_what_it_may_and_never_to_another_portal() {
    let r = round("admin");
    r.start();
    let run = r
        .tool(
            &r.admin_key,
            &["certify", "apply", r.dir(), "--no-response", "remove"],
        )
        .run();
    run.assert_exit(5)
        .assert_stdout_has("only the room's owner or a room manager can remove members");
    let puts = r.puts();
    assert_eq!(puts.len(), 1, "only Dan's own room: {puts:?}");
    assert_eq!(
        puts[0].path,
        format!("/api/2.0/files/rooms/{}/share", r.rooms[2])
    );

    let other = FakePortal::start();
    let admin = other.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = other.add_api_key(&admin, &["*:write"]);
    tool_as(
        &other,
        &key,
        &["certify", "apply", r.dir(), "--no-response", "keep"],
    )
    .env("STATE_DIRECTORY", r.state.to_str().unwrap())
    .run()
    .assert_exit(2)
    .assert_stderr_has("this round was started on");
}

#[test]
fn a_disabled_owner_the_inviter_and_a_room_admins_round() {
    let r = round("reviewers");
    r.portal.set_status(&r.bob, 2);
    let only = |dir: &Path| {
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        files
    };
    let out = |name: &str| r.dir.with_file_name(name);
    let fallback = ["--fallback-reviewer", "audit@example.com"];
    let dir = out("owners");
    let mut args = vec!["certify", "start", "--out", dir.to_str().unwrap()];
    args.extend(fallback);
    r.tool(&r.admin_key, &args).run().assert_exit(0);
    assert_eq!(
        only(&dir),
        ["ann@example.com.csv", "audit@example.com.csv", "round.json"],
        "Bob is disabled and Dan is the caller"
    );

    // By inviter: g1 was invited by Ann, the others by Dan (the caller).
    let inviter = r
        .portal
        .invite_guest(&r.ann, "Ivy", "Invited", "ivy@ext.org");
    r.portal.add_member(r.rooms[1], &inviter, READ, &r.bob);
    let dir = out("inviters");
    let mut args = vec![
        "certify",
        "start",
        "--out",
        dir.to_str().unwrap(),
        "--reviewer",
        "inviter",
    ];
    args.extend(fallback);
    r.tool(&r.admin_key, &args).run().assert_exit(0);
    assert_eq!(
        only(&dir),
        ["ann@example.com.csv", "audit@example.com.csv", "round.json"]
    );
    let ann = std::fs::read_to_string(dir.join("ann@example.com.csv")).unwrap();
    assert_eq!(ann.lines().count(), 2, "Ivy's one row: {ann}");
    assert!(ann.contains("ivy@ext.org"));

    // Ann, a room admin, reviews her own room: no login history for her.
    let dir = out("ann");
    r.tool(
        &r.ann_key,
        &["certify", "start", "--out", dir.to_str().unwrap()],
    )
    .run()
    .assert_exit(0);
    let rows = parse_csv(
        std::fs::read_to_string(dir.join("ann@example.com.csv"))
            .unwrap()
            .trim_start_matches('\u{feff}'),
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[1..].iter().all(|row| row[7].is_empty()
        && row[8].contains("the login history needs a DocSpace admin")
        && row[9] == "yes"));
}

#[test]
fn a_sheet_saved_as_windows_1252_reads_back() {
    let r = round("cp1252");
    r.start();
    let sheet = r.sheet("dan@example.com.csv");
    let text = std::fs::read_to_string(&sheet).unwrap();
    let rows = parse_csv(text.trim_start_matches('\u{feff}'));
    // "Entfernen" would be a problem; the comment holds a Windows-1252 "é" and "€".
    let mut bytes = b"room_id;guest_id;comment;decision\r\n".to_vec();
    bytes.extend(format!("{};{};", rows[1][0], rows[1][2]).as_bytes());
    bytes.extend(b"caf\xe9 \x80;'-remove\r\n");
    std::fs::write(&sheet, &bytes).unwrap();
    r.tool("", &["certify", "status", r.dir()])
        .run()
        .assert_exit(2)
        .assert_stderr_has("dan@example.com.csv:2: unknown decision \"-remove\"");
    bytes.truncate(bytes.len() - "'-remove\r\n".len());
    bytes.extend(b"Remove\n");
    std::fs::write(&sheet, &bytes).unwrap();
    r.tool("", &["certify", "status", r.dir()])
        .run()
        .assert_exit(0)
        .assert_stdout_has("dan@example.com.csv (dan@example.com): 1 row(s): 0 keep, 1 remove");
}
