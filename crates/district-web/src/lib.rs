//! District web pages, rendered on the server, without storage and without an HTTP framework.
//!
//! The district server (`ingest-server`) fetches view models from its store, calls a render
//! function of [`Pages`] and returns the HTML (or the bytes of an export) as the response.
//! Everything here is plain data in, `String` / `Vec<u8>` out, so this crate compiles fast
//! and is tested without a database or a socket.
//!
//! * [`Pages`]: minijinja environment (auto-escaping HTML, templates embedded in the binary),
//!   one render function per page; the view models live in modules named after the
//!   server's capabilities ([`progress`], [`helper_version`], [`enrollment`], [`reference`](mod@reference),
//!   [`staff`], [`lists`], [`programs`]; shared helpers in [`common`]), templates in
//!   `templates/<capability>/`.
//! * [`cache`]: rendered + gzipped public pages per data version (single flight, ETag).
//! * [`assets`]: embedded `app.css`, `app.js` and the favicon, with content-hashed names.
//! * [`chart`]: server-rendered SVG progress bars.
//! * [`matrix`]: the "JUMLAH SATUAN PENDIDIKAN" matrix (kecamatan × bentuk × N/S/Jml).
//! * [`columns`] + [`export`]: the staff list column sets, shared by HTML, CSV and XLSX.
//! * [`auth`], [`privacy`]: staff auth primitives (argon2id, session and CSRF tokens,
//!   roles, NIK masking); the login rate limiter is the server's (`ingest_server::staff`).
//! * [`program`]: PIP / beasiswa / perlengkapan lists uploaded by the district (CSV/XLSX)
//!   and their matching against received students.
//! * [`table`]: the one tolerant reader of uploaded tables (CSV in any common encoding
//!   and separator, XLSX), for the reference list and the programme lists.
//! * [`routes`]: the URL patterns the templates link to (for the server's router).
//!
//! See `README.md` of this crate for the page → template → view model map and the wiring guide.

pub mod assets;
pub mod auth;
pub mod cache;
pub mod chart;
pub mod columns;
pub mod common;
mod config;
pub mod enrollment;
pub mod export;
mod filters;
pub mod helper_version;
pub mod lists;
pub mod matrix;
mod pages;
pub mod privacy;
pub mod program;
pub mod programs;
pub mod progress;
pub mod public_view;
pub mod reference;
pub mod routes;
pub mod staff;
pub mod table;

pub use common::{Flash, FlashKind};
pub use config::{FooterLink, SiteConfig};
pub use pages::{PageContext, Pages, RenderError, StaffIdentity, Viewer};
