//! Turning one HTTP exchange with the Web Service into rows or a [`DapodikFailure`] (§2.4).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::failure::{ErrorMeaning, classify_error_message};
use super::{DapodikFailure, Endpoint, Sekolah};
use crate::lenient;

/// The error body `{"success":false,"http_code":403,"status_code":"Forbidden","message":…}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub success: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub http_code: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ErrorBody {
    /// Reads an error body out of a JSON value: an object whose `success` is false.
    pub fn from_value(value: &Value) -> Option<ErrorBody> {
        let obj = value.as_object()?;
        obj.get("success")?;
        let body: ErrorBody = serde_json::from_value(value.clone()).ok()?;
        (body.success == Some(false)).then_some(body)
    }

    /// What this body means (zero rows or a failure).
    pub fn meaning(&self) -> ErrorMeaning {
        let code = self.http_code.and_then(|c| u16::try_from(c).ok());
        classify_error_message(code, self.message.as_deref().unwrap_or_default())
    }
}

/// A successfully read endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// The rows (`getSekolah`'s object becomes a one-element list; empty for "Data … tidak
    /// ditemukan").
    pub rows: Vec<T>,
    /// The envelope's `results` (informational; never trusted over `rows`).
    pub results: Option<i64>,
    /// The server's `Data … tidak ditemukan` message when the endpoint was empty.
    pub empty_message: Option<String>,
    /// Status from an `HTTP/1.x …` preamble inside the body, if there was one.
    pub embedded_status: Option<u16>,
}

impl<T> Parsed<T> {
    /// `results` disagrees with the number of rows (noted, not an error: §7 item 10).
    pub fn results_mismatch(&self) -> bool {
        self.empty_message.is_none()
            && self
                .results
                .is_some_and(|r| usize::try_from(r).ok() != Some(self.rows.len()))
    }
}

/// Parse one Web Service answer (§2.4) and return only the rows.
///
/// `http_status` is the transport status; connection errors and timeouts never reach this
/// function (map them to [`DapodikFailure::NotRunning`] / [`DapodikFailure::Timeout`]).
pub fn parse_body<T: DeserializeOwned>(
    endpoint: Endpoint,
    http_status: u16,
    body: &[u8],
) -> Result<Vec<T>, DapodikFailure> {
    parse_response(endpoint, http_status, body).map(|p| p.rows)
}

/// `getSekolah` must give exactly one school row.
pub fn parse_sekolah(http_status: u16, body: &[u8]) -> Result<Sekolah, DapodikFailure> {
    let mut rows = parse_body::<Sekolah>(Endpoint::Sekolah, http_status, body)?;
    match rows.len() {
        0 => Err(DapodikFailure::SchoolDataMissing),
        1 => Ok(rows.remove(0)),
        n => Err(DapodikFailure::Malformed {
            detail: format!("getSekolah mengirim {n} baris sekolah, seharusnya 1"),
        }),
    }
}

/// Parse one Web Service answer (§2.4) keeping the envelope details.
pub fn parse_response<T: DeserializeOwned>(
    endpoint: Endpoint,
    http_status: u16,
    body: &[u8],
) -> Result<Parsed<T>, DapodikFailure> {
    let raw = String::from_utf8_lossy(body);
    let mut text = clean(&raw);
    let mut embedded_status = None;
    if text.starts_with("HTTP/") {
        let (status, rest) = strip_preamble(text);
        embedded_status = status;
        text = clean(rest);
    }
    if text
        .get(..13)
        .is_some_and(|p| p.eq_ignore_ascii_case("access denied"))
    {
        return Err(DapodikFailure::AccessDenied);
    }

    let whole: Option<Value> = serde_json::from_str(text).ok();
    let error = match &whole {
        Some(v) => ErrorBody::from_value(v),
        None => find_fragment(text, "success").and_then(|v| ErrorBody::from_value(&v)),
    };
    if let Some(error) = error {
        return match error.meaning() {
            ErrorMeaning::NoRows => Ok(Parsed {
                rows: Vec::new(),
                results: Some(0),
                empty_message: error.message,
                embedded_status,
            }),
            ErrorMeaning::Failure(f) => Err(f),
        };
    }

    let status = match embedded_status {
        Some(s) if (200..300).contains(&http_status) => s,
        _ => http_status,
    };
    if status == 404 {
        return Err(DapodikFailure::EndpointMissing { endpoint });
    }
    if status >= 500 {
        return Err(if mentions_database(text) {
            DapodikFailure::DatabaseDown
        } else {
            DapodikFailure::ServerError { status }
        });
    }

    let envelope = whole
        .filter(|v| v.get("rows").is_some())
        .or_else(|| find_fragment(text, "results").filter(|v| v.get("rows").is_some()));
    if let Some(Value::Object(mut env)) = envelope {
        let results = env.get("results").and_then(value_as_i64);
        let rows = rows_from(env.remove("rows").unwrap_or(Value::Null))?;
        return Ok(Parsed {
            rows,
            results,
            empty_message: None,
            embedded_status,
        });
    }

    Err(unreadable(status, text))
}

/// Removes a BOM and surrounding whitespace.
fn clean(s: &str) -> &str {
    s.trim().trim_start_matches('\u{feff}').trim()
}

/// Splits `HTTP/1.0 403 Forbidden\r\nHeader: …\r\n\r\nbody` into (403, body).
fn strip_preamble(text: &str) -> (Option<u16>, &str) {
    let first_line = text.lines().next().unwrap_or_default();
    let status = first_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    let cut = [
        text.find("\r\n\r\n").map(|i| i + 4),
        text.find("\n\n").map(|i| i + 2),
    ]
    .into_iter()
    .flatten()
    .min();
    (status, cut.map_or("", |i| &text[i..]))
}

/// Finds the first `{"<key>"…}` JSON object embedded in other text.
fn find_fragment(text: &str, key: &str) -> Option<Value> {
    let quoted = format!("\"{key}\"");
    text.match_indices('{')
        .filter(|(i, _)| text[i + 1..].trim_start().starts_with(&quoted))
        .find_map(|(i, _)| {
            serde_json::Deserializer::from_str(&text[i..])
                .into_iter::<Value>()
                .next()
                .and_then(Result::ok)
        })
}

fn value_as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => lenient::code_number(s),
        _ => None,
    }
}

fn rows_from<T: DeserializeOwned>(rows: Value) -> Result<Vec<T>, DapodikFailure> {
    let list = match rows {
        Value::Null => Vec::new(),
        Value::Array(list) => list,
        obj @ Value::Object(_) => vec![obj],
        other => {
            return Err(DapodikFailure::Malformed {
                detail: format!("`rows` bukan daftar atau objek: {}", type_name(&other)),
            });
        }
    };
    list.into_iter()
        .enumerate()
        .map(|(i, row)| {
            serde_json::from_value(row).map_err(|e| DapodikFailure::Malformed {
                detail: format!("baris ke-{}: {e}", i + 1),
            })
        })
        .collect()
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "angka",
        Value::String(_) => "teks",
        Value::Array(_) => "daftar",
        Value::Object(_) => "objek",
    }
}

fn mentions_database(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("database") || t.contains("sqlstate[08")
}

/// Classification of a body that is neither an error body nor an envelope.
fn unreadable(status: u16, text: &str) -> DapodikFailure {
    if mentions_database(text) {
        return DapodikFailure::DatabaseDown;
    }
    if status == 401 || status == 403 {
        return DapodikFailure::AccessDenied;
    }
    let snippet: String = text.chars().take(120).collect();
    if !(200..300).contains(&status) {
        return DapodikFailure::Other {
            http_code: Some(status),
            message: snippet,
        };
    }
    DapodikFailure::Malformed {
        detail: if snippet.is_empty() {
            "jawaban kosong".to_owned()
        } else {
            format!("bukan JSON yang dikenal: {snippet}")
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> Result<Parsed<Value>, DapodikFailure> {
        parse_response(Endpoint::Gtk, status, body.as_bytes())
    }

    #[test]
    fn preamble_and_fragment() {
        let body = "HTTP/1.0 403 Forbidden\nX: y\n\n{\"success\":false,\"http_code\":403,\
                    \"message\":\"Semester tidak ditemukan\"}";
        assert_eq!(parse(200, body), Err(DapodikFailure::NoActiveSemester));
        let body = "<br/>Notice: x {\"success\" : false, \"message\":\"Sekolah tidak ditemukan\"} trailing";
        assert_eq!(parse(200, body), Err(DapodikFailure::NpsnUnknown));
        assert_eq!(
            parse(200, "HTTP/1.1 404 Not Found\r\n\r\n"),
            Err(DapodikFailure::EndpointMissing {
                endpoint: Endpoint::Gtk
            })
        );
    }

    #[test]
    fn envelope_variants() {
        let p = parse(200, "\u{feff} {\"results\":\"2\",\"rows\":[{},{}]} ").unwrap();
        assert_eq!(
            (p.rows.len(), p.results, p.results_mismatch()),
            (2, Some(2), false)
        );
        let p = parse(200, "{\"results\":3,\"rows\":{\"a\":1}}").unwrap();
        assert_eq!(p.rows.len(), 1);
        assert!(p.results_mismatch());
        let p = parse(200, "Deprecated: foo\n{\"results\":0,\"rows\":null}").unwrap();
        assert!(p.rows.is_empty());
        assert!(matches!(
            parse(200, "{\"rows\":5}"),
            Err(DapodikFailure::Malformed { .. })
        ));
    }

    #[test]
    fn transport_statuses() {
        assert_eq!(
            parse(404, "<html>Not Found</html>"),
            Err(DapodikFailure::EndpointMissing {
                endpoint: Endpoint::Gtk
            })
        );
        assert_eq!(
            parse(502, ""),
            Err(DapodikFailure::ServerError { status: 502 })
        );
        assert_eq!(
            parse(200, "Tidak terhubung dengan database"),
            Err(DapodikFailure::DatabaseDown)
        );
        assert_eq!(parse(401, ""), Err(DapodikFailure::AccessDenied));
        assert!(matches!(
            parse(200, ""),
            Err(DapodikFailure::Malformed { .. })
        ));
        assert!(matches!(
            parse(200, "<html>"),
            Err(DapodikFailure::Malformed { .. })
        ));
    }
}
