//! The local fake portal for `make demo` (and `make bench`): starts it seeded with an
//! admin, its API key, a guest and a sharing link, writes what a client needs into
//! DIR, and serves until it is killed.
//!
//! Usage: portal DIR [--lenient]
//!   DIR/env      DOCSPACE_URL, DEMO_EMAIL, DEMO_LINK, DEMO_FULL_LINK (shell syntax)
//!   DIR/api-key  the admin's API key (mode 600)

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: portal DIR [--lenient]");
        std::process::exit(2);
    };
    let demo = fake_portal::FakePortal::demo();
    demo.portal.set_lenient(args.any(|a| a == "--lenient"));
    let dir = std::path::Path::new(&dir);
    write_private(&dir.join("api-key"), &format!("{}\n", demo.admin_key));
    let env = format!(
        "DOCSPACE_URL='{}'\nDEMO_EMAIL='{}'\nDEMO_LINK='{}'\nDEMO_FULL_LINK='{}'\n",
        demo.portal.url(),
        demo.guest_email,
        demo.portal.short_url(&demo.link),
        demo.portal.full_url(&demo.link),
    );
    eprintln!("portal: serving {} (stop it with kill)", demo.portal.url());
    // Written last and renamed into place: its presence means the portal is ready.
    let partial = dir.join("env.partial");
    std::fs::write(&partial, env).expect("write env");
    std::fs::rename(&partial, dir.join("env")).expect("rename env");
    loop {
        std::thread::park();
    }
}

fn write_private(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .expect("write the key file");
    file.write_all(text.as_bytes()).expect("write the key file");
}
