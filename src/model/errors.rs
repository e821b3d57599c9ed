//! The errors a caller can get before anything is sent ([`UsageError`], whose `code`
//! becomes `SyncError.code` in JS) and the messages that explain option mistakes.

#[allow(unused_imports)]
use crate::prelude::*;

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
    /// A failure inside the library or in a host function it calls (an overridden global
    /// that throws); the original is the error's `cause`.
    InternalError,
    /// `syncTenants` was aborted before this tenant finished (`cause` holds the reason).
    Aborted,
    /// `autopilot-sync/msal` could not load `@azure/msal-browser` (an optional peer
    /// dependency); `cause` holds the import error.
    MsalUnavailable,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::InvalidToken,
        ErrorCode::InvalidOptions,
        ErrorCode::TokenUnavailable,
        ErrorCode::WaitTimeout,
        ErrorCode::SignInFailed,
        ErrorCode::SignInCancelled,
        ErrorCode::InteractionInProgress,
        ErrorCode::PopupBlocked,
        ErrorCode::InternalError,
        ErrorCode::Aborted,
        ErrorCode::MsalUnavailable,
    ];

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
            ErrorCode::InternalError => "internalError",
            ErrorCode::Aborted => "aborted",
            ErrorCode::MsalUnavailable => "msalUnavailable",
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
    pub(crate) fn options(message: impl Into<String>) -> UsageError {
        UsageError::new(ErrorCode::InvalidOptions, message)
    }
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
    fn error_codes() {
        assert_eq!(ErrorCode::InvalidToken.as_str(), "invalidToken");
        assert_eq!(ErrorCode::InvalidOptions.as_str(), "invalidOptions");
    }
}
