//! JSON text exactly as PHP's `json_encode` writes it with default flags.
//!
//! Dapodik builds its bodies with `json_encode($arr)`, so on the wire:
//! * output is compact (no spaces),
//! * `/` is escaped as `\/`,
//! * every non-ASCII character becomes `\uXXXX` (lowercase hex, UTF-16 surrogate
//!   pairs above U+FFFF),
//! * `<`, `>`, `&` and `'` are left alone (no `JSON_HEX_*` flags).

use serde_json::{Map, Value};

/// Encodes a value the way PHP `json_encode` does.
pub fn encode(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map),
    }
}

fn write_object(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        write_value(out, v);
    }
    out.push('}');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_u16_escape(out: &mut String, unit: u16) {
    out.push_str("\\u");
    for shift in [12u16, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xf)] as char);
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => push_u16_escape(out, c as u16),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    push_u16_escape(out, *unit);
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_like_php() {
        let v = json!({"a": "RT 02/RW 05", "b": "Nur’aini é 🙂", "c": "x\"y\\z\n\u{1}", "d": [1, null, true], "e": {}});
        assert_eq!(
            encode(&v),
            r#"{"a":"RT 02\/RW 05","b":"Nur\u2019aini \u00e9 \ud83d\ude42","c":"x\"y\\z\n\u0001","d":[1,null,true],"e":{}}"#
        );
    }

    #[test]
    fn round_trips_through_serde() {
        let v = json!({"k": "Pesuruh/Office Boy ©", "n": 900010000, "s": "<a href='x'>&</a>"});
        let text = encode(&v);
        assert!(text.contains("<a href='x'>&<\\/a>"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
