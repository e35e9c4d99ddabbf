//! The staff area: accounts, login, sessions, CSRF, the audit log, the `staf` CLI.

pub mod access;
pub mod accounts;
pub mod admin_forms;
pub mod audit;
pub mod audit_page;
pub mod audit_storage;
pub mod cli;
pub mod home;
pub mod login;
pub mod login_limiter;
pub mod session;
pub mod storage;
