//! `dapodik-sim`: a stand-in for the Dapodik local Web Service plus a
//! deterministic synthetic kabupaten generator, for tests of the helper and
//! the district server.
//!
//! Entry points for other crates' tests:
//!
//! * [`generate()`] writes a data dir (`GenerateOptions { seed, schools, with_province_schools }`);
//! * [`import_fixtures()`] adds the hand-written fixture school (NPSN 20599901);
//! * [`spawn()`] / [`spawn_with()`] serve a data dir over HTTP and return a
//!   [`SimHandle`] with the bound address, a [`FaultHandle`] and `shutdown()`;
//! * [`data_dir`] reads `credentials.csv`, `truth.csv`, … back.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use dapodik_sim::{GenerateOptions, Faults, generate, spawn};
//! let dir = std::path::Path::new("/tmp/kab");
//! generate(&GenerateOptions { seed: 7, schools: 20, ..Default::default() }, dir)?;
//! let sim = spawn(dir, "127.0.0.1:0".parse()?).await?;
//! let cred = &dapodik_sim::data_dir::load_credentials(dir)?[0];
//! let url = format!("{}/WebService/getGtk?npsn={}", sim.base_url(), cred.npsn);
//! sim.set_faults(Faults { latency_ms: 200, ..Default::default() });
//! // ... call `url` with `Authorization: Bearer {cred.token}` ...
//! sim.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod data_dir;
pub mod fixtures;
pub mod generate;
pub mod php_json;
pub mod serve;
pub mod truth;
pub mod wire;

pub use fixtures::{FIXTURE_TOKEN, ImportOptions, ImportSummary, fixtures_dir, import_fixtures};
pub use generate::{GenerateOptions, GenerateSummary, generate};
pub use serve::{FaultHandle, Faults, PreambleScope, SimHandle, spawn, spawn_with};
pub use truth::{RombelTruth, Truth};
