//! Plain types shared by the school helper, the district server and the simulator.
//!
//! No I/O lives here: parsing of Dapodik Web Service bodies, the 8 data kinds the
//! district tracks, flattening the five endpoint responses into rows of those kinds,
//! classification rules (guru/tendik, bentuk, status) and the helper↔server protocol.

pub mod batching;
pub mod classify;
pub mod flatten;
pub mod kinds;
pub mod lenient;
pub mod nul;
pub mod protocol;
pub mod rows;
pub mod summary;
pub mod warnings;
pub mod webservice;

pub use kinds::{DataKind, KindCounts};
