//! The https listener's certificate: self-signed, made at start-up, served by rustls
//! (ring provider); `server.rs` accepts the connections.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// Names the certificate covers.
pub const CERT_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "::1"];

/// A certificate and the acceptor that presents it.
pub struct Tls {
    /// The certificate in PEM.
    pub cert_pem: String,
    /// The rustls acceptor.
    pub acceptor: TlsAcceptor,
}

/// Generates a self-signed certificate for [`CERT_NAMES`] and a TLS acceptor (HTTP/1.1).
pub fn self_signed() -> Result<Tls, String> {
    let names: Vec<String> = CERT_NAMES.iter().map(|s| s.to_string()).collect();
    let mut params = rcgen::CertificateParams::new(names)
        .map_err(|e| format!("cannot build the certificate: {e}"))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "graph-sim local authority");
    let key = rcgen::KeyPair::generate().map_err(|e| format!("cannot make a TLS key: {e}"))?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| format!("cannot sign the certificate: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| format!("TLS configuration: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        cert_pem: cert.pem(),
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}
