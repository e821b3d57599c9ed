//! Checks on the token and the per-call scalar options (`timeoutMs`, `clientRequestId`).

#[allow(unused_imports)]
use crate::prelude::*;

use super::bounds::MAX_TOKEN_BYTES;
use super::errors::{ErrorCode, UsageError};
use super::time::ceil;

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
    if t.len() > MAX_TOKEN_BYTES {
        return bad("is longer than 16 KB (16,384 characters), so it was not sent; no access token is that long");
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
    Ok(ceil(ms).min(MAX_TIMEOUT_MS) as u32)
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
        // The bound: 16 KB is sent, one byte more (or a megabyte) is refused.
        let big = "a".repeat(MAX_TOKEN_BYTES);
        assert_eq!(check_token(&big).map(str::len), Ok(MAX_TOKEN_BYTES));
        assert_eq!(
            check_token(&["Bearer ", &big, " "].concat()).map(str::len),
            Ok(MAX_TOKEN_BYTES)
        );
        for n in [MAX_TOKEN_BYTES + 1, 1 << 20] {
            let e = check_token(&"a".repeat(n)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidToken);
            assert!(
                e.message.contains("16 KB") && !e.message.contains("aaaa"),
                "{}",
                e.message
            );
        }
        // The message never echoes the token.
        let e = check_token("secret value").unwrap_err();
        assert!(!e.message.contains("secret") && !format!("{e:?}").contains("secret"));
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
}
