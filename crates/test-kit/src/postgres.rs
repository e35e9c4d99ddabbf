//! A throwaway PostgreSQL database: created under a fresh name on the test server
//! (`TEST_DATABASE_URL_PG`, default `postgres://postgres@127.0.0.1:5432/test`, trust auth)
//! and dropped (`WITH (FORCE)`) when the value is dropped.

use rand::Rng as _;
use sqlx::Connection as _;

/// Environment variable naming the PostgreSQL server the tests use.
pub const ENV_TEST_PG: &str = "TEST_DATABASE_URL_PG";

/// The test server's URL: `$TEST_DATABASE_URL_PG` or the local trust-auth default.
pub fn base_url() -> String {
    std::env::var(ENV_TEST_PG).unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// `postgres://…/<db>?q` → `postgres://…/<other>?q`.
pub fn with_database(url: &str, db: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (url, None),
    };
    let scheme_end = main.find("://").map_or(0, |i| i + 3);
    let base = match main[scheme_end..].find('/') {
        Some(i) => &main[..scheme_end + i],
        None => main,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// One fresh database; dropping the value drops the database.
#[derive(Debug)]
pub struct ThrowawayPg {
    /// Connection URL of the fresh database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl ThrowawayPg {
    /// Creates `<prefix>_<pid>_<random>` on the server of `base_url`.
    pub async fn create_at(base_url: &str, prefix: &str) -> Result<ThrowawayPg, sqlx::Error> {
        let admin_url = with_database(base_url, "postgres");
        let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
        let name = format!(
            "{prefix}_{}_{:08x}",
            std::process::id(),
            rand::thread_rng().r#gen::<u32>()
        );
        let sql = format!("CREATE DATABASE \"{name}\"");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await?;
        let _ = admin.close().await;
        Ok(ThrowawayPg {
            url: with_database(base_url, &name),
            admin_url,
            name,
        })
    }

    /// A fresh database on the test server, or `None` after [`crate::cannot_run`] when the
    /// server is unreachable (under CI that fails the test).
    pub async fn for_test(prefix: &str) -> Option<ThrowawayPg> {
        let base = base_url();
        match ThrowawayPg::create_at(&base, prefix).await {
            Ok(db) => Some(db),
            Err(e) => {
                crate::cannot_run(
                    &format!("PostgreSQL half of a test ({prefix})"),
                    &format!("{} unreachable: {e}", with_database(&base, "postgres")),
                    "start PostgreSQL or set TEST_DATABASE_URL_PG",
                );
                None
            }
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ThrowawayPg {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async (and maybe inside a runtime): a private runtime on a thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async move {
                let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .ok()?;
                Some(())
            })
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            with_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[tokio::test]
    async fn a_database_is_created_and_dropped() {
        let Some(db) = ThrowawayPg::for_test("test_kit").await else {
            return;
        };
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        let (one,): (i32,) = sqlx::query_as("SELECT 1").fetch_one(&mut c).await.unwrap();
        assert_eq!(one, 1);
        c.close().await.unwrap();
        let (admin, name) = (db.admin_url.clone(), db.name.clone());
        drop(db);
        let mut a = sqlx::PgConnection::connect(&admin).await.unwrap();
        let left: Option<(String,)> =
            sqlx::query_as("SELECT datname::text FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut a)
                .await
                .unwrap();
        assert!(left.is_none(), "{name} still exists");
    }
}
