//! `graph-sim`: an offline Microsoft Graph simulator for the Windows Autopilot sync action.
//!
//! It answers `POST /beta/deviceManagement/windowsAutopilotSettings/sync` and
//! `GET /beta/deviceManagement/windowsAutopilotSettings` the way Graph and Intune do
//! (204, 401, 403, 409, 429 with Intune's nested error messages), on a simulated clock
//! that tests move or freeze with `POST /_sim/clock`, and injects faults on request.
//!
//! Shape: one route table ([`app::routes`]) maps method + path to handlers that take the
//! shared [`state::AppState`] and a `Request<Bytes>`; [`app()`] gives the whole simulator
//! as a value tests call without a socket; [`start`] puts it on loopback sockets.
//!
//! ```no_run
//! # async fn demo() -> Result<(), graph_sim::StartError> {
//! use clap::Parser;
//! let args = graph_sim::Args::parse_from(["graph-sim", "--port", "0"]);
//! let server = graph_sim::start(args).await?;
//! println!("{}", server.url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod control;
pub mod devices;
pub mod faults;
pub mod graph;
pub mod http;
pub mod inventory;
pub mod oidc;
pub mod requests;
pub mod router;
pub mod server;
pub mod sim;
pub mod state;
pub mod static_files;
pub mod timefmt;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;

pub use app::App;
pub use cli::Args;
pub use server::RunningServer;

/// Why the simulator could not start.
#[derive(Debug)]
pub struct StartError(String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// The simulator described by `args` as an [`App`], without sockets. With `--oidc-port`,
/// the authority's origin is `https://HOST:PORT` from the flags (requests reach its routes
/// when they carry the [`app::Https`] extension).
pub fn app(args: &Args) -> Result<App, StartError> {
    let origin = args.oidc_port.map(|port| {
        let ip = args
            .bind_ip()
            .unwrap_or(std::net::Ipv4Addr::LOCALHOST.into());
        format!("https://{}", SocketAddr::new(ip, port))
    });
    build(args, origin)
}

fn build(args: &Args, authority_origin: Option<String>) -> Result<App, StartError> {
    let site = static_files::StaticSite::new(args.static_dir.as_deref(), &args.mounts)
        .map_err(StartError)?;
    let tokens = auth::StaticTokens::with_tenants(
        args.tokens_or_default()
            .into_iter()
            .map(|t| (t.token, t.access, t.tenant)),
    );
    let authority = authority_origin.map(|origin| {
        oidc::keys::start_keygen();
        oidc::config::Authority::new(origin, args.oidc_client_ids.clone())
    });
    let verifier: Arc<dyn auth::TokenVerifier> = match &authority {
        Some(a) => Arc::new(auth::AnyOf(vec![
            Arc::new(tokens),
            Arc::new(oidc::keys::JwtVerifier::new(a.origin())),
        ])),
        None => Arc::new(tokens),
    };
    let sim = sim::Sim::new(args.runtime_config(), clock::Clock::new(args.freeze_clock));
    let authority = authority.map(|a| (a, args.oidc_config()));
    Ok(App::new(state::AppState::new(
        sim, verifier, site, authority,
    )))
}

/// Binds the Graph listener described by `args` (and, with `--oidc-port`, the https
/// listener that also serves the OIDC authority) on the current tokio runtime.
pub async fn start(args: Args) -> Result<RunningServer, StartError> {
    let ip = args.bind_ip().map_err(StartError)?;
    let bind = |port: u16| async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, port))
            .await
            .map_err(|e| StartError(format!("cannot listen on {ip}:{port}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError(format!("cannot read the bound address: {e}")))?;
        Ok::<_, StartError>((listener, addr))
    };
    let (listener, addr) = bind(args.port).await?;
    let secure = match args.oidc_port {
        None => None,
        Some(port) => {
            let tls = tls::self_signed().map_err(StartError)?;
            if let Some(path) = &args.oidc_cert_out {
                std::fs::write(path, &tls.cert_pem)
                    .map_err(|e| StartError(format!("cannot write {}: {e}", path.display())))?;
            }
            let (l, a) = bind(port).await?;
            Some((l, a, tls))
        }
    };
    let app = build(
        &args,
        secure.as_ref().map(|(_, a, _)| format!("https://{a}")),
    )?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let plain = tokio::spawn(server::serve(listener, None, app.clone(), rx.clone()));
    let (https, extra) = match secure {
        Some((l, a, tls)) => {
            let task = tokio::spawn(server::serve(l, Some(tls.acceptor), app.clone(), rx));
            (Some(task), Some((a, tls.cert_pem)))
        }
        None => (None, None),
    };
    let task = tokio::spawn(async move {
        let _ = plain.await;
        if let Some(t) = https {
            let _ = t.await;
        }
    });
    Ok(RunningServer::new(addr, extra, app, tx, task))
}
