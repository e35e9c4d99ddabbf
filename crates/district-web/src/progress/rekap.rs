//! The progress views: rekap per kecamatan, the send list (progres data), live sends, beranda.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use shared_model::DataKind;
use shared_model::protocol::{ProgresEntry, ProgresLive, RekapSatuanPendidikan};

use crate::common::non_empty;
use crate::matrix::canonical_bentuk;

/// Sent / reference schools of one kecamatan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KecamatanProgress {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub sudah_kirim: u64,
    pub total_referensi: u64,
}

/// Sums rekap rows per kecamatan, ordered by kode kecamatan.
pub fn kecamatan_progress(rekap: &[RekapSatuanPendidikan]) -> Vec<KecamatanProgress> {
    let mut by: BTreeMap<String, KecamatanProgress> = BTreeMap::new();
    for r in rekap {
        let e = by
            .entry(r.kode_kecamatan.trim().to_owned())
            .or_insert_with(|| KecamatanProgress {
                kode_kecamatan: r.kode_kecamatan.trim().to_owned(),
                kecamatan: r.kecamatan.trim().to_owned(),
                sudah_kirim: 0,
                total_referensi: 0,
            });
        e.sudah_kirim += r.sudah_kirim;
        e.total_referensi += r.total_referensi;
    }
    by.into_values().collect()
}

/// "Sedang mengirim": a school sending right now, with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveRow {
    pub npsn: String,
    pub nama: String,
    pub kecamatan: String,
    pub mulai_utc: String,
    /// Rows received of rows expected, floored (100 only when complete).
    pub persen: u8,
    pub diterima: u64,
    pub diharapkan: u64,
}

impl From<&ProgresLive> for LiveRow {
    fn from(l: &ProgresLive) -> Self {
        let diharapkan = l.expected.total();
        let diterima = l.received.total().min(diharapkan);
        let persen = (diterima * 100)
            .checked_div(diharapkan)
            .unwrap_or(0)
            .min(100) as u8;
        LiveRow {
            npsn: l.npsn.clone(),
            nama: l.nama.clone(),
            kecamatan: l.kecamatan.clone(),
            mulai_utc: l.started_at_utc.clone(),
            persen,
            diterima,
            diharapkan,
        }
    }
}

/// One row of "Progres Kirim Data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgresRow {
    pub kecamatan: String,
    pub nama: String,
    pub npsn: String,
    pub bentuk: String,
    pub status: String,
    /// WIB; `None` for a school whose first send is in progress.
    pub tanggal_kirim: Option<String>,
    /// The 8 counts in [`DataKind::ALL`] order; `None` before the first send.
    pub jumlah: Option<Vec<u64>>,
    /// Set while the school is sending.
    pub live: Option<LiveRow>,
}

impl ProgresRow {
    fn from_entry(e: ProgresEntry, live: Option<LiveRow>) -> Self {
        ProgresRow {
            jumlah: Some(DataKind::ALL.iter().map(|k| e.counts.get(*k)).collect()),
            kecamatan: e.kecamatan,
            nama: e.nama,
            npsn: e.npsn,
            bentuk: e.bentuk,
            status: e.status,
            tanggal_kirim: Some(e.tanggal_kirim),
            live,
        }
    }

    fn from_live(l: LiveRow) -> Self {
        ProgresRow {
            kecamatan: l.kecamatan.clone(),
            nama: l.nama.clone(),
            npsn: l.npsn.clone(),
            bentuk: String::new(),
            status: String::new(),
            tanggal_kirim: None,
            jumlah: None,
            live: Some(l),
        }
    }
}

/// Query of `/progres_data` (`?kecamatan=&bentuk=&q=`); usable directly as the server's
/// query extractor type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgresFilter {
    #[serde(default)]
    pub kecamatan: Option<String>,
    #[serde(default)]
    pub bentuk: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
}

impl ProgresFilter {
    /// Blank values → `None`, others trimmed.
    pub fn normalized(&self) -> ProgresFilter {
        ProgresFilter {
            kecamatan: non_empty(self.kecamatan.as_deref()),
            bentuk: non_empty(self.bentuk.as_deref()),
            q: non_empty(self.q.as_deref()),
        }
    }

    fn matches(&self, kecamatan: &str, bentuk: Option<&str>, nama: &str, npsn: &str) -> bool {
        if let Some(k) = &self.kecamatan
            && !k.eq_ignore_ascii_case(kecamatan.trim())
        {
            return false;
        }
        if let Some(b) = &self.bentuk {
            match bentuk {
                Some(x) if canonical_bentuk(x).eq_ignore_ascii_case(&canonical_bentuk(b)) => {}
                _ => return false,
            }
        }
        if let Some(q) = &self.q {
            let q = q.to_lowercase();
            let hay = format!("{} {} {}", nama, npsn, kecamatan).to_lowercase();
            if !q.split_whitespace().all(|t| hay.contains(t)) {
                return false;
            }
        }
        true
    }
}

/// "Progres Kirim Data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgresDataView {
    /// Count column headers ("Data Sekolah" … "Data Pembelajaran").
    pub kolom_data: Vec<&'static str>,
    /// Newest first; schools whose first send is in progress on top.
    pub rows: Vec<ProgresRow>,
    pub filter: ProgresFilter,
    pub kecamatan_options: Vec<String>,
    pub bentuk_options: Vec<String>,
    /// Schools with a committed send (before filtering).
    pub total_sekolah: usize,
    /// Schools sending right now (before filtering).
    pub sedang_mengirim: usize,
}

impl ProgresDataView {
    /// Merges committed entries with the live sends, filters and orders them.
    pub fn build(entries: Vec<ProgresEntry>, live: &[ProgresLive], filter: &ProgresFilter) -> Self {
        let filter = filter.normalized();
        let mut live_by: HashMap<String, LiveRow> = live
            .iter()
            .map(|l| (l.npsn.clone(), LiveRow::from(l)))
            .collect();
        let total_sekolah = entries.len();
        let sedang_mengirim = live_by.len();

        let mut kec: BTreeMap<String, String> = BTreeMap::new();
        let mut bentuk: BTreeMap<String, String> = BTreeMap::new();
        for e in &entries {
            kec.entry(e.kecamatan.trim().to_lowercase())
                .or_insert_with(|| e.kecamatan.trim().to_owned());
            if !e.bentuk.trim().is_empty() {
                let b = canonical_bentuk(&e.bentuk);
                bentuk.entry(b.to_uppercase()).or_insert(b);
            }
        }
        for l in live {
            kec.entry(l.kecamatan.trim().to_lowercase())
                .or_insert_with(|| l.kecamatan.trim().to_owned());
        }

        let mut entries = entries;
        entries.sort_by(|a, b| {
            b.tanggal_kirim_utc
                .cmp(&a.tanggal_kirim_utc)
                .then_with(|| a.npsn.cmp(&b.npsn))
        });
        let mut rows = Vec::with_capacity(entries.len() + live_by.len());
        let mut body = Vec::with_capacity(entries.len());
        for e in entries {
            let l = live_by.remove(&e.npsn);
            if filter.matches(&e.kecamatan, Some(&e.bentuk), &e.nama, &e.npsn) {
                body.push(ProgresRow::from_entry(e, l));
            }
        }
        let mut first_sends: Vec<LiveRow> = live_by.into_values().collect();
        first_sends.sort_by(|a, b| {
            b.mulai_utc
                .cmp(&a.mulai_utc)
                .then_with(|| a.npsn.cmp(&b.npsn))
        });
        for l in first_sends {
            if filter.matches(&l.kecamatan, None, &l.nama, &l.npsn) {
                rows.push(ProgresRow::from_live(l));
            }
        }
        rows.extend(body);

        ProgresDataView {
            kolom_data: DataKind::ALL.iter().map(|k| k.label()).collect(),
            rows,
            filter,
            kecamatan_options: kec.into_values().collect(),
            bentuk_options: bentuk.into_values().collect(),
            total_sekolah,
            sedang_mengirim,
        }
    }
}

/// Beranda: totals, progress per kecamatan (chart) and the latest sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BerandaView {
    pub total_referensi: u64,
    pub total_kirim: u64,
    pub total_belum: u64,
    pub kecamatan: Vec<KecamatanProgress>,
    /// Latest committed sends, newest first.
    pub terbaru: Vec<ProgresRow>,
    pub sedang_mengirim: Vec<LiveRow>,
}

impl BerandaView {
    /// `latest` in any order; the newest `limit` are kept.
    pub fn build(
        rekap: &[RekapSatuanPendidikan],
        latest: &[ProgresEntry],
        live: &[ProgresLive],
        limit: usize,
    ) -> Self {
        let kecamatan = kecamatan_progress(rekap);
        let total_referensi: u64 = kecamatan.iter().map(|k| k.total_referensi).sum();
        let total_kirim: u64 = kecamatan.iter().map(|k| k.sudah_kirim).sum();
        let mut latest: Vec<ProgresEntry> = latest.to_vec();
        latest.sort_by(|a, b| {
            b.tanggal_kirim_utc
                .cmp(&a.tanggal_kirim_utc)
                .then_with(|| a.npsn.cmp(&b.npsn))
        });
        latest.truncate(limit);
        let mut sedang: Vec<LiveRow> = live.iter().map(LiveRow::from).collect();
        sedang.sort_by(|a, b| b.mulai_utc.cmp(&a.mulai_utc));
        BerandaView {
            total_referensi,
            total_kirim,
            total_belum: total_referensi.saturating_sub(total_kirim),
            kecamatan,
            terbaru: latest
                .into_iter()
                .map(|e| ProgresRow::from_entry(e, None))
                .collect(),
            sedang_mengirim: sedang,
        }
    }
}
