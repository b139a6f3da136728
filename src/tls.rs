//! Which certificate authorities the tool trusts: the Mozilla roots built into the
//! binary (so a host without a CA bundle works), the system's bundle when there is one
//! (`SSL_CERT_FILE`, `SSL_CERT_DIR` honoured), and `--ca-cert` for a company or
//! self-hosted CA. There is deliberately no switch that turns verification off.
//!
//! Loading them is most of an HTTPS run's own work, so it is kept lean: PEM is decoded
//! with a plain base64 table (certificates are public; no constant-time decoder is
//! needed), a root already held (the system's Mozilla roots repeat the built-in ones)
//! is neither kept nor parsed again, and of `SSL_CERT_DIR` only the subject-hash
//! files are read, as OpenSSL reads it.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use ureq::tls::Certificate;

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

/// Built-in roots, then the system's, then `extra`, each once. Loaded once per
/// process, and only when a TLS connection is about to be made.
pub fn trusted_roots(extra: &[Certificate<'static>]) -> Result<Vec<Certificate<'static>>, Error> {
    let mut roots = Roots::default();
    for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let der: &'static [u8] = der;
        roots.add(der, || Certificate::from_der(der));
    }
    for der in certificates_in(&system_bundle_files()?) {
        roots.add(&der, || Certificate::from_der(&der).to_owned());
    }
    for cert in extra {
        roots.add(cert.der(), || cert.clone());
    }
    Ok(roots.certs)
}

/// Trust anchors without repeats, so that rustls parses each root once.
#[derive(Default)]
struct Roots {
    certs: Vec<Certificate<'static>>,
    hashes: HashSet<u64>,
}

impl Roots {
    fn add(&mut self, der: &[u8], cert: impl FnOnce() -> Certificate<'static>) {
        // The signature at the end tells certificates apart; hashing all of each one
        // would cost as much as decoding it.
        let mut hasher = DefaultHasher::new();
        (der.len(), &der[der.len().saturating_sub(32)..]).hash(&mut hasher);
        // A hash seen before is compared in full: a collision must not drop a root.
        if !self.hashes.insert(hasher.finish()) && self.certs.iter().any(|c| c.der() == der) {
            return;
        }
        self.certs.push(cert());
    }
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
            files.extend(certificate_dir_files(&dir));
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

/// Reads a file into `buffer` with plain reads: `std::fs::read` also asks the file's
/// size and position, two more system calls for each of a directory's 150 roots.
fn read_file(path: &Path, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    buffer.clear();
    let mut file = std::fs::File::open(path)?;
    let mut chunk = [0; 16 * 1024];
    loop {
        let n = file.read(&mut chunk)?;
        buffer.extend_from_slice(&chunk[..n]);
        // A regular file reads short only at its end: no read more to see the end.
        if n < chunk.len() {
            return Ok(());
        }
    }
}

/// The DER of every certificate in `files`; a file that cannot be read is passed over.
fn certificates_in(files: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut pem = Vec::new();
    let mut ders = Vec::new();
    for file in files {
        if read_file(file, &mut pem).is_ok() {
            ders.extend(pem_certificates(&pem));
        }
    }
    ders
}

/// The files of an `SSL_CERT_DIR` directory that OpenSSL reads: those named by subject
/// hash (`3513523f.0`, as `c_rehash` and `update-ca-certificates` make them), not the
/// bundle and the named copies beside them, which hold the same roots again. A
/// directory without such names (a mounted set of PEM files) is read whole. A root
/// linked under two names is kept once by `Roots`, so no file is stat'ed here.
fn certificate_dir_files(dir: &Path) -> Vec<PathBuf> {
    let is_hash_name = |name: &str| {
        name.split_once('.').is_some_and(|(hash, n)| {
            hash.len() == 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        })
    };
    let (hashed, others): (Vec<PathBuf>, Vec<PathBuf>) = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .partition(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_hash_name)
        });
    if hashed.is_empty() { others } else { hashed }
}

fn certificates(pem: &[u8]) -> Vec<Certificate<'static>> {
    pem_certificates(pem)
        .map(|der| Certificate::from_der(&der).to_owned())
        .collect()
}

const PEM_BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
const PEM_END: &[u8] = b"-----END CERTIFICATE-----";

/// The DER of each `CERTIFICATE` block of a PEM text; other blocks (keys, CRLs,
/// OpenSSL's `TRUSTED CERTIFICATE`) and undecodable ones are passed over.
fn pem_certificates(pem: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let mut rest = pem;
    std::iter::from_fn(move || {
        loop {
            let start = find(rest, PEM_BEGIN)? + PEM_BEGIN.len();
            // One pass: the body is decoded up to the '-' that starts its END line.
            let (der, used) = base64_decode(&rest[start..]);
            let end = start + used;
            rest = &rest[end..];
            if let Some(der) = der
                && rest.starts_with(PEM_END)
            {
                rest = &rest[PEM_END.len()..];
                return Some(der);
            }
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = haystack[from..].iter().position(|&b| b == needle[0]) {
        let start = from + at;
        if haystack[start..].starts_with(needle) {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// Each byte's 6-bit value, or one of these.
const SKIP: u8 = 64;
const PAD: u8 = 65;
const STOP: u8 = 66;
const BAD: u8 = 67;
const BASE64: [u8; 256] = {
    let mut table = [BAD; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table[b'\n' as usize] = SKIP;
    table[b'\r' as usize] = SKIP;
    table[b' ' as usize] = SKIP;
    table[b'\t' as usize] = SKIP;
    table[b'=' as usize] = PAD;
    table[b'-' as usize] = STOP;
    table
};

/// Standard base64 with line breaks and padding, up to the first '-' (or the end):
/// the bytes (`None` if the text was not base64) and how much text was read.
fn base64_decode(text: &[u8]) -> (Option<Vec<u8>>, usize) {
    // Most roots are under 2 KiB; the buffer doubles for the rest.
    let mut out = vec![0; 2048];
    let (mut len, mut bits, mut count) = (0, 0u32, 0);
    let mut stop = text.len();
    for (i, &byte) in text.iter().enumerate() {
        let value = BASE64[byte as usize];
        if value < 64 {
            bits = bits << 6 | u32::from(value);
            count += 1;
            if count == 4 {
                if len + 3 > out.len() {
                    out.resize(out.len() * 2, 0);
                }
                out[len..len + 3].copy_from_slice(&bits.to_be_bytes()[1..]);
                (len, bits, count) = (len + 3, 0, 0);
            }
        } else if value != SKIP {
            stop = i;
            break;
        }
    }
    // Only padding and spaces may stand between the data and the END line.
    let rest = &text[stop..];
    let used = stop
        + rest
            .iter()
            .take_while(|&&b| matches!(BASE64[b as usize], PAD | SKIP))
            .count();
    let tail: &[u8] = match count {
        0 => &[],
        2 => &[(bits >> 4) as u8],
        3 => &((bits >> 2) as u16).to_be_bytes(),
        _ => return (None, used),
    };
    if text.get(used) != Some(&b'-') {
        return (None, used);
    }
    out.truncate(len);
    out.extend_from_slice(tail);
    (Some(out), used)
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
    fn the_built_in_roots_are_there_once() {
        let roots = trusted_roots(&[]).unwrap();
        assert!(roots.len() > 100);
        let unique: HashSet<&[u8]> = roots.iter().map(|c| c.der()).collect();
        assert_eq!(unique.len(), roots.len(), "no root twice");
    }

    #[test]
    fn pem_blocks_decode_as_ureqs_parser_does() {
        let der: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for len in [998, 999, 1000] {
            let der = &der[..len];
            let pem = Certificate::from_der(der);
            let text = format!(
                "junk\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{}",
                pem_of(pem.der())
            );
            let ours: Vec<Vec<u8>> = pem_certificates(text.as_bytes()).collect();
            assert_eq!(ours, vec![der.to_vec()], "{len}");
            let theirs: Vec<Vec<u8>> = ureq::tls::parse_pem(text.as_bytes())
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.der().to_vec()),
                    _ => None,
                })
                .collect();
            assert_eq!(ours, theirs);
        }
        assert_eq!(
            base64_decode(b"QUJD\r\nRA==\n-"),
            (Some(b"ABCD".to_vec()), 11)
        );
        assert_eq!(base64_decode(b"QUJDRA\n-"), (Some(b"ABCD".to_vec()), 7));
        assert_eq!(base64_decode(b"QU*D\n-").0, None);
        assert_eq!(base64_decode(b"QQ==QQ==-").0, None);
        assert_eq!(base64_decode(b"QQ=\n=\n-"), (Some(b"A".to_vec()), 6));
        assert_eq!(base64_decode(b"QUJD").0, None, "no END line");
    }

    /// PEM as openssl writes it: base64 in lines of 64.
    fn pem_of(der: &[u8]) -> String {
        const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut text = String::new();
        for chunk in der.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..4 {
                text.push(if i <= chunk.len() {
                    TABLE[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        let lines: Vec<&str> = text
            .as_bytes()
            .chunks(64)
            .map(|l| std::str::from_utf8(l).unwrap())
            .collect();
        format!(
            "{}\n{}\n{}\n",
            "-----BEGIN CERTIFICATE-----",
            lines.join("\n"),
            "-----END CERTIFICATE-----"
        )
    }
}
