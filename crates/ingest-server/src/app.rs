//! Router assembly, middleware, the sweeper task and the server lifecycle
//! (start on any port, graceful shutdown that lets in-flight commits finish).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use shared_model::protocol::{API_PREFIX, VersionInfo};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_util::task::TaskTracker;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate as _, SizeAbove};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::domain::time::now_ms;
use crate::http::cache::{SessionCache, TokenCache};
use crate::http::error::ApiError;
use crate::http::rate_limit::RateLimiter;
use crate::store::{Store, StoreOptions, SweepPolicy, SweepReport, open_store_with};

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub limiter: Arc<RateLimiter>,
    /// Commits run as tracked tasks: shutdown waits for them.
    pub tasks: TaskTracker,
    /// Bounds concurrent batch decoding (CPU and memory).
    pub decode_permits: Arc<Semaphore>,
    /// Bounds concurrent commit preparation (memory).
    pub commit_permits: Arc<Semaphore>,
    pub token_cache: Arc<TokenCache>,
    pub session_cache: Arc<SessionCache>,
    /// District pages: templates, page cache, staff sessions (`crate::web`).
    pub web: crate::web::WebState,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> AppState {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        // Concurrent commits. SQLite has one writer: a few let the next commits decode while
        // the current group writes, and commits queued together share one WAL sync.
        // PostgreSQL commits of different schools run in parallel and each spends most of
        // its time waiting (round trips, WAL flush): with only `cores` of them the
        // whole-kabupaten ingest ran at a third of the COPY rate (docs/benchmarks.md). Half
        // the pool, so batch claims always find a connection.
        let commit_slots = match store.backend() {
            crate::store::Backend::Sqlite => (cores * 2).max(4),
            crate::store::Backend::Postgres => (config.db_max_connections as usize / 2).max(2),
        };
        AppState {
            store,
            web: crate::web::WebState::new(&config),
            limiter: Arc::new(RateLimiter::new(config.rate_limit)),
            config: Arc::new(config),
            tasks: TaskTracker::new(),
            decode_permits: Arc::new(Semaphore::new((cores * 2).max(2))),
            commit_permits: Arc::new(Semaphore::new(commit_slots)),
            token_cache: Arc::new(TokenCache::new(Duration::from_secs(60))),
            session_cache: Arc::new(SessionCache::default()),
        }
    }

    pub fn session_ttl_ms(&self) -> i64 {
        i64::try_from(self.config.session_ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX / 4)
    }

    /// The effective helper version policy (configuration overridden by stored settings).
    pub async fn version_info(&self) -> Result<VersionInfo, ApiError> {
        Ok(
            crate::domain::version::effective(self.store.as_ref(), &self.config.version.info())
                .await?,
        )
    }

    /// One sweep: expire idle sessions, delete old ones and unreferenced blobs.
    pub async fn sweep(&self) -> anyhow::Result<SweepReport> {
        let c = &self.config;
        let report = self
            .store
            .sweep(SweepPolicy {
                now_ms: now_ms(),
                closed_session_retention_ms: (c.closed_session_retention_secs as i64)
                    .saturating_mul(1000),
                blob_grace_ms: (c.blob_grace_secs as i64).saturating_mul(1000),
            })
            .await?;
        self.limiter.prune();
        self.token_cache.prune();
        self.session_cache
            .prune(Duration::from_secs(self.config.session_ttl_secs.max(1)));
        Ok(report)
    }
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("handler panicked".into()).into_response()
}

/// The whole HTTP application: `/api/v1/…`, `/healthz`, middleware. Pages (`web`) can be
/// merged into [`routes`] later; they share [`AppState`].
pub fn router(state: AppState) -> Router {
    layered(routes().merge(crate::web::router(&state))).with_state(state)
}

/// Routes without middleware or state (to merge more routes, e.g. district pages).
pub fn routes() -> Router<AppState> {
    Router::new()
        .nest(API_PREFIX, crate::http::api_routes())
        .route("/healthz", get(crate::http::health::healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// Adds the standard middleware stack to `routes`.
pub fn layered(routes: Router<AppState>) -> Router<AppState> {
    let request_id = HeaderName::from_static("x-request-id");
    routes
        // Small answers (batch acknowledgements) are not worth a compressor context.
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(SizeAbove::new(1024))))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = id)
                })
                .on_response(
                    |res: &Response, latency: Duration, _span: &tracing::Span| {
                        let status = res.status();
                        if status.is_server_error() {
                            tracing::warn!(status = status.as_u16(), ms = latency.as_millis() as u64, "response");
                        } else {
                            tracing::debug!(status = status.as_u16(), ms = latency.as_millis() as u64, "response");
                        }
                    },
                ),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// A server started by [`start`].
pub struct RunningServer {
    /// The bound address (the real port when the configuration said 0).
    pub addr: SocketAddr,
    /// `http://<addr>` (the API is under `/api/v1`).
    pub base_url: String,
    pub store: Arc<dyn Store>,
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
    store: Arc<dyn Store>,
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
