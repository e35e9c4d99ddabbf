//! Shared helpers for the integration tests: fixture loading and PHP-style encoding.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde_json::Value;
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::rows::FlatSnapshot;
use shared_model::webservice::{Endpoint, parse_body, parse_sekolah};

/// The fixture directory (`crates/dapodik-fixtures/webservice`, or `$DAPODIK_FIXTURES`).
pub fn fixtures_dir() -> PathBuf {
    test_kit::fixtures::dir()
}

/// One fixture's bytes; fails naming the file when it is missing.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    test_kit::fixtures::bytes(name)
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture_bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Re-encode JSON the way PHP's `json_encode` does by default: compact, `/` as `\/`,
/// non-ASCII as `\uXXXX` (UTF-16 surrogate pairs above the BMP).
pub fn php_compact(value: &Value) -> String {
    let plain = serde_json::to_string(value).unwrap();
    let mut out = String::with_capacity(plain.len() + 16);
    for c in plain.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    write!(out, "\\u{unit:04x}").unwrap();
                }
            }
            c => out.push(c),
        }
    }
    out
}

pub fn rows<T: DeserializeOwned>(endpoint: Endpoint, file: &str) -> Vec<T> {
    parse_body(endpoint, 200, &fixture_bytes(file)).unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

/// The fixture school as the helper would read it.
pub fn fixture_snapshot() -> DapodikSnapshot {
    DapodikSnapshot {
        sekolah: parse_sekolah(200, &fixture_bytes("getSekolah.json")).unwrap(),
        peserta_didik: rows(Endpoint::PesertaDidik, "getPesertaDidik.json"),
        gtk: rows(Endpoint::Gtk, "getGtk.json"),
        rombel: rows(Endpoint::RombonganBelajar, "getRombonganBelajar.json"),
    }
}

pub fn fixture_flat() -> FlatSnapshot {
    flatten(fixture_snapshot())
}
