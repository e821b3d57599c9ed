//! --static and --mount (traversal over a real socket: clients normalise `..` away).

use crate::common::*;
use reqwest::Method;
use std::io::{Read, Write};

/// Sends a request line as written (clients normalise `..` away) and returns the status.
async fn raw_status(addr: std::net::SocketAddr, target: &str) -> u16 {
    raw_redirect(addr, target).await.0
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("www/pkg")).unwrap();
    std::fs::create_dir_all(root.join("www/beta")).unwrap();
    std::fs::create_dir_all(root.join("nm/lib")).unwrap();
    std::fs::write(root.join("secret.txt"), "top secret").unwrap();
    std::fs::write(root.join("www/index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(root.join("www/pkg/m.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(root.join("www/pkg/m.js"), "export {}").unwrap();
    std::fs::write(root.join("www/beta/x.json"), "{}").unwrap();
    std::fs::write(root.join("nm/lib/a.mjs"), "export const a = 1;").unwrap();
    dir
}

#[tokio::test]
async fn serves_files_with_types_and_no_cache() {
    let dir = site();
    let www = dir.path().join("www");
    let nm = format!("/node_modules={}", dir.path().join("nm").display());
    let sim = start(&["--static", www.to_str().unwrap(), "--mount", &nm]).await;
    for (path, mime, body) in [
        ("/", "text/html", "<h1>demo</h1>"),
        ("/index.html", "text/html", "<h1>demo</h1>"),
        ("/pkg/m.js", "text/javascript", "export {}"),
        (
            "/node_modules/lib/a.mjs",
            "text/javascript",
            "export const a = 1;",
        ),
    ] {
        let res = sim.client.get(sim.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(mime));
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert_eq!(res.text().await.unwrap(), body);
    }
    let res = sim.client.get(sim.url("/pkg/m.wasm")).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0");
    assert_eq!(
        sim.client
            .get(sim.url("/missing.js"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        sim.client
            .post(sim.url("/index.html"))
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
    // Graph and the control API are never shadowed by files.
    let res = sim.call(Method::GET, "/beta/x.json", Some(RW)).await;
    assert_eq!(res.status(), 400);
    assert_eq!(graph_error(res).await["code"], "BadRequest");
    assert_eq!(sim.state().await["syncStatus"], "unknown");
}

#[tokio::test]
async fn traversal_is_refused() {
    let dir = site();
    let www = dir.path().join("www");
    let nm = format!("/node_modules={}", dir.path().join("nm").display());
    let net = serve(&["--static", www.to_str().unwrap(), "--mount", &nm]).await;
    let addr = net.server.local_addr();
    assert_eq!(raw_status(addr, "/index.html").await, 200);
    for target in [
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/node_modules/../../secret.txt",
        "/node_modules/%2E%2E/%2E%2E/secret.txt",
        "/..%5csecret.txt",
    ] {
        let status = raw_status(addr, target).await;
        assert!(status == 403 || status == 404, "{target}: {status}");
    }
}

#[tokio::test]
async fn without_static_unknown_paths_are_404() {
    let sim = start(&[]).await;
    let res = sim.client.get(sim.url("/index.html")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}

/// Sends a request line as written and returns the status and the `Location` header.
/// Blocking I/O off the runtime thread, which also runs the server.
async fn raw_redirect(addr: std::net::SocketAddr, target: &str) -> (u16, Option<String>) {
    let req = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let out = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let location = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(|v| v.trim().to_string());
    (status, location)
}

#[tokio::test]
async fn a_directory_without_its_slash_redirects_to_it() {
    let dir = site();
    let www = dir.path().join("www");
    let mount = format!("/autopilot={}", www.display());
    let net = serve(&["--static", www.to_str().unwrap(), "--mount", &mount]).await;
    let addr = net.server.local_addr();
    for (target, want) in [
        ("/autopilot", "/autopilot/"),
        ("/autopilot?x=1", "/autopilot/?x=1"),
        ("/pkg", "/pkg/"),
        ("/autopilot/pkg", "/autopilot/pkg/"),
        // Never a redirect to another host.
        ("//pkg", "/pkg/"),
    ] {
        assert_eq!(
            raw_redirect(addr, target).await,
            (307, Some(want.to_string())),
            "{target}"
        );
    }
    // With the slash, or a file: served as before.
    assert_eq!(raw_redirect(addr, "/autopilot/").await, (200, None));
    assert_eq!(
        raw_redirect(addr, "/autopilot/index.html").await,
        (200, None)
    );
    assert_eq!(raw_redirect(addr, "/").await, (200, None));
    assert_eq!(raw_redirect(addr, "/nope").await.0, 404);
}
