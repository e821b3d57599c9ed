//! Bytes from the network as text.

#[allow(unused_imports)]
use crate::prelude::*;

/// `String::from_utf8_lossy`, on the validator the crate links anyway (the std one brings
/// its own, about 0.4 KB gzip in the wasm): each maximal invalid sequence, or a sequence
/// cut off at the end (the body cap may split a character), becomes one U+FFFD.
pub fn utf8_lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match core::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
                out.push_str(core::str::from_utf8(good).unwrap_or_default());
                out.push('\u{FFFD}');
                let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len());
                bytes = bytes.get(skip..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::utf8_lossy;

    #[test]
    fn same_as_std() {
        let cases: &[&[u8]] = &[
            b"",
            b"plain",
            "é 😀 \u{feff}".as_bytes(),
            b"\xff",
            b"a\xffb",
            b"\xe2\x82",
            b"ok \xe2\x82",
            b"\xf0\x9f\x98",
            b"\xed\xa0\x80",
            b"\xc0\x80x",
            b"\x80\x80\x80",
            b"\xf5\x80",
        ];
        for c in cases {
            assert_eq!(utf8_lossy(c), String::from_utf8_lossy(c), "{c:?}");
        }
        // Every 1-, 2- and 3-byte sequence of a few interesting bytes.
        let bytes = [
            0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff,
        ];
        for &a in &bytes {
            for &b in &bytes {
                for &c in &bytes {
                    for s in [&[a][..], &[a, b], &[a, b, c]] {
                        assert_eq!(utf8_lossy(s), String::from_utf8_lossy(s), "{s:?}");
                    }
                }
            }
        }
    }
}
