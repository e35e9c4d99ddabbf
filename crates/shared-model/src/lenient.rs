//! Tolerant serde helpers for Dapodik Web Service values.
//!
//! Different Dapodik builds (and the ORM's column types) disagree on whether ids and codes
//! are JSON numbers or strings. Our types store every such value as a canonical `String`
//! (`5` and `"5"` both become `"5"`), so re-serialised rows are consistent whatever build
//! produced them. Structural mismatches (an object or array where a scalar is expected)
//! are errors: the district server relies on that to reject wrong-typed rows.
//!
//! Use with `#[serde(deserialize_with = "…")]`; the `opt_*` variants also need
//! `#[serde(default)]` so a missing key is `None`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Canonical text of a JSON number (`5` → `"5"`, `-7.25` → `"-7.25"`).
fn float_text(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
}

/// Visitor for a scalar rendered as text (`null` is refused here).
#[derive(Clone, Copy)]
struct ScalarText;

impl<'de> Visitor<'de> for ScalarText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(float_text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Visitor wrapping another one: `null`/unit ⇒ `None`, anything else ⇒ `Some(inner)`.
struct Nullable<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Nullable<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(" or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self.0).map(Some)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.0.visit_str(v).map(Some)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.0.visit_string(v).map(Some)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.0.visit_i64(v).map(Some)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.0.visit_u64(v).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.0.visit_f64(v).map(Some)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.0.visit_bool(v).map(Some)
    }
}

/// Required text value: accepts a JSON string, number or boolean; `null` is an error.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(ScalarText)
}

/// Optional text value: `null` or a missing key (with `#[serde(default)]`) ⇒ `None`;
/// `""` stays `Some("")`; numbers and booleans become their canonical text.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(Nullable(ScalarText))
}

#[derive(Clone, Copy)]
struct LenientBool;

fn bool_from_text<E: de::Error>(v: &str) -> Result<Option<bool>, E> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "1" | "true" | "t" => Ok(Some(true)),
        "0" | "false" | "f" => Ok(Some(false)),
        _ => Err(E::invalid_value(de::Unexpected::Str(v), &"a boolean")),
    }
}

impl<'de> Visitor<'de> for LenientBool {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean (true/false, 1/0, \"1\"/\"0\", \"true\"/\"false\")")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        bool_from_text(v)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Optional boolean: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"`, `"t"`/`"f"`
/// (PostgreSQL text form); `null`, `""` or missing ⇒ `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(LenientBool)
}

/// Required boolean (same spellings as [`opt_bool`]); `null`/`""` is an error.
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d)?.ok_or_else(|| de::Error::custom("expected a boolean, found null"))
}

#[derive(Clone, Copy)]
struct LenientInt;

impl<'de> Visitor<'de> for LenientInt {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a numeric string")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(Some(v as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Some(n));
        }
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() => self.visit_f64(f),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Optional integer from a JSON number or a numeric string (`"20"`, `" 20 "`, `"20.0"`);
/// `null`, `""` or missing ⇒ `None`; other text is an error.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(LenientInt)
}

/// Required integer (same spellings as [`opt_i64`]); `null`/`""` is an error.
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    opt_i64(d)?.ok_or_else(|| de::Error::custom("expected an integer, found null"))
}

/// A nested list where `null` or a missing key (with `#[serde(default)]`) means empty.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Parse a code such as `"92"`, `92`, `" 92 "` or `"92.0"` as a number.
pub fn code_number(code: &str) -> Option<i64> {
    let t = code.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        _ => None,
    }
}

/// `true` for a canonical UUID text (`8-4-4-4-12` hex digits, any case).
pub fn is_uuid(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `true` when the optional text is missing or only whitespace.
pub fn is_blank(v: Option<&str>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        #[serde(deserialize_with = "string")]
        id: String,
        #[serde(default, deserialize_with = "opt_string")]
        code: Option<String>,
        #[serde(default, deserialize_with = "opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
    }

    fn row(v: serde_json::Value) -> Result<Row, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn scalars_become_canonical_text() {
        let a = row(json!({"id": 5, "code": 471, "flag": "1", "n": "20"})).unwrap();
        let b = row(json!({"id": "5", "code": "471", "flag": true, "n": 20})).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.id, "5");
        assert_eq!(row(json!({"id": -7.25})).unwrap().id, "-7.25");
        assert_eq!(row(json!({"id": true})).unwrap().id, "true");
    }

    #[test]
    fn null_missing_and_empty() {
        let r = row(json!({"id": "x", "code": null, "flag": null, "n": null})).unwrap();
        assert_eq!((r.code, r.flag, r.n), (None, None, None));
        let r = row(json!({"id": "x"})).unwrap();
        assert_eq!((r.code, r.flag, r.n), (None, None, None));
        let r = row(json!({"id": "x", "code": "", "flag": "", "n": ""})).unwrap();
        assert_eq!((r.code.as_deref(), r.flag, r.n), (Some(""), None, None));
    }

    #[test]
    fn structural_mismatch_is_an_error() {
        assert!(row(json!({"id": null})).is_err());
        assert!(row(json!({})).is_err());
        assert!(row(json!({"id": {"a": 1}})).is_err());
        assert!(row(json!({"id": "x", "code": [1]})).is_err());
        assert!(row(json!({"id": "x", "flag": "maybe"})).is_err());
        assert!(row(json!({"id": "x", "flag": 2})).is_err());
        assert!(row(json!({"id": "x", "n": "abc"})).is_err());
        assert!(row(json!({"id": "x", "n": 1.5})).is_err());
    }

    #[test]
    fn helpers() {
        assert_eq!(code_number(" 92 "), Some(92));
        assert_eq!(code_number("92.0"), Some(92));
        assert_eq!(code_number("x"), None);
        assert!(is_uuid("0628a8ac-849e-5faf-a2a1-b42353bd93bd"));
        assert!(!is_uuid("Belum masuk ke dalam rombongan belajar"));
        assert!(is_blank(Some("  ")) && is_blank(None) && !is_blank(Some("1")));
    }
}
