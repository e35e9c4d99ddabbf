//! Shapes that are fixed by the Dapodik Web Service: endpoint names, the
//! success envelope, the error object and its messages (docs/dapodik-webservice.md §1.1, §2).

use serde_json::{Value, json};

use crate::php_json;

/// Plain-text body when the `Authorization: Bearer` header is missing or garbled.
pub const ACCESS_DENIED: &str = "Access denied - You are not authorized to access this page. #1";
pub const MSG_NPSN_MISSING: &str = "Parameter NPSN harap diisi";
pub const MSG_SCHOOL_UNKNOWN: &str = "Sekolah tidak ditemukan";
pub const MSG_NO_SEMESTER: &str = "Semester tidak ditemukan";
pub const MSG_TOKEN_UNKNOWN: &str = "Aplikasi tidak terdaftar pada Web Service Dapodik";
pub const MSG_IP_MISMATCH: &str = "IP Address yang didaftarkan pada Web Service Dapodik berbeda";

/// The five read endpoints every client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Sekolah,
    PesertaDidik,
    Gtk,
    RombonganBelajar,
    Pengguna,
}

impl Endpoint {
    pub const ALL: [Endpoint; 5] = [
        Endpoint::Sekolah,
        Endpoint::PesertaDidik,
        Endpoint::Gtk,
        Endpoint::RombonganBelajar,
        Endpoint::Pengguna,
    ];

    /// Path segment after `/WebService/` (case-sensitive on the real server).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Sekolah => "getSekolah",
            Endpoint::PesertaDidik => "getPesertaDidik",
            Endpoint::Gtk => "getGtk",
            Endpoint::RombonganBelajar => "getRombonganBelajar",
            Endpoint::Pengguna => "getPengguna",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The constant `id` label of the envelope (first column of the main table).
    pub fn id_label(self) -> &'static str {
        match self {
            Endpoint::Sekolah => "sekolah_id",
            Endpoint::PesertaDidik => "registrasi_id",
            Endpoint::Gtk => "ptk_terdaftar_id",
            Endpoint::RombonganBelajar => "rombongan_belajar_id",
            Endpoint::Pengguna => "pengguna_id",
        }
    }

    /// Message the server sends instead of an empty `rows`.
    pub fn empty_message(self) -> &'static str {
        match self {
            Endpoint::Sekolah => "Data sekolah tidak ditemukan",
            Endpoint::PesertaDidik => "Data Peserta Didik tidak ditemukan",
            Endpoint::Gtk => "Data GTK tidak ditemukan",
            Endpoint::RombonganBelajar => "Data Rombongan Belajar tidak ditemukan",
            Endpoint::Pengguna => "Data Pengguna tidak ditemukan",
        }
    }

    /// File name of the stored wire body in a school directory.
    pub fn file_name(self) -> String {
        format!("{}.json", self.name())
    }
}

/// Builds the success envelope. `rows` is an array for list endpoints and a
/// single object for getSekolah (then `results` is 1).
pub fn envelope(endpoint: Endpoint, rows: Value) -> Value {
    let results = match &rows {
        Value::Array(a) => a.len(),
        _ => 1,
    };
    json!({
        "results": results,
        "id": endpoint.id_label(),
        "start": 0,
        "limit": 20,
        "rows": rows,
    })
}

/// The `{"success":false,…}` error object as PHP prints it.
pub fn error_body(message: &str) -> String {
    php_json::encode(&json!({
        "success": false,
        "http_code": 403,
        "status_code": "Forbidden",
        "message": message,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_matches_fixture_shape() {
        assert_eq!(
            error_body(MSG_TOKEN_UNKNOWN),
            r#"{"success":false,"http_code":403,"status_code":"Forbidden","message":"Aplikasi tidak terdaftar pada Web Service Dapodik"}"#
        );
    }

    #[test]
    fn envelope_key_order() {
        let v = envelope(Endpoint::Gtk, json!([{"a": 1}]));
        assert_eq!(
            php_json::encode(&v),
            r#"{"results":1,"id":"ptk_terdaftar_id","start":0,"limit":20,"rows":[{"a":1}]}"#
        );
    }
}
