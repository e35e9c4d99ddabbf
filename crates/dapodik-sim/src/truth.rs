//! Expected counts per school, computed from the served bodies with the same
//! flattening rules the client uses. Used for generated schools and for the
//! imported fixture school alike, so the two can never disagree.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of `truth.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    pub npsn: String,
    pub sekolah: u64,
    pub peserta_didik: u64,
    pub ptk: u64,
    pub riwayat_kepangkatan: u64,
    pub riwayat_pendidikan: u64,
    pub rombel: u64,
    pub anggota_rombel: u64,
    pub pembelajaran: u64,
    pub guru_l: u64,
    pub guru_p: u64,
    pub tendik_l: u64,
    pub tendik_p: u64,
}

/// One line of `truth-rombel.csv` (class rombel only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RombelTruth {
    pub npsn: String,
    pub rombongan_belajar_id: String,
    pub nama: String,
    pub jenis_rombel: String,
    pub laki_laki: u64,
    pub perempuan: u64,
}

/// Decoded envelopes of one school; `None` means the endpoint answers
/// "Data … tidak ditemukan".
#[derive(Debug, Default, Clone, Copy)]
pub struct Bodies<'a> {
    pub sekolah: Option<&'a Value>,
    pub peserta_didik: Option<&'a Value>,
    pub gtk: Option<&'a Value>,
    pub rombongan_belajar: Option<&'a Value>,
}

/// Guru or tendik, per the district rule (docs/dapodik-webservice.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PtkKind {
    Guru,
    Tendik,
}

/// Reads an id/code that builds send either as a string or as a number.
pub fn code(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Classifies a getGtk row: principal counts as guru; 2024+ codes 92/93; old
/// teacher/staff codes; 99 (and anything unknown) decided by `jabatan_ptk_id`.
pub fn classify(jenis_ptk_id: Option<&str>, jabatan_ptk_id: Option<&str>) -> PtkKind {
    if jabatan_ptk_id == Some("10001") {
        return PtkKind::Guru;
    }
    let jenis: Option<u32> = jenis_ptk_id.and_then(|s| s.parse().ok());
    match jenis {
        Some(91 | 20 | 92 | 3 | 4 | 5 | 6 | 12 | 13 | 14 | 15 | 16) => PtkKind::Guru,
        Some(93 | 11 | 30 | 40..=45) => PtkKind::Tendik,
        _ => match jabatan_ptk_id {
            Some(j) if j.len() == 5 && j.starts_with('2') => PtkKind::Guru,
            _ => PtkKind::Tendik,
        },
    }
}

fn rows(envelope: Option<&Value>) -> &[Value] {
    match envelope.and_then(|e| e.get("rows")) {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

fn str_field<'a>(row: &'a Value, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Value::as_str)
}

fn array_len(row: &Value, key: &str) -> u64 {
    row.get(key)
        .and_then(Value::as_array)
        .map_or(0, |a| a.len() as u64)
}

/// Computes the truth lines of one school from its bodies.
pub fn compute(npsn: &str, bodies: Bodies<'_>) -> (Truth, Vec<RombelTruth>) {
    let mut t = Truth {
        npsn: npsn.to_string(),
        sekolah: u64::from(bodies.sekolah.is_some_and(|e| e.get("rows").is_some())),
        ..Truth::default()
    };

    let pd_rows = rows(bodies.peserta_didik);
    t.peserta_didik = pd_rows.len() as u64;
    let sex_by_pd: HashMap<&str, &str> = pd_rows
        .iter()
        .filter_map(|r| {
            Some((
                str_field(r, "peserta_didik_id")?,
                str_field(r, "jenis_kelamin")?,
            ))
        })
        .collect();

    for row in rows(bodies.gtk) {
        t.ptk += 1;
        t.riwayat_kepangkatan += array_len(row, "rwy_kepangkatan");
        t.riwayat_pendidikan += array_len(row, "rwy_pend_formal");
        let jenis = code(row.get("jenis_ptk_id"));
        let jabatan = code(row.get("jabatan_ptk_id"));
        let kind = classify(jenis.as_deref(), jabatan.as_deref());
        let male = str_field(row, "jenis_kelamin") == Some("L");
        match (kind, male) {
            (PtkKind::Guru, true) => t.guru_l += 1,
            (PtkKind::Guru, false) => t.guru_p += 1,
            (PtkKind::Tendik, true) => t.tendik_l += 1,
            (PtkKind::Tendik, false) => t.tendik_p += 1,
        }
    }

    let mut anggota_ids = HashSet::new();
    let mut pembelajaran_ids = HashSet::new();
    let mut rombel_truth = Vec::new();
    for row in rows(bodies.rombongan_belajar) {
        t.rombel += 1;
        let members = row.get("anggota_rombel").and_then(Value::as_array);
        for m in members.into_iter().flatten() {
            if let Some(id) = str_field(m, "anggota_rombel_id") {
                anggota_ids.insert(id.to_string());
            }
        }
        if code(row.get("jenis_rombel")).as_deref() != Some("1") {
            continue;
        }
        let lessons = row.get("pembelajaran").and_then(Value::as_array);
        for p in lessons.into_iter().flatten() {
            if let Some(id) = str_field(p, "pembelajaran_id") {
                pembelajaran_ids.insert(id.to_string());
            }
        }
        let (mut l, mut p) = (0, 0);
        for m in members.into_iter().flatten() {
            let pd = str_field(m, "peserta_didik_id").unwrap_or_default();
            match sex_by_pd.get(pd) {
                Some(&"L") => l += 1,
                Some(&"P") => p += 1,
                _ => {}
            }
        }
        rombel_truth.push(RombelTruth {
            npsn: npsn.to_string(),
            rombongan_belajar_id: str_field(row, "rombongan_belajar_id")
                .unwrap_or_default()
                .to_string(),
            nama: str_field(row, "nama").unwrap_or_default().to_string(),
            jenis_rombel: "1".to_string(),
            laki_laki: l,
            perempuan: p,
        });
    }
    t.anggota_rombel = anggota_ids.len() as u64;
    t.pembelajaran = pembelajaran_ids.len() as u64;
    (t, rombel_truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_rule() {
        assert_eq!(classify(Some("91"), Some("10001")), PtkKind::Guru);
        assert_eq!(classify(Some("20"), None), PtkKind::Guru);
        assert_eq!(classify(Some("4"), None), PtkKind::Guru);
        assert_eq!(classify(Some("93"), Some("31001")), PtkKind::Tendik);
        assert_eq!(classify(Some("42"), None), PtkKind::Tendik);
        assert_eq!(classify(Some("99"), Some("99999")), PtkKind::Tendik);
        assert_eq!(classify(Some("99"), Some("23304")), PtkKind::Guru);
    }
}
