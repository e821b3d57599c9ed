//! Sign-in decisions that need no JS: the authority for a cloud and tenant, option
//! checks, and how MSAL's `errorCode`s map onto our `SyncError` codes.

#[allow(unused_imports)]
use crate::prelude::*;

use super::cloud::Cloud;
use super::errors::{wrong_type, ErrorCode, UsageError};

/// Whether MSAL's error means "interaction needed" (silent acquisition cannot work).
/// MSAL's `InteractionRequiredAuthError` carries its class name in `name`; its codes are
/// checked too, for errors that crossed a realm and lost their class.
pub fn is_interaction_required(name: &str, error_code: &str) -> bool {
    name == "InteractionRequiredAuthError"
        || matches!(
            error_code,
            "interaction_required"
                | "consent_required"
                | "login_required"
                | "no_tokens_found"
                | "native_account_unavailable"
                | "refresh_token_expired"
                | "bad_token"
        )
}

/// MSAL's `errorCode` for a `PublicClientApplication` used before `initialize()`.
pub const UNINITIALIZED: &str = "uninitialized_public_client_application";

/// Our code for an MSAL `errorCode`. `access_denied` is what Entra ID's authorize
/// endpoint answers when the user declines or cancels on its pages.
pub fn error_code_for(msal_code: &str) -> ErrorCode {
    match msal_code {
        "user_cancelled" | "access_denied" => ErrorCode::SignInCancelled,
        "interaction_in_progress" => ErrorCode::InteractionInProgress,
        "popup_window_error" | "empty_window_error" => ErrorCode::PopupBlocked,
        // Only a portal's own instance (`instance` option) can be used before
        // `initialize()`: the provider initializes the ones it builds.
        UNINITIALIZED => ErrorCode::InvalidOptions,
        _ => ErrorCode::SignInFailed,
    }
}

/// One sentence for each sign-in error code.
pub fn message_for(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::SignInCancelled => "Sign-in was cancelled before it finished.",
        ErrorCode::InteractionInProgress => {
            "Another sign-in is already in progress in this page; finish or close it first."
        }
        ErrorCode::PopupBlocked => {
            "The browser blocked the sign-in window; allow pop-ups for this site and try again."
        }
        ErrorCode::InvalidOptions => {
            "The PublicClientApplication given as instance is not initialized: await instance.initialize() before the provider uses it."
        }
        _ => "Sign-in with Microsoft failed; errorCode and cause hold MSAL's details.",
    }
}

/// MSAL codes that mean "the authority's configuration could not be used": every wrong
/// host, port, protocol mode or tenant path ends in one of these, with only MSAL's link.
pub fn is_configuration_error(msal_code: &str) -> bool {
    matches!(
        msal_code,
        "endpoints_resolution_error"
            | "endpoint_resolution_error"
            | "untrusted_authority"
            | "openid_config_error"
            | "authority_mismatch"
            | "invalid_authority_metadata"
    )
}

/// The message for a sign-in that failed on configuration: the likely causes, read from
/// the options alone (`authority`, `knownAuthorities`, `protocolMode`). `None` for
/// Microsoft's own sign-in hosts, where these options are not the usual cause. Built with
/// `push_str` (no `format!`: the wasm links no `core::fmt`).
pub fn misconfiguration_message(
    authority: &str,
    known: &[String],
    protocol_mode: Option<&str>,
) -> Option<String> {
    let rest = authority.get(8..)?; // after "https://", which check_authority ensured
    let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if Cloud::ALL.iter().any(|c| {
        c.sign_in_hosts()
            .iter()
            .any(|h| h.get(8..) == Some(host.as_str()))
    }) {
        return None;
    }
    let hostname = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => host.get(..i).unwrap_or(&host),
        _ => host.as_str(),
    };
    let listed = |h: &str| known.iter().any(|k| k.trim().eq_ignore_ascii_case(h));
    let quoted = |s: &str| {
        let mut q = String::from("\"");
        q.push_str(s);
        q.push('"');
        q
    };
    let mut causes: Vec<String> = Vec::new();
    if !listed(&host) {
        causes.push(if hostname != host && listed(hostname) {
            [
                "knownAuthorities lists ",
                &quoted(hostname),
                " but the authority is ",
                &quoted(&host),
                ": MSAL compares host and port, so list ",
                &quoted(&host),
            ]
            .concat()
        } else if known.is_empty() {
            [
                "knownAuthorities is not set: MSAL trusts only Microsoft's sign-in hosts unless it lists the authority's ",
                &quoted(&host),
            ]
            .concat()
        } else {
            [
                "knownAuthorities does not list the authority's host ",
                &quoted(&host),
                " (host[:port], exactly as in the URL)",
            ]
            .concat()
        });
    }
    if protocol_mode != Some("OIDC") {
        causes.push(
            "protocolMode is not \"OIDC\", which an authority other than Microsoft Entra ID needs"
                .into(),
        );
    }
    if hostname == "localhost" {
        causes.push(
            "the authority is on \"localhost\": if its issuer says 127.0.0.1, MSAL refuses it (they are different hosts to MSAL); use the host the issuer names".into(),
        );
    }
    if causes.is_empty() {
        causes.push(
            [
                "the authority did not answer its OpenID configuration (",
                authority.trim_end_matches('/'),
                "/.well-known/openid-configuration): check the tenant path and that the authority is up",
            ]
            .concat(),
        );
    }
    Some(
        [
            "Sign-in could not use the authority ",
            authority,
            ". Likely cause: ",
            &causes.join("; also, "),
            ". errorCode and cause hold MSAL's details.",
        ]
        .concat(),
    )
}

/// A tenant: a GUID, a domain name, or `organizations` / `common`.
pub fn check_tenant(tenant: &str) -> Result<&str, UsageError> {
    let ok = !tenant.is_empty()
        && tenant.len() <= 253
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if ok {
        Ok(tenant)
    } else {
        Err(wrong_type("tenantId", "a tenant GUID or domain name"))
    }
}

/// An application (client) ID: 1 to 128 visible ASCII characters (Entra uses GUIDs).
pub fn check_client_id(id: &str) -> Result<&str, UsageError> {
    if !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        Ok(id)
    } else {
        Err(wrong_type(
            "clientId",
            "the application (client) ID, a GUID",
        ))
    }
}

/// `https://login.microsoftonline.com/{tenant}` and its national-cloud twins.
pub fn authority_for(cloud: Cloud, tenant: &str) -> String {
    let mut a = String::from(cloud.authority_host());
    a.push('/');
    a.push_str(tenant);
    a
}

/// An explicit authority must be https: MSAL refuses anything else
/// (`authority_uri_insecure`), so say so before MSAL does.
pub fn check_authority(url: &str) -> Result<&str, UsageError> {
    let lower = url.get(..8).map(str::to_ascii_lowercase);
    if lower.as_deref() == Some("https://")
        && url.len() > 8
        && !url.bytes().any(|b| b.is_ascii_whitespace())
    {
        Ok(url)
    } else {
        Err(wrong_type(
            "authority",
            "an https: URL such as https://login.microsoftonline.com/contoso.onmicrosoft.com",
        ))
    }
}

/// `popup` (default) or `redirect`.
pub fn check_interaction(v: &str) -> Result<bool, UsageError> {
    match v {
        "popup" => Ok(true),
        "redirect" => Ok(false),
        _ => Err(wrong_type("interaction", "\"popup\" or \"redirect\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misconfiguration_messages() {
        let a = "https://127.0.0.1:8443/sim-tenant";
        let k = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let msg = |known: &[&str], mode| misconfiguration_message(a, &k(known), mode).unwrap();
        // The port left out of knownAuthorities.
        let m = msg(&["127.0.0.1"], Some("OIDC"));
        assert!(
            m.contains("lists \"127.0.0.1\" but the authority is \"127.0.0.1:8443\""),
            "{m}"
        );
        assert!(!m.contains("protocolMode"), "{m}");
        // No knownAuthorities at all, and another host listed.
        assert!(msg(&[], Some("OIDC")).contains("knownAuthorities is not set"));
        assert!(msg(&["login.example"], Some("OIDC"))
            .contains("does not list the authority's host \"127.0.0.1:8443\""));
        // protocolMode missing (and nothing else wrong).
        let m = msg(&["127.0.0.1:8443"], None);
        assert!(m.contains("protocolMode is not \"OIDC\""), "{m}");
        assert!(!m.contains("knownAuthorities"), "{m}");
        // localhost where the issuer may say 127.0.0.1.
        let m = misconfiguration_message(
            "https://localhost:8443/t",
            &k(&["LOCALHOST:8443"]),
            Some("OIDC"),
        )
        .unwrap();
        assert!(m.contains("on \"localhost\""), "{m}");
        assert!(
            !m.contains("knownAuthorities"),
            "listed case-insensitively: {m}"
        );
        // Everything consistent: the tenant path or the authority itself.
        let m = msg(&["127.0.0.1:8443"], Some("OIDC"));
        assert!(
            m.contains("https://127.0.0.1:8443/sim-tenant/.well-known/openid-configuration"),
            "{m}"
        );
        // Several causes at once are all named.
        let m = misconfiguration_message("https://LOCALHOST:9/t", &[], None).unwrap();
        assert_eq!(m.matches("; also, ").count(), 2, "{m}");
        assert!(m.contains("\"localhost:9\""), "{m}");
        // Microsoft's own hosts: not these options' fault.
        for cloud in Cloud::ALL {
            let authority = authority_for(cloud, "contoso.example");
            assert_eq!(misconfiguration_message(&authority, &[], None), None);
            // Every host MSAL may rewrite it to, too (China's partner alias).
            for host in cloud.sign_in_hosts() {
                let mut a = String::from(*host);
                a.push_str("/contoso.example");
                assert_eq!(misconfiguration_message(&a, &[], None), None, "{a}");
            }
        }
        assert!(misconfiguration_message("https://login.example.cn/t", &[], None).is_some());
        // IPv6 loopback with a port.
        let m =
            misconfiguration_message("https://[::1]:8443/t", &k(&["[::1]"]), Some("OIDC")).unwrap();
        assert!(
            m.contains("lists \"[::1]\" but the authority is \"[::1]:8443\""),
            "{m}"
        );
        assert!(is_configuration_error("endpoints_resolution_error"));
        assert!(!is_configuration_error("user_cancelled"));
    }

    #[test]
    fn msal_codes() {
        let cases = [
            ("user_cancelled", ErrorCode::SignInCancelled),
            ("access_denied", ErrorCode::SignInCancelled),
            ("interaction_in_progress", ErrorCode::InteractionInProgress),
            ("popup_window_error", ErrorCode::PopupBlocked),
            ("empty_window_error", ErrorCode::PopupBlocked),
            ("monitor_window_timeout", ErrorCode::SignInFailed),
            ("authority_uri_insecure", ErrorCode::SignInFailed),
            (UNINITIALIZED, ErrorCode::InvalidOptions),
            ("", ErrorCode::SignInFailed),
        ];
        for (msal, ours) in cases {
            assert_eq!(error_code_for(msal), ours, "{msal}");
            assert!(message_for(ours).ends_with('.'));
        }
        assert_eq!(ErrorCode::SignInCancelled.as_str(), "signInCancelled");
        assert_eq!(ErrorCode::PopupBlocked.as_str(), "popupBlocked");
        assert!(message_for(ErrorCode::InvalidOptions).contains("await instance.initialize()"));
    }

    #[test]
    fn interaction_required() {
        assert!(is_interaction_required(
            "InteractionRequiredAuthError",
            "anything"
        ));
        assert!(is_interaction_required(
            "BrowserAuthError",
            "no_tokens_found"
        ));
        assert!(is_interaction_required("ServerError", "consent_required"));
        assert!(!is_interaction_required(
            "BrowserAuthError",
            "user_cancelled"
        ));
        assert!(!is_interaction_required("ClientAuthError", "network_error"));
    }

    #[test]
    fn checks() {
        assert_eq!(check_tenant("organizations"), Ok("organizations"));
        assert_eq!(
            check_tenant("contoso.onmicrosoft.com"),
            Ok("contoso.onmicrosoft.com")
        );
        assert_eq!(
            check_tenant("72f988bf-86f1-41af-91ab-2d7cd011db47"),
            Ok("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        for bad in ["", "a/b", "x?y", "spa ce"] {
            assert_eq!(
                check_tenant(bad).unwrap_err().code,
                ErrorCode::InvalidOptions
            );
        }
        assert!(check_client_id("00000000-0000-0000-0000-000000000000").is_ok());
        assert!(check_client_id("").is_err() && check_client_id("a b").is_err());
        assert_eq!(
            authority_for(Cloud::UsGovDod, "contoso"),
            "https://login.microsoftonline.us/contoso"
        );
        assert_eq!(
            authority_for(Cloud::China, "organizations"),
            "https://login.chinacloudapi.cn/organizations"
        );
        assert!(check_authority("https://127.0.0.1:8443/sim-tenant").is_ok());
        assert!(check_authority("HTTPS://login.example/t").is_ok());
        for bad in [
            "http://login.example/t",
            "https://",
            "ftp://x",
            "https://a b",
        ] {
            assert!(check_authority(bad).is_err(), "{bad}");
        }
        assert_eq!(check_interaction("popup"), Ok(true));
        assert_eq!(check_interaction("redirect"), Ok(false));
        assert!(check_interaction("iframe").is_err());
    }
}
