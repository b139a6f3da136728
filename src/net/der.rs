//! The little of DER the tool reads itself: the names of a certificate (roots.rs) and,
//! in build.rs, the parts of the built-in roots that a trust anchor keeps.

/// One DER element at the start of `der`: its tag, its contents, and what follows it.
pub fn next(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        (
            bytes.iter().fold(0, |len, &b| len << 8 | usize::from(b)),
            rest,
        )
    };
    (rest.len() >= len).then(|| {
        let (contents, rest) = rest.split_at(len);
        (tag, contents, rest)
    })
}

/// The whole first element of `der` (its tag and length too), and what follows it.
pub fn element(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, _, rest) = next(der)?;
    Some((&der[..der.len() - rest.len()], rest))
}

/// The fields of a certificate's TBSCertificate from its issuer on, each a whole
/// element: issuer, validity, subject, subjectPublicKeyInfo, then the optional ones.
pub fn tbs_from_issuer(cert: &[u8]) -> Option<&[u8]> {
    let (_, cert, _) = next(cert)?;
    let (_, mut tbs, _) = next(cert)?;
    if tbs.first() == Some(&0xa0) {
        tbs = next(tbs)?.2; // version
    }
    let tbs = next(tbs)?.2; // serial number
    Some(next(tbs)?.2) // signature algorithm
}
