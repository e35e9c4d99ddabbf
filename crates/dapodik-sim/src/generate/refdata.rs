// Over 400 lines because it is reference data tables (codes, labels, weights).
//! Reference codes and labels. Values confirmed in docs/dapodik-webservice.md / the
//! `ref.jabatan_ptk` dump are used as is; everything else is a placeholder
//! with the right shape (noted per table).

use serde::{Deserialize, Serialize};

/// School form (`bentuk_pendidikan`). Ids: SD 5 / SMP 6 / SMA 13 / SMK 15 as
/// in the spec; TK 1, KB 2, TPA 3, SPS 4, SLB 10, Kursus 25, SKB 26, PKBM 27
/// are placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Bentuk {
    Tk,
    Kb,
    Tpa,
    Sps,
    Sd,
    Smp,
    Pkbm,
    Skb,
    Kursus,
    Sma,
    Smk,
    Slb,
}

impl Bentuk {
    /// Forms a kabupaten governs, with their share per 1,200 schools and the
    /// share of them that is negeri.
    pub const KABUPATEN: [(Bentuk, u32, f64); 9] = [
        (Bentuk::Sd, 440, 0.88),
        (Bentuk::Tk, 300, 0.06),
        (Bentuk::Kb, 260, 0.02),
        (Bentuk::Smp, 75, 0.55),
        (Bentuk::Sps, 70, 0.0),
        (Bentuk::Pkbm, 20, 0.0),
        (Bentuk::Kursus, 18, 0.0),
        (Bentuk::Tpa, 15, 0.0),
        (Bentuk::Skb, 2, 1.0),
    ];

    /// Forms governed by the province (only with `--with-province-schools`).
    pub const PROVINSI: [(Bentuk, u32, f64); 3] = [
        (Bentuk::Smk, 30, 0.35),
        (Bentuk::Sma, 25, 0.5),
        (Bentuk::Slb, 6, 0.3),
    ];

    pub fn id(self) -> i64 {
        match self {
            Bentuk::Tk => 1,
            Bentuk::Kb => 2,
            Bentuk::Tpa => 3,
            Bentuk::Sps => 4,
            Bentuk::Sd => 5,
            Bentuk::Smp => 6,
            Bentuk::Slb => 10,
            Bentuk::Sma => 13,
            Bentuk::Smk => 15,
            Bentuk::Kursus => 25,
            Bentuk::Skb => 26,
            Bentuk::Pkbm => 27,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Bentuk::Tk => "TK",
            Bentuk::Kb => "KB",
            Bentuk::Tpa => "TPA",
            Bentuk::Sps => "SPS",
            Bentuk::Sd => "SD",
            Bentuk::Smp => "SMP",
            Bentuk::Pkbm => "PKBM",
            Bentuk::Skb => "SKB",
            Bentuk::Kursus => "Kursus",
            Bentuk::Sma => "SMA",
            Bentuk::Smk => "SMK",
            Bentuk::Slb => "SLB",
        }
    }

    pub fn is_paud(self) -> bool {
        matches!(self, Bentuk::Tk | Bentuk::Kb | Bentuk::Tpa | Bentuk::Sps)
    }

    pub fn is_dikmas(self) -> bool {
        matches!(self, Bentuk::Pkbm | Bentuk::Skb | Bentuk::Kursus)
    }

    /// Formal schools get NPSN 205xxxxx, PAUD/Dikmas 699xxxxx.
    pub fn is_formal(self) -> bool {
        !self.is_paud() && !self.is_dikmas()
    }
}

pub const AGAMA: [(i64, &str); 6] = [
    (1, "Islam"),
    (2, "Kristen"),
    (3, "Katholik"),
    (4, "Hindu"),
    (5, "Budha"),
    (6, "Khonghucu"),
];

/// Religion weights in a West-Java district (index into [`AGAMA`]).
pub const AGAMA_WEIGHTS: [(usize, u32); 6] = [(0, 950), (1, 25), (2, 15), (3, 3), (4, 6), (5, 1)];

/// Occupation codes: 1 and 6 confirmed, the rest placeholders; 0 = not filled.
pub const PEKERJAAN: [(i64, &str, u32); 12] = [
    (1, "Tidak bekerja", 20),
    (2, "Nelayan", 1),
    (3, "Petani", 18),
    (4, "Peternak", 2),
    (5, "PNS/TNI/Polri", 4),
    (6, "Karyawan Swasta", 14),
    (7, "Pedagang Kecil", 10),
    (8, "Pedagang Besar", 1),
    (9, "Wiraswasta", 12),
    (11, "Buruh", 14),
    (12, "Pensiunan", 1),
    (99, "Lainnya", 3),
];

/// Employment status (`status_kepegawaian`): 4 = GTY/PTY confirmed; the fixture
/// uses 1 PNS, 8 Guru Honor Sekolah, 9 Tenaga Honor Sekolah; others placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kepegawaian {
    Pns,
    PnsDiperbantukan,
    Cpns,
    Pppk,
    GtyPty,
    GttKab,
    GuruHonor,
    TenagaHonor,
}

impl Kepegawaian {
    pub fn id(self) -> i64 {
        match self {
            Kepegawaian::Pns => 1,
            Kepegawaian::PnsDiperbantukan => 2,
            Kepegawaian::GtyPty => 4,
            Kepegawaian::GttKab => 6,
            Kepegawaian::GuruHonor => 8,
            Kepegawaian::TenagaHonor => 9,
            Kepegawaian::Cpns => 10,
            Kepegawaian::Pppk => 12,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kepegawaian::Pns => "PNS",
            Kepegawaian::PnsDiperbantukan => "PNS Diperbantukan",
            Kepegawaian::Cpns => "CPNS",
            Kepegawaian::Pppk => "PPPK",
            Kepegawaian::GtyPty => "GTY/PTY",
            Kepegawaian::GttKab => "GTT/PTT Kab/Kota",
            Kepegawaian::GuruHonor => "Guru Honor Sekolah",
            Kepegawaian::TenagaHonor => "Tenaga Honor Sekolah",
        }
    }

    /// Civil servants with a rank history (`rwy_kepangkatan`).
    pub fn has_rank(self) -> bool {
        matches!(self, Kepegawaian::Pns | Kepegawaian::PnsDiperbantukan)
    }

    /// Has an 18-digit NIP.
    pub fn has_nip(self) -> bool {
        matches!(
            self,
            Kepegawaian::Pns
                | Kepegawaian::PnsDiperbantukan
                | Kepegawaian::Cpns
                | Kepegawaian::Pppk
        )
    }
}

/// A `ref.jabatan_ptk` entry (2024+): code, label, 2024 `jenis_ptk_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jabatan {
    pub id: &'static str,
    pub label: &'static str,
    pub jenis: &'static str,
    /// Pre-2024 `jenis_ptk_id` and label for the same job.
    pub old_jenis: &'static str,
    pub old_label: &'static str,
}

const fn jab(
    id: &'static str,
    label: &'static str,
    jenis: &'static str,
    old_jenis: &'static str,
    old_label: &'static str,
) -> Jabatan {
    Jabatan {
        id,
        label,
        jenis,
        old_jenis,
        old_label,
    }
}

pub mod jabatan {
    use super::{Jabatan, jab};
    pub const KEPALA_SEKOLAH: Jabatan =
        jab("10001", "Kepala Sekolah", "91", "20", "Kepala Sekolah");
    pub const GURU_KELAS: Jabatan = jab("23304", "Guru Kelas", "92", "3", "Guru Kelas");
    pub const AGAMA_ISLAM: Jabatan = jab("20304", "Guru Agama Islam", "92", "4", "Guru Mapel");
    pub const AGAMA_KRISTEN: Jabatan = jab("20504", "Guru Agama Kristen", "92", "4", "Guru Mapel");
    pub const AGAMA_KATOLIK: Jabatan = jab("20404", "Guru Agama Katolik", "92", "4", "Guru Mapel");
    pub const BK: Jabatan = jab("21904", "Guru Bimbingan Konseling", "92", "5", "Guru BK");
    pub const PENJAS: Jabatan = jab("25004", "Guru Penjasorkes", "92", "4", "Guru Mapel");
    pub const TIK: Jabatan = jab("28004", "Guru TIK", "92", "14", "Guru TIK");
    pub const B_INDONESIA: Jabatan = jab("21304", "Guru Bahasa Indonesia", "92", "4", "Guru Mapel");
    pub const B_INGGRIS: Jabatan = jab("21404", "Guru Bahasa Inggris", "92", "4", "Guru Mapel");
    pub const B_SUNDA: Jabatan = jab("28801", "Guru Bahasa Sunda", "92", "4", "Guru Mapel");
    pub const MATEMATIKA: Jabatan = jab("24304", "Guru Matematika", "92", "4", "Guru Mapel");
    pub const IPA: Jabatan = jab("22904", "Guru IPA", "92", "4", "Guru Mapel");
    pub const IPS: Jabatan = jab("23004", "Guru IPS", "92", "4", "Guru Mapel");
    pub const PPKN: Jabatan = jab("25204", "Guru PPKN", "92", "4", "Guru Mapel");
    pub const PRAKARYA: Jabatan = jab(
        "25304",
        "Guru Prakarya Dan Kewirausahaan",
        "92",
        "4",
        "Guru Mapel",
    );
    pub const SENI_BUDAYA: Jabatan = jab("25504", "Guru Seni Budaya", "92", "4", "Guru Mapel");
    pub const PENDIDIKAN_KHUSUS: Jabatan = jab(
        "24804",
        "Guru Pendidikan Khusus",
        "92",
        "6",
        "Guru Pendamping Khusus",
    );
    pub const TUTOR: Jabatan = jab("29001", "Tutor", "92", "4", "Guru Mapel");
    pub const PAMONG: Jabatan = jab("29002", "Pamong Belajar", "92", "4", "Guru Mapel");
    pub const TAS: Jabatan = jab(
        "31001",
        "Tenaga Administrasi Sekolah",
        "93",
        "11",
        "Tenaga Administrasi Sekolah",
    );
    pub const LABORAN: Jabatan = jab("32001", "Laboran", "93", "30", "Laboran");
    pub const PUSTAKAWAN: Jabatan = jab("33001", "Pustakawan", "93", "40", "Tenaga Perpustakaan");
    pub const TUKANG_KEBUN: Jabatan = jab("34001", "Tukang Kebun", "93", "41", "Tukang Kebun");
    pub const PENJAGA: Jabatan = jab("34002", "Penjaga Sekolah", "93", "42", "Penjaga Sekolah");
    pub const SATPAM: Jabatan = jab("34003", "Petugas Keamanan", "93", "43", "Petugas Keamanan");
    pub const PESURUH: Jabatan = jab(
        "34004",
        "Pesuruh/Office Boy",
        "93",
        "44",
        "Pesuruh/Office Boy",
    );
    pub const INSTRUKTUR: Jabatan = jab("35001", "Instruktur", "93", "4", "Guru Mapel");
    pub const TIDAK_DIISI: Jabatan = jab(
        "99999",
        "Tidak diisi",
        "99",
        "11",
        "Tenaga Administrasi Sekolah",
    );
}

/// 2024+ `jenis_ptk_id_str` labels.
pub fn jenis_ptk_label(jenis: &str) -> &'static str {
    match jenis {
        "91" => "Kepala Sekolah",
        "92" => "Guru",
        "93" => "Tenaga Kependidikan",
        _ => "Lainnya",
    }
}

/// A subject (`mata_pelajaran`). Ids are in the fake 9000xxxxx range of the
/// fixtures; the teacher's jabatan says who normally teaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapel {
    pub id: i64,
    pub nama: &'static str,
    pub teacher: Jabatan,
}

const fn mapel(id: i64, nama: &'static str, teacher: Jabatan) -> Mapel {
    Mapel { id, nama, teacher }
}

pub mod mapel {
    use super::jabatan as j;
    use super::{Mapel, mapel};
    pub const PAI: Mapel = mapel(
        900010000,
        "Pendidikan Agama Islam dan Budi Pekerti",
        j::AGAMA_ISLAM,
    );
    pub const PA_KRISTEN: Mapel = mapel(
        900010100,
        "Pendidikan Agama Kristen dan Budi Pekerti",
        j::AGAMA_KRISTEN,
    );
    pub const PA_KATOLIK: Mapel = mapel(
        900010200,
        "Pendidikan Agama Katolik dan Budi Pekerti",
        j::AGAMA_KATOLIK,
    );
    pub const PANCASILA: Mapel = mapel(900020000, "Pendidikan Pancasila", j::PPKN);
    pub const B_INDONESIA: Mapel = mapel(900030000, "Bahasa Indonesia", j::B_INDONESIA);
    pub const MATEMATIKA: Mapel = mapel(900040000, "Matematika", j::MATEMATIKA);
    pub const IPAS: Mapel = mapel(900050000, "Ilmu Pengetahuan Alam dan Sosial", j::GURU_KELAS);
    pub const SENI_RUPA: Mapel = mapel(900060000, "Seni Rupa", j::SENI_BUDAYA);
    pub const SENI_MUSIK: Mapel = mapel(900060100, "Seni Musik", j::SENI_BUDAYA);
    pub const PJOK: Mapel = mapel(
        900070000,
        "Pendidikan Jasmani, Olahraga, dan Kesehatan",
        j::PENJAS,
    );
    pub const B_INGGRIS: Mapel = mapel(900080000, "Bahasa Inggris", j::B_INGGRIS);
    pub const MULOK: Mapel = mapel(900090000, "Muatan Lokal", j::B_SUNDA);
    pub const B_SUNDA: Mapel = mapel(900090100, "Bahasa dan Sastra Sunda", j::B_SUNDA);
    pub const IPA: Mapel = mapel(900100000, "Ilmu Pengetahuan Alam (IPA)", j::IPA);
    pub const IPS: Mapel = mapel(900110000, "Ilmu Pengetahuan Sosial (IPS)", j::IPS);
    pub const INFORMATIKA: Mapel = mapel(900120000, "Informatika", j::TIK);
    pub const PRAKARYA: Mapel = mapel(900130000, "Prakarya", j::PRAKARYA);
    pub const BK: Mapel = mapel(900140000, "Bimbingan dan Konseling/Konselor (BP/BK)", j::BK);
    pub const PAUD_AGAMA: Mapel = mapel(900200000, "Nilai Agama dan Budi Pekerti", j::GURU_KELAS);
    pub const PAUD_JATI_DIRI: Mapel = mapel(900210000, "Jati Diri", j::GURU_KELAS);
    pub const PAUD_LITERASI: Mapel = mapel(
        900220000,
        "Dasar-dasar Literasi, Matematika, Sains, Teknologi, Rekayasa, dan Seni",
        j::GURU_KELAS,
    );
    pub const KURSUS_BUSANA: Mapel = mapel(900300000, "Tata Busana", j::INSTRUKTUR);
    pub const KURSUS_KOMPUTER: Mapel = mapel(900310000, "Komputer Perkantoran", j::INSTRUKTUR);
    pub const KURSUS_RIAS: Mapel = mapel(900320000, "Tata Rias Pengantin", j::INSTRUKTUR);
}

/// Extracurricular reference (`id_ekskul` placeholders; Pramuka 21 as in the
/// fixture).
pub const EKSKUL: [(i64, &str); 12] = [
    (21, "Pramuka"),
    (11, "Seni Tari"),
    (12, "Drumband"),
    (13, "Paduan Suara"),
    (22, "Palang Merah Remaja (PMR)"),
    (31, "Futsal"),
    (32, "Pencak Silat"),
    (33, "Bulu Tangkis"),
    (34, "Karate"),
    (35, "Bola Voli"),
    (41, "Baca Tulis Al-Qur'an"),
    (51, "English Club"),
];

/// Curricula (ids are placeholders; 450 as in the fixture).
pub fn kurikulum(bentuk: Bentuk, merdeka: bool) -> (i64, &'static str) {
    match (bentuk, merdeka) {
        (Bentuk::Sd, true) => (450, "Kurikulum Merdeka SD"),
        (Bentuk::Sd, false) => (62, "SD 2013"),
        (Bentuk::Smp, true) => (451, "Kurikulum Merdeka SMP"),
        (Bentuk::Smp, false) => (63, "SMP 2013"),
        (Bentuk::Sma, true) => (452, "Kurikulum Merdeka SMA"),
        (Bentuk::Sma, false) => (64, "SMA 2013 MIPA"),
        (Bentuk::Smk, _) => (453, "Kurikulum Merdeka SMK"),
        (Bentuk::Slb, _) => (454, "Kurikulum Merdeka SDLB"),
        (Bentuk::Pkbm | Bentuk::Skb, _) => (460, "Kurikulum Merdeka Pendidikan Kesetaraan"),
        (Bentuk::Kursus, _) => (470, "Kurikulum Kursus dan Pelatihan"),
        (_, true) => (440, "Kurikulum Merdeka PAUD"),
        (_, false) => (61, "Kurikulum 2013 PAUD"),
    }
}

pub const KEBUTUHAN_KHUSUS: [(&str, u32); 5] = [
    ("Tidak ada", 985),
    ("B - Tuna rungu", 3),
    ("C - Tuna grahita ringan", 5),
    ("K - Kesulitan Belajar", 4),
    ("Q - Autis", 3),
];

/// Institutions for `rwy_pend_formal` (all invented).
pub const KAMPUS: &[&str] = &[
    "Universitas Harapan Nusantara",
    "STKIP Mekarsari",
    "Universitas Pendidikan Priangan",
    "Universitas Terbuka",
    "IAI Darussalam Mekarsari",
    "STAI Al-Muhajirin",
    "Universitas Galuh Pakuan Timur",
    "Universitas Kristen Cahaya Bangsa",
];

/// Study programmes: (prodi / bidang studi, kependidikan flag, degree).
pub const PRODI: &[(&str, &str, &str)] = &[
    ("Pendidikan Guru Sekolah Dasar", "1", "S.Pd."),
    ("Pendidikan Agama Islam", "1", "S.Pd.I."),
    ("Pendidikan Bahasa Indonesia", "1", "S.Pd."),
    ("Pendidikan Matematika", "1", "S.Pd."),
    ("Pendidikan Bahasa Inggris", "1", "S.Pd."),
    ("Pendidikan Jasmani dan Kesehatan", "1", "S.Pd."),
    ("Pendidikan Guru PAUD", "1", "S.Pd."),
    ("Pendidikan Biologi", "1", "S.Pd."),
    ("Pendidikan Ekonomi", "1", "S.Pd."),
    ("Bimbingan dan Konseling", "1", "S.Pd."),
    ("Teknik Informatika", "0", "S.Kom."),
    ("Manajemen", "0", "S.E."),
];

/// Civil-service ranks in order.
pub const PANGKAT: [&str; 13] = [
    "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c",
    "IV/d", "IV/e",
];
