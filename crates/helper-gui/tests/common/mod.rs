//! Shared test world: an in-process dapodik-sim and a real ingest-server on 127.0.0.1 with
//! temporary SQLite, plus a TCP fault proxy to cut connections between helper and server.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use helper_gui::engine::{Engine, EngineConfig, SendRequest};
use helper_gui::paths::DataDir;
use helper_gui::secrets::{MemoryStore, SharedSecrets};
use shared_model::{DataKind, KindCounts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The spec fixtures (see `dapodik_sim::fixtures_dir`).
pub fn fixtures_dir() -> PathBuf {
    dapodik_sim::fixtures_dir()
}

pub fn counts_of(t: &dapodik_sim::Truth) -> KindCounts {
    let mut c = KindCounts::default();
    c.set(DataKind::Sekolah, t.sekolah);
    c.set(DataKind::PesertaDidik, t.peserta_didik);
    c.set(DataKind::Ptk, t.ptk);
    c.set(DataKind::RiwayatKepangkatan, t.riwayat_kepangkatan);
    c.set(DataKind::RiwayatPendidikan, t.riwayat_pendidikan);
    c.set(DataKind::Rombel, t.rombel);
    c.set(DataKind::AnggotaRombel, t.anggota_rombel);
    c.set(DataKind::Pembelajaran, t.pembelajaran);
    c
}

/// One school served by the simulator and known to the server, with its kode registrasi.
pub struct World {
    pub tmp: tempfile::TempDir,
    pub sim: dapodik_sim::SimHandle,
    pub server: ingest_server::RunningServer,
    pub sim_dir: PathBuf,
    pub npsn: String,
    pub token: String,
    pub username: String,
    pub kode: String,
    pub truth: dapodik_sim::Truth,
}

impl World {
    /// The fixture school (NPSN 20599901, 30 students) only.
    pub async fn fixture() -> World {
        let tmp = tempfile::tempdir().expect("tempdir");
        let sim_dir = tmp.path().join("sim");
        std::fs::create_dir_all(&sim_dir).unwrap();
        let s = dapodik_sim::import_fixtures(
            &fixtures_dir(),
            &sim_dir,
            &dapodik_sim::ImportOptions::default(),
        )
        .expect("import fixtures");
        World::start(tmp, sim_dir, s.npsn, s.token, s.username, s.truth).await
    }

    /// A generated kabupaten of `schools`; the school with the most students is used.
    pub async fn generated(seed: u64, schools: usize) -> World {
        let tmp = tempfile::tempdir().expect("tempdir");
        let sim_dir = tmp.path().join("sim");
        let opts = dapodik_sim::GenerateOptions {
            seed,
            schools,
            with_province_schools: false,
        };
        dapodik_sim::generate(&opts, &sim_dir).expect("generate");
        let truths = dapodik_sim::data_dir::load_truth(&sim_dir).unwrap();
        let truth = truths
            .into_iter()
            .max_by_key(|t| t.peserta_didik)
            .expect("a school");
        let cred = dapodik_sim::data_dir::load_credentials(&sim_dir)
            .unwrap()
            .into_iter()
            .find(|c| c.npsn == truth.npsn)
            .expect("credential");
        World::start(tmp, sim_dir, cred.npsn, cred.token, cred.username, truth).await
    }

    async fn start(
        tmp: tempfile::TempDir,
        sim_dir: PathBuf,
        npsn: String,
        token: String,
        username: String,
        truth: dapodik_sim::Truth,
    ) -> World {
        let sim = dapodik_sim::spawn(&sim_dir, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("sim");
        let server_dir = tmp.path().join("server");
        std::fs::create_dir_all(&server_dir).unwrap();
        let config = ingest_server::Config::for_tests(&server_dir, None);
        let server = ingest_server::start(config).await.expect("server");
        ingest_server::reference::import_reference(
            server.store.as_ref(),
            &sim_dir.join("reference.csv"),
        )
        .await
        .expect("reference import");
        let codes = ingest_server::enrollment::generate_kode_registrasi(
            server.store.as_ref(),
            Some(std::slice::from_ref(&npsn)),
        )
        .await
        .expect("kode registrasi");
        let kode = codes.into_iter().find(|c| c.0 == npsn).expect("kode").2;
        World {
            tmp,
            sim,
            server,
            sim_dir,
            npsn,
            token,
            username,
            kode,
            truth,
        }
    }

    pub fn expected(&self) -> KindCounts {
        counts_of(&self.truth)
    }

    pub fn server_url(&self) -> String {
        self.server.base_url.clone()
    }

    /// A fresh helper data folder inside the world's temp dir.
    pub fn helper_dir(&self, name: &str) -> PathBuf {
        let d = self.tmp.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// Engine settings for tests: fast backoff, short offline budget.
    pub fn engine_config(&self, data_dir: &Path, server_url: &str) -> EngineConfig {
        let mut cfg = EngineConfig::new(
            DataDir::new(data_dir),
            Some(server_url.to_owned()),
            self.sim.base_url(),
        );
        cfg.dapodik_timeout = Duration::from_secs(30);
        cfg.server_timeout = Duration::from_secs(20);
        cfg.backoff_base = Duration::from_millis(50);
        cfg.backoff_max = Duration::from_millis(400);
        cfg.max_offline = Some(Duration::from_secs(20));
        cfg
    }

    pub fn engine(&self, data_dir: &Path, server_url: &str, secrets: SharedSecrets) -> Arc<Engine> {
        Engine::new(
            self.engine_config(data_dir, server_url),
            secrets,
            Arc::new(|| {}),
        )
        .expect("engine")
    }

    pub fn memory_secrets() -> SharedSecrets {
        Arc::new(MemoryStore::new())
    }

    pub fn request(&self) -> SendRequest {
        SendRequest {
            npsn: self.npsn.clone(),
            username_ops: self.username.clone(),
            dapodik_token: Some(self.token.clone()),
            kode_registrasi: Some(self.kode.clone()),
            remember_token: true,
        }
    }

    /// The school's counts as the server's public progress page shows them.
    pub async fn server_counts(&self) -> Option<KindCounts> {
        let url = format!("{}/api/v1/progres", self.server.base_url);
        let list: Vec<shared_model::protocol::ProgresEntry> =
            reqwest::get(url).await.ok()?.json().await.ok()?;
        list.into_iter()
            .find(|e| e.npsn == self.npsn)
            .map(|e| e.counts)
    }
}

/// A TCP proxy in front of the server that can cut connections.
pub struct FaultProxy {
    pub addr: SocketAddr,
    state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct ProxyState {
    /// Refuse (close at once) new connections and cut open ones.
    down: AtomicBool,
    /// Bytes client → server so far.
    upstream_bytes: AtomicU64,
    /// Cut everything once `upstream_bytes` passes this (0 = never); then stay down.
    cut_after: AtomicU64,
    /// Cuts performed.
    cuts: AtomicU64,
    /// Delay per forwarded chunk (slow link), milliseconds.
    delay_ms: AtomicU64,
}

impl FaultProxy {
    pub async fn start(target: SocketAddr) -> FaultProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(ProxyState::default());
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    break;
                };
                if st.down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let st = st.clone();
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    pipe(client, server, st).await;
                });
            }
        });
        FaultProxy { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    pub fn is_down(&self) -> bool {
        self.state.down.load(Ordering::SeqCst)
    }

    /// Cut every connection once this many more bytes went upstream.
    pub fn cut_after(&self, bytes: u64) {
        let now = self.state.upstream_bytes.load(Ordering::SeqCst);
        self.state.cut_after.store(now + bytes, Ordering::SeqCst);
    }

    pub fn set_delay_ms(&self, ms: u64) {
        self.state.delay_ms.store(ms, Ordering::SeqCst);
    }

    pub fn cuts(&self) -> u64 {
        self.state.cuts.load(Ordering::SeqCst)
    }

    pub fn upstream_bytes(&self) -> u64 {
        self.state.upstream_bytes.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pipe(client: tokio::net::TcpStream, server: tokio::net::TcpStream, st: Arc<ProxyState>) {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up_state = st.clone();
    let up = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let delay = up_state.delay_ms.load(Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if up_state.down.load(Ordering::SeqCst) {
                break;
            }
            let total = up_state
                .upstream_bytes
                .fetch_add(n as u64, Ordering::SeqCst)
                + n as u64;
            let limit = up_state.cut_after.load(Ordering::SeqCst);
            if limit > 0 && total >= limit {
                // Forward part of the chunk, then cut: a request dies mid-body.
                let _ = sw.write_all(&buf[..n / 2]).await;
                up_state.cut_after.store(0, Ordering::SeqCst);
                up_state.down.store(true, Ordering::SeqCst);
                up_state.cuts.fetch_add(1, Ordering::SeqCst);
                break;
            }
            if sw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    };
    let down_state = st.clone();
    let down = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match sr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if down_state.down.load(Ordering::SeqCst) {
                break;
            }
            if cw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    };
    // Whichever side ends (or is cut) ends the connection.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

/// Waits until `f` is true (polling), or panics after `secs`.
pub async fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
