//! The staff lists of a kecamatan (peserta didik, rombel, GTK, alamat) and their downloads.

pub mod pages;
pub mod rows;
pub mod storage;
