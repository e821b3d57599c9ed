//! Static files for demo pages and browser tests (`--static`, `--mount`).

use std::path::{Path, PathBuf};

use http::header::{HeaderValue, CACHE_CONTROL, LOCATION};
use http::{Method, Response, StatusCode, Uri};

use crate::http::{full, response, Body};

/// A `--mount` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// URL prefix, starting with `/`, without a trailing `/`.
    pub prefix: String,
    /// Directory served under it.
    pub dir: PathBuf,
}

/// Directories served under URL prefixes.
#[derive(Clone, Debug, Default)]
pub struct StaticSite {
    /// `(prefix, canonical root)`, longest prefix first; `""` is the `--static` root.
    roots: Vec<(String, PathBuf)>,
}

/// MIME type by file extension.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "wasm" => "application/wasm",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn text(status: StatusCode, msg: &str) -> Response<Body> {
    response(
        status,
        "text/plain; charset=utf-8",
        full(format!("{msg}\n")),
    )
}

impl StaticSite {
    /// Checks that every directory exists and remembers its canonical path.
    pub fn new(static_dir: Option<&Path>, mounts: &[Mount]) -> Result<Self, String> {
        let mut roots = Vec::new();
        let canonical = |dir: &Path| -> Result<PathBuf, String> {
            let c = std::fs::canonicalize(dir)
                .map_err(|e| format!("cannot serve {}: {e}", dir.display()))?;
            if !c.is_dir() {
                return Err(format!("cannot serve {}: not a directory", dir.display()));
            }
            Ok(c)
        };
        for m in mounts {
            roots.push((m.prefix.clone(), canonical(&m.dir)?));
        }
        if let Some(dir) = static_dir {
            roots.push((String::new(), canonical(dir)?));
        }
        roots.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        Ok(StaticSite { roots })
    }

    fn find<'a>(&'a self, path: &'a str) -> Option<(&'a Path, &'a str)> {
        self.roots.iter().find_map(|(prefix, root)| {
            let rest = path.strip_prefix(prefix.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((root.as_path(), rest))
        })
    }

    /// Serves `uri`'s path if a mount covers it; `None` otherwise. A directory asked for
    /// without its trailing slash is redirected to it (307, the query kept), as static
    /// servers do: its page's relative URLs would otherwise resolve against the parent.
    pub async fn serve(&self, method: &Method, uri: &Uri) -> Option<Response<Body>> {
        let path = uri.path();
        let (root, rest) = self.find(path)?;
        if method != Method::GET && method != Method::HEAD {
            let mut res = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
            res.headers_mut()
                .insert("allow", HeaderValue::from_static("GET, HEAD, OPTIONS"));
            return Some(res);
        }
        let mut file = root.to_path_buf();
        for raw in rest.split('/') {
            let decoded = percent_encoding::percent_decode_str(raw).collect::<Vec<u8>>();
            let Ok(segment) = String::from_utf8(decoded) else {
                return Some(text(StatusCode::BAD_REQUEST, "bad path"));
            };
            if segment.is_empty() || segment == "." {
                continue;
            }
            if segment == ".." || segment.contains(['/', '\\', '\0']) || segment.contains(':') {
                return Some(text(StatusCode::FORBIDDEN, "path traversal refused"));
            }
            file.push(segment);
        }
        Some(self.read(root, file, uri).await)
    }

    async fn read(&self, root: &Path, file: PathBuf, uri: &Uri) -> Response<Body> {
        let not_found = || text(StatusCode::NOT_FOUND, "not found");
        let mut real = match tokio::fs::canonicalize(&file).await {
            Ok(p) => p,
            Err(_) => return not_found(),
        };
        let is_dir = real.is_dir();
        if is_dir && !uri.path().ends_with('/') {
            if !real.starts_with(root) {
                return text(StatusCode::FORBIDDEN, "path traversal refused");
            }
            // One leading slash: `//host/dir` must not become a redirect to another host.
            let dir = uri.path().trim_start_matches('/');
            let location = match uri.query() {
                Some(q) => format!("/{dir}/?{q}"),
                None => format!("/{dir}/"),
            };
            let mut res = text(StatusCode::TEMPORARY_REDIRECT, "moved to the directory");
            if let Ok(v) = HeaderValue::from_str(&location) {
                res.headers_mut().insert(LOCATION, v);
            }
            return res;
        }
        if is_dir {
            real = match tokio::fs::canonicalize(real.join("index.html")).await {
                Ok(p) => p,
                Err(_) => return not_found(),
            };
        }
        // Symlinks may point anywhere: only files that really live under the root are served.
        if !real.starts_with(root) {
            return text(StatusCode::FORBIDDEN, "path traversal refused");
        }
        match tokio::fs::read(&real).await {
            Ok(bytes) => {
                let mut res = response(StatusCode::OK, mime_type(&real), full(bytes));
                res.headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                res
            }
            Err(_) => not_found(),
        }
    }
}
