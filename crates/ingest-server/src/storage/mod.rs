//! Storage: one concrete [`Storage`] type over SQLite (the embedded default) or PostgreSQL.
//!
//! Methods are whole use cases (one transaction each where it matters) and ordinary
//! functions, each in the `storage.rs` of its capability (`crate::enrollment::storage`,
//! `crate::sending::storage`, …); every method takes the current time
//! from the caller (`now_ms`), so tests can move time. Guarantees both backends keep:
//!
//! * a batch is claimed by `(session, kind, seq)` inside a transaction; its body is stored
//!   once per school by content hash (`batch_blob`), so retries and delta references are
//!   cheap and idempotent (the claim rule: [`crate::sending::claim`]);
//! * a commit replaces the school's snapshot (rows, batch list, summary) and appends a
//!   progress entry in one transaction: readers see the old snapshot or the new one.
//!
//! Where the backends differ: SQL fragments in `dialect` (statements built once per
//! backend), the hot writes in [`crate::sending::sqlite_writer`] (group commit) and
//! [`crate::sending::postgres_copy`] (one-statement claims, `COPY` commits); [`query`] runs
//! one statement on either backend. Migrations: `migrations/{sqlite,postgres}`. The
//! conformance suite (`tests/store_suite.rs`) runs against both.

mod dialect;
mod error;
pub mod query;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub(crate) use dialect::Dialect;
pub use error::{StoreError, StoreResult};
pub(crate) use error::{from_json, parse_kind, parse_state, to_json};
use query::{Exec, Tx};

// The records of every capability's storage, under one path for callers and tests.
pub use crate::enrollment::storage::{KodeRegistrasiRecord, NewEnrollment, TokenLookup};
pub use crate::lists::storage::{KecamatanTotals, Page, RombelListData, SchoolRow};
pub use crate::programs::storage::ProgramUpload;
pub use crate::progress::storage::{BelumKirimRecord, KindRowOut, RowFilter, SendHistoryEntry};
pub use crate::reference::storage::{ImportCounts, KecamatanRef, ReferenceTotals, SekolahRef};
pub use crate::sending::bulk_load::BulkRow;
pub use crate::sending::storage::{
    BatchRefInput, CommitBatch, CommitOutcome, Expected, HeldBatch, NewBatch, NewSession,
    PreparedCommit, SessionRecord, SnapshotRow, StagedBatch,
};
pub use crate::sending::sweep::{SweepPolicy, SweepReport};
pub use crate::staff::audit_storage::{AuditQuery, AuditRecord};
pub use crate::staff::storage::{NewStaff, NewStaffSession, StaffAccount, StaffSessionRecord};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Pool sizes and timeouts.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections of the PostgreSQL pool / SQLite read pool.
    pub max_connections: u32,
    /// Waiting for a lock (SQLite `busy_timeout`) or a pooled connection.
    pub acquire_timeout: std::time::Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 16,
            acquire_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// The district's database. Cheap to share as `Arc<Storage>`.
pub struct Storage {
    pub(crate) db: Db,
}

pub(crate) enum Db {
    /// Writes go through exactly one connection (`BEGIN IMMEDIATE`), so concurrent senders
    /// queue in the process instead of fighting over the file lock; reads use a read-only
    /// pool that, thanks to WAL, never waits for writes. `busy_timeout` covers other
    /// processes (the CLI) touching the same file.
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
        queue: Arc<crate::sending::sqlite_writer::WriteQueue>,
    },
    /// One pool for reads and writes. Its sessions run with `synchronous_commit = off`
    /// (staging writes); every durable write turns it back on ([`Storage::begin`]).
    Postgres { pool: PgPool },
}

/// Opens the storage for a database URL (`sqlite://…` or `postgres://…`/`postgresql://…`) and
/// applies its migrations.
pub async fn open_store(database_url: &str) -> anyhow::Result<Arc<Storage>> {
    open_store_with(database_url, &StoreOptions::default()).await
}

pub async fn open_store_with(
    database_url: &str,
    options: &StoreOptions,
) -> anyhow::Result<Arc<Storage>> {
    let url = database_url.trim();
    let db = if url.starts_with("sqlite:") {
        open_sqlite(url, options).await?
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        open_postgres(url, options).await?
    } else {
        anyhow::bail!("database URL must start with sqlite:// or postgres:// (got {url:?})")
    };
    Ok(Arc::new(Storage { db }))
}

/// Opens (creating if needed) the database file of a `sqlite://` URL and migrates it.
async fn open_sqlite(url: &str, options: &StoreOptions) -> anyhow::Result<Db> {
    let base = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(options.acquire_timeout)
        .foreign_keys(true);
    if let Some(parent) = Path::new(base.get_filename()).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(base.clone())
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
    let reader = SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(base.read_only(true))
        .await?;
    Ok(Db::Sqlite {
        writer,
        reader,
        queue: Arc::default(),
    })
}

/// Connects to a `postgres://` URL and migrates the database.
async fn open_postgres(url: &str, options: &StoreOptions) -> anyhow::Result<Db> {
    // Staging writes (batch claims, sessions, sweeps) do not wait for the WAL flush; every
    // durable write (commits, enrollment, reference data, staff data) turns it back on.
    let connect = PgConnectOptions::from_str(url)?.options([("synchronous_commit", "off")]);
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections.max(2))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(Db::Postgres { pool })
}

impl Storage {
    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self.db {
            Db::Sqlite { .. } => Dialect::Sqlite,
            Db::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Cheap liveness check (`/healthz`).
    pub async fn ping(&self) -> StoreResult<()> {
        query::query("SELECT 1").execute(self.read()).await?;
        Ok(())
    }

    /// Closes the connection pool(s).
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { writer, reader, .. } => {
                reader.close().await;
                writer.close().await;
            }
            Db::Postgres { pool } => pool.close().await,
        }
    }

    /// Where reads run (SQLite's read-only pool, PostgreSQL's one pool).
    pub(crate) fn read(&self) -> Exec<'_> {
        match &self.db {
            Db::Sqlite { reader, .. } => Exec::SqlitePool(reader),
            Db::Postgres { pool } => Exec::PgPool(pool),
        }
    }

    /// A durable write transaction (SQLite `BEGIN IMMEDIATE` on the writer; PostgreSQL with
    /// `synchronous_commit = on`).
    pub(crate) async fn begin(&self) -> StoreResult<Tx> {
        Ok(match &self.db {
            Db::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres { pool } => Tx::Pg(
                pool.begin_with("BEGIN; SET LOCAL synchronous_commit = on")
                    .await?,
            ),
        })
    }

    /// A transaction for staging writes (sessions, sweeps) that does not wait for the
    /// PostgreSQL WAL flush: a crash may forget the last acknowledged batches, which the
    /// helper's resume (`GET /sessions/{id}`) uploads again. Commits stay fully durable.
    pub(crate) async fn begin_staging(&self) -> StoreResult<Tx> {
        Ok(match &self.db {
            Db::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres { pool } => Tx::Pg(pool.begin().await?),
        })
    }

    /// One durable statement: on the SQLite writer directly, on PostgreSQL in a durable
    /// transaction. The number of rows it changed.
    pub(crate) async fn write(&self, q: query::Query<'_>) -> StoreResult<u64> {
        match &self.db {
            Db::Sqlite { writer, .. } => q.execute(Exec::SqlitePool(writer)).await,
            Db::Postgres { .. } => {
                let mut tx = self.begin().await?;
                let n = q.execute(tx.exec()).await?;
                tx.commit().await?;
                Ok(n)
            }
        }
    }
}
