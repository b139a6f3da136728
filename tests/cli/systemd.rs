//! The packaged systemd units (packaging/): systemd-analyze verifies them and rates
//! the service's hardening; every ExecStart= line runs, as written, against the fake
//! portal with a config file holding the instance's section; the tmpfiles.d rule prunes
//! old records and keeps new ones. systemd-analyze comes with systemd (make test-deps).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{tool, write_config, write_key};
use fake_portal::{FakePortal, Role};

const UNITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/packaging/systemd");
const SERVICE: &str = "docspace-guest-cleanup@.service";
const TIMER: &str = "docspace-guest-cleanup@.timer";
const BINARY: &str = "/usr/bin/docspace-guest";

fn unit(name: &str) -> String {
    std::fs::read_to_string(Path::new(UNITS).join(name)).unwrap()
}

fn systemd(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program}: {err} (install systemd: make test-deps)"));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The units as the instance `acme`, with the binary just built in place of the
/// installed one (verify checks that it exists), in a directory of their own.
fn instances() -> (PathBuf, PathBuf) {
    let dir = write_key("units-keep", "").parent().unwrap().to_path_buf();
    let built = env!("CARGO_BIN_EXE_docspace-guest");
    let mut paths = Vec::new();
    for name in [SERVICE, TIMER] {
        let path = dir.join(name.replace('@', "@acme"));
        std::fs::write(&path, unit(name).replace(BINARY, built)).unwrap();
        paths.push(path);
    }
    (paths.remove(0), paths.remove(0))
}

#[test]
fn the_units_verify_and_the_service_is_rated_two_or_below() {
    let (service, timer) = instances();
    let (service, timer) = (service.to_str().unwrap(), timer.to_str().unwrap());
    let (ok, text) = systemd("systemd-analyze", &["verify", "--man=no", service, timer]);
    assert!(ok && text.trim().is_empty(), "{text}");

    // The threshold is on the scale of 0 to 100: 20 is a rating of 2.0.
    let (ok, text) = systemd(
        "systemd-analyze",
        &["security", "--offline=yes", "--threshold=20", service],
    );
    assert!(ok, "{text}");
    let rating: f64 = text
        .lines()
        .find_map(|line| line.split("exposure level for ").nth(1))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rating in: {text}"));
    assert!(rating <= 2.0, "rated {rating}: {text}");

    let timer = unit(TIMER);
    for line in [
        "Persistent=true",
        "RandomizedDelaySec=",
        "WantedBy=timers.target",
    ] {
        assert!(timer.contains(line), "the timer lacks {line}");
    }
}

#[test]
fn every_exec_start_line_runs_as_written() {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    // Stage 1 reads the audit trail, which no narrower scope covers.
    let key = portal.add_api_key(&admin, &["*:write"]);
    let old = portal.invite_guest(&admin, "Olga", "Guest", "olga@example.com");
    portal.registered_days_ago(&old, 200);
    portal.set_activation(&old, 1);
    let off = portal.invite_guest(&admin, "Ofelia", "Guest", "ofelia@example.com");
    portal.registered_days_ago(&off, 10);
    portal.set_activation(&off, 1);
    portal.status_call_days_ago(&[&off], 2, 10);

    // %d, the credentials directory, holds the key as LoadCredential= names it.
    let credentials = write_key("api-key", &key);
    let config = write_config(
        "unit-config",
        format!(
            "[acme]\nurl {}\napi-key-file /nonexistent\nolder-than 100\n",
            portal.url()
        ),
    );
    let service = unit(SERVICE);
    assert!(service.contains("LoadCredential=api-key:/etc/docspace-guest/%i.key"));
    let lines: Vec<&str> = service
        .lines()
        .filter_map(|line| line.strip_prefix("ExecStart="))
        .collect();
    assert_eq!(lines.len(), 2, "two stages");
    let mut printed = Vec::new();
    for line in lines {
        let line = line
            .replace("%i", "acme")
            .replace("%d", credentials.parent().unwrap().to_str().unwrap())
            .replace("/etc/docspace-guest/config", config.to_str().unwrap());
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], BINARY, "{line}");
        let mut args = words[1..].to_vec();
        args.push("--dry-run");
        let out = tool(&args).run();
        out.assert_exit(0);
        printed.push(out.stdout);
    }
    // Stage 1 takes its rule from the line, stage 2 the section's policy.
    assert!(
        printed[0].contains(&off) && !printed[0].contains(&old),
        "{}",
        printed[0]
    );
    assert!(
        printed[1].contains(&old) && !printed[1].contains(&off),
        "{}",
        printed[1]
    );
    // --dry-run: nothing was changed.
    assert_eq!(portal.user(&off).unwrap().status, 2);
    assert_eq!(portal.user(&old).unwrap().status, 1);
}

#[test]
fn the_tmpfiles_rule_prunes_old_records() {
    let rule = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/packaging/tmpfiles.d/docspace-guest.conf"
    );
    let root = write_key("tmpfiles-root", "")
        .parent()
        .unwrap()
        .to_path_buf();
    let records = root.join("var/lib/private/docspace-guest/acme/records");
    std::fs::create_dir_all(&records).unwrap();
    let (old, new) = (records.join("old.jsonl"), records.join("new.jsonl"));
    for file in [&old, &new] {
        std::fs::write(file, "{}\n").unwrap();
    }
    let (ok, text) = systemd("touch", &["-d", "200 days ago", old.to_str().unwrap()]);
    assert!(ok, "{text}");
    let root_flag = format!("--root={}", root.display());
    let (ok, text) = systemd("systemd-tmpfiles", &["--clean", &root_flag, rule]);
    assert!(ok, "{text}");
    assert!(!old.exists(), "a record of 200 days is kept");
    assert!(new.exists(), "a new record is removed");
}
