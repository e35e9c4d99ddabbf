//! Site-wide settings shown on every page.

use serde::{Deserialize, Serialize};

/// Who runs the site and where it is mounted. Given once to [`crate::Pages::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// E.g. "Dinas Pendidikan Kabupaten Mekarsari".
    pub nama_dinas: String,
    /// E.g. "Kab. Mekarsari" (as Dapodik writes `kabupaten_kota`).
    pub nama_kabupaten: String,
    /// Application name in the header, e.g. "Dapodik Backbone Helper".
    pub nama_aplikasi: String,
    /// Footer address, e.g. "Jln. Dermojoyo No. 19, Kode Pos 64418".
    pub alamat: String,
    /// Footer phone, e.g. "(0358) 321667".
    pub telepon: String,
    /// Footer e-mail (optional).
    #[serde(default)]
    pub email: Option<String>,
    /// Path prefix the server is mounted under: "" (root) or e.g. "/backbone".
    /// Normalised by [`crate::Pages::new`]: leading slash, no trailing slash.
    #[serde(default)]
    pub base_path: String,
    /// Extra footer links (Pemkab, PPID, Dapodikdasmen …).
    #[serde(default)]
    pub tautan: Vec<FooterLink>,
}

/// A footer link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FooterLink {
    pub label: String,
    pub url: String,
}

impl SiteConfig {
    /// A configuration with the two names set and everything else empty / default.
    pub fn new(nama_dinas: impl Into<String>, nama_kabupaten: impl Into<String>) -> Self {
        SiteConfig {
            nama_dinas: nama_dinas.into(),
            nama_kabupaten: nama_kabupaten.into(),
            nama_aplikasi: "Dapodik Backbone Helper".to_owned(),
            alamat: String::new(),
            telepon: String::new(),
            email: None,
            base_path: String::new(),
            tautan: Vec::new(),
        }
    }

    /// Sets the mount path (see [`SiteConfig::base_path`]).
    pub fn with_base_path(mut self, base_path: impl Into<String>) -> Self {
        self.base_path = base_path.into();
        self
    }

    pub(crate) fn normalized(mut self) -> Self {
        self.base_path = normalize_base_path(&self.base_path);
        self
    }
}

/// "" → "", "x/" → "/x", "/a/b/" → "/a/b", "/" → "".
pub(crate) fn normalize_base_path(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_normalised() {
        assert_eq!(normalize_base_path(""), "");
        assert_eq!(normalize_base_path("/"), "");
        assert_eq!(normalize_base_path("backbone/"), "/backbone");
        assert_eq!(normalize_base_path(" /a/b/ "), "/a/b");
    }
}
