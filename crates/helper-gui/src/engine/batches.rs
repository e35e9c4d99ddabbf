//! Building the upload batches with little memory.
//!
//! `shared_model::batching::make_batches` takes all rows of a kind as `serde_json::Value`s;
//! for a 1,500-student school that is ~10 MB of maps at once. Here each typed row becomes a
//! `Value` only while [`StreamBatcher`] encodes it (same boundaries, same bytes, same SHA-256
//! — a test checks this against `make_batches`), every sealed batch is compressed at once
//! with one reused zstd context, and each kind's typed rows are dropped as soon as the kind
//! is done.

use shared_model::batching::{Batch, StreamBatcher};
use shared_model::rows::{FlatSnapshot, KindRow};

use crate::outbox::NewBatch;

/// zstd level: 6 compresses JSON within ~4 % of level 9 with a quarter of its memory.
pub const ZSTD_LEVEL: i32 = 6;

struct Sink {
    compressor: zstd::bulk::Compressor<'static>,
    out: Vec<NewBatch>,
}

impl Sink {
    fn add(&mut self, b: Batch) -> std::io::Result<()> {
        let body_zstd = self.compressor.compress(&b.body)?;
        self.out.push(NewBatch {
            kind: b.kind,
            seq: b.seq,
            sha256: b.sha256,
            rows: b.rows,
            raw_len: b.body.len() as u64,
            body_zstd,
        });
        Ok(())
    }

    /// Sorts one kind's rows by id (as `FlatSnapshot::rows_json` does), batches and
    /// compresses them, then drops the rows.
    fn kind<T: KindRow>(&mut self, rows: Vec<T>) -> std::io::Result<()> {
        let mut sorted: Vec<&T> = rows.iter().collect();
        sorted.sort_by(|a, b| a.id().cmp(b.id()));
        let mut batcher = StreamBatcher::new(T::KIND);
        for row in sorted {
            let value = serde_json::to_value(row).map_err(std::io::Error::other)?;
            if let Some(b) = batcher.push(&value) {
                self.add(b)?;
            }
        }
        if let Some(b) = batcher.finish() {
            self.add(b)?;
        }
        Ok(())
    }
}

/// Cuts every kind into compressed batches, consuming the snapshot kind by kind (largest
/// last, when the others are already freed).
pub fn make_batches(mut flat: FlatSnapshot, zstd_level: i32) -> std::io::Result<Vec<NewBatch>> {
    let mut sink = Sink {
        compressor: zstd::bulk::Compressor::new(zstd_level)?,
        out: Vec::new(),
    };
    sink.kind(std::mem::take(&mut flat.sekolah))?;
    sink.kind(std::mem::take(&mut flat.riwayat_kepangkatan))?;
    sink.kind(std::mem::take(&mut flat.riwayat_pendidikan))?;
    sink.kind(std::mem::take(&mut flat.ptk))?;
    sink.kind(std::mem::take(&mut flat.pembelajaran))?;
    sink.kind(std::mem::take(&mut flat.anggota_rombel))?;
    sink.kind(std::mem::take(&mut flat.rombel))?;
    sink.kind(std::mem::take(&mut flat.peserta_didik))?;
    sink.out.sort_by_key(|b| (b.kind, b.seq));
    Ok(sink.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use shared_model::DataKind;
    use shared_model::batching::sha256_hex;
    use shared_model::flatten::{DapodikSnapshot, flatten};
    use shared_model::webservice::{Endpoint, parse_body, parse_sekolah};

    use test_kit::fixtures::bytes as fixture;

    fn reference(flat: &FlatSnapshot) -> Vec<(DataKind, u32, u64, String)> {
        let mut out = Vec::new();
        for kind in DataKind::ALL {
            for b in shared_model::batching::make_batches(kind, &flat.rows_json(kind)) {
                out.push((b.kind, b.seq, b.rows, b.sha256));
            }
        }
        out
    }

    fn ours(flat: FlatSnapshot) -> Vec<(DataKind, u32, u64, String)> {
        make_batches(flat, 3)
            .unwrap()
            .into_iter()
            .map(|b| (b.kind, b.seq, b.rows, b.sha256))
            .collect()
    }

    #[test]
    fn same_batches_as_shared_model_for_the_fixture_school() {
        let (s, pd, gtk, rb) = (
            fixture("getSekolah.json"),
            fixture("getPesertaDidik.json"),
            fixture("getGtk.json"),
            fixture("getRombonganBelajar.json"),
        );
        let snapshot = DapodikSnapshot {
            sekolah: parse_sekolah(200, &s).unwrap(),
            peserta_didik: parse_body(Endpoint::PesertaDidik, 200, &pd).unwrap(),
            gtk: parse_body(Endpoint::Gtk, 200, &gtk).unwrap(),
            rombel: parse_body(Endpoint::RombonganBelajar, 200, &rb).unwrap(),
        };
        let flat = flatten(snapshot);
        assert_eq!(ours(flat.clone()), reference(&flat));
    }

    #[test]
    fn same_batches_as_shared_model_for_many_rows() {
        // Enough students for content-defined boundaries and the row cap to both occur.
        let rows: Vec<Value> = (0..5_000)
            .map(|i| {
                json!({
                    "peserta_didik_id": format!("{:08x}-0000-4000-8000-{:012x}", i * 7919 % 100_003, i),
                    "nama": format!("Siswa {i}"),
                    "nisn": if i % 9 == 0 { Value::Null } else { json!(format!("{:010}", i)) },
                    "jenis_kelamin": if i % 2 == 0 { "L" } else { "P" },
                    "tanggal_lahir": "2015-01-01",
                })
            })
            .collect();
        let mut flat = FlatSnapshot::default();
        flat.push_rows_json(DataKind::PesertaDidik, rows).unwrap();
        let reference = reference(&flat);
        assert!(reference.len() > 10, "{} batches", reference.len());
        assert_eq!(ours(flat), reference);
        let batches = make_batches(FlatSnapshot::default(), 3).unwrap();
        assert!(batches.is_empty());
    }

    #[test]
    fn compressed_bodies_decompress_to_the_hashed_json() {
        let mut flat = FlatSnapshot::default();
        flat.push_rows_json(
            DataKind::PesertaDidik,
            (0..100)
                .map(|i| json!({"peserta_didik_id": format!("pd-{i:04}"), "nama": "x"}))
                .collect(),
        )
        .unwrap();
        for b in make_batches(flat, ZSTD_LEVEL).unwrap() {
            let raw = zstd::bulk::decompress(&b.body_zstd, 4 << 20).unwrap();
            assert_eq!(raw.len() as u64, b.raw_len);
            assert_eq!(sha256_hex(&raw), b.sha256);
            assert!(b.body_zstd.len() < raw.len());
        }
    }
}
