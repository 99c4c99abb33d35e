//! Trust for the secure connections: the operating system's trust store, plus an optional extra
//! CA for on-premises servers, checked by one verifier shared by HTTP and the websocket; and
//! TLS failures told apart from other network errors.
//!
//! Both channels verify with `rustls-platform-verifier`, the verifier reqwest itself uses, so a
//! certificate accepted for the login is accepted for the event socket and the other way round
//! (on Linux it reads the system's CA bundle; on Windows and macOS the OS does the checking).

use std::error::Error as StdError;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject as _};
use rustls::{CertificateError, ClientConfig, RootCertStore};

use crate::error::{Error, ErrorKind};

/// Which certificate authorities the client trusts besides the operating system's.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// PEM text holding one or more CA certificates (`-----BEGIN CERTIFICATE-----` blocks),
    /// trusted on top of the OS trust store. `None`: the OS trust store alone.
    pub extra_ca_pem: Option<Vec<u8>>,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.extra_ca_pem.as_ref().map(|pem| format!("<{} bytes of PEM>", pem.len()));
        f.debug_struct("TlsOptions").field("extra_ca_pem", &shown).finish()
    }
}

/// An extra CA file larger than this is refused (a bundle of every public CA is ~250 KiB).
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

impl TlsOptions {
    /// Trusts the CA certificates of `pem` on top of the OS trust store.
    pub fn with_extra_ca_pem(pem: impl Into<Vec<u8>>) -> Self {
        Self { extra_ca_pem: Some(pem.into()) }
    }

    /// Reads and checks an extra CA file (PEM, one or more certificates).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tls`] when the file cannot be read or holds no usable certificate.
    pub fn from_ca_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        use std::io::Read as _;
        let path = path.as_ref();
        let fail = |why: String| {
            Error::new(ErrorKind::Tls, format!("cannot read the extra CA file {}: {why}", path.display()))
        };
        // Only a regular file: a FIFO or a device would block or never end.
        let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
        if !file.metadata().map_err(|e| fail(e.to_string()))?.is_file() {
            return Err(fail("not a regular file".into()));
        }
        let mut pem = Vec::new();
        file.take(MAX_CA_FILE_BYTES + 1).read_to_end(&mut pem).map_err(|e| fail(e.to_string()))?;
        if pem.len() as u64 > MAX_CA_FILE_BYTES {
            return Err(fail(format!("larger than {} KiB", MAX_CA_FILE_BYTES / 1024)));
        }
        let options = Self::with_extra_ca_pem(pem);
        options.validate()?;
        Ok(options)
    }

    /// Checks the extra CA, giving how many certificates it adds (0 without one).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tls`] when the PEM text is unreadable, holds no certificate, or holds a
    /// certificate that cannot serve as a trust anchor.
    pub fn validate(&self) -> Result<usize, Error> {
        self.extra_roots().map(|roots| roots.len())
    }

    /// The rustls configuration of this trust for other TLS clients (an HTTP client's
    /// preconfigured TLS, an LDAP connection): the platform verifier with the extra CA, no
    /// ALPN (HTTP/1.1), no client certificate.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tls`] when the extra CA is unusable or the trusted certificates cannot load.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, Error> {
        websocket_config(self.extra_roots()?)
    }

    /// The extra CA certificates, each checked to be usable as a trust anchor.
    pub(crate) fn extra_roots(&self) -> Result<Vec<CertificateDer<'static>>, Error> {
        let Some(text) = &self.extra_ca_pem else { return Ok(Vec::new()) };
        let bad = |message: String| Error::new(ErrorKind::Tls, message);
        let mut roots = Vec::new();
        for (index, section) in CertificateDer::pem_slice_iter(text).enumerate() {
            let der = section.map_err(|e| bad(format!("the extra CA file is not valid PEM: {}", pem_problem(&e))))?;
            RootCertStore::empty().add(der.clone()).map_err(|e| {
                bad(format!("certificate {} of the extra CA file cannot be used as an authority: {e}", index + 1))
            })?;
            roots.push(der);
        }
        if roots.is_empty() {
            return Err(bad("the extra CA file holds no certificate (expected PEM \
                            \"-----BEGIN CERTIFICATE-----\" blocks)"
                .to_owned()));
        }
        Ok(roots)
    }
}

fn pem_problem(e: &pem::Error) -> String {
    match e {
        pem::Error::MissingSectionEnd { .. } => "a certificate block has no END line".to_owned(),
        pem::Error::IllegalSectionStart { .. } => "a BEGIN line is malformed".to_owned(),
        pem::Error::Base64Decode(_) => "a certificate block is not valid base64".to_owned(),
        other => other.to_string(),
    }
}

/// The crypto provider reqwest picks too: the process default when one is installed.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// The rustls configuration of websocket handshakes: the platform verifier with the extra
/// roots, no ALPN (a websocket handshake is HTTP/1.1), no client certificate.
pub(crate) fn websocket_config(extra_roots: Vec<CertificateDer<'static>>) -> Result<Arc<ClientConfig>, Error> {
    let provider = provider();
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
    }
    .map_err(|e| Error::new(ErrorKind::Tls, format!("the trusted certificates cannot be loaded: {e}")))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(ErrorKind::Tls, format!("TLS cannot start: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS failure behind `err`, if any, as an [`ErrorKind::Tls`] error that says what is
/// wrong in words a user can act on.
///
/// rustls errors travel inside `std::io::Error`s, whose `source()` skips the error they wrap,
/// so each I/O error on the chain is opened as well.
pub fn tls_failure(err: &(dyn StdError + 'static)) -> Option<Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(describe(tls));
        }
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            let inner: &(dyn StdError + 'static) = inner;
            if let Some(found) = tls_failure(inner) {
                return Some(found);
            }
        }
        current = e.source();
    }
    None
}

/// An HTTP failure: a TLS failure told as such, anything else a network failure.
impl From<reqwest::Error> for Error {
    fn from(err: reqwest::Error) -> Self {
        // reqwest's message names the URL, which holds no secret (credentials travel in a header).
        tls_failure(&err).unwrap_or_else(|| Self::network(err))
    }
}

fn describe(err: &rustls::Error) -> Error {
    let message = match err {
        rustls::Error::InvalidCertificate(problem) => {
            format!("the server's certificate is not trusted: {}", certificate_problem(problem))
        }
        other => format!("the secure connection could not be set up: {other}"),
    };
    Error::new(ErrorKind::Tls, message)
}

fn certificate_problem(problem: &CertificateError) -> String {
    match problem {
        CertificateError::UnknownIssuer => "it is issued by an authority this computer does not trust \
                                            (for a private authority, add its certificate as the extra CA file)"
            .to_owned(),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => "it has expired".to_owned(),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "it is not valid yet (check this computer's date and time)".to_owned()
        }
        CertificateError::NotValidForNameContext { expected, presented } => {
            let names: Vec<&str> = presented.iter().filter_map(|name| server_name(name)).collect();
            if names.is_empty() {
                format!("it was not issued for {}", expected.to_str())
            } else {
                format!("it was issued for {}, not for {}", names.join(", "), expected.to_str())
            }
        }
        CertificateError::NotValidForName => "it was issued for another name than the server's".to_owned(),
        CertificateError::Revoked => "it has been revoked".to_owned(),
        other => other.to_string(),
    }
}

/// The name in webpki's `DnsName("pbx.example.com")` or `IpAddress(192.0.2.1)`; other kinds of
/// names (URIs, directory names) cannot name a server and are left out.
fn server_name(presented: &str) -> Option<&str> {
    presented
        .strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
        .or_else(|| presented.strip_prefix("IpAddress(").and_then(|rest| rest.strip_suffix(')')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extra_ca_without_certificates_is_refused_clearly() {
        for text in
            [&b""[..], b"not a certificate at all", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"]
        {
            let e = TlsOptions::with_extra_ca_pem(text).validate().unwrap_err();
            assert_eq!(e.kind, ErrorKind::Tls);
            assert!(e.message.contains("holds no certificate"), "{}", e.message);
        }
        let cut = TlsOptions::with_extra_ca_pem("-----BEGIN CERTIFICATE-----\nMIIB\n");
        assert!(cut.validate().unwrap_err().message.contains("not valid PEM"));
        let junk = TlsOptions::with_extra_ca_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assert!(junk.validate().unwrap_err().message.contains("cannot be used as an authority"));
    }

    #[test]
    fn devices_folders_and_huge_files_are_refused_without_reading_them_all() {
        for path in ["/dev/zero", "/", "/nonexistent/ca.pem"] {
            let e = TlsOptions::from_ca_file(path).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Tls, "{path}");
            assert!(e.message.contains("cannot read the extra CA file"), "{path}: {}", e.message);
        }
        let big = std::env::temp_dir().join(format!("mycrm-big-ca-{}.pem", std::process::id()));
        std::fs::write(&big, vec![b'A'; 2 * 1024 * 1024]).expect("written");
        let e = TlsOptions::from_ca_file(&big).unwrap_err();
        assert!(e.message.contains("larger than 1024 KiB"), "{}", e.message);
        let _ = std::fs::remove_file(big);
    }

    #[test]
    fn no_extra_ca_is_the_os_store_alone() {
        assert_eq!(TlsOptions::default().validate(), Ok(0));
        assert_eq!(
            format!("{:?}", TlsOptions::with_extra_ca_pem("abc")),
            "TlsOptions { extra_ca_pem: Some(\"<3 bytes of PEM>\") }"
        );
    }

    #[test]
    fn rustls_errors_are_found_inside_io_errors() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        let e = tls_failure(&io).expect("found");
        assert_eq!(e.kind, ErrorKind::Tls);
        assert!(e.message.starts_with("the server's certificate is not trusted: it is issued by an authority"));
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(tls_failure(&plain).is_none());
        let expired = describe(&rustls::Error::InvalidCertificate(CertificateError::Expired));
        assert_eq!(expired.message, "the server's certificate is not trusted: it has expired");
    }

    #[test]
    fn websocket_handshake_failures_are_found_too() {
        use tokio_tungstenite::tungstenite::Error as WsError;
        // What tokio-tungstenite returns when tokio-rustls refuses the server's certificate.
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::NotValidYet),
        );
        let e = tls_failure(&WsError::Io(io)).expect("found");
        assert_eq!(
            e.message,
            "the server's certificate is not trusted: it is not valid yet (check this computer's date and time)"
        );
        assert!(tls_failure(&WsError::ConnectionClosed).is_none());
    }

    #[test]
    fn names_on_a_certificate_read_as_names() {
        let wrong = CertificateError::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::try_from("pbx.example.com").expect("name"),
            presented: vec![
                "DnsName(\"other.example\")".to_owned(),
                "IpAddress(192.0.2.1)".to_owned(),
                "UniformResourceIdentifier(\"https://x\")".to_owned(),
            ],
        };
        assert_eq!(certificate_problem(&wrong), "it was issued for other.example, 192.0.2.1, not for pbx.example.com");
    }
}
