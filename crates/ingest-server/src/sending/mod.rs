//! Sending: sessions, batch claims (upload and delta reference), commits and the sweep;
//! the hot writes per backend (`sqlite_writer`, `postgres_copy`), their rules (`claim`).

pub mod api_batches;
pub mod api_sessions;
pub mod batch;
pub mod bulk_load;
pub mod claim;
pub mod commit;
pub mod declaration;
pub mod postgres_copy;
pub mod rows;
pub mod session_cache;
pub mod sqlite_commit;
pub mod sqlite_writer;
pub mod storage;
pub mod sweep;
