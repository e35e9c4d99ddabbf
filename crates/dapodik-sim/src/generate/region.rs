//! The invented kabupaten: "Kab. Mekarsari, Prov. Jawa Barat" (the same one
//! the fixture school lives in, so `import-fixtures` fits in). Kecamatan codes
//! are 6 digits ("029901"…), village codes add two letters ("029901AB").

use rand::Rng;
use serde::Serialize;

use super::rng::{SimRng, chance, pick};

pub const KABUPATEN: &str = "Kab. Mekarsari";
pub const KABUPATEN_SHORT: &str = "Mekarsari";
pub const PROVINSI: &str = "Prov. Jawa Barat";
pub const KODE_KABUPATEN: &str = "0299";
/// BPS-style prefix used in NIKs of people born here.
pub const NIK_PREFIX: &str = "3299";

const KECAMATAN: [&str; 20] = [
    "Sukamakmur",
    "Cibeureum",
    "Karangtengah",
    "Sindangsari",
    "Mekarjaya",
    "Pasirwangi",
    "Cikoneng",
    "Sukaresmi",
    "Tanjungkerta",
    "Margaasih",
    "Jatiwangi",
    "Cisalak",
    "Rancabali",
    "Sumberjaya",
    "Wanaraja",
    "Cipeundeuy",
    "Panyingkiran",
    "Sukahaji",
    "Girimukti",
    "Legokjaya",
];

const DESA_PREFIX: &[&str] = &[
    "Suka",
    "Mekar",
    "Karang",
    "Sindang",
    "Ci",
    "Pasir",
    "Jati",
    "Tanjung",
    "Marga",
    "Sumber",
    "Wana",
    "Giri",
    "Ranca",
    "Cibodas",
    "Sari",
    "Kerta",
    "Bojong",
    "Mulya",
    "Neglasari",
    "Tegal",
];

const DESA_SUFFIX: &[&str] = &[
    "jaya", "mulya", "sari", "maju", "asih", "wangi", "rahayu", "mukti", "laksana", "harja",
    "makmur", "tengah", "galih", "manah", "resmi", "senang", "mekar", "kerta", "raharja", "wening",
];

const DUSUN: &[&str] = &[
    "Krajan",
    "Kaler",
    "Kidul",
    "Wetan",
    "Kulon",
    "Tengah",
    "Babakan",
    "Cikadu",
    "Pasanggrahan",
    "Sukamanah",
];

#[derive(Debug, Clone, Serialize)]
pub struct Desa {
    pub nama: String,
    /// 8-char `kode_wilayah` of the village.
    pub kode: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Kecamatan {
    /// Name without prefix, e.g. "Sukamakmur".
    pub nama: String,
    /// 6-digit code, e.g. "029901".
    pub kode: String,
    /// Postcode shared by the kecamatan's villages.
    pub kode_pos: String,
    pub lintang: f64,
    pub bujur: f64,
    /// Relative number of schools.
    #[serde(skip)]
    pub weight: f64,
    pub desa: Vec<Desa>,
}

impl Kecamatan {
    /// Name as Dapodik prints it ("Kec. Sukamakmur").
    pub fn label(&self) -> String {
        format!("Kec. {}", self.nama)
    }
}

/// Two-letter village suffix: 0 → "AA", 1 → "AB", …
fn desa_suffix(i: usize) -> String {
    let a = char::from(b'A' + (i / 26 % 26) as u8);
    let b = char::from(b'A' + (i % 26) as u8);
    format!("{a}{b}")
}

/// Builds the 20 kecamatan with their villages.
pub fn kabupaten(rng: &mut SimRng) -> Vec<Kecamatan> {
    let mut used = std::collections::BTreeSet::new();
    used.insert("Sukamaju".to_string());
    KECAMATAN
        .iter()
        .enumerate()
        .map(|(k, nama)| {
            let kode = format!("{KODE_KABUPATEN}{:02}", k + 1);
            let n_desa = rng.gen_range(9..=16);
            let mut desa = Vec::with_capacity(n_desa);
            for i in 0..n_desa {
                // Keep the fixture's "Sukamaju" (029901AB) in its place.
                let name = if k == 0 && i == 1 {
                    "Sukamaju".to_string()
                } else if i == 0 {
                    nama.to_string()
                } else {
                    loop {
                        let n = format!("{}{}", pick(rng, DESA_PREFIX), pick(rng, DESA_SUFFIX));
                        if used.insert(n.clone()) {
                            break n;
                        }
                    }
                };
                desa.push(Desa {
                    nama: name,
                    kode: format!("{kode}{}", desa_suffix(i)),
                });
            }
            Kecamatan {
                nama: nama.to_string(),
                kode,
                kode_pos: format!("409{:02}", 10 + k * 3),
                lintang: -7.0 - rng.gen_range(0.0..0.55),
                bujur: 107.9 + rng.gen_range(0.0..0.6),
                weight: rng.gen_range(0.6..1.4),
                desa,
            }
        })
        .collect()
}

/// A hamlet name; villages often have a "Krajan".
pub fn dusun(rng: &mut SimRng) -> String {
    if chance(rng, 0.3) {
        "Krajan".to_string()
    } else {
        pick(rng, DUSUN).to_string()
    }
}

/// Places of birth seen in a West-Java district.
pub fn tempat_lahir(rng: &mut SimRng) -> String {
    const OTHERS: &[&str] = &[
        "Bandung",
        "Garut",
        "Tasikmalaya",
        "Ciamis",
        "Sumedang",
        "Jakarta",
        "Bekasi",
        "Cirebon",
        "Bogor",
        "Kuningan",
        "Majalengka",
        "Subang",
    ];
    if chance(rng, 0.7) {
        KABUPATEN_SHORT.to_string()
    } else {
        pick(rng, OTHERS).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::stream;

    #[test]
    fn fixture_village_code_is_kept() {
        let kec = kabupaten(&mut stream(1, 1));
        assert_eq!(kec.len(), 20);
        assert_eq!(kec[0].kode, "029901");
        assert_eq!(kec[0].desa[1].nama, "Sukamaju");
        assert_eq!(kec[0].desa[1].kode, "029901AB");
        assert_eq!(kec[0].label(), "Kec. Sukamakmur");
    }
}
