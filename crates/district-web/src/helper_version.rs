//! View models of the helper downloads page and the helper version form.

use serde::{Deserialize, Serialize};
use shared_model::protocol::VersionInfo;

use crate::common::natural_cmp;

/// A file of the download folder, as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub nama: String,
    pub ukuran: u64,
    /// Modification time as the page shows it (e.g. WIB `YYYY-MM-DD HH:MM`).
    pub diubah: Option<String>,
}

/// A file on `/unduhan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BerkasUnduhan {
    pub nama: String,
    pub ukuran: u64,
    pub ukuran_label: String,
    pub diubah: Option<String>,
    pub jenis: &'static str,
}

/// `/unduhan`: the helper installer and the operator guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnduhanView {
    pub berkas: Vec<BerkasUnduhan>,
    pub versi: Option<VersionInfo>,
}

impl UnduhanView {
    /// Keeps only safe, visible file names ([`is_safe_download_name`]); installers first,
    /// then guides, then other files, each by name.
    pub fn from_listing(files: Vec<FileEntry>, versi: Option<VersionInfo>) -> Self {
        let mut berkas: Vec<BerkasUnduhan> = files
            .into_iter()
            .filter(|f| is_safe_download_name(&f.nama))
            .map(|f| BerkasUnduhan {
                jenis: jenis_berkas(&f.nama),
                ukuran_label: ukuran_label(f.ukuran),
                nama: f.nama,
                ukuran: f.ukuran,
                diubah: f.diubah,
            })
            .collect();
        let rank = |j: &str| match j {
            JENIS_INSTALLER => 0,
            JENIS_PANDUAN => 1,
            _ => 2,
        };
        berkas.sort_by(|a, b| {
            rank(a.jenis)
                .cmp(&rank(b.jenis))
                .then_with(|| natural_cmp(&b.nama, &a.nama))
        });
        UnduhanView { berkas, versi }
    }
}

const JENIS_INSTALLER: &str = "Aplikasi DB Helper (pemasang)";
const JENIS_PANDUAN: &str = "Panduan operator";

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn jenis_berkas(name: &str) -> &'static str {
    match extension(name).as_str() {
        "exe" | "msi" | "deb" | "appimage" | "zip" => JENIS_INSTALLER,
        "pdf" | "docx" | "doc" => JENIS_PANDUAN,
        _ => "Berkas",
    }
}

/// `812 B`, `12,3 KB`, `45,6 MB` (1024-based, decimal comma).
pub fn ukuran_label(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{:.1} {}", v, UNITS[unit]).replace('.', ",")
}

/// A file name that may be served from the download folder: one path segment, no hidden
/// files, no traversal, printable characters only, at most 200 bytes.
pub fn is_safe_download_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.chars().any(char::is_control)
        && name.trim() == name
}

/// Content type of a download by extension.
pub fn download_content_type(name: &str) -> &'static str {
    match extension(name).as_str() {
        "pdf" => "application/pdf",
        "exe" => "application/vnd.microsoft.portable-executable",
        "msi" => "application/x-msi",
        "zip" => "application/zip",
        "txt" => "text/plain; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => crate::export::XLSX_CONTENT_TYPE,
        _ => "application/octet-stream",
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
            || crate::common::safe_http_url(url).is_some();
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
