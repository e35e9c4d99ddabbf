//! Teaching assignments (`pembelajaran`) per class: which subjects a school
//! enters, how many hours, and which PTK teaches them.

use rand::Rng;

use super::gtk::Ptk;
use super::refdata::{Bentuk, Jabatan, Mapel, jabatan, mapel};
use super::rng::{self, SimRng, chance};
use super::rombel::{Kind, Pembelajaran, Rombel};

/// How completely a school filled in its pembelajaran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    Full,
    /// Only the first few subjects per class.
    Partial(usize),
    Nothing,
}

impl Completeness {
    pub fn random(rng: &mut SimRng) -> Self {
        match rng.gen_range(0..100) {
            0..75 => Completeness::Full,
            75..95 => Completeness::Partial(rng.gen_range(2..=5)),
            _ => Completeness::Nothing,
        }
    }
}

/// Subjects and weekly hours of an SMP/SMA class (also used to size staff).
pub fn secondary_subjects() -> Vec<(Mapel, u32)> {
    vec![
        (mapel::PAI, 3),
        (mapel::PANCASILA, 3),
        (mapel::B_INDONESIA, 6),
        (mapel::MATEMATIKA, 5),
        (mapel::IPA, 5),
        (mapel::IPS, 4),
        (mapel::B_INGGRIS, 4),
        (mapel::PJOK, 3),
        (mapel::INFORMATIKA, 2),
        (mapel::SENI_MUSIK, 3),
        (mapel::PRAKARYA, 2),
        (mapel::B_SUNDA, 2),
        (mapel::BK, 1),
    ]
}

/// Teachers needed per subject for `classes` classes (~28 h per teacher).
pub fn teachers_needed(classes: usize, jam: u32) -> usize {
    ((classes as u32 * jam).div_ceil(28)).max(1) as usize
}

fn holders(ptks: &[Ptk], j: Jabatan) -> Vec<usize> {
    ptks.iter()
        .enumerate()
        .filter(|(_, p)| p.jabatan == j)
        .map(|(i, _)| i)
        .collect()
}

fn status_for(rng: &mut SimRng, m: Mapel) -> (&'static str, Option<&'static str>) {
    if chance(rng, 0.01) {
        return ("9", None);
    }
    if m == mapel::MULOK || m == mapel::B_SUNDA {
        ("3", Some("Muatan Lokal"))
    } else {
        ("1", Some("Wajib"))
    }
}

fn local_name(rng: &mut SimRng, m: Mapel) -> String {
    let alias = match m.id {
        900070000 => Some("PJOK"),
        900090100 => Some("Bahasa Sunda"),
        900020000 => Some("PPKn"),
        900010000 => Some("PAI dan Budi Pekerti"),
        _ => None,
    };
    match alias {
        Some(a) if chance(rng, 0.1) => a.to_string(),
        _ => m.nama.to_string(),
    }
}

struct Builder<'a> {
    rng: &'a mut SimRng,
    out: Vec<Pembelajaran>,
}

impl Builder<'_> {
    fn add(&mut self, m: Mapel, ptk: usize, jam: u32, induk: Option<String>) -> String {
        let id = rng::uuid(self.rng);
        let status = status_for(self.rng, m);
        let nama_lokal = local_name(self.rng, m);
        self.out.push(Pembelajaran {
            id: id.clone(),
            mapel: m,
            ptk,
            nama_lokal,
            induk,
            jam,
            status,
        });
        id
    }
}

/// Fills `pembelajaran` of every class rombel. `kristen[i]` tells whether
/// class `i` has Kristen students.
pub fn assign(
    rng: &mut SimRng,
    bentuk: Bentuk,
    rombels: &mut [Rombel],
    ptks: &[Ptk],
    kristen: &[bool],
    completeness: Completeness,
) {
    if completeness == Completeness::Nothing || ptks.is_empty() {
        return;
    }
    let gurus: Vec<usize> = ptks
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.jabatan.jenis, "91" | "92"))
        .map(|(i, _)| i)
        .collect();
    let Some(&any_guru) = gurus.first() else {
        return;
    };
    let islam = holders(ptks, jabatan::AGAMA_ISLAM);
    let kristen_teacher = holders(ptks, jabatan::AGAMA_KRISTEN);
    let penjas = holders(ptks, jabatan::PENJAS);
    let inggris = holders(ptks, jabatan::B_INGGRIS);
    let seni = if chance(rng, 0.7) {
        mapel::SENI_RUPA
    } else {
        mapel::SENI_MUSIK
    };
    let inggris_on = !inggris.is_empty() || chance(rng, 0.3);
    let mulok = chance(rng, 0.6);
    let mulok_induk = chance(rng, 0.2);
    let secondary = secondary_subjects();
    let classes: Vec<usize> = (0..rombels.len())
        .filter(|&i| matches!(rombels[i].kind, Kind::Kelas { .. }))
        .collect();
    let n_classes = classes.len();

    for (ci, &ri) in classes.iter().enumerate() {
        let r = &rombels[ri];
        let wali = r.wali.unwrap_or(any_guru);
        let grade: u32 = r.tingkat.parse().unwrap_or(0);
        let has_kristen = kristen.get(ri).copied().unwrap_or(false);
        let mut b = Builder {
            rng,
            out: Vec::new(),
        };
        let first = |v: &Vec<usize>| v.first().copied();
        match bentuk {
            Bentuk::Sd | Bentuk::Slb => {
                b.add(mapel::PAI, first(&islam).unwrap_or(wali), 4, None);
                if let (true, Some(k)) = (has_kristen, first(&kristen_teacher)) {
                    b.add(mapel::PA_KRISTEN, k, 4, None);
                }
                b.add(mapel::PANCASILA, wali, 5, None);
                b.add(
                    mapel::B_INDONESIA,
                    wali,
                    if grade <= 3 { 8 } else { 6 },
                    None,
                );
                b.add(mapel::MATEMATIKA, wali, 5, None);
                if grade >= 3 {
                    b.add(mapel::IPAS, wali, 5, None);
                }
                b.add(seni, wali, 3, None);
                b.add(mapel::PJOK, first(&penjas).unwrap_or(wali), 3, None);
                if inggris_on {
                    b.add(mapel::B_INGGRIS, first(&inggris).unwrap_or(wali), 2, None);
                }
                if mulok {
                    let parent = mulok_induk.then(|| b.add(mapel::MULOK, wali, 0, None));
                    b.add(mapel::B_SUNDA, wali, 2, parent);
                }
            }
            Bentuk::Smp | Bentuk::Sma | Bentuk::Smk => {
                for (m, jam) in &secondary {
                    let pool = holders(ptks, m.teacher);
                    let t = if pool.is_empty() {
                        gurus[ci % gurus.len()]
                    } else {
                        pool[ci * pool.len() / n_classes]
                    };
                    b.add(*m, t, *jam, None);
                    if *m == mapel::PAI
                        && has_kristen
                        && let Some(k) = first(&kristen_teacher)
                    {
                        b.add(mapel::PA_KRISTEN, k, *jam, None);
                    }
                }
            }
            Bentuk::Pkbm | Bentuk::Skb => {
                let list = [
                    mapel::PANCASILA,
                    mapel::B_INDONESIA,
                    mapel::MATEMATIKA,
                    mapel::B_INGGRIS,
                    mapel::IPA,
                    mapel::IPS,
                ];
                let n = b.rng.gen_range(3..=list.len());
                for (k, m) in list.iter().take(n).enumerate() {
                    b.add(*m, gurus[(ci + k) % gurus.len()], 2, None);
                }
            }
            Bentuk::Kursus => {
                let instruktur = ptks
                    .iter()
                    .position(|p| p.jabatan == jabatan::INSTRUKTUR)
                    .unwrap_or(any_guru);
                let m = [
                    mapel::KURSUS_BUSANA,
                    mapel::KURSUS_KOMPUTER,
                    mapel::KURSUS_RIAS,
                ][ci % 3];
                b.add(m, instruktur, 10, None);
            }
            Bentuk::Tk | Bentuk::Kb | Bentuk::Tpa | Bentuk::Sps => {
                if chance(b.rng, 0.5) {
                    for m in [
                        mapel::PAUD_AGAMA,
                        mapel::PAUD_JATI_DIRI,
                        mapel::PAUD_LITERASI,
                    ] {
                        let jam = b.rng.gen_range(2..=5);
                        b.add(m, wali, jam, None);
                    }
                }
            }
        }
        let mut list = b.out;
        if let Completeness::Partial(k) = completeness {
            list.truncate(k);
        }
        if let Kind::Kelas { pembelajaran } = &mut rombels[ri].kind {
            *pembelajaran = list;
        }
    }
}
