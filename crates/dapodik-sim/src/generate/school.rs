//! Builds one complete school: sizes, staff, classes, students, ekskul,
//! teaching assignments and accounts, then renders the five wire bodies.

use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::Value;

use super::ekskul;
use super::grades::{self, Grade};
use super::gtk;
use super::identity::{self, Identity};
use super::lessons::{self, Completeness};
use super::pengguna::{self, SchoolInfo};
use super::person::{PersonSpec, YEAR};
use super::plan::SchoolPlan;
use super::profile::Flavor;
use super::refdata::{self, Bentuk, jabatan};
use super::region::Kecamatan;
use super::rng::{self, SimRng, chance};
use super::rombel::{self, Anggota, Kind, Rombel};
use super::staff::{self, Staff};
use super::students::{self, ClassRef, SEMESTER_ID, Student, StudentContext};
use crate::data_dir::SchoolMeta;
use crate::wire::{Endpoint, envelope};

/// A generated school ready to be written.
pub struct BuiltSchool {
    pub meta: SchoolMeta,
    /// Envelopes per endpoint; `None` = "Data … tidak ditemukan".
    pub bodies: Vec<(Endpoint, Option<Value>)>,
    pub operator_username: String,
}

fn skewed(rng: &mut SimRng, lo: u32, hi: u32, power: f64) -> u32 {
    let r: f64 = rng.r#gen();
    lo + (f64::from(hi - lo) * r.powf(power)).round() as u32
}

/// Number of active students. "SMP NEGERI 1 <kecamatan>" is often the big
/// favourite school (up to ~1,500 students).
fn size(rng: &mut SimRng, plan: &SchoolPlan) -> u32 {
    match plan.bentuk {
        Bentuk::Sd => skewed(rng, 60, 300, 1.4),
        Bentuk::Smp if plan.negeri && plan.number == 1 && chance(rng, 0.35) => {
            rng.gen_range(1000..=1500)
        }
        Bentuk::Smp => skewed(rng, 200, 1000, 1.3),
        Bentuk::Sma => skewed(rng, 300, 1200, 1.2),
        Bentuk::Smk if chance(rng, 0.05) => rng.gen_range(1200..=1500),
        Bentuk::Smk => skewed(rng, 300, 1200, 1.2),
        Bentuk::Slb => skewed(rng, 30, 150, 1.2),
        Bentuk::Tk => skewed(rng, 10, 80, 1.5),
        Bentuk::Kb => skewed(rng, 10, 60, 1.5),
        Bentuk::Tpa | Bentuk::Sps => skewed(rng, 10, 40, 1.3),
        Bentuk::Pkbm => skewed(rng, 30, 200, 1.3),
        Bentuk::Skb => skewed(rng, 50, 300, 1.2),
        Bentuk::Kursus => skewed(rng, 10, 80, 1.3),
    }
}

const JURUSAN: [(&str, &str); 4] = [
    ("4110", "Teknik Kendaraan Ringan Otomotif"),
    ("5310", "Akuntansi dan Keuangan Lembaga"),
    ("6110", "Teknik Komputer dan Jaringan"),
    ("7210", "Tata Busana"),
];

/// Class rombel per grade: (grade index, rombel) in creation order.
fn classes(
    rng: &mut SimRng,
    bentuk: Bentuk,
    grades: &[Grade],
    per_grade: &[u32],
    kurikulum: (i64, &'static str),
) -> Vec<(usize, Rombel)> {
    let style = rng.gen_range(0..3u8);
    let cap = grades::class_cap(bentuk);
    let mut out = Vec::new();
    let mut room = 0;
    for (g, &n) in per_grade.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let parallel = n.div_ceil(cap).clamp(1, grades::max_parallel(bentuk));
        for k in 0..parallel {
            room += 1;
            out.push((
                g,
                Rombel {
                    id: rng::uuid(rng),
                    nama: grades::class_name(bentuk, style, &grades[g], parallel, k),
                    tingkat: grades[g].tingkat.clone(),
                    tingkat_str: grades[g].tingkat_str.clone(),
                    kurikulum,
                    ruang_id: rng::uuid(rng),
                    ruang_nama: format!("Ruang Kelas {room}"),
                    moving_class: bentuk == Bentuk::Smp && chance(rng, 0.02),
                    wali: None,
                    jurusan: (bentuk == Bentuk::Smk).then(|| JURUSAN[k as usize % JURUSAN.len()]),
                    anggota: Vec::new(),
                    kind: Kind::Kelas {
                        pembelajaran: Vec::new(),
                    },
                },
            ));
        }
    }
    out
}

/// Builds school `plan` from its own RNG stream.
pub fn build(seed: u64, plan: &SchoolPlan, kecamatan: &[Kecamatan]) -> BuiltSchool {
    let mut rng = rng::stream(seed, rng::SCHOOL_STREAM_BASE + plan.index as u64);
    let rng = &mut rng;
    let flavor = Flavor::random(rng);
    let kec = &kecamatan[plan.kecamatan];
    let id: Identity = identity::build(rng, plan, kec, &flavor);
    let bentuk = plan.bentuk;

    // Rare empty endpoints, only in small non-formal institutions.
    let odd = bentuk.is_paud() || bentuk.is_dikmas();
    let no_students = odd && chance(rng, 0.003);
    let no_gtk = odd && chance(rng, 0.005);
    let no_rombel = odd && !no_students && chance(rng, 0.02);

    let total = if no_students { 0 } else { size(rng, plan) };
    let grade_list = grades::grades(bentuk);
    let per_grade = rng::split(rng, total, grade_list.len());
    let kurikulum = refdata::kurikulum(bentuk, chance(rng, 0.85));
    let mut class_list = if no_rombel {
        Vec::new()
    } else {
        classes(rng, bentuk, &grade_list, &per_grade, kurikulum)
    };

    // Students, grade by grade.
    let ctx = StudentContext {
        kecamatan: plan.kecamatan,
        desa: kec.desa.iter().map(|d| d.nama.clone()).collect(),
        case: id.case,
        nipd_style: if bentuk.is_paud() && chance(rng, 0.5) {
            3
        } else {
            rng.gen_range(0..3)
        },
        nisn_missing: if bentuk.is_paud() { 0.4 } else { 0.02 },
        periodic_share: if bentuk.is_paud() { 0.75 } else { 0.92 },
        feeder: match bentuk {
            Bentuk::Sd => Some("TK"),
            Bentuk::Smp => Some("SD NEGERI"),
            Bentuk::Sma | Bentuk::Smk => Some("SMP NEGERI"),
            _ => None,
        },
    };
    let mut students: Vec<Student> = Vec::with_capacity(total as usize);
    let mut seq_by_year = std::collections::BTreeMap::new();
    for (g, &n) in per_grade.iter().enumerate() {
        let grade = &grade_list[g];
        for _ in 0..n {
            let (age, entry) = match bentuk {
                b if b.is_formal() => (grade.age, YEAR - g as i32),
                Bentuk::Pkbm | Bentuk::Skb => (
                    grade.age + rng.gen_range(0..=15),
                    YEAR - rng.gen_range(0..=1),
                ),
                Bentuk::Kursus => (grade.age + rng.gen_range(0..=12), YEAR),
                _ => (grade.age, YEAR - rng.gen_range(0..=g as i32)),
            };
            let seq = seq_by_year.entry(entry).or_insert(0u32);
            *seq += 1;
            let s = *seq;
            students.push(students::student(rng, &ctx, g, age, entry, s));
        }
    }

    // Staff sized to the classes.
    let has_kristen = students.iter().any(|s| s.agama == 1);
    let base = PersonSpec {
        jabatan: jabatan::GURU_KELAS,
        negeri: plan.negeri,
        paud: bentuk.is_paud(),
        kecamatan: plan.kecamatan,
        case: id.case,
        agama: None,
    };
    let Staff { ptks, kepsek } = if no_gtk {
        Staff {
            ptks: Vec::new(),
            kepsek: None,
        }
    } else {
        staff::hire(rng, seed, plan, &base, class_list.len(), total, has_kristen)
    };

    // Wali kelas: guru kelas first, else any teacher; a few classes have none.
    let guru_kelas: Vec<usize> = (0..ptks.len())
        .filter(|&i| matches!(ptks[i].jabatan, j if j == jabatan::GURU_KELAS || j == jabatan::PENDIDIKAN_KHUSUS))
        .collect();
    let teaching = staff::teaching(&ptks, kepsek);
    let wali_pool = if guru_kelas.is_empty() {
        &teaching
    } else {
        &guru_kelas
    };
    for (i, (_, r)) in class_list.iter_mut().enumerate() {
        if !wali_pool.is_empty() && !chance(rng, 0.03) {
            r.wali = Some(wali_pool[i % wali_pool.len()]);
        }
    }

    // Class membership: chunks of each grade; some schools have unplaced students.
    for g in 0..grade_list.len() {
        let members: Vec<usize> = (0..students.len())
            .filter(|&i| students[i].grade == g)
            .collect();
        let in_grade: Vec<usize> = (0..class_list.len())
            .filter(|&c| class_list[c].0 == g)
            .collect();
        if in_grade.is_empty() {
            continue;
        }
        for (k, &si) in members.iter().enumerate() {
            let c = in_grade[k * in_grade.len() / members.len()];
            let anggota_id = rng::uuid(rng);
            students[si].class = Some((c, anggota_id));
        }
    }
    if !students.is_empty() && chance(rng, 0.25) {
        let share: f64 = rng.gen_range(0.01..0.04);
        let m = ((students.len() as f64 * share).round() as usize).max(1);
        let mut idx: Vec<usize> = (0..students.len()).collect();
        idx.shuffle(rng);
        for &i in idx.iter().take(m) {
            students[i].class = None;
        }
    }
    for s in &students {
        if let Some((c, anggota_id)) = &s.class {
            class_list[*c].1.anggota.push(Anggota {
                id: anggota_id.clone(),
                peserta_didik_id: s.peserta_didik_id.clone(),
                jenis_pendaftaran: s.jenis_pendaftaran,
            });
        }
    }

    let mut rombels: Vec<Rombel> = class_list.into_iter().map(|(_, r)| r).collect();
    let kristen_pd: std::collections::HashSet<&str> = students
        .iter()
        .filter(|s| s.agama == 1)
        .map(|s| s.peserta_didik_id.as_str())
        .collect();
    let kristen: Vec<bool> = rombels
        .iter()
        .map(|r| {
            r.anggota
                .iter()
                .any(|a| kristen_pd.contains(a.peserta_didik_id.as_str()))
        })
        .collect();
    let completeness = Completeness::random(rng);
    lessons::assign(rng, bentuk, &mut rombels, &ptks, &kristen, completeness);
    if !rombels.is_empty() {
        rombels.extend(ekskul::build(
            rng,
            bentuk,
            &grade_list,
            &students,
            &teaching,
            kurikulum,
            YEAR,
        ));
    }

    // Members who left the school but still sit in anggota_rombel.
    if !rombels.is_empty() && chance(rng, 0.1) {
        for _ in 0..rng.gen_range(1..=2) {
            let r = rng.gen_range(0..rombels.len());
            let anggota = Anggota {
                id: rng::uuid(rng),
                peserta_didik_id: rng::uuid(rng),
                jenis_pendaftaran: 1,
            };
            rombels[r].anggota.push(anggota);
        }
    }

    // Registration order ≈ physical order: by entry date, a bit shuffled.
    let mut order: Vec<usize> = (0..students.len()).collect();
    order.sort_by(|&a, &b| students[a].tanggal_masuk.cmp(&students[b].tanggal_masuk));
    for _ in 0..students.len() / 5 {
        let a = rng.gen_range(0..order.len());
        let b = rng.gen_range(0..order.len());
        order.swap(a, b);
    }
    let ordered: Vec<Student> = order.iter().map(|&i| students[i].clone()).collect();

    let class_refs: Vec<ClassRef> = rombels
        .iter()
        .map(|r| ClassRef {
            rombongan_belajar_id: r.id.clone(),
            tingkat: r.tingkat.clone(),
            nama: r.nama.clone(),
            kurikulum_id: r.kurikulum.0,
            kurikulum_str: r.kurikulum.1,
        })
        .collect();

    let accounts = pengguna::build(
        rng,
        &SchoolInfo {
            sekolah_id: &id.sekolah_id,
            npsn: &plan.npsn,
            slug: &id.slug,
            alamat: &id.alamat,
        },
        &ptks,
        kepsek,
    );

    let list =
        |rows: Vec<Value>, e: Endpoint| (!rows.is_empty()).then(|| envelope(e, Value::Array(rows)));
    let bodies = vec![
        (
            Endpoint::Sekolah,
            Some(envelope(Endpoint::Sekolah, id.row.clone())),
        ),
        (
            Endpoint::PesertaDidik,
            list(
                students::rows(&ordered, &class_refs, &flavor),
                Endpoint::PesertaDidik,
            ),
        ),
        (
            Endpoint::Gtk,
            list(gtk::rows(&ptks, &flavor), Endpoint::Gtk),
        ),
        (
            Endpoint::RombonganBelajar,
            list(
                rombel::rows(&rombels, &ptks, &flavor),
                Endpoint::RombonganBelajar,
            ),
        ),
        (Endpoint::Pengguna, list(accounts.rows, Endpoint::Pengguna)),
    ];

    let meta = SchoolMeta {
        npsn: plan.npsn.clone(),
        sekolah_id: id.sekolah_id.clone(),
        nama: id.nama.clone(),
        token: id.token.clone(),
        token_active: true,
        app_name: id.app_name.clone(),
        registered_ip: id.registered_ip.clone(),
        semester_id: SEMESTER_ID.to_string(),
        semester_active: true,
        profile: flavor.profile.label().to_string(),
        leaky_rows: flavor.leaky,
        type_drift: flavor.drift.label().to_string(),
        peran_ids: accounts.peran_ids,
    };
    BuiltSchool {
        meta,
        bodies,
        operator_username: accounts.operator_username,
    }
}
