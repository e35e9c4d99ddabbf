//! Dapodik user accounts of a school (getPengguna), ordered by role id:
//! operator (10) first, then kepala sekolah (53) and PTK (54) accounts.
//! Role ids are placeholders; passwords are fake bcrypt-looking strings.

use std::collections::BTreeMap;

use rand::Rng;
use serde_json::{Value, json};

use super::gtk::Ptk;
use super::names::{self, Sex};
use super::refdata::jabatan;
use super::rng::{self, SimRng, chance, digits, pick};

pub const PERAN_OPERATOR: u32 = 10;
pub const PERAN_KEPSEK: u32 = 53;
pub const PERAN_PTK: u32 = 54;

const DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// What the accounts need to know about the school.
pub struct SchoolInfo<'a> {
    pub sekolah_id: &'a str,
    pub npsn: &'a str,
    pub slug: &'a str,
    pub alamat: &'a str,
}

pub struct Accounts {
    pub rows: Vec<Value>,
    pub operator_username: String,
    pub peran_ids: BTreeMap<String, u32>,
}

fn fake_bcrypt(rng: &mut SimRng) -> String {
    const ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let body: String = (0..53)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("$2y$10${body}")
}

fn hp(rng: &mut SimRng) -> Option<String> {
    chance(rng, 0.8).then(|| format!("08{}", digits(rng, 10)))
}

struct Account {
    peran: u32,
    peran_str: &'static str,
    username: String,
    nama: String,
    alamat: Option<String>,
    ptk_id: Option<String>,
    hp: Option<String>,
}

/// Builds the accounts; `kepsek` is the principal's index in `ptks`.
pub fn build(
    rng: &mut SimRng,
    school: &SchoolInfo<'_>,
    ptks: &[Ptk],
    kepsek: Option<usize>,
) -> Accounts {
    let mut accounts = Vec::new();

    // Operator: often a TAS or teacher, sometimes an outside person.
    let tas = ptks.iter().position(|p| p.jabatan == jabatan::TAS);
    let linked = match tas {
        Some(i) if chance(rng, 0.7) => Some(i),
        _ if !ptks.is_empty() && chance(rng, 0.4) => Some(rng.gen_range(0..ptks.len())),
        _ => None,
    };
    let op_name = match linked {
        Some(i) => ptks[i].person.nama.clone(),
        None if chance(rng, 0.02) => "Operator Sekolah \u{1F642}".to_string(),
        None => {
            let sex = Sex::random(rng, 0.5);
            names::person(rng, sex, false)
        }
    };
    let domain = *pick(rng, &DOMAINS);
    let username = match rng.gen_range(0..4) {
        0 => format!("operator.{}@{domain}", school.slug),
        1 => format!("{}@{domain}", school.npsn),
        2 => format!("{}{}@{domain}", names::slug(&op_name), digits(rng, 2)),
        _ => format!("{}@{domain}", school.slug),
    };
    accounts.push(Account {
        peran: PERAN_OPERATOR,
        peran_str: "Operator Sekolah",
        username: username.clone(),
        nama: op_name,
        alamat: chance(rng, 0.4).then(|| school.alamat.to_string()),
        ptk_id: linked.map(|i| ptks[i].person.ptk_id.clone()),
        hp: match linked {
            Some(i) => ptks[i].person.hp.clone(),
            None => hp(rng),
        },
    });

    if let Some(k) = kepsek.filter(|_| chance(rng, 0.85)) {
        let p = &ptks[k].person;
        accounts.push(Account {
            peran: PERAN_KEPSEK,
            peran_str: "Kepala Sekolah",
            username: format!("{}@{}", names::slug(&p.nama), pick(rng, &DOMAINS)),
            nama: p.nama.clone(),
            alamat: None,
            ptk_id: Some(p.ptk_id.clone()),
            hp: p.hp.clone(),
        });
    }

    let gurus: Vec<usize> = (0..ptks.len())
        .filter(|&i| Some(i) != kepsek && ptks[i].jabatan.jenis == "92")
        .collect();
    let n = rng.gen_range(0..=gurus.len().min(5));
    for &i in gurus.iter().take(n) {
        let p = &ptks[i].person;
        accounts.push(Account {
            peran: PERAN_PTK,
            peran_str: "PTK",
            username: format!(
                "{}{}@{}",
                names::slug(&p.nama),
                digits(rng, 2),
                pick(rng, &DOMAINS)
            ),
            nama: p.nama.clone(),
            alamat: None,
            ptk_id: Some(p.ptk_id.clone()),
            hp: p.hp.clone(),
        });
    }

    let mut rows = Vec::with_capacity(accounts.len());
    let mut peran_ids = BTreeMap::new();
    for a in accounts {
        let pengguna_id = rng::uuid(rng);
        peran_ids.insert(pengguna_id.clone(), a.peran);
        rows.push(json!({
            "pengguna_id": pengguna_id,
            "sekolah_id": school.sekolah_id,
            "username": a.username,
            "nama": a.nama,
            "peran_id_str": a.peran_str,
            "password": fake_bcrypt(rng),
            "alamat": a.alamat,
            "no_telepon": None::<String>,
            "no_hp": a.hp,
            "ptk_id": a.ptk_id,
            "peserta_didik_id": None::<String>,
        }));
    }
    Accounts {
        rows,
        operator_username: username,
        peran_ids,
    }
}
