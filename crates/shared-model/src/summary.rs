//! Public recap of one school: identity, PTK counts, classes and student totals.
//!
//! Contains no personal data (no names, NIK, NISN …): only the school's public identity and
//! counts, so it can be shown on public pages as is.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::classify::{Bentuk, Gender, StatusSekolah};
use crate::lenient::code_number;
use crate::rows::FlatSnapshot;

/// Public identity of the school (from getSekolah).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolIdentity {
    pub npsn: Option<String>,
    pub nama: Option<String>,
    pub bentuk: Option<Bentuk>,
    pub status: Option<StatusSekolah>,
    pub alamat: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub dusun: Option<String>,
    pub desa: Option<String>,
    pub kecamatan: Option<String>,
    pub kabupaten: Option<String>,
    pub provinsi: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub telepon: Option<String>,
    pub kode_pos: Option<String>,
    pub lintang: Option<String>,
    pub bujur: Option<String>,
}

/// PTK counts by public category and gender ("guru" includes the kepala sekolah; "tendik"
/// is every other PTK, see [`crate::classify`]). PTK without a readable gender are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PtkRecap {
    pub guru_l: u64,
    pub guru_p: u64,
    pub tendik_l: u64,
    pub tendik_p: u64,
}

impl PtkRecap {
    pub fn guru(&self) -> u64 {
        self.guru_l + self.guru_p
    }
    pub fn tendik(&self) -> u64 {
        self.tendik_l + self.tendik_p
    }
}

/// One class (rombel with `jenis_rombel` 1) and its active students by gender.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KelasRecap {
    pub rombongan_belajar_id: String,
    pub nama: Option<String>,
    pub tingkat: Option<String>,
    pub laki_laki: u64,
    pub perempuan: u64,
}

/// The public recap of one school.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolSummary {
    pub identitas: SchoolIdentity,
    pub ptk: PtkRecap,
    /// Classes ordered by tingkat (numerically) then name.
    pub kelas: Vec<KelasRecap>,
    /// All active students (getPesertaDidik rows) by gender, with or without a class.
    pub siswa_l: u64,
    pub siswa_p: u64,
}

impl SchoolIdentity {
    fn from_flat(flat: &FlatSnapshot) -> SchoolIdentity {
        let Some(s) = flat.sekolah.first() else {
            return SchoolIdentity::default();
        };
        SchoolIdentity {
            npsn: s.npsn.clone(),
            nama: s.nama.clone(),
            bentuk: Some(s.bentuk()),
            status: s.status(),
            alamat: s.alamat_jalan.clone(),
            rt: s.rt.clone(),
            rw: s.rw.clone(),
            dusun: s.dusun.clone(),
            desa: s.desa_kelurahan.clone(),
            kecamatan: s.kecamatan.clone(),
            kabupaten: s.kabupaten_kota.clone(),
            provinsi: s.provinsi.clone(),
            email: s.email.clone(),
            website: s.website.clone(),
            telepon: s.nomor_telepon.clone(),
            kode_pos: s.kode_pos.clone(),
            lintang: s.lintang.clone(),
            bujur: s.bujur.clone(),
        }
    }
}

impl SchoolSummary {
    pub fn from_flat(flat: &FlatSnapshot) -> SchoolSummary {
        let mut ptk = PtkRecap::default();
        for p in &flat.ptk {
            let guru = p.kategori().is_guru();
            match (guru, p.gender()) {
                (true, Some(Gender::L)) => ptk.guru_l += 1,
                (true, Some(Gender::P)) => ptk.guru_p += 1,
                (false, Some(Gender::L)) => ptk.tendik_l += 1,
                (false, Some(Gender::P)) => ptk.tendik_p += 1,
                (_, None) => {}
            }
        }

        let gender: HashMap<&str, Option<Gender>> = flat
            .peserta_didik
            .iter()
            .map(|pd| (pd.peserta_didik_id.as_str(), pd.gender()))
            .collect();
        let (mut siswa_l, mut siswa_p) = (0, 0);
        for g in gender.values() {
            match g {
                Some(Gender::L) => siswa_l += 1,
                Some(Gender::P) => siswa_p += 1,
                None => {}
            }
        }

        let mut kelas: Vec<KelasRecap> = flat
            .rombel
            .iter()
            .filter(|r| r.is_kelas())
            .map(|r| {
                let mut k = KelasRecap {
                    rombongan_belajar_id: r.rombongan_belajar_id.clone(),
                    nama: r.nama.clone(),
                    tingkat: r.tingkat_pendidikan_id.clone(),
                    laki_laki: 0,
                    perempuan: 0,
                };
                let mut seen = HashSet::new();
                for a in flat
                    .anggota_rombel
                    .iter()
                    .filter(|a| a.rombongan_belajar_id == r.rombongan_belajar_id)
                {
                    let id = a.item.peserta_didik_id.as_str();
                    match gender.get(id) {
                        Some(Some(Gender::L)) if seen.insert(id) => k.laki_laki += 1,
                        Some(Some(Gender::P)) if seen.insert(id) => k.perempuan += 1,
                        _ => {}
                    }
                }
                k
            })
            .collect();
        kelas.sort_by(|a, b| {
            let t = |k: &KelasRecap| {
                k.tingkat
                    .as_deref()
                    .and_then(code_number)
                    .unwrap_or(i64::MAX)
            };
            t(a).cmp(&t(b)).then_with(|| a.nama.cmp(&b.nama))
        });

        SchoolSummary {
            identitas: SchoolIdentity::from_flat(flat),
            ptk,
            kelas,
            siswa_l,
            siswa_p,
        }
    }
}
