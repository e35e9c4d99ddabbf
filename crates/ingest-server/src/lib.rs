//! The district's ingest server: school enrollment (kode registrasi), resumable and
//! idempotent batch ingest of Dapodik data, per-school snapshots, send progress, the
//! public read API and the district's pages. Protocol: `docs/protocol.md`.
//!
//! One folder per capability, each with its JSON handlers, page handlers, rules, records
//! and SQL side by side: [`enrollment`], [`sending`], [`reference`](mod@reference), [`helper_version`],
//! [`progress`], [`staff`], [`lists`], [`programs`]. Shared plumbing (state, router,
//! middleware, configuration, errors) is in [`app`]; the one [`storage::Storage`] type and
//! the SQL dialects in [`storage`]. [`app::start`] runs a server (tests bind port 0).

pub mod app;
pub mod enrollment;
pub mod helper_version;
pub mod lists;
pub mod programs;
pub mod progress;
pub mod reference;
pub mod sending;
pub mod staff;
pub mod storage;

pub use app::config::{self, Config};
pub use app::{AppState, RunningServer, cli, start};
pub use storage::{Storage, open_store};
