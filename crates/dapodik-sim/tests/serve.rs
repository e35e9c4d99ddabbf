// Over 400 lines: one test per served behaviour (endpoints, auth order, faults, encodings).
//! The HTTP simulator over real 127.0.0.1 connections.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{generated_with_fixture, json, rows};
use dapodik_sim::data_dir::{Credential, load_credentials};
use dapodik_sim::{Faults, PreambleScope, SimHandle, spawn};
use reqwest::StatusCode;
use serde_json::Value;

const CT: &str = "text/html; charset=UTF-8";
const FIXTURE: &str = "20599901";

struct Env {
    _dir: tempfile::TempDir,
    sim: SimHandle,
    creds: Vec<Credential>,
    http: reqwest::Client,
}

impl Env {
    async fn new() -> Env {
        let dir = generated_with_fixture(77, 12);
        let creds = load_credentials(dir.path()).unwrap();
        let sim = spawn(dir.path(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Env {
            _dir: dir,
            sim,
            creds,
            http,
        }
    }

    fn cred(&self, npsn: &str) -> &Credential {
        self.creds.iter().find(|c| c.npsn == npsn).unwrap()
    }

    fn other(&self) -> &Credential {
        self.creds.iter().find(|c| c.npsn != FIXTURE).unwrap()
    }

    async fn call(&self, path: &str, token: Option<&str>) -> (StatusCode, String, String) {
        let mut req = self.http.get(format!("{}{path}", self.sim.base_url()));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ct, res.text().await.unwrap())
    }

    async fn get(&self, endpoint: &str, npsn: &str, token: &str) -> String {
        let (status, ct, body) = self
            .call(&format!("/WebService/{endpoint}?npsn={npsn}"), Some(token))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ct, CT);
        body
    }
}

fn error(message: &str) -> String {
    format!(
        r#"{{"success":false,"http_code":403,"status_code":"Forbidden","message":"{message}"}}"#
    )
}

#[tokio::test]
async fn success_bodies_per_endpoint() {
    let env = Env::new().await;
    let fx = env.cred(FIXTURE);
    for ep in [
        "getSekolah",
        "getPesertaDidik",
        "getGtk",
        "getRombonganBelajar",
        "getPengguna",
    ] {
        let body = env.get(ep, FIXTURE, &fx.token).await;
        assert!(!body.contains('\n'), "{ep} not compact");
        let v = json(&body);
        if ep == "getSekolah" {
            assert!(v["rows"].is_object());
            assert_eq!(v["results"], 1);
            assert_eq!(v["rows"]["npsn"], FIXTURE);
        } else {
            assert_eq!(v["results"].as_u64().unwrap() as usize, rows(&v).len());
        }
        assert_eq!(v["start"], 0);
        assert_eq!(v["limit"], 20);
        let pretty =
            std::fs::read_to_string(common::fixtures_dir().join(format!("{ep}.json"))).unwrap();
        assert_eq!(v, json(&pretty), "{ep} content differs from the fixture");
    }
    let pd = env.get("getPesertaDidik", FIXTURE, &fx.token).await;
    assert!(pd.contains("RT 02\\/RW 05"), "slashes must be escaped");
    assert_eq!(json(&pd)["results"], 30);

    // A generated school answers too; bodies are pure ASCII (\uXXXX escapes).
    let c = env.other();
    let rb = env.get("getRombonganBelajar", &c.npsn, &c.token).await;
    assert!(rb.is_ascii());
    let p = env.get("getPengguna", &c.npsn, &c.token).await;
    assert_eq!(json(&p)["rows"][0]["peran_id_str"], "Operator Sekolah");
    assert_eq!(json(&p)["rows"][0]["username"], c.username.as_str());
    env.sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn errors_in_server_order() {
    let env = Env::new().await;
    let fx = env.cred(FIXTURE).token.clone();

    // 1. token missing or garbled -> plain text, HTTP 200
    let denied = "Access denied - You are not authorized to access this page. #1";
    for auth in [
        None,
        Some("bearer x"),
        Some("Token abc"),
        Some("Bearer"),
        Some("Bearer  abc"),
    ] {
        let mut req = env
            .http
            .get(format!("{}/WebService/getGtk", env.sim.base_url()));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], CT);
        assert_eq!(res.text().await.unwrap(), denied, "auth {auth:?}");
    }
    // 2. npsn missing (token wrong too: npsn is checked first)
    let (s, ct, b) = env
        .call("/WebService/getGtk", Some("wrongtoken12345"))
        .await;
    assert_eq!(
        (s, ct.as_str(), b),
        (StatusCode::OK, CT, error("Parameter NPSN harap diisi"))
    );
    let (_, _, b) = env.call("/WebService/getGtk?npsn=", Some(&fx)).await;
    assert_eq!(b, error("Parameter NPSN harap diisi"));
    // 3. unknown NPSN beats a wrong token
    let (_, _, b) = env
        .call("/WebService/getGtk?npsn=99999999", Some("wrongtoken12345"))
        .await;
    assert_eq!(b, error("Sekolah tidak ditemukan"));
    // 5. wrong token with a known NPSN
    let (_, _, b) = env
        .call(
            &format!("/WebService/getGtk?npsn={FIXTURE}"),
            Some("wrongtoken12345"),
        )
        .await;
    assert_eq!(
        b,
        error("Aplikasi tidak terdaftar pada Web Service Dapodik")
    );
    // 4. inactive semester comes before the token check
    env.sim.faults().update(|f| f.semester_inactive = true);
    let (_, _, b) = env
        .call(
            &format!("/WebService/getGtk?npsn={FIXTURE}"),
            Some("wrongtoken12345"),
        )
        .await;
    assert_eq!(b, error("Semester tidak ditemukan"));
    let (_, _, b) = env
        .call("/WebService/getGtk?npsn=99999999", Some(&fx))
        .await;
    assert_eq!(b, error("Sekolah tidak ditemukan"));
    env.sim.faults().reset();
    // 6. registered IP differs
    env.sim.faults().update(|f| {
        f.ip_override.insert(FIXTURE.into(), "192.168.1.20".into());
    });
    let (_, _, b) = env
        .call(&format!("/WebService/getSekolah?npsn={FIXTURE}"), Some(&fx))
        .await;
    assert_eq!(
        b,
        error("IP Address yang didaftarkan pada Web Service Dapodik berbeda")
    );
    // Equivalent local spellings are accepted.
    env.sim.faults().update(|f| {
        f.ip_override.insert(FIXTURE.into(), "localhost".into());
    });
    let body = env.get("getSekolah", FIXTURE, &fx).await;
    assert_eq!(json(&body)["rows"]["npsn"], FIXTURE);
    env.sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn data_follows_the_token_not_the_npsn() {
    let env = Env::new().await;
    let other = env.other();
    let body = env
        .get("getSekolah", &other.npsn, &env.cred(FIXTURE).token)
        .await;
    assert_eq!(json(&body)["rows"]["npsn"], FIXTURE);
    env.sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn empty_data_and_filters_and_form_body() {
    let dir = generated_with_fixture(78, 6);
    std::fs::remove_file(dir.path().join("sekolah").join(FIXTURE).join("getGtk.json")).unwrap();
    let sim = spawn(dir.path(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sim.base_url());
    let auth = format!("Bearer {}", dapodik_sim::FIXTURE_TOKEN);
    let text = |r: reqwest::Response| async move { r.text().await.unwrap() };

    let r = http
        .get(url(&format!("/WebService/getGtk?npsn={FIXTURE}")))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(text(r).await, error("Data GTK tidak ditemukan"));

    // Preamble on empty-data errors only.
    sim.faults()
        .update(|f| f.error_preamble = PreambleScope::EmptyData);
    let r = http
        .get(url(&format!("/WebService/getGtk?npsn={FIXTURE}")))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b = text(r).await;
    assert!(b.starts_with("HTTP/1.0 403 Forbidden\r\n"), "{b}");
    let (head, json_part) = b.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("Content-Type:"));
    assert_eq!(json_part, error("Data GTK tidak ditemukan"));
    let r = http
        .get(url("/WebService/getGtk?npsn=99999999"))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(text(r).await, error("Sekolah tidak ditemukan"));
    sim.faults()
        .update(|f| f.error_preamble = PreambleScope::All);
    let r = http
        .get(url("/WebService/getGtk?npsn=99999999"))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert!(text(r).await.starts_with("HTTP/1.0 403 Forbidden\r\n"));
    sim.faults().reset();

    // Optional filter of the 2022.a source.
    let pd = json(
        &std::fs::read_to_string(common::fixtures_dir().join("getPesertaDidik.json")).unwrap(),
    );
    let one = pd["rows"][3]["peserta_didik_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = http
        .get(url(&format!(
            "/WebService/getPesertaDidik?npsn={FIXTURE}&peserta_didik_id={one}"
        )))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    let v = json(&text(r).await);
    assert_eq!(v["results"], 1);
    assert_eq!(v["rows"][0]["peserta_didik_id"], one.as_str());

    // npsn from a form body (PHP $_REQUEST), also with GET.
    for method in [reqwest::Method::POST, reqwest::Method::GET] {
        let r = http
            .request(method, url("/WebService/getSekolah?semester_id=20251"))
            .header("Authorization", &auth)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("npsn={FIXTURE}"))
            .send()
            .await
            .unwrap();
        assert_eq!(json(&text(r).await)["rows"]["npsn"], FIXTURE);
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_paths_are_404() {
    let env = Env::new().await;
    let fx = env.cred(FIXTURE).token.clone();
    for p in [
        "/WebService/getGTK",
        "/WebService/getPTK",
        "/WebService/getAnggotaRombel",
        "/webservice/getGtk",
        "/WebService/getgtk",
        "/",
    ] {
        let (s, ct, b) = env.call(&format!("{p}?npsn={FIXTURE}"), Some(&fx)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{p}");
        assert_eq!(ct, CT);
        assert!(b.contains("Not Found"));
    }
    env.sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn fault_switches() {
    let env = Env::new().await;
    let fx = env.cred(FIXTURE).token.clone();
    let path = format!("/WebService/getPesertaDidik?npsn={FIXTURE}");
    let url = format!("{}{path}", env.sim.base_url());

    // Latency.
    env.sim.set_faults(Faults {
        latency_ms: 400,
        ..Default::default()
    });
    let t = Instant::now();
    env.get("getSekolah", FIXTURE, &fx).await;
    assert!(t.elapsed() >= Duration::from_millis(400));

    // Server errors: always, then every second request.
    env.sim.set_faults(Faults {
        server_error_rate: 1.0,
        ..Default::default()
    });
    let (s, ct, b) = env.call(&path, Some(&fx)).await;
    assert_eq!((s, ct.as_str()), (StatusCode::INTERNAL_SERVER_ERROR, CT));
    assert!(b.contains("Fatal error"));
    env.sim.set_faults(Faults {
        server_error_rate: 0.5,
        server_error_status: 503,
        ..Default::default()
    });
    let mut seq = Vec::new();
    for _ in 0..4 {
        seq.push(env.call(&path, Some(&fx)).await.0.as_u16());
    }
    assert_eq!(seq, [200, 503, 200, 503]);

    // Connection cut mid-body.
    env.sim.set_faults(Faults {
        cut_body_after: Some(1000),
        ..Default::default()
    });
    let res = env
        .http
        .get(&url)
        .header("Authorization", format!("Bearer {fx}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.is_err(), "a cut body must fail to read");

    // Targeting: faults only for the listed NPSN.
    let other = env.other().clone();
    env.sim.set_faults(Faults {
        server_error_rate: 1.0,
        only_npsn: Some(BTreeSet::from([other.npsn.clone()])),
        ..Default::default()
    });
    assert_eq!(env.call(&path, Some(&fx)).await.0, StatusCode::OK);
    let (s, _, _) = env
        .call(
            &format!("/WebService/getGtk?npsn={}", other.npsn),
            Some(&other.token),
        )
        .await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    env.sim.faults().reset();
    assert_eq!(env.call(&path, Some(&fx)).await.0, StatusCode::OK);
    env.sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn admin_api() {
    let env = Env::new().await;
    let fx = env.cred(FIXTURE).token.clone();
    let admin = format!("{}/__sim/faults", env.sim.base_url());
    let put: Value = env
        .http
        .put(&admin)
        .json(&serde_json::json!({"semester_inactive": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(put["semester_inactive"], true);
    let (_, _, b) = env
        .call(&format!("/WebService/getGtk?npsn={FIXTURE}"), Some(&fx))
        .await;
    assert_eq!(b, error("Semester tidak ditemukan"));

    let patched: Value = env
        .http
        .patch(&admin)
        .json(
            &serde_json::json!({"semester_inactive": false, "ip_override": {FIXTURE: "10.0.0.9"}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["ip_override"][FIXTURE], "10.0.0.9");
    let (_, _, b) = env
        .call(&format!("/WebService/getGtk?npsn={FIXTURE}"), Some(&fx))
        .await;
    assert_eq!(
        b,
        error("IP Address yang didaftarkan pada Web Service Dapodik berbeda")
    );

    let bad = env
        .http
        .put(&admin)
        .json(&serde_json::json!({"no_such": 1}))
        .send()
        .await
        .unwrap();
    assert!(bad.status().is_client_error());
    let cleared: Value = env
        .http
        .delete(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared, serde_json::to_value(Faults::default()).unwrap());
    let got: Value = env
        .http
        .get(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, cleared);
    let stats: Value = env
        .http
        .get(format!("{}/__sim/stats", env.sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["by_endpoint"]["getGtk"], 2);
    env.sim.shutdown().await.unwrap();
}
