//! Certificates for the loopback servers: a test root, and leaf certificates signed by it for
//! given names and validity periods.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

pub struct TestRoot {
    issuer: Issuer<'static, KeyPair>,
    /// The root in PEM, for `--ca-file`.
    pub pem: String,
}

/// When a leaf certificate is valid.
#[derive(Clone, Copy)]
pub enum Validity {
    /// 2000 to 4000.
    Long,
    /// Ended in 2021.
    Expired,
    /// Ends at the start of the day 11 days from today: "expires in 10 days".
    EndsInTenDays,
}

impl TestRoot {
    pub fn new() -> TestRoot {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "mailguide test root");
        let cert = params.self_signed(&key).expect("root");
        TestRoot {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server configuration with a certificate for `names`.
    pub fn server(&self, names: &[&str], validity: Validity) -> Arc<rustls::ServerConfig> {
        let key = KeyPair::generate().expect("key");
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).expect("params");
        params.distinguished_name.push(DnType::CommonName, names[0]);
        match validity {
            Validity::Long => {
                params.not_before = rcgen::date_time_ymd(2000, 1, 1);
                params.not_after = rcgen::date_time_ymd(4000, 1, 1);
            }
            Validity::Expired => {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            }
            Validity::EndsInTenDays => {
                let today = mailguide::live::time::now().div_euclid(86_400);
                let (y, m, d) = mailguide::live::time::civil_from_days(today + 11);
                params.not_before = rcgen::date_time_ymd(2000, 1, 1);
                params.not_after = rcgen::date_time_ymd(y as i32, m as u8, d as u8);
            }
        }
        let cert = params.signed_by(&key, &self.issuer).expect("leaf");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
        Arc::new(config)
    }
}
