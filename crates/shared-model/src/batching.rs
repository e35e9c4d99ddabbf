//! Cutting one kind's rows into upload batches whose boundaries survive small edits.
//!
//! Rows arrive sorted by id. A batch closes after a row whose id hash hits a target
//! (content-defined chunking on ids), so adding or changing one student changes one batch
//! and every other batch keeps its SHA-256: a re-send references those instead of
//! uploading them again. Hard caps keep every batch within the server's limits.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::kinds::DataKind;
use crate::protocol::{MAX_BATCH_ROWS, SOFT_BATCH_BYTES};

/// Average rows per batch the id hash aims for.
pub const TARGET_BATCH_ROWS: u32 = 256;
/// No content-defined boundary before this many rows (avoids tiny batches).
pub const MIN_BATCH_ROWS: usize = 32;

/// One batch, ready to compress and upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub kind: DataKind,
    pub seq: u32,
    pub rows: u64,
    /// Uncompressed JSON array of the rows, exactly the bytes that were hashed.
    pub body: Vec<u8>,
    /// Lowercase hex SHA-256 of `body`.
    pub sha256: String,
}

/// Lowercase hex SHA-256, the content hash used across the protocol.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Cuts `rows` (JSON objects of `kind`, in a stable order) into batches.
pub fn make_batches(kind: DataKind, rows: &[Value]) -> Vec<Batch> {
    let mut batcher = StreamBatcher::new(kind);
    let mut batches: Vec<Batch> = rows.iter().filter_map(|row| batcher.push(row)).collect();
    batches.extend(batcher.finish());
    batches
}

/// [`make_batches`] row by row: the caller keeps only one row's `Value` alive at a time
/// (the helper batches a 1,500-student school without holding ~10 MB of maps).
pub struct StreamBatcher {
    kind: DataKind,
    seq: u32,
    current: Vec<Vec<u8>>,
    current_bytes: usize,
}

impl StreamBatcher {
    pub fn new(kind: DataKind) -> Self {
        StreamBatcher {
            kind,
            seq: 0,
            current: Vec::new(),
            current_bytes: 0,
        }
    }

    /// Adds one row (rows must come sorted by the kind's id); returns a batch when one closes.
    pub fn push(&mut self, row: &Value) -> Option<Batch> {
        let encoded = serde_json::to_vec(row).expect("a serde_json::Value always serialises");
        self.current_bytes += encoded.len() + 1;
        self.current.push(encoded);
        let at_cap = self.current.len() >= MAX_BATCH_ROWS || self.current_bytes >= SOFT_BATCH_BYTES;
        let at_boundary = self.current.len() >= MIN_BATCH_ROWS && is_boundary(self.kind, row);
        (at_cap || at_boundary).then(|| self.seal())
    }

    /// The last, partial batch.
    pub fn finish(mut self) -> Option<Batch> {
        (!self.current.is_empty()).then(|| self.seal())
    }

    fn seal(&mut self) -> Batch {
        let rows = std::mem::take(&mut self.current);
        self.current_bytes = 0;
        let mut body = Vec::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
        body.push(b'[');
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(row);
        }
        body.push(b']');
        let sha256 = sha256_hex(&body);
        let batch = Batch {
            kind: self.kind,
            seq: self.seq,
            rows: rows.len() as u64,
            body,
            sha256,
        };
        self.seq += 1;
        batch
    }
}

fn is_boundary(kind: DataKind, row: &Value) -> bool {
    let id = match row.get(kind.id_field()) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return false,
    };
    let digest = Sha256::digest(id.as_bytes());
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    n % TARGET_BATCH_ROWS == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn students(ids: impl Iterator<Item = u32>) -> Vec<Value> {
        ids.map(|i| json!({"peserta_didik_id": format!("pd-{i:06}"), "nama": "x", "n": i}))
            .collect()
    }

    #[test]
    fn batches_preserve_every_row_in_order() {
        let rows = students(0..5_000);
        let batches = make_batches(DataKind::PesertaDidik, &rows);
        assert!(
            batches.len() > 5,
            "expected several batches, got {}",
            batches.len()
        );
        let mut back = Vec::new();
        for (i, b) in batches.iter().enumerate() {
            assert_eq!(b.seq as usize, i);
            assert_eq!(b.sha256, sha256_hex(&b.body));
            let parsed: Vec<Value> = serde_json::from_slice(&b.body).unwrap();
            assert_eq!(parsed.len() as u64, b.rows);
            assert!(parsed.len() <= MAX_BATCH_ROWS);
            back.extend(parsed);
        }
        assert_eq!(back, rows);
    }

    #[test]
    fn one_inserted_row_changes_few_batches() {
        let before = students((0..4_000).map(|i| i * 2));
        let mut after = before.clone();
        after.insert(
            1_001,
            json!({"peserta_didik_id": format!("pd-{:06}", 2_001 * 2 + 1), "nama": "baru", "n": 0}),
        );
        let a: std::collections::HashSet<_> = make_batches(DataKind::PesertaDidik, &before)
            .into_iter()
            .map(|b| b.sha256)
            .collect();
        let b = make_batches(DataKind::PesertaDidik, &after);
        let changed = b.iter().filter(|x| !a.contains(&x.sha256)).count();
        assert!(b.len() > 8);
        assert!(changed <= 2, "{changed} of {} batches changed", b.len());
    }

    #[test]
    fn empty_kind_has_no_batches_and_caps_hold() {
        assert!(make_batches(DataKind::Ptk, &[]).is_empty());
        let big: Vec<Value> = (0..40)
            .map(|i| json!({"ptk_terdaftar_id": format!("p{i}"), "blob": "x".repeat(100_000)}))
            .collect();
        for b in make_batches(DataKind::Ptk, &big) {
            assert!(b.body.len() <= SOFT_BATCH_BYTES + 110_000);
        }
    }
}
