//! The credential goes nowhere but the portal: a portal that echoes it (in an error
//! message, a header seen with -v, a body shown raw or as --json, a room title the
//! record keeps, or 16 characters of it) gets it masked in everything the tool writes,
//! and `localhost` connects to loopback whatever /etc/hosts says.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use crate::util::{Outcome, tool_as, write_temp};
use fake_portal::{Answer, ECHO, EDITING, FakePortal, Response, Role, RoomType};

/// Neither stream holds the key, nor any 16 characters of it.
#[track_caller]
fn assert_shows_no_key(out: &Outcome, key: &str) {
    for piece in key.as_bytes().windows(16) {
        let piece = std::str::from_utf8(piece).unwrap();
        out.assert_output_lacks(piece);
    }
}

/// A portal that echoes the Authorization header, its admin and the admin's key.
fn echoing_portal(scopes: &[&str]) -> (FakePortal, String, String) {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, scopes);
    portal.echo_authorization();
    (portal, admin, key)
}

#[test]
fn an_error_message_or_a_header_that_echoes_the_key_shows_it_masked() {
    let (portal, _, key) = echoing_portal(&["accounts:read"]);
    let message = format!("Invalid request header Authorization: {ECHO}");
    let body =
        serde_json::json!({ "error": { "message": message }, "status": 1, "statusCode": 400 });
    portal.fault(
        "/api/2.0/people/filter",
        0,
        1,
        Answer::Send(Response::json(400, &body)),
    );
    // Without -v: the portal's message is in the error line.
    let out = tool_as(&portal, &key, &["list"]).run();
    out.assert_error(1, "Invalid request header Authorization: Bearer <redacted>");
    assert_shows_no_key(&out, &key);

    // With -v, every answer's X-Seen-Authorization header is traced.
    let out = tool_as(&portal, &key, &["whoami", "-v"]).run();
    out.assert_exit(0);
    out.assert_stderr_has("< x-seen-authorization: Bearer <redacted>");
    assert_shows_no_key(&out, &key);

    // Sixteen characters of it, anywhere in a message, are as good as the key.
    let piece = &key[9..25];
    let body = serde_json::json!({ "error": { "message": format!("token …{piece}… is not valid") }, "status": 1 });
    portal.fault(
        "/api/2.0/people/filter",
        0,
        1,
        Answer::Send(Response::json(400, &body)),
    );
    let out = tool_as(&portal, &key, &["list"]).run();
    out.assert_error(1, "token …<redacted>… is not valid");
    assert_shows_no_key(&out, &key);
}

#[test]
fn a_body_that_echoes_the_key_shows_it_masked_raw_as_json_and_in_the_record() {
    let scopes = [
        "accounts:read",
        "accounts:write",
        "rooms:read",
        "rooms:write",
    ];
    let (portal, admin, key) = echoing_portal(&scopes);
    let guest = portal.invite_guest(&admin, ECHO, "Doe", "eve@example.com");
    let link = portal.full_url(&portal.share_guest(&admin, &guest));

    // The example's Raw Response line: the 200 body as it came, but for the key.
    let args = ["approve", "--email", "eve@example.com", "--link", &link];
    let out = tool_as(&portal, &key, &args).run();
    out.assert_exit(0);
    out.assert_stdout_has("Raw Response: {");
    out.assert_stdout_has("Approved guest: Bearer <redacted> Doe (eve@example.com)");
    assert_shows_no_key(&out, &key);

    let out = tool_as(&portal, &key, &["list", "--json"]).run();
    out.assert_exit(0);
    out.assert_stdout_has(r#""displayName":"Bearer <redacted> Doe""#);
    assert_shows_no_key(&out, &key);

    // The record is written with the same lines: a room titled with the key.
    let room = portal.add_room(&admin, ECHO, RoomType::Custom);
    portal.add_member(room, &guest, EDITING, &admin);
    let record = write_temp("echoed-key.jsonl", "");
    let record_arg = record.to_str().unwrap();
    let out = tool_as(
        &portal,
        &key,
        &["revoke", &guest, "--all-rooms", "--record", record_arg],
    )
    .run();
    out.assert_exit(0);
    out.assert_stdout_has(&format!("removed from room {room} \"Bearer <redacted>\""));
    assert_shows_no_key(&out, &key);
    let written = std::fs::read_to_string(&record).unwrap();
    assert!(written.contains("Bearer <redacted>"), "{written}");
    for piece in key.as_bytes().windows(16) {
        let piece = std::str::from_utf8(piece).unwrap();
        assert!(
            !written.contains(piece),
            "the record holds {piece}: {written}"
        );
    }
}

/// A program's absolute path, found on this test's PATH.
fn program(name: &str) -> Option<String> {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .ok()?;
    let path = String::from_utf8(found.stdout).ok()?.trim().to_string();
    (found.status.success() && path.starts_with('/')).then_some(path)
}

/// Runs `argv` in a mount namespace of its own in which /etc/hosts is `hosts`.
fn with_hosts(hosts: &Path, argv: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let (unshare, mount) = (program("unshare").unwrap(), program("mount").unwrap());
    let script = format!("{mount} --bind \"$0\" /etc/hosts && exec \"$@\"");
    let mut command = Command::new(unshare);
    command
        .args([
            "--mount",
            "--propagation",
            "private",
            "/bin/sh",
            "-c",
            &script,
        ])
        .arg(hosts)
        .args(argv)
        .env_clear()
        .envs(env.iter().copied());
    command.output().expect("run unshare")
}

/// Row 15 of issue 20: /etc/hosts maps localhost to 127.0.0.2, where a listener on the
/// portal's port would take the key in clear text. The tool connects 127.0.0.1 itself.
#[test]
fn localhost_is_loopback_by_address_whatever_etc_hosts_says() {
    let hosts = write_temp("hosts-localhost-elsewhere", "127.0.0.2 localhost\n");
    let probe = with_hosts(&hosts, &["getent", "hosts", "localhost"], &[]);
    if program("unshare").is_none() || program("mount").is_none() || !probe.status.success() {
        eprintln!(
            "skipped: no private mount namespace here (unshare --mount and mount --bind \
             are needed to give the tool another /etc/hosts): {}",
            String::from_utf8_lossy(&probe.stderr)
        );
        return;
    }
    // The trick works: in there, the system's resolver says 127.0.0.2.
    let said = String::from_utf8_lossy(&probe.stdout);
    assert!(said.starts_with("127.0.0.2"), "getent said: {said}");

    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Lou", "Loopback", "lou@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read"]);
    let port = portal.url().rsplit(':').next().unwrap().to_string();
    let decoy = TcpListener::bind(("127.0.0.2", port.parse::<u16>().unwrap()))
        .expect("bind 127.0.0.2 on the portal's port");
    decoy.set_nonblocking(true).unwrap();

    let url = format!("http://localhost:{port}");
    let binary = env!("CARGO_BIN_EXE_docspace-guest");
    let env = [("DOCSPACE_URL", url.as_str()), ("DOCSPACE_API_KEY", &key)];
    let run = with_hosts(&hosts, &[binary, "whoami", "--timeout", "10"], &env);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    assert_eq!(run.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("Lou Loopback"), "{stdout}");
    assert!(
        decoy.accept().is_err(),
        "the tool connected where /etc/hosts said"
    );
    assert!(
        portal
            .requests()
            .iter()
            .any(|r| r.path == "/api/2.0/people/@self"),
        "the portal on 127.0.0.1 was asked"
    );
}
