//! A small, panic-free JSON reader for Graph error bodies and the sync-state object.
//!
//! `serde_json` would cost tens of kilobytes of wasm; Graph's answers here are tiny and
//! only a few string fields matter. Numbers are kept as their source text.

#[allow(unused_imports)]
use crate::prelude::*;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in source order (duplicates kept; lookups take the first).
    Obj(Vec<(String, Json)>),
}

/// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

impl Json {
    /// Parses a whole document; `None` when it is not exactly one JSON value.
    pub fn parse(text: &str) -> Option<Json> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        if p.i == p.s.len() {
            Some(v)
        } else {
            None
        }
    }

    /// The member `key` of an object (exact match).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key` of an object, ignoring ASCII case.
    pub fn get_ci(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_obj(&self) -> bool {
        matches!(self, Json::Obj(_))
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &[u8], v: Json) -> Option<Json> {
        if self.s.get(self.i..self.i + word.len())? == word {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::Str),
            b't' => self.lit(b"true", Json::Bool(true)),
            b'f' => self.lit(b"false", Json::Bool(false)),
            b'n' => self.lit(b"null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(Json::Obj(members));
        }
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(Json::Obj(members));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Json::Arr(items));
                }
                _ => return None,
            }
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        if self.i == int_start {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let f = self.i;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
            if self.i == f {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            let e = self.i;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
            if self.i == e {
                return None;
            }
        }
        let text = core::str::from_utf8(self.s.get(start..self.i)?).ok()?;
        Some(Json::Num(text.into()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = (self.peek()? as char).to_digit(16)?;
            v = v * 16 + d;
            self.i += 1;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let b = self.peek()?;
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate must be followed by an escaped low one.
                                if self.s.get(self.i..self.i + 2)? != b"\\u" {
                                    return None;
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => return None,
                _ => out.push(b),
            }
        }
    }
}

/// Writes one flat JSON object, field by field: the result objects cross into JS as one
/// string and one `JSON.parse`, instead of a boundary crossing per field.
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> ObjectWriter {
        ObjectWriter {
            out: String::with_capacity(384),
        }
    }

    fn key(&mut self, key: &str) {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        push_string(&mut self.out, key);
        self.out.push(':');
    }

    /// `"key": "value"`.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        push_string(&mut self.out, value);
        self
    }

    /// `"key": "value"` or `"key": null`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// `"key": true|false`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// `"key": 123` or `"key": null`.
    pub fn opt_num(&mut self, key: &str, value: Option<u32>) -> &mut Self {
        match value {
            Some(v) => {
                let digits = super::time::decimal(u64::from(v));
                self.raw(key, &digits)
            }
            None => self.raw(key, "null"),
        }
    }

    /// `"key": <json>` with `json` already a JSON value (a nested array or object).
    pub fn raw_json(&mut self, key: &str, json: &str) -> &mut Self {
        self.raw(key, json)
    }

    /// `"key": true|false` or `"key": null`.
    pub fn opt_bool(&mut self, key: &str, value: Option<bool>) -> &mut Self {
        match value {
            Some(v) => self.bool(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// `"key": ["a", "b"]` or `"key": null`.
    pub fn opt_str_list(&mut self, key: &str, value: Option<&[String]>) -> &mut Self {
        let Some(items) = value else {
            return self.raw(key, "null");
        };
        self.key(key);
        self.out.push('[');
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            push_string(&mut self.out, v);
        }
        self.out.push(']');
        self
    }

    /// `"key": <json>`, the value already JSON text.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.out.push_str(json);
        self
    }

    /// The finished document.
    pub fn finish(&mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        core::mem::take(&mut self.out)
    }
}

/// Appends `s` as a JSON string literal.
fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::{Json, ObjectWriter};

    #[test]
    fn writes_objects_that_parse_back() {
        let text = ObjectWriter::new()
            .bool("ok", false)
            .str(
                "s",
                "quote \" back \\ nl \n tab \t ctl \u{1} é 😀 <img src=x>",
            )
            .opt_str("none", None)
            .opt_num("n", Some(540))
            .opt_num("m", None)
            .finish();
        assert_eq!(
            Json::parse(&text),
            Some(Json::Obj(vec![
                ("ok".into(), Json::Bool(false)),
                (
                    "s".into(),
                    Json::Str("quote \" back \\ nl \n tab \t ctl \u{1} é 😀 <img src=x>".into())
                ),
                ("none".into(), Json::Null),
                ("n".into(), Json::Num("540".into())),
                ("m".into(), Json::Null),
            ]))
        );
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    #[test]
    fn parses_documents() {
        let cases: &[(&str, Option<Json>)] = &[
            ("null", Some(Json::Null)),
            (" true ", Some(Json::Bool(true))),
            ("-1.5e3", Some(Json::Num("-1.5e3".into()))),
            (
                r#""a\"b\\c\u00e9\ud83d\ude00""#,
                Some(Json::Str("a\"b\\cé😀".into())),
            ),
            (
                "[1, \"x\"]",
                Some(Json::Arr(vec![
                    Json::Num("1".into()),
                    Json::Str("x".into()),
                ])),
            ),
            (
                r#"{"a":{}}"#,
                Some(Json::Obj(vec![("a".into(), Json::Obj(vec![]))])),
            ),
            ("", None),
            ("{", None),
            (r#"{"a":1"#, None),
            (r#"{"a" 1}"#, None),
            ("[1,]", None),
            ("01x", None),
            ("1.", None),
            ("tru", None),
            (r#""\ud83d""#, None),
            (r#""\x""#, None),
            ("\"a\nb\"", None),
            ("{} {}", None),
            ("<html></html>", None),
        ];
        for (text, want) in cases {
            assert_eq!(&Json::parse(text), want, "input {text:?}");
        }
    }

    #[test]
    fn refuses_deep_nesting_without_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(Json::parse(&deep), None);
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(Json::parse(&ok).is_some());
    }

    #[test]
    fn lookups() {
        let v = Json::parse(r#"{"Code":"x","code":"y","n":1}"#).unwrap();
        assert_eq!(v.get("code").and_then(Json::as_str), Some("y"));
        assert_eq!(v.get_ci("CODE").and_then(Json::as_str), Some("x"));
        assert_eq!(v.get("n").and_then(Json::as_str), None);
        assert!(v.is_obj());
        assert_eq!(Json::Null.get("a"), None);
    }
}
