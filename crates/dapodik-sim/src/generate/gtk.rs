//! PTK registered at a school (`ptk_terdaftar`) and their getGtk rows.

use rand::Rng;
use serde_json::{Value, json};

use super::person::{self, Person, PersonSpec, RwyPangkat, RwyPend, YEAR};
use super::plan::SharedLink;
use super::profile::Flavor;
use super::refdata::{AGAMA, Jabatan, jenis_ptk_label};
use super::rng::{self, SimRng, chance};

/// One `ptk_terdaftar` row: a person assigned to this school this year.
#[derive(Debug, Clone)]
pub struct Ptk {
    pub person: Person,
    pub ptk_terdaftar_id: String,
    pub induk: bool,
    pub tanggal_surat_tugas: String,
    pub jabatan: Jabatan,
    /// 2024+ installs only: position left as 99 "Lainnya" / 99999 "Tidak diisi".
    pub lainnya: bool,
}

fn assignment_date(rng: &mut SimRng) -> String {
    let year = rng.gen_range(2005..=YEAR);
    rng::date_in(rng, year, 1..=12)
}

/// Hires a new person for `jabatan`.
pub fn hire(rng: &mut SimRng, base: &PersonSpec, jabatan: Jabatan, agama: Option<usize>) -> Ptk {
    let spec = PersonSpec {
        jabatan,
        agama,
        ..*base
    };
    let person = person::person(rng, &spec);
    Ptk {
        person,
        ptk_terdaftar_id: rng::uuid(rng),
        induk: true,
        tanggal_surat_tugas: assignment_date(rng),
        jabatan,
        lainnya: false,
    }
}

/// A person registered at two schools: identical person data (own stream),
/// school-specific assignment.
pub fn shared(
    rng: &mut SimRng,
    seed: u64,
    link: &SharedLink,
    base: &PersonSpec,
    jabatan: Jabatan,
) -> Ptk {
    let mut own = rng::stream(seed, rng::SHARED_STREAM_BASE + link.person);
    let spec = PersonSpec {
        jabatan,
        agama: Some(0),
        negeri: true,
        ..*base
    };
    let person = person::person(&mut own, &spec);
    Ptk {
        person,
        ptk_terdaftar_id: rng::uuid(rng),
        induk: link.induk,
        tanggal_surat_tugas: assignment_date(rng),
        jabatan,
        lainnya: false,
    }
}

/// Marks a few non-principal PTK as "Lainnya" (only rendered on 2024+ builds).
pub fn sprinkle_lainnya(rng: &mut SimRng, ptks: &mut [Ptk]) {
    for p in ptks.iter_mut() {
        if p.jabatan.jenis != "91" && chance(rng, 0.02) {
            p.lainnya = true;
        }
    }
}

fn pend_row(f: &Flavor, r: &RwyPend) -> Value {
    json!({
        "riwayat_pendidikan_formal_id": r.id,
        "satuan_pendidikan_formal": r.satuan,
        "fakultas": r.fakultas,
        "kependidikan": f.scode(r.kependidikan),
        "tahun_masuk": f.scode(&r.tahun_masuk.to_string()),
        "tahun_lulus": r.tahun_lulus.map(|y| f.scode(&y.to_string())),
        "nim": r.nim,
        "status_kuliah": f.scode(r.status_kuliah),
        "semester": r.semester.map(|s| f.scode(&s.to_string())),
        "ipk": r.ipk,
        "prodi": r.prodi,
        "id_reg_pd": r.id_reg_pd,
        "bidang_studi_id_str": r.bidang,
        "jenjang_pendidikan_id_str": r.jenjang,
        "gelar_akademik_id_str": r.gelar,
    })
}

fn pangkat_row(f: &Flavor, r: &RwyPangkat) -> Value {
    json!({
        "riwayat_kepangkatan_id": r.id,
        "nomor_sk": r.nomor_sk,
        "tanggal_sk": r.tanggal_sk,
        "tmt_pangkat": r.tmt,
        "masa_kerja_gol_tahun": f.scode(&r.mk_tahun.to_string()),
        "masa_kerja_gol_bulan": f.scode(&r.mk_bulan.to_string()),
        "pangkat_golongan_id_str": r.pangkat,
    })
}

/// getGtk rows, sorted by name as the server does (`ORDER BY ptk.nama`).
pub fn rows(ptks: &[Ptk], f: &Flavor) -> Vec<Value> {
    let mut order: Vec<&Ptk> = ptks.iter().collect();
    order.sort_by(|a, b| {
        a.person
            .nama
            .to_lowercase()
            .cmp(&b.person.nama.to_lowercase())
            .then_with(|| a.ptk_terdaftar_id.cmp(&b.ptk_terdaftar_id))
    });
    order.into_iter().map(|p| row(p, f)).collect()
}

fn row(p: &Ptk, f: &Flavor) -> Value {
    let pe = &p.person;
    let mut m = serde_json::Map::new();
    let mut set = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    set("tahun_ajaran_id", f.scode(&YEAR.to_string()));
    set("ptk_terdaftar_id", json!(p.ptk_terdaftar_id));
    set("ptk_id", json!(pe.ptk_id));
    set("ptk_induk", f.scode(if p.induk { "1" } else { "0" }));
    set("tanggal_surat_tugas", json!(p.tanggal_surat_tugas));
    set("nama", json!(pe.nama));
    set("jenis_kelamin", json!(pe.sex.code()));
    set("tempat_lahir", json!(pe.tempat_lahir));
    set("tanggal_lahir", json!(pe.tanggal_lahir));
    set("agama_id", f.ncode(AGAMA[pe.agama].0));
    set("agama_id_str", json!(AGAMA[pe.agama].1));
    set("nuptk", json!(pe.nuptk));
    set("nik", json!(pe.nik));
    if f.profile.new_ptk_scheme() {
        let (jenis, jab_id, jab_label) = if p.lainnya {
            ("99", "99999", "Tidak diisi")
        } else {
            (p.jabatan.jenis, p.jabatan.id, p.jabatan.label)
        };
        set("jenis_ptk_id", f.scode(jenis));
        set("jenis_ptk_id_str", json!(jenis_ptk_label(jenis)));
        set("jabatan_ptk_id", f.scode(jab_id));
        set("jabatan_ptk_id_str", json!(jab_label));
    } else {
        set("jenis_ptk_id", f.scode(p.jabatan.old_jenis));
        set("jenis_ptk_id_str", json!(p.jabatan.old_label));
    }
    set("status_kepegawaian_id", f.ncode(pe.status.id()));
    set("status_kepegawaian_id_str", json!(pe.status.label()));
    set("nip", json!(pe.nip));
    let first = pe.rwy_pend.first();
    set(
        "pendidikan_terakhir",
        json!(first.map_or("-", |r| r.jenjang)),
    );
    set(
        "bidang_studi_terakhir",
        json!(first.map_or("-", |r| r.bidang.as_str())),
    );
    set("pangkat_golongan_terakhir", json!(pe.pangkat_terakhir));
    set(
        "rwy_pend_formal",
        Value::Array(pe.rwy_pend.iter().map(|r| pend_row(f, r)).collect()),
    );
    set(
        "rwy_kepangkatan",
        Value::Array(pe.rwy_pangkat.iter().map(|r| pangkat_row(f, r)).collect()),
    );
    Value::Object(m)
}
