//! The binary: listening line, signals, refusals.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_graph-sim");

#[tokio::test]
async fn non_loopback_host_is_refused() {
    let args = <graph_sim::Args as clap::Parser>::try_parse_from([
        "graph-sim",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
    ])
    .unwrap();
    let err = graph_sim::start(args).await.err().expect("refused");
    assert!(err.to_string().contains("--allow-remote"), "{err}");

    let out = Command::new(BIN)
        .args(["--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
}

#[test]
fn help_lists_the_flags() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--host",
        "--port",
        "--allow-remote",
        "--cooldown-seconds",
        "--sync-duration-ms",
        "--sync-result",
        "--token",
        "--no-retry-after",
        "--expose-retry-after",
        "--sync-success-status",
        "--no-intune-licence",
        "--freeze-clock",
        "--settings-envelope",
        "--static",
        "--mount",
        "/_sim/reset",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn prints_one_line_and_exits_cleanly_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--token", "very-secret=rw"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim_end()
        .strip_prefix("graph-sim listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    std::net::TcpStream::connect(("127.0.0.1", port)).expect("listening");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("very-secret"));
}

#[test]
fn readme_documents_every_flag() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let start = readme.find("## graph-sim").expect("a graph-sim section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let command = <graph_sim::Args as clap::CommandFactory>::command();
    let flags: Vec<String> = command
        .get_arguments()
        .filter_map(|a| a.get_long())
        .filter(|l| !matches!(*l, "help" | "version"))
        .map(|l| format!("--{l}"))
        .collect();
    assert!(flags.len() >= 20, "{flags:?}");
    for flag in flags {
        assert!(
            section.contains(&flag),
            "README's graph-sim section lacks {flag}"
        );
    }
}
