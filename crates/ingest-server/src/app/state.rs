//! The state every handler shares. A leaf: it names the parts (storage, configuration,
//! limits, caches, page state), never the router.

use std::sync::Arc;
use std::time::Duration;

use shared_model::protocol::VersionInfo;
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;

use crate::app::api_error::ApiError;
use crate::app::config::Config;
use crate::app::page_state::WebState;
use crate::app::time::now_ms;
use crate::enrollment::rate_limit::RateLimiter;
use crate::enrollment::token_cache::TokenCache;
use crate::sending::session_cache::SessionCache;
use crate::storage::{Storage, SweepPolicy, SweepReport};

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Storage>,
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
    /// District pages: templates, page cache, staff sessions ([`WebState`]).
    pub web: WebState,
}

impl AppState {
    pub fn new(store: Arc<Storage>, config: Config) -> AppState {
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
            crate::storage::Backend::Sqlite => (cores * 2).max(4),
            crate::storage::Backend::Postgres => (config.db_max_connections as usize / 2).max(2),
        };
        AppState {
            web: WebState::with_store(&config, store.clone()),
            limiter: Arc::new(RateLimiter::new(config.rate_limit)),
            config: Arc::new(config),
            tasks: TaskTracker::new(),
            decode_permits: Arc::new(Semaphore::new((cores * 2).max(2))),
            commit_permits: Arc::new(Semaphore::new(commit_slots)),
            token_cache: Arc::new(TokenCache::new(Duration::from_secs(60))),
            session_cache: Arc::new(SessionCache::default()),
            store,
        }
    }

    pub fn session_ttl_ms(&self) -> i64 {
        i64::try_from(self.config.session_ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX / 4)
    }

    /// The effective helper version policy (configuration overridden by stored settings).
    pub async fn version_info(&self) -> Result<VersionInfo, ApiError> {
        Ok(crate::helper_version::policy::effective(
            self.store.as_ref(),
            &self.config.version.info(),
        )
        .await?)
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
