//! No input makes the batch decoder panic (or grow past its caps).

use ingest_server::sending::batch::{DecodeError, Encoding, decode_batch};
use proptest::prelude::*;
use shared_model::DataKind;
use shared_model::batching::sha256_hex;

fn kind() -> impl Strategy<Value = DataKind> {
    prop::sample::select(DataKind::ALL.to_vec())
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop::sample::select(vec![Encoding::Identity, Encoding::Gzip, Encoding::Zstd])
}

/// JSON-ish values: arrays of objects with ids, wrong types and nesting.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[a-z0-9-]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "sekolah_id",
                    "peserta_didik_id",
                    "ptk_id",
                    "ptk_terdaftar_id",
                    "riwayat_kepangkatan_id",
                    "riwayat_pendidikan_formal_id",
                    "rombongan_belajar_id",
                    "anggota_rombel_id",
                    "pembelajaran_id",
                    "nama",
                    "jenis_kelamin",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..8
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn wire(encoding: Encoding, body: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    match encoding {
        Encoding::Identity => body.to_vec(),
        Encoding::Zstd => zstd::encode_all(body, 1).unwrap(),
        Encoding::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(body).unwrap();
            e.finish().unwrap()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(kind in kind(), enc in encoding(), body in prop::collection::vec(any::<u8>(), 0..4096), sha in "[0-9a-f]{64}") {
        let _ = decode_batch(kind, enc, &body, &sha);
    }

    #[test]
    fn arbitrary_json_never_panics(kind in kind(), enc in encoding(), value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        let sha = sha256_hex(&body);
        match decode_batch(kind, enc, &wire(enc, &body), &sha) {
            Ok(d) => prop_assert!(d.rows >= 1),
            Err(DecodeError::HashMismatch { .. }) => prop_assert!(false, "hash of the real body must match"),
            Err(_) => {}
        }
    }

    #[test]
    fn truncated_and_flipped_streams_never_panic(kind in kind(), enc in encoding(), value in json_value(), cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>()) {
        let body = serde_json::to_vec(&value).unwrap();
        let mut w = wire(enc, &body);
        if !w.is_empty() {
            let i = flip.index(w.len());
            w[i] ^= 0x5a;
            let c = cut.index(w.len());
            w.truncate(c);
        }
        let _ = decode_batch(kind, enc, &w, &sha256_hex(&body));
    }
}
