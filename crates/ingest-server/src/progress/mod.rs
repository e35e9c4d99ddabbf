//! Send progress: the public read API and the public pages (rekap, per school).

pub mod api;
pub mod pages;
pub mod storage;
