//! The Dapodik Web Service as docs/dapodik-webservice.md describes it: endpoints, the success
//! envelope, the error body, failure classification and the row types of the five read endpoints.
//!
//! All row types are tolerant (see [`crate::lenient`]): ids and codes accept numbers or
//! strings and are kept as canonical strings, optional fields may be missing or `null`,
//! and unknown fields are kept in `extra`.

mod endpoint;
mod envelope;
mod failure;
mod gtk;
mod pengguna;
mod peserta_didik;
mod rombel;
mod sekolah;

pub use endpoint::Endpoint;
pub use envelope::{ErrorBody, Parsed, parse_body, parse_response, parse_sekolah};
pub use failure::{DapodikFailure, ErrorMeaning, classify_error_message};
pub use gtk::{Gtk, Ptk, RwyKepangkatan, RwyPendFormal};
pub use pengguna::{Pengguna, is_secret_key};
pub use peserta_didik::{BELUM_MASUK_ROMBEL, PesertaDidik};
pub use rombel::{AnggotaRombel, Pembelajaran, Rombel, RombonganBelajar};
pub use sekolah::Sekolah;
