//! The TLS connection, with a rustls configuration of the tool's own, so that a trust
//! store costs what one handshake needs: the built-in roots and `--ca-cert` are tried
//! first, and the system's roots (`tls::SystemRoots`) are read only when those did not
//! verify the server: first only those that could end the chain's path (whose subject
//! is the issuer of a certificate the server sent; of `SSL_CERT_DIR` only the files
//! named by its hash, as OpenSSL looks a root up), then, if those do not verify it, all
//! of them. The trusted set is the same as one store of all the roots: whatever the
//! first try refuses is decided by them together.
//!
//! ureq lets a connector bring its own TLS only through its `unversioned` transport
//! API, which may change in any minor release: Cargo.toml pins ureq's exact version.

use std::fmt;
use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, Der, PrivateKeyDer, ServerName, TrustAnchor, UnixTime};
use rustls::sign::SigningKey;
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
    StreamOwned,
};
use ureq::tls::Certificate;
use ureq::unversioned::transport::time::{Duration, Instant};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout,
    TcpConnector, Transport, TransportAdapter,
};

use crate::error::Error;
use crate::net::der;
use crate::net::roots::SystemRoots;

/// The Mozilla roots (webpki-root-certs), made trust anchors by build.rs: their parts
/// one after another, and each root's lengths of its subject, key and name
/// constraints (0 for none, else one more than the length).
static BUILT_IN_PARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built_in_roots.der"));
static BUILT_IN_LENGTHS: &[[u16; 3]] = include!(concat!(env!("OUT_DIR"), "/built_in_roots.rs"));

/// The built-in roots as rustls's trust anchors.
fn built_in() -> Vec<TrustAnchor<'static>> {
    let mut rest = BUILT_IN_PARTS;
    let mut take = |len: u16| {
        let (part, after) = rest.split_at(len.into());
        rest = after;
        Der::from_slice(part)
    };
    BUILT_IN_LENGTHS
        .iter()
        .map(|&[subject, key, constraints]| TrustAnchor {
            subject: take(subject),
            subject_public_key_info: take(key),
            name_constraints: constraints.checked_sub(1).map(&mut take),
        })
        .collect()
}

/// The sizes of a connection's buffers, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct BufferSizes {
    pub input: usize,
    pub output: usize,
}

/// ureq's connectors for a CONNECT proxy and the TCP connection, then TLS as this
/// module makes it. `system`: whether the system's roots are trusted too (an http
/// portal trusts only `--ca-cert`, so that it reads no store). `plaintext`: the TLS
/// session's buffers, where HTTP is read and written (the TCP connection's come from
/// ureq's configuration).
pub fn connector(
    extra: &[Certificate<'static>],
    system: bool,
    plaintext: BufferSizes,
) -> Result<impl Connector, Error> {
    let provider = Arc::new(provider());
    let extra: Vec<CertificateDer<'static>> = extra
        .iter()
        .map(|cert| CertificateDer::from(cert.der().to_vec()))
        .collect();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|err| Error::Usage(format!("TLS: {err}")))?;
    let tls_error = |err: rustls::Error| Error::Usage(format!("TLS: {err}"));
    let inner: Option<Arc<dyn ServerCertVerifier>> = if system {
        Some(Arc::new(Verifier {
            first: verifier(&provider, &extra, Vec::new()).map_err(tls_error)?,
            system: SystemRoots::from_env()?,
            provider,
            extra: extra.clone(),
            all: OnceLock::new(),
        }))
    } else if extra.is_empty() {
        None
    } else {
        let mut store = RootCertStore::empty();
        store.add_parsable_certificates(extra.iter().cloned());
        let only_given = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
            .build()
            .map_err(|err| tls_error(rustls::Error::General(err.to_string())))?;
        Some(only_given)
    };
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(GivenAsIs {
            given: extra,
            inner,
        }));
    let tls = TlsConnector {
        config: Arc::new(config.with_no_client_auth()),
        plaintext,
    };
    Ok(
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(tls),
    )
}

/// ring's algorithms as rustls offers them, less two that a client of one portal does
/// without, so that the linker drops their code: ChaCha20-Poly1305 (every TLS server
/// has AES-GCM, which x86_64 and aarch64 run in hardware) and the signing keys (the
/// tool has no client certificate). `default_provider()` is not called: it would keep
/// every suite it lists.
fn provider() -> CryptoProvider {
    use rustls::crypto::ring::{cipher_suite as suite, kx_group};
    CryptoProvider {
        cipher_suites: vec![
            suite::TLS13_AES_256_GCM_SHA384,
            suite::TLS13_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &Ring,
        key_provider: &Ring,
    }
}

/// rustls's table for ring (rustls::crypto::ring::SUPPORTED_SIG_ALGS, private there),
/// unchanged: the signatures accepted on certificates and handshakes stay the same.
static SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = {
    use webpki::ring as alg;
    WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        mapping: &[
            // For TLS 1.2 the curve is not fixed by the scheme; for TLS 1.3 it is.
            (
                SignatureScheme::ECDSA_NISTP384_SHA384,
                &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
            ),
            (
                SignatureScheme::ECDSA_NISTP256_SHA256,
                &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
            ),
            (SignatureScheme::ED25519, &[alg::ED25519]),
            (
                SignatureScheme::RSA_PSS_SHA512,
                &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA384,
                &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA256,
                &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA512,
                &[alg::RSA_PKCS1_2048_8192_SHA512],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA384,
                &[alg::RSA_PKCS1_2048_8192_SHA384],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA256,
                &[alg::RSA_PKCS1_2048_8192_SHA256],
            ),
        ],
    }
};

/// The operating system's randomness, through ring; and no private key, as the tool
/// has no client certificate.
#[derive(Debug)]
struct Ring;

impl SecureRandom for Ring {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
            .map_err(|_| GetRandomFailed)
    }
}

impl KeyProvider for Ring {
    fn load_private_key(
        &self,
        _: PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        Err(rustls::Error::General("no client certificate".into()))
    }
}

/// rustls's own verifier over the built-in roots, `extra` and `system` (DER).
fn verifier(
    provider: &Arc<CryptoProvider>,
    extra: &[CertificateDer<'static>],
    system: Vec<Vec<u8>>,
) -> Result<Arc<WebPkiServerVerifier>, rustls::Error> {
    let mut store = RootCertStore { roots: built_in() };
    store.add_parsable_certificates(extra.iter().cloned());
    store.add_parsable_certificates(system.into_iter().map(CertificateDer::from));
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|err| rustls::Error::General(err.to_string()))
}

/// Verifies with the built-in roots and `--ca-cert` first, and with the system's only
/// when those refuse the certificate.
struct Verifier {
    first: Arc<WebPkiServerVerifier>,
    system: SystemRoots,
    provider: Arc<CryptoProvider>,
    extra: Vec<CertificateDer<'static>>,
    /// Every root, once it was needed: a later connection does not read them again.
    all: OnceLock<Result<Arc<WebPkiServerVerifier>, rustls::Error>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("system", &self.system)
            .finish()
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verify = |verifier: &WebPkiServerVerifier| {
            verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        // Any refusal, not only an unknown issuer: a system root may give the chain
        // another path, and the reason shown must be the one of all the roots.
        match verify(&self.first) {
            Err(rustls::Error::InvalidCertificate(_)) => {}
            other => return other,
        }
        // The roots that could end a path of this chain; if they do not verify it
        // (a name whose hash OpenSSL reckons otherwise), every root decides.
        let chain: Vec<&[u8]> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|cert| cert.as_ref())
            .collect();
        let found = self
            .system
            .by_issuer(&chain)
            .map_err(rustls::Error::General)?;
        if !found.is_empty() {
            let verified = verify(&*verifier(&self.provider, &self.extra, found)?);
            if verified.is_ok() {
                return verified;
            }
        }
        let all = self.all.get_or_init(|| {
            let roots = self.system.all().map_err(rustls::Error::General)?;
            verifier(&self.provider, &self.extra, roots)
        });
        verify(all.as_ref().map_err(Clone::clone)?)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.first.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.first.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.first.supported_verify_schemes()
    }
}

/// A certificate given with --ca-cert that the server presents as its own (a
/// self-signed one, usually marked a CA, which webpki refuses as an end entity):
/// trusted as it is, as OpenSSL and curl trust it, when it names the host and is in
/// date; the handshake's signature is checked with its key as for any certificate.
/// Every other certificate is `inner`'s to verify (none: no root is trusted).
struct GivenAsIs {
    given: Vec<CertificateDer<'static>>,
    inner: Option<Arc<dyn ServerCertVerifier>>,
}

impl fmt::Debug for GivenAsIs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GivenAsIs")
            .field("inner", &self.inner)
            .finish()
    }
}

impl ServerCertVerifier for GivenAsIs {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        use rustls::CertificateError as Refused;
        let refused = |why| Err(rustls::Error::InvalidCertificate(why));
        if !self
            .given
            .iter()
            .any(|cert| cert.as_ref() == end_entity.as_ref())
        {
            return match &self.inner {
                Some(inner) => inner.verify_server_cert(
                    end_entity,
                    intermediates,
                    server_name,
                    ocsp_response,
                    now,
                ),
                None => refused(Refused::UnknownIssuer),
            };
        }
        let Ok(cert) = webpki::EndEntityCert::try_from(end_entity) else {
            return refused(Refused::BadEncoding);
        };
        if cert.verify_is_valid_for_subject_name(server_name).is_err() {
            return refused(Refused::NotValidForName);
        }
        match validity(end_entity) {
            None => refused(Refused::BadEncoding),
            Some((not_before, _)) if now.as_secs() < not_before => refused(Refused::NotValidYet),
            Some((_, not_after)) if now.as_secs() > not_after => refused(Refused::Expired),
            Some(_) => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &SIGNATURE_ALGORITHMS)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &SIGNATURE_ALGORITHMS)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        SIGNATURE_ALGORITHMS.supported_schemes()
    }
}

/// A certificate's validity, notBefore and notAfter, in seconds since 1970 (UTC).
fn validity(cert: &[u8]) -> Option<(u64, u64)> {
    let (_, _, tbs) = der::next(der::tbs_from_issuer(cert)?)?; // issuer
    let (0x30, validity, _) = der::next(tbs)? else {
        return None;
    };
    let (tag, not_before, rest) = der::next(validity)?;
    let (next_tag, not_after, _) = der::next(rest)?;
    Some((time(tag, not_before)?, time(next_tag, not_after)?))
}

/// A UTCTime (YYMMDDHHMMSSZ, 1950 to 2049) or a GeneralizedTime (YYYYMMDDHHMMSSZ),
/// from 1970 on.
fn time(tag: u8, text: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(text).ok()?.strip_suffix('Z')?;
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (tag, text.len()) {
        (0x17, 12) => {
            let yy: u64 = text[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        (0x18, 14) => (text[..4].parse().ok()?, &text[4..]),
        _ => return None,
    };
    let field = |at: usize| rest[at..at + 2].parse::<u64>().ok();
    let (day, hour, minute, second) = (field(2)?, field(4)?, field(6)?, field(8)?);
    if day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = crate::date::days_since_epoch(year, field(0)?, day)?;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Wraps the chained connection in TLS for an https URL, as ureq's RustlsConnector
/// does, with this module's configuration.
struct TlsConnector {
    config: Arc<ClientConfig>,
    plaintext: BufferSizes,
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsConnector")
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("no host to connect to"))?;
        // An IPv6 address comes in brackets.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host)
            .map_err(|_| ureq::Error::Tls("not a valid host name for TLS"))?
            .to_owned();
        let mut connection = ClientConnection::new(self.config.clone(), name)?;
        let mut socket = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        socket.set_timeout(remaining(details));
        connection.complete_io(&mut socket)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(self.plaintext.input, self.plaintext.output),
            stream: StreamOwned::new(connection, socket),
        })))
    }
}

/// The time the handshake may take: what the connection's timeout left of it.
fn remaining(details: &ConnectionDetails) -> NextTimeout {
    let mut timeout = details.timeout;
    if let (Duration::Exact(left), Instant::Exact(now), Instant::Exact(started)) =
        (timeout.after, (details.current_time)(), details.now)
    {
        timeout.after = Duration::Exact(left.saturating_sub(now - started));
    }
    timeout
}

pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_is_rings_less_chacha20_and_signing() {
        let ring = rustls::crypto::ring::default_provider();
        let ours = provider();
        assert_eq!(
            format!("{:?}", ours.signature_verification_algorithms),
            format!("{:?}", ring.signature_verification_algorithms)
        );
        let suites: Vec<_> = ring
            .cipher_suites
            .iter()
            .filter(|s| !format!("{:?}", s.suite()).contains("CHACHA20"))
            .map(|s| s.suite())
            .collect();
        assert_eq!(
            ours.cipher_suites
                .iter()
                .map(|s| s.suite())
                .collect::<Vec<_>>(),
            suites
        );
        let groups = |p: &CryptoProvider| p.kx_groups.iter().map(|g| g.name()).collect::<Vec<_>>();
        assert_eq!(groups(&ours), groups(&ring));
    }

    #[test]
    fn certificate_times_are_read_in_both_forms() {
        assert_eq!(time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(time(0x18, b"20991231000000Z"), Some(4_102_358_400));
        for bad in [
            &b"700101000000"[..],
            b"7001010000Z",
            b"20991331000000Z",
            b"7001x1000000Z",
        ] {
            assert_eq!(time(0x18, bad).or(time(0x17, bad)), None);
        }
    }

    #[test]
    fn the_built_in_anchors_are_the_ones_rustls_makes_of_the_roots() {
        let mut store = RootCertStore::empty();
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        assert_eq!(
            store.add_parsable_certificates(roots.iter().cloned()),
            (roots.len(), 0)
        );
        assert!(roots.len() > 100);
        assert_eq!(store.roots, built_in());
    }
}
