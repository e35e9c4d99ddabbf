//! Typed access to rows by [`DataKind`] and the server's canonical batch payload.
//!
//! A validated batch is stored as zstd of `[[id, row], …]`: every row re-serialised from its
//! `shared_model` type (canonical: ids and codes as strings), next to its id, so a commit
//! can take rows and ids without re-serialising, and duplicates are found by id alone.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use shared_model::DataKind;
use shared_model::rows::{
    AnggotaRombelRow, FlatSnapshot, KindRow, PembelajaranRow, RiwayatKepangkatanRow,
    RiwayatPendidikanRow,
};
use shared_model::webservice::{PesertaDidik, Ptk, Rombel, Sekolah};

/// Runs `$body` with `$T` bound to the row type of `$kind`.
macro_rules! with_type {
    ($kind:expr, $T:ident => $body:expr) => {
        match $kind {
            DataKind::Sekolah => {
                type $T = Sekolah;
                $body
            }
            DataKind::PesertaDidik => {
                type $T = PesertaDidik;
                $body
            }
            DataKind::Ptk => {
                type $T = Ptk;
                $body
            }
            DataKind::RiwayatKepangkatan => {
                type $T = RiwayatKepangkatanRow;
                $body
            }
            DataKind::RiwayatPendidikan => {
                type $T = RiwayatPendidikanRow;
                $body
            }
            DataKind::Rombel => {
                type $T = Rombel;
                $body
            }
            DataKind::AnggotaRombel => {
                type $T = AnggotaRombelRow;
                $body
            }
            DataKind::Pembelajaran => {
                type $T = PembelajaranRow;
                $body
            }
        }
    };
}

/// Why rows are not of their kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// Row `index` does not deserialise or has an empty required key.
    Invalid { index: usize, detail: String },
    /// Row `index` repeats an earlier id.
    Duplicate { index: usize, id: String },
}

/// Validated rows of one batch: ids and canonical JSON, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CanonicalRows {
    pub ids: Vec<String>,
    pub json: Vec<String>,
}

fn canonical<T: KindRow>(rows: Vec<T>) -> Result<CanonicalRows, RowProblem> {
    let mut out = CanonicalRows {
        ids: Vec::with_capacity(rows.len()),
        json: Vec::with_capacity(rows.len()),
    };
    let mut seen = HashSet::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        if let Some((key, _)) = row
            .required_keys()
            .into_iter()
            .find(|(_, v)| v.trim().is_empty())
        {
            return Err(RowProblem::Invalid {
                index,
                detail: format!("kolom {key} kosong"),
            });
        }
        let id = row.id().to_owned();
        if !seen.insert(id.clone()) {
            return Err(RowProblem::Duplicate { index, id });
        }
        let json = serde_json::to_string(row).map_err(|e| RowProblem::Invalid {
            index,
            detail: e.to_string(),
        })?;
        // PostgreSQL cannot store NUL; refused on every backend alike (shared_model::nul).
        if shared_model::nul::has_nul_escape(json.as_bytes()) {
            return Err(RowProblem::Invalid {
                index,
                detail: "teks berisi karakter NUL (\\u0000) yang tidak dapat disimpan".into(),
            });
        }
        out.json.push(json);
        out.ids.push(id);
    }
    Ok(out)
}

/// Validates `rows` (JSON objects) as rows of `kind` and returns them canonically.
pub fn validate(kind: DataKind, rows: Vec<serde_json::Value>) -> Result<CanonicalRows, RowProblem> {
    fn typed<T: KindRow>(rows: Vec<serde_json::Value>) -> Result<CanonicalRows, RowProblem> {
        let mut out = Vec::with_capacity(rows.len());
        for (index, value) in rows.into_iter().enumerate() {
            out.push(
                serde_json::from_value::<T>(value).map_err(|e| RowProblem::Invalid {
                    index,
                    detail: e.to_string(),
                })?,
            );
        }
        canonical(out)
    }
    with_type!(kind, T => typed::<T>(rows))
}

/// Fast path: deserialises a whole JSON array of `kind` rows straight from bytes. `None`
/// when it does not deserialise (the caller then finds the bad row on the slow path).
pub fn validate_bytes(kind: DataKind, json: &[u8]) -> Option<Result<CanonicalRows, RowProblem>> {
    fn typed<T: KindRow>(json: &[u8]) -> Option<Result<CanonicalRows, RowProblem>> {
        serde_json::from_slice::<Vec<T>>(json).ok().map(canonical)
    }
    with_type!(kind, T => typed::<T>(json))
}

/// The stored payload (uncompressed): `[[id, row], …]`.
pub fn encode_payload(rows: &CanonicalRows) -> Vec<u8> {
    let size: usize = rows.json.iter().map(|j| j.len() + 48).sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'[');
    for (i, (id, json)) in rows.ids.iter().zip(&rows.json).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        // A String always serialises.
        out.extend_from_slice(serde_json::to_string(id).unwrap_or_default().as_bytes());
        out.push(b',');
        out.extend_from_slice(json.as_bytes());
        out.push(b']');
    }
    out.push(b']');
    out
}

/// Reads a stored payload back: `(id, row JSON)` pairs borrowing from `payload`.
pub fn decode_payload(payload: &[u8]) -> Result<Vec<(String, &RawValue)>, serde_json::Error> {
    serde_json::from_slice(payload)
}

/// Appends canonical rows (JSON texts) of `kind` to `flat`, typed.
pub fn push_typed(
    flat: &mut FlatSnapshot,
    kind: DataKind,
    rows: &[&RawValue],
) -> Result<(), RowProblem> {
    fn parse<T: DeserializeOwned>(rows: &[&RawValue]) -> Result<Vec<T>, RowProblem> {
        rows.iter()
            .enumerate()
            .map(|(index, r)| {
                serde_json::from_str(r.get()).map_err(|e| RowProblem::Invalid {
                    index,
                    detail: e.to_string(),
                })
            })
            .collect()
    }
    match kind {
        DataKind::Sekolah => flat.sekolah.extend(parse(rows)?),
        DataKind::PesertaDidik => flat.peserta_didik.extend(parse(rows)?),
        DataKind::Ptk => flat.ptk.extend(parse(rows)?),
        DataKind::RiwayatKepangkatan => flat.riwayat_kepangkatan.extend(parse(rows)?),
        DataKind::RiwayatPendidikan => flat.riwayat_pendidikan.extend(parse(rows)?),
        DataKind::Rombel => flat.rombel.extend(parse(rows)?),
        DataKind::AnggotaRombel => flat.anggota_rombel.extend(parse(rows)?),
        DataKind::Pembelajaran => flat.pembelajaran.extend(parse(rows)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_characters_are_refused_with_their_index() {
        let rows = vec![
            json!({"ptk_terdaftar_id": "a", "ptk_id": "p1", "nama": "teks \\u0000 biasa"}),
            json!({"ptk_terdaftar_id": "b", "ptk_id": "p2", "nama": "Siti\u{0}Aminah"}),
        ];
        match validate(DataKind::Ptk, rows) {
            Err(RowProblem::Invalid { index: 1, detail }) => assert!(detail.contains("NUL")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        let rows = vec![
            json!({"ptk_terdaftar_id": "a", "ptk_id": "p1", "nama": "X", "agama_id": 1}),
            json!({"ptk_terdaftar_id": "b", "ptk_id": "p2", "jenis_kelamin": "P", "baru": [1, 2]}),
        ];
        let bytes = serde_json::to_vec(&rows).unwrap();
        let fast = validate_bytes(DataKind::Ptk, &bytes).unwrap().unwrap();
        let slow = validate(DataKind::Ptk, rows).unwrap();
        assert_eq!(fast, slow);
        assert_eq!(fast.ids, ["a", "b"]);
        assert!(
            fast.json[0].contains("\"agama_id\":\"1\""),
            "canonical: {}",
            fast.json[0]
        );
        assert!(
            fast.json[1].contains("\"baru\":[1,2]"),
            "unknown fields kept: {}",
            fast.json[1]
        );

        let payload = encode_payload(&fast);
        let back = decode_payload(&payload).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].0, "b");
        assert_eq!(back[1].1.get(), fast.json[1]);
        let mut flat = FlatSnapshot::default();
        push_typed(
            &mut flat,
            DataKind::Ptk,
            &back.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
        )
        .unwrap();
        assert_eq!(flat.ptk.len(), 2);
    }

    #[test]
    fn problems() {
        let dup = vec![
            json!({"ptk_terdaftar_id": "a", "ptk_id": "1"}),
            json!({"ptk_terdaftar_id": "a", "ptk_id": "2"}),
        ];
        assert_eq!(
            validate(DataKind::Ptk, dup).unwrap_err(),
            RowProblem::Duplicate {
                index: 1,
                id: "a".into()
            }
        );
        let empty = vec![json!({"ptk_terdaftar_id": " ", "ptk_id": "1"})];
        assert!(matches!(
            validate(DataKind::Ptk, empty),
            Err(RowProblem::Invalid { index: 0, .. })
        ));
        assert!(validate_bytes(DataKind::Ptk, br#"[{"ptk_terdaftar_id": {}}]"#).is_none());
    }
}
