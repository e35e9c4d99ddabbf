//! Enrollment: kode registrasi (issue, print, verify), school tokens, the failure limits.

pub mod api;
pub mod cli;
pub mod kode;
pub mod pages;
pub mod rate_limit;
pub mod secret;
pub mod storage;
pub mod token_auth;
pub mod token_cache;

pub use kode::{
    KodeRegistrasi, Selection, generate_kode_registrasi, generate_kode_registrasi_with,
    write_kode_csv, write_kode_csv_to,
};
