//! The HTTP side: a stand-in for the Dapodik local Web Service.

mod admin;
pub mod auth;
pub mod encode;
pub mod faults;
pub mod params;
mod store;
mod webservice;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{any, get};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{FaultHandle, Faults, PreambleScope};
use store::Store;

/// Shared state of a running simulator.
pub(crate) struct App {
    store: Store,
    faults: FaultHandle,
    stats: Mutex<BTreeMap<String, u64>>,
}

impl App {
    fn record(&self, name: &str) {
        if let Ok(mut s) = self.stats.lock() {
            *s.entry(name.to_string()).or_default() += 1;
        }
    }
}

async fn not_found() -> Response {
    encode::html(StatusCode::NOT_FOUND, encode::NOT_FOUND_HTML)
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/WebService/{endpoint}", any(webservice::handle))
        .route(
            "/__sim/faults",
            get(admin::get_faults)
                .put(admin::put_faults)
                .patch(admin::patch_faults)
                .delete(admin::delete_faults),
        )
        .route("/__sim/stats", get(admin::stats))
        .route("/__sim/health", get(admin::health))
        .fallback(not_found)
        .with_state(app)
}

/// A running simulator. Dropping it stops the server too.
pub struct SimHandle {
    addr: SocketAddr,
    data_dir: PathBuf,
    faults: FaultHandle,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>` — prefix of `/WebService/...` URLs.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Handle to read or change the fault switches programmatically.
    pub fn faults(&self) -> &FaultHandle {
        &self.faults
    }

    /// Replaces the fault configuration.
    pub fn set_faults(&self, faults: Faults) {
        self.faults.set(faults);
    }

    /// Graceful shutdown: stops accepting, lets in-flight requests finish
    /// (up to 5 s), then returns.
    pub async fn shutdown(mut self) -> Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            match tokio::time::timeout(Duration::from_secs(5), task).await {
                Ok(joined) => joined
                    .context("server task panicked")?
                    .context("server error")?,
                Err(_) => tracing::warn!("shutdown timed out; connections left open"),
            }
        }
        Ok(())
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves the schools of `data_dir` on `bind` (port 0 picks a free port).
pub async fn spawn(data_dir: &Path, bind: SocketAddr) -> Result<SimHandle> {
    spawn_with(data_dir, bind, Faults::default()).await
}

/// Like [`spawn`], with initial fault switches.
pub async fn spawn_with(data_dir: &Path, bind: SocketAddr, faults: Faults) -> Result<SimHandle> {
    let root = data_dir.to_path_buf();
    let store = tokio::task::spawn_blocking(move || Store::load(&root))
        .await
        .context("loading data dir")??;
    if store.is_empty() {
        tracing::warn!(dir = %data_dir.display(), "no schools in data dir");
    }
    let handle = FaultHandle::new(faults);
    let app = Arc::new(App {
        store,
        faults: handle.clone(),
        stats: Mutex::default(),
    });
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, schools = app.store.len(), dir = %data_dir.display(), "dapodik-sim serving");
    let (tx, rx) = oneshot::channel::<()>();
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(SimHandle {
        addr,
        data_dir: data_dir.to_path_buf(),
        faults: handle,
        shutdown: Some(tx),
        task: Some(task),
    })
}
