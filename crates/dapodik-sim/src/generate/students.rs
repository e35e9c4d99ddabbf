//! Students (registrasi peserta didik) and their getPesertaDidik rows, built
//! in the field order of the PHP loop of each build (with the 2022.a leak).

use rand::Rng;
use serde_json::{Value, json};

use super::names::{self, NameCase, Sex};
use super::person::YEAR;
use super::php_row::PhpRow;
use super::profile::Flavor;
use super::refdata::{AGAMA, AGAMA_WEIGHTS, KEBUTUHAN_KHUSUS, PEKERJAAN};
use super::region::{self, NIK_PREFIX};
use super::rng::{self, SimRng, chance, digits, pick, weighted};

pub const SEMESTER_ID: &str = "20251";
pub const BELUM_MASUK: &str = "Belum masuk ke dalam rombongan belajar";

#[derive(Debug, Clone)]
pub struct Student {
    pub registrasi_id: String,
    pub peserta_didik_id: String,
    pub nama: String,
    pub sex: Sex,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    pub tempat_lahir: Option<String>,
    pub tanggal_lahir: String,
    pub agama: usize,
    pub jenis_pendaftaran: u8,
    pub nipd: Option<String>,
    pub tanggal_masuk: String,
    pub sekolah_asal: Option<String>,
    pub alamat: Option<String>,
    pub telp_rumah: Option<String>,
    pub hp: Option<String>,
    pub ayah: Option<String>,
    pub pek_ayah: i64,
    pub ibu: String,
    pub pek_ibu: i64,
    pub wali: Option<String>,
    pub pek_wali: i64,
    pub anak_keberapa: u32,
    pub periodic: Option<(u32, u32)>,
    pub email: Option<String>,
    pub kebutuhan_khusus: &'static str,
    /// Index into the school's grade list.
    pub grade: usize,
    /// Regular class (index into the school's rombel list) and membership id.
    pub class: Option<(usize, String)>,
}

/// School-wide facts a student row needs.
#[derive(Debug, Clone)]
pub struct StudentContext {
    pub kecamatan: usize,
    pub desa: Vec<String>,
    pub case: NameCase,
    /// NIS scheme of the school (0..=3, 3 = never filled).
    pub nipd_style: u8,
    pub nisn_missing: f64,
    pub periodic_share: f64,
    /// Where new students typically come from (None: nowhere, e.g. PAUD).
    pub feeder: Option<&'static str>,
}

/// Class fields copied into a member's row.
#[derive(Debug, Clone)]
pub struct ClassRef {
    pub rombongan_belajar_id: String,
    pub tingkat: String,
    pub nama: String,
    pub kurikulum_id: i64,
    pub kurikulum_str: &'static str,
}

fn pekerjaan(rng: &mut SimRng) -> i64 {
    let table: Vec<(i64, u32)> = PEKERJAAN.iter().map(|p| (p.0, p.2)).collect();
    *weighted(rng, &table)
}

fn pekerjaan_str(id: i64) -> &'static str {
    PEKERJAAN.iter().find(|p| p.0 == id).map_or("", |p| p.1)
}

fn alamat(rng: &mut SimRng, desa: &str) -> Option<String> {
    let rt = rng.gen_range(1..=12);
    let rw = rng.gen_range(1..=8);
    match rng.gen_range(0..100) {
        0..45 => Some(format!("Kp. {desa} RT {rt:02}/RW {rw:02}")),
        45..70 => Some(format!(
            "Dusun {} RT {rt:03}/RW {rw:03}",
            region::dusun(rng)
        )),
        70..92 => Some(format!(
            "Jl. {} No. {}",
            pick(
                rng,
                &[
                    "Melati",
                    "Mawar",
                    "Raya",
                    "Pendidikan",
                    "Merdeka",
                    "Siliwangi"
                ]
            ),
            rng.gen_range(1..120)
        )),
        92..97 => Some(desa.to_string()),
        _ => None,
    }
}

/// Generates one student of grade index `grade` aged `age` who entered the
/// school in `entry_year`.
pub fn student(
    rng: &mut SimRng,
    ctx: &StudentContext,
    grade: usize,
    age: i32,
    entry_year: i32,
    seq: u32,
) -> Student {
    let sex = Sex::random(rng, 0.49);
    let agama = *weighted(rng, &AGAMA_WEIGHTS);
    let christian = matches!(agama, 1 | 2) && chance(rng, 0.7);
    let nama = ctx.case.apply(names::person(rng, sex, christian));
    let birth_year = YEAR - age - i32::from(chance(rng, 0.12));
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=rng::days_in_month(birth_year, month));
    let pindahan = entry_year < YEAR && chance(rng, 0.05) || chance(rng, 0.01);
    let tanggal_masuk = if pindahan {
        rng::date_in(rng, entry_year.max(YEAR - 1), 8..=12)
    } else {
        rng::date(entry_year, 7, rng.gen_range(10..=17))
    };
    let nipd = match ctx.nipd_style {
        0 => Some(format!("{entry_year}{seq:03}")),
        1 => Some(format!("{:04}", 1000 + seq)),
        2 => Some(format!(
            "{:02}{:02}.{seq:03}",
            entry_year % 100,
            (entry_year + 1) % 100
        )),
        _ => None,
    };
    let sekolah_asal = if pindahan {
        Some(format!(
            "{} {}",
            ctx.feeder.unwrap_or("SD NEGERI"),
            pick(rng, &ctx.desa).to_uppercase()
        ))
    } else {
        ctx.feeder
            .filter(|_| chance(rng, 0.5))
            .map(|f| format!("{f} {}", pick(rng, &ctx.desa).to_uppercase()))
    };
    let nik_day = if sex == Sex::P { day + 40 } else { day };
    let nik = (!chance(rng, 0.015)).then(|| {
        format!(
            "{NIK_PREFIX}{:02}{nik_day:02}{month:02}{:02}{}",
            ctx.kecamatan % 20 + 1,
            birth_year % 100,
            digits(rng, 4)
        )
    });
    let desa = pick(rng, &ctx.desa).clone();
    let ayah = (!chance(rng, 0.03)).then(|| ctx.case.apply(names::person(rng, Sex::L, christian)));
    let pek_ayah = if ayah.is_some() { pekerjaan(rng) } else { 0 };
    let ibu = ctx.case.apply(names::person(rng, Sex::P, christian));
    let pek_ibu = pekerjaan(rng);
    let wali_sex = Sex::random(rng, 0.5);
    let wali = chance(rng, 0.05).then(|| ctx.case.apply(names::person(rng, wali_sex, christian)));
    let pek_wali = if wali.is_some() { pekerjaan(rng) } else { 0 };
    let height = (70 + age * 6).clamp(60, 175) as u32 + rng.gen_range(0..12);
    let weight = (8 + age * 2).clamp(8, 70) as u32 + rng.gen_range(0..8);
    let kebutuhan: &&'static str = weighted(rng, &KEBUTUHAN_KHUSUS);
    Student {
        registrasi_id: rng::uuid(rng),
        peserta_didik_id: rng::uuid(rng),
        nama,
        sex,
        nisn: (!chance(rng, ctx.nisn_missing))
            .then(|| format!("{:03}{}", birth_year.rem_euclid(1000), digits(rng, 7))),
        nik,
        tempat_lahir: (!chance(rng, 0.01)).then(|| region::tempat_lahir(rng)),
        tanggal_lahir: rng::date(birth_year, month, day),
        agama,
        jenis_pendaftaran: if pindahan { 2 } else { 1 },
        nipd,
        tanggal_masuk,
        sekolah_asal,
        alamat: alamat(rng, &desa),
        telp_rumah: match rng.gen_range(0..100) {
            0..70 => None,
            70..85 => Some("0".to_string()),
            85..95 => Some(String::new()),
            _ => Some(format!("0265{}", digits(rng, 6))),
        },
        hp: match rng.gen_range(0..100) {
            0..75 => {
                let n = rng.gen_range(9..=11);
                Some(format!("08{}", digits(rng, n)))
            }
            75..95 => None,
            _ => Some("0".to_string()),
        },
        ayah,
        pek_ayah,
        ibu,
        pek_ibu,
        wali,
        pek_wali,
        anak_keberapa: *weighted(rng, &[(1, 40), (2, 32), (3, 17), (4, 8), (5, 3)]),
        periodic: chance(rng, ctx.periodic_share).then_some((height, weight)),
        email: chance(rng, 0.02)
            .then(|| format!("{}{}@example.com", names::slug(&desa), digits(rng, 3))),
        kebutuhan_khusus: kebutuhan,
        grade,
        class: None,
    }
}

pub fn jenis_pendaftaran_str(j: u8) -> &'static str {
    if j == 2 { "Pindahan" } else { "Siswa baru" }
}

/// getPesertaDidik rows in registration order.
pub fn rows(students: &[Student], classes: &[ClassRef], f: &Flavor) -> Vec<Value> {
    let mut arr = PhpRow::new(f.leaky);
    let mut out = Vec::with_capacity(students.len());
    for s in students {
        arr.begin();
        arr.set("registrasi_id", json!(s.registrasi_id));
        arr.set(
            "jenis_pendaftaran_id",
            f.scode(&s.jenis_pendaftaran.to_string()),
        );
        arr.set(
            "jenis_pendaftaran_id_str",
            json!(jenis_pendaftaran_str(s.jenis_pendaftaran)),
        );
        arr.set("nipd", json!(s.nipd));
        arr.set("tanggal_masuk_sekolah", json!(s.tanggal_masuk));
        arr.set("sekolah_asal", json!(s.sekolah_asal));
        arr.set("peserta_didik_id", json!(s.peserta_didik_id));
        arr.set("nama", json!(s.nama));
        arr.set("nisn", json!(s.nisn));
        arr.set("jenis_kelamin", json!(s.sex.code()));
        arr.set("nik", json!(s.nik));
        arr.set("tempat_lahir", json!(s.tempat_lahir));
        arr.set("tanggal_lahir", json!(s.tanggal_lahir));
        arr.set("agama_id", f.ncode(AGAMA[s.agama].0));
        arr.set("agama_id_str", json!(AGAMA[s.agama].1));
        arr.set("alamat_jalan", json!(s.alamat));
        arr.set("nomor_telepon_rumah", json!(s.telp_rumah));
        arr.set("nomor_telepon_seluler", json!(s.hp));
        arr.set("nama_ayah", json!(s.ayah));
        arr.set("pekerjaan_ayah_id", f.ncode(s.pek_ayah));
        arr.set("pekerjaan_ayah_id_str", json!(pekerjaan_str(s.pek_ayah)));
        arr.set("nama_ibu", json!(s.ibu));
        arr.set("pekerjaan_ibu_id", f.ncode(s.pek_ibu));
        arr.set("pekerjaan_ibu_id_str", json!(pekerjaan_str(s.pek_ibu)));
        arr.set("nama_wali", json!(s.wali));
        arr.set("pekerjaan_wali_id", f.ncode(s.pek_wali));
        arr.set("pekerjaan_wali_id_str", json!(pekerjaan_str(s.pek_wali)));
        if f.profile.has_anak_keberapa() {
            arr.set("anak_keberapa", f.scode(&s.anak_keberapa.to_string()));
        }
        if let Some((h, w)) = s.periodic {
            arr.set("tinggi_badan", f.scode(&h.to_string()));
            arr.set("berat_badan", f.scode(&w.to_string()));
        }
        if f.profile.semester_before_email() {
            arr.set("semester_id", json!(SEMESTER_ID));
            arr.set("email", json!(s.email));
        } else {
            arr.set("email", json!(s.email));
            arr.set("semester_id", json!(SEMESTER_ID));
        }
        match s
            .class
            .as_ref()
            .and_then(|(i, id)| Some((classes.get(*i)?, id)))
        {
            Some((c, anggota_id)) => {
                arr.set("anggota_rombel_id", json!(anggota_id));
                arr.set("rombongan_belajar_id", json!(c.rombongan_belajar_id));
                arr.set("tingkat_pendidikan_id", f.scode(&c.tingkat));
                arr.set("semester_id", json!(SEMESTER_ID));
                arr.set("nama_rombel", json!(c.nama));
                arr.set("kurikulum_id", f.ncode(c.kurikulum_id));
                arr.set("kurikulum_id_str", json!(c.kurikulum_str));
            }
            None => arr.set("anggota_rombel_id", json!(BELUM_MASUK)),
        }
        if f.profile.has_kebutuhan_khusus() {
            arr.set("kebutuhan_khusus", json!(s.kebutuhan_khusus));
        }
        if f.profile.has_unknown_fields() {
            arr.set("kewarganegaraan", json!("ID"));
            arr.set("penerima_kip", f.scode("0"));
        }
        out.push(arr.emit());
    }
    out
}
