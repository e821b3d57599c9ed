//! The cloud catalogue (Graph root and sign-in host per Microsoft cloud) and the rule for a
//! custom Graph root (`baseUrl`): https, or plain http only to this machine.

#[allow(unused_imports)]
use crate::prelude::*;

use super::errors::UsageError;

/// A Microsoft cloud with its own Graph host and sign-in authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    /// Global Azure (and GCC).
    Global,
    /// US Government L4 (GCC High).
    UsGov,
    /// US Government L5 (DoD).
    UsGovDod,
    /// Azure China (21Vianet).
    China,
}

impl Cloud {
    /// Every cloud.
    pub const ALL: [Cloud; 4] = [Cloud::Global, Cloud::UsGov, Cloud::UsGovDod, Cloud::China];

    /// From the `cloud` option.
    pub fn parse(name: &str) -> Result<Cloud, UsageError> {
        Cloud::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| {
                UsageError::options(
                    "Option cloud must be one of \"global\", \"usGov\", \"usGovDod\" or \"china\".",
                )
            })
    }

    /// The option value naming this cloud.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGov => "usGov",
            Cloud::UsGovDod => "usGovDod",
            Cloud::China => "china",
        }
    }

    /// The Graph root, without a trailing slash.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGov => "https://graph.microsoft.us",
            Cloud::UsGovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The Entra ID sign-in host.
    pub fn authority_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGov | Cloud::UsGovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// Every sign-in origin MSAL.js may contact for this cloud's authority, `authority_host`
    /// first: authorize (popup, redirect, silent iframe), token POST (fetch) and logout.
    /// MSAL's built-in cloud metadata (msal-common `AuthorityMetadata`) rewrites
    /// `login.chinacloudapi.cn` to its preferred alias `login.partner.microsoftonline.cn`
    /// and takes every endpoint from there; the other clouds' hosts are their own preferred
    /// alias. A page's CSP must allow them all (connect-src and frame-src).
    pub fn sign_in_hosts(self) -> &'static [&'static str] {
        match self {
            Cloud::Global => &["https://login.microsoftonline.com"],
            Cloud::UsGov | Cloud::UsGovDod => &["https://login.microsoftonline.us"],
            Cloud::China => &[
                "https://login.chinacloudapi.cn",
                "https://login.partner.microsoftonline.cn",
            ],
        }
    }

    /// The delegated scope that allows the sync, named for this cloud's Graph host.
    pub fn sync_scope(self) -> String {
        let mut s = String::from(self.graph_host());
        s.push_str("/DeviceManagementServiceConfig.ReadWrite.All");
        s
    }
}

/// A `baseUrl` as the WHATWG URL parser split it (`new URL(...)` on the JS side).
#[derive(Debug, Clone, Default)]
pub struct UrlParts<'a> {
    /// `https:` or `http:` (lower case, with the colon).
    pub protocol: &'a str,
    /// User name, empty when none.
    pub username: &'a str,
    /// Password, empty when none.
    pub password: &'a str,
    /// Host name; IPv6 literals in brackets.
    pub hostname: &'a str,
    /// `scheme://host[:port]`.
    pub origin: &'a str,
    /// Path, starting with `/`.
    pub pathname: &'a str,
    /// `?query` or empty.
    pub search: &'a str,
    /// `#fragment` or empty.
    pub hash: &'a str,
}

/// Whether a host name is this machine: 127.0.0.0/8, `::1` or `localhost`.
pub fn is_loopback(hostname: &str) -> bool {
    let h = hostname.trim_end_matches('.');
    if h.eq_ignore_ascii_case("localhost") || h == "[::1]" || h == "::1" {
        return true;
    }
    let octets: Vec<&str> = h.split('.').collect();
    octets.first() == Some(&"127")
        && octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

/// Checks a `baseUrl` and returns the Graph root to which paths are appended
/// (no trailing slash). Plain `http:` is refused except to loopback, so a token never
/// crosses a network unencrypted.
pub fn check_base_url(u: &UrlParts<'_>) -> Result<String, UsageError> {
    match u.protocol {
        "https:" => {}
        "http:" if is_loopback(u.hostname) => {}
        "http:" => {
            return Err(UsageError::options(
                "Option baseUrl may use http: only for this machine (localhost, 127.0.0.0/8 or [::1]); use https: for anything else.",
            ))
        }
        _ => return Err(UsageError::options("Option baseUrl must be an https: URL.")),
    }
    if !u.username.is_empty() || !u.password.is_empty() {
        return Err(UsageError::options(
            "Option baseUrl must not contain a user name or password.",
        ));
    }
    if !u.search.is_empty() || !u.hash.is_empty() {
        return Err(UsageError::options(
            "Option baseUrl must not contain a query or a fragment.",
        ));
    }
    let mut root = String::from(u.origin);
    root.push_str(u.pathname.trim_end_matches('/'));
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::super::errors::ErrorCode;
    use super::*;

    #[test]
    fn clouds() {
        let hosts: Vec<(&str, &str, &str)> = Cloud::ALL
            .iter()
            .map(|c| (c.name(), c.graph_host(), c.authority_host()))
            .collect();
        assert_eq!(
            hosts,
            [
                (
                    "global",
                    "https://graph.microsoft.com",
                    "https://login.microsoftonline.com"
                ),
                (
                    "usGov",
                    "https://graph.microsoft.us",
                    "https://login.microsoftonline.us"
                ),
                (
                    "usGovDod",
                    "https://dod-graph.microsoft.us",
                    "https://login.microsoftonline.us"
                ),
                (
                    "china",
                    "https://microsoftgraph.chinacloudapi.cn",
                    "https://login.chinacloudapi.cn"
                ),
            ]
        );
        for c in Cloud::ALL {
            assert_eq!(Cloud::parse(c.name()), Ok(c));
            // MSAL is configured with the authority host: it leads the sign-in hosts.
            assert_eq!(c.sign_in_hosts().first(), Some(&c.authority_host()));
            for h in c.sign_in_hosts() {
                assert!(
                    h.starts_with("https://") && !h[8..].contains(['/', ':']),
                    "{h}"
                );
            }
        }
        assert_eq!(
            Cloud::China.sign_in_hosts(),
            [
                "https://login.chinacloudapi.cn",
                "https://login.partner.microsoftonline.cn"
            ]
        );
        assert_eq!(
            Cloud::UsGovDod.sign_in_hosts(),
            ["https://login.microsoftonline.us"]
        );
        assert_eq!(
            Cloud::UsGov.sync_scope(),
            "https://graph.microsoft.us/DeviceManagementServiceConfig.ReadWrite.All"
        );
        for bad in ["Global", "usgov", "gcc", ""] {
            assert_eq!(
                Cloud::parse(bad).unwrap_err().code,
                ErrorCode::InvalidOptions
            );
        }
    }

    fn url<'a>(
        protocol: &'a str,
        hostname: &'a str,
        origin: &'a str,
        pathname: &'a str,
    ) -> UrlParts<'a> {
        UrlParts {
            protocol,
            hostname,
            origin,
            pathname,
            ..Default::default()
        }
    }

    #[test]
    fn base_urls() {
        let ok: &[(UrlParts, &str)] = &[
            (
                url("http:", "127.0.0.1", "http://127.0.0.1:8080", "/"),
                "http://127.0.0.1:8080",
            ),
            (
                url("http:", "127.8.9.10", "http://127.8.9.10", "/graph/"),
                "http://127.8.9.10/graph",
            ),
            (
                url("http:", "localhost", "http://localhost:1", "//"),
                "http://localhost:1",
            ),
            (
                url("http:", "[::1]", "http://[::1]:9", "/"),
                "http://[::1]:9",
            ),
            (
                url(
                    "https:",
                    "graph.microsoft.com",
                    "https://graph.microsoft.com",
                    "/",
                ),
                "https://graph.microsoft.com",
            ),
            (
                url(
                    "https:",
                    "proxy.example",
                    "https://proxy.example",
                    "/msgraph",
                ),
                "https://proxy.example/msgraph",
            ),
        ];
        for (u, want) in ok {
            assert_eq!(check_base_url(u).as_deref(), Ok(*want), "{u:?}");
        }
        let bad: &[UrlParts] = &[
            url(
                "http:",
                "graph.microsoft.com",
                "http://graph.microsoft.com",
                "/",
            ),
            url("http:", "10.0.0.1", "http://10.0.0.1", "/"),
            url(
                "http:",
                "127.0.0.1.evil.example",
                "http://127.0.0.1.evil.example",
                "/",
            ),
            url(
                "http:",
                "localhost.evil.example",
                "http://localhost.evil.example",
                "/",
            ),
            url("http:", "[::2]", "http://[::2]", "/"),
            url("ftp:", "localhost", "ftp://localhost", "/"),
            url("file:", "", "null", "/etc/passwd"),
            url("javascript:", "", "null", "alert(1)"),
            UrlParts {
                username: "u",
                ..url("https:", "h", "https://h", "/")
            },
            UrlParts {
                password: "p",
                ..url("https:", "h", "https://h", "/")
            },
            UrlParts {
                search: "?a=1",
                ..url("https:", "h", "https://h", "/")
            },
            UrlParts {
                hash: "#x",
                ..url("https:", "h", "https://h", "/")
            },
        ];
        for u in bad {
            assert_eq!(
                check_base_url(u).unwrap_err().code,
                ErrorCode::InvalidOptions,
                "{u:?}"
            );
        }
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1",
            "127.255.255.254",
            "localhost",
            "LOCALHOST",
            "localhost.",
            "[::1]",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "128.0.0.1",
            "127.0.0",
            "127.0.0.256",
            "127.0.0.1.nip.io",
            "::2",
            "0.0.0.0",
            "",
            "127..0.1",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }
}
