// Over 400 lines only with its unit tests (one per rule and code set).
//! Classification rules: PTK category (guru/tendik), form of school, negeri/swasta,
//! rombel kind and gender.
//!
//! PTK rule (§3.3, §4), applied in order:
//! 1. `jenis_ptk_id` 91 (2024+) or 20 (old), `jabatan_ptk_id` 10001, or `jabatan_ptk_id_str`
//!    "Kepala Sekolah" ⇒ [`PtkKategori::KepalaSekolah`];
//! 2. 92 and the old teaching codes 3–6, 12–17 (17 = Instruktur Kejuruan, who teaches),
//!    51–56 (SPK teachers) and 60–64 (instruktur/penguji/tutor/pamong: non-formal
//!    educators) ⇒ [`PtkKategori::Guru`];
//! 3. 93 and the old 11, 30, 40–45, 57–59 ⇒ [`PtkKategori::Tendik`];
//! 4. pengawas 94, 7–10, 25, 26 ⇒ [`PtkKategori::Lainnya`];
//! 5. anything else (99, 81–82 PAUD-Dikmas whose labels are unknown, missing codes): by
//!    `jabatan_ptk_id` prefix (2xxxx guru, 3xxxx tendik), then by the text of
//!    `jabatan_ptk_id_str` and `jenis_ptk_id_str`, else [`PtkKategori::Lainnya`].
//!
//! Public counts: "guru" = kepala sekolah + guru ([`PtkKategori::is_guru`]); "tendik" =
//! everything else, including pengawas and unknown ([`PtkKategori::is_tendik`]), so guru +
//! tendik always equals the number of PTK rows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lenient::code_number;
use crate::webservice::Ptk;

/// Category of a PTK row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PtkKategori {
    KepalaSekolah,
    Guru,
    Tendik,
    Lainnya,
}

impl PtkKategori {
    /// Classify a getGtk row.
    pub fn of(ptk: &Ptk) -> PtkKategori {
        PtkKategori::from_codes(
            ptk.jenis_ptk_id.as_deref(),
            ptk.jabatan_ptk_id.as_deref(),
            ptk.jabatan_ptk_id_str.as_deref(),
            ptk.jenis_ptk_id_str.as_deref(),
        )
    }

    /// Classify from the raw codes and labels (see the module docs for the rule).
    pub fn from_codes(
        jenis_ptk_id: Option<&str>,
        jabatan_ptk_id: Option<&str>,
        jabatan_ptk_id_str: Option<&str>,
        jenis_ptk_id_str: Option<&str>,
    ) -> PtkKategori {
        let jenis = jenis_ptk_id.and_then(code_number);
        let jabatan = jabatan_ptk_id.and_then(code_number);
        let is_ks_text =
            |s: Option<&str>| s.is_some_and(|s| s.trim().eq_ignore_ascii_case("kepala sekolah"));
        if matches!(jenis, Some(91 | 20))
            || jabatan == Some(10001)
            || is_ks_text(jabatan_ptk_id_str)
        {
            return PtkKategori::KepalaSekolah;
        }
        match jenis {
            Some(92 | 3..=6 | 12..=17 | 51..=56 | 60..=64) => return PtkKategori::Guru,
            Some(93 | 11 | 30 | 40..=45 | 57..=59) => return PtkKategori::Tendik,
            Some(94 | 7..=10 | 25 | 26) => return PtkKategori::Lainnya,
            _ => {}
        }
        match jabatan {
            Some(20000..=29999) => return PtkKategori::Guru,
            Some(30000..=39999) => return PtkKategori::Tendik,
            _ => {}
        }
        [jabatan_ptk_id_str, jenis_ptk_id_str]
            .into_iter()
            .flatten()
            .find_map(kategori_from_text)
            .unwrap_or(PtkKategori::Lainnya)
    }

    /// Counted as guru in public figures (kepala sekolah included).
    pub const fn is_guru(self) -> bool {
        matches!(self, PtkKategori::KepalaSekolah | PtkKategori::Guru)
    }

    /// Counted as tendik in public figures: everything that is not guru.
    pub const fn is_tendik(self) -> bool {
        !self.is_guru()
    }

    /// Indonesian label.
    pub const fn label(self) -> &'static str {
        match self {
            PtkKategori::KepalaSekolah => "Kepala Sekolah",
            PtkKategori::Guru => "Guru",
            PtkKategori::Tendik => "Tenaga Kependidikan",
            PtkKategori::Lainnya => "Lainnya",
        }
    }
}

fn kategori_from_text(text: &str) -> Option<PtkKategori> {
    let t = text.to_lowercase();
    if t.contains("kepala sekolah") {
        Some(PtkKategori::KepalaSekolah)
    } else if t.contains("pengawas") {
        Some(PtkKategori::Lainnya)
    } else if ["guru", "tutor", "pamong", "instruktur"]
        .iter()
        .any(|w| t.contains(w))
    {
        Some(PtkKategori::Guru)
    } else if [
        "tenaga",
        "tata usaha",
        "administrasi",
        "laboran",
        "pustakawan",
        "perpustakaan",
        "penjaga",
        "tukang kebun",
        "keamanan",
        "pesuruh",
        "terapis",
    ]
    .iter()
    .any(|w| t.contains(w))
    {
        Some(PtkKategori::Tendik)
    } else {
        None
    }
}

/// Form of school (bentuk pendidikan).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bentuk {
    TK,
    KB,
    TPA,
    SPS,
    SD,
    SMP,
    SMA,
    SMK,
    SLB,
    Kursus,
    PKBM,
    SKB,
    /// Anything else, with the label (or id) as received.
    Lainnya(String),
}

impl Bentuk {
    /// The known forms (without `Lainnya`).
    pub const KNOWN: [Bentuk; 12] = [
        Bentuk::TK,
        Bentuk::KB,
        Bentuk::TPA,
        Bentuk::SPS,
        Bentuk::SD,
        Bentuk::SMP,
        Bentuk::SMA,
        Bentuk::SMK,
        Bentuk::SLB,
        Bentuk::Kursus,
        Bentuk::PKBM,
        Bentuk::SKB,
    ];

    /// From `bentuk_pendidikan_id_str` first, then the confirmed ids
    /// (1 TK, 2 KB, 3 TPA, 4 SPS, 5 SD, 6 SMP, 13 SMA, 15 SMK).
    pub fn detect(
        bentuk_pendidikan_id: Option<&str>,
        bentuk_pendidikan_id_str: Option<&str>,
    ) -> Bentuk {
        let label = bentuk_pendidikan_id_str
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(b) = label.and_then(Bentuk::from_label) {
            return b;
        }
        let id = bentuk_pendidikan_id
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let by_id = match id.and_then(code_number) {
            Some(1) => Some(Bentuk::TK),
            Some(2) => Some(Bentuk::KB),
            Some(3) => Some(Bentuk::TPA),
            Some(4) => Some(Bentuk::SPS),
            Some(5) => Some(Bentuk::SD),
            Some(6) => Some(Bentuk::SMP),
            Some(13) => Some(Bentuk::SMA),
            Some(15) => Some(Bentuk::SMK),
            _ => None,
        };
        by_id.unwrap_or_else(|| Bentuk::Lainnya(label.or(id).unwrap_or_default().to_owned()))
    }

    /// A known label (case-insensitive; SDLB/SMPLB/SMALB/SMLB → SLB, LKP → Kursus,
    /// SPNF SKB → SKB), or `None`.
    pub fn from_label(label: &str) -> Option<Bentuk> {
        let norm = label
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        Some(match norm.as_str() {
            "TK" => Bentuk::TK,
            "KB" => Bentuk::KB,
            "TPA" => Bentuk::TPA,
            "SPS" => Bentuk::SPS,
            "SD" => Bentuk::SD,
            "SMP" => Bentuk::SMP,
            "SMA" => Bentuk::SMA,
            "SMK" => Bentuk::SMK,
            "SLB" | "SDLB" | "SMPLB" | "SMALB" | "SMLB" | "TKLB" => Bentuk::SLB,
            "KURSUS" | "LKP" => Bentuk::Kursus,
            "PKBM" => Bentuk::PKBM,
            "SKB" | "SPNF SKB" => Bentuk::SKB,
            _ => return None,
        })
    }

    /// Display label ("SD", "Kursus", or the `Lainnya` text).
    pub fn label(&self) -> &str {
        match self {
            Bentuk::TK => "TK",
            Bentuk::KB => "KB",
            Bentuk::TPA => "TPA",
            Bentuk::SPS => "SPS",
            Bentuk::SD => "SD",
            Bentuk::SMP => "SMP",
            Bentuk::SMA => "SMA",
            Bentuk::SMK => "SMK",
            Bentuk::SLB => "SLB",
            Bentuk::Kursus => "Kursus",
            Bentuk::PKBM => "PKBM",
            Bentuk::SKB => "SKB",
            Bentuk::Lainnya(s) => s,
        }
    }
}

impl fmt::Display for Bentuk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Error for an unknown form-of-school label (strict [`FromStr`], e.g. reference CSVs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bentuk pendidikan tidak dikenal: {0}")]
pub struct UnknownBentuk(pub String);

impl FromStr for Bentuk {
    type Err = UnknownBentuk;
    /// Strict: only known labels; use [`Bentuk::detect`] for tolerant reading.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bentuk::from_label(s).ok_or_else(|| UnknownBentuk(s.to_owned()))
    }
}

impl Serialize for Bentuk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Bentuk {
    /// Tolerant: unknown labels become `Lainnya`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Bentuk::from_label(&s).unwrap_or(Bentuk::Lainnya(s)))
    }
}

/// Negeri (public) or swasta (private) school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusSekolah {
    Negeri,
    Swasta,
}

impl StatusSekolah {
    /// From `status_sekolah` ("1"/"2") first, then the text ("Negeri"/"Swasta"/"N"/"S").
    pub fn detect(
        status_sekolah: Option<&str>,
        status_sekolah_str: Option<&str>,
    ) -> Option<StatusSekolah> {
        [status_sekolah, status_sekolah_str]
            .into_iter()
            .flatten()
            .find_map(|s| s.parse().ok())
    }

    pub const fn label(self) -> &'static str {
        match self {
            StatusSekolah::Negeri => "Negeri",
            StatusSekolah::Swasta => "Swasta",
        }
    }
}

impl fmt::Display for StatusSekolah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Error for an unknown status text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status sekolah tidak dikenal: {0}")]
pub struct UnknownStatus(pub String);

impl FromStr for StatusSekolah {
    type Err = UnknownStatus;
    /// Accepts "1"/"2", "N"/"S", "Negeri"/"Swasta" (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "1" | "n" | "negeri" => Ok(StatusSekolah::Negeri),
            "2" | "s" | "swasta" => Ok(StatusSekolah::Swasta),
            _ => Err(UnknownStatus(s.to_owned())),
        }
    }
}

/// Kind of rombel from `jenis_rombel`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RombelJenis {
    /// `1`: a regular class.
    Kelas,
    /// `51`: extracurricular.
    Ekstrakurikuler,
    /// Anything else (special/elective types 2, 8–16 …, or missing = `""`), code as received.
    Lainnya(String),
}

impl RombelJenis {
    pub fn from_code(jenis_rombel: Option<&str>) -> RombelJenis {
        let raw = jenis_rombel.map(str::trim).unwrap_or_default();
        match code_number(raw) {
            Some(1) => RombelJenis::Kelas,
            Some(51) => RombelJenis::Ekstrakurikuler,
            _ => RombelJenis::Lainnya(raw.to_owned()),
        }
    }
}

/// Gender from `jenis_kelamin` ("L"/"P", also "Laki-laki"/"Perempuan").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    L,
    P,
}

impl Gender {
    pub fn parse(jenis_kelamin: Option<&str>) -> Option<Gender> {
        let t = jenis_kelamin?.trim().to_lowercase();
        if t == "l" || t.starts_with("laki") {
            Some(Gender::L)
        } else if t == "p" || t.starts_with("perempuan") || t.starts_with("wanita") {
            Some(Gender::P)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(
        jenis: &str,
        jabatan: Option<&str>,
        jab_str: Option<&str>,
        jenis_str: Option<&str>,
    ) -> PtkKategori {
        PtkKategori::from_codes(Some(jenis), jabatan, jab_str, jenis_str)
    }

    #[test]
    fn ptk_codes() {
        use PtkKategori::*;
        assert_eq!(k("91", None, None, None), KepalaSekolah);
        assert_eq!(k("20", None, None, None), KepalaSekolah);
        assert_eq!(k("99", Some("10001"), None, None), KepalaSekolah);
        assert_eq!(k("", None, Some("Kepala Sekolah"), None), KepalaSekolah);
        for g in [
            "92", "3", "4", "5", "6", "12", "13", "14", "15", "16", "51", "56", "60", "64",
        ] {
            assert_eq!(k(g, None, None, None), Guru, "{g}");
        }
        for t in ["93", "11", "30", "40", "45", "57", "59"] {
            assert_eq!(k(t, None, None, None), Tendik, "{t}");
        }
        for p in ["94", "7", "10", "25", "26"] {
            assert_eq!(k(p, None, None, None), Lainnya, "{p}");
        }
        assert_eq!(k("99", Some("23304"), None, None), Guru);
        assert_eq!(k("99", Some("31001"), None, None), Tendik);
        assert_eq!(
            k("99", Some("99999"), Some("Tidak diisi"), Some("Lainnya")),
            Lainnya
        );
        assert_eq!(k("99", None, Some("Guru Kelas"), None), Guru);
        assert_eq!(k("81", None, None, Some("Tenaga Administrasi")), Tendik);
        assert_eq!(k("x", None, None, Some("Tenaga Kependidikan")), Tendik);
        assert!(
            KepalaSekolah.is_guru() && Guru.is_guru() && Tendik.is_tendik() && Lainnya.is_tendik()
        );
    }

    #[test]
    fn bentuk_and_status() {
        assert_eq!(Bentuk::detect(Some("5"), Some("SD")), Bentuk::SD);
        assert_eq!(Bentuk::detect(Some("15"), None), Bentuk::SMK);
        assert_eq!(Bentuk::detect(None, Some("smalb")), Bentuk::SLB);
        assert_eq!(Bentuk::detect(None, Some("SPNF  SKB")), Bentuk::SKB);
        assert_eq!(Bentuk::detect(None, Some("LKP")), Bentuk::Kursus);
        assert_eq!(Bentuk::detect(Some("13"), Some("MA?")), Bentuk::SMA);
        assert_eq!(
            Bentuk::detect(Some("99"), Some("MI")),
            Bentuk::Lainnya("MI".into())
        );
        assert_eq!(
            Bentuk::detect(Some("99"), None),
            Bentuk::Lainnya("99".into())
        );
        assert_eq!("SD".parse::<Bentuk>(), Ok(Bentuk::SD));
        assert!("MI".parse::<Bentuk>().is_err());
        for b in Bentuk::KNOWN {
            assert_eq!(b.label().parse::<Bentuk>().as_ref(), Ok(&b));
            let v = serde_json::to_value(&b).unwrap();
            assert_eq!(serde_json::from_value::<Bentuk>(v).unwrap(), b);
        }
        use StatusSekolah::*;
        assert_eq!(StatusSekolah::detect(Some("1"), None), Some(Negeri));
        assert_eq!(StatusSekolah::detect(None, Some("Swasta")), Some(Swasta));
        assert_eq!(StatusSekolah::detect(Some("x"), Some("N")), Some(Negeri));
        assert_eq!(StatusSekolah::detect(None, None), None);
    }

    #[test]
    fn rombel_jenis_and_gender() {
        assert_eq!(RombelJenis::from_code(Some("1")), RombelJenis::Kelas);
        assert_eq!(
            RombelJenis::from_code(Some("51")),
            RombelJenis::Ekstrakurikuler
        );
        assert_eq!(
            RombelJenis::from_code(Some("9")),
            RombelJenis::Lainnya("9".into())
        );
        assert_eq!(Gender::parse(Some("l")), Some(Gender::L));
        assert_eq!(Gender::parse(Some("Perempuan")), Some(Gender::P));
        assert_eq!(Gender::parse(Some("")), None);
    }
}
