//! Listening and connection handling, independent of what a listener answers.
//!
//! A listener is a [`Handler`] served by [`serve`]. A second listener (for example an
//! https OIDC authority on rustls) is another `Handler` plus an accept loop that wraps each
//! stream in TLS before handing it to [`serve_connection`].

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use http::{Request, Response};
use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::http::Body;

/// Returned by a handler to drop the connection without a response.
#[derive(Debug)]
pub struct Abort;

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Abort {}

/// What a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Abort>> + Send>>;

/// Answers requests for one listener.
pub trait Handler: Send + Sync + 'static {
    /// Answers one request; `Err(Abort)` closes the connection without an answer.
    fn handle(self: Arc<Self>, req: Request<Incoming>) -> HandlerFuture;
}

/// Serves one HTTP/1.1 connection until it ends.
pub async fn serve_connection<H, IO>(io: IO, handler: Arc<H>)
where
    H: Handler,
    IO: Read + Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| handler.clone().handle(req));
    // Errors here are client disconnects or deliberate faults: nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(io, service)
        .await;
}

/// Hands each accepted connection to `on_accept` until `shutdown` turns true. Shared by
/// the http listener ([`serve`]) and the https one (`tls::serve_tls`).
pub async fn accept_loop(
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
    mut on_accept: impl FnMut(tokio::net::TcpStream),
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                on_accept(stream);
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
}

/// Serves plain http connections until `shutdown` turns true.
pub async fn serve<H: Handler>(
    listener: TcpListener,
    handler: Arc<H>,
    shutdown: watch::Receiver<bool>,
) {
    accept_loop(listener, shutdown, |stream| {
        tokio::spawn(serve_connection(TokioIo::new(stream), handler.clone()));
    })
    .await;
}

/// A running simulator.
pub struct RunningServer {
    addr: SocketAddr,
    authority: Option<(SocketAddr, String)>,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    pub(crate) fn new(
        addr: SocketAddr,
        authority: Option<(SocketAddr, String)>,
        shutdown: watch::Sender<bool>,
        task: tokio::task::JoinHandle<()>,
    ) -> Self {
        RunningServer {
            addr,
            authority,
            shutdown,
            task,
        }
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` of the Graph listener.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `https://HOST:PORT` of the https listener (OIDC authority), when `--oidc-port` was given.
    pub fn authority_url(&self) -> Option<String> {
        self.authority.as_ref().map(|(a, _)| format!("https://{a}"))
    }

    /// The https listener's self-signed certificate (PEM).
    pub fn authority_cert_pem(&self) -> Option<&str> {
        self.authority.as_ref().map(|(_, pem)| pem.as_str())
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}
