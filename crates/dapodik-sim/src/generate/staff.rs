//! Who works at a school: principal, teachers sized to the classes and
//! subjects, education staff, and PTK shared with another school.

use rand::Rng;

use super::gtk::{self, Ptk};
use super::lessons::{secondary_subjects, teachers_needed};
use super::person::PersonSpec;
use super::plan::{SchoolPlan, SharedRole};
use super::refdata::{Bentuk, Jabatan, jabatan as j};
use super::rng::{SimRng, chance, weighted};

pub struct Staff {
    pub ptks: Vec<Ptk>,
    pub kepsek: Option<usize>,
}

/// Hires the staff of a school with `classes` class rombel.
pub fn hire(
    rng: &mut SimRng,
    seed: u64,
    plan: &SchoolPlan,
    base: &PersonSpec,
    classes: usize,
    students: u32,
    has_kristen: bool,
) -> Staff {
    let mut want: Vec<Jabatan> = vec![j::KEPALA_SEKOLAH];
    let shared_roles: Vec<SharedRole> = plan.shared.iter().map(|l| l.role).collect();
    let teachers = classes.max(1);
    match plan.bentuk {
        Bentuk::Sd => {
            want.extend(std::iter::repeat_n(j::GURU_KELAS, teachers));
            if !shared_roles.contains(&SharedRole::Agama) && chance(rng, 0.85) {
                want.push(j::AGAMA_ISLAM);
            }
            if !shared_roles.contains(&SharedRole::Penjas) && chance(rng, 0.6) {
                want.push(j::PENJAS);
            }
            if !shared_roles.contains(&SharedRole::Inggris) && chance(rng, 0.25) {
                want.push(j::B_INGGRIS);
            }
            if has_kristen && chance(rng, 0.3) {
                want.push(j::AGAMA_KRISTEN);
            }
            if chance(rng, 0.03) {
                want.push(j::PENDIDIKAN_KHUSUS);
            }
            let tas = *weighted(rng, &[(0usize, 30), (1, 50), (2, 20)]);
            want.extend(std::iter::repeat_n(j::TAS, tas));
            if chance(rng, 0.5) {
                want.push(j::PENJAGA);
            }
            if students > 200 && chance(rng, 0.3) {
                want.push(j::PUSTAKAWAN);
            }
            if chance(rng, 0.1) {
                want.push(j::TUKANG_KEBUN);
            }
        }
        Bentuk::Smp | Bentuk::Sma | Bentuk::Smk => {
            for (m, jam) in secondary_subjects() {
                want.extend(std::iter::repeat_n(
                    m.teacher,
                    teachers_needed(teachers, jam),
                ));
            }
            if has_kristen && chance(rng, 0.5) {
                want.push(j::AGAMA_KRISTEN);
            }
            want.extend(std::iter::repeat_n(j::TAS, rng.gen_range(2..=5)));
            want.push(j::PUSTAKAWAN);
            want.push(j::PENJAGA);
            for extra in [j::LABORAN, j::SATPAM, j::TUKANG_KEBUN, j::PESURUH] {
                if chance(rng, 0.5) {
                    want.push(extra);
                }
            }
        }
        Bentuk::Slb => {
            want.extend(std::iter::repeat_n(j::PENDIDIKAN_KHUSUS, teachers));
            want.push(j::AGAMA_ISLAM);
            want.push(j::TAS);
        }
        Bentuk::Tk | Bentuk::Kb | Bentuk::Tpa | Bentuk::Sps => {
            want.extend(std::iter::repeat_n(j::GURU_KELAS, teachers));
            if chance(rng, 0.3) {
                want.push(j::GURU_KELAS);
            }
            if chance(rng, 0.15) {
                want.push(j::TAS);
            }
        }
        Bentuk::Pkbm | Bentuk::Skb => {
            if plan.bentuk == Bentuk::Skb {
                want.extend(std::iter::repeat_n(j::PAMONG, rng.gen_range(2..=4)));
            }
            want.extend(std::iter::repeat_n(j::TUTOR, rng.gen_range(4..=10)));
            want.extend(std::iter::repeat_n(j::TAS, rng.gen_range(1..=2)));
        }
        Bentuk::Kursus => {
            want.extend(std::iter::repeat_n(j::INSTRUKTUR, rng.gen_range(1..=3)));
            if chance(rng, 0.4) {
                want.push(j::TUTOR);
            }
            if chance(rng, 0.5) {
                want.push(j::TAS);
            }
        }
    }

    let mut ptks: Vec<Ptk> = want
        .into_iter()
        .map(|jab| {
            let agama = (jab == j::AGAMA_KRISTEN).then_some(1);
            gtk::hire(rng, base, jab, agama)
        })
        .collect();
    for link in &plan.shared {
        let jab = match link.role {
            SharedRole::Agama => j::AGAMA_ISLAM,
            SharedRole::Penjas => j::PENJAS,
            SharedRole::Inggris => j::B_INGGRIS,
        };
        ptks.push(gtk::shared(rng, seed, link, base, jab));
    }
    gtk::sprinkle_lainnya(rng, &mut ptks);
    Staff {
        ptks,
        kepsek: Some(0),
    }
}

/// Indices of PTK that can be wali kelas / teach (principal last resort).
pub fn teaching(ptks: &[Ptk], kepsek: Option<usize>) -> Vec<usize> {
    let all: Vec<usize> = (0..ptks.len())
        .filter(|&i| {
            Some(i) != kepsek && ptks[i].jabatan.id.starts_with('2') && ptks[i].jabatan != j::BK
        })
        .collect();
    if all.is_empty() {
        kepsek.into_iter().collect()
    } else {
        all
    }
}
