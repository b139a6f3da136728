//! Which certificate authorities the tool trusts: the Mozilla roots built into the
//! binary (so a host without a CA bundle works), the system's bundle when there is one
//! (`SSL_CERT_FILE`, `SSL_CERT_DIR` honoured), and `--ca-cert` for a company or
//! self-hosted CA. There is deliberately no switch that turns verification off.
//!
//! This module finds and reads the certificates; `tls` decides when. The system's
//! roots are read only if the built-in ones and `--ca-cert` do not verify a server,
//! and then as little as may do: of `SSL_CERT_DIR` first only the files named by the
//! subject hash of the chain's issuers, as OpenSSL looks a root up. PEM is decoded
//! with a plain base64 table (certificates are public; no constant-time decoder is
//! needed). Every read is bounded, and a file the tool finds by itself is read only
//! if it is a regular file.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ureq::tls::Certificate;

use crate::error::Error;
use crate::net::der;

/// Where distributions keep their bundle, first found wins.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The most read of a bundle the user named (`--ca-cert`, `SSL_CERT_FILE`), which may
/// be a pipe: the distributions' bundles are about 200 KiB, so this is generous, and
/// `/dev/zero` ends in an error instead of exhausting memory.
pub const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;
/// The most read of a file the tool found by itself in `SSL_CERT_DIR`: one root is
/// about 2 KiB; a larger file is passed over.
const MAX_DIR_FILE_BYTES: u64 = 1024 * 1024;
/// Linux's O_NONBLOCK (the same on x86_64 and aarch64), so that opening a FIFO found
/// in `SSL_CERT_DIR` returns at once instead of waiting for a writer.
const O_NONBLOCK: i32 = 0o4000;

/// The certificates of a `--ca-cert` file: read when the command line is checked, so a
/// wrong path is a usage error before anything is sent.
pub fn read_ca_file(path: &Path) -> Result<Vec<Certificate<'static>>, Error> {
    let shown = path.display();
    let pem = read_chosen(path).map_err(|err| Error::Usage(format!("--ca-cert {shown}: {err}")))?;
    let certs = certificates(&pem);
    if certs.is_empty() {
        return Err(Error::Usage(format!(
            "--ca-cert {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}

/// A file the user named: whatever it is (a pipe too), read up to `MAX_BUNDLE_BYTES`.
fn read_chosen(path: &Path) -> Result<Vec<u8>, String> {
    let mut pem = Vec::new();
    let file = File::open(path).map_err(|err| err.to_string())?;
    if !read_bounded(file, &mut pem, MAX_BUNDLE_BYTES).map_err(|err| err.to_string())? {
        return Err(format!(
            "larger than {} MiB, the most read of a CA bundle",
            MAX_BUNDLE_BYTES >> 20
        ));
    }
    Ok(pem)
}

/// A file the tool found by itself: read only if, once symlinks are followed, it is a
/// regular file of at most `limit` bytes (Debian's hash names are symlinks, so
/// they are followed; a FIFO or a device is passed over, never waited on).
fn read_found(path: &Path, buffer: &mut Vec<u8>, limit: u64) -> bool {
    buffer.clear();
    let Ok(file) = OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
    else {
        return false;
    };
    // The type of what was opened, not of the name, which could change in between.
    match file.metadata() {
        Ok(meta) if meta.is_file() && meta.len() <= limit => {}
        _ => return false,
    }
    read_bounded(file, buffer, limit).unwrap_or(false) || {
        buffer.clear();
        false
    }
}

/// Reads at most `limit` bytes into `buffer`; false if there was more.
fn read_bounded(file: File, buffer: &mut Vec<u8>, limit: u64) -> std::io::Result<bool> {
    buffer.clear();
    // Room for all of a regular file at once: growing a 200 KiB buffer by doubling
    // maps and faults in fresh memory at each step.
    if let Ok(meta) = file.metadata()
        && meta.is_file()
    {
        buffer.reserve(meta.len().min(limit) as usize + 1);
    }
    let read = file.take(limit + 1).read_to_end(buffer)?;
    Ok(read as u64 <= limit)
}

/// The system's roots as OpenSSL finds them: `SSL_CERT_FILE` and `SSL_CERT_DIR`, else
/// the distribution's bundle. Checked when the agent is made; read only when the
/// built-in roots and `--ca-cert` did not verify a server, and then as little as may do.
#[derive(Debug)]
pub struct SystemRoots {
    file: Option<PathBuf>,
    dirs: Vec<PathBuf>,
    /// The DER of `SSL_CERT_FILE`'s (or the distribution bundle's) certificates, read
    /// once: it may be a pipe.
    bundle: OnceLock<Result<Vec<Vec<u8>>, String>>,
}

impl SystemRoots {
    pub fn from_env() -> Result<SystemRoots, Error> {
        SystemRoots::new(
            std::env::var_os("SSL_CERT_FILE"),
            std::env::var_os("SSL_CERT_DIR"),
        )
    }

    fn new(file: Option<OsString>, dirs: Option<OsString>) -> Result<SystemRoots, Error> {
        let text = |name: &str, value: Option<OsString>| match value {
            Some(value) if !value.is_empty() => value.into_string().map(Some).map_err(|value| {
                Error::Usage(format!(
                    "{name} is not valid UTF-8 ({}): name a path in UTF-8, or unset it",
                    value.to_string_lossy()
                ))
            }),
            _ => Ok(None),
        };
        let file = text("SSL_CERT_FILE", file)?.map(PathBuf::from);
        let dirs = text("SSL_CERT_DIR", dirs)?;
        let mut read_now = false;
        if let Some(file) = &file {
            let problem = match std::fs::metadata(file) {
                Err(err) => Some(err.to_string()),
                Ok(meta) if meta.is_dir() => Some("a directory".into()),
                Ok(meta) if meta.is_file() && meta.len() > MAX_BUNDLE_BYTES => Some(format!(
                    "larger than {} MiB, the most read of a CA bundle",
                    MAX_BUNDLE_BYTES >> 20
                )),
                Ok(meta) => {
                    read_now = !meta.is_file();
                    None
                }
            };
            if let Some(problem) = problem {
                return Err(Error::Usage(format!(
                    "SSL_CERT_FILE names {}, which is not a readable CA bundle: {problem}",
                    file.display()
                )));
            }
        }
        let roots = SystemRoots {
            file,
            dirs: dirs.iter().flat_map(std::env::split_paths).collect(),
            bundle: OnceLock::new(),
        };
        // A pipe or a device tells its size only by being read: it is read now, so
        // that one over the limit is a usage error like a file that is too large.
        if read_now {
            roots.bundle().map_err(Error::Usage)?;
        }
        Ok(roots)
    }

    /// The roots that may have signed a certificate of `chain`: those whose subject is
    /// the issuer of one of them (the only ones a path can end in), from the bundle and
    /// from the files of `SSL_CERT_DIR` named by that issuer's hash (`<hash>.0`, `.1`,
    /// …), as OpenSSL looks a root up during verification.
    pub fn by_issuer(&self, chain: &[&[u8]]) -> Result<Vec<Vec<u8>>, String> {
        let issuers: Vec<&[u8]> = chain
            .iter()
            .filter_map(|cert| Some(names(cert)?.0))
            .collect();
        let mut hashes: Vec<u32> = issuers.iter().filter_map(|name| name_hash(name)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        let mut ders: Vec<Vec<u8>> = Vec::new();
        let mut keep = |der: &[u8]| {
            if names(der).is_some_and(|(_, subject)| issuers.contains(&subject)) {
                ders.push(der.to_vec());
            }
        };
        self.bundle()?.iter().for_each(|der| keep(der));
        let mut pem = Vec::new();
        for dir in &self.dirs {
            for hash in &hashes {
                for n in 0.. {
                    let path = dir.join(format!("{hash:08x}.{n}"));
                    if !read_found(&path, &mut pem, MAX_DIR_FILE_BYTES) {
                        break;
                    }
                    pem_certificates(&pem).for_each(|der| keep(&der));
                }
            }
        }
        Ok(ders)
    }

    /// Every certificate: the bundle and every hash-named file of `SSL_CERT_DIR`.
    pub fn all(&self) -> Result<Vec<Vec<u8>>, String> {
        let mut ders = self.bundle()?.clone();
        let mut pem = Vec::new();
        for dir in &self.dirs {
            for file in certificate_dir_files(dir) {
                if read_found(&file, &mut pem, MAX_DIR_FILE_BYTES) {
                    ders.extend(pem_certificates(&pem));
                }
            }
        }
        Ok(ders)
    }

    fn bundle(&self) -> Result<&Vec<Vec<u8>>, String> {
        let read = || {
            let chosen = self.file.as_ref().map(|file| {
                read_chosen(file).map_err(|err| format!("SSL_CERT_FILE {}: {err}", file.display()))
            });
            let pem = match chosen {
                Some(pem) => pem?,
                // The distribution's bundle stands in only when neither variable is set.
                None if self.dirs.is_empty() => {
                    let mut pem = Vec::new();
                    SYSTEM_BUNDLES
                        .iter()
                        .any(|path| read_found(Path::new(path), &mut pem, MAX_BUNDLE_BYTES));
                    pem
                }
                None => Vec::new(),
            };
            Ok(pem_certificates(&pem).collect())
        };
        self.bundle.get_or_init(read).as_ref().map_err(Clone::clone)
    }
}

/// The files of an `SSL_CERT_DIR` directory that OpenSSL reads: those named by subject
/// hash (`3513523f.0`, as `c_rehash` and `update-ca-certificates` make them), not the
/// bundle and the named copies beside them, which hold the same roots again. A
/// directory without such names (a mounted set of PEM files) is read whole.
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

/// The issuer and subject `Name`s of a certificate, as DER elements.
fn names(cert: &[u8]) -> Option<(&[u8], &[u8])> {
    let (issuer, tbs) = der::element(der::tbs_from_issuer(cert)?)?;
    let tbs = der::next(tbs)?.2; // validity
    let (subject, _) = der::element(tbs)?;
    Some((issuer, subject))
}

/// OpenSSL's `X509_NAME_hash`: the first four bytes (little-endian) of the SHA-1 of
/// the name's canonical form, in which each text is UTF-8, trimmed, its runs of spaces
/// made one and its ASCII lower-cased, and the outer SEQUENCE left out. A name this
/// gets wrong only costs the look-up: the whole directory is read after it.
fn name_hash(name: &[u8]) -> Option<u32> {
    let (0x30, mut rdns, _) = der::next(name)? else {
        return None;
    };
    let mut canonical = Vec::new();
    while !rdns.is_empty() {
        let (0x31, mut avas, rest) = der::next(rdns)? else {
            return None;
        };
        rdns = rest;
        let mut set = Vec::new();
        while !avas.is_empty() {
            let (0x30, ava, rest) = der::next(avas)? else {
                return None;
            };
            avas = rest;
            let (oid, value) = der::element(ava)?;
            let (tag, text, _) = der::next(value)?;
            let mut pair = oid.to_vec();
            match canonical_text(tag, text) {
                Some(text) => push_der(&mut pair, 0x0c, &text),
                None => pair.extend_from_slice(der::element(value)?.0),
            }
            let mut encoded = Vec::new();
            push_der(&mut encoded, 0x30, &pair);
            set.push(encoded);
        }
        // DER orders the members of a SET by their encoding.
        set.sort();
        push_der(&mut canonical, 0x31, &set.concat());
    }
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &canonical);
    let first: [u8; 4] = digest.as_ref()[..4].try_into().ok()?;
    Some(u32::from_le_bytes(first))
}

/// A directory string in OpenSSL's canonical form; `None` for types it keeps as they are.
fn canonical_text(tag: u8, text: &[u8]) -> Option<Vec<u8>> {
    let utf8: String = match tag {
        // UTF8String, PrintableString, IA5String, VisibleString
        0x0c | 0x13 | 0x16 | 0x1a => String::from_utf8(text.to_vec()).ok()?,
        // T61String, read as Latin-1 as OpenSSL reads it
        0x14 => text.iter().map(|&b| char::from(b)).collect(),
        // BMPString
        0x1e => char::decode_utf16(
            text.chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]])),
        )
        .collect::<Result<_, _>>()
        .ok()?,
        // UniversalString
        0x1c => text
            .chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect::<Option<_>>()?,
        _ => return None,
    };
    // C's isspace: \v (0x0b) counts, unlike in u8::is_ascii_whitespace.
    let space = |b: &u8| matches!(b, b' ' | b'\t'..=b'\r');
    let mut out = Vec::with_capacity(utf8.len());
    let mut in_space = false;
    for &b in utf8.as_bytes() {
        if space(&b) {
            in_space = true;
            continue;
        }
        if in_space && !out.is_empty() {
            out.push(b' ');
        }
        in_space = false;
        out.push(b.to_ascii_lowercase());
    }
    Some(out)
}

fn push_der(out: &mut Vec<u8>, tag: u8, contents: &[u8]) {
    out.push(tag);
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
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
    } else if detail.contains("CaUsedAsEndEntity") {
        "it is a CA certificate used as the server's own; pass exactly the certificate the \
         server presents with --ca-cert, or give the server one signed by that CA"
            .to_string()
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
    use std::sync::Arc;

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
        let text = "invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))";
        let message = certificate_problem(text, "p").unwrap();
        assert!(
            message.contains("a CA certificate used as the server's own"),
            "{message}"
        );
        assert!(!message.contains("Other("), "{message}");
        assert_eq!(certificate_problem("connection refused", "p"), None);
    }

    /// A fresh directory for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dg-tls-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.unwrap().success(), "mkfifo {}", path.display());
    }

    /// Runs `job` on a thread and fails if it does not end within five seconds, so
    /// that a read waiting on a FIFO fails the test instead of hanging it.
    fn within_seconds<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(job()));
        receive
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("it waited")
    }

    #[test]
    fn subject_hashes_are_openssls() {
        // Debian's /etc/ssl/certs: each root under its OpenSSL subject hash.
        let mut checked = 0;
        for entry in std::fs::read_dir("/etc/ssl/certs").into_iter().flatten() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let Some(hash) = name
                .strip_suffix(".0")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
            else {
                continue;
            };
            let pem = std::fs::read(&path).unwrap();
            let der = pem_certificates(&pem).next().unwrap();
            let (_, subject) = names(&der).unwrap();
            assert_eq!(name_hash(subject), Some(hash), "{name}");
            // A root is its own issuer.
            assert_eq!(name_hash(names(&der).unwrap().0), Some(hash));
            checked += 1;
        }
        eprintln!("{checked} subject hashes checked");
        assert_eq!(
            canonical_text(0x13, b"  Foo \t\x0b BAR  "),
            Some(b"foo bar".to_vec())
        );
        assert_eq!(
            canonical_text(0x1e, &[0, b'A', 0, b' ', 0, b'b']),
            Some(b"a b".to_vec())
        );
        assert_eq!(canonical_text(0x03, b"bits"), None);
    }

    #[test]
    fn ssl_cert_dir_reads_regular_files_only_and_never_waits() {
        let dir = scratch("dir");
        let hash = |ca: &str| format!("{:08x}", name_hash(&name(ca)).unwrap());
        let root = cert("D", "D");
        std::fs::write(dir.join(format!("{}.0", hash("D"))), pem_of(&root)).unwrap();
        // Debian's hash names are symlinks: they are followed.
        std::os::unix::fs::symlink(
            dir.join(format!("{}.0", hash("D"))),
            dir.join(format!("{}.1", hash("D"))),
        )
        .unwrap();
        mkfifo(&dir.join(format!("{}.0", hash("A"))));
        std::os::unix::fs::symlink("/dev/zero", dir.join(format!("{}.0", hash("B")))).unwrap();
        let big = "x".repeat(MAX_DIR_FILE_BYTES as usize + 1);
        std::fs::write(dir.join(format!("{}.0", hash("C"))), big).unwrap();
        let roots = Arc::new(SystemRoots::new(None, Some(dir.clone().into())).unwrap());
        let all = {
            let roots = roots.clone();
            within_seconds(move || roots.all())
        };
        assert_eq!(all.unwrap(), vec![root.clone(); 2]);
        let chain: Vec<Vec<u8>> = ["A", "B", "C", "D"].map(|ca| cert(ca, "leaf")).into();
        let found = within_seconds(move || {
            let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
            roots.by_issuer(&chain)
        });
        assert_eq!(found.unwrap(), vec![root; 2]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A Name of one common name.
    fn name(common_name: &str) -> Vec<u8> {
        let mut ava = Vec::new();
        push_der(&mut ava, 0x06, &[0x55, 0x04, 0x03]);
        push_der(&mut ava, 0x0c, common_name.as_bytes());
        let mut seq = Vec::new();
        push_der(&mut seq, 0x30, &ava);
        let mut set = Vec::new();
        push_der(&mut set, 0x31, &seq);
        let mut name = Vec::new();
        push_der(&mut name, 0x30, &set);
        name
    }

    /// A certificate as far as its names: enough for `names`, not for rustls.
    fn cert(issuer: &str, subject: &str) -> Vec<u8> {
        let mut tbs = Vec::new();
        push_der(&mut tbs, 0xa0, &[0x02, 0x01, 0x02]);
        push_der(&mut tbs, 0x02, &[0x01]);
        push_der(&mut tbs, 0x30, &[]);
        tbs.extend(name(issuer));
        push_der(&mut tbs, 0x30, &[]);
        tbs.extend(name(subject));
        let mut seq = Vec::new();
        push_der(&mut seq, 0x30, &tbs);
        let mut cert = Vec::new();
        push_der(&mut cert, 0x30, &seq);
        cert
    }

    #[test]
    fn a_bundle_the_user_names_is_read_within_its_limit() {
        let err = read_ca_file(Path::new("/dev/zero")).unwrap_err();
        assert!(
            matches!(&err, Error::Usage(m) if m.contains("/dev/zero") && m.contains("16 MiB")),
            "{err:?}"
        );
        let dir = scratch("bundle");
        let big = dir.join("big.pem");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_BUNDLE_BYTES + 1)
            .unwrap();
        let err = SystemRoots::new(Some(big.into()), None).unwrap_err();
        assert!(
            matches!(&err, Error::Usage(m) if m.contains("SSL_CERT_FILE") && m.contains("16 MiB")),
            "{err:?}"
        );
        let err = SystemRoots::new(Some("/dev/zero".into()), None).unwrap_err();
        assert!(
            matches!(&err, Error::Usage(m) if m.contains("SSL_CERT_FILE /dev/zero") && m.contains("16 MiB")),
            "{err:?}"
        );
        // A pipe still works.
        let fifo = dir.join("ca.pem");
        mkfifo(&fifo);
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, pem_of(b"piped")).unwrap())
        };
        let certs = within_seconds(move || read_ca_file(&fifo));
        writer.join().unwrap();
        assert_eq!(certs.unwrap()[0].der(), b"piped");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_variable_not_in_utf8_is_named() {
        use std::os::unix::ffi::OsStringExt;
        let bad = || Some(OsString::from_vec(b"/etc/ssl/\xff".to_vec()));
        for (file, dir, name) in [
            (bad(), None, "SSL_CERT_FILE"),
            (None, bad(), "SSL_CERT_DIR"),
        ] {
            let err = SystemRoots::new(file, dir).unwrap_err();
            assert!(
                matches!(&err, Error::Usage(m) if m.starts_with(name) && m.contains("UTF-8")),
                "{err:?}"
            );
        }
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
        // Lines that split the groups of four.
        let wrapped = b"QUJ\nDRE\nVGR0\nhJ\n-";
        assert_eq!(base64_decode(wrapped), (Some(b"ABCDEFGHI".to_vec()), 16));
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
