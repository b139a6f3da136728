//! The real binary against the local fake portal (tests/portal): what arrived on the
//! wire, what was printed, and the exit code.

mod portal;

use std::io::Write;
use std::process::{Command, Stdio};

use portal::{Answer, Demo, Portal, Request, Role};
use serde_json::{Value, json};

/// One run of the binary, with a cleared environment.
struct Tool {
    command: Command,
    stdin: Option<String>,
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn tool(args: &[&str]) -> Tool {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docspace-guest"));
    command.args(args).env_clear();
    Tool {
        command,
        stdin: None,
    }
}

/// The tool set up for the demo portal, as its admin.
fn tool_for(demo: &Demo, args: &[&str]) -> Tool {
    tool(args)
        .env("DOCSPACE_URL", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &demo.admin_key)
}

impl Tool {
    fn env(mut self, name: &str, value: &str) -> Tool {
        self.command.env(name, value);
        self
    }

    fn stdin(mut self, text: &str) -> Tool {
        self.stdin = Some(text.to_string());
        self
    }

    fn run(mut self) -> Outcome {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("spawn docspace-guest");
        let mut stdin = child.stdin.take().unwrap();
        if let Some(text) = &self.stdin {
            stdin.write_all(text.as_bytes()).unwrap();
        }
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        Outcome {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

impl Outcome {
    fn assert_code(&self, code: i32) -> &Outcome {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Exit `code` and one line on stderr that says `needle`.
    fn assert_error(&self, code: i32, needle: &str) -> &Outcome {
        self.assert_code(code);
        assert_eq!(self.stderr.lines().count(), 1, "one line: {}", self.stderr);
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {}",
            self.stderr
        );
        self
    }

    /// A usage error: exit 2, one line on stderr that says `needle`, no output.
    fn assert_usage_error(&self, needle: &str) {
        self.assert_error(2, needle);
        assert_eq!(self.stdout, "");
    }
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn api_requests(portal: &Portal) -> Vec<Request> {
    portal
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .collect()
}

// --- the example's flow ---------------------------------------------------------------

#[test]
fn run_prints_the_examples_output_and_sends_what_docspace_needs() {
    let demo = Portal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = tool_for(
        &demo,
        &["run", "--email", &demo.guest_email, "--link", &short],
    )
    .run();
    out.assert_code(0);

    let requests = demo.portal.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    let (resolve, approve, delete) = (&requests[0], &requests[1], &requests[2]);

    assert_eq!(resolve.method, "GET");
    assert_eq!(resolve.path, format!("/s/{}", demo.link.short));
    assert_eq!(
        resolve.header("authorization"),
        None,
        "the short link needs no key"
    );
    assert_eq!(resolve.header("cookie"), None);

    assert_eq!(approve.method, "POST");
    assert_eq!(approve.path, "/api/2.0/people/guests/share/approve");
    assert_eq!(
        approve.header("authorization"),
        Some(format!("Bearer {}", demo.admin_key).as_str())
    );
    assert_eq!(approve.header("confirm"), Some(demo.link.query().as_str()));
    assert_eq!(json_of(&approve.body), json!({ "email": demo.guest_email }));

    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.path, "/api/2.0/people/guests");
    assert_eq!(
        json_of(&delete.body),
        json!({ "userIds": [demo.guest], "resendAll": false })
    );
    assert!(
        delete
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("docspace-guest/"))
    );

    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 9, "{}", out.stdout);
    assert_eq!(lines[0], "Approving guest...");
    assert_eq!(lines[1], "Status Code: 200");
    let approved = json_of(lines[2].strip_prefix("Raw Response: ").unwrap());
    assert_eq!(approved["response"]["id"], json!(demo.guest));
    // The raw body stays raw; the summary line decodes the HTML entities.
    assert!(lines[2].contains("O&#39;Neil &amp; Co"));
    assert_eq!(
        lines[3],
        format!("Approved guest: Jane O'Neil & Co ({})", demo.guest_email)
    );
    assert_eq!(lines[4], "");
    assert_eq!(lines[5], "Deleting guest...");
    assert_eq!(lines[6], "Status Code (delete): 200");
    let deleted = json_of(lines[7].strip_prefix("Raw Response (delete): ").unwrap());
    assert_eq!(deleted["statusCode"], json!(200));
    assert_eq!(
        lines[8],
        format!("Guest with ID {} deleted successfully.", demo.guest)
    );
    assert_eq!(out.stderr, "");

    // Removed from the caller's list; the account itself stays.
    assert!(!demo.portal.guest_list(&demo.admin).contains(&demo.guest));
    assert!(demo.portal.user(&demo.guest).is_some());
}

#[test]
fn every_link_form_sends_the_same_confirm_header() {
    let demo = Portal::demo();
    let forms = [
        demo.portal.full_url(&demo.link),
        demo.link.query(),
        format!("  {}  ", demo.portal.short_url(&demo.link)),
    ];
    for link in &forms {
        let out = tool_for(
            &demo,
            &["approve", "--email", &demo.guest_email, "--link", link],
        )
        .run();
        out.assert_code(0);
        assert!(out.stdout.contains(&format!("Guest ID: {}", demo.guest)));
    }
    let confirms: Vec<String> = api_requests(&demo.portal)
        .iter()
        .map(|r| r.header("confirm").unwrap_or_default().to_string())
        .collect();
    assert_eq!(confirms, vec![demo.link.query(); 3]);
    // Only the short link was fetched.
    let fetched: Vec<String> = demo
        .portal
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/s/"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(fetched, vec![format!("/s/{}", demo.link.short)]);
}

#[test]
fn approve_quiet_prints_only_the_id_and_run_quiet_too() {
    let demo = Portal::demo();
    let link = demo.portal.full_url(&demo.link);
    let out = tool_for(
        &demo,
        &[
            "approve",
            "-q",
            "--email",
            &demo.guest_email,
            "--link",
            &link,
        ],
    )
    .run();
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{}\n", demo.guest));

    let out = tool_for(
        &demo,
        &[
            "run",
            "--quiet",
            "--email",
            &demo.guest_email,
            "--link",
            &link,
        ],
    )
    .run();
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{}\n", demo.guest));
    assert_eq!(api_requests(&demo.portal).len(), 3);
}

#[test]
fn a_login_token_goes_raw_and_works() {
    let demo = Portal::demo();
    let token = demo.portal.add_login_token(&demo.admin);
    let link = demo.portal.full_url(&demo.link);
    let out = tool(&["approve", "--email", &demo.guest_email, "--link", &link])
        .env("DOCSPACE_URL", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &token)
        .run();
    out.assert_code(0);
    let approve = &api_requests(&demo.portal)[0];
    assert_eq!(approve.header("authorization"), Some(token.as_str()));
}

// --- links ----------------------------------------------------------------------------

#[test]
fn a_link_for_another_portal_is_refused_before_anything_is_sent() {
    let demo = Portal::demo();
    let elsewhere = [
        format!("https://evil.example/s/{}", demo.link.short),
        format!(
            "http://127.0.0.2:1/confirm/GuestShareLink?{}",
            demo.link.query()
        ),
    ];
    for link in &elsewhere {
        tool_for(
            &demo,
            &["approve", "--email", &demo.guest_email, "--link", link],
        )
        .run()
        .assert_usage_error("--link is for");
    }
    assert!(demo.portal.requests().is_empty());
}

#[test]
fn an_unknown_short_link_stops_after_the_redirect_to_the_start_page() {
    let demo = Portal::demo();
    let link = format!("{}/s/AAAAAAAAAAAAAAA", demo.portal.url());
    let out = tool_for(
        &demo,
        &["run", "--email", &demo.guest_email, "--link", &link],
    )
    .run();
    out.assert_error(2, "unknown or expired");
    assert_eq!(out.stdout, "Approving guest...\n");
    let requests = demo.portal.requests();
    assert_eq!(requests.len(), 1, "only the short link: {requests:#?}");
}

#[test]
fn an_expired_link_is_named_as_the_cause_and_nothing_is_deleted() {
    let demo = Portal::demo();
    demo.portal.expire_link(&demo.link);
    let link = demo.portal.short_url(&demo.link);
    let out = tool_for(
        &demo,
        &["run", "--email", &demo.guest_email, "--link", &link],
    )
    .run();
    out.assert_code(4);
    assert!(
        out.stdout
            .ends_with("Approving guest...\nStatus Code: 401\nRaw Response: \n")
    );
    assert!(out.stderr.contains("sharing link"), "{}", out.stderr);
    assert!(out.stderr.contains("expired"), "{}", out.stderr);
    let methods: Vec<String> = api_requests(&demo.portal)
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    // The 401 is told apart from a bad key by one read; no delete follows.
    assert_eq!(
        methods,
        [
            "POST /api/2.0/people/guests/share/approve",
            "GET /api/2.0/people/@self"
        ]
    );
}

#[test]
fn malformed_links_are_usage_errors() {
    let demo = Portal::demo();
    let base = demo.portal.url();
    for (link, says) in [
        (
            "type=LinkInvite&key=1&encemail=2",
            "not a guest sharing link",
        ),
        ("type=GuestShareLink&encemail=2", "'key'"),
        (
            &format!("{base}/rooms/shared/5") as &str,
            "not a guest sharing link",
        ),
        ("not a link", "--link"),
    ] {
        tool_for(
            &demo,
            &["approve", "--email", &demo.guest_email, "--link", link],
        )
        .run()
        .assert_usage_error(says);
    }
    assert!(demo.portal.requests().is_empty());
}

// --- the server's refusals ------------------------------------------------------------

#[test]
fn a_wrong_key_is_401_with_an_empty_body_and_exit_4() {
    let demo = Portal::demo();
    let out = tool(&["delete", &demo.guest])
        .env("DOCSPACE_URL", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &format!("sk-{}", "0".repeat(64)))
        .run();
    out.assert_code(4);
    assert_eq!(
        out.stdout,
        "Status Code (delete): 401\nRaw Response (delete): \n"
    );
    assert!(
        out.stderr.contains("wrong, expired or revoked"),
        "{}",
        out.stderr
    );
}

#[test]
fn delete_refused_as_a_whole_says_nothing_was_removed() {
    let demo = Portal::demo();
    // The guest is on the sharer's list, not on the admin's.
    let mine = demo
        .portal
        .invite_guest(&demo.admin, "Mia", "Mine", "mia@example.com");
    let out = tool_for(&demo, &["delete", &mine, &demo.guest]).run();
    out.assert_code(4);
    assert!(out.stdout.contains("Status Code (delete): 403"));
    assert!(out.stdout.contains("Access denied"));
    assert!(out.stderr.contains("nothing was removed"), "{}", out.stderr);
    assert_eq!(demo.portal.guest_list(&demo.admin), vec![mine.clone()]);

    // One request for both, ids lowercased and deduplicated.
    let requests = api_requests(&demo.portal);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        json_of(&requests[0].body)["userIds"],
        json!([mine, demo.guest])
    );
}

#[test]
fn delete_sends_ids_lowercased_once_each_in_one_request() {
    let demo = Portal::demo();
    let a = demo
        .portal
        .invite_guest(&demo.admin, "A", "One", "a@example.com");
    let b = demo
        .portal
        .invite_guest(&demo.admin, "B", "Two", "b@example.com");
    let out = tool_for(&demo, &["delete", &a.to_uppercase(), &b, &a]).run();
    out.assert_code(0);
    let requests = api_requests(&demo.portal);
    assert_eq!(requests.len(), 1);
    assert_eq!(json_of(&requests[0].body)["userIds"], json!([a, b]));
    assert!(
        out.stdout
            .contains(&format!("Guest with ID {a} deleted successfully.\n"))
    );
    assert!(
        out.stdout
            .contains(&format!("Guest with ID {b} deleted successfully.\n"))
    );
    assert!(demo.portal.guest_list(&demo.admin).is_empty());
}

#[test]
fn a_plain_user_may_not_approve() {
    let demo = Portal::demo();
    let user = demo
        .portal
        .add_user(Role::User, "Ulla", "User", "ulla@example.com");
    let key = demo.portal.add_api_key(&user, &["accounts:write"]);
    let link = demo.portal.full_url(&demo.link);
    let out = tool(&["approve", "--email", &demo.guest_email, "--link", &link])
        .env("DOCSPACE_URL", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &key)
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("admin"), "{}", out.stderr);
    assert!(out.stderr.contains("Access denied"), "{}", out.stderr);
}

#[test]
fn a_key_without_the_write_scope_is_told_so() {
    let demo = Portal::demo();
    let key = demo.portal.add_api_key(&demo.admin, &["accounts:read"]);
    let out = tool(&["delete", &demo.guest])
        .env("DOCSPACE_URL", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &key)
        .run();
    out.assert_code(4);
    assert!(out.stderr.contains("accounts:write"), "{}", out.stderr);
}

#[test]
fn a_validation_error_shows_the_servers_words() {
    let demo = Portal::demo();
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        1,
        portal::invalid(
            "$.userIds[0]",
            "The JSON value could not be converted to System.Guid.",
        ),
    );
    let out = tool_for(&demo, &["delete", &demo.guest]).run();
    out.assert_code(1);
    assert!(out.stdout.contains("Status Code (delete): 400"));
    assert!(
        out.stderr
            .contains("One or more validation errors occurred.")
    );
    assert!(out.stderr.contains("$.userIds[0]"), "{}", out.stderr);
}

#[test]
fn a_guest_that_no_longer_exists_is_404() {
    let demo = Portal::demo();
    demo.portal.remove_user(&demo.guest);
    let link = demo.portal.full_url(&demo.link);
    let out = tool_for(
        &demo,
        &["run", "--email", &demo.guest_email, "--link", &link],
    )
    .run();
    out.assert_code(1);
    assert!(out.stderr.contains("404 User not found"), "{}", out.stderr);
    assert_eq!(
        api_requests(&demo.portal).len(),
        1,
        "no delete after a failed approval"
    );
}

#[test]
fn a_url_that_is_not_the_portal_is_404_without_a_body() {
    let demo = Portal::demo();
    let out = tool_for(&demo, &["delete", &demo.guest])
        .env("DOCSPACE_URL", &format!("{}/not-here", demo.portal.url()))
        .run();
    out.assert_code(1);
    assert!(out.stderr.contains("check --url"), "{}", out.stderr);
}

#[test]
fn an_api_redirect_is_not_followed_and_names_the_target() {
    let demo = Portal::demo();
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        1,
        Answer::Send(
            portal::Response::new(301, "")
                .with_header("Location", "https://127.0.0.1:1/api/2.0/people/guests"),
        ),
    );
    let out = tool_for(&demo, &["delete", &demo.guest]).run();
    out.assert_code(1);
    assert!(
        out.stderr
            .contains("https://127.0.0.1:1/api/2.0/people/guests"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--url"));
    assert_eq!(demo.portal.requests().len(), 1);
}

#[test]
fn a_rate_limit_with_an_empty_body_is_reported_not_a_crash() {
    let demo = Portal::demo();
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        100,
        Portal::too_many_requests(7),
    );
    let out = tool_for(&demo, &["delete", &demo.guest]).run();
    out.assert_code(1);
    assert!(
        out.stdout
            .contains("Status Code (delete): 429\nRaw Response (delete): \n")
    );
    assert!(out.stderr.contains("429"), "{}", out.stderr);
}

// --- input and configuration: exit 2, nothing sent ------------------------------------

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let demo = Portal::demo();
    let link = demo.portal.full_url(&demo.link);
    let cases: [(&[&str], &str); 8] = [
        (&["delete", "not-a-guid"], "'not-a-guid' is not a guest ID"),
        (&["delete"], "at least one guest ID"),
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
    let demo = Portal::demo();
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
    let demo = Portal::demo();
    tool_for(&demo, &["delete", &demo.guest])
        .env("DOCSPACE_URL", "http://portal.example.com")
        .run()
        .assert_usage_error("--allow-http");
}

#[test]
fn the_portal_address_may_come_from_docspace_api_host_with_a_slash() {
    let demo = Portal::demo();
    let mine = demo
        .portal
        .invite_guest(&demo.admin, "M", "M", "m@example.com");
    let out = tool(&["delete", &mine])
        .env("DOCSPACE_API_HOST", &format!("{}/", demo.portal.url()))
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .run();
    out.assert_code(0);
    assert_eq!(api_requests(&demo.portal)[0].path, "/api/2.0/people/guests");
}

#[test]
fn the_key_can_come_from_a_file_or_stdin() {
    let demo = Portal::demo();
    let a = demo
        .portal
        .invite_guest(&demo.admin, "A", "A", "a@example.com");
    let b = demo
        .portal
        .invite_guest(&demo.admin, "B", "B", "b@example.com");
    let dir = std::env::temp_dir().join(format!("dg-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("key");
    std::fs::write(&file, format!("{}\n", demo.admin_key)).unwrap();
    // Readable by others: the tool works, and warns.
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();

    let out = tool(&["delete", &a, "--api-key-file", file.to_str().unwrap()])
        .env("DOCSPACE_URL", &demo.portal.url())
        .run();
    out.assert_code(0);
    assert!(out.stderr.contains("chmod 600"), "warns: {}", out.stderr);

    let out = tool(&["delete", &b, "--api-key-file", "-"])
        .env("DOCSPACE_URL", &demo.portal.url())
        .stdin(&format!("{}\n", demo.admin_key))
        .run();
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    for request in api_requests(&demo.portal) {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", demo.admin_key).as_str())
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- secrets --------------------------------------------------------------------------

#[test]
fn the_key_never_appears_in_any_output_even_verbose() {
    let demo = Portal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = tool_for(
        &demo,
        &["run", "-v", "--email", &demo.guest_email, "--link", &short],
    )
    .run();
    out.assert_code(0);
    let last4 = &demo.admin_key[demo.admin_key.len() - 4..];
    assert!(
        out.stderr
            .contains(&format!("> authorization: Bearer sk-…{last4}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("> DELETE "));
    assert!(out.stderr.contains("< 200"));
    // The link key lets its holder approve the guest: kept out of traces too.
    assert!(!out.stderr.contains(&demo.link.key));
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(&demo.admin_key));
        assert!(!text.contains(&demo.admin_key[3..]));
    }

    // Nor in an error.
    let wrong = format!("sk-{}", "f".repeat(64));
    let out = tool(&["-v", "delete", &demo.guest])
        .env("DOCSPACE_URL", &demo.portal.url())
        .env("DOCSPACE_API_KEY", &wrong)
        .run();
    out.assert_code(4);
    assert!(!out.stdout.contains(&wrong[3..]) && !out.stderr.contains(&wrong[3..]));
}

// --- help -----------------------------------------------------------------------------

#[test]
fn help_and_version() {
    let out = tool(&["--help"]).run();
    out.assert_code(0);
    assert!(out.stdout.contains("Exit codes:"));
    for command in ["approve", "delete", "run"] {
        let direct = tool(&[command, "--help"]).run();
        direct.assert_code(0);
        assert!(
            direct
                .stdout
                .contains(&format!("Usage: docspace-guest {command}"))
        );
        assert_eq!(tool(&["help", command]).run().stdout, direct.stdout);
    }
    let out = tool(&["--version"]).run();
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        format!("docspace-guest {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// The README documents every flag and exit code that --help lists.
#[test]
fn readme_and_help_are_in_step() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut help = tool(&["--help"]).run().stdout;
    for command in ["approve", "delete", "run"] {
        help.push_str(&tool(&[command, "--help"]).run().stdout);
    }
    let flags: std::collections::BTreeSet<&str> = help
        .split(|c: char| c.is_whitespace() || ",[]():'.".contains(c))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    assert!(flags.len() >= 10, "{flags:?}");
    for flag in flags {
        assert!(readme.contains(flag), "README.md does not mention {flag}");
    }
    let codes = help.split("Exit codes:\n").nth(1).unwrap();
    for line in codes.lines().take_while(|l| l.starts_with("  ")) {
        let (code, meaning) = line.trim().split_once("  ").unwrap();
        let row = format!("| {code} | {}", meaning.trim());
        assert!(
            readme.contains(&row),
            "README.md lacks the exit code row {row:?}"
        );
    }
}
