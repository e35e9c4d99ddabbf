//! URL patterns the templates link to, in axum 0.8 syntax (`{param}`), relative to
//! [`crate::SiteConfig::base_path`]. The server's router should use these constants so
//! links and routes cannot disagree.

// Public pages.
pub const BERANDA: &str = "/";
pub const PROGRES_DATA: &str = "/progres_data";
pub const BELUM_KIRIM: &str = "/belum_kirim";
pub const DATA_POKOK: &str = "/data_pokok";
pub const DATA_POKOK_KECAMATAN: &str = "/data_pokok/kecamatan/{kode}";
pub const SEKOLAH: &str = "/sekolah/{npsn}";
pub const UNDUHAN: &str = "/unduhan";
/// One file of the download folder (see [`crate::helper_version::is_safe_download_name`]).
pub const UNDUHAN_BERKAS: &str = "/unduhan/{nama}";
/// Embedded assets (see [`crate::assets::asset`]).
pub const STATIC: &str = "/static/{file}";
pub const STATIC_PREFIX: &str = "/static/";

// Login.
pub const LOGIN: &str = "/login";
/// POST only (CSRF).
pub const LOGOUT: &str = "/logout";

// Staff area.
pub const STAF: &str = "/staf";
pub const STAF_KECAMATAN: &str = "/staf/kecamatan/{kode}";
/// `{daftar}` = [`crate::columns::ListKind::slug`].
pub const STAF_DAFTAR: &str = "/staf/kecamatan/{kode}/daftar/{daftar}";
/// `{format}` = `csv` | `xlsx`; NIK masked.
pub const STAF_DAFTAR_UNDUH: &str = "/staf/kecamatan/{kode}/daftar/{daftar}/unduh/{format}";
/// POST (CSRF, `alasan`, `format` = `html` | `csv` | `xlsx`): the same list with full NIK.
pub const STAF_DAFTAR_BUKA_NIK: &str = "/staf/kecamatan/{kode}/daftar/{daftar}/buka-nik";
/// `{program}` = [`crate::program::Program::slug`]; `?tahun=`.
pub const STAF_PROGRAM_REKAP: &str = "/staf/kecamatan/{kode}/program/{program}";
/// GET: upload form; POST (multipart: `csrf_token`, `berkas`, `program`, `tahun`): upload.
pub const STAF_PROGRAM_UNGGAH: &str = "/staf/program";

// Administration (admin only).
/// GET: list; POST: create an account.
pub const ADMIN_AKUN: &str = "/admin/akun";
/// POST `aksi` = `nonaktifkan` | `aktifkan` | `reset_sandi` (with `kata_sandi_baru`).
pub const ADMIN_AKUN_UBAH: &str = "/admin/akun/{id}";
pub const ADMIN_KODE_REGISTRASI: &str = "/admin/kode-registrasi";
/// POST (`kode_kecamatan` optional): generate codes for schools without one; answers with
/// the print view of the new codes.
pub const ADMIN_KODE_REGISTRASI_BUAT: &str = "/admin/kode-registrasi/buat";
/// POST: replace one school's code; answers with its print view.
pub const ADMIN_KODE_REGISTRASI_GANTI: &str = "/admin/kode-registrasi/{npsn}/ganti";
pub const ADMIN_REFERENSI: &str = "/admin/referensi";
pub const ADMIN_VERSI_HELPER: &str = "/admin/versi-helper";
/// `?aksi=&pengguna=&dari=&sampai=&halaman=`.
pub const ADMIN_AUDIT: &str = "/admin/audit";

/// Fills `{name}` placeholders of a pattern with percent-encoded values and prefixes the
/// base path: `path("/x", SEKOLAH, &[("npsn", "20513823")])` → `/x/sekolah/20513823`.
pub fn path(base_path: &str, pattern: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::from(base_path);
    let mut p = pattern.to_owned();
    for (name, value) in params {
        p = p.replace(
            &format!("{{{name}}}"),
            &crate::common::percent_encode(value),
        );
    }
    out.push_str(&p);
    if out.is_empty() { "/".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_filled_and_encoded() {
        assert_eq!(path("", BERANDA, &[]), "/");
        assert_eq!(
            path("/b", SEKOLAH, &[("npsn", "205/1 3")]),
            "/b/sekolah/205%2F1%203"
        );
        assert_eq!(
            path(
                "",
                STAF_DAFTAR_UNDUH,
                &[("kode", "051101"), ("daftar", "gtk"), ("format", "csv")]
            ),
            "/staf/kecamatan/051101/daftar/gtk/unduh/csv"
        );
    }
}
