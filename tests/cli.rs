//! The real binary against the local fake portal (tests/portal): what arrived on the
//! wire, what was printed, and the exit code.

mod portal;

use std::io::Write;
use std::process::{Command, Stdio};

use portal::{Answer, Demo, Portal, Release, Request, Role};
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

/// `approve` or `run` of the demo's guest with `link`, and `extra` flags.
fn flow(demo: &Demo, command: &str, link: &str, extra: &[&str]) -> Tool {
    let mut args = vec![command];
    args.extend_from_slice(extra);
    args.extend(["--email", &demo.guest_email, "--link", link]);
    tool_for(demo, &args)
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

/// The API calls that carry the credential: all but the anonymous release check.
fn api_requests(portal: &Portal) -> Vec<Request> {
    portal
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/") && r.path != RELEASE_CHECK)
        .collect()
}

const RELEASE_CHECK: &str = "/api/2.0/settings/version/build";

// --- the example's flow ---------------------------------------------------------------

#[test]
fn run_prints_the_examples_output_and_sends_what_docspace_needs() {
    let demo = Portal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &short, &[]).run();
    out.assert_code(0);

    let requests = demo.portal.requests();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    let (resolve, approve, release, delete) =
        (&requests[0], &requests[1], &requests[2], &requests[3]);

    // Which release decides what a 200 from delete proves; the check is anonymous.
    assert_eq!(
        (release.method.as_str(), release.path.as_str()),
        ("GET", RELEASE_CHECK)
    );
    assert_eq!(release.header("authorization"), None);

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
        let out = flow(&demo, "approve", link, &[]).run();
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
    let out = flow(&demo, "approve", &link, &["-q"]).run();
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{}\n", demo.guest));

    let out = flow(&demo, "run", &link, &["--quiet"]).run();
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{}\n", demo.guest));
    assert_eq!(api_requests(&demo.portal).len(), 3);
}

#[test]
fn an_email_that_is_not_the_links_guest_is_warned_about() {
    let demo = Portal::demo();
    let link = demo.portal.full_url(&demo.link);
    let out = tool_for(
        &demo,
        &[
            "approve",
            "-q",
            "--email",
            "someone.else@example.com",
            "--link",
            &link,
        ],
    )
    .run();
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        format!("{}\n", demo.guest),
        "the link's guest was approved"
    );
    assert!(
        out.stderr.contains(&format!(
            "the portal approved {}, not --email someone.else@example.com",
            demo.guest_email
        )),
        "{}",
        out.stderr
    );
    let out = flow(&demo, "approve", &link, &[]).run();
    assert_eq!(out.stderr, "", "no warning when they match");
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
        flow(&demo, "approve", link, &[])
            .run()
            .assert_usage_error("--link is for");
    }
    assert!(demo.portal.requests().is_empty());
}

#[test]
fn an_unknown_short_link_stops_after_the_redirect_to_the_start_page() {
    let demo = Portal::demo();
    let link = format!("{}/s/AAAAAAAAAAAAAAA", demo.portal.url());
    let out = flow(&demo, "run", &link, &[]).run();
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
    let out = flow(&demo, "run", &link, &[]).run();
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
        flow(&demo, "approve", link, &[])
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
    out.assert_error(4, "wrong, expired or revoked");
    assert!(
        out.stdout
            .starts_with("Status Code (delete): 401\nRaw Response (delete): \n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("0 removed, 1 failed\n"));
}

#[test]
fn run_reports_the_all_or_nothing_refusal_of_delete() {
    let demo = Portal::demo();
    let link = demo.portal.full_url(&demo.link);
    // A disabled guest can be approved, but the portal refuses to remove it.
    demo.portal.set_status(&demo.guest, 2);
    let out = flow(&demo, "run", &link, &[]).run();
    out.assert_error(4, "403 Access denied");
    assert!(out.stdout.contains("Status Code (delete): 403"));
    assert!(
        out.stderr
            .contains("not an active guest on your guest list")
    );
    assert!(!out.stdout.contains("removed,"), "run prints no summary");
}

#[test]
fn delete_sends_ids_lowercased_once_each_in_one_request() {
    let demo = Portal::demo();
    let a = demo.portal.own_guest(&demo.admin, "a@example.com");
    let b = demo.portal.own_guest(&demo.admin, "b@example.com");
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
    let out = flow(&demo, "run", &link, &[]).run();
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
    assert_eq!(api_requests(&demo.portal).len(), 1);
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
    let out = tool_for(&demo, &["delete", "--retries", "0", &demo.guest]).run();
    out.assert_code(6);
    assert!(
        out.stdout
            .contains("Status Code (delete): 429\nRaw Response (delete): \n")
    );
    assert!(out.stderr.contains("wait 7 s"), "{}", out.stderr);
}

// --- input and configuration: exit 2, nothing sent ------------------------------------

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let demo = Portal::demo();
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
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
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
    let out = flow(&demo, "run", &short, &["-v"]).run();
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

// --- batches (issue 3) ----------------------------------------------------------------

/// A portal with an admin (and its key) who invited `n` guests.
struct Crowd {
    portal: Portal,
    admin: String,
    key: String,
    guests: Vec<String>,
}

fn crowd(n: usize) -> Crowd {
    let portal = Portal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let guests = (0..n)
        .map(|i| {
            portal.invite_guest(
                &admin,
                "Guest",
                &format!("No{i:04}"),
                &format!("g{i:04}@example.com"),
            )
        })
        .collect();
    Crowd {
        portal,
        admin,
        key,
        guests,
    }
}

impl Crowd {
    fn tool(&self, args: &[&str]) -> Tool {
        tool(args)
            .env("DOCSPACE_URL", &self.portal.url())
            .env("DOCSPACE_API_KEY", &self.key)
    }

    fn requests_to(&self, method: &str, path: &str) -> Vec<Request> {
        self.portal
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }
}

fn write_temp(name: &str, text: impl AsRef<[u8]>) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("dg-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn list_pages_through_250_guests_on_one_connection() {
    let crowd = crowd(250);
    let out = crowd.tool(&["list", "-q"]).run();
    out.assert_code(0);
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
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 252, "header, 250 rows, count");
    assert!(lines[0].starts_with("ID ") && lines[251] == "250 guest(s)");
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
    out.assert_code(0);
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
    assert_eq!(lines[4], "3 guest(s)");

    let out = crowd.tool(&["list", "--json"]).run();
    out.assert_code(0);
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
    out.assert_code(0);
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
fn delete_250_ids_goes_in_3_requests_on_one_connection() {
    let crowd = crowd(250);
    let file = write_temp("ids", crowd.guests.join("\n"));
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_code(0);
    assert!(out.stdout.ends_with("250 removed, 0 failed\n"));
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
        assert!(
            out.stdout
                .contains(&format!("Guest with ID {guest} deleted successfully.\n"))
        );
    }
    assert!(out.stdout.contains(&format!(
        "Guest with ID {not_mine} not deleted: refused (403 Access denied)"
    )));
    assert!(out.stdout.ends_with("4 removed, 1 failed\n"));
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
    assert!(out.stdout.ends_with("0 removed, 3 failed\n"));
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
    assert!(out.stdout.contains(&removed), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Guest nobody@example.com not deleted: no user has this email (404)")
    );
    assert!(
        out.stdout
            .contains("Guest dan@example.com not deleted: is not a guest")
    );
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
fn a_from_file_skips_comments_blanks_and_duplicates() {
    let crowd = crowd(3);
    let text = format!(
        "# guests to remove\n\n  {}  \n{}\n# again:\n{}\ng0002@example.com\n",
        crowd.guests[0],
        crowd.guests[1].to_uppercase(),
        crowd.guests[0]
    );
    let file = write_temp("from", &text);
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.ends_with("3 removed, 0 failed\n"),
        "{}",
        out.stdout
    );
    let deletes = crowd.requests_to("DELETE", "/api/2.0/people/guests");
    assert_eq!(json_of(&deletes[0].body)["userIds"], json!(crowd.guests));
}

#[test]
fn lists_from_spreadsheets_editors_and_tickets_are_read() {
    let crowd = crowd(8);
    let g = &crowd.guests;
    // Excel's CSV (UTF-8 with a BOM, CRLF, a title, quotes, empty columns), a ticket's
    // "Name <email>", a registry-style GUID, non-breaking and zero-width spaces, a
    // comment after a value, and an old Mac's CR line end.
    let text = format!(
        "\u{FEFF}Email,,\r\n\"{}\",,\r\n{};\r\n\t{}\u{A0}\r\nGuest Five <g0004@example.com> # ticket 4711\r\n{{{}}}\r\n\u{200B}{}  # left in June\r{}\r\n",
        g[0],
        g[1].to_uppercase(),
        g[2],
        g[5],
        g[6],
        g[7]
    );
    let file = write_temp("excel.csv", &text);
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.ends_with("7 removed, 0 failed\n"),
        "{}",
        out.stdout
    );
    // Notepad's "Unicode": UTF-16LE with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in format!("{}\r\n", g[3]).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let file = write_temp("notepad.txt", utf16);
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_code(0);
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
}

#[test]
fn list_files_that_cannot_be_read_right_are_refused_by_line() {
    let crowd = crowd(2);
    let g = &crowd.guests;
    let refused = |name: &str, bytes: Vec<u8>, needle: &str| {
        let file = write_temp(name, bytes);
        let shown = file.to_str().unwrap().to_string();
        crowd
            .tool(&["delete", "--from", &shown])
            .run()
            .assert_usage_error(&format!("--from {shown}{needle}"));
    };
    // Latin-1 from an old spreadsheet: "josé@example.com" on line 2.
    let mut latin1 = format!("{}\njos", g[0]).into_bytes();
    latin1.extend([0xE9]);
    latin1.extend(b"@example.com\n");
    refused(
        "latin1.txt",
        latin1,
        ":2: is not UTF-8 text (save the file as UTF-8)",
    );
    refused(
        "two-columns.csv",
        format!("{},jane@example.com\n", g[0]).into_bytes(),
        ":1: '",
    );
    refused(
        "zwsp.txt",
        format!("{}\nja\u{200B}ne@example.com\n", g[0]).into_bytes(),
        ":2: the value holds an invisible character (U+200B)",
    );
    refused(
        "utf16-no-bom.txt",
        g[0].encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ": is not a text file",
    );
    // A title is skipped only on the first line.
    refused(
        "late-title.txt",
        format!("{}\nemail\n", g[0]).into_bytes(),
        ":2: 'email' is neither",
    );
    assert!(crowd.portal.requests().is_empty());
}

/// A key file as it should be kept: readable by its owner only.
fn write_key(name: &str, bytes: impl AsRef<[u8]>) -> std::path::PathBuf {
    let file = write_temp(name, bytes);
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    file
}

#[test]
fn key_files_and_variables_with_stray_characters_work_or_are_refused_clearly() {
    let demo = Portal::demo();
    let key = demo.admin_key.clone();
    let whoami = |tool: Tool| {
        let out = tool.env("DOCSPACE_URL", &demo.portal.url()).run();
        out.assert_code(0);
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
    assert_eq!(sent.len(), 10);
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
        assert!(!out.stderr.contains(&key[3..]), "the key is never shown");
    }
    assert_eq!(api_requests(&demo.portal).len(), 10, "nothing sent");
}

#[test]
fn a_malformed_line_names_file_and_line_and_nothing_is_sent() {
    let crowd = crowd(2);
    let file = write_temp("bad", format!("{}\n# ok\n\nnot-an-id\n", crowd.guests[0]));
    let shown = file.to_str().unwrap();
    crowd
        .tool(&["delete", "--from", shown])
        .run()
        .assert_usage_error(&format!("{shown}:4: 'not-an-id'"));
    crowd
        .tool(&["delete", "--from", "-"])
        .stdin(&format!("{}\nbad@\n", crowd.guests[0]))
        .run()
        .assert_usage_error("stdin:2:");
    crowd
        .tool(&["delete", "jane@example.com"])
        .run()
        .assert_usage_error("use --email");
    crowd
        .tool(&["delete", &crowd.guests[0], "--batch-size", "0"])
        .run()
        .assert_usage_error("--batch-size");
    crowd
        .tool(&["delete", "--from", "/nonexistent/file"])
        .run()
        .assert_usage_error("/nonexistent/file");
    assert!(crowd.portal.requests().is_empty());
}

#[test]
fn list_quiet_feeds_delete_from_stdin() {
    let crowd = crowd(120);
    let listed = crowd.tool(&["list", "-q"]).run();
    listed.assert_code(0);
    let out = crowd
        .tool(&["delete", "--from", "-", "-q"])
        .stdin(&listed.stdout)
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, "", "quiet delete prints nothing");
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
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
    out.assert_code(0);
    assert_eq!(
        out.stdout.matches("Would send: DELETE ").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("{}/api/2.0/people/guests", crowd.portal.url()))
    );
    assert!(out.stdout.contains(&format!(
        "\"userIds\":[\"{}\",\"{}\"]",
        crowd.guests[1], crowd.guests[2]
    )));
    assert!(out.stdout.contains("authorization: Bearer sk-…"));
    assert!(!out.stdout.contains(&crowd.key));
    assert!(out.stdout.ends_with("3 would be removed, 0 failed\n"));
    assert!(
        crowd.portal.requests().iter().all(|r| r.method == "GET"),
        "only the lookup"
    );
    assert_eq!(crowd.portal.guest_list(&crowd.admin).len(), 3);

    let demo = Portal::demo();
    let short = demo.portal.short_url(&demo.link);
    let out = flow(&demo, "run", &short, &["--dry-run", "--json"]).run();
    out.assert_code(0);
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
    out.assert_code(5);
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
        json!({"op": "summary", "ok": false, "status": null, "removed": 1, "failed": 1})
    );
    assert!(out.stderr.contains("1 of 2"));

    let demo = Portal::demo();
    let link = demo.portal.full_url(&demo.link);
    let out = flow(&demo, "approve", &link, &["--json"]).run();
    out.assert_code(0);
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
    assert!(out.stdout.contains(&format!(
        "Guest with ID {} deleted permanently.",
        crowd.guests[0]
    )));
    assert!(out.stdout.contains(&format!(
        "Guest with ID {colleague} not deleted: not a guest"
    )));
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
    assert_eq!(out.stdout.matches("not attempted").count(), 50);
    assert!(out.stdout.ends_with("100 removed, 150 failed\n"));
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
    assert!(
        out.stdout
            .contains(&format!("Guest with ID {first} deleted successfully."))
    );
    assert!(out.stdout.contains(&format!(
        "Guest with ID {not_mine} not deleted: not confirmed"
    )));
    assert!(out.stdout.contains(&format!(
        "Guest with ID {second} not deleted: not attempted"
    )));
    assert!(out.stdout.ends_with("1 removed, 2 failed\n"));
    assert_eq!(
        crowd.portal.guest_list(&crowd.admin),
        std::slice::from_ref(second)
    );
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

#[test]
fn share_link_and_whoami() {
    let crowd = crowd(1);
    let out = crowd.tool(&["share-link", "-q", &crowd.guests[0]]).run();
    out.assert_code(0);
    let link = out.stdout.trim().to_string();
    assert!(
        link.starts_with(&format!("{}/s/", crowd.portal.url())),
        "{link}"
    );
    // Another admin approves with it: the guest comes onto their list.
    let other = crowd
        .portal
        .add_user(Role::RoomAdmin, "Rita", "Room", "rita@example.com");
    let key = crowd.portal.add_api_key(&other, &["*:write"]);
    let out = tool(&[
        "approve",
        "-q",
        "--email",
        "g0000@example.com",
        "--link",
        &link,
    ])
    .env("DOCSPACE_URL", &crowd.portal.url())
    .env("DOCSPACE_API_KEY", &key)
    .run();
    out.assert_code(0);
    assert_eq!(crowd.portal.guest_list(&other), [crowd.guests[0].clone()]);
    crowd
        .tool(&["share-link", &crowd.admin])
        .run()
        .assert_error(1, "User is not a guest");

    let out = tool(&["whoami"])
        .env("DOCSPACE_URL", &crowd.portal.url())
        .env("DOCSPACE_API_KEY", &key)
        .run();
    out.assert_code(0);
    assert!(out.stdout.contains("Rita Room <rita@example.com>"));
    assert!(out.stdout.contains("type: room admin"));
    let out = crowd.tool(&["whoami", "--json"]).run();
    let record = json_of(out.stdout.trim());
    assert_eq!(record["type"], "DocSpace admin");
    assert_eq!(record["id"], json!(crowd.admin));
    assert_eq!(
        crowd.tool(&["whoami", "-q"]).run().stdout,
        format!("{}\n", crowd.admin)
    );
}

// --- every release from 3.0 to 3.7.2 (issue 8) -----------------------------------------

/// A portal playing one release, with the two kinds of caller that remove guests.
struct Staff {
    portal: Portal,
    sharer: String,
    admin: String,
    admin_key: String,
    room_admin: String,
    room_key: String,
}

fn staffed(release: Release, configured: bool) -> Staff {
    let portal = Portal::start();
    portal.set_release(release, configured);
    let sharer = portal.add_user(Role::Admin, "Alice", "Sharer", "alice@example.com");
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let admin_key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let room_admin = portal.add_user(Role::RoomAdmin, "Rita", "Rooms", "rita@example.com");
    let room_key = portal.add_api_key(&room_admin, &["accounts:read", "accounts:write"]);
    Staff {
        portal,
        sharer,
        admin,
        admin_key,
        room_admin,
        room_key,
    }
}

impl Staff {
    fn tool(&self, key: &str, args: &[&str]) -> Tool {
        tool(args)
            .env("DOCSPACE_URL", &self.portal.url())
            .env("DOCSPACE_API_KEY", key)
    }

    fn deletes(&self) -> Vec<Value> {
        api_requests(&self.portal)
            .iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| json_of(&r.body)["userIds"].clone())
            .collect()
    }
}

/// How the tool names a release: "3.1.0" is also what an unconfigured one reports.
fn named(release: Release) -> String {
    match release.number() {
        "3.1.0" => "this portal's release (it does not say which)".to_string(),
        number => format!("DocSpace {number}"),
    }
}

#[test]
fn run_is_exact_on_every_release() {
    for release in Release::ALL {
        let staff = staffed(release, true);
        let guest = staff
            .portal
            .invite_guest(&staff.sharer, "Gina", "Guest", "gina@example.com");
        let link = staff
            .portal
            .full_url(&staff.portal.share_guest(&staff.sharer, &guest));
        let args = ["run", "--email", "gina@example.com", "--link", &link];
        // approve alone, with another guest.
        let ann = staff
            .portal
            .invite_guest(&staff.sharer, "Ann", "Other", "ann@example.com");
        let ann_link = staff
            .portal
            .full_url(&staff.portal.share_guest(&staff.sharer, &ann));
        let approved = staff
            .tool(
                &staff.room_key,
                &[
                    "approve",
                    "-q",
                    "--email",
                    "ann@example.com",
                    "--link",
                    &ann_link,
                ],
            )
            .run();
        if release == Release::V3_0 {
            approved.assert_error(1, "this portal has no guest approval (404)");
        } else {
            approved.assert_code(0);
            assert_eq!(approved.stdout, format!("{ann}\n"), "{release:?}");
        }
        let out = staff.tool(&staff.room_key, &args).run();
        if release == Release::V3_0 {
            out.assert_error(1, "this portal has no guest approval (404)");
            assert!(out.stdout.contains("Status Code: 404"), "{}", out.stdout);
            assert!(staff.deletes().is_empty(), "{release:?}: nothing deleted");
            continue;
        }
        out.assert_code(0);
        assert!(
            out.stdout
                .ends_with(&format!("Guest with ID {guest} deleted successfully.\n")),
            "{release:?}: {}",
            out.stdout
        );
        assert_eq!(staff.deletes(), vec![json!([guest])], "{release:?}");
        assert_eq!(
            staff.portal.guest_list(&staff.room_admin),
            vec![ann.clone()]
        );
    }
}

#[test]
fn before_3_5_the_body_email_names_the_guest_and_the_answer_says_so() {
    for (release, approved) in [
        (Release::V3_1, "bob@example.com"),
        (Release::V3_5, "gina@example.com"),
    ] {
        let staff = staffed(release, true);
        let gina = staff
            .portal
            .invite_guest(&staff.sharer, "Gina", "Guest", "gina@example.com");
        let bob = staff
            .portal
            .invite_guest(&staff.sharer, "Bob", "Other", "bob@example.com");
        let link = staff
            .portal
            .full_url(&staff.portal.share_guest(&staff.sharer, &gina));
        // The link is Gina's; --email names Bob.
        let out = staff
            .tool(
                &staff.room_key,
                &["run", "--email", "bob@example.com", "--link", &link],
            )
            .run();
        out.assert_code(0);
        let id = if approved == "bob@example.com" {
            &bob
        } else {
            &gina
        };
        assert!(
            out.stdout.contains(&format!("({approved})\n"))
                && out.stdout.contains(&format!("Guest with ID {id} deleted")),
            "{release:?}: {}",
            out.stdout
        );
        assert_eq!(staff.deletes(), vec![json!([id])], "{release:?}");
        let warned = out
            .stderr
            .contains("the portal approved gina@example.com, not --email bob@example.com");
        assert_eq!(
            warned,
            release == Release::V3_5,
            "{release:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn delete_reports_removed_only_what_the_portal_removed_on_every_release() {
    for release in Release::ALL {
        let staff = staffed(release, true);
        let mine = staff
            .portal
            .own_guest(&staff.room_admin, "mine@example.com");
        let disabled = staff.portal.own_guest(&staff.room_admin, "off@example.com");
        staff.portal.set_status(&disabled, 2);
        let theirs = staff.portal.someone_elses_guest("theirs@example.com");
        let out = staff
            .tool(&staff.room_key, &["delete", &mine, &theirs, &disabled])
            .run();
        out.assert_code(5);
        assert!(
            out.stdout
                .contains(&format!("Guest with ID {mine} deleted successfully."))
        );
        for other in [&theirs, &disabled] {
            assert!(
                out.stdout
                    .contains(&format!("Guest with ID {other} not deleted: ")),
                "{release:?}: {}",
                out.stdout
            );
        }
        assert!(
            out.stdout.ends_with("1 removed, 2 failed\n"),
            "{}",
            out.stdout
        );
        assert!(staff.portal.guest_list(&staff.room_admin) == vec![disabled.clone()]);
        if release.delete_skips_silently() {
            // Only the id the portal will really remove is sent, and the others say why.
            assert_eq!(staff.deletes(), vec![json!([mine])], "{release:?}");
            assert!(
                out.stdout.contains(&format!(
                    "{theirs} not deleted: it is not one of your active guests, and {} answers 200 without removing such an id; not sent",
                    named(release)
                )),
                "{}",
                out.stdout
            );
        } else {
            // All or nothing: refused whole, then id by id.
            assert_eq!(staff.deletes().len(), 4, "{release:?}");
            let paths: Vec<String> = api_requests(&staff.portal)
                .iter()
                .map(|r| r.path.clone())
                .collect();
            assert!(
                !paths
                    .iter()
                    .any(|p| p.ends_with("/@self") || p.ends_with("/filter")),
                "3.7.1+ needs no reads: {paths:?}"
            );
        }
    }
}

#[test]
fn a_docspace_admin_is_told_why_an_old_release_refuses_and_permanent_works_everywhere() {
    for release in Release::ALL {
        let staff = staffed(release, true);
        let mine = staff.portal.own_guest(&staff.admin, "mine@example.com");
        let other = staff.portal.own_guest(&staff.admin, "other@example.com");
        let out = staff
            .tool(&staff.admin_key, &["delete", &mine, &other])
            .run();
        if release == Release::V3_1 {
            // It reports "3.1.0", a placeholder too: the ids are tried one by one.
            out.assert_error(4, "none of the 2 guests were removed");
            assert!(
                out.stdout.contains(
                    "such a release lets only room admins remove guests from their lists"
                ),
                "{}",
                out.stdout
            );
        } else if release.delete_skips_silently() {
            out.assert_error(4, "none of the 2 guests were removed");
            assert!(
                out.stdout.contains(&format!(
                    "this portal's release (DocSpace {}) lets only room admins remove guests from their lists",
                    release.number()
                )),
                "{}",
                out.stdout
            );
            assert_eq!(
                staff.deletes().len(),
                1,
                "{release:?}: not retried id by id"
            );
        } else {
            out.assert_code(0);
        }
        let out = staff
            .tool(&staff.admin_key, &["delete", "--permanent", "--yes", &mine])
            .run();
        out.assert_code(0);
        assert!(
            out.stdout
                .contains(&format!("Guest with ID {mine} deleted permanently."))
        );
        assert!(staff.portal.user(&mine).is_none(), "{release:?}");
    }
}

#[test]
fn a_release_the_portal_does_not_name_is_read_carefully() {
    // 3.5 and 3.7.2 deployments that configured no version both report "3.1.0".
    for release in [Release::V3_5, Release::V3_7_2] {
        let staff = staffed(release, false);
        let mine = staff
            .portal
            .own_guest(&staff.room_admin, "mine@example.com");
        let theirs = staff.portal.someone_elses_guest("theirs@example.com");
        let out = staff
            .tool(&staff.room_key, &["delete", &mine, &theirs])
            .run();
        out.assert_code(5);
        assert!(
            out.stdout
                .contains(&format!("{mine} deleted successfully."))
        );
        assert!(
            out.stdout
                .contains("this portal's release (it does not say which) answers 200"),
            "{}",
            out.stdout
        );
        assert_eq!(staff.deletes(), vec![json!([mine])], "{release:?}");
    }
    let staff = staffed(Release::V3_5, false);
    let mine = staff.portal.own_guest(&staff.admin, "mine@example.com");
    let out = staff.tool(&staff.admin_key, &["delete", &mine]).run();
    out.assert_error(
        4,
        "such a release lets only room admins remove guests from their lists",
    );
}

// --- guest lifecycle: review, expire, disable, enable (issue 9) --------------------------

/// Guests of every kind a clean-up policy looks at, invited by the admin unless said.
struct Estate {
    portal: Portal,
    admin: String,
    admin_key: String,
    room_key: String,
    /// Signed up 200 days ago.
    old: String,
    /// Signed up 5 days ago.
    fresh: String,
    /// Invited 40 days ago, never signed up.
    pending: String,
    /// Invited 10 days ago by an admin since deleted.
    orphan: String,
    /// Invited 10 days ago by an admin who is disabled.
    stray: String,
    /// Disabled, registered 10 days ago.
    off: String,
    /// Its registration date cannot be read.
    odd: String,
    /// The room admin's guest, signed up 5 days ago.
    rex: String,
}

fn estate() -> Estate {
    let portal = Portal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let admin_key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let room_admin = portal.add_user(Role::RoomAdmin, "Rita", "Rooms", "rita@example.com");
    let room_key = portal.add_api_key(&room_admin, &["accounts:read", "accounts:write"]);
    let gone = portal.add_user(Role::Admin, "Gary", "Gone", "gary@example.com");
    let sleeper = portal.add_user(Role::Admin, "Sue", "Sleeper", "sue@example.com");
    let guest = |by: &str, name: &str, days: u64, signed_up: bool| {
        let id = portal.invite_guest(
            by,
            name,
            "Guest",
            &format!("{}@example.com", name.to_lowercase()),
        );
        portal.registered_days_ago(&id, days);
        portal.set_activation(&id, if signed_up { 1 } else { 2 });
        id
    };
    let old = guest(&admin, "Olga", 200, true);
    let fresh = guest(&admin, "Fred", 5, true);
    let pending = guest(&admin, "Pam", 40, false);
    let orphan = guest(&gone, "Otto", 10, true);
    let stray = guest(&sleeper, "Stan", 10, true);
    let off = guest(&admin, "Ofelia", 10, true);
    portal.set_status(&off, 2);
    let odd = guest(&admin, "Odd", 10, true);
    portal.set_registered(&odd, "last spring");
    portal.remove_user(&gone);
    portal.set_status(&sleeper, 2);
    let rex = guest(&room_admin, "Rex", 5, true);
    Estate {
        portal,
        admin,
        admin_key,
        room_key,
        old,
        fresh,
        pending,
        orphan,
        stray,
        off,
        odd,
        rex,
    }
}

impl Estate {
    fn tool(&self, args: &[&str]) -> Tool {
        tool(args)
            .env("DOCSPACE_URL", &self.portal.url())
            .env("DOCSPACE_API_KEY", &self.admin_key)
    }

    fn writes(&self) -> Vec<Request> {
        self.portal
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    fn status(&self, id: &str) -> Option<u8> {
        self.portal.user(id).map(|u| u.status)
    }
}

/// The WHY cell of the review row of `id`.
fn why_of(out: &Outcome, id: &str) -> String {
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("no row for {id}:\n{}", out.stdout));
    line.to_string()
}

#[test]
fn review_selects_by_each_rule_says_why_and_writes_nothing() {
    let e = estate();
    let out = e.tool(&["review", "--older-than", "90"]).run();
    out.assert_code(0);
    let header = out.stdout.lines().next().unwrap();
    for column in [
        "ID",
        "EMAIL",
        "NAME",
        "STATUS",
        "REGISTERED",
        "INVITER",
        "WHY",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let registered = e.portal.user(&e.old).unwrap().registered[..10].to_string();
    assert!(
        why_of(&out, &e.old).ends_with(&format!("older than 90 days (registered {registered})"))
    );
    assert!(
        why_of(&out, &e.odd)
            .contains("not evaluated: the registration date \"last spring\" cannot be read")
    );
    assert!(!out.stdout.contains(&e.fresh) && !out.stdout.contains(&e.pending));
    assert!(
        out.stdout
            .ends_with("1 of 8 guest(s) selected; 0 spared by --keep; 1 not evaluated\n"),
        "{}",
        out.stdout
    );

    let out = e.tool(&["review", "--pending-older-than", "30"]).run();
    assert!(
        why_of(&out, &e.pending).ends_with("pending for 40 days"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(&e.old));

    let out = e.tool(&["review", "--inviter-gone"]).run();
    out.assert_code(0);
    assert!(
        why_of(&out, &e.orphan).contains("(deleted user)")
            && why_of(&out, &e.orphan).ends_with("inviter deleted")
    );
    assert!(
        why_of(&out, &e.stray).contains("Sue Sleeper")
            && why_of(&out, &e.stray).ends_with("inviter disabled")
    );
    assert!(
        out.stdout
            .ends_with("2 of 8 guest(s) selected; 0 spared by --keep; 0 not evaluated\n"),
        "{}",
        out.stdout
    );

    let out = e
        .tool(&["review", "--disabled", "--older-than", "150", "-q"])
        .run();
    let mut ids: Vec<&str> = out.stdout.lines().collect();
    ids.sort();
    let mut expected = vec![e.old.as_str(), e.off.as_str()];
    expected.sort();
    assert_eq!(ids, expected, "-q: the selected ids, not the unevaluated");

    let out = e
        .tool(&["review", "--disabled", "--older-than", "150", "--json"])
        .run();
    let lines: Vec<Value> = out.stdout.lines().map(json_of).collect();
    let off = lines.iter().find(|l| l["id"] == json!(e.off)).unwrap();
    assert_eq!(
        off["reasons"],
        json!([{ "rule": "disabled", "detail": "disabled" }])
    );
    assert_eq!(off["state"], json!("disabled"));
    assert_eq!(off["inviter"], json!("Dan Admin"));
    let summary = lines.last().unwrap();
    assert_eq!(
        (
            summary["op"].clone(),
            summary["selected"].clone(),
            summary["notEvaluated"].clone()
        ),
        (json!("summary"), json!(2), json!(1))
    );

    assert!(e.writes().is_empty(), "review writes nothing");
    // Guest pages and the disabled users' pages; nothing per guest.
    let reads: Vec<String> = e.portal.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        reads
            .iter()
            .all(|p| p == "/api/2.0/people/filter" || p == "/api/2.0/people/@self"),
        "{reads:?}"
    );
}

#[test]
fn a_policy_is_required_and_days_are_whole_numbers() {
    let e = estate();
    e.tool(&["review"])
        .run()
        .assert_usage_error("review needs a policy");
    e.tool(&["expire", "--action", "disable"])
        .run()
        .assert_usage_error("expire needs a policy");
    e.tool(&["review", "--older-than", "0"])
        .run()
        .assert_usage_error("--older-than takes a whole number from 1");
    e.tool(&["review", "--older-than", "1.5"])
        .run()
        .assert_usage_error("--older-than");
    e.tool(&["expire", "--disabled"])
        .run()
        .assert_usage_error("--action");
    e.tool(&["expire", "--disabled", "--action", "purge"])
        .run()
        .assert_usage_error("--action takes remove, disable or delete");
    e.tool(&["review", "--disabled", "--action", "delete"])
        .run()
        .assert_usage_error("--action is not an option of review");
    assert!(e.portal.requests().is_empty());
}

#[test]
fn inviter_gone_tells_a_room_admin_it_needs_a_docspace_admin() {
    let e = estate();
    let out = e
        .tool(&["review", "--inviter-gone"])
        .env("DOCSPACE_API_KEY", &e.room_key)
        .run();
    out.assert_usage_error("--inviter-gone needs a DocSpace admin's credential");
    assert!(out.stderr.contains("acts as a room admin"));
    let paths: Vec<String> = e.portal.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/api/2.0/people/@self"], "nothing else is read");
}

#[test]
fn keep_spares_guests_and_warns_about_unknown_emails() {
    let e = estate();
    let keep = write_temp(
        "keep",
        format!(
            "# never expire\n{}\nPAM@example.com\nnobody@example.com\nfred@example.com\n",
            e.old
        ),
    );
    let out = e
        .tool(&[
            "review",
            "--older-than",
            "30",
            "--keep",
            keep.to_str().unwrap(),
            "-q",
        ])
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, "", "both selected guests are kept");
    assert_eq!(
        out.stderr,
        "docspace-guest: warning: --keep names nobody@example.com, which is no guest's email\n"
    );
    let out = e
        .tool(&[
            "review",
            "--older-than",
            "30",
            "--keep",
            keep.to_str().unwrap(),
        ])
        .run();
    assert!(
        out.stdout
            .ends_with("0 of 8 guest(s) selected; 2 spared by --keep; 1 not evaluated\n"),
        "{}",
        out.stdout
    );
    let bad = write_temp("keep-bad", "jane\n");
    e.tool(&["review", "--disabled", "--keep", bad.to_str().unwrap()])
        .run()
        .assert_usage_error(":1: 'jane' is neither");
}

#[test]
fn expire_disables_then_deletes_what_stayed_disabled() {
    let e = estate();
    let out = e
        .tool(&["expire", "--older-than", "30", "--action", "disable"])
        .run();
    out.assert_code(0);
    assert!(
        why_of(&out, &e.old).contains("older than 30 days"),
        "the review lines first"
    );
    assert!(
        out.stdout
            .contains(&format!("Guest with ID {} disabled.", e.old))
    );
    assert!(
        out.stdout
            .contains(&format!("Guest with ID {} disabled.", e.pending))
    );
    assert!(
        out.stdout.ends_with("2 disabled, 0 failed\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        (e.status(&e.old), e.status(&e.pending), e.status(&e.fresh)),
        (Some(2), Some(2), Some(1))
    );
    assert_eq!(e.status(&e.odd), Some(1), "not evaluated: never changed");
    let puts: Vec<Value> = e
        .writes()
        .iter()
        .map(|r| json_of(&r.body)["userIds"].clone())
        .collect();
    assert_eq!(puts.len(), 1, "one request for both");

    // The second stage, unattended: needs --yes without a terminal.
    e.tool(&["expire", "--disabled", "--action", "delete"])
        .run()
        .assert_usage_error("add --yes");
    let out = e
        .tool(&["expire", "--disabled", "--action", "delete", "--yes"])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.ends_with("3 removed, 0 failed\n"),
        "{}",
        out.stdout
    );
    for gone in [&e.old, &e.pending, &e.off] {
        assert!(e.portal.user(gone).is_none());
        assert!(
            out.stdout
                .contains(&format!("Guest with ID {gone} deleted permanently."))
        );
    }
    assert!(e.portal.user(&e.fresh).is_some());
}

#[test]
fn expire_remove_takes_guests_off_the_list_and_max_guards_the_rest() {
    let e = estate();
    let out = e
        .tool(&[
            "expire",
            "--older-than",
            "3",
            "--action",
            "remove",
            "--max",
            "2",
        ])
        .run();
    out.assert_error(
        2,
        "the policy selects 7 guests, more than --max 2: nothing was changed",
    );
    assert!(e.writes().is_empty());
    let out = e
        .tool(&["expire", "--older-than", "150", "--action", "remove"])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout
            .contains(&format!("Guest with ID {} deleted successfully.", e.old))
    );
    assert!(!e.portal.guest_list(&e.admin).contains(&e.old));
    assert!(e.portal.user(&e.old).is_some(), "remove keeps the account");
    let out = e
        .tool(&["expire", "--older-than", "1000", "--action", "remove"])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.ends_with("Nothing to change.\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn expire_dry_run_shows_the_requests_and_sends_no_write() {
    let e = estate();
    let out = e
        .tool(&[
            "expire",
            "--older-than",
            "150",
            "--action",
            "delete",
            "--dry-run",
        ])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.contains("Would send: PUT ") && out.stdout.contains("/api/2.0/people/status/2"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("/api/2.0/people/delete"));
    assert!(
        out.stdout
            .contains(&format!("{{\"userIds\":[\"{}\"]}}", e.old)),
        "{}",
        out.stdout
    );
    assert!(e.writes().is_empty());
}

#[test]
fn disable_and_enable_by_id_email_or_file_take_a_docspace_admin() {
    let e = estate();
    let out = e
        .tool(&["disable", &e.fresh, "--email", "pam@example.com"])
        .run();
    out.assert_code(0);
    assert!(out.stdout.contains(&format!(
        "Guest with ID {} (pam@example.com) disabled.",
        e.pending
    )));
    assert!(out.stdout.ends_with("2 disabled, 0 failed\n"));
    assert_eq!(
        (e.status(&e.fresh), e.status(&e.pending)),
        (Some(2), Some(2))
    );
    let file = write_temp("enable", format!("{}\n{}\n", e.fresh, e.pending));
    let out = e
        .tool(&["enable", "--from", file.to_str().unwrap(), "--json"])
        .run();
    out.assert_code(0);
    let first = json_of(out.stdout.lines().next().unwrap());
    assert_eq!(
        (first["op"].clone(), first["ok"].clone()),
        (json!("enable"), json!(true))
    );
    assert_eq!(
        (e.status(&e.fresh), e.status(&e.pending)),
        (Some(1), Some(1))
    );
    assert_eq!(
        e.portal.user(&e.pending).unwrap().activation,
        2,
        "never signed up: pending again"
    );

    // A user's id is not a guest's: never touched.
    let out = e.tool(&["disable", &e.admin, &e.fresh]).run();
    out.assert_error(5, "1 of 2 guests were not disabled");
    assert!(
        out.stdout
            .contains("not disabled: not a guest you can see; not touched")
    );
    assert_eq!(e.status(&e.admin), Some(1));

    let out = e
        .tool(&["disable", &e.rex])
        .env("DOCSPACE_API_KEY", &e.room_key)
        .run();
    out.assert_error(4, "it takes a DocSpace admin's credential");
}

#[test]
fn a_connection_lost_during_expire_reports_exactly() {
    let crowd = crowd(150);
    crowd
        .portal
        .fault("/api/2.0/people/status/2", 1, 1000, Answer::Hangup);
    let out = crowd
        .tool(&[
            "expire",
            "--older-than",
            "1",
            "--action",
            "disable",
            "--max",
            "0",
            "--retries",
            "0",
        ])
        .run();
    out.assert_error(5, "50 of 150 guests were not disabled");
    let disabled: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Guest with ID ")?.strip_suffix(" disabled."))
        .collect();
    assert_eq!(disabled, crowd.guests[..100]);
    for (i, id) in crowd.guests.iter().enumerate() {
        assert_eq!(
            crowd.portal.user(id).unwrap().status == 2,
            i < 100,
            "the portal agrees"
        );
    }
    assert_eq!(out.stdout.matches("not confirmed: no answer").count(), 50);
}

#[test]
fn registration_dates_in_every_form_are_read_and_bad_ones_never_changed() {
    let e = estate();
    for (id, text) in [
        (&e.fresh, "2025-01-04T10:00:00Z"),
        (&e.pending, "2025-01-04T10:00:00+03:00"),
        (&e.orphan, "2025-01-04 10:00:00"),
        (&e.stray, "2025-01-04T10:00:00.123-0500"),
    ] {
        e.portal.set_registered(id, text);
    }
    let out = e.tool(&["review", "--older-than", "300", "-q"]).run();
    out.assert_code(0);
    for id in [&e.fresh, &e.pending, &e.orphan, &e.stray] {
        assert!(out.stdout.contains(id.as_str()), "{id}: {}", out.stdout);
    }
    assert!(!out.stdout.contains(&e.odd));
}

// --- hostile networks and bad servers (issue 4) ---------------------------------------

#[test]
fn leading_429s_are_waited_out_as_retry_after_asks() {
    let demo = Portal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    demo.portal
        .fault("/api/2.0/people/guests", 0, 2, Portal::too_many_requests(1));
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_code(0);
    assert_eq!(
        out.stderr,
        "docspace-guest: retrying in 1 s (429 Too Many Requests), attempt 2 of 4\n\
         docspace-guest: retrying in 1 s (429 Too Many Requests), attempt 3 of 4\n"
    );
    let deletes: Vec<Request> = api_requests(&demo.portal);
    assert_eq!(deletes.len(), 3);
    for pair in deletes.windows(2) {
        let waited = pair[1].received.duration_since(pair[0].received);
        assert!(
            waited >= std::time::Duration::from_secs(1),
            "waited only {waited:?}"
        );
    }
    assert!(demo.portal.guest_list(&demo.admin).is_empty());
}

#[test]
fn a_retry_after_beyond_max_wait_stops_at_once_and_keeps_what_was_done() {
    let crowd = crowd(250);
    // The first request passes; the second is told to come back in an hour.
    crowd.portal.fault(
        "/api/2.0/people/guests",
        1,
        1000,
        Portal::too_many_requests(3600),
    );
    let file = write_temp("hour", crowd.guests.join("\n"));
    let started = std::time::SystemTime::now();
    let out = crowd
        .tool(&[
            "delete",
            "--max-wait",
            "60",
            "--from",
            file.to_str().unwrap(),
        ])
        .run();
    out.assert_error(5, "150 of 250 guests were not removed");
    assert_eq!(
        crowd.requests_to("DELETE", "/api/2.0/people/guests").len(),
        2,
        "no retry before the hour, and no next request"
    );
    assert_eq!(out.stdout.matches(" deleted successfully.").count(), 100);
    assert_eq!(crowd.portal.guest_list(&crowd.admin), crowd.guests[100..]);
    assert_eq!(
        out.stdout.matches("asks to wait 3600 s, until ").count(),
        150,
        "the refused chunk and the ones not attempted say how long"
    );
    assert_eq!(out.stdout.matches("not attempted: the portal").count(), 50);
    // "until" is an hour from now, in UTC.
    let until = out.stdout.split("until ").nth(1).unwrap();
    let hour_later = started + std::time::Duration::from_secs(3600);
    let (date, time) = (&until[..10], &until[11..16]);
    let expected = Command::new("date")
        .args(["-u", "-d"])
        .arg(format!(
            "@{}",
            hour_later
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        ))
        .arg("+%Y-%m-%d %H:%M")
        .output()
        .unwrap();
    let expected = String::from_utf8(expected.stdout).unwrap();
    assert_eq!(format!("{date} {time}"), expected.trim(), "{until}");
}

#[test]
fn a_daily_cap_is_exit_6_after_one_request() {
    let demo = Portal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        100,
        Portal::too_many_requests(86_400),
    );
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_error(6, "asks to wait 86400 s, until ");
    assert!(
        out.stderr.contains(" UTC; nothing more was sent"),
        "{}",
        out.stderr
    );
    assert_eq!(api_requests(&demo.portal).len(), 1);
    // Lookups stop too: the second email is not looked up before its time.
    demo.portal.fault(
        "/api/2.0/people/email",
        0,
        100,
        Portal::too_many_requests(600),
    );
    let out = tool_for(
        &demo,
        &[
            "delete",
            "--email",
            "a@example.com",
            "--email",
            "b@example.com",
        ],
    )
    .run();
    out.assert_error(6, "asks to wait 600 s");
    let lookups = demo
        .portal
        .requests()
        .iter()
        .filter(|r| r.path == "/api/2.0/people/email")
        .count();
    assert_eq!(lookups, 1);
}

#[test]
fn a_retry_after_date_far_in_the_future_is_not_a_crash() {
    let demo = Portal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    // Found by fuzzing: such a date overflowed the clock and aborted the tool.
    let answer = Answer::Send(portal::Response::new(429, "").with_header(
        "Retry-After",
        "Sun, 06 Nov 13333333333333333994 08:49:37 GMT",
    ));
    demo.portal.fault("/api/2.0/people/guests", 0, 1, answer);
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("(429 Too Many Requests), attempt 2 of 4"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_html_503_is_retried_then_reported_without_a_crash() {
    let demo = Portal::demo();
    let page = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";
    let answer =
        Answer::Send(portal::Response::new(503, page).with_header("Content-Type", "text/html"));
    demo.portal.fault("/api/2.0/people/guests", 0, 100, answer);
    let out = tool_for(&demo, &["delete", "--retries", "2", &demo.guest]).run();
    out.assert_code(1);
    assert!(
        out.stderr
            .contains("(503 Service Unavailable), attempt 3 of 3"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("non-JSON answer starting with \"<html>"),
        "{}",
        out.stderr
    );
    assert_eq!(api_requests(&demo.portal).len(), 3);
}

#[test]
fn other_4xx_are_never_retried() {
    let demo = Portal::demo();
    let theirs = demo.portal.someone_elses_guest("t@example.com");
    tool_for(&demo, &["delete", &theirs]).run().assert_code(4);
    demo.portal.fault(
        "/api/2.0/people/guests",
        0,
        1,
        portal::invalid("userIds", "required"),
    );
    tool_for(&demo, &["delete", &theirs]).run().assert_code(1);
    assert_eq!(api_requests(&demo.portal).len(), 2);
}

#[test]
fn a_portal_slower_than_the_timeout_is_exit_3() {
    let demo = Portal::demo();
    let slow = Portal::delayed(
        std::time::Duration::from_secs(5),
        Portal::too_many_requests(1),
    );
    demo.portal.fault("/api/2.0/people/guests", 0, 1, slow);
    let out = tool_for(
        &demo,
        &["delete", "--timeout", "1", "--retries", "0", &demo.guest],
    )
    .run();
    out.assert_code(3);
    assert!(out.stderr.contains("within --timeout 1s"), "{}", out.stderr);
}

#[test]
fn a_connection_closed_before_the_answer_is_retried() {
    let demo = Portal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    demo.portal
        .fault("/api/2.0/people/guests", 0, 1, Answer::Hangup);
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("(connection closed before an answer), attempt 2 of 4"),
        "{}",
        out.stderr
    );
    assert_eq!(api_requests(&demo.portal).len(), 2);
}

#[test]
fn a_delete_whose_answer_was_lost_and_is_then_refused_says_it_may_be_done() {
    let demo = Portal::demo();
    let mine = demo.portal.own_guest(&demo.admin, "m@example.com");
    // The portal removes the guest, but the answer never arrives; the retry is refused.
    demo.portal
        .fault("/api/2.0/people/guests", 0, 1, Answer::Lost);
    let out = tool_for(&demo, &["delete", &mine]).run();
    out.assert_code(4);
    let says = "an earlier attempt that got no answer may already have removed it";
    assert!(out.stdout.contains(says), "{}", out.stdout);
    assert!(out.stderr.contains(says), "{}", out.stderr);
    assert!(demo.portal.guest_list(&demo.admin).is_empty());
}

#[test]
fn an_answer_cut_off_in_the_middle_is_exit_1_and_not_retried() {
    let demo = Portal::demo();
    let cut = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"response\":{\"id\"".to_vec();
    demo.portal
        .fault("/api/2.0/people/guests/share", 0, 1, Answer::Raw(cut));
    let link = demo.portal.full_url(&demo.link);
    let out = flow(&demo, "approve", &link, &[]).run();
    out.assert_error(1, "cut off");
    assert_eq!(api_requests(&demo.portal).len(), 1);
}

#[test]
fn a_200_without_the_expected_fields_is_not_a_success() {
    let demo = Portal::demo();
    let link = demo.portal.full_url(&demo.link);
    for body in [
        "{not json",
        r#"{"response":{"displayName":"x"},"status":0}"#,
        "<html>ok</html>",
    ] {
        demo.portal.fault(
            "/api/2.0/people/guests/share",
            0,
            1,
            Answer::Send(portal::Response::new(200, body)),
        );
        flow(&demo, "run", &link, &[])
            .run()
            .assert_error(1, "without the guest's id");
    }
    demo.portal.fault(
        "/api/2.0/people/filter",
        0,
        1,
        Answer::Send(portal::Response::new(200, "[]")),
    );
    tool_for(&demo, &["list"])
        .run()
        .assert_error(1, "not with a list");
    assert!(
        api_requests(&demo.portal)
            .iter()
            .all(|r| r.method != "DELETE")
    );
}

#[test]
fn an_oversized_answer_is_refused() {
    let demo = Portal::demo();
    let huge = format!("{{\"response\":\"{}\"}}", "x".repeat(50 * 1024 * 1024));
    demo.portal.fault(
        "/api/2.0/people/@self",
        0,
        1,
        Answer::Send(portal::Response::new(200, huge)),
    );
    tool_for(&demo, &["whoami"])
        .run()
        .assert_error(1, "larger than 4 MiB");
}

#[test]
fn redirects_never_carry_the_request_or_the_key_elsewhere() {
    let demo = Portal::demo();
    let elsewhere = Portal::start();
    // A short link that leads off the portal is not followed.
    let confirm = format!(
        "{}/confirm/GuestShareLink?{}",
        elsewhere.url(),
        demo.link.query()
    );
    let redirect = Answer::Send(portal::Response::new(302, "").with_header("Location", &confirm));
    demo.portal.fault("/s/", 0, 1, redirect);
    let short = demo.portal.short_url(&demo.link);
    flow(&demo, "approve", &short, &[])
        .run()
        .assert_error(1, "redirected away from the portal");
    // Nor is an API call's redirect.
    let target = format!("{}/api/2.0/people/guests", elsewhere.url());
    let moved = Answer::Send(portal::Response::new(307, "").with_header("Location", &target));
    demo.portal.fault("/api/2.0/people/guests", 0, 1, moved);
    tool_for(&demo, &["delete", &demo.guest])
        .run()
        .assert_error(1, &target);
    assert!(elsewhere.requests().is_empty());
    assert!(
        demo.portal
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/s/"))
            .all(|r| r.header("authorization").is_none())
    );
}

#[test]
fn ctrl_c_stops_a_wait_at_once() {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    let demo = Portal::demo();
    demo.portal.fault(
        "/api/2.0/people/@self",
        0,
        1,
        Portal::too_many_requests(600),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_docspace-guest"))
        .args(["whoami", "--max-wait", "600"])
        .env_clear()
        .env("DOCSPACE_URL", demo.portal.url())
        .env("DOCSPACE_API_KEY", &demo.admin_key)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("retrying in 600 s"), "{line}");
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert_eq!(child.wait().unwrap().signal(), Some(2));
}

/// A throwaway CA and server certificates, made once with openssl.
struct Certs {
    ca: std::path::PathBuf,
    /// For 127.0.0.1, signed by `ca`.
    good: (Vec<u8>, Vec<u8>),
    /// For another name, signed by `ca`.
    wrong_name: (Vec<u8>, Vec<u8>),
    /// For 127.0.0.1, signed by `ca`, valid only in January 2020.
    expired: (Vec<u8>, Vec<u8>),
}

fn certs() -> &'static Certs {
    static CERTS: std::sync::OnceLock<Certs> = std::sync::OnceLock::new();
    CERTS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("dg-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let openssl = |args: &[&str]| {
            portal::openssl(&dir, args);
        };
        let ec = portal::EC_KEY;
        portal::make_ca(&dir, "docspace-guest test CA");
        // `openssl ca`, for it can sign with any validity period, past ones included.
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("serial"), "01\n").unwrap();
        std::fs::write(
            dir.join("ca.cnf"),
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n\
             serial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n\
             [any]\ncommonName = supplied\n",
        )
        .unwrap();
        let server = |name: &str, san: &str, validity: [&str; 2]| {
            let mut request = vec!["req", "-subj", "/CN=portal"];
            request.extend(ec);
            let (key, csr, pem, ext) = (
                format!("{name}.key"),
                format!("{name}.csr"),
                format!("{name}.pem"),
                format!("{name}.ext"),
            );
            request.extend(["-keyout", &key, "-out", &csr]);
            openssl(&request);
            let extensions =
                format!("[server]\nsubjectAltName={san}\nextendedKeyUsage=serverAuth\n");
            std::fs::write(dir.join(&ext), extensions).unwrap();
            let mut sign = vec![
                "ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem",
            ];
            sign.extend(["-keyfile", "ca.key", "-in", &csr, "-out", &pem]);
            sign.extend([
                "-extfile",
                &ext,
                "-extensions",
                "server",
                "-startdate",
                validity[0],
            ]);
            sign.extend(["-enddate", validity[1]]);
            openssl(&sign);
            (
                std::fs::read(dir.join(pem)).unwrap(),
                std::fs::read(dir.join(key)).unwrap(),
            )
        };
        let current = ["20250101000000Z", "20991231000000Z"];
        Certs {
            good: server("good", "IP:127.0.0.1", current),
            wrong_name: server("wrong", "DNS:portal.example.com", current),
            expired: server(
                "expired",
                "IP:127.0.0.1",
                ["20200101000000Z", "20200102000000Z"],
            ),
            ca: dir.join("ca.pem"),
        }
    })
}

fn tls_portal(pair: &(Vec<u8>, Vec<u8>)) -> Demo {
    let portal = Portal::start_tls(portal::http::tls_config(&pair.0, &pair.1));
    let admin = portal.add_user(Role::Admin, "Tess", "Tls", "tess@example.com");
    let admin_key = portal.add_api_key(&admin, &["*:write"]);
    let guest = portal.invite_guest(&admin, "G", "G", "g@example.com");
    let link = portal.share_guest(&admin, &guest);
    Demo {
        portal,
        admin,
        admin_key,
        guest,
        guest_email: "g@example.com".into(),
        link,
    }
}

#[test]
fn tls_is_trusted_with_ca_cert_or_ssl_cert_file_and_refused_without() {
    let demo = tls_portal(&certs().good);
    assert!(demo.portal.url().starts_with("https://127.0.0.1:"));
    let ca = certs().ca.to_str().unwrap();
    let out = tool_for(&demo, &["whoami", "--ca-cert", ca]).run();
    out.assert_code(0);
    assert!(out.stdout.contains("Tess Tls"));
    tool_for(&demo, &["whoami"])
        .env("SSL_CERT_FILE", ca)
        .run()
        .assert_code(0);
    let served = demo.portal.requests().len();

    let out = tool_for(&demo, &["whoami"]).run();
    out.assert_error(3, "the TLS certificate of 127.0.0.1 was refused");
    assert!(
        out.stderr.contains("does not trust") && out.stderr.contains("--ca-cert"),
        "{}",
        out.stderr
    );
    assert_eq!(
        demo.portal.requests().len(),
        served,
        "no request without a trusted certificate"
    );

    let expired = tls_portal(&certs().expired);
    tool_for(&expired, &["whoami", "--ca-cert", ca])
        .run()
        .assert_error(3, "it has expired");

    let wrong = tls_portal(&certs().wrong_name);
    tool_for(&wrong, &["whoami", "--ca-cert", ca])
        .run()
        .assert_error(3, "not valid for name \"127.0.0.1\"");
}

#[test]
fn a_ca_found_only_through_ssl_cert_dir_is_trusted() {
    let demo = tls_portal(&certs().good);
    let ca = &certs().ca;
    let hash = Command::new("openssl")
        .args(["x509", "-hash", "-noout", "-in"])
        .arg(ca)
        .output()
        .unwrap();
    let hash = String::from_utf8(hash.stdout).unwrap();
    // A c_rehash'ed directory: the CA under its hash name, beside an unrelated bundle.
    let hashed = write_temp("unrelated-bundle.crt", "not a certificate\n");
    let dir = hashed.parent().unwrap();
    std::fs::copy(ca, dir.join(format!("{}.0", hash.trim()))).unwrap();
    // A plain directory of PEM files, as a mounted secret is.
    let plain = write_temp("company-ca.pem", std::fs::read(ca).unwrap());
    for dir in [dir, plain.parent().unwrap()] {
        let out = tool_for(&demo, &["whoami"])
            .env("SSL_CERT_DIR", dir.to_str().unwrap())
            .run();
        out.assert_code(0);
        assert!(out.stdout.contains("Tess Tls"));
    }
    // Without it, refused.
    tool_for(&demo, &["whoami"])
        .run()
        .assert_error(3, "was refused");
}

#[test]
fn a_bad_ca_cert_is_a_usage_error() {
    let demo = Portal::demo();
    tool_for(&demo, &["whoami", "--ca-cert", "/nonexistent.pem"])
        .run()
        .assert_usage_error("--ca-cert /nonexistent.pem");
    let not_pem = write_temp("notpem", "hello");
    tool_for(&demo, &["whoami", "--ca-cert", not_pem.to_str().unwrap()])
        .run()
        .assert_usage_error("holds no PEM certificate");
    assert!(demo.portal.requests().is_empty());
}

/// Debian's tinyproxy on 127.0.0.1, a real CONNECT proxy, for as long as it lives.
struct Tinyproxy {
    child: std::process::Child,
    url: String,
    log: std::path::PathBuf,
}

impl Tinyproxy {
    fn start() -> Tinyproxy {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("dg-proxy-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("tinyproxy.log");
        let conf = dir.join("tinyproxy.conf");
        std::fs::write(
            &conf,
            format!("Port {port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nLogFile \"{}\"\nLogLevel Connect\n", log.display()),
        )
        .unwrap();
        let child = Command::new("tinyproxy")
            .args(["-d", "-c", conf.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy is needed for the proxy tests (apt-get install tinyproxy)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Tinyproxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port with nothing listening.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn requests_go_through_a_real_connect_proxy() {
    let proxy = Tinyproxy::start();
    let demo = Portal::demo();
    let port = demo.portal.url().rsplit(':').next().unwrap().to_string();
    let dead = format!("http://127.0.0.1:{}", closed_port());
    // The scheme's own variable wins over ALL_PROXY.
    let out = tool_for(&demo, &["whoami"])
        .env("HTTP_PROXY", &proxy.url)
        .env("ALL_PROXY", &dead)
        .run();
    out.assert_code(0);
    assert!(
        proxy.log().contains(&format!("127.0.0.1:{port}")),
        "{}",
        proxy.log()
    );

    let tls = tls_portal(&certs().good);
    let tls_port = tls.portal.url().rsplit(':').next().unwrap().to_string();
    let ca = certs().ca.to_str().unwrap();
    let out = tool_for(&tls, &["whoami", "--ca-cert", ca])
        .env("HTTPS_PROXY", &proxy.url)
        .env("HTTP_PROXY", &dead)
        .run();
    out.assert_code(0);
    assert!(
        proxy
            .log()
            .contains(&format!("CONNECT 127.0.0.1:{tls_port}")),
        "{}",
        proxy.log()
    );
}

#[test]
fn no_proxy_is_trimmed_and_proxy_passwords_are_never_shown() {
    let demo = Portal::demo();
    let dead = format!("http://proxyuser:s3cr3t-pw@127.0.0.1:{}", closed_port());
    tool_for(&demo, &["whoami"])
        .env("HTTP_PROXY", &dead)
        .env("NO_PROXY", " example.org , 127.0.0.1 ")
        .run()
        .assert_code(0);
    let out = tool_for(&demo, &["whoami", "-v", "--retries", "0"])
        .env("HTTP_PROXY", &dead)
        .run();
    out.assert_code(3);
    assert!(
        !out.stderr.contains("s3cr3t") && !out.stdout.contains("s3cr3t"),
        "{}",
        out.stderr
    );
}

// --- help -----------------------------------------------------------------------------

#[test]
fn help_and_version() {
    let out = tool(&["--help"]).run();
    out.assert_code(0);
    assert!(out.stdout.contains("Exit codes:"));
    for command in [
        "approve",
        "delete",
        "run",
        "list",
        "share-link",
        "whoami",
        "review",
        "expire",
        "disable",
        "enable",
    ] {
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
/// Runs `script` in `shell` and returns its stdout, which must succeed.
fn shell(shell: &str, args: &[&str]) -> String {
    let out = Command::new(shell)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{shell} is needed for this test (make test-deps): {e}"));
    assert!(
        out.status.success(),
        "{shell} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completes_commands_options_values_and_files() {
    let script = write_temp(
        "docspace-guest.bash",
        tool(&["completions", "bash"]).run().stdout,
    );
    let dir = write_temp("leavers.txt", "");
    let dir = dir.parent().unwrap().to_str().unwrap();
    let complete = |words: &[&str]| -> Vec<String> {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let line = format!(
            "source '{}' && complete -p docspace-guest >/dev/null && COMP_WORDS=({}) && \
             COMP_CWORD={} && _docspace_guest && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display(),
            quoted.join(" "),
            words.len() - 1
        );
        shell("bash", &["--norc", "--noprofile", "-c", &line])
            .lines()
            .map(String::from)
            .collect()
    };
    assert_eq!(complete(&["docspace-guest", "del"]), ["delete"]);
    assert_eq!(
        complete(&["docspace-guest", "expire", "--act"]),
        ["--action"]
    );
    assert_eq!(
        complete(&["docspace-guest", "expire", "--action", ""]),
        ["remove", "disable", "delete"]
    );
    assert_eq!(
        complete(&["docspace-guest", "list", "--status", "p"]),
        ["pending"]
    );
    assert_eq!(
        complete(&["docspace-guest", "--url", "https://p", "rev"]),
        ["review"],
        "a flag's value is not taken for the command"
    );
    assert_eq!(complete(&["docspace-guest", "approve", "--li"]), ["--link"]);
    assert!(complete(&["docspace-guest", "approve", "--"]).contains(&"--timeout".to_string()));
    assert_eq!(complete(&["docspace-guest", "completions", "z"]), ["zsh"]);
    assert_eq!(
        complete(&["docspace-guest", "delete", "--from", &format!("{dir}/lea")]),
        [format!("{dir}/leavers.txt")]
    );
}

#[test]
fn zsh_and_fish_completions_load() {
    let zsh = write_temp(
        "_docspace-guest",
        tool(&["completions", "zsh"]).run().stdout,
    );
    let zsh = zsh.to_str().unwrap();
    shell("zsh", &["-n", zsh]);
    let registered = shell(
        "zsh",
        &[
            "-f",
            "-c",
            &format!(
                "autoload -Uz compinit && compinit -u -D && source {zsh} && print ${{_comps[docspace-guest]}}"
            ),
        ],
    );
    assert_eq!(registered.trim(), "_docspace_guest");

    let fish = write_temp(
        "docspace-guest.fish",
        tool(&["completions", "fish"]).run().stdout,
    );
    let fish = fish.to_str().unwrap();
    shell("fish", &["-n", fish]);
    let offered = shell(
        "fish",
        &[
            "-c",
            &format!("source {fish}; complete -C 'docspace-guest del'"),
        ],
    );
    assert!(offered.starts_with("delete\t"), "{offered}");
    let offered = shell(
        "fish",
        &[
            "-c",
            &format!("source {fish}; complete -C 'docspace-guest expire --action '"),
        ],
    );
    let mut values: Vec<&str> = offered
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    values.sort();
    assert_eq!(values, ["delete", "disable", "remove"]);
    tool(&["completions", "tcsh"])
        .run()
        .assert_usage_error("completions needs one shell: bash, zsh or fish");
}

#[test]
fn the_man_page_has_every_option_and_section_of_the_help() {
    let man = tool(&["man"]).run().stdout;
    assert!(man.starts_with(".TH DOCSPACE-GUEST 1 "));
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "COMMANDS",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
        "EXAMPLES",
    ] {
        assert!(man.contains(&format!(".SH {section}\n")), "no {section}");
    }
    // Each line of --help's options and exit codes is in the manual, in roff's words.
    let mut help = tool(&["--help"]).run().stdout;
    for command in [
        "approve",
        "delete",
        "run",
        "list",
        "share-link",
        "whoami",
        "review",
        "expire",
        "disable",
        "enable",
    ] {
        assert!(man.contains(&format!(".SS {command}\n")), "no {command}");
        help.push_str(&tool(&[command, "--help"]).run().stdout);
    }
    let plain: std::collections::HashSet<String> = man
        .lines()
        .map(|l| {
            l.replace("\\-", "-")
                .replace("\\e", "\\")
                .replace("\\&", "")
                .replace("\\fB", "")
                .replace("\\fR", "")
                .replace("\\fI", "")
                .trim()
                .to_string()
        })
        .collect();
    for line in help.lines().filter(|l| l.starts_with("  ")) {
        // What follows the flag, command or exit-code column.
        let text = line.trim();
        let text = match text.split_once("  ") {
            // A flag, a command's name or an exit code.
            Some((column, rest))
                if column.starts_with('-')
                    || column
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
            {
                rest.trim()
            }
            _ => text,
        };
        assert!(
            plain.contains(text),
            "the man page lacks the --help line {line:?} ({text:?})"
        );
    }
    // man can read it.
    let file = write_temp("docspace-guest.1", &man);
    let shown = shell("man", &["-l", "-Tutf8", file.to_str().unwrap()]);
    assert!(shown.contains("network, TLS or timeout"), "{shown}");
}

#[test]
fn readme_and_help_are_in_step() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut help = tool(&["--help"]).run().stdout;
    for command in [
        "approve",
        "delete",
        "run",
        "list",
        "share-link",
        "whoami",
        "review",
        "expire",
        "disable",
        "enable",
    ] {
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
