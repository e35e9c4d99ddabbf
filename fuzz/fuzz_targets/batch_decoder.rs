//! Any bytes, any encoding, any kind: `decode_batch` returns an error or rows, never panics
//! and never inflates past the cap.
#![no_main]

use ingest_server::sending::batch::{Encoding, decode_batch};
use libfuzzer_sys::fuzz_target;
use shared_model::DataKind;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let kind = DataKind::ALL[usize::from(selector) % DataKind::ALL.len()];
    let encoding = match selector / 8 % 3 {
        0 => Encoding::Identity,
        1 => Encoding::Gzip,
        _ => Encoding::Zstd,
    };
    let _ = decode_batch(kind, encoding, body, &"0".repeat(64));
});
