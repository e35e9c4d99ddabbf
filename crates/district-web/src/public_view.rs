//! The marker of view models that may be shown to anyone ([`PublicView`], sealed:
//! implemented only here, for the types listed below).

use serde::Serialize;

mod sealed {
    pub trait Sealed {}
}

/// Marker of view models that may be shown to anyone (sealed).
pub trait PublicView: Serialize + sealed::Sealed {}

impl sealed::Sealed for crate::progress::BerandaView {}
impl PublicView for crate::progress::BerandaView {}
impl sealed::Sealed for crate::progress::ProgresDataView {}
impl PublicView for crate::progress::ProgresDataView {}
impl sealed::Sealed for crate::progress::BelumKirimView {}
impl PublicView for crate::progress::BelumKirimView {}
impl sealed::Sealed for crate::progress::DataPokokView {}
impl PublicView for crate::progress::DataPokokView {}
impl sealed::Sealed for crate::progress::DaftarSatuanPendidikanView {}
impl PublicView for crate::progress::DaftarSatuanPendidikanView {}
impl sealed::Sealed for crate::progress::SekolahView {}
impl PublicView for crate::progress::SekolahView {}
impl sealed::Sealed for crate::helper_version::UnduhanView {}
impl PublicView for crate::helper_version::UnduhanView {}
impl sealed::Sealed for crate::common::ErrorView {}
impl PublicView for crate::common::ErrorView {}
