//! Any bytes as an enrollment body: parsing and the kode check never panic.
#![no_main]

use ingest_server::enrollment::secret::{normalize_kode, verify_kode};
use libfuzzer_sys::fuzz_target;
use shared_model::protocol::EnrollRequest;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = serde_json::from_slice::<EnrollRequest>(data) {
        if let Some(kode) = normalize_kode(&req.kode_registrasi) {
            let _ = verify_kode(&req.npsn, &kode, "sha256i$10000$00$00");
        }
    }
});
