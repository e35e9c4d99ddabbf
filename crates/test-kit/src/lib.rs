//! What every test suite of the workspace shares, as a dev-dependency.
//!
//! * [`fixtures`]: the Dapodik Web Service bodies in the repository (re-exported from the
//!   `dapodik-fixtures` crate, which the simulator's `import-fixtures` also uses).
//! * [`cannot_run`]: a test that cannot run on this machine (no display, no browser, no
//!   PostgreSQL) says so loudly and is listed in `scripts/test.sh`'s summary, instead of
//!   passing silently.
//! * [`postgres`] (feature `postgres`): a throwaway PostgreSQL database, created fresh and
//!   dropped afterwards, for the server's suites and benches.
//! * [`kabupaten`] (feature `kabupaten`): a generated kabupaten with its truth files, sent
//!   school by school through protocol v1 like a helper (the page tests, the pages bench).

pub use dapodik_fixtures as fixtures;

#[cfg(feature = "kabupaten")]
pub mod kabupaten;
#[cfg(feature = "postgres")]
pub mod postgres;
mod unavailable;

pub use unavailable::{ENV_SKIP_LOG, cannot_run, in_ci};
