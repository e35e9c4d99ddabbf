//! The district's ingest server: school enrollment (kode registrasi), resumable and
//! idempotent batch ingest of Dapodik data, per-school snapshots, send progress and the
//! public read API. Protocol: `docs/protocol.md`.
//!
//! Layers: [`http`] (axum handlers, errors, auth, limits) → [`domain`] (rules, no I/O) →
//! [`store`] (one [`store::Store`] trait, SQLite and PostgreSQL backends).
//! [`app::start`] runs a server (tests bind port 0); [`ops`] holds the admin operations
//! the CLI ([`cli`]) exposes.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod http;
pub mod ops;
pub mod store;
pub mod web;

pub use app::{AppState, RunningServer, start};
pub use config::Config;
pub use store::{Store, open_store};
