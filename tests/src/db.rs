//! The server's database, seen directly: a fresh database per run (SQLite file or a new
//! PostgreSQL database, dropped afterwards) and the row counts the final check compares
//! with the truth.
//!
//! PostgreSQL: `TEST_DATABASE_URL_PG` (default `postgres://postgres@127.0.0.1:5432/test`,
//! trust auth). When it is unreachable the PostgreSQL run is skipped loudly, unless
//! `CI=true`, where that is a failure.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use shared_model::{DataKind, KindCounts};
use sqlx::Connection as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// One run's database; dropping it removes a PostgreSQL database.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    _pg: Option<test_kit::postgres::ThrowawayPg>,
}

impl TestDatabase {
    pub fn sqlite(dir: &Path) -> TestDatabase {
        TestDatabase {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}", dir.join("ingest.sqlite").display()),
            _pg: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` (after a loud message) outside CI when the
    /// server is unreachable.
    pub async fn postgres(prefix: &str) -> Option<TestDatabase> {
        let pg = test_kit::postgres::ThrowawayPg::for_test(prefix).await?;
        Some(TestDatabase {
            backend: Backend::Postgres,
            url: pg.url.clone(),
            _pg: Some(pg),
        })
    }
}

/// What the database holds per school.
#[derive(Debug, Clone, Default)]
pub struct StoredRows {
    /// `snapshot_row` rows per school and kind.
    pub rows: BTreeMap<String, KindCounts>,
    /// `snapshot_row` rows whose kind is not one of the 8.
    pub unknown_kind_rows: u64,
    /// `progres_kirim` entries per school (one per committed send).
    pub progres_entries: BTreeMap<String, u64>,
    /// Schools with a current snapshot.
    pub snapshots: u64,
}

type CountRow = (String, String, i64);

/// Reads the row counts straight from the server's tables.
pub async fn stored_rows(backend: Backend, url: &str) -> anyhow::Result<StoredRows> {
    let q_rows = "SELECT npsn, kind, COUNT(*) FROM snapshot_row GROUP BY npsn, kind";
    let q_progres = "SELECT npsn, COUNT(*) FROM progres_kirim GROUP BY npsn";
    let q_snap = "SELECT COUNT(*) FROM school_snapshot";
    let (rows, progres, snaps): (Vec<CountRow>, Vec<(String, i64)>, i64) = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&format!("{url}?mode=ro"))
                .await
                .context("open SQLite")?;
            let r = sqlx::query_as(q_rows).fetch_all(&mut c).await?;
            let p = sqlx::query_as(q_progres).fetch_all(&mut c).await?;
            let (s,): (i64,) = sqlx::query_as(q_snap).fetch_one(&mut c).await?;
            let _ = c.close().await;
            (r, p, s)
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url)
                .await
                .context("open PostgreSQL")?;
            let r = sqlx::query_as(q_rows).fetch_all(&mut c).await?;
            let p = sqlx::query_as(q_progres).fetch_all(&mut c).await?;
            let (s,): (i64,) = sqlx::query_as(q_snap).fetch_one(&mut c).await?;
            let _ = c.close().await;
            (r, p, s)
        }
    };
    let mut out = StoredRows {
        snapshots: snaps as u64,
        ..StoredRows::default()
    };
    for (npsn, kind, n) in rows {
        match DataKind::from_wire_name(&kind) {
            Some(k) => out.rows.entry(npsn).or_default().set(k, n as u64),
            None => out.unknown_kind_rows += n as u64,
        }
    }
    out.progres_entries = progres.into_iter().map(|(n, c)| (n, c as u64)).collect();
    Ok(out)
}

/// One school's stored rows: `(kind, row_id) → row JSON object`.
pub async fn snapshot_rows(
    backend: &Backend,
    url: &str,
    npsn: &str,
) -> anyhow::Result<BTreeMap<(String, String), serde_json::Map<String, serde_json::Value>>> {
    let rows: Vec<(String, String, String)> = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&format!("{url}?mode=ro")).await?;
            let r = sqlx::query_as("SELECT kind, row_id, data FROM snapshot_row WHERE npsn = ?")
                .bind(npsn)
                .fetch_all(&mut c)
                .await?;
            let _ = c.close().await;
            r
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await?;
            let r =
                sqlx::query_as("SELECT kind, row_id, data::text FROM snapshot_row WHERE npsn = $1")
                    .bind(npsn)
                    .fetch_all(&mut c)
                    .await?;
            let _ = c.close().await;
            r
        }
    };
    let mut out = BTreeMap::new();
    for (kind, id, data) in rows {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&data) {
            out.insert((kind, id), m);
        }
    }
    Ok(out)
}
