//! Checks on what a caller passes in, before anything is sent. Failures are
//! [`UsageError`]s: the JS side turns them into `SyncError` exceptions.

use super::time::decimal;

/// The stable `code` of a `SyncError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The token is not a usable bearer token.
    InvalidToken,
    /// An option is unknown, of the wrong type or out of range.
    InvalidOptions,
    /// `getToken` rejected or returned something that is not a token.
    TokenUnavailable,
    /// `waitForSync` gave up after its `timeoutMs`.
    WaitTimeout,
    /// Sign-in did not finish (MSAL's `errorCode` is kept on the error).
    SignInFailed,
    /// The user closed or cancelled the sign-in window.
    SignInCancelled,
    /// Another sign-in is already in progress in this page.
    InteractionInProgress,
    /// The browser blocked the sign-in popup.
    PopupBlocked,
}

impl ErrorCode {
    /// The string JS sees in `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidToken => "invalidToken",
            ErrorCode::InvalidOptions => "invalidOptions",
            ErrorCode::TokenUnavailable => "tokenUnavailable",
            ErrorCode::WaitTimeout => "waitTimeout",
            ErrorCode::SignInFailed => "signInFailed",
            ErrorCode::SignInCancelled => "signInCancelled",
            ErrorCode::InteractionInProgress => "interactionInProgress",
            ErrorCode::PopupBlocked => "popupBlocked",
        }
    }
}

/// Misuse of the API: nothing was sent. The message never contains the token.
#[derive(Clone, PartialEq, Eq)]
pub struct UsageError {
    /// Stable code.
    pub code: ErrorCode,
    /// One sentence for the developer.
    pub message: String,
}

impl core::fmt::Debug for UsageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

impl UsageError {
    /// A new error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> UsageError {
        UsageError {
            code,
            message: message.into(),
        }
    }
    fn options(message: impl Into<String>) -> UsageError {
        UsageError::new(ErrorCode::InvalidOptions, message)
    }
}

/// Checks a bearer token and returns it without surrounding white space or a leading
/// `Bearer ` scheme. A token must be visible ASCII only (JWTs and Graph's compact tokens
/// are), so it can go into an HTTP header unchanged.
pub fn check_token(raw: &str) -> Result<&str, UsageError> {
    let mut t = raw.trim();
    if t.eq_ignore_ascii_case("bearer") {
        t = "";
    } else if t.len() > 7
        && t.as_bytes()[..6].eq_ignore_ascii_case(b"bearer")
        && t.as_bytes()[6].is_ascii_whitespace()
    {
        t = t[7..].trim_start();
    }
    let bad = |why: &str| {
        let mut m = String::from("The token ");
        m.push_str(why);
        m.push('.');
        Err(UsageError::new(ErrorCode::InvalidToken, m))
    };
    if t.is_empty() {
        return bad("is empty");
    }
    if t.bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return bad("contains white space or control characters; pass the access token alone");
    }
    if !t.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return bad("contains characters that cannot appear in an access token");
    }
    Ok(t)
}

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

/// The largest `timeoutMs` a JS timer honours (2^31 − 1 ms, about 24.8 days).
pub const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// Checks a duration option (`timeoutMs`, `intervalMs`): a positive, finite number of
/// milliseconds; fractions round up; values past the timer limit are clamped.
pub fn check_duration(name: &str, ms: f64) -> Result<u32, UsageError> {
    if ms.is_nan() || ms <= 0.0 {
        let mut m = String::from("Option ");
        m.push_str(name);
        m.push_str(" must be a positive number of milliseconds.");
        return Err(UsageError::options(m));
    }
    Ok(ms.ceil().min(MAX_TIMEOUT_MS) as u32)
}

/// Checks a caller-chosen `client-request-id`: 1 to 128 visible ASCII characters
/// (Graph expects a GUID).
pub fn check_client_request_id(id: &str) -> Result<&str, UsageError> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(UsageError::options(
            "Option clientRequestId must be 1 to 128 visible ASCII characters, such as a GUID.",
        ));
    }
    Ok(id)
}

/// An unknown option name, so that `baseURL` or `timeout` is caught, not ignored.
pub fn unknown_option(name: &str, known: &[&str]) -> UsageError {
    let mut m = String::from("Unknown option \"");
    m.extend(name.chars().take(64));
    m.push('"');
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
        m.push_str("; did you mean \"");
        m.push_str(k);
        m.push('"');
    }
    m.push_str(". Known options: ");
    for (i, k) in known.iter().enumerate() {
        if i > 0 {
            m.push_str(", ");
        }
        m.push_str(k);
    }
    m.push('.');
    UsageError::options(m)
}

/// A wrong-typed option.
pub fn wrong_type(name: &str, expected: &str) -> UsageError {
    let mut m = String::from("Option ");
    m.push_str(name);
    m.push_str(" must be ");
    m.push_str(expected);
    m.push('.');
    UsageError::options(m)
}

/// A version 4 GUID from 16 random bytes, as Graph writes them (lower case).
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[usize::from(byte >> 4)] as char);
        s.push(HEX[usize::from(byte & 15)] as char);
    }
    s
}

/// `"N ms"` for messages.
pub fn ms_text(ms: u32) -> String {
    let mut s = decimal(u64::from(ms));
    s.push_str(" ms");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let ok: &[(&str, &str)] = &[
            ("abc", "abc"),
            ("  eyJ0.eyJ1.sig\n", "eyJ0.eyJ1.sig"),
            ("Bearer abc", "abc"),
            ("bearer   abc", "abc"),
            ("BEARER abc", "abc"),
            ("Bearerabc", "Bearerabc"),
            ("a-b_c.d~e+f/g=", "a-b_c.d~e+f/g="),
        ];
        for (raw, want) in ok {
            assert_eq!(check_token(raw), Ok(*want), "token {raw:?}");
        }
        for raw in [
            "",
            "   ",
            "\n\t",
            "Bearer ",
            "Bearer    ",
            "two words",
            "a\tb",
            "a\u{0}b",
            "a\u{7f}b",
            "tök",
            "a\u{2028}b",
        ] {
            let e = check_token(raw).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidToken, "token {raw:?}");
            assert!(e.message.starts_with("The token"), "{}", e.message);
        }
        // The message never echoes the token.
        let e = check_token("secret value").unwrap_err();
        assert!(!e.message.contains("secret") && !format!("{e:?}").contains("secret"));
    }

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
        }
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

    #[test]
    fn durations_and_ids() {
        assert_eq!(check_duration("timeoutMs", 30000.0), Ok(30000));
        assert_eq!(check_duration("timeoutMs", 0.2), Ok(1));
        assert_eq!(
            check_duration("timeoutMs", f64::INFINITY),
            Ok(2_147_483_647)
        );
        for bad in [0.0, -1.0, f64::NAN, f64::NEG_INFINITY] {
            let e = check_duration("timeoutMs", bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidOptions);
            assert!(e.message.contains("timeoutMs"));
        }
        assert_eq!(
            check_client_request_id("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Ok("0f8fad5b-d9cb-469f-a165-70867728950e")
        );
        for bad in ["", "has space", "é", &"x".repeat(129)] {
            assert!(check_client_request_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_options_suggest() {
        let e = unknown_option("baseURL", &["cloud", "baseUrl"]);
        assert_eq!(
            e.message,
            "Unknown option \"baseURL\"; did you mean \"baseUrl\". Known options: cloud, baseUrl."
        );
        assert_eq!(
            wrong_type("signal", "an AbortSignal").message,
            "Option signal must be an AbortSignal."
        );
    }

    #[test]
    fn uuids() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(ms_text(250), "250 ms");
    }

    #[test]
    fn error_codes() {
        assert_eq!(ErrorCode::InvalidToken.as_str(), "invalidToken");
        assert_eq!(ErrorCode::InvalidOptions.as_str(), "invalidOptions");
    }
}
