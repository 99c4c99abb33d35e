//! A certificate authority of its own, as an on-premises PBX has: it signs server identities
//! for a TLS simulator, and its certificate is what a client must be given to trust them.
//! Keys are made fresh in memory each time; nothing here is meant for production.

use std::io;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, date_time_ymd};

use crate::config::SimTls;

fn failed(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("cannot make a test certificate: {e}"))
}

/// A throwaway certificate authority.
pub struct Authority {
    /// The authority's certificate, PEM: the "extra CA file" a client trusts.
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("pem", &self.pem).finish_non_exhaustive()
    }
}

impl Authority {
    /// A new authority called `name`.
    ///
    /// # Errors
    ///
    /// When the key or certificate cannot be made.
    pub fn new(name: &str) -> io::Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().map_err(failed)?;
        let cert = params.self_signed(&key).map_err(failed)?;
        Ok(Self { pem: cert.pem(), issuer: Issuer::new(params, key) })
    }

    /// A server identity for `host` signed by this authority, valid now.
    ///
    /// # Errors
    ///
    /// When the key or certificate cannot be made.
    pub fn identity(&self, host: &str) -> io::Result<SimTls> {
        self.sign(host, false)
    }

    /// A server identity for `host` that expired in 2021.
    ///
    /// # Errors
    ///
    /// When the key or certificate cannot be made.
    pub fn expired_identity(&self, host: &str) -> io::Result<SimTls> {
        self.sign(host, true)
    }

    fn sign(&self, host: &str, expired: bool) -> io::Result<SimTls> {
        let mut params = CertificateParams::new(vec![host.to_owned()]).map_err(failed)?;
        params.distinguished_name.push(DnType::CommonName, host);
        if expired {
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = date_time_ymd(2021, 1, 1);
        }
        let key = KeyPair::generate().map_err(failed)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(failed)?;
        Ok(SimTls { cert_chain_pem: cert.pem().into_bytes(), key_pem: key.serialize_pem().into_bytes() })
    }
}
