//! Administrative operations, callable from Rust and from the CLI: reference import,
//! kode registrasi generation, helper version policy.

pub mod kode;
pub mod reference;
pub mod version;

pub use kode::{
    KodeRegistrasi, Selection, generate_kode_registrasi, generate_kode_registrasi_with,
    write_kode_csv,
};
pub use reference::{
    ImportSummary, import_reference, import_reference_reader, import_reference_rows,
    parse_reference_csv,
};
pub use version::set_version_policy;
