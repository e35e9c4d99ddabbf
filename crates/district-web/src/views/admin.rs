//! View models of the administration pages (role admin).

use serde::{Deserialize, Serialize};
use shared_model::protocol::VersionInfo;

use crate::auth::Role;
use crate::views::common::{KecamatanOption, Pager, non_empty};

/// A staff account in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub id: String,
    pub username: String,
    /// The staff member's display name.
    pub nama: String,
    pub peran: Role,
    /// Name of the korwil's kecamatan.
    pub kecamatan: Option<String>,
    pub aktif: bool,
    pub login_terakhir: Option<String>,
}

/// Values of the "new account" form to show again after a refused submit (never the
/// password). Also usable as the server's form type together with `kata_sandi`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub nama: String,
    /// `admin` | `staf_dinas` | `korwil`.
    #[serde(default)]
    pub peran: String,
    #[serde(default)]
    pub kode_kecamatan: String,
}

impl AccountForm {
    /// Checks the fields (not the password: see [`crate::auth::validate_new_password`]) and
    /// returns the role, or the Indonesian messages to show.
    pub fn validate(&self, kecamatan: &[KecamatanOption]) -> Result<Role, Vec<String>> {
        let mut errors = Vec::new();
        let u = self.username.trim();
        if u.len() < 3 || u.len() > 64 {
            errors.push("Nama pengguna harus 3–64 karakter.".to_owned());
        } else if !u
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            errors.push("Nama pengguna hanya boleh berisi huruf, angka, titik, garis bawah, tanda hubung dan @.".to_owned());
        }
        if self.nama.trim().is_empty() {
            errors.push("Nama lengkap wajib diisi.".to_owned());
        }
        let kode = non_empty(Some(&self.kode_kecamatan));
        let role = Role::from_parts(&self.peran, kode.as_deref());
        match (&role, self.peran.trim()) {
            (None, "korwil") => errors.push("Korwil wajib memilih kecamatan.".to_owned()),
            (None, _) => errors.push("Peran tidak dikenal.".to_owned()),
            (Some(Role::Korwil { kode_kecamatan }), _)
                if !kecamatan.iter().any(|k| &k.kode == kode_kecamatan) =>
            {
                errors.push("Kecamatan tidak dikenal.".to_owned())
            }
            _ => {}
        }
        match role {
            Some(r) if errors.is_empty() => Ok(r),
            _ => Err(errors),
        }
    }
}

/// `/admin/akun`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountsView {
    pub akun: Vec<AccountRow>,
    pub kecamatan_options: Vec<KecamatanOption>,
    pub peran_options: Vec<(&'static str, &'static str)>,
    pub form: AccountForm,
    pub galat: Vec<String>,
}

impl AccountsView {
    pub fn new(akun: Vec<AccountRow>, kecamatan_options: Vec<KecamatanOption>) -> Self {
        AccountsView {
            akun,
            kecamatan_options,
            peran_options: Role::options().to_vec(),
            form: AccountForm::default(),
            galat: Vec::new(),
        }
    }

    /// Shows the refused form again with its messages.
    pub fn with_form_errors(mut self, form: AccountForm, galat: Vec<String>) -> Self {
        self.form = form;
        self.galat = galat;
        self
    }
}

/// A school on the kode registrasi page (codes are stored hashed: never shown here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KodeRegistrasiRow {
    pub npsn: String,
    pub nama: String,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub punya_kode: bool,
    /// When the current code was issued.
    pub dibuat: Option<String>,
    /// Last successful enrollment with the code.
    pub terdaftar: Option<String>,
}

/// `/admin/kode-registrasi`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KodeRegistrasiView {
    pub baris: Vec<KodeRegistrasiRow>,
    pub kecamatan_options: Vec<KecamatanOption>,
    /// Selected kecamatan filter (kode).
    pub kecamatan: Option<String>,
    pub jumlah_tanpa_kode: usize,
}

impl KodeRegistrasiView {
    /// Keeps the rows of `kecamatan` (when given).
    pub fn new(
        baris: Vec<KodeRegistrasiRow>,
        kecamatan_options: Vec<KecamatanOption>,
        kecamatan: Option<String>,
    ) -> Self {
        let kecamatan = non_empty(kecamatan.as_deref());
        let baris: Vec<KodeRegistrasiRow> = baris
            .into_iter()
            .filter(|r| kecamatan.as_deref().is_none_or(|k| r.kode_kecamatan == k))
            .collect();
        KodeRegistrasiView {
            jumlah_tanpa_kode: baris.iter().filter(|r| !r.punya_kode).count(),
            baris,
            kecamatan_options,
            kecamatan,
        }
    }
}

/// One printed slip (the plain code exists only right after it was issued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KodeRegistrasiSlip {
    pub npsn: String,
    pub nama: String,
    pub kecamatan: String,
    pub kode: String,
}

/// Print view of freshly issued codes: one slip per school, to cut and hand out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KodeRegistrasiPrintView {
    pub lembar: Vec<KodeRegistrasiSlip>,
    /// Server address the helper must use, printed on every slip.
    pub alamat_server: String,
    /// Issue time (WIB).
    pub dicetak: String,
}

/// The current reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferensiSummary {
    pub jumlah_sekolah: u64,
    pub jumlah_kecamatan: u64,
    pub terakhir_impor: Option<String>,
}

/// What a browser import did (mirrors the server's import counts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferensiImportResult {
    pub nama_berkas: String,
    pub jumlah_baris: u64,
    pub kecamatan_baru: u64,
    pub kecamatan_diubah: u64,
    pub sekolah_baru: u64,
    pub sekolah_diubah: u64,
    pub sekolah_tetap: u64,
    pub sekolah_dinonaktifkan: u64,
    /// Refusal messages (the import is all-or-nothing).
    pub galat: Vec<String>,
}

/// A column of the reference file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReferensiColumn {
    pub nama: &'static str,
    pub wajib: bool,
    pub keterangan: &'static str,
}

/// The reference CSV columns the server's importer reads.
pub const REFERENSI_COLUMNS: &[ReferensiColumn] = &[
    ReferensiColumn {
        nama: "npsn",
        wajib: true,
        keterangan: "NPSN 8 karakter",
    },
    ReferensiColumn {
        nama: "nama",
        wajib: true,
        keterangan: "nama satuan pendidikan",
    },
    ReferensiColumn {
        nama: "bentuk",
        wajib: true,
        keterangan: "TK, KB, TPA, SPS, SD, SMP, SMA, SMK, SLB, Kursus, PKBM, SKB",
    },
    ReferensiColumn {
        nama: "status",
        wajib: true,
        keterangan: "Negeri / Swasta",
    },
    ReferensiColumn {
        nama: "kecamatan",
        wajib: true,
        keterangan: "nama kecamatan seperti yang ditampilkan",
    },
    ReferensiColumn {
        nama: "kode_kecamatan",
        wajib: true,
        keterangan: "kode wilayah kecamatan",
    },
    ReferensiColumn {
        nama: "desa",
        wajib: false,
        keterangan: "desa/kelurahan",
    },
    ReferensiColumn {
        nama: "alamat",
        wajib: false,
        keterangan: "alamat jalan",
    },
    ReferensiColumn {
        nama: "lintang, bujur",
        wajib: false,
        keterangan: "koordinat (angka desimal)",
    },
    ReferensiColumn {
        nama: "email, website",
        wajib: false,
        keterangan: "kontak sekolah",
    },
];

/// `/admin/referensi`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferensiImportView {
    pub ringkasan: Option<ReferensiSummary>,
    pub hasil: Option<ReferensiImportResult>,
    pub kolom: &'static [ReferensiColumn],
}

impl ReferensiImportView {
    pub fn new(ringkasan: Option<ReferensiSummary>, hasil: Option<ReferensiImportResult>) -> Self {
        ReferensiImportView {
            ringkasan,
            hasil,
            kolom: REFERENSI_COLUMNS,
        }
    }
}

/// `/admin/versi-helper`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelperVersionView {
    pub versi: VersionInfo,
    pub galat: Vec<String>,
}

/// Fields of the helper version form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperVersionForm {
    #[serde(default)]
    pub latest_version: String,
    #[serde(default)]
    pub min_version: String,
    #[serde(default)]
    pub download_url: String,
    #[serde(default)]
    pub notes: String,
}

impl HelperVersionForm {
    /// Validates: both versions semver (a leading `v` allowed), minimum ≤ latest, download
    /// URL a local path or http(s) URL, notes ≤ 2000 characters.
    pub fn validate(&self) -> Result<VersionInfo, Vec<String>> {
        let mut errors = Vec::new();
        let parse = |label: &str, v: &str, errors: &mut Vec<String>| {
            let v = v.trim().trim_start_matches('v');
            match semver::Version::parse(v) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(format!("{label} harus berupa nomor versi seperti 1.2.0."));
                    None
                }
            }
        };
        let latest = parse("Versi terbaru", &self.latest_version, &mut errors);
        let min = parse("Versi minimum", &self.min_version, &mut errors);
        if let (Some(l), Some(m)) = (&latest, &min)
            && m > l
        {
            errors.push("Versi minimum tidak boleh lebih tinggi dari versi terbaru.".to_owned());
        }
        let url = self.download_url.trim();
        let url_ok = (url.starts_with('/') && !url.starts_with("//"))
            || crate::views::common::safe_http_url(url).is_some();
        if !url_ok {
            errors.push(
                "Alamat unduhan harus berupa path lokal (mis. /unduhan) atau alamat http(s)."
                    .to_owned(),
            );
        }
        if self.notes.chars().count() > 2000 {
            errors.push("Catatan maksimal 2000 karakter.".to_owned());
        }
        match (latest, min, errors.is_empty()) {
            (Some(l), Some(m), true) => Ok(VersionInfo {
                latest_version: l.to_string(),
                min_version: m.to_string(),
                download_url: url.to_owned(),
                notes: self.notes.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// What the audit log records. Logins, administrative changes and every view or download
/// of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    Login,
    LoginGagal,
    Logout,
    AkunDibuat,
    AkunDiubah,
    KodeRegistrasiDibuat,
    KodeRegistrasiDiganti,
    ReferensiDiimpor,
    VersiHelperDiubah,
    LihatDataPribadi,
    UnduhDataPribadi,
    BukaNik,
    UnggahDaftarProgram,
}

impl AuditAction {
    pub const ALL: [AuditAction; 13] = [
        AuditAction::Login,
        AuditAction::LoginGagal,
        AuditAction::Logout,
        AuditAction::AkunDibuat,
        AuditAction::AkunDiubah,
        AuditAction::KodeRegistrasiDibuat,
        AuditAction::KodeRegistrasiDiganti,
        AuditAction::ReferensiDiimpor,
        AuditAction::VersiHelperDiubah,
        AuditAction::LihatDataPribadi,
        AuditAction::UnduhDataPribadi,
        AuditAction::BukaNik,
        AuditAction::UnggahDaftarProgram,
    ];

    /// Stable storage name.
    pub fn kode(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginGagal => "login_gagal",
            AuditAction::Logout => "logout",
            AuditAction::AkunDibuat => "akun_dibuat",
            AuditAction::AkunDiubah => "akun_diubah",
            AuditAction::KodeRegistrasiDibuat => "kode_registrasi_dibuat",
            AuditAction::KodeRegistrasiDiganti => "kode_registrasi_diganti",
            AuditAction::ReferensiDiimpor => "referensi_diimpor",
            AuditAction::VersiHelperDiubah => "versi_helper_diubah",
            AuditAction::LihatDataPribadi => "lihat_data_pribadi",
            AuditAction::UnduhDataPribadi => "unduh_data_pribadi",
            AuditAction::BukaNik => "buka_nik",
            AuditAction::UnggahDaftarProgram => "unggah_daftar_program",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Login => "Masuk",
            AuditAction::LoginGagal => "Gagal masuk",
            AuditAction::Logout => "Keluar",
            AuditAction::AkunDibuat => "Akun dibuat",
            AuditAction::AkunDiubah => "Akun diubah",
            AuditAction::KodeRegistrasiDibuat => "Kode registrasi dibuat",
            AuditAction::KodeRegistrasiDiganti => "Kode registrasi diganti",
            AuditAction::ReferensiDiimpor => "Referensi diimpor",
            AuditAction::VersiHelperDiubah => "Versi helper diubah",
            AuditAction::LihatDataPribadi => "Melihat data pribadi",
            AuditAction::UnduhDataPribadi => "Mengunduh data pribadi",
            AuditAction::BukaNik => "Membuka NIK",
            AuditAction::UnggahDaftarProgram => "Mengunggah daftar program",
        }
    }

    pub fn from_kode(kode: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.kode() == kode.trim())
    }
}

impl Serialize for AuditAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("AuditAction", 2)?;
        s.serialize_field("kode", self.kode())?;
        s.serialize_field("label", self.label())?;
        s.end()
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntryRow {
    /// WIB.
    pub waktu: String,
    pub pengguna: String,
    pub peran: String,
    pub aksi: AuditAction,
    /// What was touched (e.g. "Data Peserta Didik · Kec. Nganjuk", an NPSN, a username).
    pub objek: String,
    pub alamat_ip: String,
    pub keterangan: String,
}

/// Query of `/admin/audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub aksi: Option<String>,
    #[serde(default)]
    pub pengguna: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub dari: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub sampai: Option<String>,
    #[serde(default)]
    pub halaman: Option<u64>,
}

impl AuditFilter {
    /// Blank values → `None`; unknown action codes and invalid dates dropped.
    pub fn normalized(&self) -> AuditFilter {
        let date = |v: &Option<String>| {
            v.as_deref()
                .and_then(crate::views::common::parse_tanggal)
                .map(crate::views::common::format_tanggal)
        };
        AuditFilter {
            aksi: self
                .aksi
                .as_deref()
                .and_then(AuditAction::from_kode)
                .map(|a| a.kode().to_owned()),
            pengguna: non_empty(self.pengguna.as_deref()),
            dari: date(&self.dari),
            sampai: date(&self.sampai),
            halaman: self.halaman,
        }
    }
}

/// `/admin/audit`: newest first, paged on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLogView {
    pub entri: Vec<AuditEntryRow>,
    pub filter: AuditFilter,
    pub pager: Pager,
    pub aksi_options: Vec<AuditAction>,
}

impl AuditLogView {
    /// `entri` is the current page; `total` counts all matching entries. Page links keep the
    /// filter.
    pub fn new(
        entri: Vec<AuditEntryRow>,
        filter: &AuditFilter,
        per_halaman: u64,
        total: u64,
    ) -> Self {
        let filter = filter.normalized();
        let pager = Pager::new(filter.halaman.unwrap_or(1), per_halaman, total).with_query(&[
            ("aksi", filter.aksi.as_deref().unwrap_or("")),
            ("pengguna", filter.pengguna.as_deref().unwrap_or("")),
            ("dari", filter.dari.as_deref().unwrap_or("")),
            ("sampai", filter.sampai.as_deref().unwrap_or("")),
        ]);
        AuditLogView {
            entri,
            filter,
            pager,
            aksi_options: AuditAction::ALL.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_form_validation() {
        let kec = vec![KecamatanOption {
            kode: "051101".into(),
            nama: "Kec. Berbek".into(),
        }];
        let ok = AccountForm {
            username: "korwil.berbek".into(),
            nama: "Pak Korwil".into(),
            peran: "korwil".into(),
            kode_kecamatan: "051101".into(),
        };
        assert_eq!(
            ok.validate(&kec),
            Ok(Role::Korwil {
                kode_kecamatan: "051101".into()
            })
        );
        let no_kec = AccountForm {
            kode_kecamatan: String::new(),
            ..ok.clone()
        };
        assert_eq!(
            no_kec.validate(&kec).unwrap_err(),
            vec!["Korwil wajib memilih kecamatan."]
        );
        let bad_kec = AccountForm {
            kode_kecamatan: "999".into(),
            ..ok.clone()
        };
        assert!(bad_kec.validate(&kec).is_err());
        let bad = AccountForm {
            username: "a b".into(),
            nama: " ".into(),
            peran: "root".into(),
            kode_kecamatan: String::new(),
        };
        assert_eq!(bad.validate(&kec).unwrap_err().len(), 3);
    }

    #[test]
    fn version_form_validation() {
        let f = HelperVersionForm {
            latest_version: "v1.2.0".into(),
            min_version: "1.1.0".into(),
            download_url: "/unduhan".into(),
            notes: " ok ".into(),
        };
        let v = f.validate().unwrap();
        assert_eq!(
            (
                v.latest_version.as_str(),
                v.min_version.as_str(),
                v.notes.as_str()
            ),
            ("1.2.0", "1.1.0", "ok")
        );
        let bad = HelperVersionForm {
            latest_version: "1.0".into(),
            min_version: "2.0.0".into(),
            download_url: "javascript:x".into(),
            notes: String::new(),
        };
        assert_eq!(bad.validate().unwrap_err().len(), 2);
        let inverted = HelperVersionForm {
            latest_version: "1.0.0".into(),
            min_version: "2.0.0".into(),
            ..f
        };
        assert!(inverted.validate().unwrap_err()[0].contains("minimum"));
    }

    #[test]
    fn audit_actions_and_filter() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_kode(a.kode()), Some(a));
        }
        let f = AuditFilter {
            aksi: Some("x".into()),
            pengguna: Some(" ".into()),
            dari: Some("2025-01-02".into()),
            sampai: Some("kemarin".into()),
            halaman: Some(2),
        };
        let n = f.normalized();
        assert_eq!(
            n,
            AuditFilter {
                aksi: None,
                pengguna: None,
                dari: Some("2025-01-02".into()),
                sampai: None,
                halaman: Some(2)
            }
        );
        let v = AuditLogView::new(Vec::new(), &f, 50, 120);
        assert_eq!(v.pager.halaman, 2);
        assert_eq!(v.pager.query, "dari=2025-01-02&");
    }
}
