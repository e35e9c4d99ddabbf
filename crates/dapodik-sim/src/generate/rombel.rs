//! Rombongan belajar (classes and ekskul groups) and their getRombonganBelajar
//! rows, built like the PHP loop: `$arr` and `$arrPembelajaran` are reused on
//! leaky builds, so an ekskul row carries the previous row's `pembelajaran`
//! and a row without wali carries the previous `ptk_id_str`.

use serde_json::{Value, json};

use super::gtk::Ptk;
use super::php_row::PhpRow;
use super::profile::Flavor;
use super::refdata::Mapel;
use super::students::{SEMESTER_ID, jenis_pendaftaran_str};

#[derive(Debug, Clone)]
pub struct Anggota {
    pub id: String,
    pub peserta_didik_id: String,
    pub jenis_pendaftaran: u8,
}

#[derive(Debug, Clone)]
pub struct Pembelajaran {
    pub id: String,
    pub mapel: Mapel,
    /// Index into the school's PTK list.
    pub ptk: usize,
    pub nama_lokal: String,
    pub induk: Option<String>,
    pub jam: u32,
    /// `status_di_kurikulum` code; `None` label when the code is unknown.
    pub status: (&'static str, Option<&'static str>),
}

#[derive(Debug, Clone)]
pub struct Ekskul {
    pub id_kelas_ekskul: String,
    pub id_ekskul: i64,
    pub nm_ekskul: String,
    pub sk_ekskul: String,
    /// Label from the ekskul reference; `None` if the reference row is missing.
    pub ref_label: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Kelas {
        pembelajaran: Vec<Pembelajaran>,
    },
    /// `None`: the `kelas_ekskul` row is missing.
    Ekskul(Option<Ekskul>),
}

#[derive(Debug, Clone)]
pub struct Rombel {
    pub id: String,
    pub nama: String,
    pub tingkat: String,
    pub tingkat_str: String,
    pub kurikulum: (i64, &'static str),
    pub ruang_id: String,
    pub ruang_nama: String,
    pub moving_class: bool,
    /// Wali kelas / pembina (index into the school's PTK list).
    pub wali: Option<usize>,
    pub jurusan: Option<(&'static str, &'static str)>,
    pub anggota: Vec<Anggota>,
    pub kind: Kind,
}

impl Rombel {
    pub fn jenis(&self) -> &'static str {
        match self.kind {
            Kind::Kelas { .. } => "1",
            Kind::Ekskul(_) => "51",
        }
    }

    fn order_key(&self) -> (u8, u32) {
        let jenis = if matches!(self.kind, Kind::Kelas { .. }) {
            1
        } else {
            51
        };
        (jenis, self.tingkat.parse().unwrap_or(0))
    }
}

/// Server order: `ORDER BY jenis_rombel, tingkat_pendidikan_id` (stable).
pub fn server_order(rombels: &[Rombel]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rombels.len()).collect();
    order.sort_by_key(|&i| rombels[i].order_key());
    order
}

fn anggota_row(f: &Flavor, a: &Anggota) -> Value {
    json!({
        "anggota_rombel_id": a.id,
        "peserta_didik_id": a.peserta_didik_id,
        "jenis_pendaftaran_id": f.scode(&a.jenis_pendaftaran.to_string()),
        "jenis_pendaftaran_id_str": jenis_pendaftaran_str(a.jenis_pendaftaran),
    })
}

/// getRombonganBelajar rows.
pub fn rows(rombels: &[Rombel], ptks: &[Ptk], f: &Flavor) -> Vec<Value> {
    let mut arr = PhpRow::new(f.leaky);
    let mut lesson = PhpRow::new(f.leaky);
    let mut out = Vec::with_capacity(rombels.len());
    for i in server_order(rombels) {
        let r = &rombels[i];
        let wali = r.wali.and_then(|w| ptks.get(w));
        arr.begin();
        arr.set("rombongan_belajar_id", json!(r.id));
        arr.set("nama", json!(r.nama));
        arr.set("tingkat_pendidikan_id", f.scode(&r.tingkat));
        if f.profile.has_tingkat_str() {
            arr.set("tingkat_pendidikan_id_str", json!(r.tingkat_str));
        }
        arr.set("semester_id", json!(SEMESTER_ID));
        arr.set("jenis_rombel", f.scode(r.jenis()));
        arr.set("kurikulum_id", f.ncode(r.kurikulum.0));
        arr.set("kurikulum_id_str", json!(r.kurikulum.1));
        arr.set("id_ruang", json!(r.ruang_id));
        arr.set("id_ruang_str", json!(r.ruang_nama));
        arr.set(
            "moving_class",
            json!(if r.moving_class { "Ya" } else { "Tidak" }),
        );
        arr.set("ptk_id", json!(wali.map(|p| &p.person.ptk_id)));
        if let Some(p) = wali {
            arr.set("ptk_id_str", json!(p.person.nama));
        }
        let jenis_str = if matches!(r.kind, Kind::Kelas { .. }) {
            "Kelas"
        } else {
            "Ekstrakurikuler"
        };
        arr.set("jenis_rombel_str", json!(jenis_str));
        if let Some((id, label)) = r.jurusan {
            arr.set("jurusan_id", json!(id));
            arr.set("jurusan_id_str", json!(label));
        }
        arr.set(
            "anggota_rombel",
            Value::Array(r.anggota.iter().map(|a| anggota_row(f, a)).collect()),
        );
        match &r.kind {
            Kind::Ekskul(Some(e)) => {
                arr.set("id_kelas_ekskul", json!(e.id_kelas_ekskul));
                arr.set("id_ekskul", f.ncode(e.id_ekskul));
                arr.set("nm_ekskul", json!(e.nm_ekskul));
                arr.set("sk_ekskul", json!(e.sk_ekskul));
                if let Some(label) = e.ref_label {
                    arr.set("id_ekskul_str", json!(label));
                }
            }
            Kind::Ekskul(None) => {}
            Kind::Kelas { pembelajaran } => {
                let list = pembelajaran
                    .iter()
                    .filter_map(|p| {
                        let ptk = ptks.get(p.ptk)?;
                        lesson.begin();
                        lesson.set("pembelajaran_id", json!(p.id));
                        lesson.set("mata_pelajaran_id", f.ncode(p.mapel.id));
                        lesson.set("mata_pelajaran_id_str", json!(p.mapel.nama));
                        lesson.set("ptk_terdaftar_id", json!(ptk.ptk_terdaftar_id));
                        lesson.set("ptk_id", json!(ptk.person.ptk_id));
                        lesson.set("nama_mata_pelajaran", json!(p.nama_lokal));
                        lesson.set("induk_pembelajaran_id", json!(p.induk));
                        lesson.set("jam_mengajar_per_minggu", f.scode(&p.jam.to_string()));
                        lesson.set("status_di_kurikulum", f.scode(p.status.0));
                        if let Some(label) = p.status.1 {
                            lesson.set("status_di_kurikulum_str", json!(label));
                        }
                        Some(lesson.emit())
                    })
                    .collect();
                arr.set("pembelajaran", Value::Array(list));
            }
        }
        out.push(arr.emit());
    }
    out
}
