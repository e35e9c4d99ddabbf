//! Whole-system tests: the simulator, the real `ingest-server` and the real `db-helper`
//! as separate processes over real HTTP on 127.0.0.1, under faults and hostile input.
//!
//! * [`deadline`]: the kabupaten's deadline day (`tests/deadline_day.rs`), built from
//!   [`scenario`] (size and seeded plan), [`procs`] (child processes), [`proxy`] (TCP
//!   fault proxy), [`chaos`] (server SIGKILLs), [`driver`] (one school PC), [`poller`]
//!   (all-or-nothing public reads), [`db`] and [`truth`] (final reconciliation) and
//!   [`summary`] (the markdown table).
//! * [`hostile`]: hostile input against a real server (`tests/hostile_input.rs`).
//!
//! How to run and the figures of a real run: `docs/reliability.md`.

pub mod chaos;
pub mod db;
pub mod deadline;
pub mod driver;
pub mod hostile;
pub mod poller;
pub mod procs;
pub mod proxy;
pub mod scenario;
pub mod summary;
pub mod truth;
