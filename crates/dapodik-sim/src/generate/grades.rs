//! Grades (tingkat) per school form and how schools name their classes.
//! SD/SMP/SMA use the documented grades 1–12; PAUD and Kursus groups use the
//! placeholder tingkat "0" (the real code is not documented).

use super::refdata::Bentuk;

#[derive(Debug, Clone)]
pub struct Grade {
    /// `tingkat_pendidikan_id` as text.
    pub tingkat: String,
    /// `tingkat_pendidikan_id_str` (newer builds).
    pub tingkat_str: String,
    /// Typical age of a student in this grade.
    pub age: i32,
    /// Name of a single class of this grade, e.g. "Kelas 5".
    pub stem: String,
    pub number: u32,
}

fn numbered(range: std::ops::RangeInclusive<u32>, stem: impl Fn(u32) -> String) -> Vec<Grade> {
    range
        .map(|t| Grade {
            tingkat: t.to_string(),
            tingkat_str: format!("Kelas {t}"),
            age: 6 + t as i32,
            stem: stem(t),
            number: t,
        })
        .collect()
}

fn group(stem: &str, age: i32, label: &str) -> Grade {
    Grade {
        tingkat: "0".to_string(),
        tingkat_str: label.to_string(),
        age,
        stem: stem.to_string(),
        number: 0,
    }
}

/// Grades a school of this form teaches.
pub fn grades(bentuk: Bentuk) -> Vec<Grade> {
    match bentuk {
        Bentuk::Sd => numbered(1..=6, |t| format!("Kelas {t}")),
        Bentuk::Smp => numbered(7..=9, |t| format!("Kelas {t}")),
        Bentuk::Sma | Bentuk::Smk => numbered(10..=12, |t| format!("Kelas {t}")),
        Bentuk::Slb => numbered(1..=9, |t| format!("Kelas {t}")),
        Bentuk::Tk => vec![
            group("Kelompok A", 4, "PAUD"),
            group("Kelompok B", 5, "PAUD"),
        ],
        Bentuk::Kb => vec![group("Kelompok Bermain", 3, "PAUD")],
        Bentuk::Tpa => vec![group("Kelompok Balita", 2, "PAUD")],
        Bentuk::Sps => vec![group("Kelompok", 4, "PAUD")],
        Bentuk::Pkbm | Bentuk::Skb => {
            let paket = |t: u32| match t {
                4..=6 => "A",
                7..=9 => "B",
                _ => "C",
            };
            let mut g = numbered(6..=12, |t| format!("Paket {} Kelas {t}", paket(t)));
            g.retain(|x| matches!(x.number, 6 | 9 | 10 | 11 | 12));
            for x in &mut g {
                x.age += 4;
            }
            g
        }
        Bentuk::Kursus => vec![group("Kursus", 20, "Kursus")],
    }
}

/// Students per class before a school opens a parallel class.
pub fn class_cap(bentuk: Bentuk) -> u32 {
    match bentuk {
        Bentuk::Sd | Bentuk::Smp => 32,
        Bentuk::Sma | Bentuk::Smk => 36,
        Bentuk::Slb => 8,
        Bentuk::Tk | Bentuk::Kursus => 20,
        Bentuk::Kb | Bentuk::Sps => 15,
        Bentuk::Tpa => 12,
        Bentuk::Pkbm | Bentuk::Skb => 30,
    }
}

/// Upper bound of parallel classes per grade (SD: 1–2).
pub fn max_parallel(bentuk: Bentuk) -> u32 {
    match bentuk {
        Bentuk::Sd | Bentuk::Slb | Bentuk::Tpa | Bentuk::Sps | Bentuk::Pkbm | Bentuk::Skb => 2,
        Bentuk::Tk | Bentuk::Kb => 3,
        Bentuk::Kursus => 4,
        Bentuk::Smp | Bentuk::Sma | Bentuk::Smk => 14,
    }
}

fn roman(n: u32) -> &'static str {
    const R: [&str; 13] = [
        "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    R.get(n as usize).copied().unwrap_or("")
}

const FLOWERS: [&str; 8] = [
    "Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Tulip", "Teratai", "Cempaka",
];
const KURSUS: [&str; 4] = [
    "Tata Busana",
    "Komputer Perkantoran",
    "Tata Rias",
    "Menjahit",
];

/// Name of the `k`-th of `parallel` classes of `grade`, in the school's `style`.
pub fn class_name(bentuk: Bentuk, style: u8, grade: &Grade, parallel: u32, k: u32) -> String {
    let letter = char::from(b'A' + (k % 26) as u8);
    let t = grade.number;
    match bentuk {
        Bentuk::Kursus => format!(
            "{} Angkatan {}",
            KURSUS[(style as usize + k as usize) % KURSUS.len()],
            k + 1
        ),
        _ if bentuk.is_paud() && style == 2 => {
            format!("Kelas {}", FLOWERS[(k as usize + grade.age as usize) % 8])
        }
        Bentuk::Tk if style == 1 => format!(
            "TK {}{}",
            &grade.stem[9..],
            if parallel > 1 {
                format!("{}", k + 1)
            } else {
                String::new()
            }
        ),
        _ if parallel == 1 && !(bentuk == Bentuk::Smp && style == 2) => match style {
            1 if t > 0 => format!("Kelas {}", roman(t)),
            _ => grade.stem.clone(),
        },
        _ if bentuk.is_paud() => format!("{} {}", grade.stem, k + 1),
        Bentuk::Pkbm | Bentuk::Skb => format!("{} {letter}", grade.stem),
        Bentuk::Smp | Bentuk::Sma | Bentuk::Smk if style == 1 => format!("{} {letter}", roman(t)),
        Bentuk::Smp | Bentuk::Sma | Bentuk::Smk if style == 2 => format!("{t}.{}", k + 1),
        _ if style == 1 => format!("Kelas {}-{letter}", roman(t)),
        _ => format!("{}{letter}", grade.stem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let g = &grades(Bentuk::Sd)[4];
        assert_eq!(class_name(Bentuk::Sd, 0, g, 1, 0), "Kelas 5");
        assert_eq!(class_name(Bentuk::Sd, 0, g, 2, 1), "Kelas 5B");
        assert_eq!(class_name(Bentuk::Sd, 1, g, 2, 0), "Kelas V-A");
        let s = &grades(Bentuk::Smp)[0];
        assert_eq!(class_name(Bentuk::Smp, 1, s, 3, 2), "VII C");
        assert_eq!(class_name(Bentuk::Smp, 2, s, 3, 2), "7.3");
        let tk = &grades(Bentuk::Tk)[1];
        assert_eq!(class_name(Bentuk::Tk, 1, tk, 1, 0), "TK B");
        assert_eq!(class_name(Bentuk::Tk, 0, tk, 2, 1), "Kelompok B 2");
        assert!(class_name(Bentuk::Sd, 0, g, 2, 1).len() <= 30);
    }
}
