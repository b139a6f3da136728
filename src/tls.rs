//! Which certificate authorities the tool trusts: the Mozilla roots built into the
//! binary (so a host without a CA bundle works), the system's bundle when there is one
//! (`SSL_CERT_FILE`, `SSL_CERT_DIR` honoured), and `--ca-cert` for a company or
//! self-hosted CA. There is deliberately no switch that turns verification off.

use std::path::{Path, PathBuf};

use ureq::tls::{Certificate, PemItem, parse_pem};

use crate::error::Error;

/// Where distributions keep their bundle, first found wins.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The certificates of a `--ca-cert` file: read when the command line is checked, so a
/// wrong path is a usage error before anything is sent.
pub fn read_ca_file(path: &Path) -> Result<Vec<Certificate<'static>>, Error> {
    let shown = path.display();
    let pem =
        std::fs::read(path).map_err(|err| Error::Usage(format!("--ca-cert {shown}: {err}")))?;
    let certs = certificates(&pem);
    if certs.is_empty() {
        return Err(Error::Usage(format!(
            "--ca-cert {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}

/// Built-in roots, then the system's, then `extra`. Loaded once per process, and
/// only when a TLS connection is about to be made.
pub fn trusted_roots(extra: &[Certificate<'static>]) -> Result<Vec<Certificate<'static>>, Error> {
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    for file in system_bundle_files()? {
        if let Ok(pem) = std::fs::read(&file) {
            roots.extend(certificates(&pem));
        }
    }
    roots.extend(extra.iter().cloned());
    Ok(roots)
}

/// SSL_CERT_FILE and SSL_CERT_DIR as OpenSSL reads them; else the distribution's bundle.
fn system_bundle_files() -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()) {
        let file = PathBuf::from(file);
        if !file.is_file() {
            return Err(Error::Usage(format!(
                "SSL_CERT_FILE names {}, which is not a readable file",
                file.display()
            )));
        }
        files.push(file);
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR").filter(|v| !v.is_empty()) {
        for dir in std::env::split_paths(&dirs) {
            let entries = std::fs::read_dir(&dir).into_iter().flatten().flatten();
            files.extend(
                entries
                    .map(|entry| entry.path())
                    .filter(|path| path.is_file()),
            );
        }
    }
    if files.is_empty() {
        files.extend(
            SYSTEM_BUNDLES
                .iter()
                .map(PathBuf::from)
                .find(|path| path.is_file()),
        );
    }
    Ok(files)
}

fn certificates(pem: &[u8]) -> Vec<Certificate<'static>> {
    parse_pem(pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect()
}

/// rustls says why it refused a certificate only in the error's text; turn that into
/// a reason a person can act on.
pub fn certificate_problem(error_text: &str, host: &str) -> Option<String> {
    let detail = error_text.split("invalid peer certificate:").nth(1)?.trim();
    let reason = if detail.contains("UnknownIssuer") {
        "it is signed by a certificate authority this tool does not trust".to_string()
    } else if detail.contains("Expired") || detail.contains("expired") {
        format!("it has expired ({detail})")
    } else if detail.contains("NotValidYet") {
        "it is not valid yet (check this host's clock)".to_string()
    } else if detail.contains("NotValidForName") {
        format!("it is not valid for the name {host}")
    } else {
        // rustls's own words are clear here, e.g. 'certificate not valid for name
        // "127.0.0.1"; certificate is only valid for DnsName("portal.example.com")'.
        detail.to_string()
    };
    Some(format!(
        "the TLS certificate of {host} was refused: {reason}; if the portal uses a company \
         or self-signed CA, pass that CA with --ca-cert PATH (PEM)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_problems_are_named() {
        let text = "invalid peer certificate: UnknownIssuer";
        let message = certificate_problem(text, "portal.example").unwrap();
        assert!(message.contains("does not trust") && message.contains("--ca-cert"));
        let text = "io: invalid peer certificate: NotValidForNameContext { expected: .. }";
        assert!(
            certificate_problem(text, "p.example")
                .unwrap()
                .contains("name p.example")
        );
        assert_eq!(certificate_problem("connection refused", "p"), None);
    }

    #[test]
    fn the_built_in_roots_are_there() {
        assert!(trusted_roots(&[]).unwrap().len() > 100);
    }
}
