//! `make bench`: docspace-guest against the local portal on loopback, side by side with
//! the same requests made by curl and by the official example's Node.js version.
//! A benchmark, not a test: it reports medians and ratios and checks them against the
//! targets, but timing never fails the build.
//!
//! Usage: bench TOOL EXAMPLE_MD   (the Node example is taken from EXAMPLE_MD)
//!
//! BENCH_ONLY=https runs only the HTTPS flow; BENCH_ONLY=disabled-for only that case. BENCH_HOLD=1 (with it) keeps that portal
//! up after its table until standard input closes, and writes a shell script whose
//! functions `defaults`, `file` and `dir` run the flow with the three kinds of trust
//! (`dir TOOL`), for hyperfine or valgrind against another build of the tool.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fake_portal::{FakePortal, Role};

const FLOW_RUNS: usize = 30;
const STARTUP_RUNS: usize = 200;
const SCALE: usize = 10_000;
const APPROVALS: usize = 200;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(tool), Some(example)) = (args.next(), args.next()) else {
        eprintln!("usage: bench TOOL EXAMPLE_MD");
        std::process::exit(2);
    };
    let tool = std::fs::canonicalize(&tool).expect("the tool binary");
    let work = std::env::temp_dir().join(format!("dg-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();

    let mut report = String::new();
    writeln!(report, "# docspace-guest benchmark\n\n{}\n", machine(&tool)).unwrap();
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only == "disabled-for" {
        disabled_for(&tool, &work, &mut report);
        print!("{report}");
        return;
    }
    if only == "certify" {
        certify(&tool, &work, &mut report);
        print!("{report}");
        return;
    }
    let only_https = only == "https";
    if !only_https {
        flow(&tool, Path::new(&example), &work, &mut report);
    }
    https_flow(&tool, &work, &mut report);
    if !only_https {
        startup(&tool, &mut report);
        scale(&tool, &work, &mut report);
        inactive(&tool, &work, &mut report);
        disabled_for(&tool, &work, &mut report);
        rooms(&tool, &work, &mut report);
        certify(&tool, &work, &mut report);
    }
    print!("{report}");
    let _ = std::fs::write("target/bench.md", &report);
    let _ = std::fs::remove_dir_all(&work);
}

/// The `run` flow (approve with a full link, then delete) three ways.
fn flow(tool: &Path, example_md: &Path, work: &Path, report: &mut String) {
    let demo = FakePortal::demo();
    // Only so that the example's raw key and missing confirm header get through.
    demo.portal.set_lenient(true);
    let url = demo.portal.url();
    let full = demo.portal.full_url(&demo.link);
    let key_file = write(work, "key", &demo.admin_key);
    let headers = write(
        work,
        "headers",
        &format!(
            "Authorization: Bearer {}\nconfirm: {}\nContent-Type: application/json\n",
            demo.admin_key,
            demo.link.query()
        ),
    );
    let example = write(
        work,
        "example.js",
        &node_example(example_md, &url, &demo.admin_key, &demo.guest_email),
    );

    let ours = || {
        let mut command = Command::new(tool);
        command
            .args([
                "run",
                "--email",
                &demo.guest_email,
                "--link",
                &full,
                "--api-key-file",
            ])
            .arg(&key_file)
            .env_clear()
            .env("DOCSPACE_URL", &url);
        command
    };
    let curl_approve = || {
        let mut command = Command::new("curl");
        command
            .args(["-sS", "-o", "/dev/null", "-H"])
            .arg(format!("@{}", headers.display()))
            .args(["-d", &format!("{{\"email\":\"{}\"}}", demo.guest_email)])
            .arg(format!("{url}/api/2.0/people/guests/share/approve"));
        command
    };
    let curl_delete = || {
        let mut command = Command::new("curl");
        command
            .args(["-sS", "-o", "/dev/null", "-X", "DELETE", "-H"])
            .arg(format!("@{}", headers.display()))
            .args([
                "-d",
                &format!("{{\"userIds\":[\"{}\"],\"resendAll\":false}}", demo.guest),
            ])
            .arg(format!("{url}/api/2.0/people/guests"));
        command
    };
    let node = || {
        let mut command = Command::new("node");
        command.arg(&example);
        command
    };

    // Each way must really do the job before it is timed.
    for (name, output) in [
        ("docspace-guest", run(&mut ours())),
        ("node", run(&mut node())),
    ] {
        assert!(
            output.contains("deleted successfully"),
            "{name} did not complete the flow:\n{output}"
        );
    }

    // What each way sends: no request that correctness does not need.
    let requests_of = |command: &mut Command| {
        let before = demo.portal.requests().len();
        run(command);
        demo.portal.requests().len() - before
    };
    let sent_ours = requests_of(&mut ours());
    let sent_curl = requests_of(&mut curl_approve()) + requests_of(&mut curl_delete());
    let sent_node = requests_of(&mut node());

    let (mut t_ours, mut t_curl, mut t_node) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..FLOW_RUNS {
        t_ours.push(timed(|| {
            run(&mut ours());
        }));
        t_curl.push(timed(|| {
            run(&mut curl_approve());
            run(&mut curl_delete());
        }));
        t_node.push(timed(|| {
            run(&mut node());
        }));
    }
    let rss_ours = measure(&mut ours()).rss_kib;
    let rss_curl = measure(&mut curl_approve())
        .rss_kib
        .max(measure(&mut curl_delete()).rss_kib);
    let rss_node = measure(&mut node()).rss_kib;
    let (m_ours, m_curl, m_node) = (median(&t_ours), median(&t_curl), median(&t_node));

    writeln!(
        report,
        "## The example's flow: approve (full link) + delete, {FLOW_RUNS} runs each\n"
    )
    .unwrap();
    writeln!(
        report,
        "| | median wall time | vs docspace-guest | requests | peak RSS |"
    )
    .unwrap();
    writeln!(report, "|---|---|---|---|---|").unwrap();
    for (name, time, sent, rss) in [
        ("docspace-guest run", m_ours, sent_ours, rss_ours),
        ("curl, two processes", m_curl, sent_curl, rss_curl),
        ("Node.js example", m_node, sent_node, rss_node),
    ] {
        writeln!(
            report,
            "| {name} | {} | {:.1}x | {sent} | {} KiB |",
            ms(time),
            ratio(time, m_ours),
            rss
        )
        .unwrap();
    }
    writeln!(report).unwrap();
    target(
        report,
        "run flow faster than two curl processes",
        m_ours < m_curl,
    );
    target(
        report,
        "run flow at least 10x faster than the Node example",
        m_node >= m_ours * 10,
    );
    target(report, "peak RSS under 5 MB", rss_ours * 1024 < 5_000_000);
    target(
        report,
        "run with a full link sends 2 requests (approve, delete), as curl does",
        sent_ours == 2,
    );
}

/// One way of giving the trust: its name, the tool's environment and flags, curl's flags.
type Trust = (
    &'static str,
    Vec<(&'static str, PathBuf)>,
    Vec<String>,
    Vec<String>,
);

/// The run flow over HTTPS, as every real portal is: a throwaway CA added to a copy of
/// the system's trust, given three ways, and one curl process making the same two
/// calls with the same trust.
fn https_flow(tool: &Path, work: &Path, report: &mut String) {
    let tls = work.join("tls");
    std::fs::create_dir_all(&tls).unwrap();
    let openssl = |args: &[&str]| fake_portal::openssl(&tls, args);
    let ec = fake_portal::EC_KEY;
    fake_portal::make_ca(&tls, "bench CA");
    openssl(
        &[
            &["req", "-subj", "/CN=portal"][..],
            &ec,
            &["-keyout", "leaf.key", "-out", "leaf.csr"],
        ]
        .concat(),
    );
    std::fs::write(
        tls.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.pem",
    ]);
    let ca = tls.join("ca.pem");
    let system = "/etc/ssl/certs/ca-certificates.crt";
    let mut bundle =
        std::fs::read(system).expect("the system CA bundle (apt-get install ca-certificates)");
    bundle.extend(std::fs::read(&ca).unwrap());
    let bundle_file = write(&tls, "bundle.pem", &String::from_utf8(bundle).unwrap());
    // A copy of the system's hashed directory, the CA added under its hash name.
    let dir = tls.join("certs");
    let copied = Command::new("cp")
        .args(["-rL", "/etc/ssl/certs"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(copied.success());
    let hash = openssl(&["x509", "-hash", "-noout", "-in", "ca.pem"]);
    std::fs::copy(&ca, dir.join(format!("{hash}.0"))).unwrap();

    let portal = FakePortal::start_tls(fake_portal::http::tls_config(
        &std::fs::read(tls.join("leaf.pem")).unwrap(),
        &std::fs::read(tls.join("leaf.key")).unwrap(),
    ));
    let sharer = portal.add_user(Role::Admin, "Alice", "Sharer", "alice@example.com");
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["*:write"]);
    let email = "jane@example.com";
    let guest = portal.invite_guest(&sharer, "Jane", "Doe", email);
    let link = portal.share_guest(&sharer, &guest);
    let url = portal.url();
    let full = portal.full_url(&link);
    let key_file = write(work, "tls-key", &key);
    let headers = write(
        work,
        "tls-headers",
        &format!(
            "Authorization: Bearer {key}\nconfirm: {}\nContent-Type: application/json\n",
            link.query()
        ),
    );

    let configs: [Trust; 3] = [
        (
            "defaults (system bundle, --ca-cert CA; curl --cacert bundle+CA)",
            vec![],
            vec!["--ca-cert".into(), ca.display().to_string()],
            vec!["--cacert".into(), bundle_file.display().to_string()],
        ),
        (
            "SSL_CERT_FILE=bundle+CA (curl --cacert bundle+CA)",
            vec![("SSL_CERT_FILE", bundle_file.clone())],
            vec![],
            vec!["--cacert".into(), bundle_file.display().to_string()],
        ),
        (
            "SSL_CERT_DIR=hashed copy+CA (curl --capath)",
            vec![("SSL_CERT_DIR", dir.clone())],
            vec![],
            vec!["--capath".into(), dir.display().to_string()],
        ),
    ];
    writeln!(report, "\n## The run flow over HTTPS (loopback, the system's trust plus a throwaway CA), {FLOW_RUNS} runs each\n").unwrap();
    writeln!(report, "| trust given as | docspace-guest run | one curl process, same two calls | ratio | peak RSS (ours / curl) |").unwrap();
    writeln!(report, "|---|---|---|---|---|").unwrap();
    let mut worst: f64 = 0.0;
    let mut rss_max = 0;
    let mut medians = Vec::new();
    let mut script = String::from("# . this, then e.g. hyperfine 'dir TOOL'\n");
    for (name, env, flags, curl_trust) in &configs {
        let ours = || {
            let mut command = Command::new(tool);
            command
                .args(["run", "--email", email, "--link", &full, "--api-key-file"])
                .arg(&key_file)
                .args(flags)
                .env_clear()
                .env("DOCSPACE_URL", &url);
            for (var, value) in env {
                command.env(var, value);
            }
            command
        };
        let curl = || {
            let mut command = Command::new("curl");
            command
                .args(["-sS", "-o", "/dev/null"])
                .args(curl_trust)
                .arg("-H")
                .arg(format!("@{}", headers.display()))
                .args(["-d", &format!("{{\"email\":\"{email}\"}}")])
                .arg(format!("{url}/api/2.0/people/guests/share/approve"))
                .args(["--next", "-sS", "-o", "/dev/null"])
                .args(curl_trust)
                .args(["-X", "DELETE", "-H"])
                .arg(format!("@{}", headers.display()))
                .args([
                    "-d",
                    &format!("{{\"userIds\":[\"{guest}\"],\"resendAll\":false}}"),
                ])
                .arg(format!("{url}/api/2.0/people/guests"));
            command
        };
        assert!(
            run(&mut ours()).contains("deleted successfully"),
            "{name}: the flow failed"
        );
        run(&mut curl());
        let (mut t_ours, mut t_curl) = (Vec::new(), Vec::new());
        for _ in 0..FLOW_RUNS {
            t_ours.push(timed(|| run(&mut ours())));
            t_curl.push(timed(|| run(&mut curl())));
        }
        let (m_ours, m_curl) = (median(&t_ours), median(&t_curl));
        medians.push(m_ours);
        let shell = ours();
        let mut line = String::new();
        for (var, value) in shell.get_envs() {
            let _ = write!(
                line,
                "{}='{}' ",
                var.display(),
                value.unwrap_or_default().display()
            );
        }
        let args: Vec<String> = shell
            .get_args()
            .map(|a| format!("'{}'", a.display()))
            .collect();
        let function = ["defaults", "file", "dir"][medians.len() - 1];
        let _ = writeln!(
            script,
            "{function}() {{ env -i {line}\"$1\" {} >/dev/null; }}",
            args.join(" ")
        );
        let (rss_ours, rss_curl) = (measure(&mut ours()).rss_kib, measure(&mut curl()).rss_kib);
        let r = ratio(m_ours, m_curl);
        worst = worst.max(r);
        rss_max = rss_max.max(rss_ours);
        writeln!(
            report,
            "| {name} | {} | {} | {r:.2}x | {rss_ours} / {rss_curl} KiB |",
            ms(m_ours),
            ms(m_curl)
        )
        .unwrap();
    }
    writeln!(report).unwrap();
    target(
        report,
        "HTTPS run flow at most 0.2x one curl process, every configuration",
        worst <= 0.2,
    );
    target(report, "HTTPS peak RSS at most 3 MiB", rss_max <= 3 * 1024);
    target(
        report,
        "SSL_CERT_DIR costs at most 10 % more than the defaults",
        ratio(medians[2], medians[0]) <= 1.1,
    );
    if std::env::var_os("BENCH_HOLD").is_some() {
        let path = work.join("https.sh");
        std::fs::write(&path, script).unwrap();
        eprintln!(
            "{report}\nthe portal is up; . {} (until standard input closes)",
            path.display()
        );
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    }
}

fn startup(tool: &Path, report: &mut String) {
    let ours: Vec<Duration> = (0..STARTUP_RUNS)
        .map(|_| timed(|| run(&mut version(tool.as_os_str()))))
        .collect();
    let curl: Vec<Duration> = (0..STARTUP_RUNS)
        .map(|_| timed(|| run(&mut version("curl".as_ref()))))
        .collect();
    let (m_ours, m_curl) = (median(&ours), median(&curl));
    writeln!(
        report,
        "\n## Start-up: `--version`, {STARTUP_RUNS} runs each\n"
    )
    .unwrap();
    writeln!(report, "| | median |\n|---|---|").unwrap();
    writeln!(report, "| docspace-guest --version | {} |", ms(m_ours)).unwrap();
    writeln!(
        report,
        "| curl --version | {} ({:.1}x) |",
        ms(m_curl),
        ratio(m_curl, m_ours)
    )
    .unwrap();
}

fn version(program: &std::ffi::OsStr) -> Command {
    let mut command = Command::new(program);
    command.arg("--version");
    command
}

/// 10,000 guests listed and deleted, and 200 approvals one process each.
fn scale(tool: &Path, work: &Path, report: &mut String) {
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key = portal.add_api_key(&admin, &["*:write"]);
    let key_file = write(work, "scale-key", &key);
    let guests = invite_many(&portal, &admin);
    let ids = write(work, "ids", &guests.join("\n"));
    let ours = |args: &[&str]| tool_command(tool, &portal, &key_file, args);

    writeln!(report, "\n## Scale\n").unwrap();
    writeln!(
        report,
        "| job | wall time | tool CPU time | requests | TCP connections | peak RSS |"
    )
    .unwrap();
    writeln!(report, "|---|---|---|---|---|---|").unwrap();
    let mut row = |job: &str, args: &[&str], path: &str| {
        let before = portal.requests().len();
        let used = measure(&mut ours(args));
        let requests: Vec<_> = portal.requests()[before..]
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect();
        let connections: BTreeSet<usize> = requests.iter().map(|r| r.connection).collect();
        writeln!(
            report,
            "| {job} | {} | {} | {} | {} | {} KiB |",
            ms(used.wall),
            ms(used.cpu),
            requests.len(),
            connections.len(),
            used.rss_kib
        )
        .unwrap();
        (requests.len(), connections.len())
    };
    let (_, list_connections) = row(
        "list 10,000 guests (`list -q`)",
        &["list", "-q"],
        "/api/2.0/people/filter",
    );
    let (reviews, review_connections) = row(
        "review 10,000 guests (`review --older-than 30`, the table)",
        &["review", "--older-than", "30"],
        "/api/2.0/people/filter",
    );
    let ids_arg = ids.to_str().unwrap();
    let (deletes, delete_connections) = row(
        "delete 10,000 guests (`delete --from FILE`)",
        &["delete", "-q", "--from", ids_arg],
        "/api/2.0/people/guests",
    );
    assert!(
        portal.guest_list(&admin).is_empty(),
        "the 10,000 were not all removed"
    );
    writeln!(
        report,
        "\nWall time includes the fake portal's own work (it scans lists linearly); the tool's share is its CPU time."
    )
    .unwrap();
    target(
        report,
        "10,000 deletes in 100 requests over 1 connection",
        deletes == 100 && delete_connections == 1,
    );
    target(report, "list over 1 connection", list_connections == 1);
    target(
        report,
        "review of 10,000 guests: the 100 guest pages over 1 connection, nothing per guest",
        reviews == 100 && review_connections == 1,
    );

    let sharer = portal.add_user(Role::Admin, "Alice", "Sharer", "alice@example.com");
    let links: Vec<(String, String)> = (0..APPROVALS)
        .map(|i| {
            let email = format!("s{i}@example.com");
            let guest = portal.invite_guest(&sharer, "Shared", &format!("{i}"), &email);
            (email, portal.full_url(&portal.share_guest(&sharer, &guest)))
        })
        .collect();
    let per_call: Vec<Duration> = links
        .iter()
        .map(|(email, link)| {
            timed(|| {
                run(&mut ours(&[
                    "approve", "-q", "--email", email, "--link", link,
                ]))
            })
        })
        .collect();
    assert_eq!(
        portal.guest_list(&admin).len(),
        APPROVALS,
        "every approval took"
    );
    let total: Duration = per_call.iter().sum();
    writeln!(
        report,
        "\n{APPROVALS} approvals in sequence, one process each (as a script would): {} in all, median {} per call.",
        ms(total),
        ms(median(&per_call))
    )
    .unwrap();
}

/// Runs to completion; the output (stdout and stderr), which must be a success.
fn run(command: &mut Command) -> String {
    let output = command.stdin(Stdio::null()).output().expect("spawn");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{command:?} failed:\n{text}");
    text
}

struct Used {
    wall: Duration,
    /// User and system time of the process.
    cpu: Duration,
    rss_kib: u64,
}

/// One run under GNU time: wall time, CPU time (%U, %S) and peak resident memory (%M).
fn measure(command: &mut Command) -> Used {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%U %S %M"])
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(name, value),
            None => timed.env_remove(name),
        };
    }
    let started = Instant::now();
    let output = timed
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .expect("/usr/bin/time");
    let wall = started.elapsed();
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{command:?} failed: {text}");
    let fields: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [user, system, rss] = fields[..] else {
        panic!("no '%U %S %M' in {text}");
    };
    Used {
        wall,
        cpu: Duration::from_secs_f64(user + system),
        rss_kib: rss as u64,
    }
}

fn timed<T>(job: impl FnOnce() -> T) -> Duration {
    let started = Instant::now();
    job();
    started.elapsed()
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn ms(time: Duration) -> String {
    format!("{:.2} ms", time.as_secs_f64() * 1000.0)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn target(report: &mut String, what: &str, met: bool) {
    writeln!(
        report,
        "- target: {what}: {}",
        if met { "met" } else { "MISSED" }
    )
    .unwrap();
}

/// The tool with `args`, for `portal`, the key read from `key_file`, in a cleared
/// environment.
fn tool_command(tool: &Path, portal: &FakePortal, key_file: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(tool);
    command
        .args(args)
        .arg("--api-key-file")
        .arg(key_file)
        .env_clear()
        .env("DOCSPACE_URL", portal.url());
    command
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The example's Node.js code, its three constants set for the local portal.
fn node_example(markdown: &Path, url: &str, key: &str, email: &str) -> String {
    let text = std::fs::read_to_string(markdown).expect("the example's markdown");
    let code: String = text
        .split("``` ts")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ts block in the example")
        .to_string();
    code.replace("https://yourportal.onlyoffice.com", url)
        .replace("your_api_key", key)
        .replace("guest@example.com", email)
}

fn machine(tool: &Path) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let size = std::fs::metadata(tool).map(|m| m.len()).unwrap_or(0);
    format!(
        "Machine: {cpu}, {cores} cores. Tool: {} ({size} bytes). Portal: the local fake portal on 127.0.0.1, in the bench process.",
        tool.display()
    )
}

/// `review --inactive 90` over 10,000 guests and 200,000 sign-ins in the window: the
/// history is read once, 100 events a request, whatever the number of guests.
fn inactive(tool: &Path, work: &Path, report: &mut String) {
    const EVENTS: usize = 200_000;
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key_file = write(
        work,
        "inactive-key",
        &portal.add_api_key(&admin, &["*:read"]),
    );
    let guests = invite_many(&portal, &admin);
    // Half of the guests signed in during the last 89 days; an older sign-in of the
    // admin takes the history past the cutoff.
    portal.many_sign_ins(
        &guests[..SCALE / 2],
        EVENTS,
        Duration::from_secs(89 * 86_400),
    );
    portal.signed_in_days_ago(&admin, 95);
    let used = measure(&mut tool_command(
        tool,
        &portal,
        &key_file,
        &["review", "--inactive", "90"],
    ));
    let sent = portal.requests();
    let history = sent
        .iter()
        .filter(|r| r.path == "/api/2.0/security/audit/login/filter")
        .count();
    let connections: BTreeSet<usize> = sent.iter().map(|r| r.connection).collect();
    // `run` gives stdout and stderr together: count the ids.
    let selected = run(&mut tool_command(
        tool,
        &portal,
        &key_file,
        &["review", "--inactive", "90", "-q"],
    ))
    .lines()
    .filter(|line| line.len() == 36)
    .count();
    writeln!(report, "\n## Inactive guests\n").unwrap();
    writeln!(
        report,
        "`review --inactive 90`, {SCALE} guests, {EVENTS} sign-ins in the window: {} wall, \
         {} tool CPU, {} requests ({history} of the login history), {} TCP connection(s), \
         peak RSS {} KiB; {selected} guests selected.",
        ms(used.wall),
        ms(used.cpu),
        sent.len(),
        connections.len(),
        used.rss_kib
    )
    .unwrap();
    target(
        report,
        "the history read once: 200,000 events in 2,001 requests over 1 connection",
        history == EVENTS / 100 + 1 && connections.len() == 1,
    );
    target(report, "half the guests selected", selected == SCALE / 2);
}

/// `review --disabled-for 7` over 10,000 disabled guests and 100,000 status events: the
/// audit trail is read once, 100 events a request, with memory flat beside
/// `review --disabled` on the same portal.
fn disabled_for(tool: &Path, work: &Path, report: &mut String) {
    const EVENTS: usize = 100_000;
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key_file = write(
        work,
        "disabled-key",
        &portal.add_api_key(&admin, &["*:read"]),
    );
    let guests = invite_many(&portal, &admin);
    for guest in &guests {
        portal.set_status(guest, 2);
    }
    // Each guest is named ten times; their newest events fall in the last 14 days, so
    // about half were disabled more than 7 days ago.
    portal.many_status_events(&guests, EVENTS, Duration::from_secs(140 * 86_400));
    let plain = measure(&mut tool_command(
        tool,
        &portal,
        &key_file,
        &["review", "--disabled"],
    ));
    let before = portal.requests().len();
    let used = measure(&mut tool_command(
        tool,
        &portal,
        &key_file,
        &["review", "--disabled-for", "7"],
    ));
    let sent = &portal.requests()[before..];
    let trail = sent
        .iter()
        .filter(|r| r.path == "/api/2.0/security/audit/events/filter")
        .count();
    let connections: BTreeSet<usize> = sent.iter().map(|r| r.connection).collect();
    let selected = run(&mut tool_command(
        tool,
        &portal,
        &key_file,
        &["review", "--disabled-for", "7", "-q"],
    ))
    .lines()
    .filter(|line| line.len() == 36)
    .count();
    writeln!(report, "\n## Disabled for N days\n").unwrap();
    writeln!(
        report,
        "`review --disabled-for 7`, {SCALE} disabled guests, {EVENTS} status events: {} wall, \
         {} tool CPU, {} requests ({trail} of the audit trail), {} TCP connection(s), peak \
         RSS {} KiB (`review --disabled`: {} wall, {} KiB); {selected} guests selected.",
        ms(used.wall),
        ms(used.cpu),
        sent.len(),
        connections.len(),
        used.rss_kib,
        ms(plain.wall),
        plain.rss_kib
    )
    .unwrap();
    target(
        report,
        "the trail read once: 100,000 events in 1,001 pages and a probe, over 1 connection",
        trail == EVENTS / 100 + 2 && connections.len() == 1,
    );
    target(
        report,
        "at most 3 MiB of RSS above review --disabled",
        used.rss_kib <= plain.rss_kib + 3 * 1024,
    );
    target(
        report,
        "some but not all guests selected",
        selected > 0 && selected < SCALE,
    );
}

/// `SCALE` guests invited by `admin`.
fn invite_many(portal: &FakePortal, admin: &str) -> Vec<String> {
    (0..SCALE)
        .map(|i| {
            portal.invite_guest(
                admin,
                "Guest",
                &format!("{i}"),
                &format!("g{i}@example.com"),
            )
        })
        .collect()
}

/// Rooms at scale: `access` over 1,000 rooms and 10,000 guests (the whole map), and
/// `revoke --all-rooms` for one guest, with the requests each costs.
fn rooms(tool: &Path, work: &Path, report: &mut String) {
    const ROOMS: usize = 1_000;
    const GUEST_ROOMS: usize = 5;
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key_file = write(work, "rooms-key", &portal.add_api_key(&admin, &["*:write"]));
    let guests: Vec<String> = (0..SCALE)
        .map(|i| {
            portal.invite_guest(
                &admin,
                "Guest",
                &format!("{i}"),
                &format!("r{i}@example.com"),
            )
        })
        .collect();
    let per_room = SCALE / ROOMS;
    for r in 0..ROOMS {
        let room = portal.add_room(&admin, &format!("Room {r}"), fake_portal::RoomType::Custom);
        for guest in &guests[r * per_room..(r + 1) * per_room] {
            portal.add_member(room, guest, 2, &admin);
        }
    }
    // One guest in a few more rooms, to be taken out of all of them.
    let leaver = &guests[0];
    for r in 1..GUEST_ROOMS {
        let room = 1000 + (r * per_room * 7 % ROOMS) as u64;
        portal.add_member(room, leaver, 10, &admin);
    }
    let ours = |args: &[&str]| tool_command(tool, &portal, &key_file, args);
    writeln!(report, "\n## Rooms\n").unwrap();
    writeln!(report, "| job | wall time | tool CPU time | room pages | member lists | PUTs | TCP connections | peak RSS |").unwrap();
    writeln!(report, "|---|---|---|---|---|---|---|---|").unwrap();
    let mut job = |name: &str, args: &[&str]| {
        let before = portal.requests().len();
        let used = measure(&mut ours(args));
        let requests = portal.requests()[before..].to_vec();
        let count = |keep: &dyn Fn(&fake_portal::Request) -> bool| {
            requests.iter().filter(|r| keep(r)).count()
        };
        let pages = count(&|r| r.path == "/api/2.0/files/rooms");
        let members = count(&|r| r.method == "GET" && r.path.ends_with("/share"));
        let puts = count(&|r| r.method == "PUT");
        let connections: BTreeSet<usize> = requests.iter().map(|r| r.connection).collect();
        writeln!(
            report,
            "| {name} | {} | {} | {pages} | {members} | {puts} | {} | {} KiB |",
            ms(used.wall),
            ms(used.cpu),
            connections.len(),
            used.rss_kib
        )
        .unwrap();
        (pages, members, puts, connections.len())
    };
    let map = job(
        "access: the map of 1,000 rooms and 10,000 guests (`--csv`)",
        &["access", "--csv"],
    );
    let revoke = job(
        "revoke --all-rooms for one guest in 5 rooms",
        &["revoke", leaver, "--all-rooms", "-q"],
    );
    writeln!(report).unwrap();
    target(
        report,
        "access over 1,000 rooms: each room page and member list read once, on 1 connection",
        map == (ROOMS / 100, ROOMS, 0, 1),
    );
    target(
        report,
        "revoke --all-rooms for one guest: 1 room page, 1 member list and 1 PUT per room",
        revoke == (1, GUEST_ROOMS, GUEST_ROOMS, 1),
    );
}

/// An access review over 1,000 rooms and 10,000 guest memberships (800 rooms of 100
/// owners, 200 of the caller), then apply of the caller's sheet with 1,000 removals in
/// 200 rooms. BENCH_ONLY=certify runs only this.
fn certify(tool: &Path, work: &Path, report: &mut String) {
    const ROOMS: usize = 1_000;
    const OWNERS: usize = 100;
    const OWN: usize = 200;
    let portal = FakePortal::start();
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let key_file = write(
        work,
        "certify-key",
        &portal.add_api_key(&admin, &["*:write"]),
    );
    let owners: Vec<String> = (0..OWNERS)
        .map(|i| {
            portal.add_user(
                Role::RoomAdmin,
                "Owner",
                &format!("{i}"),
                &format!("o{i}@example.com"),
            )
        })
        .collect();
    let guests: Vec<String> = (0..SCALE)
        .map(|i| {
            portal.invite_guest(
                &admin,
                "Guest",
                &format!("{i}"),
                &format!("c{i}@example.com"),
            )
        })
        .collect();
    portal.signed_in_days_ago(&admin, 40);
    portal.many_sign_ins(
        &guests[..SCALE / 2],
        5_000,
        Duration::from_secs(20 * 86_400),
    );
    let per_room = SCALE / ROOMS;
    for r in 0..ROOMS {
        let owner = if r < OWN { &admin } else { &owners[r % OWNERS] };
        let room = portal.add_room(owner, &format!("Room {r}"), fake_portal::RoomType::Custom);
        for guest in &guests[r * per_room..(r + 1) * per_room] {
            portal.add_member(room, guest, 2, owner);
        }
    }
    let dir = work.join("round");
    let dir_arg = dir.to_str().unwrap();
    let ours = |args: &[&str]| {
        let mut command = tool_command(tool, &portal, &key_file, args);
        command.env("STATE_DIRECTORY", work);
        command
    };
    writeln!(report, "\n## Access reviews\n").unwrap();
    writeln!(report, "| job | wall time | tool CPU time | requests | room pages | member lists | user lookups | PUTs | TCP connections | peak RSS |").unwrap();
    writeln!(report, "|---|---|---|---|---|---|---|---|---|---|").unwrap();
    let mut job = |name: &str, args: &[&str]| {
        let before = portal.requests().len();
        let used = measure(&mut ours(args));
        let requests = portal.requests()[before..].to_vec();
        let count = |keep: &dyn Fn(&fake_portal::Request) -> bool| {
            requests.iter().filter(|r| keep(r)).count()
        };
        let pages = count(&|r| r.path == "/api/2.0/files/rooms");
        let members = count(&|r| r.method == "GET" && r.path.ends_with("/share"));
        let lookups =
            count(&|r| r.path.starts_with("/api/2.0/people/") && r.path != "/api/2.0/people/@self");
        let puts = count(&|r| r.method == "PUT");
        let connections: BTreeSet<usize> = requests.iter().map(|r| r.connection).collect();
        writeln!(
            report,
            "| {name} | {} | {} | {} | {pages} | {members} | {lookups} | {puts} | {} | {} KiB |",
            ms(used.wall),
            ms(used.cpu),
            requests.len(),
            connections.len(),
            used.rss_kib
        )
        .unwrap();
        (
            pages,
            members,
            lookups,
            puts,
            connections.len(),
            used.rss_kib,
        )
    };
    let whoami = job("whoami (the baseline)", &["whoami"]);
    let start = job(
        "certify start: 1,000 rooms, 10,000 memberships, 100 owners",
        &["certify", "start", "--out", dir_arg],
    );
    // The caller's own sheet: every other row decided "remove" (5 of 10 per room).
    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("round.json")).unwrap()).unwrap();
    let at = round["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["reviewer"] == "dan@example.com")
        .unwrap();
    let mine = &round["sheets"][at];
    let mut sheet = String::from("room_id;guest_id;decision\r\n");
    let rows = round["rows"].as_array().unwrap().iter();
    for (i, row) in rows
        .filter(|row| row[0] == at)
        .map(|row| &row.as_array().unwrap()[1..])
        .enumerate()
    {
        let decision = if i % 2 == 0 { "remove" } else { "keep" };
        writeln!(
            sheet,
            "{};{};{decision}\r",
            row[0],
            row[1].as_str().unwrap()
        )
        .unwrap();
    }
    let file = dir.join(mine["file"].as_str().unwrap());
    std::fs::write(&file, sheet).unwrap();
    let apply = job(
        "certify apply: 1,000 removals in 200 rooms",
        &[
            "certify",
            "apply",
            dir_arg,
            "--sheet",
            file.to_str().unwrap(),
            "--no-response",
            "keep",
            "--max",
            "0",
            "-q",
        ],
    );
    writeln!(report).unwrap();
    target(
        report,
        "certify start: 10 room pages, 1,000 member lists, 100 owner lookups, nothing written, 1 connection",
        (start.0, start.1, start.2, start.3, start.4) == (ROOMS / 100, ROOMS, OWNERS, 0, 1),
    );
    target(
        report,
        "certify start: peak RSS at most 3 MiB above whoami's",
        start.5 <= whoami.5 + 3 * 1024,
    );
    target(
        report,
        "certify apply: 200 PUTs (and 200 member lists), 1 connection",
        (apply.1, apply.3, apply.4) == (OWN, OWN, 1),
    );
}
