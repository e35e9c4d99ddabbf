//! The administration views of staff: accounts and the audit log.

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::common::{KecamatanOption, Pager, non_empty};

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
                .and_then(crate::common::parse_tanggal)
                .map(crate::common::format_tanggal)
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
