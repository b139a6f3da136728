//! Proxies: a real CONNECT proxy, the proxy variables, NO_PROXY, and proxy passwords kept
//! out of the output.

use std::process::{Command, Stdio};

use crate::tls::{certs, tls_portal};
use crate::util::{tool, tool_for};
use fake_portal::FakePortal;

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
fn https_goes_through_a_real_connect_proxy() {
    let proxy = Tinyproxy::start();
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let tls = tls_portal(&certs().good);
    let tls_port = tls.portal.url().rsplit(':').next().unwrap().to_string();
    let ca = certs().ca.to_str().unwrap();
    // The scheme's own variable wins over ALL_PROXY.
    let out = tool_for(&tls, &["whoami", "--ca-cert", ca])
        .env("HTTPS_PROXY", &proxy.url)
        .env("ALL_PROXY", &dead)
        .env("HTTP_PROXY", &dead)
        .run();
    out.assert_exit(0);
    assert!(
        proxy
            .log()
            .contains(&format!("CONNECT 127.0.0.1:{tls_port}")),
        "{}",
        proxy.log()
    );
}

/// Through a proxy, "127.0.0.1" is the proxy's own machine, and the key would cross
/// it in clear text: plain http to loopback always goes direct.
#[test]
fn plain_http_to_loopback_never_goes_through_a_proxy() {
    let proxy = Tinyproxy::start();
    let demo = FakePortal::demo();
    let port = demo.portal.url().rsplit(':').next().unwrap().to_string();
    for variable in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let out = tool_for(&demo, &["whoami"])
            .env(variable, &proxy.url)
            .env("NO_PROXY", "other.example")
            .run();
        out.assert_exit(0);
    }
    assert!(
        !proxy.log().contains(&port),
        "the proxy saw the portal: {}",
        proxy.log()
    );
    let direct = demo.portal.requests();
    let asked = direct.iter().filter(|r| r.path == "/api/2.0/people/@self");
    assert_eq!(asked.count(), 3, "each went direct");
}

#[test]
fn plain_http_to_another_host_through_a_proxy_is_refused() {
    let proxy = Tinyproxy::start();
    let out = tool(&[
        "whoami",
        "--url",
        "http://intranet.example:8080",
        "--allow-http",
    ])
    .env("DOCSPACE_API_KEY", "sk-0123")
    .env("ALL_PROXY", &proxy.url)
    .run();
    out.assert_usage_error(
        "refusing to send the credential in clear text through the proxy in ALL_PROXY",
    );
    out.assert_stderr_has("NO_PROXY");
    assert!(!proxy.log().contains("intranet"), "{}", proxy.log());
}

#[test]
fn no_proxy_is_trimmed_and_proxy_passwords_are_never_shown() {
    let tls = tls_portal(&certs().good);
    let ca = certs().ca.to_str().unwrap();
    let dead = format!("http://proxyuser:s3cr3t-pw@127.0.0.1:{}", closed_port());
    tool_for(&tls, &["whoami", "--ca-cert", ca])
        .env("HTTPS_PROXY", &dead)
        .env("NO_PROXY", " example.org , 127.0.0.1 ")
        .run()
        .assert_exit(0);
    let out = tool_for(&tls, &["whoami", "-v", "--retries", "0", "--ca-cert", ca])
        .env("HTTPS_PROXY", &dead)
        .run();
    out.assert_exit(3);
    out.assert_output_lacks("s3cr3t");
}

/// ureq is built without SOCKS, and its connector would go around such a proxy.
#[test]
fn a_socks_proxy_is_refused_before_anything_is_sent() {
    let tls = tls_portal(&certs().good);
    let out = tool_for(&tls, &["whoami"])
        .env("HTTPS_PROXY", "socks5://proxyuser:s3cr3t@127.0.0.1:9")
        .run();
    out.assert_usage_error("HTTPS_PROXY names a SOCKS proxy");
    out.assert_output_lacks("s3cr3t");
    assert!(tls.portal.requests().is_empty());
}
