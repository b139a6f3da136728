//! TLS: a CA from --ca-cert, SSL_CERT_FILE or SSL_CERT_DIR, and the certificates refused.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use crate::util::{tool_for, whoami_with_a_head_of, write_temp};
use fake_portal::{self, Demo, FakePortal, Role};

/// A throwaway CA and server certificates, made once with openssl.
pub struct Certs {
    pub ca: std::path::PathBuf,
    /// For 127.0.0.1, signed by `ca`.
    pub good: (Vec<u8>, Vec<u8>),
    /// For another name, signed by `ca`.
    pub wrong_name: (Vec<u8>, Vec<u8>),
    /// For 127.0.0.1, signed by `ca`, valid only in January 2020.
    pub expired: (Vec<u8>, Vec<u8>),
}

pub fn certs() -> &'static Certs {
    static CERTS: std::sync::OnceLock<Certs> = std::sync::OnceLock::new();
    CERTS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("dg-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let openssl = |args: &[&str]| {
            fake_portal::openssl(&dir, args);
        };
        let ec = fake_portal::EC_KEY;
        fake_portal::make_ca(&dir, "docspace-guest test CA");
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

/// A portal serving TLS with the certificate and key `pair`, seeded as the demo is.
pub fn tls_portal(pair: &(Vec<u8>, Vec<u8>)) -> Demo {
    let portal = FakePortal::start_tls(fake_portal::http::tls_config(&pair.0, &pair.1));
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

/// Over TLS too, a head of 60 KiB (several TLS records) is read whole.
#[test]
fn a_head_of_60_kib_is_read_over_tls() {
    let demo = tls_portal(&certs().good);
    whoami_with_a_head_of(&demo, 60);
    let ca = certs().ca.to_str().unwrap();
    let out = tool_for(&demo, &["whoami", "--ca-cert", ca]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Big Head <big@example.com>");
}

#[test]
fn tls_is_trusted_with_ca_cert_or_ssl_cert_file_and_refused_without() {
    let demo = tls_portal(&certs().good);
    assert!(demo.portal.url().starts_with("https://127.0.0.1:"));
    let ca = certs().ca.to_str().unwrap();
    let out = tool_for(&demo, &["whoami", "--ca-cert", ca]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Tess Tls");
    tool_for(&demo, &["whoami"])
        .env("SSL_CERT_FILE", ca)
        .run()
        .assert_exit(0);
    let served = demo.portal.requests().len();

    let out = tool_for(&demo, &["whoami"]).run();
    out.assert_error(3, "the TLS certificate of 127.0.0.1 was refused");
    out.assert_stderr_has("does not trust");
    out.assert_stderr_has("--ca-cert");
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
    let hash = subject_hash(ca);
    // A c_rehash'ed directory: the CA under its hash name, beside an unrelated bundle.
    let hashed = write_temp("unrelated-bundle.crt", "not a certificate\n");
    let dir = hashed.parent().unwrap();
    std::fs::copy(ca, dir.join(format!("{hash}.0"))).unwrap();
    // A plain directory of PEM files, as a mounted secret is.
    let plain = write_temp("company-ca.pem", std::fs::read(ca).unwrap());
    for dir in [dir, plain.parent().unwrap()] {
        let out = tool_for(&demo, &["whoami"])
            .env("SSL_CERT_DIR", dir.to_str().unwrap())
            .run();
        out.assert_exit(0);
        out.assert_stdout_has("Tess Tls");
    }
    // Without it, refused.
    tool_for(&demo, &["whoami"])
        .run()
        .assert_error(3, "was refused");
}

#[test]
fn a_bad_ca_cert_is_a_usage_error() {
    let demo = FakePortal::demo();
    tool_for(&demo, &["whoami", "--ca-cert", "/nonexistent.pem"])
        .run()
        .assert_usage_error("--ca-cert /nonexistent.pem");
    let not_pem = write_temp("notpem", "hello");
    tool_for(&demo, &["whoami", "--ca-cert", not_pem.to_str().unwrap()])
        .run()
        .assert_usage_error("holds no PEM certificate");
    assert!(demo.portal.requests().is_empty());
}

/// The name OpenSSL (and `c_rehash`) gives a CA's file in a certificate directory.
fn subject_hash(ca: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-hash", "-noout", "-in"])
        .arg(ca)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A FIFO at `path`, fed `text` by a thread once a reader opens it.
fn fifo(path: &Path, text: Vec<u8>) -> std::thread::JoinHandle<()> {
    let _ = std::fs::remove_file(path);
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
    let path = path.to_path_buf();
    std::thread::spawn(move || std::fs::write(path, text).unwrap())
}

/// The tool finds the entries of SSL_CERT_DIR by itself: one that is a FIFO, or a
/// link to a device, is skipped, never waited on nor read without end.
#[test]
fn entries_of_ssl_cert_dir_that_are_no_regular_files_are_skipped() {
    let demo = tls_portal(&certs().good);
    let hash = subject_hash(&certs().ca);
    let dir = write_temp("hostile-cert-dir", "").with_file_name("");
    let made = Command::new("mkfifo")
        .arg(dir.join(format!("{hash}.0")))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.join(format!("{hash}.1"))).unwrap();
    let dir_text = dir.to_str().unwrap();
    let out = tool_for(&demo, &["whoami", "--retries", "0"])
        .env("SSL_CERT_DIR", dir_text)
        .run();
    out.assert_error(3, "was refused");
    // The same directory with the CA under the next name: trusted.
    std::fs::copy(&certs().ca, dir.join(format!("{hash}.2"))).unwrap();
    tool_for(&demo, &["whoami"])
        .env("SSL_CERT_DIR", dir_text)
        .run()
        .assert_exit(0);
}

/// Files the user names may be pipes, and are bounded.
#[test]
fn a_ca_bundle_may_be_a_pipe_and_one_without_end_is_refused() {
    let demo = tls_portal(&certs().good);
    let pipe = write_temp("ca-pipe-dir", "").with_file_name("ca-pipe");
    let writer = fifo(&pipe, std::fs::read(&certs().ca).unwrap());
    tool_for(&demo, &["whoami", "--ca-cert", pipe.to_str().unwrap()])
        .run()
        .assert_exit(0);
    writer.join().unwrap();
    let writer = fifo(&pipe, std::fs::read(&certs().ca).unwrap());
    tool_for(&demo, &["whoami"])
        .env("SSL_CERT_FILE", pipe.to_str().unwrap())
        .run()
        .assert_exit(0);
    writer.join().unwrap();

    let before = demo.portal.requests().len();
    tool_for(&demo, &["whoami", "--ca-cert", "/dev/zero"])
        .run()
        .assert_usage_error("--ca-cert /dev/zero: larger than 16 MiB");
    tool_for(&demo, &["whoami"])
        .env("SSL_CERT_FILE", "/dev/zero")
        .run()
        .assert_usage_error("SSL_CERT_FILE /dev/zero: larger than 16 MiB");
    assert_eq!(demo.portal.requests().len(), before, "nothing sent");
}

#[test]
fn a_trust_variable_that_is_not_utf8_is_named() {
    let demo = tls_portal(&certs().good);
    for name in ["SSL_CERT_FILE", "SSL_CERT_DIR"] {
        tool_for(&demo, &["whoami"])
            .env_os(name, OsStr::from_bytes(b"/tmp/\xff"))
            .run()
            .assert_usage_error(&format!("{name} is not valid UTF-8"));
    }
    assert!(demo.portal.requests().is_empty(), "nothing sent");
}

/// A self-signed certificate for `san`, marked a CA as `openssl req -x509` makes it, valid
/// from `start` to `end`; made with `openssl ca -selfsign`, which takes past dates. Its
/// PEM and key.
fn self_signed(name: &str, san: &str, start: &str, end: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("dg-self-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    std::fs::write(
        dir.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n\
             serial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n\
             [any]\ncommonName = supplied\n[server]\nsubjectAltName = {san}\n\
             basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,digitalSignature\n"
        ),
    )
    .unwrap();
    let mut request = vec!["req", "-new", "-subj", "/CN=self-signed portal"];
    request.extend(fake_portal::EC_KEY);
    request.extend(["-keyout", "self.key", "-out", "self.csr"]);
    fake_portal::openssl(&dir, &request);
    fake_portal::openssl(
        &dir,
        &[
            "ca",
            "-batch",
            "-notext",
            "-selfsign",
            "-config",
            "ca.cnf",
            "-keyfile",
            "self.key",
            "-in",
            "self.csr",
            "-out",
            "self.pem",
            "-extensions",
            "server",
            "-startdate",
            start,
            "-enddate",
            end,
        ],
    );
    (
        std::fs::read(dir.join("self.pem")).unwrap(),
        std::fs::read(dir.join("self.key")).unwrap(),
    )
}

/// As curl and OpenSSL do: a self-signed certificate given as --ca-cert is trusted when
/// the server presents exactly it, for its host and in date; otherwise refused in words.
#[test]
fn a_self_signed_certificate_given_as_ca_cert_is_trusted_as_it_is() {
    let current = ("20250101000000Z", "20991231000000Z");
    let good = self_signed("good", "IP:127.0.0.1", current.0, current.1);
    let pem = write_temp("self-signed.pem", &good.0);
    let pem = pem.to_str().unwrap();
    let demo = tls_portal(&good);
    let out = tool_for(&demo, &["whoami", "--ca-cert", pem]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Tess Tls");

    let wrong = self_signed("wrong", "DNS:portal.example.com", current.0, current.1);
    let wrong_pem = write_temp("self-signed-wrong.pem", &wrong.0);
    let out = tool_for(
        &tls_portal(&wrong),
        &["whoami", "--ca-cert", wrong_pem.to_str().unwrap()],
    )
    .run();
    out.assert_error(3, "it is not valid for the name 127.0.0.1");

    let expired = self_signed(
        "expired",
        "IP:127.0.0.1",
        "20200101000000Z",
        "20200102000000Z",
    );
    let expired_pem = write_temp("self-signed-expired.pem", &expired.0);
    let out = tool_for(
        &tls_portal(&expired),
        &["whoami", "--ca-cert", expired_pem.to_str().unwrap()],
    )
    .run();
    out.assert_error(3, "it has expired");

    // Another certificate than the one given: webpki's refusal, in words.
    let out = tool_for(
        &tls_portal(&good),
        &["whoami", "--ca-cert", wrong_pem.to_str().unwrap()],
    )
    .run();
    out.assert_error(3, "the TLS certificate of 127.0.0.1 was refused");
    out.assert_stderr_lacks("Other(");
}

/// A CA certificate (signed by a CA the tool trusts) presented as the server's own.
#[test]
fn a_ca_certificate_used_as_the_servers_own_is_refused_in_words() {
    let dir = certs().ca.parent().unwrap().to_path_buf();
    let ext = dir.join("ca-as-server.ext");
    std::fs::write(
        &ext,
        "[server]\nsubjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:TRUE\n",
    )
    .unwrap();
    let mut request = vec!["req", "-new", "-subj", "/CN=ca as server"];
    request.extend(fake_portal::EC_KEY);
    request.extend(["-keyout", "ca-as-server.key", "-out", "ca-as-server.csr"]);
    fake_portal::openssl(&dir, &request);
    fake_portal::openssl(
        &dir,
        &[
            "ca",
            "-batch",
            "-notext",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            "ca-as-server.csr",
            "-out",
            "ca-as-server.pem",
            "-extfile",
            ext.to_str().unwrap(),
            "-extensions",
            "server",
            "-startdate",
            "20250101000000Z",
            "-enddate",
            "20991231000000Z",
        ],
    );
    let pair = (
        std::fs::read(dir.join("ca-as-server.pem")).unwrap(),
        std::fs::read(dir.join("ca-as-server.key")).unwrap(),
    );
    let out = tool_for(
        &tls_portal(&pair),
        &["whoami", "--ca-cert", certs().ca.to_str().unwrap()],
    )
    .run();
    out.assert_error(3, "a CA certificate used as the server's own");
    out.assert_stderr_lacks("CaUsedAsEndEntity");
}
