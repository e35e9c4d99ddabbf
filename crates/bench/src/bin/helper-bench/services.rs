//! The simulator and the district server, in-process on 127.0.0.1.

use std::path::Path;

use anyhow::{Context, Result};
use dapodik_sim::SimHandle;
use ingest_server::RunningServer;

pub struct Services {
    pub sim: SimHandle,
    pub server: RunningServer,
    /// The kode registrasi of the benchmark school.
    pub kode: String,
}

impl Services {
    /// The simulator serves `sim_dir`; the server (SQLite under `tmp/server`) knows the
    /// kabupaten's schools and has a kode registrasi for `npsn`.
    pub async fn start(sim_dir: &Path, tmp: &Path, npsn: &str) -> Result<Services> {
        let sim = dapodik_sim::spawn(sim_dir, "127.0.0.1:0".parse()?).await?;
        let server_dir = tmp.join("server");
        std::fs::create_dir_all(&server_dir)?;
        let server =
            ingest_server::start(ingest_server::Config::for_tests(&server_dir, None)).await?;
        ingest_server::reference::import_reference(
            server.store.as_ref(),
            &sim_dir.join("reference.csv"),
        )
        .await?;
        let codes = ingest_server::enrollment::generate_kode_registrasi(
            server.store.as_ref(),
            Some(std::slice::from_ref(&npsn.to_owned())),
        )
        .await?;
        let kode = codes.into_iter().next().context("kode")?.2;
        Ok(Services { sim, server, kode })
    }

    pub async fn shutdown(self) {
        self.sim.shutdown().await.ok();
        self.server.shutdown().await;
    }
}
