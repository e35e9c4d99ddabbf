//! The per-school views: schools that have not sent, the Data Pokok matrix and lists, the school page.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shared_model::protocol::{KelasRecap, RekapSatuanPendidikan, SekolahPublic};

use crate::common::{format_tanggal, natural_cmp, safe_http_url};
use crate::matrix::{Measure, SatuanPendidikanMatrix, build_matrix};

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
