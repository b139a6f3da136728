//! access, revoke and restore against the fake portal's rooms: what is asked on the
//! wire (subjectFilter=1, searchArea=2, no sortBy, one PUT per room with access 0 as a
//! number, notify false, ids only), every refusal of the fact sheet worded as the issue
//! says, --csv read back by an RFC 4180 reader, and a connection lost in the middle.

use serde_json::{Value, json};

use crate::util::{Tool, json_of, tool_as, write_temp};
use fake_portal::{
    Answer, EDITING, FakePortal, READ, ROOM_MANAGER, Release, Request, Response, Role, RoomType,
};

/// A DocSpace admin (with a rooms key) who owns rooms, and guests it invited.
struct Estate {
    portal: FakePortal,
    admin: String,
    key: String,
    guests: Vec<String>,
}

fn estate(guests: usize) -> Estate {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["rooms:read", "rooms:write", "accounts:read"]);
    let guests = (0..guests)
        .map(|i| {
            portal.invite_guest(
                &admin,
                "Guest",
                &format!("No{i}"),
                &format!("g{i}@example.com"),
            )
        })
        .collect();
    Estate {
        portal,
        admin,
        key,
        guests,
    }
}

impl Estate {
    fn tool(&self, args: &[&str]) -> Tool {
        tool_as(&self.portal, &self.key, args)
    }

    /// A room the admin owns, with these guests as members with `role`.
    fn room(&self, title: &str, kind: RoomType, members: &[usize], role: u8) -> u64 {
        let room = self.portal.add_room(&self.admin, title, kind);
        for &i in members {
            self.portal
                .add_member(room, &self.guests[i], role, &self.admin);
        }
        room
    }

    /// Rita, a room admin, and her key for rooms.
    fn room_admin(&self) -> (String, String) {
        let ra = self
            .portal
            .add_user(Role::RoomAdmin, "Rita", "RoomAdmin", "rita@example.com");
        let key = self
            .portal
            .add_api_key(&ra, &["rooms:read", "rooms:write", "accounts:read"]);
        (ra, key)
    }

    fn puts(&self) -> Vec<Request> {
        self.portal
            .requests()
            .into_iter()
            .filter(|r| r.method == "PUT")
            .collect()
    }

    fn members(&self, room: u64) -> Vec<String> {
        self.portal
            .room_members(room)
            .into_iter()
            .map(|(user, _)| user)
            .collect()
    }
}

/// Every request the tool made is one a careful client makes: no `sortBy` (it would
/// become the caller's saved order), `subjectFilter=1` with every `subjectId`, and PUT
/// bodies with ids and numeric roles only, `notify: false`.
fn assert_wire_is_clean(estate: &Estate) {
    assert_eq!(estate.portal.saved_sort(), None);
    for request in estate.portal.requests() {
        assert!(!request.query.contains("sortBy"), "{}", request.query);
        if request.param("subjectId").is_some() {
            assert_eq!(request.param("subjectFilter").as_deref(), Some("1"));
            assert_eq!(request.param("searchArea").as_deref(), Some("2"));
        }
        if request.method == "PUT" {
            let body = json_of(&request.body);
            assert_eq!(body["notify"], json!(false), "{body}");
            for entry in body["invitations"].as_array().unwrap() {
                assert!(entry["access"].is_u64(), "{entry}");
                assert!(entry.get("email").is_none(), "{entry}");
            }
        }
    }
    assert_eq!(estate.portal.room_invitations(), [], "an invitation event");
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines().map(json_of).collect()
}

#[test]
fn access_lists_each_room_of_a_guest_with_role_owner_and_archive() {
    let estate = estate(2);
    let a = estate.room("Alpha", RoomType::Custom, &[0, 1], READ);
    let b = estate.room("Beta", RoomType::Editing, &[0], EDITING);
    estate.portal.archive_room(b);
    estate.room("Gamma", RoomType::Custom, &[1], READ);
    let out = estate.tool(&["access", &estate.guests[0]]).run();
    out.assert_exit(0);
    out.assert_stdout_starts_with("GUEST ");
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with(&estate.guests[0]))
        .collect();
    assert_eq!(rows.len(), 2, "{}", out.stdout);
    assert!(
        rows[0].contains(&format!("{a}  Alpha"))
            && rows[0].contains("Read")
            && rows[0].contains("Dan Admin")
            && rows[0].contains("active"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("Beta") && rows[1].contains("Editing") && rows[1].contains("archived"),
        "{}",
        rows[1]
    );
    out.assert_stdout_has("2 direct room membership(s) of guests");
    // A DocSpace admin is not told the answer is partial.
    out.assert_stderr_lacks("covers only");
    // One room list for the guest, one member list per room.
    let rooms: Vec<Request> = estate
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/2.0/files/rooms")
        .collect();
    assert_eq!(rooms.len(), 1);
    assert_eq!(
        rooms[0].param("subjectId").as_deref(),
        Some(estate.guests[0].as_str())
    );
    assert_wire_is_clean(&estate);
}

#[test]
fn access_by_room_lists_its_guests_and_never_the_owner_entry() {
    let estate = estate(3);
    let room = estate.room("Alpha", RoomType::Custom, &[0, 2], READ);
    let colleague = estate
        .portal
        .add_user(Role::User, "Col", "League", "col@example.com");
    estate
        .portal
        .add_member(room, &colleague, EDITING, &estate.admin);
    let out = estate
        .tool(&["access", "--room", &room.to_string(), "--json"])
        .run();
    out.assert_exit(0);
    let lines = json_lines(&out.stdout);
    let pairs: Vec<&Value> = lines.iter().filter(|l| l["op"] == "access").collect();
    let guests: Vec<&str> = pairs
        .iter()
        .map(|p| p["guest"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        guests,
        [estate.guests[0].as_str(), estate.guests[2].as_str()]
    );
    assert_eq!(
        pairs[0]["room"],
        json!({ "id": room, "title": "Alpha", "archived": false, "sharedExternal": false })
    );
    assert_eq!(pairs[0]["role"], "Read");
    assert_eq!(pairs[0]["owner"]["id"], estate.admin);
    assert_eq!(lines.last().unwrap()["memberships"], 2);
}

#[test]
fn access_map_flags_external_links_and_reads_each_page_once_for_many_guests() {
    let estate = estate(8);
    let shared = estate.room("Shared", RoomType::Public, &[0], READ);
    estate.portal.share_externally(shared);
    for i in 0..150 {
        estate.room(&format!("R{i}"), RoomType::Custom, &[i % 8], READ);
    }
    // Eight guests: more than a handful, so the map is read once, not per guest.
    let mut args = vec!["access"];
    args.extend(estate.guests.iter().map(String::as_str));
    let out = estate.tool(&args).run();
    out.assert_exit(0);
    out.assert_stdout_has(
        "151 direct room membership(s) of guests; 1 in rooms that also have external links",
    );
    let shared_row = out.stdout.lines().find(|l| l.contains("Shared")).unwrap();
    assert!(shared_row.trim_end().ends_with("external"), "{shared_row}");
    let pages: Vec<Request> = estate
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/2.0/files/rooms")
        .collect();
    assert_eq!(pages.len(), 2, "two pages of 100 rooms");
    assert!(
        pages
            .iter()
            .all(|p| p.param("subjectId").is_none() && p.param("count").as_deref() == Some("100"))
    );
    let connections: std::collections::BTreeSet<usize> = estate
        .portal
        .requests()
        .iter()
        .map(|r| r.connection)
        .collect();
    assert_eq!(connections.len(), 1);
    assert_wire_is_clean(&estate);
}

#[test]
fn a_room_admin_is_told_the_answer_covers_their_rooms_only() {
    let estate = estate(1);
    let (ra, key) = estate.room_admin();
    estate.room("Not hers", RoomType::Custom, &[0], READ);
    let hers = estate.portal.add_room(&ra, "Hers", RoomType::Custom);
    estate.portal.add_member(hers, &estate.guests[0], READ, &ra);
    let out = tool_as(&estate.portal, &key, &["access"]).run();
    out.assert_exit(0);
    out.assert_stderr_has("this covers only the rooms you can see (you are a room admin); a DocSpace admin sees every room");
    assert_eq!(out.stderr.lines().count(), 1);
    out.assert_stdout_has("Hers")
        .assert_stdout_lacks("Not hers");
}

#[test]
fn access_without_the_rooms_scope_names_it() {
    let estate = estate(1);
    let key = estate.portal.add_api_key(&estate.admin, &["accounts:read"]);
    let out = tool_as(&estate.portal, &key, &["access"]).run();
    out.assert_error(4, "the API key lacks the rooms:read scope (its scopes: accounts:read); use a key with rooms:read (or *:read)");
}

/// RFC 4180: fields separated by commas, quoted fields with doubled quotes, CRLF.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CR without LF"),
            (false, '\n') => panic!("a bare LF ends a record: {text:?}"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record lacks its CRLF"
    );
    records
}

#[test]
fn csv_of_access_list_and_review_reads_back_with_formulas_made_text() {
    let estate = estate(0);
    let hostile = estate.portal.invite_guest(
        &estate.admin,
        "=HYPERLINK(\"http://x\"",
        "\"Quoted\", Co",
        "h@example.com",
    );
    let plain = estate
        .portal
        .invite_guest(&estate.admin, "Ann", "Plain", "ann@example.com");
    let room = estate
        .portal
        .add_room(&estate.admin, "@Budget, 2026", RoomType::Custom);
    estate
        .portal
        .add_member(room, &hostile, READ, &estate.admin);
    estate
        .portal
        .add_member(room, &plain, EDITING, &estate.admin);

    let out = estate
        .tool(&["access", "--csv", "--room", &room.to_string()])
        .run();
    out.assert_exit(0);
    let records = read_csv(&out.stdout);
    assert_eq!(
        records[0],
        [
            "GUEST", "EMAIL", "NAME", "ROOM", "TITLE", "ROLE", "OWNER", "STATE", "LINKS"
        ]
    );
    assert_eq!(records.len(), 3);
    assert_eq!(records[1][0], hostile);
    assert_eq!(records[1][2], "'=HYPERLINK(\"http://x\" \"Quoted\", Co");
    assert_eq!(records[1][4], "'@Budget, 2026");
    assert_eq!(records[2][2], "Ann Plain");
    assert_eq!(records[2][5], "Editing");

    // The same guests by list and review, with the accounts key.
    let key = estate.portal.add_api_key(&estate.admin, &["accounts:read"]);
    let list = tool_as(&estate.portal, &key, &["list", "--csv"]).run();
    list.assert_exit(0);
    let records = read_csv(&list.stdout);
    assert_eq!(records[0], ["ID", "EMAIL", "NAME", "STATUS", "REGISTERED"]);
    assert_eq!(records[1][2], "'=HYPERLINK(\"http://x\" \"Quoted\", Co");
    let review = tool_as(
        &estate.portal,
        &key,
        &["review", "--older-than", "1", "--csv"],
    )
    .run();
    review.assert_exit(0);
    let records = read_csv(&review.stdout);
    assert_eq!(records[0][6], "WHY");
    assert_eq!(records.len(), 3, "{}", review.stdout);
    // No rows: still the header.
    let empty = estate
        .tool(&[
            "access",
            "--csv",
            "--room",
            &estate
                .portal
                .add_room(&estate.admin, "Empty", RoomType::Custom)
                .to_string(),
        ])
        .run();
    assert_eq!(read_csv(&empty.stdout).len(), 1);
}

#[test]
fn revoke_sends_one_put_per_room_with_every_guest_of_it_and_proves_each() {
    let estate = estate(3);
    let a = estate.room("Alpha", RoomType::Custom, &[0, 1, 2], READ);
    let b = estate.room("Beta", RoomType::Custom, &[0, 1, 2], EDITING);
    let out = estate
        .tool(&[
            "revoke",
            &estate.guests[0],
            &estate.guests[1],
            "--room",
            &a.to_string(),
            "--room",
            &b.to_string(),
        ])
        .run();
    out.assert_exit(0);
    let puts = estate.puts();
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].path, format!("/api/2.0/files/rooms/{a}/share"));
    assert_eq!(
        json_of(&puts[0].body),
        json!({ "invitations": [{ "id": estate.guests[0], "access": 0 }, { "id": estate.guests[1], "access": 0 }], "notify": false })
    );
    assert_eq!(
        json_of(&puts[1].body)["invitations"],
        json!([{ "id": estate.guests[0], "access": 0 }, { "id": estate.guests[1], "access": 0 }])
    );
    out.assert_stdout_has(&format!(
        "Guest {} <g0@example.com> removed from room {a} \"Alpha\" (was Read).",
        estate.guests[0]
    ));
    out.assert_stdout_has(&format!("removed from room {b} \"Beta\" (was Editing)."));
    out.assert_stdout_ends_with("4 removed, 0 not removed\n");
    assert_eq!(estate.members(a), [estate.guests[2].clone()]);
    assert_eq!(estate.members(b), [estate.guests[2].clone()]);
    assert_wire_is_clean(&estate);
}

#[test]
fn revoke_all_rooms_takes_a_guest_out_of_active_and_archived_rooms_and_skips_others() {
    let estate = estate(2);
    let a = estate.room("Alpha", RoomType::Custom, &[0, 1], READ);
    let b = estate.room("Beta", RoomType::Custom, &[0], READ);
    let c = estate.room("Gamma", RoomType::Custom, &[1], READ);
    estate.room("Empty", RoomType::Custom, &[], READ);
    let out = estate
        .tool(&["revoke", &estate.guests[0], "--all-rooms", "--json"])
        .run();
    out.assert_exit(0);
    let puts = estate.puts();
    let rooms: Vec<&str> = puts.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        rooms,
        [
            format!("/api/2.0/files/rooms/{a}/share"),
            format!("/api/2.0/files/rooms/{b}/share")
        ]
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["op"], "revoke");
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[0]["role"], "Read");
    assert_eq!(lines[0]["reason"], Value::Null);
    assert_eq!(
        lines[2],
        json!({ "op": "summary", "ok": true, "status": null, "removed": 2, "failed": 0,
            "not_confirmed": 0, "not_attempted": 0 })
    );
    assert_eq!(estate.members(a), [estate.guests[1].clone()]);
    assert_eq!(estate.members(c), [estate.guests[1].clone()]);
    // For one guest: its room list, a member list per room, a PUT per room.
    let reads = estate
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/2.0/files/"))
        .count();
    assert_eq!(reads, 1 + 2 + 2);
    assert_wire_is_clean(&estate);
}

#[test]
fn archived_rooms_and_rooms_you_do_not_manage_are_reported_and_never_sent() {
    let estate = estate(1);
    let archived = estate.room("Old", RoomType::Custom, &[0], READ);
    estate.portal.archive_room(archived);
    let other = estate
        .portal
        .add_user(Role::RoomAdmin, "Olga", "Other", "olga@example.com");
    let theirs = estate.portal.add_room(&other, "Theirs", RoomType::Custom);
    estate
        .portal
        .add_member(theirs, &estate.guests[0], READ, &other);
    let managed = estate.portal.add_room(&other, "Managed", RoomType::Custom);
    estate
        .portal
        .add_member(managed, &estate.admin, ROOM_MANAGER, &other);
    estate
        .portal
        .add_member(managed, &estate.guests[0], READ, &other);
    let out = estate
        .tool(&["revoke", &estate.guests[0], "--all-rooms"])
        .run();
    out.assert_error(5, "2 of 3 room memberships were not removed");
    out.assert_stdout_has(&format!("not removed from room {archived} \"Old\": archived rooms cannot be changed: restore the room, or have the person who added the guest remove them from their list"));
    out.assert_stdout_has(&format!("not removed from room {theirs} \"Theirs\": only the room's owner or a room manager can remove members"));
    out.assert_stdout_has(&format!(
        "removed from room {managed} \"Managed\" (was Read)."
    ));
    let puts = estate.puts();
    assert_eq!(puts.len(), 1, "only the managed room is sent");
    assert_eq!(estate.members(archived), [estate.guests[0].clone()]);
}

#[test]
fn all_refused_for_permission_is_exit_4_and_the_owner_and_non_members_are_never_sent() {
    let estate = estate(2);
    let archived = estate.room("Old", RoomType::Custom, &[0], READ);
    estate.portal.archive_room(archived);
    let out = estate
        .tool(&["revoke", &estate.guests[0], "--room", &archived.to_string()])
        .run();
    out.assert_error(4, "archived rooms cannot be changed");

    let room = estate.room("Alpha", RoomType::Custom, &[0], READ);
    let out = estate
        .tool(&[
            "revoke",
            &estate.guests[0],
            &estate.guests[1],
            &estate.admin,
            "--room",
            &room.to_string(),
        ])
        .run();
    out.assert_error(5, "2 of 3 room memberships were not removed");
    out.assert_stdout_has(&format!("Guest {} not removed from room {room} \"Alpha\": not a member of this room: nothing to remove", estate.guests[1]));
    out.assert_stdout_has(&format!(
        "Guest {} not removed from room {room} \"Alpha\": the room owner cannot be removed",
        estate.admin
    ));
    let puts = estate.puts();
    assert_eq!(
        json_of(&puts[0].body)["invitations"],
        json!([{ "id": estate.guests[0], "access": 0 }])
    );
    assert_wire_is_clean(&estate);
}

#[test]
fn a_room_admins_put_that_skips_a_guest_not_on_their_list_is_reported_not_removed() {
    let estate = estate(1);
    let (ra, key) = estate.room_admin();
    let mine = estate
        .portal
        .invite_guest(&ra, "Mine", "Guest", "mine@example.com");
    // Dan's room, where Rita is a room manager: her PUT silently skips Dan's guest.
    let room = estate
        .portal
        .add_room(&estate.admin, "Dan's", RoomType::Custom);
    estate
        .portal
        .add_member(room, &ra, ROOM_MANAGER, &estate.admin);
    estate.portal.add_member(room, &mine, READ, &estate.admin);
    estate
        .portal
        .add_member(room, &estate.guests[0], READ, &estate.admin);
    let out = tool_as(
        &estate.portal,
        &key,
        &[
            "revoke",
            &mine,
            &estate.guests[0],
            "--room",
            &room.to_string(),
        ],
    )
    .run();
    out.assert_exit(5);
    out.assert_stdout_has(&format!(
        "Guest {mine} <mine@example.com> removed from room {room}"
    ));
    out.assert_stdout_has(&format!("Guest {} <g0@example.com> not removed from room {room} \"Dan's\": the portal skipped it: on DocSpace 3.7.1 and later a room admin's change leaves out guests who are not on their own guest list (unless they own the room)", estate.guests[0]));
    assert_eq!(estate.members(room), [ra.clone(), estate.guests[0].clone()]);
    // One PUT with both: each guest judged on its own from the answer.
    assert_eq!(estate.puts().len(), 1);

    // 3.7.0 had no such filter: the same PUT removes both.
    let again = estate
        .portal
        .invite_guest(&ra, "Again", "Guest", "again@example.com");
    estate.portal.add_member(room, &again, READ, &estate.admin);
    estate.portal.set_release(Release::V3_7_0, true);
    let out = tool_as(
        &estate.portal,
        &key,
        &[
            "revoke",
            &again,
            &estate.guests[0],
            "--room",
            &room.to_string(),
        ],
    )
    .run();
    out.assert_exit(0);
    assert_eq!(estate.members(room), [ra]);
}

#[test]
fn a_form_role_blocks_a_vdr_request_which_is_retried_one_guest_at_a_time() {
    let estate = estate(3);
    let vdr = estate.room("Deal", RoomType::VirtualDataRoom, &[0, 1, 2], READ);
    estate.portal.add_form_role(vdr, &estate.guests[1]);
    let out = estate
        .tool(&[
            "revoke",
            &estate.guests[0],
            &estate.guests[1],
            &estate.guests[2],
            "--room",
            &vdr.to_string(),
        ])
        .run();
    out.assert_error(5, "1 of 3 room memberships were not removed");
    out.assert_stdout_has("a form role of one of its guests blocked the whole request (the portal does not say whose); retrying one guest at a time.");
    out.assert_stdout_has(&format!("Guest {} <g1@example.com> not removed from room {vdr} \"Deal\": the guest holds a form role in this virtual data room, which blocks the removal: pass --drop-form-roles", estate.guests[1]));
    let sizes: Vec<usize> = estate
        .puts()
        .iter()
        .map(|p| json_of(&p.body)["invitations"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [3, 1, 1, 1]);
    assert!(
        estate
            .puts()
            .iter()
            .all(|p| json_of(&p.body).get("force").is_none())
    );
    assert_eq!(estate.members(vdr), [estate.guests[1].clone()]);

    let out = estate
        .tool(&[
            "revoke",
            &estate.guests[1],
            "--room",
            &vdr.to_string(),
            "--drop-form-roles",
        ])
        .run();
    out.assert_exit(0);
    assert_eq!(json_of(&estate.puts()[4].body)["force"], json!(true));
    assert!(estate.members(vdr).is_empty());
}

#[test]
fn max_stops_before_anything_is_sent_and_dry_run_prints_the_exact_puts() {
    let estate = estate(3);
    let a = estate.room("Alpha", RoomType::Custom, &[0, 1, 2], READ);
    let mut args = vec!["revoke", "--all-rooms", "--max", "2"];
    args.extend(estate.guests.iter().map(String::as_str));
    let out = estate.tool(&args).run();
    out.assert_error(
        2,
        "revoke would remove 3 room memberships, more than --max 2: nothing was changed",
    );
    assert!(estate.puts().is_empty());

    let out = estate
        .tool(&[
            "revoke",
            &estate.guests[0],
            "--room",
            &a.to_string(),
            "--dry-run",
            "--json",
        ])
        .run();
    out.assert_exit(0);
    let line = json_of(out.stdout.lines().next().unwrap());
    assert_eq!(line["op"], "revoke");
    assert_eq!(line["request"]["method"], "PUT");
    assert!(
        line["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/2.0/files/rooms/{a}/share"))
    );
    assert_eq!(
        line["request"]["body"],
        json!({ "invitations": [{ "id": estate.guests[0], "access": 0 }], "notify": false })
    );
    assert!(estate.puts().is_empty());
    assert_eq!(estate.members(a).len(), 3);
}

#[test]
fn a_connection_lost_mid_revoke_says_exactly_which_rooms_were_done() {
    let estate = estate(1);
    let rooms: Vec<u64> = (0..3)
        .map(|i| estate.room(&format!("R{i}"), RoomType::Custom, &[0], READ))
        .collect();
    // The second room's PUT is done by the portal, but its answer never arrives.
    let second = format!("/api/2.0/files/rooms/{}/share", rooms[1]);
    estate.portal.fault(&second, 1, 10, Answer::Lost);
    let out = estate
        .tool(&["revoke", &estate.guests[0], "--all-rooms", "--retries", "0"])
        .run();
    out.assert_exit(5);
    out.assert_stdout_has(&format!(
        "removed from room {} \"R0\" (was Read).",
        rooms[0]
    ));
    out.assert_stdout_has(&format!(
        "not removed from room {} \"R1\": not confirmed: no answer",
        rooms[1]
    ));
    out.assert_stdout_has("it may or may not have been removed");
    out.assert_stdout_has(&format!(
        "not removed from room {} \"R2\": not attempted: an earlier request got no answer",
        rooms[2]
    ));
    out.assert_stdout_ends_with("1 removed, 2 not removed (1 not confirmed, 1 not attempted)\n");
    assert_eq!(estate.puts().len(), 2);
    assert_eq!(estate.members(rooms[2]), [estate.guests[0].clone()]);
}

#[test]
fn record_then_restore_puts_the_memberships_back_with_their_roles() {
    let estate = estate(2);
    let a = estate.room("Alpha", RoomType::Custom, &[0, 1], READ);
    let b = estate.room("Beta", RoomType::Custom, &[0], EDITING);
    let record = write_temp("revoked.jsonl", "");
    let record_arg = record.to_str().unwrap();
    let out = estate
        .tool(&[
            "revoke",
            &estate.guests[0],
            &estate.guests[1],
            "--all-rooms",
            "--record",
            record_arg,
        ])
        .run();
    out.assert_exit(0);
    let lines = json_lines(&std::fs::read_to_string(&record).unwrap());
    // The run's header, then each removal's intent and, after the answer, its outcome.
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0]["kind"], "run");
    assert_eq!(lines[0]["command"], "revoke");
    assert_eq!(lines[0]["portal"], estate.portal.url());
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "run", "intent", "intent", "outcome", "outcome", "intent", "outcome"
        ]
    );
    assert_eq!(lines[1]["change"], "room_remove");
    assert_eq!(lines[1]["guest"], estate.guests[0]);
    assert_eq!(lines[1]["room"], a);
    assert_eq!(lines[1]["role"], READ);
    assert!(lines[1]["time"].as_str().unwrap().ends_with('Z'));
    assert!(lines[3..5].iter().all(|l| l["outcome"] == "done"));
    assert!(estate.members(a).is_empty() && estate.members(b).is_empty());

    let out = estate.tool(&["restore", "--from", record_arg]).run();
    out.assert_exit(0);
    out.assert_stdout_has(&format!("restored to room {b} \"Beta\" as Editing."));
    out.assert_stdout_ends_with("3 restored, 0 not restored\n");
    assert_eq!(
        estate.portal.room_members(a),
        [
            (estate.guests[0].clone(), READ),
            (estate.guests[1].clone(), READ)
        ]
    );
    assert_eq!(
        estate.portal.room_members(b),
        [(estate.guests[0].clone(), EDITING)]
    );
    let puts = estate.puts();
    assert_eq!(puts.len(), 4, "two rooms each way");
    assert_eq!(
        json_of(&puts[3].body),
        json!({ "invitations": [{ "id": estate.guests[0], "access": EDITING }], "notify": false })
    );
    assert_wire_is_clean(&estate);
}

#[test]
fn restore_refuses_a_bad_record_line_before_sending_and_reports_a_disabled_guest() {
    let estate = estate(1);
    let room = estate.room("Alpha", RoomType::Custom, &[0], READ);
    // The old format's line, as a person could write it: not the tool's.
    let bad = write_temp(
        "bad.jsonl",
        format!(
            "{{\"guest\":\"{}\",\"room\":{room},\"role\":2}}\n",
            estate.guests[0]
        ),
    );
    let out = estate
        .tool(&["restore", "--from", bad.to_str().unwrap()])
        .run();
    out.assert_usage_error(&format!("{}:1: not a line of a record", bad.display()));
    assert!(estate.portal.requests().is_empty());
    let out = estate.tool(&["restore", "--from", "/dev/zero"]).run();
    out.assert_usage_error("/dev/zero is a character device, not a regular file");

    let good = write_temp("good.jsonl", "");
    let room_arg = room.to_string();
    let revoke = ["revoke", &estate.guests[0], "--room", &room_arg, "--record"];
    let mut args = revoke.to_vec();
    args.push(good.to_str().unwrap());
    estate.tool(&args).run().assert_exit(0);
    estate.portal.set_status(&estate.guests[0], 2);
    let out = estate
        .tool(&["restore", "--from", good.to_str().unwrap()])
        .run();
    out.assert_error(
        1,
        "the portal did not add it (a disabled or deleted guest cannot be added)",
    );
}

#[test]
fn expire_action_revoke_takes_the_policy_guests_out_of_every_room_and_keeps_them() {
    let estate = estate(2);
    let a = estate.room("Alpha", RoomType::Custom, &[0, 1], READ);
    estate.portal.registered_days_ago(&estate.guests[0], 400);
    estate.portal.registered_days_ago(&estate.guests[1], 3);
    let out = estate
        .tool(&["expire", "--older-than", "365", "--action", "revoke"])
        .run();
    out.assert_exit(0);
    out.assert_stdout_has(&format!(
        "Guest {} <g0@example.com> removed from room {a}",
        estate.guests[0]
    ));
    assert_eq!(estate.members(a), [estate.guests[1].clone()]);
    assert_eq!(
        estate.portal.user(&estate.guests[0]).unwrap().status,
        1,
        "the account stays"
    );
    assert_eq!(estate.portal.guest_list(&estate.admin).len(), 2);
}

#[test]
fn every_release_from_3_0_reads_members_and_proves_removals() {
    for release in Release::ALL {
        let estate = estate(2);
        estate.portal.set_release(release, true);
        let room = estate.room("Alpha", RoomType::Custom, &[0, 1], READ);
        let out = estate
            .tool(&["access", "--room", &room.to_string(), "--json"])
            .run();
        out.assert_exit(0);
        assert_eq!(
            json_lines(&out.stdout).len(),
            3,
            "{release:?}: {}",
            out.stdout
        );
        let out = estate
            .tool(&["revoke", &estate.guests[0], "--all-rooms"])
            .run();
        out.assert_exit(0);
        out.assert_stdout_has("1 removed, 0 not removed");
        assert_eq!(
            estate.members(room),
            [estate.guests[1].clone()],
            "{release:?}"
        );
        assert_wire_is_clean(&estate);
    }
}

#[test]
fn form_roles_block_removals_from_3_1_and_not_on_3_0() {
    for (release, blocked) in [(Release::V3_0, false), (Release::V3_1, true)] {
        let estate = estate(1);
        estate.portal.set_release(release, true);
        let vdr = estate.room("Deal", RoomType::VirtualDataRoom, &[0], READ);
        estate.portal.add_form_role(vdr, &estate.guests[0]);
        let out = estate
            .tool(&["revoke", &estate.guests[0], "--room", &vdr.to_string()])
            .run();
        if blocked {
            out.assert_error(1, "blocks the removal: pass --drop-form-roles");
            assert_eq!(estate.members(vdr), [estate.guests[0].clone()]);
        } else {
            // 3.0's answer has no `error` field, and nothing blocks.
            out.assert_exit(0);
            assert!(estate.members(vdr).is_empty());
        }
        assert_eq!(estate.puts().len(), 1, "{release:?}");
    }
}

#[test]
fn a_put_refused_by_the_portal_is_worded_by_its_cause_and_a_key_refusal_stops_the_rest() {
    let estate = estate(1);
    let rooms: Vec<u64> = (0..3)
        .map(|i| estate.room(&format!("R{i}"), RoomType::Custom, &[0], READ))
        .collect();
    let path = |i: usize| format!("/api/2.0/files/rooms/{}/share", rooms[i]);
    let denied = json!({ "error": { "message": "Access denied" }, "status": 1, "statusCode": 403 });
    estate
        .portal
        .fault(&path(0), 1, 1, Answer::Send(Response::json(403, &denied)));
    // The auth layer's 403 has no body: the key, which every other PUT would meet too.
    estate
        .portal
        .fault(&path(1), 1, 1, Answer::Send(Response::new(403, "")));
    let out = estate
        .tool(&["revoke", &estate.guests[0], "--all-rooms"])
        .run();
    out.assert_error(4, "none of the 3 room memberships were removed");
    // A room's own refusal: the next room goes on.
    out.assert_stdout_has(&format!(
        "not removed from room {} \"R0\": only the room's owner or a room manager can remove members",
        rooms[0]
    ));
    // The key's: the rest is not attempted, and the key's scopes say why.
    out.assert_stdout_has(&format!(
        "not removed from room {} \"R1\": the portal refused the change of room {} (403) although the API key has the rooms:write scope",
        rooms[1], rooms[1]
    ));
    out.assert_stdout_has(&format!(
        "not removed from room {} \"R2\": not attempted",
        rooms[2]
    ));
    assert_eq!(estate.puts().len(), 2);
}

/// A private room (the server's `develop` branch) refuses a guest without encryption
/// keys with 403 after applying the entries before it: each guest is read back and
/// reported as it now stands, the one removed recorded, in both directions.
#[test]
fn a_private_rooms_refusal_reports_each_guest_as_it_now_stands() {
    let estate = estate(3);
    let room = estate.room("Vault", RoomType::Custom, &[0, 1, 2], READ);
    estate.portal.make_private(room);
    estate.portal.without_encryption_key(&estate.guests[1]);
    let record = write_temp("private.jsonl", "");
    let record_arg = record.to_str().unwrap();
    let [a, b, c] = [0, 1, 2].map(|i| estate.guests[i].as_str());
    let out = estate
        .tool(&[
            "revoke",
            a,
            b,
            c,
            "--room",
            &room.to_string(),
            "--record",
            record_arg,
        ])
        .run();
    out.assert_exit(5);
    out.assert_stdout_has(&format!(
        "Guest {a} <g0@example.com> removed from room {room}"
    ));
    for guest in [b, c] {
        out.assert_stdout_has(&format!(
            "Guest {guest} <g{}@example.com> not removed from room {room} \"Vault\": the \
             portal refused it (403 The user does not have an encryption key)",
            if guest == b { 1 } else { 2 }
        ));
    }
    out.assert_stdout_ends_with("1 removed, 2 not removed\n");
    assert_eq!(estate.members(room), [b.to_string(), c.to_string()]);
    // Each removal announced; a's done, b's and c's refused.
    let lines = json_lines(&std::fs::read_to_string(&record).unwrap());
    let outcome_of = |guest: &str| {
        let intent = lines
            .iter()
            .find(|l| l["kind"] == "intent" && l["guest"] == guest)
            .unwrap()["seq"]
            .clone();
        lines
            .iter()
            .find(|l| l["kind"] == "outcome" && l["intent"] == intent)
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(
        [a, b, c].map(outcome_of),
        [json!("done"), json!("not_done"), json!("not_done")]
    );

    // Back: a record of a and b removed; b has lost its key since, and is refused
    // after a was put back.
    let estate = self::estate(3);
    let room = estate.room("Vault", RoomType::Custom, &[0, 1, 2], READ);
    estate.portal.make_private(room);
    let [a, b, c] = [0, 1, 2].map(|i| estate.guests[i].as_str());
    let back = write_temp("private-back.jsonl", "");
    let back_arg = back.to_str().unwrap();
    let room_arg = room.to_string();
    let revoke = ["revoke", a, b, "--room", &room_arg, "--record", back_arg];
    estate.tool(&revoke).run().assert_exit(0);
    estate.portal.without_encryption_key(b);
    let out = estate.tool(&["restore", "--from", back_arg]).run();
    out.assert_exit(5);
    out.assert_stdout_has(&format!(
        "Guest {a} <g0@example.com> restored to room {room} \"Vault\" as Read."
    ));
    out.assert_stdout_has("not restored to room");
    out.assert_stdout_has("The user does not have an encryption key");
    assert_eq!(estate.members(room), [c.to_string(), a.to_string()]);
}
