//! Shared plumbing of the server: configuration, the state every handler shares, the
//! router and its middleware, the server lifecycle, errors and responses of both the JSON
//! API and the pages. The capabilities (`crate::enrollment`, `crate::sending`, …) hold
//! the handlers.

pub mod api_error;
pub mod api_extract;
pub mod body;
pub mod cli;
pub mod config;
pub mod config_sources;
pub mod health;
pub mod middleware;
pub mod openapi;
pub mod page_error;
pub mod page_state;
pub mod respond;
pub mod router;
pub mod server;
pub mod site_config;
pub mod state;
pub mod static_files;
pub mod time;
pub mod upload;

pub use middleware::layered;
pub use router::{router, routes};
pub use server::{RunningServer, shutdown_signal, start, start_with_store};
pub use state::AppState;
