//! A school's identity: name, address, contacts, coordinates, Web Service
//! token, and its getSekolah row (field order of the 2022.a source).

use rand::Rng;
use serde_json::{Value, json};

use super::names::{NameCase, slug};
use super::plan::SchoolPlan;
use super::profile::Flavor;
use super::refdata::Bentuk;
use super::region::{self, KABUPATEN, KABUPATEN_SHORT, Kecamatan, PROVINSI};
use super::rng::{SimRng, chance, digits, pick};

#[derive(Debug, Clone)]
pub struct Identity {
    pub sekolah_id: String,
    pub nama: String,
    pub slug: String,
    pub alamat: String,
    pub token: String,
    pub registered_ip: String,
    pub app_name: String,
    /// How the operator types people's names.
    pub case: NameCase,
    /// getSekolah `rows` object.
    pub row: Value,
}

const SWASTA_SD: &[&str] = &[
    "SD ISLAM AL-HIKMAH",
    "SD IT AL-FALAH",
    "SD ISLAM TERPADU NURUL HUDA",
    "SD MUHAMMADIYAH",
    "SD PLUS DARUL ULUM",
    "SD KRISTEN CAHAYA BANGSA",
    "SD IT AN-NUR",
    "SD ISLAM AL-MA'ARIF",
    "SD PERSIS",
    "SD TUNAS BANGSA",
];
const SWASTA_SMP: &[&str] = &[
    "SMP PGRI",
    "SMP ISLAM AL-HIKMAH",
    "SMP IT AL-FALAH",
    "SMP MUHAMMADIYAH",
    "SMP PASUNDAN",
    "SMP KRISTEN BPK",
    "SMP PLUS DARUL ULUM",
];
const PAUD_NAMES: &[&str] = &[
    "MELATI",
    "MAWAR",
    "ANGGREK",
    "TUNAS MUDA",
    "AL-IKHLAS",
    "BUAH HATI",
    "CERIA",
    "PELANGI",
    "BINTANG KECIL",
    "HARAPAN BUNDA",
    "NUR'AINI",
    "AL-HIDAYAH",
    "PERMATA HATI",
    "KASIH IBU",
    "SEHATI",
    "AN-NISA",
];
const TK_PREFIX: &[&str] = &[
    "TK PERTIWI",
    "TK ISLAM",
    "TK IT",
    "TK DHARMA WANITA",
    "TK AISYIYAH",
    "TK KARTIKA",
    "TK PGRI",
];
const DIKMAS_NAMES: &[&str] = &[
    "BINA MANDIRI",
    "CAHAYA ILMU",
    "SEKAR MEKAR",
    "TUNAS KARYA",
    "AL-HIDAYAH",
    "KARYA BHAKTI",
    "MITRA SEJAHTERA",
];
const KURSUS_NAMES: &[&str] = &[
    "LKP BINA TERAMPIL",
    "LKP SALON AYU",
    "LKP KOMPUTER MANDIRI",
    "LKP MENJAHIT SRIKANDI",
    "LKP BAHASA GLOBAL",
    "LKP MEKAR BUSANA",
];

fn school_name(rng: &mut SimRng, p: &SchoolPlan, kec: &Kecamatan) -> String {
    let desa = kec.desa[p.desa].nama.to_uppercase();
    let kecn = kec.nama.to_uppercase();
    let num = |stem: String| {
        if p.siblings > 1 {
            format!("{stem} {}", p.number)
        } else {
            stem
        }
    };
    match (p.bentuk, p.negeri) {
        (Bentuk::Sd, true) if p.kecamatan.is_multiple_of(3) => {
            if p.siblings > 1 {
                format!("SD NEGERI {desa} {:02}", p.number)
            } else {
                format!("SD NEGERI {desa}")
            }
        }
        (Bentuk::Sd, true) if p.siblings > 1 => format!("SD NEGERI {} {desa}", p.number),
        (Bentuk::Sd, true) => format!("SD NEGERI {desa}"),
        (Bentuk::Smp, true) => format!("SMP NEGERI {} {kecn}", p.number),
        (Bentuk::Tk, true) => num(format!("TK NEGERI {kecn}")),
        (Bentuk::Kb, true) => num(format!("KB NEGERI {kecn}")),
        (Bentuk::Skb, _) => num(format!("SPNF SKB {}", KABUPATEN_SHORT.to_uppercase())),
        (Bentuk::Sma, true) => format!("SMA NEGERI {} {kecn}", p.number),
        (Bentuk::Smk, true) => format!("SMK NEGERI {} {kecn}", p.number),
        (Bentuk::Slb, true) => num(format!("SLB NEGERI {kecn}")),
        (Bentuk::Sd, false) => format!("{} {desa}", pick(rng, SWASTA_SD)),
        (Bentuk::Smp, false) => format!("{} {}", pick(rng, SWASTA_SMP), rng.gen_range(1..=4)),
        (Bentuk::Tk, false) => format!(
            "{} {}",
            pick(rng, TK_PREFIX),
            if chance(rng, 0.5) {
                desa
            } else {
                pick(rng, PAUD_NAMES).to_string()
            }
        ),
        (Bentuk::Kb | Bentuk::Tpa, _) => format!("{} {}", p.bentuk.label(), pick(rng, PAUD_NAMES)),
        (Bentuk::Sps, _) => format!(
            "{} {}",
            pick(rng, &["SPS", "POS PAUD", "SPS PAUD"]),
            pick(rng, PAUD_NAMES)
        ),
        (Bentuk::Pkbm, _) => format!("PKBM {}", pick(rng, DIKMAS_NAMES)),
        (Bentuk::Kursus, _) => pick(rng, KURSUS_NAMES).to_string(),
        (Bentuk::Sma, false) => format!("SMA {} {kecn}", pick(rng, &["PGRI", "PASUNDAN", "ISLAM"])),
        (Bentuk::Smk, false) => format!(
            "SMK {} {kecn}",
            pick(rng, &["PGRI", "BINA KARYA", "MUHAMMADIYAH"])
        ),
        (Bentuk::Slb, false) => format!(
            "SLB {} {}",
            pick(rng, &["B", "C", "B-C"]),
            pick(rng, PAUD_NAMES)
        ),
    }
}

fn school_slug(nama: &str) -> String {
    let short = nama
        .trim()
        .replace("SD NEGERI", "sdn")
        .replace("SMP NEGERI", "smpn")
        .replace("TK NEGERI", "tkn");
    slug(&short)
}

fn coordinate(rng: &mut SimRng, centre: f64) -> Option<String> {
    let v = centre + rng.gen_range(-0.04..0.04);
    match rng.gen_range(0..100) {
        0..2 => None,
        2..3 => Some("0".to_string()),
        3..40 => Some(format!("{v:.14}")),
        40..90 => Some(format!("{v:.7}")),
        _ => Some(format!("{v:.4}")),
    }
}

fn token(rng: &mut SimRng) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..15)
        .map(|_| char::from(ALNUM[rng.gen_range(0..ALNUM.len())]))
        .collect()
}

fn nss(rng: &mut SimRng, p: &SchoolPlan) -> Option<String> {
    let prefix = match (p.bentuk, p.negeri) {
        (Bentuk::Sd, true) => "101",
        (Bentuk::Sd, false) => "102",
        (Bentuk::Smp, true) => "201",
        (Bentuk::Smp, false) => "202",
        (Bentuk::Sma | Bentuk::Smk, true) => "301",
        (Bentuk::Sma | Bentuk::Smk, false) => "302",
        _ => "002",
    };
    let missing = if p.bentuk.is_formal() { 0.15 } else { 0.7 };
    (!chance(rng, missing)).then(|| format!("{prefix}0221{:02}{}", p.kecamatan + 1, digits(rng, 3)))
}

/// Builds the identity and getSekolah row of a planned school.
pub fn build(rng: &mut SimRng, p: &SchoolPlan, kec: &Kecamatan, f: &Flavor) -> Identity {
    let sekolah_id = super::rng::uuid(rng);
    let mut nama = school_name(rng, p, kec);
    if chance(rng, 0.01) {
        nama.push(' '); // stray trailing space, as operators leave them
    }
    let slug = school_slug(&nama);
    let desa = &kec.desa[p.desa];
    let alamat = match rng.gen_range(0..100) {
        0..40 => format!(
            "Jl. {} No. {}",
            pick(
                rng,
                &[
                    "Pendidikan",
                    "Raya",
                    "Merdeka",
                    "Siliwangi",
                    "Veteran",
                    "Pahlawan"
                ]
            ),
            rng.gen_range(1..150)
        ),
        40..65 => format!("Jl. Raya {} Km. {}", desa.nama, rng.gen_range(1..20)),
        65..85 => format!(
            "Kp. {} RT {:02}/RW {:02}",
            desa.nama,
            rng.gen_range(1..10),
            rng.gen_range(1..8)
        ),
        85..98 => format!("Dusun {}", region::dusun(rng)),
        _ => format!(
            "Jl. Raya {} \u{2013} {} Km. {}",
            kec.nama,
            desa.nama,
            rng.gen_range(1..9)
        ),
    };
    let domain = *pick(rng, &["example.com", "example.net", "example.org"]);
    let email = (!chance(rng, 0.3)).then(|| format!("{slug}@{domain}"));
    let website = match rng.gen_range(0..100) {
        0..70 => None,
        70..80 => Some("http://".to_string()),
        80..85 => Some("-".to_string()),
        _ => Some(format!("http://www.{slug}.example.sch.id")),
    };
    let telepon = match rng.gen_range(0..100) {
        0..45 => Some(format!("0265{}", digits(rng, 6))),
        45..55 => Some("-".to_string()),
        55..60 => Some(format!("(0265) {}", digits(rng, 6))),
        _ => None,
    };
    let status = if p.negeri { "1" } else { "2" };
    let rt = (!chance(rng, 0.2)).then(|| f.scode(&rng.gen_range(0..12).to_string()));
    let rw = (!chance(rng, 0.2)).then(|| f.scode(&rng.gen_range(0..8).to_string()));
    let row = json!({
        "sekolah_id": sekolah_id,
        "nama": nama,
        "nss": nss(rng, p),
        "npsn": p.npsn,
        "bentuk_pendidikan_id": f.ncode(p.bentuk.id()),
        "bentuk_pendidikan_id_str": p.bentuk.label(),
        "status_sekolah": f.scode(status),
        "status_sekolah_str": if p.negeri { "Negeri" } else { "Swasta" },
        "alamat_jalan": alamat,
        "rt": rt,
        "rw": rw,
        "kode_wilayah": desa.kode,
        "kode_pos": (!chance(rng, 0.05)).then(|| kec.kode_pos.clone()),
        "nomor_telepon": telepon,
        "nomor_fax": match rng.gen_range(0..100) { 0..85 => None, 85..95 => Some("-".to_string()), _ => Some(format!("0265{}", digits(rng, 6))) },
        "email": email,
        "website": website,
        "is_sks": chance(rng, 0.02),
        "lintang": coordinate(rng, kec.lintang),
        "bujur": coordinate(rng, kec.bujur),
        "dusun": chance(rng, 0.7).then(|| region::dusun(rng)),
        "desa_kelurahan": desa.nama,
        "kecamatan": kec.label(),
        "kabupaten_kota": KABUPATEN,
        "provinsi": PROVINSI,
    });
    Identity {
        sekolah_id,
        nama,
        slug,
        alamat,
        token: token(rng),
        registered_ip: pick(
            rng,
            &["127.0.0.1", "127.0.0.1", "127.0.0.1", "localhost", "::1"],
        )
        .to_string(),
        app_name: pick(
            rng,
            &["DB Helper", "Dapodik Backbone Helper", "db helper kab"],
        )
        .to_string(),
        case: if chance(rng, 0.4) {
            NameCase::Upper
        } else {
            NameCase::Title
        },
        row,
    }
}
