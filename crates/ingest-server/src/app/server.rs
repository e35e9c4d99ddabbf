//! The server lifecycle: open the storage, bind (any port for tests), serve, sweep
//! periodically, and shut down gracefully (in-flight requests and commits finish).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::config::Config;
use crate::app::router::router;
use crate::app::state::AppState;
use crate::storage::{Storage, StoreOptions, SweepReport, open_store_with};

/// A server started by [`start`].
pub struct RunningServer {
    /// The bound address (the real port when the configuration said 0).
    pub addr: SocketAddr,
    /// `http://<addr>` (the API is under `/api/v1`).
    pub base_url: String,
    pub store: Arc<Storage>,
    pub state: AppState,
    shutdown_tx: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    sweeper: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// `base_url` + `path` (e.g. `server.url("/api/v1/version")`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Runs one sweep now (tests; the periodic sweeper does the same).
    pub async fn sweep_now(&self) -> anyhow::Result<SweepReport> {
        self.state.sweep().await
    }

    /// Graceful shutdown: stop accepting, let in-flight requests and commits finish (up to
    /// `shutdown_grace_secs`), stop the sweeper, close the database pools.
    pub async fn shutdown(self) {
        let _ = self.shutdown_tx.send(true);
        let grace = Duration::from_secs(self.state.config.shutdown_grace_secs.max(1));
        let mut server = self.server;
        match tokio::time::timeout(grace, &mut server).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::error!(error = %e, "server error during shutdown"),
            Ok(Err(e)) => tracing::error!(error = %e, "server task failed"),
            Err(_) => {
                tracing::warn!(
                    "in-flight requests did not finish within the grace period; aborting them"
                );
                server.abort();
            }
        }
        self.state.tasks.close();
        if tokio::time::timeout(grace, self.state.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("commits still running after the grace period");
        }
        if let Some(sweeper) = self.sweeper {
            sweeper.abort();
        }
        self.store.close().await;
        tracing::info!("server stopped");
    }

    /// Serves until SIGINT/SIGTERM, then shuts down gracefully.
    pub async fn run_until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutdown signal received; finishing in-flight requests");
        self.shutdown().await;
    }
}

/// Opens the store (applying migrations), binds and serves.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    config.validate()?;
    let options = StoreOptions {
        max_connections: config.db_max_connections,
        ..StoreOptions::default()
    };
    let store = open_store_with(&config.database_url, &options).await?;
    start_with_store(config, store).await
}

/// Serves with an already opened store (several servers or tools sharing one store).
pub async fn start_with_store(
    config: Config,
    store: Arc<Storage>,
) -> anyhow::Result<RunningServer> {
    std::fs::create_dir_all(&config.data_dir).ok();
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(store.clone(), config);
    let app = router(state.clone());
    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);

    let mut rx = shutdown_rx.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = rx.wait_for(|stop| *stop).await;
        })
        .await
    });

    let sweeper = (state.config.sweep_interval_secs > 0).then(|| {
        let state = state.clone();
        let every = Duration::from_secs(state.config.sweep_interval_secs);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = shutdown_rx.wait_for(|stop| *stop) => break,
                }
                match state.sweep().await {
                    Ok(r) if r != SweepReport::default() => tracing::info!(?r, "sweep"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "sweep failed"),
                }
            }
        })
    });

    tracing::info!(%addr, database = store.backend().name(), "ingest server listening");
    Ok(RunningServer {
        addr,
        base_url: format!("http://{addr}"),
        store,
        state,
        shutdown_tx,
        server,
        sweeper,
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
