//! The reference list of kecamatan and schools: import (CLI and browser), reads.

pub mod cli;
pub mod import;
pub mod pages;
pub mod storage;

pub use import::{
    ImportSummary, import_reference, import_reference_reader, import_reference_rows,
    parse_reference_csv,
};
