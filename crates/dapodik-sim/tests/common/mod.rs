//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dapodik_sim::{GenerateOptions, ImportOptions};
use serde_json::Value;

/// The spec fixtures (see `dapodik_sim::fixtures_dir`).
pub fn fixtures_dir() -> PathBuf {
    dapodik_sim::fixtures_dir()
}

/// Generates `schools` schools with `seed` into a fresh temp dir.
pub fn generated(seed: u64, schools: usize, province: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = GenerateOptions {
        seed,
        schools,
        with_province_schools: province,
    };
    dapodik_sim::generate(&opts, dir.path()).expect("generate");
    dir
}

/// A small generated kabupaten plus the fixture school.
pub fn generated_with_fixture(seed: u64, schools: usize) -> tempfile::TempDir {
    let dir = generated(seed, schools, false);
    dapodik_sim::import_fixtures(&fixtures_dir(), dir.path(), &ImportOptions::default())
        .expect("import");
    dir
}

/// Reads a stored body as text, if present.
pub fn body(dir: &Path, npsn: &str, endpoint: &str) -> Option<String> {
    std::fs::read_to_string(
        dir.join("sekolah")
            .join(npsn)
            .join(format!("{endpoint}.json")),
    )
    .ok()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

pub fn rows(v: &Value) -> Vec<Value> {
    v.get("rows")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Reads an id/code that may be a string or a number.
pub fn code(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn csv_header(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("csv")
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}
