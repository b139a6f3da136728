//! What the tests share: running the binary (`Tool`), what a run left (`Outcome`) and the
//! assertions on it, temporary files, and a portal crowded with guests (`Crowd`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use fake_portal::{Answer, Demo, FakePortal, Request, Role};

/// One run of the binary, with a cleared environment.
pub struct Tool {
    command: Command,
    stdin: Option<String>,
    /// Where stdout goes instead of a pipe the test reads (then `Outcome::stdout` is empty).
    stdout: Option<Stdio>,
}

/// What one run left: its exit code and all it printed.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn tool(args: &[&str]) -> Tool {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docspace-guest"));
    // The change commands keep a record by default, in the state folder.
    command
        .args(args)
        .env_clear()
        .env("XDG_STATE_HOME", state_home());
    Tool {
        command,
        stdin: None,
        stdout: None,
    }
}

/// `approve` or `run` of the demo's guest with `link`, and `extra` flags.
pub fn flow(demo: &Demo, command: &str, link: &str, extra: &[&str]) -> Tool {
    let mut args = vec![command];
    args.extend_from_slice(extra);
    args.extend(["--email", &demo.guest_email, "--link", link]);
    tool_for(demo, &args)
}

/// The tool set up for the demo portal, as its admin.
pub fn tool_for(demo: &Demo, args: &[&str]) -> Tool {
    tool_as(&demo.portal, &demo.admin_key, args)
}

/// The tool set up for `portal`, with the credential `key`.
pub fn tool_as(portal: &FakePortal, key: &str, args: &[&str]) -> Tool {
    tool(args)
        .env("DOCSPACE_URL", &portal.url())
        .env("DOCSPACE_API_KEY", key)
}

impl Tool {
    pub fn env(mut self, name: &str, value: &str) -> Tool {
        self.command.env(name, value);
        self
    }

    /// A variable that need not be UTF-8.
    pub fn env_os(mut self, name: &str, value: &std::ffi::OsStr) -> Tool {
        self.command.env(name, value);
        self
    }

    pub fn stdin(mut self, text: &str) -> Tool {
        self.stdin = Some(text.to_string());
        self
    }

    /// Stdout to `to` (a closed pipe, /dev/full) instead of the test.
    pub fn stdout(mut self, to: Stdio) -> Tool {
        self.stdout = Some(to);
        self
    }

    /// Files the run writes may grow to `bytes` at most; a write beyond fails with
    /// EFBIG (SIGXFSZ ignored), as on a full filesystem.
    pub fn file_size_limit(mut self, bytes: u64) -> Tool {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls, on plain values.
        unsafe {
            self.command.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        self
    }

    /// Starts the run and returns at once; stdout and stderr are piped, stdin empty.
    pub fn spawn(mut self) -> std::process::Child {
        self.command
            .stdin(Stdio::null())
            .stdout(self.stdout.take().unwrap_or_else(Stdio::piped))
            .stderr(Stdio::piped());
        self.command.spawn().expect("spawn docspace-guest")
    }

    pub fn run(mut self) -> Outcome {
        self.command
            .stdin(Stdio::piped())
            .stdout(self.stdout.take().unwrap_or_else(Stdio::piped))
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("spawn docspace-guest");
        let watchdog = hang_guard(child.id());
        let mut stdin = child.stdin.take().unwrap();
        if let Some(text) = &self.stdin {
            stdin.write_all(text.as_bytes()).unwrap();
        }
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        drop(watchdog);
        Outcome {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

/// What a spawned run left, once it ends; `None` as the code when a signal ended it.
pub fn finished(child: std::process::Child) -> (Option<i32>, Outcome) {
    let watchdog = hang_guard(child.id());
    let output = child.wait_with_output().unwrap();
    drop(watchdog);
    let code = output.status.code();
    let outcome = Outcome {
        code: code.unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    (code, outcome)
}

/// A pipe whose reading end is already closed: each write to it fails with EPIPE,
/// as once `| head -1` has what it wants.
pub fn closed_pipe() -> Stdio {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe fills the two descriptors; the reading one is closed at once and
    // the writing one handed to an OwnedFd, which owns it from then on.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        Stdio::from(std::os::fd::OwnedFd::from_raw_fd(fds[1]))
    }
}

/// /dev/full: every write fails with ENOSPC.
pub fn dev_full() -> Stdio {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    Stdio::from(file)
}

/// Sends `signal` to the run.
pub fn signal(child: &std::process::Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill with a pid of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

/// A run that hangs (a FIFO waited on, a retry loop that never ends) must fail, not
/// stall the suite: the tool is killed after two minutes, far beyond any real run,
/// and `run` then fails on the kill. Dropping the guard ends its watch.
fn hang_guard(pid: u32) -> std::sync::mpsc::Sender<()> {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            finished.recv_timeout(std::time::Duration::from_secs(120))
        {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    });
    done
}

/// Each assertion shows the exit code and the whole output when it fails.
impl Outcome {
    /// Fails with `what` and all the run printed.
    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\n--- exit code {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    #[track_caller]
    pub fn assert_exit(&self, code: i32) -> &Outcome {
        if self.code != code {
            self.fail(&format!("exit code {}, not {code}", self.code));
        }
        self
    }

    /// Exit `code` and one line on stderr that says `needle`.
    #[track_caller]
    pub fn assert_error(&self, code: i32, needle: &str) -> &Outcome {
        self.assert_exit(code);
        if self.stderr.lines().count() != 1 {
            self.fail("not one line on stderr");
        }
        self.assert_stderr_has(needle)
    }

    /// A usage error: exit 2, one line on stderr that says `needle`, no output.
    #[track_caller]
    pub fn assert_usage_error(&self, needle: &str) {
        self.assert_error(2, needle);
        if !self.stdout.is_empty() {
            self.fail("a usage error prints nothing on stdout");
        }
    }

    #[track_caller]
    pub fn assert_stdout_has(&self, needle: &str) -> &Outcome {
        self.check(
            "stdout",
            &self.stdout,
            |s| s.contains(needle),
            "lacks",
            needle,
        )
    }

    #[track_caller]
    pub fn assert_stderr_has(&self, needle: &str) -> &Outcome {
        self.check(
            "stderr",
            &self.stderr,
            |s| s.contains(needle),
            "lacks",
            needle,
        )
    }

    #[track_caller]
    pub fn assert_stdout_lacks(&self, needle: &str) -> &Outcome {
        self.check(
            "stdout",
            &self.stdout,
            |s| !s.contains(needle),
            "has",
            needle,
        )
    }

    #[track_caller]
    pub fn assert_stderr_lacks(&self, needle: &str) -> &Outcome {
        self.check(
            "stderr",
            &self.stderr,
            |s| !s.contains(needle),
            "has",
            needle,
        )
    }

    /// Neither stdout nor stderr says `needle`: for secrets.
    #[track_caller]
    pub fn assert_output_lacks(&self, needle: &str) -> &Outcome {
        self.assert_stdout_lacks(needle).assert_stderr_lacks(needle)
    }

    #[track_caller]
    pub fn assert_stdout_starts_with(&self, start: &str) -> &Outcome {
        let does = |s: &str| s.starts_with(start);
        self.check("stdout", &self.stdout, does, "does not start with", start)
    }

    #[track_caller]
    pub fn assert_stdout_ends_with(&self, end: &str) -> &Outcome {
        let does = |s: &str| s.ends_with(end);
        self.check("stdout", &self.stdout, does, "does not end with", end)
    }

    #[track_caller]
    fn check(
        &self,
        stream: &str,
        text: &str,
        holds: impl Fn(&str) -> bool,
        otherwise: &str,
        needle: &str,
    ) -> &Outcome {
        if !holds(text) {
            self.fail(&format!("{stream} {otherwise} {needle:?}"));
        }
        self
    }
}

pub fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The API calls that carry the credential: all but the anonymous release check.
pub fn api_requests(portal: &FakePortal) -> Vec<Request> {
    portal
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/") && r.path != RELEASE_CHECK)
        .collect()
}

pub const RELEASE_CHECK: &str = "/api/2.0/settings/version/build";

/// The state folder the runs of this test process share (records, the record key).
pub fn state_home() -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("dg-{}-state", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `text` in a file `name` of its own directory under the target's temporary directory.
pub fn write_temp(name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("dg-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// A key file as it should be kept: readable by its owner only.
pub fn write_key(name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let file = write_temp(name, bytes);
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    file
}

/// A config file as it must be kept (cli::config_file): `text` in a file `name` (mode
/// 600) of its own directory (700), under /tmp: sticky and root's everywhere, whereas a
/// checkout's directories may be group-writable.
pub fn write_config(name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let private = std::fs::Permissions::from_mode(0o700);
    let top = std::path::Path::new("/tmp").join(format!("dg-tests-{}", std::process::id()));
    let dir = top.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for dir in [&top, &dir] {
        std::fs::set_permissions(dir, private.clone()).unwrap();
    }
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, PermissionsExt::from_mode(0o600)).unwrap();
    file
}

/// A portal with an admin (and its key) who invited `n` guests.
pub struct Crowd {
    pub portal: FakePortal,
    pub admin: String,
    pub key: String,
    pub guests: Vec<String>,
}

pub fn crowd(n: usize) -> Crowd {
    let portal = FakePortal::start();
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
    pub fn tool(&self, args: &[&str]) -> Tool {
        tool_as(&self.portal, &self.key, args)
    }

    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Request> {
        self.portal
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }
}

/// The next `people/@self` of `demo` answers with a head of `kib` KiB and more: the
/// status line, then `kib` padding headers of exactly 1 KiB each, then its own.
pub fn whoami_with_a_head_of(demo: &Demo, kib: usize) {
    let me = serde_json::json!({ "status": 0, "statusCode": 200, "response": {
        "id": demo.admin, "email": "big@example.com", "displayName": "Big Head", "isAdmin": true,
    }});
    let mut response = fake_portal::Response::json(200, &me);
    for i in 0..kib {
        let name = format!("X-Padding-{i:03}");
        // "name: value\r\n" is 1024 bytes.
        response = response.with_header(&name, "p".repeat(1024 - name.len() - 4));
    }
    demo.portal
        .fault("/api/2.0/people/@self", 0, 1, Answer::Send(response));
}
