//! Settings of the pages, part of [`crate::app::config::Config`]:
//!
//! | flag | environment | file key | default |
//! |---|---|---|---|
//! | `--downloads-dir` | `INGEST_DOWNLOADS_DIR` | `downloads_dir` | `<data_dir>/unduhan` (the .deb: `/usr/share/ingest-server/unduhan`) |
//! | `--nama-dinas` | `INGEST_NAMA_DINAS` | `site.nama_dinas` | `Dinas Pendidikan` |
//! | `--nama-kabupaten` | `INGEST_NAMA_KABUPATEN` | `site.nama_kabupaten` | empty |
//! | `--nama-aplikasi` | `INGEST_NAMA_APLIKASI` | `site.nama_aplikasi` | `Dapodik Backbone Helper` |
//! | `--alamat-dinas` | `INGEST_ALAMAT_DINAS` | `site.alamat` | empty |
//! | `--telepon-dinas` | `INGEST_TELEPON_DINAS` | `site.telepon` | empty |
//! | `--email-dinas` | `INGEST_EMAIL_DINAS` | `site.email` | none |
//! | – | – | `site.tautan` (`[{label, url}]`) | none (footer links) |

use std::path::PathBuf;

use district_web::{FooterLink, SiteConfig};
use serde::{Deserialize, Serialize};

/// Who runs the site: shown in the header and footer of every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTexts {
    pub nama_dinas: String,
    pub nama_kabupaten: String,
    pub nama_aplikasi: String,
    pub alamat: String,
    pub telepon: String,
    pub email: Option<String>,
    pub tautan: Vec<FooterLink>,
}

impl Default for SiteTexts {
    fn default() -> Self {
        SiteTexts {
            nama_dinas: "Dinas Pendidikan".to_owned(),
            nama_kabupaten: String::new(),
            nama_aplikasi: "Dapodik Backbone Helper".to_owned(),
            alamat: String::new(),
            telepon: String::new(),
            email: None,
            tautan: Vec::new(),
        }
    }
}

impl SiteTexts {
    /// The templates' site settings (mounted at the root path).
    pub fn site_config(&self) -> SiteConfig {
        let mut c = SiteConfig::new(self.nama_dinas.clone(), self.nama_kabupaten.clone());
        c.nama_aplikasi = self.nama_aplikasi.clone();
        c.alamat = self.alamat.clone();
        c.telepon = self.telepon.clone();
        c.email = self.email.clone();
        c.tautan = self.tautan.clone();
        c
    }
}

/// Flags (each also read from its `INGEST_…` environment variable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WebArgs {
    /// Folder whose files `/unduhan` offers (helper installer, operator guide).
    #[arg(long, env = "INGEST_DOWNLOADS_DIR", global = true)]
    pub downloads_dir: Option<PathBuf>,
    /// District office name shown on every page, e.g. "Dinas Pendidikan Kabupaten Nganjuk".
    #[arg(long, env = "INGEST_NAMA_DINAS", global = true)]
    pub nama_dinas: Option<String>,
    /// Kabupaten as Dapodik writes it, e.g. "Kab. Nganjuk".
    #[arg(long, env = "INGEST_NAMA_KABUPATEN", global = true)]
    pub nama_kabupaten: Option<String>,
    #[arg(long, env = "INGEST_NAMA_APLIKASI", global = true)]
    pub nama_aplikasi: Option<String>,
    /// Footer address of the district office.
    #[arg(long, env = "INGEST_ALAMAT_DINAS", global = true)]
    pub alamat_dinas: Option<String>,
    /// Footer phone of the district office.
    #[arg(long, env = "INGEST_TELEPON_DINAS", global = true)]
    pub telepon_dinas: Option<String>,
    /// Footer e-mail of the district office.
    #[arg(long, env = "INGEST_EMAIL_DINAS", global = true)]
    pub email_dinas: Option<String>,
}

/// `[site]` of the configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    pub nama_dinas: Option<String>,
    pub nama_kabupaten: Option<String>,
    pub nama_aplikasi: Option<String>,
    pub alamat: Option<String>,
    pub telepon: Option<String>,
    pub email: Option<String>,
    pub tautan: Option<Vec<FooterLink>>,
}

/// Applies flags/environment over the file over the defaults already in `config`.
pub fn apply(
    config: &mut crate::app::config::Config,
    args: &WebArgs,
    file_downloads_dir: Option<PathBuf>,
    file_site: Option<SiteFile>,
) {
    if let Some(d) = args.downloads_dir.clone().or(file_downloads_dir) {
        config.downloads_dir = d;
    }
    let f = file_site.unwrap_or_default();
    let s = &mut config.site;
    let pick = |flag: &Option<String>, file: Option<String>| flag.clone().or(file);
    if let Some(v) = pick(&args.nama_dinas, f.nama_dinas) {
        s.nama_dinas = v;
    }
    if let Some(v) = pick(&args.nama_kabupaten, f.nama_kabupaten) {
        s.nama_kabupaten = v;
    }
    if let Some(v) = pick(&args.nama_aplikasi, f.nama_aplikasi) {
        s.nama_aplikasi = v;
    }
    if let Some(v) = pick(&args.alamat_dinas, f.alamat) {
        s.alamat = v;
    }
    if let Some(v) = pick(&args.telepon_dinas, f.telepon) {
        s.telepon = v;
    }
    if let Some(v) = pick(&args.email_dinas, f.email) {
        s.email = Some(v).filter(|e| !e.trim().is_empty());
    }
    if let Some(v) = f.tautan {
        s.tautan = v;
    }
}
