//! The Mozilla roots (webpki-root-certs) as trust anchors, made here rather than at run
//! time: the binary holds only what verification reads of a root (its subject, key and
//! name constraints, a third of the certificate) and parses none of them at start.
//! Written to $OUT_DIR: `built_in_roots.der`, every root's parts one after another,
//! and `built_in_roots.rs`, each root's lengths of them; src/net/tls.rs includes both.
//! One byte string and a table of lengths rather than a slice per part: the slices
//! would cost the binary 72 bytes of pointers a root (8 KB).

// Shared with the tool, which uses more of it than this script.
#[allow(dead_code)]
#[path = "src/net/der.rs"]
mod der;

use std::fmt::Write as _;

fn main() {
    let mut parts = Vec::new();
    let mut lengths = String::from("&[\n");
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let Anchor {
            subject,
            key,
            constraints,
        } = anchor(cert).expect("a built-in root that parses");
        parts.extend_from_slice(subject);
        parts.extend_from_slice(key);
        parts.extend_from_slice(constraints.unwrap_or_default());
        // The name constraints' length is 0 for none, else one more than it is.
        let constraints = constraints.map_or(0, |constraints| constraints.len() + 1);
        let [subject, key, constraints] = [subject.len(), key.len(), constraints]
            .map(|len| u16::try_from(len).expect("a root's part under 64 KiB"));
        writeln!(lengths, "    [{subject}, {key}, {constraints}],").unwrap();
    }
    lengths.push_str("]\n");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    std::fs::write(out.join("built_in_roots.der"), parts).unwrap();
    std::fs::write(out.join("built_in_roots.rs"), lengths).unwrap();
}

/// What rustls-webpki's `anchor_from_trusted_cert` keeps: the contents of the subject,
/// of the subjectPublicKeyInfo and of the name constraints extension.
struct Anchor<'a> {
    subject: &'a [u8],
    key: &'a [u8],
    constraints: Option<&'a [u8]>,
}

fn anchor(cert: &[u8]) -> Option<Anchor<'_>> {
    let tbs = der::next(der::tbs_from_issuer(cert)?)?.2; // issuer
    let tbs = der::next(tbs)?.2; // validity
    let (0x30, subject, tbs) = der::next(tbs)? else {
        return None;
    };
    let (0x30, spki, mut tbs) = der::next(tbs)? else {
        return None;
    };
    let mut constraints = None;
    while let Some((tag, contents, rest)) = der::next(tbs) {
        tbs = rest;
        if tag != 0xa3 {
            continue; // the unique identifiers
        }
        let (_, mut extensions, _) = der::next(contents)?;
        while !extensions.is_empty() {
            let (_, mut extension, rest) = der::next(extensions)?;
            extensions = rest;
            let (_, id, after) = der::next(extension)?;
            extension = after;
            if extension.first() == Some(&0x01) {
                extension = der::next(extension)?.2; // critical
            }
            // id-ce-nameConstraints, 2.5.29.30
            if id == [0x55, 0x1d, 0x1e] {
                let (_, value, _) = der::next(extension)?;
                constraints = Some(der::next(value)?.1);
            }
        }
    }
    Some(Anchor {
        subject,
        key: spki,
        constraints,
    })
}
