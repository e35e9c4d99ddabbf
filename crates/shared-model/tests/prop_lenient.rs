//! Property tests for tolerant decoding.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use shared_model::webservice::{
    Endpoint, Gtk, Pengguna, PesertaDidik, RombonganBelajar, Sekolah, parse_body, parse_response,
};

const OPTIONAL_PD_FIELDS: [&str; 8] = [
    "nisn",
    "nik",
    "agama_id",
    "pekerjaan_ayah_id",
    "tinggi_badan",
    "tingkat_pendidikan_id",
    "kurikulum_id",
    "email",
];

fn base_pd() -> Map<String, Value> {
    json!({"peserta_didik_id": "e4f7ee9a-822d-5e2d-9286-eec532d5bbe2", "nama": "A"})
        .as_object()
        .unwrap()
        .clone()
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "success",
            "rows",
            "results",
            "peserta_didik_id",
            "message"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(vec![
                            "success",
                            "rows",
                            "results",
                            "message",
                            "http_code",
                            "peserta_didik_id",
                            "ptk_id",
                            "ptk_terdaftar_id",
                            "nama",
                            "rwy_kepangkatan",
                            "anggota_rombel",
                            "pembelajaran",
                            "rombongan_belajar_id",
                            "sekolah_id",
                            "pengguna_id",
                            "password",
                        ])
                        .prop_map(str::to_owned),
                        "[a-z_]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn number_or_string_gives_the_same_value(n in any::<i64>(), field in prop::sample::select(OPTIONAL_PD_FIELDS.to_vec())) {
        let mut a = base_pd();
        a.insert(field.to_owned(), json!(n));
        let mut b = base_pd();
        b.insert(field.to_owned(), json!(n.to_string()));
        let a: PesertaDidik = serde_json::from_value(Value::Object(a)).unwrap();
        let b: PesertaDidik = serde_json::from_value(Value::Object(b)).unwrap();
        prop_assert_eq!(&a, &b);
        let v = serde_json::to_value(&a).unwrap();
        prop_assert_eq!(&v[field], &json!(n.to_string()));
    }

    #[test]
    fn ids_accept_numbers(n in any::<u64>()) {
        let a: Sekolah = serde_json::from_value(json!({"sekolah_id": n, "bentuk_pendidikan_id": n})).unwrap();
        let b: Sekolah = serde_json::from_value(json!({"sekolah_id": n.to_string(), "bentuk_pendidikan_id": n.to_string()})).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn null_or_missing_is_none(field in prop::sample::select(OPTIONAL_PD_FIELDS.to_vec())) {
        let mut with_null = base_pd();
        with_null.insert(field.to_owned(), Value::Null);
        let a: PesertaDidik = serde_json::from_value(Value::Object(with_null)).unwrap();
        let b: PesertaDidik = serde_json::from_value(Value::Object(base_pd())).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert!(a.extra.is_empty());
        prop_assert_eq!(&serde_json::to_value(&a).unwrap()[field], &Value::Null);
    }

    #[test]
    fn any_string_is_kept(s in ".{0,40}", field in prop::sample::select(OPTIONAL_PD_FIELDS.to_vec())) {
        let mut m = base_pd();
        m.insert(field.to_owned(), json!(s));
        let pd: PesertaDidik = serde_json::from_value(Value::Object(m)).unwrap();
        prop_assert_eq!(&serde_json::to_value(&pd).unwrap()[field], &json!(s));
    }

    #[test]
    fn unknown_fields_are_kept(key in "x_[a-z]{1,10}", value in arb_json()) {
        let mut m = base_pd();
        m.insert(key.clone(), value.clone());
        let pd: PesertaDidik = serde_json::from_value(Value::Object(m)).unwrap();
        prop_assert_eq!(pd.extra.get(&key), Some(&value));
        let back: PesertaDidik = serde_json::from_value(serde_json::to_value(&pd).unwrap()).unwrap();
        prop_assert_eq!(back, pd);
    }

    #[test]
    fn structural_mismatch_is_an_error(field in prop::sample::select(OPTIONAL_PD_FIELDS.to_vec()), nested in prop_oneof![Just(json!([])), Just(json!({"a": 1})), Just(json!([1, "x"]))]) {
        let mut m = base_pd();
        m.insert(field.to_owned(), nested);
        prop_assert!(serde_json::from_value::<PesertaDidik>(Value::Object(m)).is_err());
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json(), status in prop::sample::select(vec![200u16, 403, 404, 500])) {
        let _ = serde_json::from_value::<Gtk>(v.clone());
        let _ = serde_json::from_value::<RombonganBelajar>(v.clone());
        let _ = serde_json::from_value::<Pengguna>(v.clone());
        let _ = serde_json::from_value::<Sekolah>(v.clone());
        let body = serde_json::to_vec(&v).unwrap();
        let _ = parse_body::<PesertaDidik>(Endpoint::PesertaDidik, status, &body);
        let _ = parse_response::<Gtk>(Endpoint::Gtk, status, &body);
        let envelope = serde_json::to_vec(&json!({"results": 1, "rows": [v]})).unwrap();
        let _ = parse_body::<RombonganBelajar>(Endpoint::RombonganBelajar, status, &envelope);
    }

    #[test]
    fn arbitrary_bytes_never_panic(prefix in prop::sample::select(vec!["", "HTTP/1.0 403 X\r\n\r\n", "\u{feff}", "Access denied", "HTTP/"]), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut body = prefix.as_bytes().to_vec();
        body.extend(bytes);
        let _ = parse_body::<Sekolah>(Endpoint::Sekolah, 200, &body);
    }
}
