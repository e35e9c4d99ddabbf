//! Domain rules, free of HTTP and SQL: batch decoding, commit preparation, secrets,
//! session validation, version policy and time formatting.

pub mod batch;
pub mod commit;
pub mod rows;
pub mod secret;
pub mod session;
pub mod time;
pub mod version;
