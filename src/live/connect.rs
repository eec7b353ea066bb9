//! Reaching a host: `--connect-to` overrides, DNS, TCP with a deadline, and TLS with the run's
//! trust roots. Mail protocols and HTTP dial through the same [`Net`], so `--connect-to` and
//! `--ca-file` hold for both.

use super::dns::{Dns, Lookup};
use super::fail::{Fail, TlsFailure};
use rustls::pki_types::ServerName;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// What a finished handshake showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSeen {
    /// `TLSv1.3` or `TLSv1.2`.
    pub version: String,
    /// The leaf certificate's `notAfter`, Unix seconds.
    pub not_after: Option<i64>,
}

/// The network as the run sees it.
pub struct Net {
    connect_to: HashMap<(String, u16), SocketAddr>,
    dns: Dns,
    tls: TlsConnector,
    /// Time per connection.
    pub timeout: std::time::Duration,
    /// When the whole run ends.
    pub deadline: Instant,
}

impl Net {
    pub fn new(
        connect_to: &[(String, u16, SocketAddr)],
        dns: Dns,
        tls: Arc<rustls::ClientConfig>,
        timeout: std::time::Duration,
        deadline: Instant,
    ) -> Net {
        Net {
            connect_to: connect_to
                .iter()
                .map(|(h, p, a)| ((h.to_ascii_lowercase(), *p), *a))
                .collect(),
            dns,
            tls: TlsConnector::from(tls),
            timeout,
            deadline,
        }
    }

    pub fn dns(&self) -> &Dns {
        &self.dns
    }

    /// The deadline of a connection starting now: its own timeout, or the run's end.
    pub fn connection_deadline(&self) -> Result<Instant, Fail> {
        let now = Instant::now();
        if now >= self.deadline {
            return Err(Fail::Deadline);
        }
        Ok((now + self.timeout).min(self.deadline))
    }

    pub fn timeout_secs(&self) -> u64 {
        self.timeout.as_secs().max(1)
    }

    /// A TCP connection to `host:port`: the `--connect-to` address if one is given (no DNS),
    /// else each address the name server gives, in turn.
    pub async fn dial(&self, host: &str, port: u16, deadline: Instant) -> Result<TcpStream, Fail> {
        let addrs = match self.connect_to.get(&(host.to_ascii_lowercase(), port)) {
            Some(addr) => vec![*addr],
            None => {
                let lookup = tokio::time::timeout_at(deadline, self.dns.addresses(host)).await;
                match lookup {
                    Err(_) => {
                        return Err(Fail::Timeout {
                            stage: format!("looking up {host}"),
                            secs: self.timeout_secs(),
                        });
                    }
                    Ok(Lookup::Found(ips)) => ips.into_iter().map(|ip| SocketAddr::new(ip, port)).collect(),
                    Ok(Lookup::NoRecords) => return Err(Fail::NoAddress(host.to_string())),
                    Ok(Lookup::Failed(message)) => return Err(Fail::Dns(message)),
                }
            }
        };
        let mut last = None;
        for addr in addrs {
            match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => return Ok(stream),
                Ok(Err(e)) => {
                    last = Some(Fail::Io {
                        stage: format!("connecting to {addr}"),
                        message: e.to_string(),
                    })
                }
                Err(_) => {
                    return Err(Fail::Timeout {
                        stage: format!("connecting to {addr}"),
                        secs: self.timeout_secs(),
                    });
                }
            }
        }
        Err(last.unwrap_or_else(|| Fail::NoAddress(host.to_string())))
    }

    /// The TLS handshake over `stream`, checking the certificate against `host`.
    pub async fn tls<S>(&self, stream: S, host: &str, deadline: Instant) -> Result<(TlsStream<S>, TlsSeen), Fail>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let name = ServerName::try_from(host.to_string()).map_err(|e| Fail::Tls {
            kind: TlsFailure::WrongName,
            message: format!("{host} is not a host name a certificate can name: {e}"),
        })?;
        let handshake = tokio::time::timeout_at(deadline, self.tls.connect(name, stream)).await;
        let stream = match handshake {
            Err(_) => {
                return Err(Fail::Timeout {
                    stage: "TLS handshake".into(),
                    secs: self.timeout_secs(),
                });
            }
            Ok(Err(e)) => return Err(classify(e)),
            Ok(Ok(stream)) => stream,
        };
        let (_, session) = stream.get_ref();
        let version = match session.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
            Some(other) => format!("{other:?}"),
            None => "unknown".to_string(),
        };
        let not_after = session
            .peer_certificates()
            .and_then(|certs| certs.first())
            .and_then(|leaf| super::cert::not_after(leaf.as_ref()));
        Ok((stream, TlsSeen { version, not_after }))
    }
}

/// Sorts a failed handshake by what it means for the data.
fn classify(e: std::io::Error) -> Fail {
    use rustls::{AlertDescription, CertificateError, Error as E, PeerIncompatible};
    let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<E>()) else {
        // The socket failed during the handshake: closed or reset, not a TLS answer.
        return Fail::Io {
            stage: "TLS handshake".into(),
            message: e.to_string(),
        };
    };
    let kind = match tls {
        E::InvalidCertificate(cert) => match cert {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::WrongName
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => TlsFailure::Expired,
            CertificateError::UnknownIssuer | CertificateError::BadSignature => TlsFailure::Untrusted,
            _ => TlsFailure::Other,
        },
        // rustls offers TLS 1.2 and 1.3 only. A server of an older version answers with its own
        // version's ServerHello (RFC 5246 appendix E.1), which rustls refuses as "does not
        // support TLS 1.2 or 1.3", or refuses the ClientHello with a `protocol_version` alert.
        // Other incompatibilities (no cipher suite or group in common) are not about the version.
        E::AlertReceived(AlertDescription::ProtocolVersion)
        | E::PeerIncompatible(PeerIncompatible::ServerDoesNotSupportTls12Or13) => TlsFailure::OldVersion,
        _ => TlsFailure::Other,
    };
    Fail::Tls {
        kind,
        message: tls.to_string(),
    }
}

/// The client configuration: rustls with ring, TLS 1.2 and 1.3, and either the roots of
/// `--ca-file` (PEM) or Mozilla's roots (webpki-roots).
pub fn tls_config(ca_file: Option<&std::path::Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certs =
                CertificateDer::pem_file_iter(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("{}: not a PEM certificate: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("{}: not a usable certificate: {e}", path.display()))?;
            }
            if roots.is_empty() {
                return Err(format!("{} holds no certificate", path.display()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
