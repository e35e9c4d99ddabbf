//! Aid-programme lists (PIP, beasiswa, perlengkapan): upload, matching, recaps.

pub mod pages;
pub mod storage;
