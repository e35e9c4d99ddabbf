//! Every fixture parses; error bodies are classified; PHP-style encoding parses identically.

mod common;

use common::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared_model::classify::{Bentuk, StatusSekolah};
use shared_model::webservice::{
    DapodikFailure, Endpoint, Gtk, Parsed, Pengguna, PesertaDidik, RombonganBelajar, Sekolah,
    parse_body, parse_response, parse_sekolah,
};

const ENDPOINT_FILES: [(Endpoint, &str); 5] = [
    (Endpoint::Sekolah, "getSekolah.json"),
    (Endpoint::PesertaDidik, "getPesertaDidik.json"),
    (Endpoint::Gtk, "getGtk.json"),
    (Endpoint::RombonganBelajar, "getRombonganBelajar.json"),
    (Endpoint::Pengguna, "getPengguna.json"),
];

const ERROR_FILES: [&str; 6] = [
    "error-data-kosong.json",
    "error-ip-berbeda.json",
    "error-npsn-kosong.json",
    "error-raw-variants.json",
    "error-sekolah-tidak-ditemukan.json",
    "error-token-tidak-terdaftar.json",
];

#[test]
fn every_fixture_file_is_known_and_is_json() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut known: Vec<&str> = ENDPOINT_FILES
        .iter()
        .map(|(_, f)| *f)
        .chain(ERROR_FILES)
        .collect();
    known.sort();
    assert_eq!(
        names, known,
        "a fixture was added or removed: cover it in these tests"
    );
    for name in &names {
        fixture_json(name);
    }
}

#[test]
fn endpoints_have_case_sensitive_paths() {
    let paths: Vec<_> = Endpoint::ALL.iter().map(|e| e.path()).collect();
    assert_eq!(
        paths,
        [
            "getSekolah",
            "getPesertaDidik",
            "getGtk",
            "getRombonganBelajar",
            "getPengguna"
        ]
    );
    assert_eq!(Endpoint::from_path("getGtk"), Some(Endpoint::Gtk));
    assert_eq!(Endpoint::from_path("getGTK"), None);
    assert_eq!(Endpoint::Gtk.empty_message(), "Data GTK tidak ditemukan");
    assert_eq!(
        Endpoint::PesertaDidik.url_path(),
        "/WebService/getPesertaDidik"
    );
}

#[test]
fn get_sekolah_is_one_object() {
    let s = parse_sekolah(200, &fixture_bytes("getSekolah.json")).unwrap();
    assert_eq!(s.npsn.as_deref(), Some("20599901"));
    assert_eq!(
        s.bentuk_pendidikan_id.as_deref(),
        Some("5"),
        "number kept as canonical text"
    );
    assert_eq!(s.bentuk(), Bentuk::SD);
    assert_eq!(s.status(), Some(StatusSekolah::Negeri));
    assert_eq!(s.is_sks, Some(false));
    assert_eq!(s.nomor_fax, None);
    assert!(s.extra.is_empty());
    let p: Parsed<Sekolah> =
        parse_response(Endpoint::Sekolah, 200, &fixture_bytes("getSekolah.json")).unwrap();
    assert_eq!(
        (p.rows.len(), p.results, p.results_mismatch()),
        (1, Some(1), false)
    );
}

fn check_endpoint<T: DeserializeOwned + Serialize>(endpoint: Endpoint, file: &str, expect: usize) {
    let p: Parsed<T> = parse_response(endpoint, 200, &fixture_bytes(file)).unwrap();
    assert_eq!(p.rows.len(), expect, "{file}");
    assert!(!p.results_mismatch(), "{file}");
    // Re-serialising keeps every received key (except the password hash), in order.
    let original = fixture_json(file)["rows"].clone();
    let originals = match original {
        Value::Array(a) => a,
        obj => vec![obj],
    };
    for (row, orig) in p.rows.iter().zip(&originals) {
        let back = serde_json::to_value(row).unwrap();
        let back_keys: Vec<&String> = back.as_object().unwrap().keys().collect();
        let orig_keys: Vec<&String> = orig
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| k.as_str() != "password")
            .collect();
        // Same keys; same order apart from the nested lists, which serialise last.
        let scalar = |k: &&String| !orig[k.as_str()].is_array();
        let kept: Vec<&String> = back_keys
            .iter()
            .copied()
            .filter(|k| orig_keys.contains(k))
            .collect();
        assert_eq!(kept.len(), orig_keys.len(), "{file}: keys lost");
        let kept: Vec<&String> = kept.into_iter().filter(scalar).collect();
        let wanted: Vec<&String> = orig_keys.iter().copied().filter(scalar).collect();
        assert_eq!(kept, wanted, "{file}: keys reordered");
        for k in orig_keys {
            let (o, b) = (&orig[k], &back[k]);
            let same = o == b
                || matches!((o, b), (Value::Number(n), Value::String(s)) if n.to_string() == *s)
                || (o.is_array() && b.is_array());
            assert!(same, "{file}: {k}: {o} vs {b}");
        }
    }
}

#[test]
fn all_endpoints_parse_and_keep_every_field() {
    check_endpoint::<Sekolah>(Endpoint::Sekolah, "getSekolah.json", 1);
    check_endpoint::<PesertaDidik>(Endpoint::PesertaDidik, "getPesertaDidik.json", 30);
    check_endpoint::<Gtk>(Endpoint::Gtk, "getGtk.json", 8);
    check_endpoint::<RombonganBelajar>(Endpoint::RombonganBelajar, "getRombonganBelajar.json", 7);
    check_endpoint::<Pengguna>(Endpoint::Pengguna, "getPengguna.json", 5);
}

#[test]
fn nested_rows_parse() {
    let gtk: Vec<Gtk> = rows(Endpoint::Gtk, "getGtk.json");
    let pend: usize = gtk.iter().map(|g| g.rwy_pend_formal.len()).sum();
    let pangkat: usize = gtk.iter().map(|g| g.rwy_kepangkatan.len()).sum();
    assert_eq!((pend, pangkat), (10, 9));
    let rombel: Vec<RombonganBelajar> =
        rows(Endpoint::RombonganBelajar, "getRombonganBelajar.json");
    let ekskul = rombel
        .iter()
        .find(|r| r.rombel.jenis_rombel.as_deref() == Some("51"))
        .unwrap();
    assert_eq!(ekskul.pembelajaran, None);
    assert_eq!(ekskul.rombel.id_ekskul.as_deref(), Some("21"));
    assert_eq!(ekskul.anggota_rombel.len(), 15);
    let back = serde_json::to_value(ekskul).unwrap();
    assert!(
        back.get("pembelajaran").is_none(),
        "absent list stays absent"
    );
}

#[test]
fn pengguna_never_keeps_the_password_hash() {
    let users: Vec<Pengguna> = rows(Endpoint::Pengguna, "getPengguna.json");
    assert_eq!(users.len(), 5);
    for u in &users {
        assert!(!u.extra.contains_key("password"));
        let json = serde_json::to_string(u).unwrap();
        assert!(
            !json.contains("password") && !json.contains("$2y$"),
            "{json}"
        );
        assert!(!format!("{u:?}").contains("$2y$"));
    }
    // Secret-looking unknown keys are dropped as well.
    let body = br#"{"results":1,"rows":[{"pengguna_id":"a","password":"h","password_hash":"h2","peran_id":10}]}"#;
    let users: Vec<Pengguna> = parse_body(Endpoint::Pengguna, 200, body).unwrap();
    assert_eq!(users[0].extra.len(), 1);
    assert_eq!(users[0].extra["peran_id"], 10);
}

fn same_after_php_encoding<T: DeserializeOwned + PartialEq + std::fmt::Debug>(
    endpoint: Endpoint,
    value: &Value,
) {
    let pretty = serde_json::to_vec_pretty(value).unwrap();
    let compact = php_compact(value);
    assert!(!compact.contains('\n'));
    let a: Vec<T> = parse_body(endpoint, 200, &pretty).unwrap();
    let b: Vec<T> = parse_body(endpoint, 200, compact.as_bytes()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn php_compact_encoding_parses_identically() {
    for (endpoint, file) in ENDPOINT_FILES {
        let mut v = fixture_json(file);
        let raw = String::from_utf8(fixture_bytes(file)).unwrap();
        if raw.contains("\\/") {
            assert!(php_compact(&v).contains("\\/"), "{file}");
        }
        // Put non-ASCII text in so \uXXXX escapes (incl. a surrogate pair) are exercised.
        let first = match &mut v["rows"] {
            Value::Array(a) => &mut a[0],
            obj => obj,
        };
        first["nama"] = Value::String("Zoë Ñandú – 𝄞 / é".into());
        assert!(php_compact(&v).contains("\\u00eb") && php_compact(&v).contains("\\ud834\\udd1e"));
        match endpoint {
            Endpoint::Sekolah => same_after_php_encoding::<Sekolah>(endpoint, &v),
            Endpoint::PesertaDidik => same_after_php_encoding::<PesertaDidik>(endpoint, &v),
            Endpoint::Gtk => same_after_php_encoding::<Gtk>(endpoint, &v),
            Endpoint::RombonganBelajar => same_after_php_encoding::<RombonganBelajar>(endpoint, &v),
            Endpoint::Pengguna => same_after_php_encoding::<Pengguna>(endpoint, &v),
        }
    }
    let compact = php_compact(&fixture_json("getPesertaDidik.json"));
    let pd: Vec<PesertaDidik> =
        parse_body(Endpoint::PesertaDidik, 200, compact.as_bytes()).unwrap();
    assert_eq!(
        pd[0].alamat_jalan.as_deref(),
        Some("Kp. Sukamaju RT 02/RW 05")
    );
}

#[test]
fn error_fixtures_are_classified() {
    let f = |file: &str, endpoint: Endpoint| {
        let body = fixture_bytes(file);
        let pretty = parse_body::<Value>(endpoint, 200, &body);
        let compact =
            parse_body::<Value>(endpoint, 200, php_compact(&fixture_json(file)).as_bytes());
        assert_eq!(pretty, compact, "{file}");
        pretty
    };
    assert_eq!(
        f("error-data-kosong.json", Endpoint::PesertaDidik),
        Ok(vec![])
    );
    assert_eq!(
        f("error-ip-berbeda.json", Endpoint::Gtk),
        Err(DapodikFailure::IpNotRegistered)
    );
    assert_eq!(
        f("error-npsn-kosong.json", Endpoint::Gtk),
        Err(DapodikFailure::NpsnMissing)
    );
    assert_eq!(
        f("error-sekolah-tidak-ditemukan.json", Endpoint::Sekolah),
        Err(DapodikFailure::NpsnUnknown)
    );
    assert_eq!(
        f("error-token-tidak-terdaftar.json", Endpoint::Sekolah),
        Err(DapodikFailure::TokenInvalid)
    );
    let p: Parsed<Value> = parse_response(
        Endpoint::PesertaDidik,
        200,
        &fixture_bytes("error-data-kosong.json"),
    )
    .unwrap();
    assert_eq!(
        p.empty_message.as_deref(),
        Some("Data Peserta Didik tidak ditemukan")
    );
    // getSekolah without a row is a failure for parse_sekolah.
    let empty = br#"{"success":false,"http_code":403,"status_code":"Forbidden","message":"Data sekolah tidak ditemukan"}"#;
    assert_eq!(
        parse_sekolah(200, empty),
        Err(DapodikFailure::SchoolDataMissing)
    );
}

#[test]
fn raw_variants_are_classified() {
    let cases = fixture_json("error-raw-variants.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 5);
    let expected: [Result<usize, DapodikFailure>; 5] = [
        Err(DapodikFailure::AccessDenied),
        Err(DapodikFailure::TokenInvalid),
        Ok(0),
        Err(DapodikFailure::EndpointMissing {
            endpoint: Endpoint::Gtk,
        }),
        Err(DapodikFailure::NotRunning),
    ];
    for (case, want) in cases.iter().zip(expected) {
        let name = case["case"].as_str().unwrap();
        let got = match case["transport_status"].as_u64() {
            Some(status) => {
                let body = case["body"].as_str().unwrap_or_default();
                parse_body::<Gtk>(Endpoint::Gtk, status as u16, body.as_bytes()).map(|r| r.len())
            }
            None => Err(DapodikFailure::from_transport_error(
                false,
                false,
                case["transport_error"].as_str().unwrap(),
            )),
        };
        assert_eq!(got, want, "{name}");
    }
    // The preamble case notes its embedded status.
    let body = cases[2]["body"].as_str().unwrap();
    let p: Parsed<Gtk> = parse_response(Endpoint::Gtk, 200, body.as_bytes()).unwrap();
    assert_eq!(p.embedded_status, Some(403));
    // The same preamble with "\n\n" line ends, and a BOM + whitespace.
    let lf = body.replace("\r\n", "\n");
    assert_eq!(
        parse_body::<Gtk>(Endpoint::Gtk, 200, lf.as_bytes()),
        Ok(vec![])
    );
    let bom = format!("\u{feff}\n  {}  \n", cases[1]["body"].as_str().unwrap());
    assert_eq!(
        parse_body::<Gtk>(Endpoint::Gtk, 200, bom.as_bytes()),
        Err(DapodikFailure::TokenInvalid)
    );
}

#[test]
fn transport_errors_and_retry() {
    use DapodikFailure as F;
    assert_eq!(
        F::from_transport_error(true, true, "connect timeout"),
        F::NotRunning
    );
    assert_eq!(
        F::from_transport_error(false, true, "operation timed out"),
        F::Timeout
    );
    assert_eq!(
        F::from_transport_error(false, false, "tcp connect error: Connection refused"),
        F::NotRunning
    );
    assert!(matches!(
        F::from_transport_error(false, false, "reset by peer"),
        F::ConnectionLost { .. }
    ));
    assert!(F::NotRunning.is_retryable() && F::ServerError { status: 500 }.is_retryable());
    assert!(!F::IpNotRegistered.is_retryable());
    assert_eq!(F::IpNotRegistered.code(), "dapodik_ip_not_registered");
    assert!(F::IpNotRegistered.advice_id().contains("127.0.0.1"));
}

#[test]
fn wrong_typed_row_is_malformed_with_position() {
    let body = br#"{"results":2,"rows":[{"peserta_didik_id":"a"},{"peserta_didik_id":"b","nama":{"x":1}}]}"#;
    match parse_body::<PesertaDidik>(Endpoint::PesertaDidik, 200, body) {
        Err(DapodikFailure::Malformed { detail }) => {
            assert!(detail.contains("baris ke-2"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}
