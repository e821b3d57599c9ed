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
pub mod control;
pub mod faults;
pub mod graph;
pub mod http;
pub mod requests;
pub mod server;
pub mod sim;
pub mod static_files;
pub mod timefmt;

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

/// Binds the Graph listener described by `args` and serves it on the current tokio runtime.
pub async fn start(args: Args) -> Result<RunningServer, StartError> {
    let ip = args.bind_ip().map_err(StartError)?;
    let site = static_files::StaticSite::new(args.static_dir.as_deref(), &args.mounts)
        .map_err(StartError)?;
    let tokens = auth::StaticTokens::new(
        args.tokens_or_default()
            .into_iter()
            .map(|t| (t.token, t.access)),
    );
    let app = Arc::new(app::App::new(
        sim::Sim::new(args.runtime_config()),
        Arc::new(tokens),
        site,
    ));
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port))
        .await
        .map_err(|e| StartError(format!("cannot listen on {ip}:{}: {e}", args.port)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError(format!("cannot read the bound address: {e}")))?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(server::serve(listener, app, rx));
    Ok(RunningServer::new(addr, tx, task))
}
