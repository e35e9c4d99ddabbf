//! Commit preparation: completeness and count checks, decoding every staged batch,
//! validation with `shared_model` and the school summary. Pure and synchronous (run it on
//! a blocking thread); the store then applies the result in one transaction.

use std::collections::BTreeMap;

use serde_json::json;
use shared_model::protocol::{CommitReceipt, KelasRecap, PtkRecap, SekolahPublic};
use shared_model::rows::FlatSnapshot;
use shared_model::summary::SchoolSummary;
use shared_model::{DataKind, KindCounts};

use crate::app::time::{rfc3339_utc, wib};
use crate::sending::batch::load_stored;
use crate::sending::rows::{RowProblem, decode_payload, push_typed};
use crate::storage::{
    CommitBatch, Expected, HeldBatch, PreparedCommit, SessionRecord, SnapshotRow, StagedBatch,
};

/// Why a session cannot be committed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitProblem {
    #[error("batches missing: {0:?}")]
    Incomplete(Vec<(DataKind, u32)>),
    #[error("{kind}: declared {expected} rows, received {received}")]
    CountMismatch {
        kind: DataKind,
        expected: u64,
        received: u64,
    },
    #[error("{kind} row {index}: {detail}")]
    InvalidRow {
        kind: DataKind,
        index: usize,
        detail: String,
    },
    #[error("{kind} id {id} appears twice")]
    DuplicateRow {
        kind: DataKind,
        index: usize,
        id: String,
    },
    /// Stored content that no longer decodes (a server-side fault).
    #[error("stored batch {kind}/{seq} unreadable: {detail}")]
    Corrupt {
        kind: DataKind,
        seq: u32,
        detail: String,
    },
}

impl CommitProblem {
    /// `details` of the error body.
    pub fn details(&self) -> serde_json::Value {
        match self {
            CommitProblem::Incomplete(missing) => json!({
                "missing": missing.iter().map(|(k, s)| json!({"kind": k, "seq": s})).collect::<Vec<_>>()
            }),
            CommitProblem::CountMismatch {
                kind,
                expected,
                received,
            } => {
                json!({"kind": kind, "expected": expected, "received": received})
            }
            CommitProblem::InvalidRow {
                kind,
                index,
                detail,
            } => json!({"kind": kind, "index": index, "detail": detail}),
            CommitProblem::DuplicateRow { kind, index, id } => {
                json!({"kind": kind, "index": index, "id": id})
            }
            CommitProblem::Corrupt { kind, seq, .. } => json!({"kind": kind, "seq": seq}),
        }
    }
}

/// Every declared batch held and rows per kind as declared.
pub fn check_complete(expected: &Expected, held: &[HeldBatch]) -> Result<(), CommitProblem> {
    let mut missing = Vec::new();
    let mut received: BTreeMap<DataKind, u64> = BTreeMap::new();
    for kind in DataKind::ALL {
        let e = expected.get(&kind).copied().unwrap_or_default();
        for seq in 0..e.batches {
            if !held.iter().any(|b| b.kind == kind && b.seq == seq) {
                missing.push((kind, seq));
            }
        }
    }
    if !missing.is_empty() {
        return Err(CommitProblem::Incomplete(missing));
    }
    for b in held {
        *received.entry(b.kind).or_default() += b.rows;
    }
    for kind in DataKind::ALL {
        let e = expected.get(&kind).map(|e| e.rows).unwrap_or(0);
        let r = received.get(&kind).copied().unwrap_or(0);
        if e != r {
            return Err(CommitProblem::CountMismatch {
                kind,
                expected: e,
                received: r,
            });
        }
    }
    Ok(())
}

/// Decodes and validates the staged batches and builds what the store writes.
pub fn prepare(
    session: &SessionRecord,
    mut staged: Vec<StagedBatch>,
    now_ms: i64,
) -> Result<PreparedCommit, CommitProblem> {
    let held: Vec<HeldBatch> = staged.iter().map(HeldBatch::from).collect();
    check_complete(&session.expected, &held)?;
    staged.sort_by_key(|b| (b.kind, b.seq));

    let Decoded {
        flat,
        batches,
        counts,
    } = decode_staged(&staged)?;
    check_counts(session, &counts)?;
    check_school(session, &flat)?;

    let summary = SchoolSummary::from_flat(&flat);
    let receipt = CommitReceipt {
        session_id: session.session_id.clone(),
        npsn: session.npsn.clone(),
        tanggal_kirim: wib(now_ms),
        tanggal_kirim_utc: rfc3339_utc(now_ms),
        counts,
        helper_version: session.helper_version.clone(),
        username_ops: session.username_ops.clone(),
    };
    let public = public_page(&session.npsn, &summary, &receipt.tanggal_kirim, counts);
    let json_error = |e: serde_json::Error| CommitProblem::Corrupt {
        kind: DataKind::Sekolah,
        seq: 0,
        detail: e.to_string(),
    };
    Ok(PreparedCommit {
        session_id: session.session_id.clone(),
        npsn: session.npsn.clone(),
        now_ms,
        counts,
        batches,
        nama: public.nama.clone(),
        bentuk: public.bentuk.clone(),
        status: public.status.clone(),
        summary_json: serde_json::to_string(&summary).map_err(json_error)?,
        public_json: serde_json::to_string(&public).map_err(json_error)?,
        receipt,
    })
}

/// The decoded rows of every staged batch.
struct Decoded {
    flat: FlatSnapshot,
    batches: Vec<CommitBatch>,
    counts: KindCounts,
}

/// Every batch was validated at upload and stored canonically as `[[id, row], …]`: take
/// ids and row texts as they are, type the rows once for the summary.
fn decode_staged(staged: &[StagedBatch]) -> Result<Decoded, CommitProblem> {
    let mut flat = FlatSnapshot::default();
    let mut batches = Vec::with_capacity(staged.len());
    let mut ids: BTreeMap<DataKind, std::collections::HashSet<String>> = BTreeMap::new();
    let mut counts = KindCounts::default();
    for b in staged {
        let corrupt = |detail: String| CommitProblem::Corrupt {
            kind: b.kind,
            seq: b.seq,
            detail,
        };
        let payload = load_stored(&b.payload_zstd).map_err(|e| corrupt(e.to_string()))?;
        let pairs = decode_payload(&payload).map_err(|e| corrupt(e.to_string()))?;
        if pairs.len() as u64 != b.rows {
            return Err(corrupt(format!(
                "{} rows stored, {} recorded",
                pairs.len(),
                b.rows
            )));
        }
        let seen = ids.entry(b.kind).or_default();
        let start = counts.get(b.kind) as usize;
        for (i, (id, _)) in pairs.iter().enumerate() {
            if !seen.insert(id.clone()) {
                return Err(CommitProblem::DuplicateRow {
                    kind: b.kind,
                    index: start + i,
                    id: id.clone(),
                });
            }
        }
        let raws: Vec<&serde_json::value::RawValue> = pairs.iter().map(|(_, r)| *r).collect();
        push_typed(&mut flat, b.kind, &raws).map_err(|p| match p {
            RowProblem::Invalid { index, detail } => CommitProblem::InvalidRow {
                kind: b.kind,
                index: start + index,
                detail,
            },
            RowProblem::Duplicate { index, id } => CommitProblem::DuplicateRow {
                kind: b.kind,
                index: start + index,
                id,
            },
        })?;
        counts.add(b.kind, b.rows);
        let rows = pairs
            .into_iter()
            .map(|(row_id, raw)| SnapshotRow {
                row_id,
                data: raw.get().to_owned(),
            })
            .collect();
        batches.push(CommitBatch {
            kind: b.kind,
            seq: b.seq,
            sha256: b.sha256.clone(),
            rows,
        });
    }
    Ok(Decoded {
        flat,
        batches,
        counts,
    })
}

/// Rows received per kind must be the rows declared.
fn check_counts(session: &SessionRecord, counts: &KindCounts) -> Result<(), CommitProblem> {
    for kind in DataKind::ALL {
        let e = session.expected.get(&kind).map(|e| e.rows).unwrap_or(0);
        if counts.get(kind) != e {
            return Err(CommitProblem::CountMismatch {
                kind,
                expected: e,
                received: counts.get(kind),
            });
        }
    }
    Ok(())
}

/// The school row must be this school's.
fn check_school(session: &SessionRecord, flat: &FlatSnapshot) -> Result<(), CommitProblem> {
    if let Some(npsn) = flat.sekolah.first().and_then(|s| s.npsn.as_deref())
        && !npsn.trim().is_empty()
        && npsn.trim() != session.npsn
    {
        return Err(CommitProblem::InvalidRow {
            kind: DataKind::Sekolah,
            index: 0,
            detail: format!(
                "NPSN pada data sekolah ({}) berbeda dengan NPSN pengirim ({})",
                npsn.trim(),
                session.npsn
            ),
        });
    }

    Ok(())
}

/// `GET /api/v1/sekolah/{npsn}` of a school with a snapshot.
pub fn public_page(
    npsn: &str,
    s: &SchoolSummary,
    tanggal_kirim: &str,
    counts: KindCounts,
) -> SekolahPublic {
    let id = &s.identitas;
    SekolahPublic {
        npsn: id
            .npsn
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| npsn.to_owned()),
        nama: id.nama.clone().unwrap_or_default(),
        status: id.status.map(|st| st.label().to_owned()),
        bentuk: id.bentuk.as_ref().map(|b| b.label().to_owned()),
        alamat: id.alamat.clone(),
        rt: id.rt.clone(),
        rw: id.rw.clone(),
        dusun: id.dusun.clone(),
        desa_kelurahan: id.desa.clone(),
        kecamatan: id.kecamatan.clone(),
        kabupaten_kota: id.kabupaten.clone(),
        provinsi: id.provinsi.clone(),
        email: id.email.clone(),
        website: id.website.clone(),
        telepon: id.telepon.clone(),
        kode_pos: id.kode_pos.clone(),
        lintang: id.lintang.clone(),
        bujur: id.bujur.clone(),
        ptk: PtkRecap {
            guru_l: s.ptk.guru_l,
            guru_p: s.ptk.guru_p,
            tendik_l: s.ptk.tendik_l,
            tendik_p: s.ptk.tendik_p,
        },
        kelas: s
            .kelas
            .iter()
            .map(|k| KelasRecap {
                rombongan_belajar_id: k.rombongan_belajar_id.clone(),
                nama: k.nama.clone(),
                tingkat: k.tingkat.clone(),
                laki_laki: k.laki_laki,
                perempuan: k.perempuan,
            })
            .collect(),
        tanggal_kirim: Some(tanggal_kirim.to_owned()),
        counts: Some(counts),
    }
}
