//! `graph-sim` command: see `graph-sim --help`.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = graph_sim::Args::parse();
    let server = match graph_sim::start(args).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("graph-sim: {e}");
            return ExitCode::from(2);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "graph-sim listening on {}", server.url());
        if let Some(authority) = server.authority_url() {
            let _ = writeln!(out, "graph-sim authority on {authority}");
        }
        let _ = out.flush();
    }
    wait_for_signal().await;
    eprintln!("graph-sim: shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}
