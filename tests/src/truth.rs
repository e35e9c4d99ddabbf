//! What each simulated school's Dapodik holds (`truth.csv` of the generated kabupaten),
//! as the 8 counts the district must end up with.

use std::collections::BTreeMap;
use std::path::Path;

use shared_model::{DataKind, KindCounts};

/// Expected counts and PTK recap of one school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolTruth {
    pub counts: KindCounts,
    pub guru_l: u64,
    pub guru_p: u64,
    pub tendik_l: u64,
    pub tendik_p: u64,
}

/// Truth by NPSN.
#[derive(Debug, Clone, Default)]
pub struct TruthTable {
    pub schools: BTreeMap<String, SchoolTruth>,
}

impl TruthTable {
    pub fn load(data_dir: &Path) -> anyhow::Result<TruthTable> {
        let mut schools = BTreeMap::new();
        for t in dapodik_sim::data_dir::load_truth(data_dir)? {
            let mut c = KindCounts::default();
            c.set(DataKind::Sekolah, t.sekolah);
            c.set(DataKind::PesertaDidik, t.peserta_didik);
            c.set(DataKind::Ptk, t.ptk);
            c.set(DataKind::RiwayatKepangkatan, t.riwayat_kepangkatan);
            c.set(DataKind::RiwayatPendidikan, t.riwayat_pendidikan);
            c.set(DataKind::Rombel, t.rombel);
            c.set(DataKind::AnggotaRombel, t.anggota_rombel);
            c.set(DataKind::Pembelajaran, t.pembelajaran);
            schools.insert(
                t.npsn.clone(),
                SchoolTruth {
                    counts: c,
                    guru_l: t.guru_l,
                    guru_p: t.guru_p,
                    tendik_l: t.tendik_l,
                    tendik_p: t.tendik_p,
                },
            );
        }
        Ok(TruthTable { schools })
    }

    pub fn get(&self, npsn: &str) -> Option<&SchoolTruth> {
        self.schools.get(npsn)
    }

    /// Total rows of the given schools.
    pub fn rows_of<'a>(&self, npsns: impl IntoIterator<Item = &'a String>) -> u64 {
        npsns
            .into_iter()
            .filter_map(|n| self.schools.get(n))
            .map(|t| t.counts.total())
            .sum()
    }
}

/// `kind=seen/expected` for each kind that differs (empty when equal).
pub fn diff(seen: &KindCounts, expected: &KindCounts) -> String {
    DataKind::ALL
        .into_iter()
        .filter(|k| seen.get(*k) != expected.get(*k))
        .map(|k| format!("{}={}/{}", k.wire_name(), seen.get(k), expected.get(k)))
        .collect::<Vec<_>>()
        .join(" ")
}
