//! The sockets: accept loops for the http and https listeners, reading each request body
//! into `Bytes` before [`App::call`], dropping the connection when the app says
//! [`Abort`], and a graceful shutdown that lets open connections finish.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::app::{App, MAX_BODY};
use crate::faults::ResetSwitch;
use crate::http::Abort;
use crate::router::{Https, Oversized, Res};

/// How long shutdown waits for open connections (a slow `delay` fault, say) to finish.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads the body (up to [`MAX_BODY`]; beyond, marks the request [`Oversized`]) and
/// calls the app.
async fn handle(app: App, req: Request<Incoming>, https: bool) -> Result<Res, Abort> {
    let (parts, body) = req.into_parts();
    let mut req = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Request::from_parts(parts, collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            let mut r = Request::from_parts(parts, Bytes::new());
            r.extensions_mut().insert(Oversized);
            r
        }
        // The client broke off: nobody is left to answer.
        Err(_) => return Err(Abort),
    };
    if https {
        req.extensions_mut().insert(Https);
    }
    app.call(req).await
}

/// A plain-TCP connection that a `reset`/`resetMidBody` fault can end with a TCP RST: once
/// its [`ResetSwitch`] is tripped, it skips the FIN of a shutdown and closes with
/// SO_LINGER 0 when dropped.
struct ResettableIo {
    io: TokioIo<TcpStream>,
    reset: ResetSwitch,
}

impl Read for ResettableIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl Write for ResettableIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.reset.tripped() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

impl Drop for ResettableIo {
    fn drop(&mut self) {
        if self.reset.tripped() {
            // Zero linger: close() sends RST and never blocks.
            let _ = self.io.inner().set_zero_linger();
        }
    }
}

/// Serves one HTTP/1.1 connection until it ends (or, after shutdown, until its current
/// request is answered). `reset` is the connection's [`ResetSwitch`] (plain TCP only).
async fn serve_connection<IO>(
    io: IO,
    app: App,
    https: bool,
    watcher: Watcher,
    reset: Option<ResetSwitch>,
) where
    IO: Read + Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        if let Some(r) = &reset {
            req.extensions_mut().insert(r.clone());
        }
        handle(app.clone(), req, https)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(io, service);
    // Errors here are client disconnects or deliberate faults: nothing to report.
    let _ = watcher.watch(conn).await;
}

/// Hands each accepted connection to a task until `shutdown` turns true, then waits (at
/// most [`DRAIN_TIMEOUT`]) for the open ones to finish their requests and close.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: App,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let (app, watcher) = (app.clone(), graceful.watcher());
                match tls.clone() {
                    None => {
                        let reset = ResetSwitch::default();
                        let io = ResettableIo { io: TokioIo::new(stream), reset: reset.clone() };
                        tokio::spawn(serve_connection(io, app, false, watcher, Some(reset)));
                    }
                    Some(acceptor) => {
                        tokio::spawn(async move {
                            let handshake = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
                            if let Ok(Ok(tls)) = handshake.await {
                                serve_connection(TokioIo::new(tls), app, true, watcher, None).await;
                            }
                        });
                    }
                }
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}

/// A running simulator.
pub struct RunningServer {
    addr: SocketAddr,
    authority: Option<(SocketAddr, String)>,
    app: App,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    pub(crate) fn new(
        addr: SocketAddr,
        authority: Option<(SocketAddr, String)>,
        app: App,
        shutdown: watch::Sender<bool>,
        task: tokio::task::JoinHandle<()>,
    ) -> Self {
        RunningServer {
            addr,
            authority,
            app,
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

    /// The app both listeners serve (to call it in-process too).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Stops accepting connections, lets open ones finish their current request (at most
    /// [`DRAIN_TIMEOUT`]), and returns when every listener has stopped.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}
