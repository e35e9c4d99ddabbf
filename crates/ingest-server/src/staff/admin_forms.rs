//! What the administration pages share: one-time messages after a redirect (`?pesan=`)
//! and the kecamatan options of their forms.

use district_web::PageContext;
use district_web::common::{Flash, KecamatanOption};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::page_error::WebResult;
use crate::staff::session::Staff;

/// One-time messages after a redirect (`?pesan=`): fixed texts, never echoed input.
pub(crate) fn flash(code: Option<&str>) -> Option<Flash> {
    Some(match code? {
        "akun-dibuat" => Flash::sukses("Akun staf dibuat."),
        "akun-diaktifkan" => Flash::sukses("Akun diaktifkan."),
        "akun-dinonaktifkan" => {
            Flash::sukses("Akun dinonaktifkan; semua sesi login akun tersebut diakhiri.")
        }
        "sandi-direset" => {
            Flash::sukses("Kata sandi direset; semua sesi login akun tersebut diakhiri.")
        }
        "akun-sendiri" => Flash::galat("Anda tidak dapat menonaktifkan akun Anda sendiri."),
        "versi-disimpan" => Flash::sukses("Pengaturan versi DB Helper disimpan."),
        "semua-berkode" => {
            Flash::info("Semua sekolah pada pilihan ini sudah memiliki kode registrasi.")
        }
        _ => return None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct PesanQuery {
    #[serde(default)]
    pub pesan: Option<String>,
}

pub(crate) fn ctx_with(staff: &Staff, pesan: Option<&str>) -> PageContext {
    let ctx = staff.ctx();
    match flash(pesan) {
        Some(f) => ctx.with_flash(f),
        None => ctx,
    }
}

pub(crate) async fn kecamatan_options(state: &AppState) -> WebResult<Vec<KecamatanOption>> {
    Ok(state
        .store
        .kecamatan_list()
        .await?
        .into_iter()
        .map(|k| KecamatanOption {
            kode: k.kode_kecamatan,
            nama: k.nama,
        })
        .collect())
}
