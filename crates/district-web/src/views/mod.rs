//! View models: one struct per page, plus the pure functions that build them from the
//! store's data. Public pages take only types from [`public`] (no personal fields);
//! staff and admin pages take types from [`staff`] and [`admin`].

pub mod admin;
pub mod common;
pub mod public;
pub mod staff;
