//! The demo portal for `make demo` and `make demo-portal`: the local
//! fake portal seeded as a small real portal (tests/portal/seed.rs), on 127.0.0.1 only.
//! It writes what a client needs into DIR and serves until it is killed.

use std::io::Write;

const USAGE: &str = "\
usage: portal [--lenient] DIR
Serves the demo portal on 127.0.0.1 (a port of its own) until it is killed, and writes:
  DIR/env      DOCSPACE_URL, DOCSPACE_API_KEY, DEMO_EMAIL, DEMO_LINK, DEMO_FULL_LINK
               (shell syntax; DIR/env appears once the portal is ready)
  DIR/api-key  the caller's API key, a throwaway one (mode 600)
  --lenient    also accept what the official example script sends (a raw key, no
               confirm header), to run that script against it
  -h, --help   this text";

fn main() {
    let mut dir = None;
    let mut lenient = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            "--lenient" => lenient = true,
            flag if flag.starts_with('-') => fail(&format!("unknown option {flag}")),
            _ if dir.is_some() => fail("one DIR only"),
            _ => dir = Some(arg),
        }
    }
    let Some(dir) = dir else {
        fail("DIR is missing")
    };
    let demo = fake_portal::FakePortal::seeded();
    demo.portal.set_lenient(lenient);
    let dir = std::path::Path::new(&dir);
    write_private(&dir.join("api-key"), &format!("{}\n", demo.admin_key));
    let env = format!(
        "DOCSPACE_URL='{}'\nDOCSPACE_API_KEY='{}'\nDEMO_EMAIL='{}'\nDEMO_LINK='{}'\nDEMO_FULL_LINK='{}'\n",
        demo.portal.url(),
        demo.admin_key,
        demo.guest_email,
        demo.portal.short_url(&demo.link),
        demo.portal.full_url(&demo.link),
    );
    eprintln!("portal: serving {} (stop it with kill)", demo.portal.url());
    // Written last and renamed into place: its presence means the portal is ready.
    let partial = dir.join("env.partial");
    write_private(&partial, &env);
    std::fs::rename(&partial, dir.join("env")).expect("rename env");
    loop {
        std::thread::park();
    }
}

fn fail(problem: &str) -> ! {
    eprintln!("portal: {problem}\n{USAGE}");
    std::process::exit(2);
}

fn write_private(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    file.write_all(text.as_bytes())
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
}
