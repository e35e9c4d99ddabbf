//! One statement, either backend: [`Query`] holds the SQL and its parameters as plain values
//! and runs them on whichever connection it is given ([`Exec`]). This is what lets every
//! storage method be written once as an ordinary function; the hot paths that need a
//! backend's own API (the SQLite group-commit writer, PostgreSQL `COPY`) use sqlx directly.

use std::borrow::Cow;

use futures::TryStreamExt as _;
use sqlx::error::BoxDynError;
use sqlx::postgres::PgArguments;
use sqlx::postgres::PgRow;
use sqlx::query::QueryAs;
use sqlx::sqlite::SqliteArguments;
use sqlx::sqlite::SqliteRow;
use sqlx::{
    Arguments, AssertSqlSafe, Decode, Encode, FromRow, PgConnection, PgPool, Postgres, Sqlite,
    SqliteConnection, SqlitePool, Transaction, Type,
};

use super::StoreResult;

/// A record both backends can decode (`#[derive(sqlx::FromRow)]` gives both).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single column value both backends can decode.
pub trait Value:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Value for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Where a statement runs: a pool or a connection (usually inside a [`Tx`]).
pub enum Exec<'c> {
    SqlitePool(&'c SqlitePool),
    PgPool(&'c PgPool),
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

impl Exec<'_> {
    /// The same place for one more statement.
    pub fn reborrow(&mut self) -> Exec<'_> {
        match self {
            Exec::SqlitePool(p) => Exec::SqlitePool(p),
            Exec::PgPool(p) => Exec::PgPool(p),
            Exec::Sqlite(c) => Exec::Sqlite(c),
            Exec::Pg(c) => Exec::Pg(c),
        }
    }
}

/// A write transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    /// The transaction's connection, for the next statement.
    pub fn exec(&mut self) -> Exec<'_> {
        match self {
            Tx::Sqlite(tx) => Exec::Sqlite(tx),
            Tx::Pg(tx) => Exec::Pg(tx),
        }
    }

    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Pg(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A bound parameter (the types the schema uses).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    I64(i64),
    OptI64(Option<i64>),
    Bool(bool),
    Bytes(&'a [u8]),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(v)
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(v)
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::OptText(v)
    }
}
impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::OptText(v.as_deref())
    }
}
impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::I64(v)
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::OptI64(v)
    }
}
impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}
impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(v: &'a [u8]) -> Self {
        Arg::Bytes(v)
    }
}
impl<'a> From<&'a Vec<u8>> for Arg<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Arg::Bytes(v)
    }
}

/// SQL text with its parameters, not yet tied to a backend.
#[must_use]
pub struct Query<'a> {
    sql: Cow<'static, str>,
    args: Vec<Arg<'a>>,
}

/// A statement (constant or built once per backend by `super::dialect`).
pub fn query<'a>(sql: &'static str) -> Query<'a> {
    Query {
        sql: Cow::Borrowed(sql),
        args: Vec::new(),
    }
}

/// A statement whose text is assembled at run time from constant pieces only (multi-row
/// inserts): never from input.
pub fn query_built<'a>(sql: String) -> Query<'a> {
    Query {
        sql: Cow::Owned(sql),
        args: Vec::new(),
    }
}

/// The parameters as a backend's argument list (the same code for both backends).
fn arguments<A: Arguments>(args: &[Arg<'_>]) -> Result<A, BoxDynError>
where
    for<'t> &'t str: Encode<'t, A::Database> + Type<A::Database>,
    for<'t> Option<&'t str>: Encode<'t, A::Database> + Type<A::Database>,
    for<'t> i64: Encode<'t, A::Database> + Type<A::Database>,
    for<'t> Option<i64>: Encode<'t, A::Database> + Type<A::Database>,
    for<'t> bool: Encode<'t, A::Database> + Type<A::Database>,
    for<'t> &'t [u8]: Encode<'t, A::Database> + Type<A::Database>,
{
    let mut out = A::default();
    for arg in args {
        match *arg {
            Arg::Text(v) => out.add(v)?,
            Arg::OptText(v) => out.add(v)?,
            Arg::I64(v) => out.add(v)?,
            Arg::OptI64(v) => out.add(v)?,
            Arg::Bool(v) => out.add(v)?,
            Arg::Bytes(v) => out.add(v)?,
        }
    }
    Ok(out)
}

impl<'a> Query<'a> {
    pub fn bind(mut self, value: impl Into<Arg<'a>>) -> Self {
        self.args.push(value.into());
        self
    }

    fn sqlite_as<T: Record>(self) -> StoreResult<QueryAs<'static, Sqlite, T, SqliteArguments>> {
        Ok(sqlx::query_as_with(
            AssertSqlSafe(self.sql),
            sqlite_args(&self.args)?,
        ))
    }

    fn pg_as<T: Record>(self) -> StoreResult<QueryAs<'static, Postgres, T, PgArguments>> {
        Ok(sqlx::query_as_with(
            AssertSqlSafe(self.sql),
            pg_args(&self.args)?,
        ))
    }

    /// Every row as a record.
    pub async fn fetch_all<T: Record>(self, exec: Exec<'_>) -> StoreResult<Vec<T>> {
        Ok(match exec {
            Exec::SqlitePool(p) => self.sqlite_as()?.fetch_all(p).await?,
            Exec::Sqlite(c) => self.sqlite_as()?.fetch_all(c).await?,
            Exec::PgPool(p) => self.pg_as()?.fetch_all(p).await?,
            Exec::Pg(c) => self.pg_as()?.fetch_all(c).await?,
        })
    }

    /// The first row, if any.
    pub async fn fetch_optional<T: Record>(self, exec: Exec<'_>) -> StoreResult<Option<T>> {
        Ok(match exec {
            Exec::SqlitePool(p) => self.sqlite_as()?.fetch_optional(p).await?,
            Exec::Sqlite(c) => self.sqlite_as()?.fetch_optional(c).await?,
            Exec::PgPool(p) => self.pg_as()?.fetch_optional(p).await?,
            Exec::Pg(c) => self.pg_as()?.fetch_optional(c).await?,
        })
    }

    /// Exactly one row.
    pub async fn fetch_one<T: Record>(self, exec: Exec<'_>) -> StoreResult<T> {
        Ok(match exec {
            Exec::SqlitePool(p) => self.sqlite_as()?.fetch_one(p).await?,
            Exec::Sqlite(c) => self.sqlite_as()?.fetch_one(c).await?,
            Exec::PgPool(p) => self.pg_as()?.fetch_one(p).await?,
            Exec::Pg(c) => self.pg_as()?.fetch_one(c).await?,
        })
    }

    /// The first column of every row.
    pub async fn scalars<T: Value>(self, exec: Exec<'_>) -> StoreResult<Vec<T>> {
        let rows: Vec<(T,)> = self.fetch_all(exec).await?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    /// The first column of the first row, if any.
    pub async fn scalar_optional<T: Value>(self, exec: Exec<'_>) -> StoreResult<Option<T>> {
        let row: Option<(T,)> = self.fetch_optional(exec).await?;
        Ok(row.map(|(v,)| v))
    }

    /// The first column of exactly one row.
    pub async fn scalar<T: Value>(self, exec: Exec<'_>) -> StoreResult<T> {
        let (v,): (T,) = self.fetch_one(exec).await?;
        Ok(v)
    }

    /// Streams the rows through `each` without holding them all (large scans).
    pub async fn for_each<T: Record>(
        self,
        exec: Exec<'_>,
        mut each: impl FnMut(T) + Send,
    ) -> StoreResult<()> {
        match exec {
            Exec::SqlitePool(p) => {
                let mut rows = self.sqlite_as::<T>()?.fetch(p);
                while let Some(r) = rows.try_next().await? {
                    each(r);
                }
            }
            Exec::PgPool(p) => {
                let mut rows = self.pg_as::<T>()?.fetch(p);
                while let Some(r) = rows.try_next().await? {
                    each(r);
                }
            }
            Exec::Sqlite(_) | Exec::Pg(_) => {
                for r in self.fetch_all::<T>(exec).await? {
                    each(r);
                }
            }
        }
        Ok(())
    }

    /// Runs the statement; the number of rows it changed.
    pub async fn execute(self, exec: Exec<'_>) -> StoreResult<u64> {
        let sql = AssertSqlSafe(self.sql);
        let done = match exec {
            Exec::SqlitePool(p) => {
                sqlx::query_with(sql, sqlite_args(&self.args)?)
                    .execute(p)
                    .await?
            }
            Exec::Sqlite(c) => {
                sqlx::query_with(sql, sqlite_args(&self.args)?)
                    .execute(c)
                    .await?
            }
            Exec::PgPool(p) => {
                return Ok(sqlx::query_with(sql, pg_args(&self.args)?)
                    .execute(p)
                    .await?
                    .rows_affected());
            }
            Exec::Pg(c) => {
                return Ok(sqlx::query_with(sql, pg_args(&self.args)?)
                    .execute(c)
                    .await?
                    .rows_affected());
            }
        };
        Ok(done.rows_affected())
    }
}

fn sqlite_args(args: &[Arg<'_>]) -> StoreResult<SqliteArguments> {
    Ok(arguments(args).map_err(sqlx::Error::Encode)?)
}

fn pg_args(args: &[Arg<'_>]) -> StoreResult<PgArguments> {
    Ok(arguments(args).map_err(sqlx::Error::Encode)?)
}
