//! View models of the public progress pages (beranda, progres data, belum kirim, data
//! pokok, the school page). Built only from public data: aggregates and public school
//! identity; none has a field for a person's name, NIK, NISN, birth date or address
//! ([`crate::public_view::PublicView`] marks them).

mod rekap;
mod schools;

pub use rekap::*;
pub use schools::*;

#[cfg(test)]
mod tests {

    #[allow(unused_imports)]
    use crate::helper_version::*;
    #[allow(unused_imports)]
    use crate::public_view::*;

    #[test]
    fn download_names_and_sizes() {
        assert!(is_safe_download_name("db-helper-setup-1.0.exe"));
        for bad in ["", ".env", "../x", "a/b", "a\\b", "c:x", " x", "x\n"] {
            assert!(!is_safe_download_name(bad), "{bad:?}");
        }
        assert_eq!(ukuran_label(812), "812 B");
        assert_eq!(ukuran_label(12_595), "12,3 KB");
        assert_eq!(ukuran_label(47_815_065), "45,6 MB");
        assert_eq!(download_content_type("Panduan.PDF"), "application/pdf");
        assert_eq!(download_content_type("x"), "application/octet-stream");
    }
}
