//! Kabupaten-wide plan: how many schools of which form, where, which NPSN,
//! and which PTK are registered at two schools (same `ptk_id`, `ptk_induk`
//! "1" at one and "0" at the other).

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use rand::seq::SliceRandom;

use super::refdata::Bentuk;
use super::region::Kecamatan;
use super::rng::{SimRng, pick};

/// Default number of schools (a real kabupaten).
pub const DEFAULT_SCHOOLS: usize = 1200;
/// The fixture school's NPSN; never generated.
pub const FIXTURE_NPSN: &str = "20599901";

/// Subject taught by a PTK shared between two schools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedRole {
    Agama,
    Penjas,
    Inggris,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedLink {
    /// Index of the shared person (own RNG stream).
    pub person: u64,
    /// `ptk_induk` "1" here, "0" at the other school.
    pub induk: bool,
    pub role: SharedRole,
}

#[derive(Debug, Clone)]
pub struct SchoolPlan {
    /// Position in generation order; selects the school's RNG stream.
    pub index: usize,
    pub npsn: String,
    pub bentuk: Bentuk,
    pub negeri: bool,
    pub kecamatan: usize,
    pub desa: usize,
    /// Ordinal for names like "SD NEGERI 2 SUKAMAJU".
    pub number: u32,
    /// How many schools share that name stem (1 ⇒ no number needed).
    pub siblings: u32,
    pub shared: Vec<SharedLink>,
}

/// Splits `n` over weighted forms by largest remainder (ties: earlier first).
fn apportion(n: usize, forms: &[(Bentuk, u32, f64)]) -> Vec<(Bentuk, usize, f64)> {
    let total: u32 = forms.iter().map(|f| f.1).sum();
    let quotas: Vec<f64> = forms
        .iter()
        .map(|f| n as f64 * f64::from(f.1) / f64::from(total))
        .collect();
    let mut counts: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let mut order: Vec<usize> = (0..forms.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = quotas[a] - quotas[a].floor();
        let rb = quotas[b] - quotas[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut rest = n - counts.iter().sum::<usize>();
    for &i in order.iter().cycle() {
        if rest == 0 {
            break;
        }
        counts[i] += 1;
        rest -= 1;
    }
    forms
        .iter()
        .zip(counts)
        .map(|(f, c)| (f.0, c, f.2))
        .collect()
}

/// Number of schools per form for `n` kabupaten schools.
pub fn composition(n: usize, with_province: bool) -> Vec<(Bentuk, usize, f64)> {
    let mut out = apportion(n, &Bentuk::KABUPATEN);
    if with_province {
        let extra = ((n as f64) * 61.0 / 1200.0).round().max(3.0) as usize;
        out.extend(apportion(extra, &Bentuk::PROVINSI));
    }
    out.retain(|c| c.1 > 0);
    out
}

fn draw_npsn(rng: &mut SimRng, used: &mut BTreeSet<String>, formal: bool) -> String {
    loop {
        let n = if formal {
            rng.gen_range(20_500_000..20_590_000u32)
        } else {
            rng.gen_range(69_900_000..69_990_000u32)
        };
        let s = n.to_string();
        if s != FIXTURE_NPSN && used.insert(s.clone()) {
            return s;
        }
    }
}

/// Builds the plan for `n` schools.
pub fn plan(rng: &mut SimRng, kec: &[Kecamatan], n: usize, with_province: bool) -> Vec<SchoolPlan> {
    let weights: Vec<f64> = kec.iter().map(|k| k.weight).collect();
    let wsum: f64 = weights.iter().sum();
    let pick_kec = |rng: &mut SimRng| {
        let mut x = rng.gen_range(0.0..wsum);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    };

    let mut drafts = Vec::new();
    for (bentuk, count, negeri_share) in composition(n, with_province) {
        let negeri_count = (count as f64 * negeri_share).round() as usize;
        let mut flags: Vec<bool> = (0..count).map(|i| i < negeri_count).collect();
        flags.shuffle(rng);
        for negeri in flags {
            let k = pick_kec(rng);
            let desa = rng.gen_range(0..kec[k].desa.len());
            drafts.push((k, bentuk, negeri, desa));
        }
    }
    drafts.sort_by_key(|d| (d.0, d.1, !d.2, d.3));

    // Name stems: SD/TK negeri are numbered per village, SMP negeri per kecamatan.
    let stem = |d: &(usize, Bentuk, bool, usize)| -> (usize, Bentuk, bool, usize) {
        match (d.1, d.2) {
            (Bentuk::Sd, true) => *d,
            (_, true) => (d.0, d.1, true, usize::MAX),
            _ => (d.0, d.1, false, d.3),
        }
    };
    let mut siblings: BTreeMap<(usize, Bentuk, bool, usize), u32> = BTreeMap::new();
    for d in &drafts {
        *siblings.entry(stem(d)).or_default() += 1;
    }
    let mut seen: BTreeMap<(usize, Bentuk, bool, usize), u32> = BTreeMap::new();
    let mut used = BTreeSet::new();
    let mut schools: Vec<SchoolPlan> = drafts
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let key = stem(d);
            let number = seen.entry(key).or_default();
            *number += 1;
            SchoolPlan {
                index,
                npsn: draw_npsn(rng, &mut used, d.1.is_formal()),
                bentuk: d.1,
                negeri: d.2,
                kecamatan: d.0,
                desa: d.3,
                number: *number,
                siblings: siblings[&key],
                shared: Vec::new(),
            }
        })
        .collect();

    // About one shared PTK per six SD of a kecamatan.
    let mut person = 0u64;
    for k in 0..kec.len() {
        let sds: Vec<usize> = schools
            .iter()
            .filter(|s| s.kecamatan == k && s.bentuk == Bentuk::Sd)
            .map(|s| s.index)
            .collect();
        if sds.len() < 2 {
            continue;
        }
        for _ in 0..sds.len() / 6 {
            let a = *pick(rng, &sds);
            let b = loop {
                let b = *pick(rng, &sds);
                if b != a {
                    break b;
                }
            };
            let role = *pick(
                rng,
                &[SharedRole::Agama, SharedRole::Penjas, SharedRole::Inggris],
            );
            schools[a].shared.push(SharedLink {
                person,
                induk: true,
                role,
            });
            schools[b].shared.push(SharedLink {
                person,
                induk: false,
                role,
            });
            person += 1;
        }
    }
    schools
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_school_is_an_sd() {
        let c = composition(1, false);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].0, Bentuk::Sd);
        assert_eq!(c[0].1, 1);
    }

    #[test]
    fn default_composition_sums() {
        let c = composition(DEFAULT_SCHOOLS, false);
        assert_eq!(c.iter().map(|x| x.1).sum::<usize>(), DEFAULT_SCHOOLS);
        assert!(
            c.iter()
                .all(|x| x.0 != Bentuk::Sma && x.0 != Bentuk::Smk && x.0 != Bentuk::Slb)
        );
        let with = composition(DEFAULT_SCHOOLS, true);
        assert!(with.iter().any(|x| x.0 == Bentuk::Sma));
    }
}
