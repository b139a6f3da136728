//! Nothing lost (issue 20): the write-ahead record of every change, restore from it,
//! and runs cut short by a signal, a kill, a closed or full stdout, a full disk. Each
//! test names the row of the table it shows; the kill-anywhere tests stop a
//! revoke at every request in turn (the portal holds request N until the signal is
//! sent) and prove that restore then brings back exactly the starting memberships.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{
    Outcome, Tool, closed_pipe, crowd, dev_full, finished, flow, json_of, signal, tool_as,
    write_temp,
};
use fake_portal::{EDITING, FakePortal, READ, Role, RoomType};

/// A portal with an admin who owns `rooms` rooms and invited `guests` guests; guest
/// `g` is a member of every room, with Read in even rooms and Editing in odd ones.
struct World {
    portal: FakePortal,
    admin: String,
    key: String,
    guests: Vec<String>,
    rooms: Vec<u64>,
}

fn world(guests: usize, rooms: usize) -> World {
    world_of(guests, rooms)
}

fn world_of(guests: usize, rooms: usize) -> World {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let scopes = [
        "rooms:read",
        "rooms:write",
        "accounts:read",
        "accounts:write",
    ];
    let key = portal.add_api_key(&admin, &scopes);
    let guests: Vec<String> = (0..guests)
        .map(|i| {
            portal.invite_guest(
                &admin,
                "Guest",
                &format!("No{i}"),
                &format!("g{i}@example.com"),
            )
        })
        .collect();
    let rooms = (0..rooms)
        .map(|r| {
            let room = portal.add_room(&admin, &format!("Room {r}"), RoomType::Custom);
            let role = if r % 2 == 0 { READ } else { EDITING };
            for guest in &guests {
                portal.add_member(room, guest, role, &admin);
            }
            room
        })
        .collect();
    World {
        portal,
        admin,
        key,
        guests,
        rooms,
    }
}

impl World {
    fn tool(&self, args: &[&str]) -> Tool {
        tool_as(&self.portal, &self.key, args)
    }

    /// Every room's members and roles, sorted: what restore must bring back.
    fn memberships(&self) -> Vec<(u64, String, u8)> {
        let mut all: Vec<(u64, String, u8)> = self
            .rooms
            .iter()
            .flat_map(|&room| {
                self.portal
                    .room_members(room)
                    .into_iter()
                    .map(move |(user, role)| (room, user, role))
            })
            .collect();
        all.sort();
        all
    }

    fn puts(&self) -> usize {
        self.portal
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count()
    }

    /// `revoke` of every guest from every room, with the record `record`.
    fn revoke(&self, record: &Path) -> Tool {
        let mut args = vec!["revoke", "--all-rooms", "--retries", "0", "--record"];
        args.push(record.to_str().unwrap());
        args.extend(self.guests.iter().map(String::as_str));
        self.tool(&args)
    }

    fn restore(&self, record: &Path) -> Outcome {
        let from = record.to_str().unwrap();
        self.tool(&["restore", "--from", from, "--max", "0"]).run()
    }
}

/// A fresh path for a record (the file does not exist yet).
fn record_path(name: &str) -> PathBuf {
    let path = write_temp(name, "");
    std::fs::remove_file(&path).unwrap();
    path
}

fn lines_of(record: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(record).unwrap();
    text.lines().map(json_of).collect()
}

/// The outcomes the record holds, by name.
fn outcomes(record: &Path) -> Vec<String> {
    lines_of(record)
        .iter()
        .filter(|l| l["kind"] == "outcome")
        .map(|l| l["outcome"].as_str().unwrap().to_string())
        .collect()
}

/// Row 1: `revoke … --record F | head -1`. Every room is done, every one recorded,
/// the summary goes to stderr, and the exit is not 0.
#[test]
fn a_closed_stdout_finishes_the_revoke_records_all_and_never_exits_0() {
    let world = world(1, 2);
    let record = record_path("row1.jsonl");
    let out = world.revoke(&record).stdout(closed_pipe()).run();
    out.assert_exit(1);
    out.assert_stderr_has("standard output was lost")
        .assert_stderr_has("2 removed, 0 not removed");
    assert!(world.memberships().is_empty(), "both rooms done");
    assert_eq!(outcomes(&record), ["done", "done"]);
    world.restore(&record).assert_exit(0);
    assert_eq!(world.memberships().len(), 2);
}

/// Row 2: the same with stdout on a full disk.
#[test]
fn a_full_stdout_finishes_the_revoke_and_records_all() {
    let world = world(1, 2);
    let record = record_path("row2.jsonl");
    let out = world.revoke(&record).stdout(dev_full()).run();
    out.assert_exit(1);
    out.assert_stderr_has("standard output was lost (cannot write the output")
        .assert_stderr_has("2 removed, 0 not removed");
    assert!(world.memberships().is_empty());
    assert_eq!(outcomes(&record), ["done", "done"]);
}

/// Row 3 and the full-filesystem test: the record's filesystem fills up mid-run
/// (RLIMIT_FSIZE, SIGXFSZ ignored). The run stops before the next change, says so,
/// and restore (skipping the torn last line) puts back every membership removed.
#[test]
fn a_record_that_fills_its_disk_stops_the_run_and_restore_puts_back_all() {
    let world = world(1, 12);
    let start = world.memberships();
    let record = record_path("row3.jsonl");
    // Room for the header and a few changes, not for all twelve.
    let out = world.revoke(&record).file_size_limit(2500).run();
    out.assert_exit(5);
    out.assert_stderr_has("cannot be written")
        .assert_stderr_has("stopped before the next change");
    out.assert_stdout_has("not attempted: the record");
    let removed = start.len() - world.memberships().len();
    assert!(removed > 0 && removed < 12, "stopped midway: {removed}");
    let intents = lines_of_whole(&record)
        .iter()
        .filter(|l| l["kind"] == "intent")
        .count();
    assert!(removed <= intents, "no change without its intent");
    let out = world.restore(&record);
    out.assert_exit(0);
    assert_eq!(world.memberships(), start);
}

/// The record's whole lines (a torn last one left out).
fn lines_of_whole(record: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(record).unwrap();
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(|l| json_of(l.trim_end()))
        .collect()
}

/// Row 4 and row 13: a record that cannot be written, or is not a regular file, is
/// refused before anything is sent (a FIFO without blocking); --dry-run creates none.
#[test]
fn a_record_that_cannot_be_used_is_refused_before_anything_is_sent() {
    let world = world(1, 1);
    let dir = record_path("row4-dir");
    std::fs::create_dir(&dir).unwrap();
    let fifo = record_path("row13.fifo");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    for (path, why) in [
        (Path::new("/dev/full"), "is a character device"),
        (dir.as_path(), "is a directory"),
        (fifo.as_path(), "is a FIFO"),
    ] {
        let out = world.revoke(path).run();
        out.assert_usage_error(&format!("the record {} {why}", path.display()));
        out.assert_stderr_has("--no-record")
            .assert_stderr_has("nothing was sent");
    }
    assert!(world.portal.requests().is_empty(), "nothing sent");

    let dry = record_path("row13.jsonl");
    let mut args = vec!["revoke", "--all-rooms", "--dry-run", "--record"];
    args.extend([dry.to_str().unwrap(), world.guests[0].as_str()]);
    world.tool(&args).run().assert_exit(0);
    assert!(!dry.exists(), "--dry-run creates no record");
    assert_eq!(world.puts(), 0);
}

/// Without --record a batch command writes its record to the state folder, 0600, and
/// -v names it; where there is no state folder it refuses to start.
#[test]
fn a_default_record_goes_to_the_state_folder_and_its_absence_refuses_the_run() {
    let world = world(1, 1);
    let home = record_path("state-home");
    let out = world
        .tool(&["-v", "revoke", "--all-rooms", &world.guests[0]])
        .env("XDG_STATE_HOME", home.to_str().unwrap())
        .run();
    out.assert_exit(0);
    let folder = home.join("docspace-guest/records");
    let files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    out.assert_stderr_has(&format!("the record of this run: {}", files[0].display()));
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&files[0]).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        files[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .contains("-revoke-")
    );
    assert_eq!(outcomes(&files[0]), ["done"]);

    let bare = world_of(1, 1);
    let world = bare;
    let out = world
        .tool(&["revoke", "--all-rooms", &world.guests[0]])
        .env("XDG_STATE_HOME", "relative/ignored")
        .run();
    out.assert_usage_error("no folder for the record");
    out.assert_stderr_has("--no-record");
    assert!(world.portal.requests().is_empty());
    let out = world
        .tool(&["revoke", "--all-rooms", "--no-record", &world.guests[0]])
        .env("XDG_STATE_HOME", "relative/ignored")
        .run();
    out.assert_exit(0);
    assert!(world.memberships().is_empty());
}

/// Row 5 and item 4: SIGINT while a room's request is in flight. It finishes and is
/// recorded, no other starts, the summary accounts for every room, exit 130.
#[test]
fn sigint_during_revoke_finishes_the_request_in_flight_and_says_what_was_left() {
    let world = world(1, 6);
    let record = record_path("row5.jsonl");
    let hold = world.portal.hold("PUT", "/api/2.0/files/rooms/", 2);
    let child = world.revoke(&record).spawn();
    assert!(hold.arrived_unless(|| false));
    signal(&child, libc::SIGINT);
    hold.let_go();
    let (code, out) = finished(child);
    assert_eq!(code, Some(130), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .ends_with("3 removed, 3 not removed (0 not confirmed, 3 not attempted)\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout
            .matches("not attempted: interrupted by SIGINT")
            .count(),
        3
    );
    assert!(out.stderr.contains("stopped by SIGINT"), "{}", out.stderr);
    assert_eq!(world.memberships().len(), 3, "the summary is the portal's");
    assert_eq!(world.puts(), 3);
    assert_eq!(outcomes(&record), ["done", "done", "done"]);
}

/// Row 6: SIGTERM during `delete --from` over 250 guests: the chunk in flight
/// finishes, the summary counts what was done and what was not attempted; exit 143.
#[test]
fn sigterm_during_delete_reports_every_guest_and_exits_143() {
    let crowd = crowd(250);
    let file = write_temp("row6", crowd.guests.join("\n"));
    let hold = crowd.portal.hold("DELETE", "/api/2.0/people/guests", 1);
    let child = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .spawn();
    assert!(hold.arrived_unless(|| false));
    signal(&child, libc::SIGTERM);
    hold.let_go();
    let (code, out) = finished(child);
    assert_eq!(code, Some(143), "{}", out.stderr);
    assert_eq!(out.stdout.matches("deleted successfully.").count(), 200);
    assert_eq!(out.stdout.matches("not deleted: not attempted").count(), 50);
    assert!(
        out.stdout
            .ends_with("200 removed, 50 failed (0 not confirmed, 50 not attempted)\n"),
        "{}",
        out.stdout
    );
    assert_eq!(crowd.portal.guest_list(&crowd.admin).len(), 50);
}

/// Row 7: `delete --from ids | head -1`: the batch is finished, never exit 0.
#[test]
fn a_closed_stdout_finishes_the_delete_batch() {
    let crowd = crowd(250);
    let file = write_temp("row7", crowd.guests.join("\n"));
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .stdout(closed_pipe())
        .run();
    out.assert_exit(1);
    out.assert_stderr_has("250 removed, 0 failed")
        .assert_stderr_has("standard output was lost");
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
}

/// Row 8: `delete --permanent --yes --from ids | head -1`: every chunk's disable is
/// followed by its delete; never exit 0.
#[test]
fn a_closed_stdout_never_stops_delete_permanent_between_disable_and_delete() {
    let crowd = crowd(150);
    let file = write_temp("row8", crowd.guests.join("\n"));
    let out = crowd
        .tool(&[
            "delete",
            "--permanent",
            "--yes",
            "--from",
            file.to_str().unwrap(),
        ])
        .stdout(closed_pipe())
        .run();
    out.assert_exit(1);
    out.assert_stderr_has("150 removed, 0 failed");
    assert!(crowd.guests.iter().all(|g| crowd.portal.user(g).is_none()));
}

/// Row 9: `run … | head -1`: the guest approved is removed too.
#[test]
fn a_closed_stdout_never_stops_run_between_approve_and_remove() {
    let demo = FakePortal::demo();
    let link = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &link, &[]).stdout(closed_pipe()).run();
    out.assert_exit(1);
    out.assert_stderr_has("standard output was lost");
    assert!(
        demo.portal.guest_list(&demo.admin).is_empty(),
        "removed too"
    );
    assert!(
        demo.portal.requests().iter().any(|r| r.method == "DELETE"),
        "the removal was sent"
    );
}

/// Row 10: two runs into one file: the second appends whole lines after the first,
/// a run that would write beside a running one is refused, and restore reads both.
#[test]
fn two_runs_share_a_record_one_after_the_other_never_at_once() {
    let world = world(2, 2);
    let start = world.memberships();
    let record = record_path("row10.jsonl");
    let one = |guest: &str| {
        let mut args = vec![
            "revoke",
            "--all-rooms",
            "--record",
            record.to_str().unwrap(),
        ];
        args.push(guest);
        world.tool(&args)
    };
    let hold = world.portal.hold("PUT", "/api/2.0/files/rooms/", 0);
    let first = one(&world.guests[0]).spawn();
    assert!(hold.arrived_unless(|| false));
    let out = one(&world.guests[1]).run();
    out.assert_usage_error("is in use by another run");
    hold.let_go();
    let (code, _) = finished(first);
    assert_eq!(code, Some(0));
    one(&world.guests[1]).run().assert_exit(0);
    let headers = lines_of(&record)
        .iter()
        .filter(|l| l["kind"] == "run")
        .count();
    assert_eq!(headers, 2);
    assert!(world.memberships().is_empty());
    world.restore(&record).assert_exit(0);
    assert_eq!(world.memberships(), start);
}

/// Row 11: a hand-written line is refused with FILE:LINE before anything is sent; a
/// member already back in the room is left as it is; --max bounds restore.
#[test]
fn restore_trusts_only_its_own_lines_and_changes_no_member() {
    let world = world(2, 1);
    let room = world.rooms[0];
    let record = record_path("row11.jsonl");
    world.revoke(&record).run().assert_exit(0);
    assert!(world.memberships().is_empty());

    // The tool's lines with one added by hand: refused whole.
    let mut forged = std::fs::read_to_string(&record).unwrap();
    forged.push_str(&format!(
        "{{\"guest\":\"{}\",\"room\":{room},\"role\":9}}\n",
        world.admin
    ));
    let forged_path = write_temp("row11-forged.jsonl", forged.as_bytes());
    let requests = world.portal.requests().len();
    let out = world.restore(&forged_path);
    let line = forged.lines().count();
    out.assert_usage_error(&format!("{}:{line}:", forged_path.display()));
    assert_eq!(world.portal.requests().len(), requests, "nothing sent");

    // A stale line: the guest is back, as Editing; restore leaves the role.
    world
        .portal
        .add_member(room, &world.guests[0], EDITING, &world.admin);
    let from = record.to_str().unwrap();
    let out = world.tool(&["restore", "--from", from, "--max", "1"]).run();
    out.assert_usage_error("more than --max 1");
    let out = world.restore(&record);
    out.assert_exit(0);
    out.assert_stdout_has("already a member as Editing; not changed.");
    let mut expected = vec![
        (room, world.guests[0].clone(), EDITING),
        (room, world.guests[1].clone(), READ),
    ];
    expected.sort();
    assert_eq!(world.memberships(), expected);
}

/// A record of another portal is refused.
#[test]
fn restore_refuses_a_record_of_another_portal() {
    let world = world(1, 1);
    let record = record_path("other.jsonl");
    world.revoke(&record).run().assert_exit(0);
    let other = FakePortal::start();
    let out = tool_as(
        &other,
        "sk-none",
        &["restore", "--from", record.to_str().unwrap()],
    )
    .run();
    out.assert_usage_error("the record is of the portal");
}

/// Row 12: `expire --action revoke` keeps a record, and restore undoes it.
#[test]
fn expire_action_revoke_keeps_a_record_that_restore_undoes() {
    let world = world(1, 2);
    let start = world.memberships();
    world.portal.registered_days_ago(&world.guests[0], 400);
    let record = record_path("row12.jsonl");
    let out = world
        .tool(&[
            "expire",
            "--older-than",
            "365",
            "--action",
            "revoke",
            "--record",
            record.to_str().unwrap(),
        ])
        .run();
    out.assert_exit(0);
    assert!(world.memberships().is_empty());
    assert_eq!(lines_of(&record)[0]["command"], "expire-revoke");
    world.restore(&record).assert_exit(0);
    assert_eq!(world.memberships(), start);
}

/// disable is undone by restore (enable), only for the guests still disabled; a
/// removal from the list is listed as not undoable.
#[test]
fn restore_enables_what_disable_disabled_and_lists_what_it_cannot_undo() {
    let world = world(2, 0);
    let record = record_path("disable.jsonl");
    let from = record.to_str().unwrap();
    let (a, b) = (&world.guests[0], &world.guests[1]);
    world
        .tool(&["disable", a, b, "--record", from])
        .run()
        .assert_exit(0);
    world
        .tool(&["enable", b, "--no-record"])
        .run()
        .assert_exit(0);
    world
        .tool(&["delete", b, "--record", from])
        .run()
        .assert_exit(0);
    let out = world.restore(&record);
    out.assert_exit(0);
    out.assert_stdout_has("Not undoable:")
        .assert_stdout_has(&format!("Guest {b}: already active; not changed."))
        .assert_stdout_has(&format!("Guest with ID {a} enabled."));
    assert_eq!(world.portal.user(a).unwrap().status, 1);
}

/// The kill-anywhere test: a revoke over 6 rooms and 2 guests is killed (SIGKILL) at
/// each of its requests in turn, the request held until the kill and then done by the
/// portal; after each, restore brings back exactly the starting memberships.
#[test]
fn killed_at_any_request_restore_brings_back_the_start() {
    stop_at_every_request(libc::SIGKILL);
}

/// The same with SIGINT, where the run finishes the request in flight, and its
/// summary must match the portal.
#[test]
fn interrupted_at_any_request_the_summary_matches_and_restore_brings_back_the_start() {
    stop_at_every_request(libc::SIGINT);
}

fn stop_at_every_request(sig: libc::c_int) {
    let mut moment = 0;
    loop {
        let world = world(2, 6);
        let start = world.memberships();
        let record = record_path(&format!("kill-{sig}-{moment}.jsonl"));
        let hold = world.portal.hold("", "/api/", moment);
        let mut child = world.revoke(&record).spawn();
        if !hold.arrived_unless(|| child.try_wait().unwrap().is_some()) {
            // The run ended before this request: every moment has been tried.
            assert!(
                moment > 10,
                "a revoke of 6 rooms sends more than {moment} requests"
            );
            let (code, _) = finished(child);
            assert_eq!(code, Some(0));
            break;
        }
        signal(&child, sig);
        hold.let_go();
        let (code, out) = finished(child);
        if sig == libc::SIGINT {
            assert_eq!(code, Some(130), "moment {moment}: {}", out.stderr);
            let removed = start.len() - world.memberships().len();
            let summary = format!("{removed} removed, {} not removed", start.len() - removed);
            assert!(
                out.stdout
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .starts_with(&summary),
                "moment {moment}: {summary}\n{}",
                out.stdout
            );
        } else {
            assert_eq!(code, None, "killed");
        }
        if record.exists() {
            let out = world.restore(&record);
            out.assert_exit(0);
        }
        assert_eq!(world.memberships(), start, "moment {moment}");
        moment += 1;
    }
}

/// Item 4: a second signal while a chunk of `delete --permanent` is disabled and not
/// yet deleted ends the run at once, naming what it left half done; the record has
/// announced the disable.
#[test]
fn a_second_signal_ends_at_once_and_names_what_is_half_done() {
    let crowd = crowd(3);
    let record = record_path("half.jsonl");
    let mut args = vec!["delete", "--permanent", "--yes", "--record"];
    args.push(record.to_str().unwrap());
    args.extend(crowd.guests.iter().map(String::as_str));
    let hold = crowd.portal.hold("PUT", "/api/2.0/people/status/2", 0);
    let mut child = crowd.tool(&args).spawn();
    assert!(hold.arrived_unless(|| false));
    // Two signals sent at once may arrive as one: send until the run is gone.
    while child.try_wait().unwrap().is_none() {
        signal(&child, libc::SIGINT);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (code, out) = finished(child);
    hold.let_go();
    assert_eq!(code, Some(130), "{}", out.stderr);
    assert!(
        out.stderr.contains("interrupted again")
            && out
                .stderr
                .contains("left half done: a chunk of guests disabled"),
        "{}",
        out.stderr
    );
    let lines = lines_of(&record);
    let intents: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "intent").collect();
    assert_eq!(intents.len(), 3);
    assert!(
        intents
            .iter()
            .all(|l| l["change"] == "status" && l["after"] == "disabled")
    );
    assert!(outcomes(&record).is_empty(), "no answer came");
}

/// Item 4: a wait before a retry ends at the signal (SIGHUP: exit 129); the change
/// whose answer was a 429 is reported not confirmed, the rest not attempted.
#[test]
fn a_wait_before_a_retry_ends_at_the_signal() {
    use std::io::Read;
    let world = world(1, 2);
    let record = record_path("wait.jsonl");
    // The room's first request reads its members; the second, its PUT, waits.
    let first = format!("/api/2.0/files/rooms/{}/share", world.rooms[0]);
    world
        .portal
        .fault(&first, 1, 1, FakePortal::too_many_requests(600));
    let mut args = vec!["revoke", "--all-rooms", "--max-wait", "3600", "--record"];
    args.push(record.to_str().unwrap());
    args.push(&world.guests[0]);
    let mut child = world.tool(&args).spawn();
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains("retrying in") {
        if stderr.read(&mut byte).unwrap() == 0 {
            let (_, out) = finished(child);
            panic!("no retry: {}{}", String::from_utf8_lossy(&seen), out.stdout);
        }
        seen.push(byte[0]);
    }
    signal(&child, libc::SIGHUP);
    let (code, out) = finished(child);
    assert_eq!(code, Some(129));
    assert!(
        out.stdout
            .ends_with("0 removed, 2 not removed (1 not confirmed, 1 not attempted)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("interrupted while waiting to retry"),
        "{}",
        out.stdout
    );
    assert_eq!(outcomes(&record), ["unknown"]);
    assert_eq!(world.memberships().len(), 2);
}

/// approve keeps a record only when asked; restore lists an approval as not undoable,
/// and with --dry-run sends no change and keeps no record.
#[test]
fn approve_keeps_a_record_when_asked_and_restore_dry_run_changes_nothing() {
    let demo = FakePortal::demo();
    let link = demo.portal.short_url(&demo.link);
    let home = record_path("approve-home");
    let home = home.to_str().unwrap();
    flow(&demo, "approve", &link, &[])
        .env("XDG_STATE_HOME", home)
        .run()
        .assert_exit(0);
    assert!(
        !Path::new(home).join("docspace-guest/records").exists(),
        "none unasked"
    );
    let demo = FakePortal::demo();
    let link = demo.portal.short_url(&demo.link);
    let record = record_path("approve.jsonl");
    let from = record.to_str().unwrap();
    flow(&demo, "approve", &link, &["--record", from])
        .env("XDG_STATE_HOME", home)
        .run()
        .assert_exit(0);
    let lines = lines_of(&record);
    assert_eq!(lines[1]["change"], "approve");
    assert_eq!(lines[1]["email"], demo.guest_email.as_str());
    assert_eq!(outcomes(&record), ["done"]);

    let restore = ["restore", "--from", from, "--dry-run"];
    let out = tool_as(&demo.portal, &demo.admin_key, &restore)
        .env("XDG_STATE_HOME", home)
        .run();
    out.assert_exit(0);
    out.assert_stdout_has("Not undoable:");
    assert!(demo.portal.requests().iter().all(|r| r.method != "PUT"));
    let records = Path::new(home).join("docspace-guest/records");
    assert!(!records.exists(), "--dry-run keeps no record");
}

/// Row 11: a record holding a role no guest may have (a guest seeded as RoomManager,
/// revoked) is refused with FILE:LINE before anything is sent.
#[test]
fn restore_refuses_a_role_no_guest_may_hold() {
    let world = world(1, 0);
    let room = world
        .portal
        .add_room(&world.admin, "Plans", RoomType::Custom);
    world.portal.add_member(
        room,
        &world.guests[0],
        fake_portal::ROOM_MANAGER,
        &world.admin,
    );
    let record = record_path("manager.jsonl");
    world.revoke(&record).run().assert_exit(0);
    let requests = world.portal.requests().len();
    let out = world.restore(&record);
    out.assert_usage_error(&format!(
        "{}:2: RoomManager is not a role a guest holds in a room",
        record.display()
    ));
    assert_eq!(world.portal.requests().len(), requests, "nothing sent");
    assert!(world.portal.room_members(room).is_empty());
}

/// An answer that leaves it unknown whether a change was made is recorded unknown;
/// restore looks it up on the portal and puts back only what was changed.
#[test]
fn an_unknown_outcome_is_looked_up_and_put_back_only_if_made() {
    let world = world(1, 2);
    let start = world.memberships();
    let record = record_path("unknown.jsonl");
    // Room 0's PUT (after its members' read) is answered 200 with no envelope and
    // not done; room 1's is done, then its answer is lost.
    let first = format!("/api/2.0/files/rooms/{}/share", world.rooms[0]);
    let second = format!("/api/2.0/files/rooms/{}/share", world.rooms[1]);
    let oops = fake_portal::Answer::Send(fake_portal::Response::new(200, "<html>oops</html>"));
    world.portal.fault(&first, 1, 1, oops);
    world.portal.fault(&second, 1, 1, fake_portal::Answer::Lost);
    world.revoke(&record).run();
    assert_eq!(outcomes(&record), ["unknown", "unknown"]);
    assert_eq!(world.memberships().len(), 1, "room 1's removal was made");
    let out = world.restore(&record);
    out.assert_exit(0);
    out.assert_stdout_has("still a member as Read (the removal was not made); not changed.");
    out.assert_stdout_has("restored to room");
    assert_eq!(world.memberships(), start);
}
