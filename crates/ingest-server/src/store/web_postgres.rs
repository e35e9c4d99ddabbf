//! [`WebStore`](super::WebStore) on PostgreSQL: a second, small pool on the database of
//! [`super::PostgresStore`]. The methods are the shared ones of [`super::web_sql`].

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::StoreResult;
use super::web_sql::web_store_methods;

pub struct PostgresWebStore {
    pool: PgPool,
}

impl PostgresWebStore {
    /// A pool on the database of a `postgres://` URL; no connection is made yet.
    pub fn open_lazy(url: &str, max_connections: u32) -> anyhow::Result<PostgresWebStore> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(std::time::Duration::from_secs(30))
            .connect_lazy_with(PgConnectOptions::from_str(url)?);
        Ok(PostgresWebStore { pool })
    }

    /// Reads and writes share the one pool.
    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

web_store_methods!(PostgresWebStore, Postgres);
