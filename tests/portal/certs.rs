//! Throwaway certificates, made with openssl: for the TLS tests and the bench.

/// Runs openssl in `dir` and returns what it printed; the TLS tests and the bench make
/// their throwaway certificates with it.
pub fn openssl(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is needed for the TLS tests (apt-get install openssl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The options of a new, unencrypted P-256 key.
pub const EC_KEY: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
];

/// A throwaway CA named `name` in `dir`: ca.key and ca.pem, valid two days.
pub fn make_ca(dir: &std::path::Path, name: &str) {
    let subject = format!("/CN={name}");
    let mut args = vec!["req", "-x509", "-days", "2", "-subj", &subject];
    args.extend(EC_KEY);
    args.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    openssl(dir, &args);
}
