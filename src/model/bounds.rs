//! Bounds on what flows through the library: how long a token may be, how much of a
//! value copied from the network reaches a result, and the token's removal from anything
//! a server echoes. A hostile or broken server cannot make a result hold megabytes or the
//! caller's secret.

#[allow(unused_imports)]
use crate::prelude::*;

/// The longest token sent, in bytes (Entra ID access tokens are 1–3 KB; a header this
/// large is refused by most servers anyway).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// The most characters of an id, code or date copied from a response into a result.
pub const MAX_FIELD_CHARS: usize = 256;
/// The most characters of a Graph error message copied into a result.
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// What replaces the token (or a long part of it) in echoed text.
pub const REDACTED: &str = "[redacted]";
/// Parts of a token between dots at least this long are redacted on their own (a server
/// may echo only the payload or the signature of a JWT).
const MIN_SECRET_PART: usize = 16;

/// The byte offset where character `n` of `s` starts (`s.len()` when it has fewer).
/// Byte arithmetic, not `char_indices`: this is on every result's path and in the wasm.
fn char_start(s: &str, n: usize) -> usize {
    let mut seen = 0;
    for (i, b) in s.bytes().enumerate() {
        if b & 0xc0 != 0x80 {
            if seen == n {
                return i;
            }
            seen += 1;
        }
    }
    s.len()
}

/// `s` cut to at most `max` characters; a cut value ends with `…` (counted in `max`).
pub fn cap(s: &str, max: usize) -> String {
    if char_start(s, max) == s.len() {
        return s.into();
    }
    let mut out = String::from(&s[..char_start(s, max - 1)]);
    out.push('…');
    out
}

/// `s` with every occurrence of `token`, and of each of its dot-separated parts of
/// [`MIN_SECRET_PART`] characters or more, replaced by [`REDACTED`]. A plain byte search
/// (the token is ASCII, so a match always lies on character boundaries).
pub fn redact(s: &str, token: &str) -> String {
    let mut out = String::from(s);
    let parts = token.split('.').filter(|p| p.len() >= MIN_SECRET_PART);
    for secret in core::iter::once(token).chain(parts) {
        let n = secret.len();
        if n == 0 || !secret.is_ascii() {
            continue;
        }
        let mut kept = String::new();
        let (mut i, mut from) = (0, 0);
        while i + n <= out.len() {
            let b = out.as_bytes();
            if b[i] == secret.as_bytes()[0] && &b[i..i + n] == secret.as_bytes() {
                kept.push_str(&out[from..i]);
                kept.push_str(REDACTED);
                i += n;
                from = i;
            } else {
                i += 1;
            }
        }
        if from > 0 {
            kept.push_str(&out[from..]);
            out = kept;
        }
    }
    out
}

/// A value copied from the network: the token removed, then cut to `max` characters.
/// Only what can survive the cut is searched (the first `max` characters, plus room for
/// a token that starts among them), so a 64 KB message costs no more than a short one.
pub fn scrub(v: &mut Option<String>, token: &str, max: usize) {
    if let Some(s) = v.as_mut() {
        let end = char_start(s, max + token.len());
        let mut kept = redact(&s[..end], token);
        if end < s.len() {
            kept.push('…');
        }
        *s = cap(&kept, max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 3, ""),
            ("abc", 3, "abc"),
            ("abcd", 3, "ab…"),
            ("ééééé", 4, "ééé…"),
            ("😀😀😀", 2, "😀…"),
            ("a😀", 2, "a😀"),
        ];
        for (s, max, want) in cases {
            assert_eq!(cap(s, *max), *want, "cap({s:?}, {max})");
            assert!(cap(s, *max).chars().count() <= *max);
        }
        let long = "x".repeat(10_000);
        assert_eq!(cap(&long, MAX_FIELD_CHARS).chars().count(), MAX_FIELD_CHARS);
        assert_eq!(
            cap(&long, MAX_MESSAGE_CHARS).chars().count(),
            MAX_MESSAGE_CHARS
        );
    }

    #[test]
    fn redaction() {
        let jwt =
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
        let cases: &[(&str, &str, &str)] = &[
            ("no secret here", "tok", "no secret here"),
            ("Bearer tok rejected", "tok", "Bearer [redacted] rejected"),
            ("tok tok", "tok", "[redacted] [redacted]"),
            ("anything", "", "anything"),
        ];
        for (s, t, want) in cases {
            assert_eq!(redact(s, t), *want);
        }
        let whole = redact(&["Token ", jwt, " is bad"].concat(), jwt);
        assert_eq!(whole, "Token [redacted] is bad");
        // Only the signature or only the payload echoed.
        let sig = jwt.rsplit('.').next().unwrap();
        assert_eq!(redact(&["sig=", sig].concat(), jwt), "sig=[redacted]");
        let payload = jwt.split('.').nth(1).unwrap();
        assert!(!redact(payload, jwt).contains(payload));
        // Short parts are not treated as secrets on their own.
        assert_eq!(redact("a.b and a", "a.b"), "[redacted] and a");
    }

    #[test]
    fn scrub_redacts_before_cutting() {
        // A token straddling the cut must not leave its first characters behind.
        let token = "S".repeat(100);
        let mut v = Some(["x".repeat(200), token.clone()].concat());
        scrub(&mut v, &token, 256);
        let v = v.unwrap();
        assert!(!v.contains("SSSS"), "{v}");
        assert!(v.ends_with(REDACTED));
        // A long value with the token early: redacted, and still marked as cut.
        let mut v = Some([token.as_str(), &"y".repeat(100_000)].concat());
        scrub(&mut v, &token, 256);
        let v = v.unwrap();
        assert!(
            v.starts_with(REDACTED) && v.ends_with('…') && v.chars().count() == 256,
            "{v}"
        );
        // Shortened by the redaction below the bound: the cut is still shown.
        let mut v = Some([token.as_str(), &"z".repeat(250), &"w".repeat(10_000)].concat());
        scrub(&mut v, &token, 256);
        let v = v.unwrap();
        assert!(v.ends_with('…') && v.chars().count() <= 256, "{v}");
        let mut none = None;
        scrub(&mut none, &token, 3);
        assert_eq!(none, None);
    }
}
