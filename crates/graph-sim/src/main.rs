//! `graph-sim` command: see `graph-sim --help`.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, before
/// the listening line is printed, so a signal sent right after that line is never missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = graph_sim::Args::parse();
    let signal = shutdown_signal();
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
    signal.await;
    eprintln!("graph-sim: shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}
