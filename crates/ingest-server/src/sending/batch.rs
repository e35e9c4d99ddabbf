//! Decoding one uploaded batch: bounded decompression, content hash, row validation.
//!
//! Pure and synchronous (run it on a blocking thread); the proptest target of the crate:
//! no input may make it panic, allocate without bound or take unbounded time.

use std::cell::RefCell;
use std::io::Read;

use serde_json::Value;
use shared_model::DataKind;
use shared_model::batching::sha256_hex;
use shared_model::protocol::{MAX_BATCH_ROWS, MAX_BATCH_UNCOMPRESSED_BYTES};

use crate::sending::rows::{CanonicalRows, RowProblem, encode_payload, validate, validate_bytes};

/// Largest zstd window a batch may need (8 MiB ≥ the 4 MiB body cap). A frame declaring a
/// larger window is refused instead of making the decoder allocate it.
pub const ZSTD_WINDOW_LOG_MAX: u32 = 23;
/// zstd level used to store gzip/identity bodies.
pub const STORE_ZSTD_LEVEL: i32 = 1;

/// `Content-Encoding` of a batch body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Zstd,
}

impl Encoding {
    /// From the header value (absent = identity). `Err` carries the refused value.
    pub fn from_header(value: Option<&str>) -> Result<Encoding, String> {
        match value.map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(Encoding::Identity),
            Some(v) => match v.as_str() {
                "" | "identity" => Ok(Encoding::Identity),
                "gzip" | "x-gzip" => Ok(Encoding::Gzip),
                "zstd" => Ok(Encoding::Zstd),
                _ => Err(v),
            },
        }
    }
}

/// Why a batch body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("body is not valid {0}")]
    DecompressionFailed(&'static str),
    #[error("decompressed body exceeds {limit} bytes")]
    TooLarge { limit: usize },
    #[error("body hashes to {actual}, declared {declared}")]
    HashMismatch { declared: String, actual: String },
    #[error("body is not a JSON array of rows: {0}")]
    NotAnArray(String),
    #[error("batch has no rows")]
    Empty,
    #[error("batch has {rows} rows, more than {limit}")]
    TooManyRows { rows: usize, limit: usize },
    #[error("row {index} of {kind} is invalid: {detail}")]
    InvalidRow {
        kind: DataKind,
        index: usize,
        detail: String,
    },
    #[error("row {index} of {kind} repeats id {id}")]
    DuplicateRow {
        kind: DataKind,
        index: usize,
        id: String,
    },
}

/// A batch that passed every check.
#[derive(Debug, Clone)]
pub struct DecodedBatch {
    pub rows: u64,
    /// Lowercase hex SHA-256 of the uncompressed body.
    pub sha256: String,
    /// What the store keeps: zstd of the canonical payload (`domain::rows::encode_payload`).
    pub payload_zstd: Vec<u8>,
}

/// Decompresses `body` (at most `limit` bytes of output).
pub fn decompress(encoding: Encoding, body: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(limit.saturating_add(1)));
    let cap = limit as u64 + 1;
    match encoding {
        Encoding::Identity => {
            if body.len() > limit {
                return Err(DecodeError::TooLarge { limit });
            }
            out.extend_from_slice(body);
        }
        Encoding::Gzip => {
            flate2::read::GzDecoder::new(body)
                .take(cap)
                .read_to_end(&mut out)
                .map_err(|_| DecodeError::DecompressionFailed("gzip"))?;
        }
        Encoding::Zstd => {
            let mut decoder = zstd::stream::read::Decoder::with_buffer(body)
                .map_err(|_| DecodeError::DecompressionFailed("zstd"))?;
            decoder
                .window_log_max(ZSTD_WINDOW_LOG_MAX)
                .map_err(|_| DecodeError::DecompressionFailed("zstd"))?;
            decoder
                .take(cap)
                .read_to_end(&mut out)
                .map_err(|_| DecodeError::DecompressionFailed("zstd"))?;
        }
    }
    if out.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok(out)
}

/// Parses the uncompressed body as a non-empty JSON array of at most [`MAX_BATCH_ROWS`].
pub fn parse_array(json: &[u8]) -> Result<Vec<Value>, DecodeError> {
    let value: Value =
        serde_json::from_slice(json).map_err(|e| DecodeError::NotAnArray(e.to_string()))?;
    let Value::Array(rows) = value else {
        return Err(DecodeError::NotAnArray("top level is not an array".into()));
    };
    if rows.is_empty() {
        return Err(DecodeError::Empty);
    }
    if rows.len() > MAX_BATCH_ROWS {
        return Err(DecodeError::TooManyRows {
            rows: rows.len(),
            limit: MAX_BATCH_ROWS,
        });
    }
    Ok(rows)
}

fn problem(kind: DataKind, p: RowProblem) -> DecodeError {
    match p {
        RowProblem::Invalid { index, detail } => DecodeError::InvalidRow {
            kind,
            index,
            detail,
        },
        RowProblem::Duplicate { index, id } => DecodeError::DuplicateRow { kind, index, id },
    }
}

/// Checks every row against its kind's shape (`shared_model` row types: wrong types or an
/// empty id are refused with the row's index) and that ids are unique within the batch.
/// Returns the rows in canonical form.
pub fn validate_rows(kind: DataKind, json: &[u8]) -> Result<CanonicalRows, DecodeError> {
    let rows = match validate_bytes(kind, json) {
        // Fast path: typed straight from the bytes.
        Some(Ok(rows)) if !rows.ids.is_empty() && rows.ids.len() <= MAX_BATCH_ROWS => {
            return Ok(rows);
        }
        Some(Err(p)) => return Err(problem(kind, p)),
        // Slow path (bad input): find out what is wrong, row by row.
        _ => parse_array(json)?,
    };
    validate(kind, rows).map_err(|p| problem(kind, p))
}

/// The whole upload check: decompress (bounded), hash, parse and validate.
pub fn decode_batch(
    kind: DataKind,
    encoding: Encoding,
    body: &[u8],
    declared_sha256: &str,
) -> Result<DecodedBatch, DecodeError> {
    let json = decompress(encoding, body, MAX_BATCH_UNCOMPRESSED_BYTES)?;
    let sha256 = sha256_hex(&json);
    if !declared_sha256.eq_ignore_ascii_case(&sha256) {
        return Err(DecodeError::HashMismatch {
            declared: declared_sha256.to_owned(),
            actual: sha256,
        });
    }
    let rows = validate_rows(kind, &json)?;
    let payload_zstd = compress_for_store(&encode_payload(&rows));
    Ok(DecodedBatch {
        rows: rows.ids.len() as u64,
        sha256,
        payload_zstd,
    })
}

thread_local! {
    /// zstd contexts are expensive to set up (allocation and tables): one per thread.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// zstd for storage (one frame that records its content size).
pub fn compress_for_store(json: &[u8]) -> Vec<u8> {
    let fast = COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = zstd::bulk::Compressor::new(STORE_ZSTD_LEVEL).ok();
        }
        cell.as_mut().and_then(|c| c.compress(json).ok())
    });
    // Compressing an in-memory slice cannot fail; the fallback is for completeness.
    fast.unwrap_or_else(|| {
        zstd::stream::encode_all(json, STORE_ZSTD_LEVEL).expect("in-memory zstd compression")
    })
}

/// Decompresses a stored payload (commit); decode it with `domain::rows::decode_payload`.
pub fn load_stored(payload_zstd: &[u8]) -> Result<Vec<u8>, DecodeError> {
    // The canonical form can be a little larger than the upload (ids repeated).
    let limit = 2 * MAX_BATCH_UNCOMPRESSED_BYTES;
    if let Ok(Some(size)) = zstd::zstd_safe::get_frame_content_size(payload_zstd)
        && size <= limit as u64
    {
        let out = DECOMPRESSOR.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                *cell = zstd::bulk::Decompressor::new().ok();
            }
            cell.as_mut()
                .and_then(|d| d.decompress(payload_zstd, size as usize).ok())
        });
        if let Some(out) = out.filter(|o| o.len() as u64 == size) {
            return Ok(out);
        }
    }
    decompress(Encoding::Zstd, payload_zstd, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::Write;

    fn ptk_body(n: usize) -> Vec<u8> {
        let rows: Vec<Value> = (0..n)
            .map(|i| json!({"ptk_terdaftar_id": format!("p-{i}"), "ptk_id": format!("x-{i}"), "nama": "A"}))
            .collect();
        serde_json::to_vec(&rows).unwrap()
    }

    fn gzip(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn all_encodings_round_trip() {
        let body = ptk_body(3);
        let sha = sha256_hex(&body);
        for (enc, wire) in [
            (Encoding::Identity, body.clone()),
            (Encoding::Gzip, gzip(&body)),
            (Encoding::Zstd, zstd::encode_all(&body[..], 3).unwrap()),
        ] {
            let d = decode_batch(DataKind::Ptk, enc, &wire, &sha).unwrap();
            assert_eq!(d.rows, 3);
            assert_eq!(d.sha256, sha);
            let payload = load_stored(&d.payload_zstd).unwrap();
            assert_eq!(
                crate::sending::rows::decode_payload(&payload)
                    .unwrap()
                    .len(),
                3
            );
        }
    }

    #[test]
    fn bombs_are_cut_off() {
        let zeros = vec![b' '; MAX_BATCH_UNCOMPRESSED_BYTES + 10];
        let z = zstd::encode_all(&zeros[..], 19).unwrap();
        assert!(z.len() < 10_000);
        assert_eq!(
            decode_batch(DataKind::Ptk, Encoding::Zstd, &z, "00").unwrap_err(),
            DecodeError::TooLarge {
                limit: MAX_BATCH_UNCOMPRESSED_BYTES
            }
        );
        let g = gzip(&zeros);
        assert!(matches!(
            decode_batch(DataKind::Ptk, Encoding::Gzip, &g, "00"),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn refusals() {
        let body = ptk_body(2);
        let sha = sha256_hex(&body);
        assert!(matches!(
            decode_batch(DataKind::Ptk, Encoding::Identity, &body, &"0".repeat(64)),
            Err(DecodeError::HashMismatch { .. })
        ));
        assert!(matches!(
            decode_batch(DataKind::Ptk, Encoding::Zstd, &body, &sha),
            Err(DecodeError::DecompressionFailed("zstd"))
        ));
        assert!(matches!(
            decode_batch(DataKind::Ptk, Encoding::Gzip, &body, &sha),
            Err(DecodeError::DecompressionFailed("gzip"))
        ));
        let bad = br#"[{"ptk_terdaftar_id": "a", "ptk_id": "b"}, 5]"#;
        assert!(matches!(
            decode_batch(DataKind::Ptk, Encoding::Identity, bad, &sha256_hex(bad)),
            Err(DecodeError::InvalidRow {
                kind: DataKind::Ptk,
                index: 1,
                ..
            })
        ));
        let dup = br#"[{"ptk_terdaftar_id": "a", "ptk_id": "b"}, {"ptk_terdaftar_id": "a", "ptk_id": "c"}]"#;
        assert!(matches!(
            decode_batch(DataKind::Ptk, Encoding::Identity, dup, &sha256_hex(dup)),
            Err(DecodeError::DuplicateRow { index: 1, .. })
        ));
        assert_eq!(
            decode_batch(DataKind::Ptk, Encoding::Identity, b"[]", &sha256_hex(b"[]")).unwrap_err(),
            DecodeError::Empty
        );
        assert_eq!(Encoding::from_header(Some("br")), Err("br".into()));
        assert_eq!(Encoding::from_header(Some("ZSTD")), Ok(Encoding::Zstd));
    }
}
