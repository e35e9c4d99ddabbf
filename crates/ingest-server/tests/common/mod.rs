// Over 400 lines: the fixture school, batch building and the protocol client the suites share.
//! Shared test support: one fresh database per test on each backend, the fixture school,
//! and a small HTTP client for protocol v1.
//!
//! PostgreSQL: `TEST_DATABASE_URL_PG` (default `postgres://postgres@127.0.0.1:5432/test`,
//! trust auth). Each test creates `ingest_test_<pid>_<random>` (test-kit's `ThrowawayPg`) and
//! drops it at the end. When the server is unreachable the PostgreSQL half does not run and
//! says so (test-kit's `cannot_run`); under `CI=true` that is a failure.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use ingest_server::config::Config;
use ingest_server::storage::{Backend, SekolahRef};
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::batching::{Batch, make_batches, sha256_hex};
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::protocol::KindExpectation;
use shared_model::rows::FlatSnapshot;
use shared_model::webservice::{Endpoint, parse_body, parse_sekolah};

pub const NPSN_A: &str = "20599901";
pub const NPSN_B: &str = "20599902";
pub const HELPER_VERSION: &str = "0.1.0";

/// Expected fixture counts per kind (Progres Kirim Data columns).
pub const FIXTURE_COUNTS: [(DataKind, u64); 8] = [
    (DataKind::Sekolah, 1),
    (DataKind::PesertaDidik, 30),
    (DataKind::Ptk, 8),
    (DataKind::RiwayatKepangkatan, 9),
    (DataKind::RiwayatPendidikan, 10),
    (DataKind::Rombel, 7),
    (DataKind::AnggotaRombel, 45),
    (DataKind::Pembelajaran, 42),
];

/// A database for one test; dropping it removes it.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub dir: tempfile::TempDir,
    _pg: Option<test_kit::postgres::ThrowawayPg>,
}

impl TestDb {
    pub fn config(&self) -> Config {
        Config::for_tests(self.dir.path(), Some(self.url.clone()))
    }
}

pub fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
    TestDb {
        backend: Backend::Sqlite,
        url,
        dir,
        _pg: None,
    }
}

/// A fresh PostgreSQL database, or `None` (with a loud message) when the server is not
/// reachable outside CI.
pub async fn postgres_db() -> Option<TestDb> {
    let pg = test_kit::postgres::ThrowawayPg::for_test("ingest_test").await?;
    Some(TestDb {
        backend: Backend::Postgres,
        url: pg.url.clone(),
        dir: tempfile::tempdir().expect("tempdir"),
        _pg: Some(pg),
    })
}

/// Generates `#[tokio::test]`s running `$case(TestDb)` on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::common::sqlite_db()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(db) = super::common::postgres_db().await {
                        super::$case(db).await;
                    }
                }
            )*
        }
    };
}

// ---------------------------------------------------------------------------------------
// Fixture school
// ---------------------------------------------------------------------------------------

pub fn fixtures_dir() -> PathBuf {
    dapodik_sim::fixtures_dir()
}

fn read_fixture(name: &str) -> Vec<u8> {
    test_kit::fixtures::bytes(name)
}

/// The fixture school, parsed and flattened by shared-model.
pub fn fixture_flat() -> FlatSnapshot {
    let snapshot = DapodikSnapshot {
        sekolah: parse_sekolah(200, &read_fixture("getSekolah.json")).expect("getSekolah"),
        peserta_didik: parse_body(
            Endpoint::PesertaDidik,
            200,
            &read_fixture("getPesertaDidik.json"),
        )
        .expect("pd"),
        gtk: parse_body(Endpoint::Gtk, 200, &read_fixture("getGtk.json")).expect("gtk"),
        rombel: parse_body(
            Endpoint::RombonganBelajar,
            200,
            &read_fixture("getRombonganBelajar.json"),
        )
        .expect("rombel"),
    };
    flatten(snapshot)
}

/// Rows per kind as the helper uploads them.
pub fn rows_of(flat: &FlatSnapshot) -> BTreeMap<DataKind, Vec<Value>> {
    DataKind::ALL
        .into_iter()
        .map(|k| (k, flat.rows_json(k)))
        .collect()
}

/// The fixture's rows, re-labelled as another school (NPSN, sekolah_id unchanged).
pub fn rows_for_school(npsn: &str) -> BTreeMap<DataKind, Vec<Value>> {
    let mut rows = rows_of(&fixture_flat());
    for r in rows.get_mut(&DataKind::Sekolah).unwrap() {
        r["npsn"] = json!(npsn);
    }
    rows
}

pub fn batches_of(rows: &BTreeMap<DataKind, Vec<Value>>) -> Vec<Batch> {
    rows.iter().flat_map(|(k, v)| make_batches(*k, v)).collect()
}

pub fn expected_of(batches: &[Batch]) -> BTreeMap<DataKind, KindExpectation> {
    let mut out: BTreeMap<DataKind, KindExpectation> = DataKind::ALL
        .into_iter()
        .map(|k| (k, KindExpectation::default()))
        .collect();
    for b in batches {
        let e = out.get_mut(&b.kind).unwrap();
        e.rows += b.rows;
        e.batches += 1;
    }
    out
}

pub fn reference_schools() -> Vec<SekolahRef> {
    let school =
        |npsn: &str, nama: &str, bentuk: &str, status: &str, kode: &str, kec: &str| SekolahRef {
            npsn: npsn.into(),
            nama: nama.into(),
            bentuk: bentuk.into(),
            status: status.into(),
            kode_kecamatan: kode.into(),
            kecamatan: kec.into(),
            aktif: true,
            ..Default::default()
        };
    vec![
        school(
            NPSN_A,
            "SD NEGERI SUKAMAJU 01",
            "SD",
            "Negeri",
            "029901",
            "Kec. Sukamakmur",
        ),
        school(
            NPSN_B,
            "SD NEGERI SUKAMAJU 02",
            "SD",
            "Negeri",
            "029901",
            "Kec. Sukamakmur",
        ),
        school(
            "20599903",
            "SMP SWASTA BINA BANGSA",
            "SMP",
            "Swasta",
            "029902",
            "Kec. Mekarjaya",
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// HTTP client
// ---------------------------------------------------------------------------------------

/// Body encodings the tests send.
#[derive(Debug, Clone, Copy)]
pub enum Enc {
    Zstd,
    Gzip,
    Identity,
}

pub fn compress(enc: Enc, body: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    match enc {
        Enc::Zstd => zstd::encode_all(body, 3).unwrap(),
        Enc::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(body).unwrap();
            e.finish().unwrap()
        }
        Enc::Identity => body.to_vec(),
    }
}

/// Status and JSON body of an answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn error_code(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }

    /// Asserts a refusal: status, code, and an Indonesian message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.error_code()),
            (status, code),
            "unexpected answer: {:?}",
            self.body
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message missing: {:?}",
            self.body
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {:?}",
            self.status,
            self.body
        );
        &self.body
    }
}

pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            http: reqwest::Client::builder().build().unwrap(),
            base: format!("{base}/api/v1"),
        }
    }

    pub async fn answer(resp: reqwest::Response) -> Answer {
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| json!({"raw": text}));
        Answer {
            status,
            body,
            retry_after,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::answer(req.send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::answer(req.send().await.unwrap()).await
    }

    pub async fn enroll(&self, npsn: &str, kode: &str, version: &str) -> Answer {
        self.post_json(
            "/enroll",
            None,
            &json!({"npsn": npsn, "kode_registrasi": kode, "username_ops": "ops@sekolah.sch.id",
                    "helper_version": version, "device_name": "PC-TU"}),
        )
        .await
    }

    pub async fn open(&self, token: &str, npsn: &str, batches: &[Batch]) -> Answer {
        self.open_with(token, npsn, HELPER_VERSION, &expected_of(batches))
            .await
    }

    pub async fn open_with(
        &self,
        token: &str,
        npsn: &str,
        version: &str,
        expected: &BTreeMap<DataKind, KindExpectation>,
    ) -> Answer {
        self.post_json(
            "/sessions",
            Some(token),
            &json!({"npsn": npsn, "helper_version": version, "username_ops": "ops@sekolah.sch.id",
                    "semester_id": "20251", "expected": expected}),
        )
        .await
    }

    /// Uploads raw bytes as a batch body with the given headers.
    #[allow(clippy::too_many_arguments)]
    pub async fn put_raw(
        &self,
        token: &str,
        session: &str,
        kind: &str,
        seq: u32,
        encoding: Option<&str>,
        sha: Option<&str>,
        wire: Vec<u8>,
    ) -> Answer {
        let mut req = self
            .http
            .put(format!(
                "{}/sessions/{session}/batches/{kind}/{seq}",
                self.base
            ))
            .bearer_auth(token)
            .body(wire);
        if let Some(e) = encoding {
            req = req.header("content-encoding", e);
        }
        if let Some(s) = sha {
            req = req.header("x-content-sha256", s);
        }
        req = req.header("content-type", "application/json");
        Self::answer(req.send().await.unwrap()).await
    }

    pub async fn put_batch(&self, token: &str, session: &str, b: &Batch, enc: Enc) -> Answer {
        let name = match enc {
            Enc::Zstd => Some("zstd"),
            Enc::Gzip => Some("gzip"),
            Enc::Identity => None,
        };
        self.put_raw(
            token,
            session,
            b.kind.wire_name(),
            b.seq,
            name,
            Some(&b.sha256),
            compress(enc, &b.body),
        )
        .await
    }

    pub async fn put_ref(&self, token: &str, session: &str, b: &Batch) -> Answer {
        let req = self
            .http
            .put(format!(
                "{}/sessions/{session}/batches/{}/{}/ref",
                self.base,
                b.kind.wire_name(),
                b.seq
            ))
            .bearer_auth(token)
            .json(&json!({"sha256": b.sha256, "rows": b.rows}));
        Self::answer(req.send().await.unwrap()).await
    }

    pub async fn commit(&self, token: &str, session: &str) -> Answer {
        let req = self
            .http
            .post(format!("{}/sessions/{session}/commit", self.base))
            .bearer_auth(token);
        Self::answer(req.send().await.unwrap()).await
    }

    pub async fn session(&self, token: &str, session: &str) -> Answer {
        self.get(&format!("/sessions/{session}"), Some(token)).await
    }
}

/// A batch body with one row replaced by `row` (re-hashed).
pub fn with_row(b: &Batch, index: usize, row: Value) -> Batch {
    let mut rows: Vec<Value> = serde_json::from_slice(&b.body).unwrap();
    rows[index] = row;
    let body = serde_json::to_vec(&rows).unwrap();
    Batch {
        kind: b.kind,
        seq: b.seq,
        rows: rows.len() as u64,
        sha256: sha256_hex(&body),
        body,
    }
}
