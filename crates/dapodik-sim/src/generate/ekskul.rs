//! Extracurricular rombel (jenis_rombel 51): members drawn from the school's
//! students, a pembina (sometimes none), no `pembelajaran`.

use rand::Rng;
use rand::seq::SliceRandom;

use super::grades::Grade;
use super::refdata::{Bentuk, EKSKUL};
use super::rng::{self, SimRng, chance, pick};
use super::rombel::{Anggota, Ekskul, Kind, Rombel};
use super::students::Student;

/// How many ekskul groups a school of this form runs.
fn how_many(rng: &mut SimRng, bentuk: Bentuk) -> usize {
    match bentuk {
        Bentuk::Sd => *rng::weighted(rng, &[(0usize, 15), (1, 40), (2, 30), (3, 15)]),
        Bentuk::Smp | Bentuk::Sma | Bentuk::Smk => rng.gen_range(2..=7),
        Bentuk::Tk if chance(rng, 0.2) => 1,
        Bentuk::Slb => rng.gen_range(0..=2),
        _ => 0,
    }
}

const RUANG: [&str; 5] = [
    "Lapangan Upacara",
    "Aula",
    "Halaman Sekolah",
    "Musholla",
    "Ruang Kesenian",
];

/// Builds ekskul rombel. `gurus` are candidate pembina (indices into PTK).
pub fn build(
    rng: &mut SimRng,
    bentuk: Bentuk,
    grades: &[Grade],
    students: &[Student],
    gurus: &[usize],
    kurikulum: (i64, &'static str),
    year: i32,
) -> Vec<Rombel> {
    let n = how_many(rng, bentuk).min(EKSKUL.len());
    if n == 0 || students.is_empty() {
        return Vec::new();
    }
    // Pramuka first (compulsory in practice), then a random selection.
    let mut kinds: Vec<usize> = (1..EKSKUL.len()).collect();
    kinds.shuffle(rng);
    let mut chosen = Vec::with_capacity(n);
    if bentuk != Bentuk::Tk && chance(rng, 0.85) {
        chosen.push(0);
    }
    chosen.extend(kinds.into_iter().take(n - chosen.len()));

    let abbrev = bentuk.label().to_uppercase();
    chosen
        .into_iter()
        .map(|k| {
            let (id_ekskul, label) = EKSKUL[k];
            // Pramuka: most students from the middle grade up; others: a small group.
            let min_grade = if k == 0 { grades.len() / 2 } else { 0 };
            let eligible: Vec<&Student> =
                students.iter().filter(|s| s.grade >= min_grade).collect();
            let members: Vec<&Student> = if k == 0 {
                eligible.into_iter().filter(|_| chance(rng, 0.9)).collect()
            } else {
                let size = rng.gen_range(8..=35).min(eligible.len());
                eligible.choose_multiple(rng, size).copied().collect()
            };
            let tingkat_grade = &grades[min_grade.min(grades.len() - 1)];
            let nm_ekskul = if k == 0 && chance(rng, 0.3) {
                format!(
                    "Pramuka {}",
                    if bentuk == Bentuk::Sd {
                        "Siaga"
                    } else {
                        "Penggalang"
                    }
                )
            } else {
                label.to_string()
            };
            let kelas_ekskul = (!chance(rng, 0.02)).then(|| Ekskul {
                id_kelas_ekskul: rng::uuid(rng),
                id_ekskul,
                nm_ekskul: nm_ekskul.clone(),
                sk_ekskul: format!("421.2/{:03}/{abbrev}/VII/{year}", rng.gen_range(1..300)),
                ref_label: (!chance(rng, 0.03)).then_some(label),
            });
            Rombel {
                id: rng::uuid(rng),
                nama: nm_ekskul,
                tingkat: tingkat_grade.tingkat.clone(),
                tingkat_str: tingkat_grade.tingkat_str.clone(),
                kurikulum,
                ruang_id: rng::uuid(rng),
                ruang_nama: pick(rng, &RUANG).to_string(),
                moving_class: false,
                wali: if gurus.is_empty() || chance(rng, 0.15) {
                    None
                } else {
                    Some(*pick(rng, gurus))
                },
                jurusan: None,
                anggota: members
                    .into_iter()
                    .map(|s| Anggota {
                        id: rng::uuid(rng),
                        peserta_didik_id: s.peserta_didik_id.clone(),
                        jenis_pendaftaran: s.jenis_pendaftaran,
                    })
                    .collect(),
                kind: Kind::Ekskul(kelas_ekskul),
            }
        })
        .collect()
}
