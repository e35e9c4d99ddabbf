//! View models of the public pages. They are built only from public data: aggregates and
//! public school identity. None of these types has a field for a person's name, NIK, NISN,
//! birth date or address, so a public template cannot show one; [`PublicView`] marks them
//! (sealed: implemented only here) and the tests check every one of them.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use shared_model::DataKind;
use shared_model::protocol::{
    KelasRecap, ProgresEntry, ProgresLive, RekapSatuanPendidikan, SekolahPublic, VersionInfo,
};

use crate::matrix::{Measure, SatuanPendidikanMatrix, build_matrix, canonical_bentuk};
use crate::views::common::{format_tanggal, natural_cmp, non_empty, safe_http_url};

mod sealed {
    pub trait Sealed {}
}

/// Marker of view models that may be shown to anyone (sealed).
pub trait PublicView: Serialize + sealed::Sealed {}

macro_rules! public_view {
    ($($t:ty),* $(,)?) => {
        $( impl sealed::Sealed for $t {} impl PublicView for $t {} )*
    };
}

public_view!(
    BerandaView,
    ProgresDataView,
    BelumKirimView,
    DataPokokView,
    DaftarSatuanPendidikanView,
    SekolahView,
    UnduhanView,
    crate::views::common::ErrorView,
);

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

/// A school of the district's reference list with its last send (input of "Belum Kirim").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SekolahReferensi {
    pub npsn: String,
    pub nama: String,
    pub bentuk: Option<String>,
    pub status: Option<String>,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub desa_kelurahan: Option<String>,
    /// The school's own phone number (public identity).
    pub telepon: Option<String>,
    /// Last committed send, WIB `YYYY-MM-DD HH:MM:SS`; `None` = never sent.
    pub tanggal_kirim: Option<String>,
}

/// A school that has not sent (since the chosen date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BelumKirimRow {
    pub npsn: String,
    pub nama: String,
    pub bentuk: Option<String>,
    pub status: Option<String>,
    pub desa_kelurahan: Option<String>,
    pub telepon: Option<String>,
    pub terakhir_kirim: Option<String>,
}

/// One kecamatan of "Belum Kirim".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BelumKirimKelompok {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub jumlah_referensi: usize,
    pub jumlah_belum: usize,
    pub sekolah: Vec<BelumKirimRow>,
}

/// "Belum Kirim": reference schools without a send (since `sejak`), by kecamatan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BelumKirimView {
    /// The since-date filter as `YYYY-MM-DD` (value of the date input).
    pub sejak: Option<String>,
    /// Every kecamatan of the reference list (also those with nothing missing), by kode.
    pub kelompok: Vec<BelumKirimKelompok>,
    pub total_belum: usize,
    pub total_referensi: usize,
}

impl BelumKirimView {
    /// A school counts as "belum" when it never sent, or (with `sejak`) when its last send
    /// is before that day (WIB).
    pub fn build(schools: &[SekolahReferensi], sejak: Option<time::Date>) -> Self {
        let sejak_s = sejak.map(format_tanggal);
        let mut groups: BTreeMap<String, BelumKirimKelompok> = BTreeMap::new();
        for s in schools {
            let g = groups
                .entry(s.kode_kecamatan.trim().to_owned())
                .or_insert_with(|| BelumKirimKelompok {
                    kode_kecamatan: s.kode_kecamatan.trim().to_owned(),
                    kecamatan: s.kecamatan.trim().to_owned(),
                    jumlah_referensi: 0,
                    jumlah_belum: 0,
                    sekolah: Vec::new(),
                });
            g.jumlah_referensi += 1;
            let belum = match (&s.tanggal_kirim, &sejak_s) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(t), Some(d)) => t.get(..10).unwrap_or(t.as_str()) < d.as_str(),
            };
            if belum {
                g.jumlah_belum += 1;
                g.sekolah.push(BelumKirimRow {
                    npsn: s.npsn.clone(),
                    nama: s.nama.clone(),
                    bentuk: s.bentuk.clone(),
                    status: s.status.clone(),
                    desa_kelurahan: s.desa_kelurahan.clone(),
                    telepon: s.telepon.clone(),
                    terakhir_kirim: s.tanggal_kirim.clone(),
                });
            }
        }
        let mut kelompok: Vec<BelumKirimKelompok> = groups.into_values().collect();
        for g in &mut kelompok {
            g.sekolah
                .sort_by(|a, b| natural_cmp(&a.nama, &b.nama).then_with(|| a.npsn.cmp(&b.npsn)));
        }
        BelumKirimView {
            sejak: sejak_s,
            total_belum: kelompok.iter().map(|g| g.jumlah_belum).sum(),
            total_referensi: schools.len(),
            kelompok,
        }
    }
}

/// "JUMLAH SATUAN PENDIDIKAN (SEKOLAH)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataPokokView {
    pub matrix: SatuanPendidikanMatrix,
}

impl DataPokokView {
    pub fn build(rekap: &[RekapSatuanPendidikan], ukuran: Measure) -> Self {
        DataPokokView {
            matrix: build_matrix(rekap, ukuran),
        }
    }
}

/// One school of "DAFTAR SATUAN PENDIDIKAN".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatuanPendidikanRow {
    pub npsn: String,
    pub nama: String,
    pub status: Option<String>,
    pub bentuk: Option<String>,
    pub desa_kelurahan: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub lintang: Option<String>,
    pub bujur: Option<String>,
    pub tanggal_kirim: Option<String>,
}

impl From<&SekolahPublic> for SatuanPendidikanRow {
    fn from(s: &SekolahPublic) -> Self {
        SatuanPendidikanRow {
            npsn: s.npsn.clone(),
            nama: s.nama.clone(),
            status: s.status.clone(),
            bentuk: s.bentuk.clone(),
            desa_kelurahan: s.desa_kelurahan.clone(),
            email: s.email.clone(),
            website: s.website.clone(),
            lintang: s.lintang.clone(),
            bujur: s.bujur.clone(),
            tanggal_kirim: s.tanggal_kirim.clone(),
        }
    }
}

/// "DAFTAR SATUAN PENDIDIKAN (SEKOLAH) : KEC. …".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaftarSatuanPendidikanView {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    /// Ordered by name (natural order).
    pub sekolah: Vec<SatuanPendidikanRow>,
}

impl DaftarSatuanPendidikanView {
    pub fn new(
        kode_kecamatan: impl Into<String>,
        kecamatan: impl Into<String>,
        mut sekolah: Vec<SatuanPendidikanRow>,
    ) -> Self {
        sekolah.sort_by(|a, b| natural_cmp(&a.nama, &b.nama).then_with(|| a.npsn.cmp(&b.npsn)));
        DaftarSatuanPendidikanView {
            kode_kecamatan: kode_kecamatan.into(),
            kecamatan: kecamatan.into(),
            sekolah,
        }
    }
}

/// `/sekolah/{npsn}`: identity block, Data PTK, Data PD per class, last send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SekolahView {
    pub sekolah: SekolahPublic,
    /// For the link back to the kecamatan list.
    pub kode_kecamatan: Option<String>,
    /// The website as a link target, only when it is a real http(s) URL.
    pub website_url: Option<String>,
    /// Class rombel ordered by tingkat, then name.
    pub kelas: Vec<KelasKolom>,
    pub pd_laki_laki: u64,
    pub pd_perempuan: u64,
    pub guru_total: u64,
    pub tendik_total: u64,
    /// Rows received per data kind in the last send ("Data PD 118" …); empty before a send.
    pub terkirim: Vec<JumlahData>,
}

/// A count of one data kind of the last send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JumlahData {
    pub label: &'static str,
    pub jumlah: u64,
}

/// One class column of "Data PD".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KelasKolom {
    /// Rombel name ("Kelas 5A"); "Tingkat 5" when the name is missing.
    pub nama: String,
    pub laki_laki: u64,
    pub perempuan: u64,
    pub jumlah: u64,
}

impl SekolahView {
    pub fn new(sekolah: SekolahPublic, kode_kecamatan: Option<String>) -> Self {
        let mut recaps: Vec<&KelasRecap> = sekolah.kelas.iter().collect();
        let tingkat = |k: &KelasRecap| {
            k.tingkat
                .as_deref()
                .and_then(|t| t.trim().parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        };
        let nama = |k: &KelasRecap| match (
            k.nama.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            k.tingkat.as_deref(),
        ) {
            (Some(n), _) => n.to_owned(),
            (None, Some(t)) => format!("Tingkat {}", t.trim()),
            (None, None) => "Tanpa nama".to_owned(),
        };
        recaps.sort_by(|a, b| {
            tingkat(a)
                .cmp(&tingkat(b))
                .then_with(|| natural_cmp(&nama(a), &nama(b)))
        });
        let kelas: Vec<KelasKolom> = recaps
            .into_iter()
            .map(|k| KelasKolom {
                nama: nama(k),
                laki_laki: k.laki_laki,
                perempuan: k.perempuan,
                jumlah: k.laki_laki + k.perempuan,
            })
            .collect();
        SekolahView {
            website_url: sekolah.website.as_deref().and_then(safe_http_url),
            pd_laki_laki: kelas.iter().map(|k| k.laki_laki).sum(),
            pd_perempuan: kelas.iter().map(|k| k.perempuan).sum(),
            guru_total: sekolah.ptk.guru_l + sekolah.ptk.guru_p,
            tendik_total: sekolah.ptk.tendik_l + sekolah.ptk.tendik_p,
            terkirim: sekolah
                .counts
                .map(|c| {
                    c.iter()
                        .map(|(k, n)| JumlahData {
                            label: k.label(),
                            jumlah: n,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            kelas,
            kode_kecamatan,
            sekolah,
        }
    }
}

/// A file of the download folder, as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub nama: String,
    pub ukuran: u64,
    /// Modification time as the page shows it (e.g. WIB `YYYY-MM-DD HH:MM`).
    pub diubah: Option<String>,
}

/// A file on `/unduhan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BerkasUnduhan {
    pub nama: String,
    pub ukuran: u64,
    pub ukuran_label: String,
    pub diubah: Option<String>,
    pub jenis: &'static str,
}

/// `/unduhan`: the helper installer and the operator guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnduhanView {
    pub berkas: Vec<BerkasUnduhan>,
    pub versi: Option<VersionInfo>,
}

impl UnduhanView {
    /// Keeps only safe, visible file names ([`is_safe_download_name`]); installers first,
    /// then guides, then other files, each by name.
    pub fn from_listing(files: Vec<FileEntry>, versi: Option<VersionInfo>) -> Self {
        let mut berkas: Vec<BerkasUnduhan> = files
            .into_iter()
            .filter(|f| is_safe_download_name(&f.nama))
            .map(|f| BerkasUnduhan {
                jenis: jenis_berkas(&f.nama),
                ukuran_label: ukuran_label(f.ukuran),
                nama: f.nama,
                ukuran: f.ukuran,
                diubah: f.diubah,
            })
            .collect();
        let rank = |j: &str| match j {
            JENIS_INSTALLER => 0,
            JENIS_PANDUAN => 1,
            _ => 2,
        };
        berkas.sort_by(|a, b| {
            rank(a.jenis)
                .cmp(&rank(b.jenis))
                .then_with(|| natural_cmp(&b.nama, &a.nama))
        });
        UnduhanView { berkas, versi }
    }
}

const JENIS_INSTALLER: &str = "Aplikasi DB Helper (pemasang)";
const JENIS_PANDUAN: &str = "Panduan operator";

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn jenis_berkas(name: &str) -> &'static str {
    match extension(name).as_str() {
        "exe" | "msi" | "deb" | "appimage" | "zip" => JENIS_INSTALLER,
        "pdf" | "docx" | "doc" => JENIS_PANDUAN,
        _ => "Berkas",
    }
}

/// `812 B`, `12,3 KB`, `45,6 MB` (1024-based, decimal comma).
pub fn ukuran_label(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{:.1} {}", v, UNITS[unit]).replace('.', ",")
}

/// A file name that may be served from the download folder: one path segment, no hidden
/// files, no traversal, printable characters only, at most 200 bytes.
pub fn is_safe_download_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.chars().any(char::is_control)
        && name.trim() == name
}

/// Content type of a download by extension.
pub fn download_content_type(name: &str) -> &'static str {
    match extension(name).as_str() {
        "pdf" => "application/pdf",
        "exe" => "application/vnd.microsoft.portable-executable",
        "msi" => "application/x-msi",
        "zip" => "application/zip",
        "txt" => "text/plain; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => crate::export::XLSX_CONTENT_TYPE,
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_and_sizes() {
        assert!(is_safe_download_name("db-helper-setup-1.0.exe"));
        for bad in ["", ".env", "../x", "a/b", "a\\b", "c:x", " x", "x\n"] {
            assert!(!is_safe_download_name(bad), "{bad:?}");
        }
        assert_eq!(ukuran_label(812), "812 B");
        assert_eq!(ukuran_label(12_595), "12,3 KB");
        assert_eq!(ukuran_label(47_815_065), "45,6 MB");
        assert_eq!(download_content_type("Panduan.PDF"), "application/pdf");
        assert_eq!(download_content_type("x"), "application/octet-stream");
    }
}
