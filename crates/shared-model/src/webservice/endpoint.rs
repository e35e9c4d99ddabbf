//! The five Web Service endpoints the helper reads.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A read endpoint of the Dapodik Web Service (`/WebService/<path>`, case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Sekolah,
    PesertaDidik,
    Gtk,
    RombonganBelajar,
    Pengguna,
}

impl Endpoint {
    /// All endpoints in the order the helper fetches them (one at a time).
    pub const ALL: [Endpoint; 5] = [
        Endpoint::Sekolah,
        Endpoint::PesertaDidik,
        Endpoint::Gtk,
        Endpoint::RombonganBelajar,
        Endpoint::Pengguna,
    ];

    /// Endpoint name in the URL (`getSekolah`, …). Case-sensitive: `getGTK` is a 404.
    pub const fn path(self) -> &'static str {
        match self {
            Endpoint::Sekolah => "getSekolah",
            Endpoint::PesertaDidik => "getPesertaDidik",
            Endpoint::Gtk => "getGtk",
            Endpoint::RombonganBelajar => "getRombonganBelajar",
            Endpoint::Pengguna => "getPengguna",
        }
    }

    /// URL path below the base URL: `/WebService/getSekolah`.
    pub fn url_path(self) -> String {
        format!("/WebService/{}", self.path())
    }

    /// The name used in the server's empty message, `Data <name> tidak ditemukan`.
    pub const fn empty_name(self) -> &'static str {
        match self {
            Endpoint::Sekolah => "sekolah",
            Endpoint::PesertaDidik => "Peserta Didik",
            Endpoint::Gtk => "GTK",
            Endpoint::RombonganBelajar => "Rombongan Belajar",
            Endpoint::Pengguna => "Pengguna",
        }
    }

    /// The full empty message the server sends when this endpoint has zero rows.
    pub fn empty_message(self) -> String {
        format!("Data {} tidak ditemukan", self.empty_name())
    }

    /// The constant label in the envelope's `id` key (`registrasi_id` for getPesertaDidik).
    pub const fn envelope_id(self) -> &'static str {
        match self {
            Endpoint::Sekolah => "sekolah_id",
            Endpoint::PesertaDidik => "registrasi_id",
            Endpoint::Gtk => "ptk_terdaftar_id",
            Endpoint::RombonganBelajar => "rombongan_belajar_id",
            Endpoint::Pengguna => "pengguna_id",
        }
    }

    /// Inverse of [`Endpoint::path`] (exact, case-sensitive match).
    pub fn from_path(path: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.path() == path)
    }

    /// Short Indonesian label for progress messages ("Data Peserta Didik").
    pub fn label_id(self) -> String {
        match self {
            Endpoint::Sekolah => "Data Sekolah".to_owned(),
            other => format!("Data {}", other.empty_name()),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}
