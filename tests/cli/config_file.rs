//! The config file: which one is read, its sections, the order of precedence (flag,
//! environment, section, the file's top, default), what it may not hold, whose it must
//! be, and whoami telling where each setting came from.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::util::{Outcome, tool, write_config, write_key};
use fake_portal::{FakePortal, Role};

/// A portal with an admin, a guest registered 200 days ago and one disabled.
struct Setup {
    portal: FakePortal,
    key_file: PathBuf,
    key: String,
    old: String,
    off: String,
}

fn setup(name: &str) -> Setup {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let old = portal.invite_guest(&admin, "Olga", "Guest", "olga@example.com");
    portal.registered_days_ago(&old, 200);
    portal.set_activation(&old, 1);
    let off = portal.invite_guest(&admin, "Ofelia", "Guest", "ofelia@example.com");
    portal.registered_days_ago(&off, 10);
    portal.set_activation(&off, 1);
    portal.set_status(&off, 2);
    let key_file = write_key(&format!("{name}-key"), &key);
    Setup {
        portal,
        key_file,
        key,
        old,
        off,
    }
}

fn config(name: &str, text: &str) -> PathBuf {
    write_config(name, text)
}

fn path(file: &Path) -> &str {
    file.to_str().unwrap()
}

/// A config file with a section [acme] for the setup's portal, and [other] elsewhere.
fn acme(s: &Setup, name: &str, extra: &str) -> PathBuf {
    config(
        name,
        &format!(
            "# the defaults of every portal\ntimeout = 7\n\n[acme]\n--url {}\napi-key-file {}\n{extra}\n\
             [other]\nurl https://other.invalid\n",
            s.portal.url(),
            path(&s.key_file)
        ),
    )
}

fn has_setting(out: &Outcome, setting: &str) {
    out.assert_stdout_has(&format!("setting: {setting}\n"));
}

#[test]
fn a_section_names_the_portal_and_whoami_says_where_each_setting_came_from() {
    let s = setup("whoami");
    let file = acme(&s, "whoami.conf", "retries=1");
    let at = |line: usize| format!("{}:{line}", path(&file));
    let out = tool(&["whoami", "--config", path(&file), "--portal", "acme"]).run();
    out.assert_exit(0);
    has_setting(
        &out,
        &format!("--config {} [acme] (from command line)", path(&file)),
    );
    has_setting(&out, &format!("--url {} (from {})", s.portal.url(), at(5)));
    has_setting(
        &out,
        &format!("--api-key-file {} (from {})", path(&s.key_file), at(6)),
    );
    has_setting(&out, &format!("--timeout 7 (from {})", at(2)));
    has_setting(&out, &format!("--retries 1 (from {})", at(7)));
    has_setting(&out, "--max-wait 60 (from default)");
    out.assert_output_lacks(&s.key);
    assert!(!s.portal.requests().is_empty());

    // A flag wins over the file; the variables name the file and pin the section.
    let out = tool(&["whoami", "--timeout", "9"])
        .env("DOCSPACE_GUEST_CONFIG", path(&file))
        .env("DOCSPACE_GUEST_PORTAL", "acme")
        .run();
    out.assert_exit(0);
    has_setting(&out, "--timeout 9 (from command line)");
    has_setting(
        &out,
        &format!(
            "--config {} [acme] (from environment DOCSPACE_GUEST_CONFIG)",
            path(&file)
        ),
    );
    let json = tool(&[
        "whoami",
        "--json",
        "--config",
        path(&file),
        "--portal",
        "acme",
    ])
    .run();
    json.assert_stdout_has(&format!(r#""from":"{}""#, at(5)));
}

#[test]
fn the_user_file_is_found_under_xdg_config_home() {
    let s = setup("xdg");
    let file = acme(&s, "config", "");
    // XDG_CONFIG_HOME/docspace-guest/config.
    let home = file.parent().unwrap().join("home");
    std::fs::create_dir_all(home.join("docspace-guest")).unwrap();
    for dir in [home.clone(), home.join("docspace-guest")] {
        std::fs::set_permissions(dir, PermissionsExt::from_mode(0o700)).unwrap();
    }
    std::fs::rename(&file, home.join("docspace-guest/config")).unwrap();
    let out = tool(&["whoami", "--portal", "acme"])
        .env("XDG_CONFIG_HOME", path(&home))
        .run();
    out.assert_exit(0);
    out.assert_stdout_has("[acme] (from default)");
    // Without it, a section names a file that is not there.
    tool(&["whoami", "--portal", "acme"])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .run()
        .assert_usage_error("no config file holds the section [acme]");
}

#[test]
fn a_chosen_section_takes_the_portal_and_key_from_one_place() {
    let s = setup("one-place");
    let file = acme(&s, "one-place.conf", "");
    for (name, value) in [
        ("DOCSPACE_URL", "https://stray.invalid"),
        ("DOCSPACE_API_HOST", "https://stray.invalid"),
        ("DOCSPACE_API_KEY", "sk-stray"),
    ] {
        let out = tool(&["whoami", "--config", path(&file), "--portal", "acme"])
            .env(name, value)
            .run();
        out.assert_usage_error(&format!("{name} is set, and the section [acme]"));
        out.assert_output_lacks("sk-stray");
    }
    // Both on the command line: the variables are not used, and it runs.
    let url = s.portal.url();
    tool(&[
        "whoami",
        "--config",
        path(&file),
        "--portal",
        "acme",
        "--url",
        &url,
        "--api-key-file",
        path(&s.key_file),
    ])
    .env("DOCSPACE_URL", "https://stray.invalid")
    .run()
    .assert_exit(0);
    // A pinned section is not changed by --portal.
    tool(&["whoami", "--config", path(&file), "--portal", "other"])
        .env("DOCSPACE_GUEST_PORTAL", "acme")
        .run()
        .assert_usage_error("--portal other differs from DOCSPACE_GUEST_PORTAL=acme");
    tool(&["whoami", "--config", path(&file), "--portal", "nope"])
        .run()
        .assert_usage_error("has no section [nope]");

    // Without a section, the environment wins over the file's top.
    let top = config(
        "top.conf",
        "url https://nowhere.invalid\napi-key-file /nonexistent\n",
    );
    let out = tool(&["whoami", "--config", path(&top)])
        .env("DOCSPACE_URL", &url)
        .env("DOCSPACE_API_KEY", &s.key)
        .run();
    out.assert_exit(0);
    has_setting(
        &out,
        &format!("--url {url} (from environment DOCSPACE_URL)"),
    );
    has_setting(&out, "the key (from environment DOCSPACE_API_KEY)");
}

#[test]
fn the_command_lines_policy_rules_replace_the_files() {
    let s = setup("rules");
    let file = acme(&s, "rules.conf", "older-than 100\nbatch-size 5");
    let review = |extra: &[&str]| {
        let mut args = vec!["review", "-q", "--config", path(&file), "--portal", "acme"];
        args.extend_from_slice(extra);
        let out = tool(&args).run();
        out.assert_exit(0);
        out.stdout
    };
    // The file's rule, and a flag review does not take (batch-size) skipped.
    assert_eq!(review(&[]), format!("{}\n", s.old));
    // A rule on the command line: the file's are not used at all.
    assert_eq!(review(&["--disabled"]), format!("{}\n", s.off));
    // --keep is no rule: it still comes from the file.
    let keep = config(
        "rules-with-keep.conf",
        &format!(
            "[acme]\nurl {}\napi-key-file {}\nkeep {}\n",
            s.portal.url(),
            path(&s.key_file),
            path(&config("keep.txt", &format!("{}\n", s.off)))
        ),
    );
    let out = tool(&[
        "review",
        "-q",
        "--config",
        path(&keep),
        "--portal",
        "acme",
        "--disabled",
    ])
    .run();
    out.assert_exit(0);
    assert_eq!(out.stdout, "");
}

#[test]
fn what_decides_the_damage_or_the_key_stays_out_of_a_file() {
    let s = setup("refused");
    for (line, says) in [
        ("yes", ":8: --yes is taken only from the command line"),
        ("max 1000", ":8: --max is taken only from the command line"),
        (
            "action=delete",
            ":8: --action is taken only from the command line",
        ),
        (
            "email a@b.c",
            ":8: --email is taken only from the command line",
        ),
        ("api-key sk-secret", ":8: a config file holds no key"),
        (
            "timeout 0",
            ":8: --timeout takes a whole number from 1 to 86400",
        ),
    ] {
        // In another section: the whole file is checked.
        let file = acme(&s, "refused.conf", &format!("[third]\n{line}"));
        let out = tool(&["whoami", "--config", path(&file), "--portal", "acme"]).run();
        out.assert_usage_error(&format!("{}{says}", path(&file)));
        out.assert_output_lacks("sk-secret");
    }
    // A value is taken as it is: quotes are part of it, and the error names the line.
    let file = config(
        "quoted.conf",
        &format!(
            "[acme]\nurl \"{}\"\napi-key-file {}\n",
            s.portal.url(),
            path(&s.key_file)
        ),
    );
    tool(&["whoami", "--config", path(&file), "--portal", "acme"])
        .run()
        .assert_usage_error(&format!("{}:2: url must start with https://", path(&file)));
    assert!(s.portal.requests().is_empty());
}

#[test]
fn a_file_others_could_change_is_not_used() {
    let s = setup("strict");
    let file = acme(&s, "strict.conf", "");
    let dir = file.parent().unwrap().to_path_buf();
    let run = || tool(&["whoami", "--config", path(&file), "--portal", "acme"]).run();
    std::fs::set_permissions(&file, PermissionsExt::from_mode(0o666)).unwrap();
    run().assert_usage_error(&format!(
        "config file {}: {} is writable by others (mode 666",
        path(&file),
        path(&file)
    ));
    std::fs::set_permissions(&file, PermissionsExt::from_mode(0o600)).unwrap();
    std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o777)).unwrap();
    run().assert_usage_error(&format!("{} is writable by others", path(&dir)));
    // A sticky directory, as /tmp: no one else may rename or remove the file.
    std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o1777)).unwrap();
    run().assert_exit(0);
    std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o700)).unwrap();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::fs::chown(&file, Some(4321), None).unwrap();
        run().assert_usage_error("is owned by uid 4321");
        std::os::unix::fs::chown(&file, Some(0), None).unwrap();
    }
    run().assert_exit(0);
    tool(&["whoami", "--config", "/nonexistent/config"])
        .run()
        .assert_usage_error("config file /nonexistent/config: cannot be read");
}
