//! HTTPS and WSS: the rustls server settings made from a [`SimTls`] identity, and a listener
//! that hands axum connections whose TLS handshake is already done.
//!
//! Handshakes run in tasks of their own, so a client that connects and says nothing (a
//! reachability probe, a half-open socket) never holds up the others.

use std::{io, net::SocketAddr, sync::Arc, time::Duration};

use rustls::{
    ServerConfig,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _},
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tokio_rustls::{TlsAcceptor, server::TlsStream};

use crate::config::SimTls;

/// A client gets this long to finish its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// The server settings for `identity`.
///
/// # Errors
///
/// [`io::ErrorKind::InvalidInput`] when the PEM texts hold no certificate or no usable key,
/// or when the key does not match the certificate.
pub(crate) fn server_config(identity: &SimTls) -> io::Result<Arc<ServerConfig>> {
    let chain = CertificateDer::pem_slice_iter(&identity.cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("the TLS certificate file is not valid PEM: {e}")))?;
    if chain.is_empty() {
        return Err(invalid("the TLS certificate file holds no certificate".to_owned()));
    }
    let key = PrivateKeyDer::from_pem_slice(&identity.key_pem)
        .map_err(|e| invalid(format!("the TLS key file holds no usable private key: {e}")))?;
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS cannot start: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| invalid(format!("the TLS certificate and key cannot be used together: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Connections past their TLS handshake, for `axum::serve`.
pub(crate) struct TlsListener {
    addr: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// The listener, and the accept loop that feeds it: run the loop next to `axum::serve`.
    /// The loop ends, dropping `tcp`, once the listener is dropped.
    pub(crate) fn new(
        tcp: TcpListener,
        config: Arc<ServerConfig>,
    ) -> io::Result<(Self, impl Future<Output = ()> + Send + 'static)> {
        let addr = tcp.local_addr()?;
        let (handshaken, ready) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        let accepting = async move {
            loop {
                let (stream, peer) = tokio::select! {
                    () = handshaken.closed() => break,
                    accepted = tcp.accept() => match accepted {
                        Ok(accepted) => accepted,
                        Err(err) => {
                            // Out of file descriptors and the like: wait rather than spin.
                            tracing::warn!(%err, "cannot accept a connection");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                let acceptor = acceptor.clone();
                let handshaken = handshaken.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = handshaken.send((tls, peer)).await;
                        }
                        Ok(Err(err)) => tracing::debug!(%peer, %err, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        };
        Ok((Self { addr, ready }, accepting))
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accept loop only stops once this listener is gone: wait for shutdown.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
