//! TLS for the wss transport (rustls): the configurations a socket's WSS_* options make, and
//! the record layer one wss connection's WebSocket bytes pass through.
//!
//! The layer keeps the ws link's rule that bytes reported written are in the kernel: a write
//! whose records did not all reach the kernel stays *unconfirmed* until a later flush sends
//! them, and the link counts it as not yet written.

use crate::error::{Error, Result};
use crate::options::Options;
use mio::net::TcpStream;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig};
use rustls::{DigitallySignedStruct, ServerConnection, SignatureScheme, WantsVerifier};
use std::io::{self, Read, Write};
use std::sync::Arc;

/// aws-lc-rs, rustls's default provider (post-quantum key exchange included), named
/// explicitly so another provider elsewhere in a program's dependencies cannot leave rustls
/// without a default to pick.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The server side of a wss listener, from WSS_CERT_PEM (the chain, leaf first) and
/// WSS_KEY_PEM. EINVAL when either is missing or does not parse, or the key does not fit the
/// certificate (libzmq asserts then).
pub(crate) fn server_config(options: &Options) -> Result<Arc<ServerConfig>> {
    let chain = CertificateDer::pem_slice_iter(&options.wss_cert_pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| Error::EINVAL)?;
    if chain.is_empty() {
        return Err(Error::EINVAL);
    }
    let key = PrivateKeyDer::from_pem_slice(&options.wss_key_pem).map_err(|_| Error::EINVAL)?;
    let config = versions(ServerConfig::builder_with_provider(provider()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|_| Error::EINVAL)?;
    Ok(Arc::new(config))
}

/// The client side of a wss connect: the server's chain must lead to a certificate of
/// WSS_TRUST_PEM, or of the system's store when WSS_TRUST_SYSTEM is set (see
/// [`PinnedOrChained`] for a trusted certificate presented as the server's own). An attempt
/// with nothing to trust fails (and is retried), as libzmq's handshake does then.
pub(crate) fn client_config(options: &Options) -> io::Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    let mut pinned = Vec::new();
    for cert in CertificateDer::pem_slice_iter(&options.wss_trust_pem) {
        let cert = cert.map_err(|_| refused("WSS_TRUST_PEM does not parse"))?;
        roots
            .add(cert.clone())
            .map_err(|_| refused("WSS_TRUST_PEM holds an unusable certificate"))?;
        pinned.push(cert);
    }
    if options.wss_trust_system {
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    }
    if roots.is_empty() {
        return Err(refused(
            "no certificate to trust: set WSS_TRUST_PEM or WSS_TRUST_SYSTEM",
        ));
    }
    let provider = provider();
    let chained = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(io::Error::other)?;
    let verifier = PinnedOrChained { chained, pinned };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| refused("no TLS version"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// How a wss client checks the server's certificate: rustls's path validation (webpki), or,
/// when that fails, the certificate is one of WSS_TRUST_PEM's itself, in its validity
/// period and carrying the name asked for. The second way is what GnuTLS (libzmq's wss)
/// accepts and webpki does not: a trusted self-signed CA certificate used as the server's
/// own (libzmq's test_wss_transport has one), its name in the subject CN when it has no
/// subjectAltName. Trusting it so adds no trust: its key could sign any chain that passes.
#[derive(Debug)]
struct PinnedOrChained {
    chained: Arc<WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for PinnedOrChained {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let chained = self.chained.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match chained {
            Err(_)
                if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                verify_pinned(end_entity, server_name, now)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.chained.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.chained.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.chained.supported_verify_schemes()
    }
}

/// A pinned certificate's checks: in its validity period at `now`, and valid for `name` by
/// its subjectAltName, or by its subject CN when it has none (RFC 6125's fallback).
fn verify_pinned(
    cert: &CertificateDer<'_>,
    name: &ServerName<'_>,
    now: UnixTime,
) -> std::result::Result<(), rustls::Error> {
    use rustls::CertificateError;
    let bad = |e| rustls::Error::InvalidCertificate(e);
    let (_, parsed) = x509_parser::parse_x509_certificate(cert)
        .map_err(|_| bad(CertificateError::BadEncoding))?;
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let validity = parsed.validity();
    if now < validity.not_before.timestamp() {
        return Err(bad(CertificateError::NotValidYet));
    }
    if now > validity.not_after.timestamp() {
        return Err(bad(CertificateError::Expired));
    }
    let has_alt_names = parsed
        .subject_alternative_name()
        .map_err(|_| bad(CertificateError::BadEncoding))?
        .is_some();
    if has_alt_names {
        let end_entity = ParsedCertificate::try_from(cert)?;
        return rustls::client::verify_server_name(&end_entity, name);
    }
    let ServerName::DnsName(dns) = name else {
        return Err(bad(CertificateError::NotValidForName));
    };
    let matches = parsed
        .subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
        .any(|cn| cn.eq_ignore_ascii_case(dns.as_ref()));
    if matches {
        Ok(())
    } else {
        Err(bad(CertificateError::NotValidForName))
    }
}

/// rustls's safe default versions (TLS 1.2 and 1.3).
fn versions<S: rustls::ConfigSide>(
    builder: rustls::ConfigBuilder<S, rustls::WantsVersions>,
) -> Result<rustls::ConfigBuilder<S, WantsVerifier>> {
    builder
        .with_safe_default_protocol_versions()
        .map_err(|_| Error::EINVAL)
}

/// The name the server's certificate must carry (and the SNI sent): WSS_HOSTNAME if set,
/// else the endpoint's host.
pub(crate) fn server_name(options: &Options, host: &str) -> io::Result<ServerName<'static>> {
    let name = if options.wss_hostname.is_empty() {
        host.as_bytes()
    } else {
        &options.wss_hostname
    };
    let name = std::str::from_utf8(name).map_err(|_| refused("WSS_HOSTNAME is not text"))?;
    ServerName::try_from(name.to_string()).map_err(|_| refused("WSS_HOSTNAME is no host name"))
}

fn refused(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why)
}

/// One connection's TLS session over its tcp stream.
pub(crate) struct TlsLayer {
    conn: Connection,
    /// Plaintext bytes of the last write whose records are not all in the kernel yet.
    unconfirmed: usize,
    /// The kernel reported the end of the stream.
    eof: bool,
}

impl std::fmt::Debug for TlsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsLayer")
            .field("unconfirmed", &self.unconfirmed)
            .field("eof", &self.eof)
            .finish_non_exhaustive()
    }
}

impl TlsLayer {
    /// The connecting side, checking the server's certificate against `name`.
    pub(crate) fn client(config: Arc<ClientConfig>, name: ServerName<'static>) -> io::Result<Self> {
        let conn = ClientConnection::new(config, name).map_err(io::Error::other)?;
        Ok(TlsLayer::new(conn.into()))
    }

    /// The accepting side.
    pub(crate) fn server(config: Arc<ServerConfig>) -> io::Result<Self> {
        let conn = ServerConnection::new(config).map_err(io::Error::other)?;
        Ok(TlsLayer::new(conn.into()))
    }

    fn new(conn: Connection) -> Self {
        TlsLayer {
            conn,
            unconfirmed: 0,
            eof: false,
        }
    }

    /// Reads decrypted bytes into `buf`, moving the handshake on as records arrive. Ok(0) is
    /// the end of the stream (a close_notify, or the peer gone without one).
    pub(crate) fn read(&mut self, s: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && !self.eof => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock) => return Ok(0),
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(e),
            }
            match self.conn.read_tls(s) {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) => return Err(e),
            }
            if let Err(e) = self.conn.process_new_packets() {
                // The alert rustls queued goes out if the kernel takes it now.
                let _ = self.flush(s);
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            self.flush(s)?;
        }
    }

    /// Encrypts and sends `buf`: the count taken, WouldBlock while earlier records still
    /// wait for the kernel. What is taken but not yet sent is [`TlsLayer::unconfirmed`].
    pub(crate) fn write(&mut self, s: &mut TcpStream, buf: &[u8]) -> io::Result<usize> {
        if self.flush(s)? {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = self.conn.writer().write(buf)?;
        self.unconfirmed = n;
        self.flush(s)?;
        Ok(n)
    }

    /// Sends waiting records; true if some still wait (the kernel blocked).
    pub(crate) fn flush(&mut self, s: &mut TcpStream) -> io::Result<bool> {
        while self.conn.wants_write() {
            match self.conn.write_tls(s) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.unconfirmed = 0;
        Ok(false)
    }

    /// Bytes the last write took whose records are not all in the kernel.
    pub(crate) fn unconfirmed(&self) -> usize {
        self.unconfirmed
    }
}
