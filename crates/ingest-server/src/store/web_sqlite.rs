//! [`WebStore`](super::WebStore) on SQLite: a single-connection writer (`BEGIN IMMEDIATE`)
//! and a read-only pool on the same file as [`super::SqliteStore`]. The methods are the
//! shared ones of [`super::web_sql`].

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::StoreResult;
use super::web_sql::web_store_methods;

pub struct SqliteWebStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteWebStore {
    /// Pools on the database file of a `sqlite://` URL; no connection is made yet.
    pub fn open_lazy(url: &str, max_connections: u32) -> anyhow::Result<SqliteWebStore> {
        let timeout = std::time::Duration::from_secs(30);
        let base = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(timeout)
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(timeout)
            .connect_lazy_with(base.clone());
        let reader = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(timeout)
            .connect_lazy_with(base.read_only(true));
        Ok(SqliteWebStore { writer, reader })
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}

web_store_methods!(SqliteWebStore, Sqlite);
