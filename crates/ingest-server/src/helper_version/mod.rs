//! The helper version policy (API, admin page, CLI) and the helper downloads page.

pub mod api;
pub mod cli;
pub mod downloads;
pub mod pages;
pub mod policy;
pub mod settings;
pub mod storage;

pub use settings::set_version_policy;
