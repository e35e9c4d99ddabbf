//! The four staff lists of a kecamatan, built from the stored snapshot rows (the JSON rows
//! the helpers uploaded, read with the tolerant `shared_model` types).

use std::collections::{HashMap, HashSet};

use district_web::columns::{
    AlamatSatuanPendidikanRow, GtkListRow, PesertaDidikListRow, RombelListRow,
};
use district_web::common::natural_cmp;
use district_web::lists::SekolahOption;
use shared_model::classify::{Gender, PtkKategori};
use shared_model::protocol::SekolahPublic;
use shared_model::webservice::{PesertaDidik, Ptk, Rombel};

use crate::storage::{RombelListData, SchoolRow};

fn parse<T: serde::de::DeserializeOwned + Default>(row: &SchoolRow) -> T {
    serde_json::from_str(&row.data).unwrap_or_else(|e| {
        tracing::warn!(npsn = %row.npsn, error = %e, "stored row does not parse");
        T::default()
    })
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// One student of "Data Peserta Didik".
pub fn peserta_didik(row: &SchoolRow) -> PesertaDidikListRow {
    let pd: PesertaDidik = parse(row);
    PesertaDidikListRow {
        npsn: row.npsn.clone(),
        nama_sekolah: row.nama_sekolah.clone(),
        nama: pd.nama.clone().unwrap_or_default(),
        nipd: text(&pd.nipd),
        nisn: text(&pd.nisn),
        nik: text(&pd.nik),
        jenis_kelamin: text(&pd.jenis_kelamin),
        tempat_lahir: text(&pd.tempat_lahir),
        tanggal_lahir: text(&pd.tanggal_lahir),
        agama: text(&pd.agama_id_str),
        tingkat: text(&pd.tingkat_pendidikan_id),
        rombel: text(&pd.nama_rombel),
        tanggal_masuk: text(&pd.tanggal_masuk_sekolah),
        nama_ibu: text(&pd.nama_ibu),
    }
}

/// One PTK assignment of "Data Guru dan Tenaga Kependidikan".
pub fn gtk(row: &SchoolRow) -> GtkListRow {
    let p: Ptk = parse(row);
    let kategori = match p.kategori() {
        PtkKategori::KepalaSekolah | PtkKategori::Guru => "Guru",
        PtkKategori::Tendik => "Tendik",
        PtkKategori::Lainnya => "Lainnya",
    };
    GtkListRow {
        npsn: row.npsn.clone(),
        nama_sekolah: row.nama_sekolah.clone(),
        nama: p.nama.clone().unwrap_or_default(),
        nik: text(&p.nik),
        nuptk: text(&p.nuptk),
        nip: text(&p.nip),
        jenis_kelamin: text(&p.jenis_kelamin),
        tempat_lahir: text(&p.tempat_lahir),
        tanggal_lahir: text(&p.tanggal_lahir),
        kategori: Some(kategori.to_owned()),
        jenis_ptk: text(&p.jenis_ptk_id_str),
        jabatan: text(&p.jabatan_ptk_id_str),
        status_kepegawaian: text(&p.status_kepegawaian_id_str),
        pangkat_golongan: text(&p.pangkat_golongan_terakhir),
        pendidikan_terakhir: text(&p.pendidikan_terakhir),
        bidang_studi: text(&p.bidang_studi_terakhir),
        sekolah_induk: p
            .ptk_induk
            .as_deref()
            .map(|v| matches!(v.trim(), "1" | "true" | "Ya" | "ya")),
        tanggal_surat_tugas: text(&p.tanggal_surat_tugas),
    }
}

/// "Data Rombongan Belajar": members (all `anggota_rombel` rows), members by gender (unique
/// students present in the school's peserta didik, like the public class recap) and
/// pembelajaran per rombel. Ordered by school, tingkat, name.
pub fn rombel(data: &RombelListData) -> Vec<RombelListRow> {
    let gender: HashMap<(&str, &str), Option<Gender>> = data
        .jenis_kelamin
        .iter()
        .map(|(npsn, id, jk)| ((npsn.as_str(), id.as_str()), Gender::parse(jk.as_deref())))
        .collect();
    #[derive(Default)]
    struct Count<'a> {
        anggota: u64,
        seen: HashSet<&'a str>,
        l: u64,
        p: u64,
    }
    let mut counts: HashMap<(&str, &str), Count> = HashMap::new();
    for (npsn, rid, pd) in &data.anggota {
        let c = counts.entry((npsn.as_str(), rid.as_str())).or_default();
        c.anggota += 1;
        match gender.get(&(npsn.as_str(), pd.as_str())) {
            Some(Some(Gender::L)) if c.seen.insert(pd.as_str()) => c.l += 1,
            Some(Some(Gender::P)) if c.seen.insert(pd.as_str()) => c.p += 1,
            _ => {}
        }
    }
    let pembelajaran: HashMap<(&str, &str), u64> = data
        .pembelajaran
        .iter()
        .map(|(npsn, rid, n)| ((npsn.as_str(), rid.as_str()), *n))
        .collect();
    let mut rows: Vec<(u32, RombelListRow)> = data
        .rombel
        .iter()
        .map(|row| {
            let r: Rombel = parse(row);
            let key = (row.npsn.as_str(), r.rombongan_belajar_id.as_str());
            let c = counts.get(&key);
            let tingkat_num = r
                .tingkat_pendidikan_id
                .as_deref()
                .and_then(|t| t.trim().parse::<u32>().ok())
                .unwrap_or(u32::MAX);
            (
                tingkat_num,
                RombelListRow {
                    npsn: row.npsn.clone(),
                    nama_sekolah: row.nama_sekolah.clone(),
                    nama_rombel: r.nama.clone().unwrap_or_default(),
                    tingkat: text(&r.tingkat_pendidikan_id_str).or(text(&r.tingkat_pendidikan_id)),
                    jenis_rombel: text(&r.jenis_rombel_str).or(text(&r.jenis_rombel)),
                    kurikulum: text(&r.kurikulum_id_str),
                    wali_kelas: text(&r.ptk_id_str),
                    ruang: text(&r.id_ruang_str),
                    laki_laki: c.map_or(0, |c| c.l),
                    perempuan: c.map_or(0, |c| c.p),
                    jumlah_anggota: c.map_or(0, |c| c.anggota),
                    jumlah_pembelajaran: pembelajaran.get(&key).copied().unwrap_or(0),
                },
            )
        })
        .collect();
    rows.sort_by(|(ta, a), (tb, b)| {
        natural_cmp(&a.nama_sekolah, &b.nama_sekolah)
            .then_with(|| a.npsn.cmp(&b.npsn))
            .then_with(|| ta.cmp(tb))
            .then_with(|| natural_cmp(&a.nama_rombel, &b.nama_rombel))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// "Data Alamat Satuan Pendidikan" of the kecamatan's schools (or one school), by name.
pub fn alamat(schools: &[SekolahPublic], npsn: Option<&str>) -> Vec<AlamatSatuanPendidikanRow> {
    let mut rows: Vec<AlamatSatuanPendidikanRow> = schools
        .iter()
        .filter(|s| npsn.is_none_or(|n| s.npsn == n))
        .map(AlamatSatuanPendidikanRow::from)
        .collect();
    rows.sort_by(|a, b| natural_cmp(&a.nama, &b.nama).then_with(|| a.npsn.cmp(&b.npsn)));
    rows
}

/// The school filter of a list.
pub fn sekolah_options(schools: &[SekolahPublic]) -> Vec<SekolahOption> {
    let mut out: Vec<SekolahOption> = schools
        .iter()
        .map(|s| SekolahOption {
            npsn: s.npsn.clone(),
            nama: s.nama.clone(),
        })
        .collect();
    out.sort_by(|a, b| natural_cmp(&a.nama, &b.nama).then_with(|| a.npsn.cmp(&b.npsn)));
    out
}
