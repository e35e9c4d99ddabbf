//! The five Web Service endpoints the helper reads.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DataKind;

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

    /// The data kinds this endpoint's rows become (each kind comes from exactly one
    /// endpoint; getPengguna only proves the operator's username and yields none).
    pub const fn kinds(self) -> &'static [DataKind] {
        match self {
            Endpoint::Sekolah => &[DataKind::Sekolah],
            Endpoint::PesertaDidik => &[DataKind::PesertaDidik],
            Endpoint::Gtk => &[
                DataKind::Ptk,
                DataKind::RiwayatKepangkatan,
                DataKind::RiwayatPendidikan,
            ],
            Endpoint::RombonganBelajar => &[
                DataKind::Rombel,
                DataKind::AnggotaRombel,
                DataKind::Pembelajaran,
            ],
            Endpoint::Pengguna => &[],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_comes_from_exactly_one_endpoint() {
        for kind in DataKind::ALL {
            let from: Vec<Endpoint> = Endpoint::ALL
                .into_iter()
                .filter(|e| e.kinds().contains(&kind))
                .collect();
            assert_eq!(from.len(), 1, "{kind} comes from {from:?}");
        }
        assert!(Endpoint::Pengguna.kinds().is_empty());
    }
}
