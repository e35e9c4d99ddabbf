//! DB Helper for the school PC: pulls the local Dapodik Web Service and sends the data to
//! the district server. The engine is plain Rust (usable without a window); `ui` draws it.
//!
//! Layout: [`dapodik`] (Web Service client), [`outbox`] (crash-safe SQLite),
//! [`upload`] (protocol client + retry), [`engine`] (the pipeline and its progress),
//! [`secrets`] (OS credential store), [`config`]/[`paths`] (settings and folders),
//! [`messages`] (every Indonesian text), [`ui`] (eframe), [`headless`] (`kirim`, `status`).

pub mod cli;
pub mod config;
pub mod dapodik;
pub mod engine;
pub mod failure;
pub mod headless;
pub mod logging;
pub mod memory;
pub mod messages;
pub mod outbox;
pub mod paths;
pub mod preview;
pub mod secrets;
pub mod ui;
pub mod upload;
pub mod validate;

pub use engine::{Engine, EngineConfig, EngineHandle, SendReport, SendRequest};
pub use failure::{Failure, FailureKind};
