//! Synthetic Indonesian-sounding personal names (no real people). Mostly
//! Sundanese/Javanese/Islamic forms for a West-Java kabupaten, some Batak and
//! Christian names, and rare apostrophes (straight and curly) as operators
//! type them.

use super::rng::{SimRng, chance, pick};

const MALE: &[&str] = &[
    "Agus", "Ahmad", "Aditya", "Alif", "Andi", "Arif", "Arkan", "Asep", "Bayu", "Bima", "Budi",
    "Cecep", "Daffa", "Dadang", "Dani", "Deden", "Dedi", "Dimas", "Eko", "Fajar", "Farhan",
    "Fikri", "Galih", "Gilang", "Hendra", "Haris", "Ilham", "Iqbal", "Irfan", "Iwan", "Jajang",
    "Lukman", "Maman", "Naufal", "Nanang", "Rafi", "Raka", "Rangga", "Reza", "Rizki", "Rudi",
    "Satria", "Taufik", "Ujang", "Wahyu", "Yayan", "Yoga", "Zaki", "Rendi", "Teguh", "Ridwan",
    "Hilman", "Aep", "Dodi", "Encep", "Kurnia", "Fauzan", "Ma'ruf",
];

const FEMALE: &[&str] = &[
    "Aisyah",
    "Alya",
    "Annisa",
    "Aulia",
    "Ayu",
    "Cici",
    "Citra",
    "Dewi",
    "Dina",
    "Dini",
    "Elis",
    "Euis",
    "Fitri",
    "Iis",
    "Intan",
    "Keisha",
    "Khanza",
    "Laila",
    "Lilis",
    "Nabila",
    "Nadia",
    "Neng",
    "Nia",
    "Nurul",
    "Putri",
    "Ratna",
    "Rina",
    "Rini",
    "Salma",
    "Siti",
    "Sri",
    "Syifa",
    "Tuti",
    "Wida",
    "Wulan",
    "Yanti",
    "Yuli",
    "Zahra",
    "Kania",
    "Resti",
    "Popon",
    "Imas",
    "Cucu",
    "Nur'aini",
    "Nur\u{2019}aini",
];

const MALE_LAST: &[&str] = &[
    "Pratama",
    "Saputra",
    "Permana",
    "Nugraha",
    "Hidayat",
    "Ramadhan",
    "Maulana",
    "Setiawan",
    "Kurniawan",
    "Firmansyah",
    "Hakim",
    "Santoso",
    "Wibowo",
    "Gunawan",
    "Sulaeman",
    "Suryadi",
    "Rahman",
    "Syahputra",
    "Hidayatullah",
    "Fauzi",
    "Mulyana",
    "Sopandi",
    "Supriatna",
];

const FEMALE_LAST: &[&str] = &[
    "Lestari",
    "Rahayu",
    "Kurniasih",
    "Maharani",
    "Permatasari",
    "Handayani",
    "Rahmawati",
    "Safitri",
    "Nuraeni",
    "Fadhilah",
    "Khairunnisa",
    "Anggraini",
    "Suryani",
    "Wulandari",
    "Puspitasari",
    "Oktaviani",
    "Rosmiati",
    "Yuliani",
    "Marlina",
    "Aminah",
    "Hidayati",
];

const CHRISTIAN_MALE: &[&str] = &[
    "Yohanes",
    "Daniel",
    "Markus",
    "Samuel",
    "Yosua",
    "Paulus",
    "Stefanus",
    "Christian",
    "Andreas",
    "Kevin",
    "Timotius",
];

const CHRISTIAN_FEMALE: &[&str] = &[
    "Maria",
    "Natalia",
    "Yohana",
    "Grace",
    "Agnes",
    "Theresia",
    "Veronika",
    "Elisabeth",
    "Debora",
    "Angelina",
    "Ruth",
];

const BATAK: &[&str] = &[
    "Simanjuntak",
    "Tarigan",
    "Sitorus",
    "Siregar",
    "Nainggolan",
    "Manurung",
    "Sihombing",
    "Hutapea",
    "Pardede",
    "Sinaga",
    "Situmorang",
    "Lumbantobing",
];

/// Sex of a person as Dapodik writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    L,
    P,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::L => "L",
            Sex::P => "P",
        }
    }

    pub fn random(rng: &mut SimRng, p_female: f64) -> Sex {
        if chance(rng, p_female) {
            Sex::P
        } else {
            Sex::L
        }
    }
}

/// How an operator types names: title case or ALL CAPS (both common).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameCase {
    Title,
    Upper,
}

impl NameCase {
    pub fn apply(self, name: String) -> String {
        match self {
            NameCase::Title => name,
            NameCase::Upper => name.to_uppercase(),
        }
    }
}

/// A full name; `christian` biases towards Christian/Batak names.
pub fn person(rng: &mut SimRng, sex: Sex, christian: bool) -> String {
    let (first_list, last_list) = match (sex, christian) {
        (Sex::L, false) => (MALE, MALE_LAST),
        (Sex::P, false) => (FEMALE, FEMALE_LAST),
        (Sex::L, true) => (CHRISTIAN_MALE, BATAK),
        (Sex::P, true) => (CHRISTIAN_FEMALE, BATAK),
    };
    let first = *pick(rng, first_list);
    let shape = rng_shape(rng);
    match shape {
        0 => first.to_string(),
        1 | 2 => format!("{first} {}", pick(rng, last_list)),
        3 if !christian && sex == Sex::L => format!("Muhammad {first} {}", pick(rng, last_list)),
        3 if !christian => format!("Siti {first}"),
        _ => {
            let middle = *pick(rng, first_list);
            if middle == first {
                format!("{first} {}", pick(rng, last_list))
            } else {
                format!("{first} {middle} {}", pick(rng, last_list))
            }
        }
    }
}

fn rng_shape(rng: &mut SimRng) -> u8 {
    *super::rng::weighted(rng, &[(0u8, 6), (1, 40), (2, 20), (3, 12), (4, 22)])
}

/// Short lowercase slug for e-mail addresses.
pub fn slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::stream;

    #[test]
    fn names_are_non_empty() {
        let mut r = stream(5, 5);
        for _ in 0..200 {
            let n = person(&mut r, Sex::P, false);
            assert!(!n.trim().is_empty());
        }
        assert_eq!(slug("Nur'aini Rahayu"), "nurainirahayu");
    }
}
