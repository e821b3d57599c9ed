//! `graph-sim`: an offline Microsoft Graph simulator for the Windows Autopilot sync action.
//!
//! It answers `POST /beta/deviceManagement/windowsAutopilotSettings/sync` and
//! `GET /beta/deviceManagement/windowsAutopilotSettings` the way Graph and Intune do
//! (204, 401, 403, 409, 429 with Intune's nested error messages), on a simulated clock
//! that tests move with `POST /_sim/clock`, and injects faults on request.
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
pub mod faults;
pub mod graph;
pub mod http;
pub mod jwt;
pub mod oidc;
pub mod requests;
pub mod server;
pub mod sim;
pub mod static_files;
pub mod timefmt;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;

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

/// Binds the Graph listener described by `args` (and, with `--oidc-port`, the https
/// listener that also serves the OIDC authority) on the current tokio runtime.
pub async fn start(args: Args) -> Result<RunningServer, StartError> {
    let ip = args.bind_ip().map_err(StartError)?;
    let site = static_files::StaticSite::new(args.static_dir.as_deref(), &args.mounts)
        .map_err(StartError)?;
    let tokens = auth::StaticTokens::new(
        args.tokens_or_default()
            .into_iter()
            .map(|t| (t.token, t.access)),
    );
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
            jwt::start_keygen();
            let tls = tls::self_signed().map_err(StartError)?;
            if let Some(path) = &args.oidc_cert_out {
                std::fs::write(path, &tls.cert_pem)
                    .map_err(|e| StartError(format!("cannot write {}: {e}", path.display())))?;
            }
            let (l, a) = bind(port).await?;
            Some((l, a, tls))
        }
    };
    let authority = secure.as_ref().map(|(_, a, _)| {
        oidc::Authority::new(format!("https://{a}"), args.oidc_client_ids.clone())
    });
    let verifier: Arc<dyn auth::TokenVerifier> = match &authority {
        Some(auth) => Arc::new(auth::AnyOf(vec![
            Arc::new(tokens),
            Arc::new(auth.verifier()),
        ])),
        None => Arc::new(tokens),
    };
    let mut app = app::App::new(
        sim::Sim::new(args.runtime_config(), clock::Clock::new(args.freeze_clock)),
        verifier,
        site,
    );
    if let Some(auth) = authority {
        app = app.with_authority(auth, args.oidc_config());
    }
    let app = Arc::new(app);
    let (tx, rx) = tokio::sync::watch::channel(false);
    let plain = tokio::spawn(server::serve(listener, app.clone(), rx.clone()));
    let (https, extra) = match secure {
        Some((l, a, tls)) => {
            let task = tokio::spawn(tls::serve_tls(
                l,
                tls.acceptor,
                Arc::new(app::Secure(app)),
                rx,
            ));
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
    Ok(RunningServer::new(addr, extra, tx, task))
}
