//! Configuration and secrets: input refused before anything is sent, the portal's address
//! (plain http only on loopback), the key from a variable, a file or stdin, and the key
//! kept out of every output.

use crate::util::{Tool, api_requests, flow, tool, tool_as, tool_for, write_key};
use fake_portal::FakePortal;

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let demo = FakePortal::demo();
    let link = demo.portal.full_url(&demo.link);
    let cases: [(&[&str], &str); 8] = [
        (&["delete", "not-a-guid"], "'not-a-guid' is not a guest ID"),
        (&["delete"], "guest IDs, --email ADDR or --from FILE"),
        (
            &["approve", "--email", "jane", "--link", &link],
            "--email 'jane'",
        ),
        (&["approve", "--link", &link], "--email"),
        (&["run", "--email", "a@b.org"], "--link"),
        (&["delete", &demo.guest, "--timeout", "0"], "--timeout"),
        (&["frobnicate"], "unknown command 'frobnicate'"),
        (
            &["delete", &demo.guest, "--api-key", "sk-x"],
            "DOCSPACE_API_KEY",
        ),
    ];
    for (args, says) in cases {
        tool_for(&demo, args).run().assert_usage_error(says);
    }
    assert!(demo.portal.requests().is_empty());
}

#[test]
fn missing_url_or_key_names_what_to_set() {
    let demo = FakePortal::demo();
    tool(&["delete", &demo.guest])
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run()
        .assert_usage_error("DOCSPACE_URL");
    tool(&["delete", &demo.guest])
        .env("DOCSPACE_URL", &demo.portal.url())
        .run()
        .assert_usage_error("DOCSPACE_API_KEY");
    assert!(demo.portal.requests().is_empty());
}

#[test]
fn plain_http_is_only_for_loopback() {
    let demo = FakePortal::demo();
    tool_for(&demo, &["delete", &demo.guest])
        .env("DOCSPACE_URL", "http://portal.example.com")
        .run()
        .assert_usage_error("--allow-http");
}

#[test]
fn the_portal_address_may_come_from_docspace_api_host_with_a_slash() {
    let demo = FakePortal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    let out = tool(&["delete", &mine])
        .env("DOCSPACE_API_HOST", &format!("{}/", demo.portal.url()))
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run();
    out.assert_exit(0);
    assert_eq!(api_requests(&demo.portal)[0].path, "/api/2.0/people/guests");
}

#[test]
fn the_key_can_come_from_a_file_or_stdin() {
    let demo = FakePortal::demo();
    let a = demo.portal.own_guest(&demo.admin, "a@example.com");
    let b = demo.portal.own_guest(&demo.admin, "b@example.com");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("dg-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("key");
    std::fs::write(&file, format!("{}\n", demo.admin_key)).unwrap();
    // Readable by others: the tool works, and warns.
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();

    let out = tool(&["delete", &a, "--api-key-file", file.to_str().unwrap()])
        .env("DOCSPACE_URL", &demo.portal.url())
        .run();
    out.assert_exit(0);
    out.assert_stderr_has("chmod 600");

    let out = tool(&["delete", &b, "--api-key-file", "-"])
        .env("DOCSPACE_URL", &demo.portal.url())
        .stdin(&format!("{}\n", demo.admin_key))
        .run();
    out.assert_exit(0);
    assert_eq!(out.stderr, "");
    for request in api_requests(&demo.portal) {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", demo.admin_key).as_str())
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn key_files_and_variables_with_stray_characters_work_or_are_refused_clearly() {
    let demo = FakePortal::demo();
    let key = demo.admin_key.clone();
    let whoami = |tool: Tool| {
        let out = tool.env("DOCSPACE_URL", &demo.portal.url()).run();
        out.assert_exit(0);
    };
    for (name, bytes) in [
        ("crlf", format!("{key}\r\n").into_bytes()),
        ("bom", format!("\u{FEFF}{key}\n\n").into_bytes()),
        ("spaces", format!("  {key} \t\n").into_bytes()),
        ("quoted", format!("\"{key}\"\n").into_bytes()),
        (
            "comment",
            format!("# portal key, rotated 2026-11\n{key}\n").into_bytes(),
        ),
        // The comment after the key is never sent as part of it.
        (
            "trailing-comment",
            format!("{key}  # ops key\n").into_bytes(),
        ),
        (
            "utf16",
            [0xFF, 0xFE]
                .into_iter()
                .chain(
                    format!("{key}\r\n")
                        .encode_utf16()
                        .flat_map(u16::to_le_bytes),
                )
                .collect(),
        ),
    ] {
        let file = write_key(&format!("key-{name}"), bytes);
        whoami(tool(&["whoami", "--api-key-file", file.to_str().unwrap()]));
    }
    for value in [format!("{key}\r\n"), format!(" {key} "), format!("'{key}'")] {
        whoami(tool(&["whoami"]).env("DOCSPACE_API_KEY", &value));
    }
    let url = format!("  {}\r\n", demo.portal.url());
    whoami(
        tool(&["whoami"])
            .env("DOCSPACE_API_KEY", &key)
            .env("DOCSPACE_URL", &url),
    );
    let sent = api_requests(&demo.portal);
    // whoami reads people/@self and the key's own scopes, 11 times.
    assert_eq!(sent.len(), 22);
    for request in sent {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {key}").as_str())
        );
    }

    for (name, text, needle) in [
        (
            "env",
            format!("DOCSPACE_API_KEY={key}\n"),
            ":1: looks like a NAME=value line",
        ),
        ("two", format!("{key}\nsk-other\n"), ":2: a second value"),
        ("empty", "\n# nothing\n".to_string(), " holds no key"),
    ] {
        let file = write_key(&format!("bad-key-{name}"), &text);
        let out = tool(&["whoami", "--api-key-file", file.to_str().unwrap()])
            .env("DOCSPACE_URL", &demo.portal.url())
            .run();
        out.assert_usage_error(needle);
        // The key is never shown.
        out.assert_stderr_lacks(&key[3..]);
    }
    assert_eq!(api_requests(&demo.portal).len(), 22, "nothing sent");
}

#[test]
fn the_key_never_appears_in_any_output_even_verbose() {
    let demo = FakePortal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &short, &["-v"]).run();
    out.assert_exit(0);
    let last4 = &demo.admin_key[demo.admin_key.len() - 4..];
    out.assert_stderr_has(&format!("> authorization: Bearer sk-…{last4}"));
    out.assert_stderr_has("> DELETE ");
    out.assert_stderr_has("< 200");
    // The link key lets its holder approve the guest: kept out of traces too.
    out.assert_stderr_lacks(&demo.link.key);
    out.assert_output_lacks(&demo.admin_key);
    out.assert_output_lacks(&demo.admin_key[3..]);

    // Nor in an error.
    let wrong = format!("sk-{}", "f".repeat(64));
    let out = tool_as(&demo.portal, &wrong, &["-v", "delete", &demo.guest]).run();
    out.assert_exit(4);
    out.assert_output_lacks(&wrong[3..]);
}
