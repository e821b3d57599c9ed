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

/// Our code for an MSAL `errorCode`. `access_denied` is what Entra ID's authorize
/// endpoint answers when the user declines or cancels on its pages.
pub fn error_code_for(msal_code: &str) -> ErrorCode {
    match msal_code {
        "user_cancelled" | "access_denied" => ErrorCode::SignInCancelled,
        "interaction_in_progress" => ErrorCode::InteractionInProgress,
        "popup_window_error" | "empty_window_error" => ErrorCode::PopupBlocked,
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
        _ => "Sign-in with Microsoft failed; errorCode and cause hold MSAL's details.",
    }
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
    fn msal_codes() {
        let cases = [
            ("user_cancelled", ErrorCode::SignInCancelled),
            ("access_denied", ErrorCode::SignInCancelled),
            ("interaction_in_progress", ErrorCode::InteractionInProgress),
            ("popup_window_error", ErrorCode::PopupBlocked),
            ("empty_window_error", ErrorCode::PopupBlocked),
            ("monitor_window_timeout", ErrorCode::SignInFailed),
            ("authority_uri_insecure", ErrorCode::SignInFailed),
            ("", ErrorCode::SignInFailed),
        ];
        for (msal, ours) in cases {
            assert_eq!(error_code_for(msal), ours, "{msal}");
            assert!(message_for(ours).ends_with('.'));
        }
        assert_eq!(ErrorCode::SignInCancelled.as_str(), "signInCancelled");
        assert_eq!(ErrorCode::PopupBlocked.as_str(), "popupBlocked");
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
