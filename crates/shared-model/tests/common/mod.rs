//! Shared helpers for the integration tests: fixture loading and PHP-style encoding.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::rows::FlatSnapshot;
use shared_model::webservice::{Endpoint, parse_body, parse_sekolah};

/// The fixture directory: `shared/` is cloned beside the repository.
pub fn fixtures_dir() -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Same order as `dapodik_sim::fixtures_dir` (shared-model cannot depend on it).
    let candidates: Vec<PathBuf> = std::env::var_os("DAPODIK_FIXTURES")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            base.join("../../../shared/dapodik/fixtures"),
            PathBuf::from("/work/shared/dapodik/fixtures"),
        ])
        .collect();
    for dir in &candidates {
        if dir.is_dir() {
            return dir.clone();
        }
    }
    panic!(
        "Dapodik fixtures not found; looked in {:?}. Clone `shared/` beside the repository.",
        candidates
    );
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
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
