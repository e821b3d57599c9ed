//! Reading JSON bodies through the platform's own parser, and writing result objects.
//!
//! Graph's answers are read by the engine's `JSON.parse` in the wasm (no JSON parser in
//! the download) and by `serde_json` in host tests and fuzzing: the model reads a parsed
//! document only through the small [`Json`] trait, and [`Doc`] is the implementation of
//! the target. Only a few members of small documents are ever read, so each lookup may
//! cross into JS; nothing walks a whole document.

#[allow(unused_imports)]
use crate::prelude::*;

/// A parsed JSON value, as the model reads it. Lookups return owned handles (a JS value
/// is a handle; the host implementation clones the small subtree).
///
/// Both implementations follow `JSON.parse`: a document is exactly one value (surrounding
/// JSON whitespace allowed, a byte-order mark not); a duplicated member keeps the last
/// value. Where they may differ, and no decision of the model depends on it: a lone UTF-16
/// surrogate escape (`JSON.parse` accepts it and the wasm reads U+FFFD; `serde_json`
/// refuses the document), nesting beyond `serde_json`'s 128 levels (refused on the host),
/// and which of several members differing only in ASCII case [`Json::get_ci`] finds.
pub trait Json: Sized {
    /// Parses a whole document; `None` when the text is not one JSON value.
    fn parse(text: &str) -> Option<Self>;
    /// The member `key` of an object (exact match); `None` for a missing member or when
    /// this is not an object. A member whose value is `null` is `Some`.
    fn get(&self, key: &str) -> Option<Self>;
    /// The member `key` of an object, ignoring ASCII case (an exact match first).
    fn get_ci(&self, key: &str) -> Option<Self>;
    /// The string value, if this is a string.
    fn string(&self) -> Option<String>;
    /// The number value, if this is a number.
    fn number(&self) -> Option<f64>;
    /// Whether this is an object (not an array, not `null`).
    fn is_object(&self) -> bool;
    /// The elements, if this is an array.
    fn items(&self) -> Option<Vec<Self>>;
}

/// The [`Json`] of this target: `JSON.parse` in the wasm.
#[cfg(target_arch = "wasm32")]
pub type Doc = crate::wasm::json::JsJson;

/// The [`Json`] of this target: `serde_json` on the host (tests, fuzzing, clippy).
#[cfg(not(target_arch = "wasm32"))]
pub type Doc = HostJson;

/// Parses `text` with the target's parser.
pub fn parse(text: &str) -> Option<Doc> {
    <Doc as Json>::parse(text)
}

/// [`Json`] over `serde_json::Value`, for host builds.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, PartialEq)]
pub struct HostJson(pub serde_json::Value);

#[cfg(not(target_arch = "wasm32"))]
impl Json for HostJson {
    fn parse(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok().map(HostJson)
    }
    fn get(&self, key: &str) -> Option<Self> {
        self.0.as_object()?.get(key).cloned().map(HostJson)
    }
    fn get_ci(&self, key: &str) -> Option<Self> {
        let m = self.0.as_object()?;
        m.get(key)
            .or_else(|| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .cloned()
            .map(HostJson)
    }
    fn string(&self) -> Option<String> {
        self.0.as_str().map(Into::into)
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn is_object(&self) -> bool {
        self.0.is_object()
    }
    fn items(&self) -> Option<Vec<Self>> {
        Some(self.0.as_array()?.iter().cloned().map(HostJson).collect())
    }
}

/// The value of one member of a flat result object. A result type declares its keys and
/// their values in the documented order; they are written as the JSON object of host
/// tests and device reports ([`object_json`]) and as what the wasm hands to its JS builder
/// ([`values_json`] and the string arguments), which needs no key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// A string the glue passes to JS as an argument of its own; the same `&'static`
    /// text is made into a JS string once (an enum's name, a fixed message).
    Name(&'static str),
    /// Like [`Field::Name`], for text made for this object.
    Text(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// A whole number or `null`.
    Num(Option<u32>),
    /// A string or `null`.
    Str(Option<&'a str>),
    /// A time (ms since the epoch) as ISO 8601 UTC, or `null`.
    Time(Option<f64>),
    /// `true`, and the member present only then.
    Flag(bool),
}

impl<'a> Field<'a> {
    /// An optional string member ([`Field::Str`] of the value, or `null`).
    pub fn opt(v: &'a Option<String>) -> Field<'a> {
        Field::Str(v.as_deref())
    }

    /// Whether the glue passes it as a string argument rather than in the values array.
    pub fn is_arg(&self) -> bool {
        matches!(self, Field::Name(_) | Field::Text(_))
    }

    fn write(&self, out: &mut String) {
        match *self {
            Field::Name(s) | Field::Text(s) | Field::Str(Some(s)) => push_string(out, s),
            Field::Bool(b) | Field::Flag(b) => out.push_str(if b { "true" } else { "false" }),
            Field::Num(Some(n)) => out.push_str(&super::time::decimal(u64::from(n))),
            Field::Time(Some(ms)) => push_string(out, &super::time::format_iso(ms)),
            Field::Num(None) | Field::Str(None) | Field::Time(None) => out.push_str("null"),
        }
    }
}

/// `keys` and their `values` as one JSON object (a [`Field::Flag`] only when true).
pub fn object_json(keys: &[&str], values: &[Field<'_>]) -> String {
    let mut out = String::with_capacity(384);
    for (key, field) in keys.iter().zip(values) {
        if *field == Field::Flag(false) {
            continue;
        }
        out.push(if out.is_empty() { '{' } else { ',' });
        push_string(&mut out, key);
        out.push(':');
        field.write(&mut out);
    }
    if out.is_empty() {
        out.push('{');
    }
    out.push('}');
    out
}

/// The values of the members that are not string arguments, in order, as one JSON array:
/// no keys, no fixed texts, so the string that crosses into JS is about a third of the
/// object's (the UTF-8 decode and `JSON.parse` of each result were half of a call's CPU
/// beyond a plain `fetch`).
pub fn values_json(values: &[Field<'_>]) -> String {
    let mut out = String::with_capacity(160);
    out.push('[');
    for field in values.iter().filter(|f| !f.is_arg()) {
        if out.len() > 1 {
            out.push(',');
        }
        field.write(&mut out);
    }
    out.push(']');
    out
}

/// Writes one flat JSON object, field by field: `describeToken`'s report and the device
/// reports cross into JS as one string and one `JSON.parse`, instead of a boundary
/// crossing per field (the sync results use [`values_json`] and a JS builder).
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

/// Appends `s` as a JSON string literal. Runs of bytes that need no escape are copied
/// whole (a result is written on every call; char-by-char pushing was its largest cost).
fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)
    {
        // `i` is an ASCII byte's index, so both slices fall on char boundaries.
        let (run, tail) = (
            rest.get(..i).unwrap_or_default(),
            rest.get(i..).unwrap_or_default(),
        );
        out.push_str(run);
        let b = tail.as_bytes().first().copied().unwrap_or_default();
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        rest = tail.get(1..).unwrap_or_default();
    }
    out.push_str(rest);
    out.push('"');
}

/// The behaviour both [`Json`] implementations must share, as a table: the host runs it
/// in `cargo test`, the wasm tests run it over `JSON.parse` (tests/node.rs). `Err` names
/// the first case that differs.
#[doc(hidden)]
pub fn conformance() -> Result<(), String> {
    let fail = |what: &str, input: &str| {
        let mut m = String::from(what);
        m.push_str(": ");
        m.push_str(input);
        Err(m)
    };
    for bad in [
        "",
        "{",
        r#"{"a":1"#,
        r#"{"a" 1}"#,
        "[1,]",
        "01x",
        "1.",
        "tru",
        r#""\x""#,
        "\"a\nb\"",
        "{} {}",
        "<html></html>",
        "\u{feff}{}",
        "{'a':1}",
        "NaN",
    ] {
        if parse(bad).is_some() {
            return fail("accepted", bad);
        }
    }
    let text = r#" {"s":"a\"b\\c\u00e9\ud83d\ude00","n":-1.5e3,"z":null,"t":true,
        "o":{"Code":"x","k":[1,"y",{}]},"d":1,"d":2,"ErrorCode":"E"} "#;
    let Some(doc) = parse(text) else {
        return fail("refused", text);
    };
    let o = doc.get("o");
    let k = o.as_ref().and_then(|o| o.get("k")).and_then(|k| k.items());
    let checks = [
        (
            "string",
            doc.get("s").and_then(|v| v.string()).as_deref() == Some("a\"b\\cé😀"),
        ),
        (
            "number",
            doc.get("n").and_then(|v| v.number()) == Some(-1500.0),
        ),
        (
            "null member present",
            doc.get("z")
                .is_some_and(|v| v.string().is_none() && !v.is_object()),
        ),
        ("missing member", doc.get("missing").is_none()),
        (
            "bool is no string or number",
            doc.get("t")
                .is_some_and(|v| v.string().is_none() && v.number().is_none()),
        ),
        (
            "object",
            doc.is_object() && o.as_ref().is_some_and(Json::is_object),
        ),
        (
            "array is not an object",
            o.as_ref()
                .and_then(|o| o.get("k"))
                .is_some_and(|v| !v.is_object()),
        ),
        ("items", k.as_ref().map(Vec::len) == Some(3)),
        (
            "item types",
            k.as_ref().is_some_and(|k| {
                k[0].number() == Some(1.0)
                    && k[1].string().as_deref() == Some("y")
                    && k[2].is_object()
            }),
        ),
        ("no items of an object", doc.items().is_none()),
        (
            "duplicate keeps the last",
            doc.get("d").and_then(|v| v.number()) == Some(2.0),
        ),
        ("exact key only", doc.get("errorcode").is_none()),
        (
            "ci lookup",
            doc.get_ci("errorcode").and_then(|v| v.string()).as_deref() == Some("E"),
        ),
        (
            "ci lookup prefers exact",
            o.as_ref()
                .and_then(|o| o.get_ci("code"))
                .and_then(|v| v.string())
                .as_deref()
                == Some("x"),
        ),
        (
            "no member of a string",
            doc.get("s")
                .is_some_and(|s| s.get("length").is_none() && s.get_ci("length").is_none()),
        ),
        (
            "no member of an array",
            o.as_ref()
                .and_then(|o| o.get("k"))
                .is_some_and(|a| a.get("0").is_none() && a.get("length").is_none()),
        ),
        (
            "scalar document",
            parse("42").and_then(|v| v.number()) == Some(42.0),
        ),
    ];
    for (name, ok) in checks {
        if !ok {
            return fail("differs", name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{conformance, object_json, parse, values_json, Field, Json, ObjectWriter};

    #[test]
    fn fields_as_an_object_and_as_the_builder_values() {
        let keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        let fields = [
            Field::Bool(true),
            Field::Name("fixed"),
            Field::Num(Some(540)),
            Field::Num(None),
            Field::Text("made \"here\""),
            Field::Str(Some("x\n")),
            Field::Str(None),
            Field::Time(Some(1_795_000_000_000.0)),
            Field::Time(None),
            Field::Flag(false),
        ];
        assert_eq!(
            object_json(&keys, &fields),
            r#"{"a":true,"b":"fixed","c":540,"d":null,"e":"made \"here\"","f":"x\n","g":null,"h":"2026-11-18T11:06:40.000Z","i":null}"#
        );
        assert_eq!(
            values_json(&fields),
            r#"[true,540,null,"x\n",null,"2026-11-18T11:06:40.000Z",null,false]"#
        );
        let flagged = [Field::Flag(true)];
        assert_eq!(object_json(&["k"], &flagged), r#"{"k":true}"#);
        assert_eq!(values_json(&flagged), "[true]");
        assert_eq!(object_json(&[], &[]), "{}");
        assert_eq!(values_json(&[]), "[]");
    }

    #[test]
    fn writes_objects_that_parse_back() {
        let s = "quote \" back \\ nl \n tab \t ctl \u{1} é 😀 <img src=x>";
        let text = ObjectWriter::new()
            .bool("ok", false)
            .str("s", s)
            .opt_str("none", None)
            .raw("n", "540")
            .raw("m", "null")
            .opt_str_list("l", Some(&["a".into(), "\"".into()]))
            .finish();
        let v = parse(&text).expect("valid JSON");
        assert_eq!(v.get("s").and_then(|x| x.string()).as_deref(), Some(s));
        assert_eq!(v.get("n").and_then(|x| x.number()), Some(540.0));
        assert!(v.get("none").is_some_and(|x| x.string().is_none()));
        assert_eq!(v.get("l").and_then(|x| x.items()).map(|l| l.len()), Some(2));
        assert_eq!(
            text,
            r#"{"ok":false,"s":"quote \" back \\ nl \n tab \t ctl \u0001 é 😀 <img src=x>","none":null,"n":540,"m":null,"l":["a","\""]}"#
        );
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    #[test]
    fn host_reader_conforms() {
        assert_eq!(conformance(), Ok(()));
    }

    #[test]
    fn refuses_deep_nesting_without_overflow() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_none());
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(parse(&ok).is_some());
    }
}
