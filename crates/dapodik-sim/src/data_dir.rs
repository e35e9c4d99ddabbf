//! Layout of a simulator data directory and its CSV / JSON side files.
//!
//! ```text
//! DIR/
//!   manifest.json          seed, args, kecamatan list, totals
//!   reference.csv          npsn,nama,bentuk,status,kecamatan,kode_kecamatan,desa,alamat,lintang,bujur,email,website
//!   credentials.csv        npsn,token,username
//!   truth.csv              npsn + expected counts
//!   truth-rombel.csv       npsn,rombongan_belajar_id,nama,jenis_rombel,laki_laki,perempuan
//!   sekolah/<npsn>/school.json            token, registered IP, semester flag, profile
//!   sekolah/<npsn>/get<Endpoint>.json     wire body; absent = "Data … tidak ditemukan"
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::truth::{RombelTruth, Truth};
use crate::wire::Endpoint;

pub const MANIFEST_JSON: &str = "manifest.json";
pub const REFERENCE_CSV: &str = "reference.csv";
pub const CREDENTIALS_CSV: &str = "credentials.csv";
pub const TRUTH_CSV: &str = "truth.csv";
pub const TRUTH_ROMBEL_CSV: &str = "truth-rombel.csv";
pub const SCHOOLS_DIR: &str = "sekolah";
pub const SCHOOL_JSON: &str = "school.json";

/// Directory holding one school's files.
pub fn school_dir(root: &Path, npsn: &str) -> PathBuf {
    root.join(SCHOOLS_DIR).join(npsn)
}

/// Path of a stored wire body.
pub fn body_path(root: &Path, npsn: &str, endpoint: Endpoint) -> PathBuf {
    school_dir(root, npsn).join(endpoint.file_name())
}

fn default_true() -> bool {
    true
}

fn default_ip() -> String {
    "127.0.0.1".to_string()
}

/// `school.json`: what the Dapodik install knows about its Web Service client
/// and how this install behaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolMeta {
    pub npsn: String,
    pub sekolah_id: String,
    pub nama: String,
    /// Token shown by *Pengaturan → Web Service*.
    pub token: String,
    /// `aktif = 1` of the token entry.
    #[serde(default = "default_true")]
    pub token_active: bool,
    /// Application name the operator typed when creating the token.
    #[serde(default)]
    pub app_name: String,
    /// Caller IP registered with the token.
    #[serde(default = "default_ip")]
    pub registered_ip: String,
    #[serde(default)]
    pub semester_id: String,
    /// Whether the install has an active semester (`periode_aktif = 1`).
    #[serde(default = "default_true")]
    pub semester_active: bool,
    /// Version profile ("2022", "2023", "2024", "2026", "fixture").
    #[serde(default)]
    pub profile: String,
    /// Rows were built with the 2022.a reused-array leak (§3.2/§3.4).
    #[serde(default)]
    pub leaky_rows: bool,
    /// "none", "strings_as_numbers" or "numbers_as_strings".
    #[serde(default)]
    pub type_drift: String,
    /// `pengguna_id → peran_id`, for the optional `peran_id` filter.
    #[serde(default)]
    pub peran_ids: BTreeMap<String, u32>,
}

/// One line of `reference.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRow {
    pub npsn: String,
    pub nama: String,
    pub bentuk: String,
    pub status: String,
    pub kecamatan: String,
    pub kode_kecamatan: String,
    pub desa: String,
    pub alamat: String,
    pub lintang: String,
    pub bujur: String,
    pub email: String,
    pub website: String,
}

impl ReferenceRow {
    /// Derives the reference line from a getSekolah row object.
    pub fn from_sekolah(row: &Value) -> Self {
        let s = |k: &str| -> String {
            match row.get(k) {
                Some(Value::String(v)) => v.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        };
        let kode_wilayah = s("kode_wilayah");
        Self {
            npsn: s("npsn"),
            nama: s("nama"),
            bentuk: s("bentuk_pendidikan_id_str"),
            status: s("status_sekolah_str"),
            kecamatan: s("kecamatan"),
            kode_kecamatan: kode_wilayah.chars().take(6).collect(),
            desa: s("desa_kelurahan"),
            alamat: s("alamat_jalan"),
            lintang: s("lintang"),
            bujur: s("bujur"),
            email: s("email"),
            website: s("website"),
        }
    }
}

/// One line of `credentials.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub npsn: String,
    pub token: String,
    pub username: String,
}

/// Rows keyed by school, so an import can replace a school's lines.
pub trait ByNpsn {
    fn npsn(&self) -> &str;
}

macro_rules! by_npsn {
    ($($t:ty),*) => {$(impl ByNpsn for $t { fn npsn(&self) -> &str { &self.npsn } })*};
}
by_npsn!(ReferenceRow, Credential, Truth, RombelTruth);

/// Writes a whole CSV file (header from the struct field names).
pub fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    for r in rows {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}

/// Reads a whole CSV file; a missing file reads as empty.
pub fn read_csv<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    r.deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("parsing {}", path.display()))
}

/// Replaces all lines of `npsn` in a CSV file by `new_rows` (creating the file).
pub fn upsert_csv<T>(path: &Path, npsn: &str, new_rows: Vec<T>) -> Result<()>
where
    T: Serialize + DeserializeOwned + ByNpsn,
{
    let mut rows: Vec<T> = read_csv(path)?;
    rows.retain(|r| r.npsn() != npsn);
    rows.extend(new_rows);
    write_csv(path, &rows)
}

/// Writes a school's `school.json` and wire bodies; `None` removes a body so
/// the server answers "Data … tidak ditemukan". Returns bytes written.
pub fn write_school(
    root: &Path,
    meta: &SchoolMeta,
    bodies: &[(Endpoint, Option<String>)],
) -> Result<u64> {
    let dir = school_dir(root, &meta.npsn);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut bytes = 0u64;
    for (endpoint, body) in bodies {
        let path = dir.join(endpoint.file_name());
        match body {
            Some(text) => {
                fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
                bytes += text.len() as u64;
            }
            None if path.exists() => fs::remove_file(&path)?,
            None => {}
        }
    }
    let meta_text = serde_json::to_string_pretty(meta)?;
    fs::write(dir.join(SCHOOL_JSON), &meta_text)?;
    Ok(bytes)
}

/// Reads one `school.json`.
pub fn read_school_meta(dir: &Path) -> Result<SchoolMeta> {
    let path = dir.join(SCHOOL_JSON);
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// All schools of a data dir, sorted by NPSN.
pub fn load_school_metas(root: &Path) -> Result<Vec<SchoolMeta>> {
    let dir = root.join(SCHOOLS_DIR);
    let mut metas = Vec::new();
    let entries = fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.join(SCHOOL_JSON).is_file() {
            metas.push(read_school_meta(&path)?);
        }
    }
    metas.sort_by(|a, b| a.npsn.cmp(&b.npsn));
    Ok(metas)
}

/// `credentials.csv` of a data dir.
pub fn load_credentials(root: &Path) -> Result<Vec<Credential>> {
    read_csv(&root.join(CREDENTIALS_CSV))
}

/// `truth.csv` of a data dir.
pub fn load_truth(root: &Path) -> Result<Vec<Truth>> {
    read_csv(&root.join(TRUTH_CSV))
}

/// `truth-rombel.csv` of a data dir.
pub fn load_truth_rombel(root: &Path) -> Result<Vec<RombelTruth>> {
    read_csv(&root.join(TRUTH_ROMBEL_CSV))
}

/// `reference.csv` of a data dir.
pub fn load_reference(root: &Path) -> Result<Vec<ReferenceRow>> {
    read_csv(&root.join(REFERENCE_CSV))
}
