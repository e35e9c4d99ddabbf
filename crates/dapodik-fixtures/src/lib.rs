//! The Dapodik Web Service bodies the project is written against: the fixture school's
//! five answers (NPSN 20599901) and the error bodies, in [`webservice/`](../webservice).
//! docs/dapodik-webservice.md says what each file shows.
//!
//! They live in the repository so that a bare clone passes its own tests; the tests of
//! every crate, `dapodik-sim import-fixtures` (its default `--from`), the demo and the
//! benches all find them here. [`ENV_FIXTURES`] points elsewhere (a capture from a real
//! install, say) and is an override only.

use std::path::{Path, PathBuf};

/// Environment variable naming another fixture folder (an override; not needed to run).
pub const ENV_FIXTURES: &str = "DAPODIK_FIXTURES";

/// The five Web Service answers of the fixture school, one file each.
pub const ANSWERS: [&str; 5] = [
    "getSekolah.json",
    "getPesertaDidik.json",
    "getGtk.json",
    "getRombonganBelajar.json",
    "getPengguna.json",
];

/// The folder in the repository (`crates/dapodik-fixtures/webservice`).
pub fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("webservice")
}

/// The fixture folder: `$DAPODIK_FIXTURES` when set, else [`bundled_dir`].
pub fn dir() -> PathBuf {
    std::env::var_os(ENV_FIXTURES)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(bundled_dir)
}

/// The path of one fixture file.
pub fn path(name: &str) -> PathBuf {
    dir().join(name)
}

/// The bytes of one fixture file.
///
/// # Panics
/// When the file cannot be read: a test whose data is missing fails and names the file.
pub fn bytes(name: &str) -> Vec<u8> {
    let path = path(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "Dapodik fixture {} cannot be read ({e}); the fixtures live in the repository \
             (crates/dapodik-fixtures/webservice){}",
            path.display(),
            match std::env::var_os(ENV_FIXTURES) {
                Some(v) if !v.is_empty() => format!(", and {ENV_FIXTURES} points elsewhere"),
                _ => String::new(),
            }
        )
    })
}

/// The text of one fixture file (see [`bytes`]).
pub fn text(name: &str) -> String {
    String::from_utf8(bytes(name))
        .unwrap_or_else(|e| panic!("Dapodik fixture {name} is not UTF-8: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_and_error_body_is_in_the_repository() {
        for name in ANSWERS {
            assert!(bundled_dir().join(name).is_file(), "{name} missing");
        }
        let errors = std::fs::read_dir(bundled_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("error-"))
            .count();
        assert!(errors >= 6, "error bodies missing: {errors}");
    }

    #[test]
    fn a_missing_fixture_fails_and_names_the_file() {
        let err = std::panic::catch_unwind(|| bytes("getTidakAda.json")).unwrap_err();
        let msg = err.downcast_ref::<String>().unwrap();
        assert!(msg.contains("getTidakAda.json"), "{msg}");
    }
}
