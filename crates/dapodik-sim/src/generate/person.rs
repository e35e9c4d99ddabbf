//! One PTK person: identity, employment status, NIP/NUPTK/NIK and the nested
//! education and rank histories.

use rand::Rng;

use super::names::{self, NameCase, Sex};
use super::refdata::{AGAMA_WEIGHTS, Jabatan, KAMPUS, Kepegawaian, PANGKAT, PRODI, jabatan};
use super::region::{self, NIK_PREFIX};
use super::rng::{self, SimRng, chance, digits, pick, weighted};

/// School year the data describes (semester 20251).
pub const YEAR: i32 = 2025;

#[derive(Debug, Clone)]
pub struct RwyPend {
    pub id: String,
    pub satuan: String,
    pub fakultas: Option<String>,
    pub kependidikan: &'static str,
    pub tahun_masuk: i32,
    pub tahun_lulus: Option<i32>,
    pub nim: String,
    pub status_kuliah: &'static str,
    pub semester: Option<u32>,
    pub ipk: String,
    pub prodi: Option<String>,
    pub id_reg_pd: Option<String>,
    pub bidang: String,
    pub jenjang: &'static str,
    pub gelar: &'static str,
}

#[derive(Debug, Clone)]
pub struct RwyPangkat {
    pub id: String,
    pub nomor_sk: String,
    pub tanggal_sk: String,
    pub tmt: String,
    pub mk_tahun: u32,
    pub mk_bulan: u32,
    pub pangkat: &'static str,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub ptk_id: String,
    pub nama: String,
    pub sex: Sex,
    pub tempat_lahir: String,
    pub tanggal_lahir: String,
    pub agama: usize,
    pub nuptk: Option<String>,
    pub nik: String,
    pub status: Kepegawaian,
    pub nip: Option<String>,
    pub rwy_pend: Vec<RwyPend>,
    pub rwy_pangkat: Vec<RwyPangkat>,
    pub pangkat_terakhir: String,
    pub hp: Option<String>,
}

/// What the school needs this person for.
#[derive(Debug, Clone, Copy)]
pub struct PersonSpec {
    pub jabatan: Jabatan,
    pub negeri: bool,
    pub paud: bool,
    pub kecamatan: usize,
    pub case: NameCase,
    /// Force a religion (index into AGAMA), e.g. for a Kristen RE teacher.
    pub agama: Option<usize>,
}

fn is_tendik(j: Jabatan) -> bool {
    j.jenis == "93" || j.jenis == "99"
}

fn low_level(j: Jabatan) -> bool {
    [
        jabatan::PENJAGA,
        jabatan::TUKANG_KEBUN,
        jabatan::SATPAM,
        jabatan::PESURUH,
    ]
    .contains(&j)
}

fn status(rng: &mut SimRng, spec: &PersonSpec) -> Kepegawaian {
    use Kepegawaian::*;
    let j = spec.jabatan;
    let table: &[(Kepegawaian, u32)] = if j == jabatan::KEPALA_SEKOLAH {
        if spec.negeri {
            &[(Pns, 100)]
        } else {
            &[(GtyPty, 85), (PnsDiperbantukan, 15)]
        }
    } else if is_tendik(j) {
        if spec.negeri {
            &[(Pns, 12), (Pppk, 10), (TenagaHonor, 78)]
        } else {
            &[(GtyPty, 30), (TenagaHonor, 70)]
        }
    } else if spec.negeri {
        &[
            (Pns, 42),
            (Pppk, 30),
            (Cpns, 3),
            (GuruHonor, 20),
            (GttKab, 5),
        ]
    } else if spec.paud {
        &[(GtyPty, 40), (GuruHonor, 60)]
    } else {
        &[(GtyPty, 60), (GuruHonor, 35), (PnsDiperbantukan, 5)]
    };
    *weighted(rng, table)
}

fn nuptk_missing(status: Kepegawaian) -> f64 {
    use Kepegawaian::*;
    match status {
        Pns | PnsDiperbantukan => 0.05,
        Cpns => 0.4,
        Pppk => 0.15,
        GtyPty => 0.3,
        GttKab => 0.5,
        GuruHonor => 0.6,
        TenagaHonor => 0.8,
    }
}

/// Generates a person for `spec`.
pub fn person(rng: &mut SimRng, spec: &PersonSpec) -> Person {
    let status = status(rng, spec);
    let kepsek = spec.jabatan == jabatan::KEPALA_SEKOLAH;
    let p_female = if is_tendik(spec.jabatan) {
        if low_level(spec.jabatan) { 0.05 } else { 0.5 }
    } else if spec.paud {
        0.95
    } else {
        0.65
    };
    let sex = Sex::random(rng, p_female);
    let agama = spec.agama.unwrap_or_else(|| *weighted(rng, &AGAMA_WEIGHTS));
    let christian = matches!(agama, 1 | 2) && chance(rng, 0.7);
    let nama = spec.case.apply(names::person(rng, sex, christian));

    let age = match status {
        _ if kepsek => rng.gen_range(40..=59),
        Kepegawaian::Pns | Kepegawaian::PnsDiperbantukan => rng.gen_range(30..=59),
        Kepegawaian::Pppk => rng.gen_range(28..=55),
        Kepegawaian::Cpns => rng.gen_range(24..=34),
        Kepegawaian::GtyPty => rng.gen_range(23..=58),
        _ => rng.gen_range(21..=45),
    };
    let birth_year = YEAR - age;
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=rng::days_in_month(birth_year, month));
    let tanggal_lahir = rng::date(birth_year, month, day);
    let nik_day = if sex == Sex::P { day + 40 } else { day };
    let nik = format!(
        "{NIK_PREFIX}{:02}{nik_day:02}{month:02}{:02}{}",
        spec.kecamatan % 20 + 1,
        birth_year % 100,
        digits(rng, 4)
    );

    let tmt_year = match status {
        Kepegawaian::Pppk => rng.gen_range(2021..=2024),
        Kepegawaian::Cpns => 2024,
        _ => (birth_year + rng.gen_range(23..=30)).min(2023),
    };
    let sex_digit = if sex == Sex::L { 1 } else { 2 };
    let birth_compact = tanggal_lahir.replace('-', "");
    let nip = match status {
        Kepegawaian::Pppk => Some(format!(
            "{birth_compact}{tmt_year}21{sex_digit}{}",
            digits(rng, 3)
        )),
        s if s.has_nip() => Some(format!(
            "{birth_compact}{tmt_year}{:02}{sex_digit}{}",
            rng.gen_range(1..=12),
            digits(rng, 3)
        )),
        _ => None,
    };
    let nuptk = if chance(rng, nuptk_missing(status)) {
        None
    } else {
        Some(format!("{}{}", rng.gen_range(1..=9), digits(rng, 15)))
    };

    let rwy_pend = education(rng, spec, birth_year, kepsek);
    let rwy_pangkat = if status.has_rank() {
        ranks(rng, &rwy_pend, tmt_year)
    } else {
        Vec::new()
    };
    let pangkat_terakhir = match (rwy_pangkat.first(), status) {
        (Some(r), _) => r.pangkat.to_string(),
        (None, Kepegawaian::Pppk) if chance(rng, 0.4) => "IX".to_string(),
        _ => "-".to_string(),
    };
    let hp_len = rng.gen_range(9..=11);
    let hp = chance(rng, 0.85).then(|| format!("08{}", digits(rng, hp_len)));

    Person {
        ptk_id: rng::uuid(rng),
        nama,
        sex,
        tempat_lahir: region::tempat_lahir(rng),
        tanggal_lahir,
        agama,
        nuptk,
        nik,
        status,
        nip,
        rwy_pend,
        rwy_pangkat,
        pangkat_terakhir,
        hp,
    }
}

fn school_entry(rng: &mut SimRng, lulus: i32, jenjang: &'static str) -> RwyPend {
    let satuan = match jenjang {
        "SMP" => format!("SMP Negeri {} Mekarsari", rng.gen_range(1..=6)),
        _ => pick(
            rng,
            &[
                "SMA Negeri 1 Mekarsari",
                "SMK Bina Karya",
                "SMA PGRI Mekarsari",
                "MA Al-Hidayah",
            ],
        )
        .to_string(),
    };
    RwyPend {
        id: rng::uuid(rng),
        satuan,
        fakultas: None,
        kependidikan: "0",
        tahun_masuk: lulus - 3,
        tahun_lulus: Some(lulus),
        nim: digits(rng, 5),
        status_kuliah: "0",
        semester: None,
        ipk: format!("{}.{:02}", rng.gen_range(7..=8), rng.gen_range(0..100)),
        prodi: None,
        id_reg_pd: None,
        bidang: "Umum".to_string(),
        jenjang,
        gelar: "",
    }
}

fn college_entry(
    rng: &mut SimRng,
    jenjang: &'static str,
    prodi: (&'static str, &'static str, &'static str),
    lulus: i32,
    studying: bool,
) -> RwyPend {
    let (years, gelar, fakultas) = match jenjang {
        "S2" => (
            2,
            if prodi.1 == "1" { "M.Pd." } else { "M.M." },
            "Pascasarjana",
        ),
        "D2" => (2, "A.Ma.Pd.", "Pendidikan Dasar"),
        "D3" => (3, "A.Md.", "Vokasi"),
        _ => (
            4,
            prodi.2,
            if prodi.1 == "1" {
                "FKIP"
            } else {
                "Fakultas Ekonomi dan Bisnis"
            },
        ),
    };
    let masuk = lulus - years;
    let gpa = format!("{}.{:02}", rng.gen_range(2..=3), rng.gen_range(50..100));
    RwyPend {
        id: rng::uuid(rng),
        satuan: pick(rng, KAMPUS).to_string(),
        fakultas: chance(rng, 0.85).then(|| fakultas.to_string()),
        kependidikan: prodi.1,
        tahun_masuk: masuk,
        tahun_lulus: (!studying).then_some(lulus),
        nim: format!("{:02}{}", masuk % 100, digits(rng, 5)),
        status_kuliah: if studying { "1" } else { "0" },
        semester: Some(if studying {
            rng.gen_range(2..=7)
        } else {
            years as u32 * 2
        }),
        ipk: if studying { "0.00".to_string() } else { gpa },
        prodi: chance(rng, 0.9).then(|| prodi.0.to_string()),
        id_reg_pd: chance(rng, 0.1).then(|| rng::uuid(rng)),
        bidang: prodi.0.to_string(),
        jenjang,
        gelar: if studying { "" } else { gelar },
    }
}

fn prodi_for(rng: &mut SimRng, spec: &PersonSpec) -> (&'static str, &'static str, &'static str) {
    let j = spec.jabatan;
    let by_name = |name: &str| {
        PRODI
            .iter()
            .copied()
            .find(|p| p.0 == name)
            .unwrap_or(PRODI[0])
    };
    if spec.paud {
        return by_name("Pendidikan Guru PAUD");
    }
    match j.id {
        "23304" | "10001" => by_name("Pendidikan Guru Sekolah Dasar"),
        "20304" => by_name("Pendidikan Agama Islam"),
        "21304" => by_name("Pendidikan Bahasa Indonesia"),
        "24304" => by_name("Pendidikan Matematika"),
        "21404" => by_name("Pendidikan Bahasa Inggris"),
        "25004" => by_name("Pendidikan Jasmani dan Kesehatan"),
        "22904" => by_name("Pendidikan Biologi"),
        "23004" => by_name("Pendidikan Ekonomi"),
        "21904" => by_name("Bimbingan dan Konseling"),
        "28004" | "31001" => by_name(if chance(rng, 0.5) {
            "Teknik Informatika"
        } else {
            "Manajemen"
        }),
        _ => *pick(rng, PRODI),
    }
}

/// 1–3 entries, highest level first (`ORDER BY jenjang_pendidikan_id DESC`).
fn education(rng: &mut SimRng, spec: &PersonSpec, birth_year: i32, kepsek: bool) -> Vec<RwyPend> {
    let sma_year = birth_year + 18;
    if low_level(spec.jabatan) || (is_tendik(spec.jabatan) && chance(rng, 0.4)) {
        let jenjang = if low_level(spec.jabatan) && chance(rng, 0.3) {
            "SMP"
        } else {
            "SMA"
        };
        return vec![school_entry(
            rng,
            if jenjang == "SMP" {
                sma_year - 3
            } else {
                sma_year
            },
            jenjang,
        )];
    }
    let prodi = prodi_for(rng, spec);
    let s1_year = (sma_year + rng.gen_range(4..=6)).min(YEAR);
    let mut out = Vec::new();
    let studying_s1 = !kepsek && birth_year > YEAR - 26 && chance(rng, 0.3);
    if is_tendik(spec.jabatan) && chance(rng, 0.5) {
        out.push(college_entry(rng, "D3", prodi, sma_year + 3, false));
    } else {
        if (kepsek && chance(rng, 0.45)) || chance(rng, 0.08) {
            let s2_year = (s1_year + rng.gen_range(3..=12)).min(YEAR);
            let studying = chance(rng, 0.1);
            out.push(college_entry(rng, "S2", prodi, s2_year, studying));
        }
        out.push(college_entry(rng, "S1", prodi, s1_year, studying_s1));
        if birth_year < 1980 && chance(rng, 0.5) {
            out.push(college_entry(rng, "D2", prodi, sma_year + 2, false));
        }
    }
    if out.len() < 3 && chance(rng, 0.15) {
        out.push(school_entry(rng, sma_year, "SMA"));
    }
    out
}

/// Rank history of a civil servant: one entry per promotion (every ~4 years),
/// at most the four highest, highest first.
fn ranks(rng: &mut SimRng, pend: &[RwyPend], tmt_year: i32) -> Vec<RwyPangkat> {
    let has_s1 = pend.iter().any(|p| matches!(p.jenjang, "S1" | "S2"));
    let start = if has_s1 { 4 } else { 1 };
    // Most teachers stop at IV/b (index 9): higher ranks need extra credit points.
    let promotions = ((YEAR - tmt_year) / 4).clamp(0, (9 - start) as i32) as usize;
    let mut out: Vec<RwyPangkat> = (0..=promotions)
        .map(|i| {
            let year = tmt_year + 4 * i as i32;
            let month = if chance(rng, 0.7) { 4 } else { 10 };
            let office = if year >= 2016 { "BKPSDM" } else { "BKD" };
            let kode = if i == 0 { "813.3" } else { "823.3" };
            RwyPangkat {
                id: rng::uuid(rng),
                nomor_sk: format!("{kode}/{:03}/{office}/{year}", rng.gen_range(1..400)),
                tanggal_sk: rng::date(year, month - 1, rng.gen_range(1..=28)),
                tmt: rng::date(year, month, 1),
                mk_tahun: 4 * i as u32,
                mk_bulan: 0,
                pangkat: PANGKAT[start + i],
            }
        })
        .collect();
    out.reverse();
    out.truncate(4);
    out
}
