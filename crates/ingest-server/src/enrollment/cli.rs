//! `ingest-server kode-registrasi generate`.

use std::path::PathBuf;

use crate::enrollment;
use crate::storage::Storage;

/// Issues codes (every active school, the given NPSNs, or those without one) and writes
/// the CSV to print: to `out`, else to stdout, so no plain-text list of codes is left in the
/// data dir unless the administrator names a file.
pub async fn generate(
    store: &Storage,
    npsn: &[String],
    missing_only: bool,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let selection = if missing_only {
        enrollment::Selection::Missing
    } else if npsn.is_empty() {
        enrollment::Selection::All
    } else {
        enrollment::Selection::Npsn(npsn)
    };
    let codes = enrollment::generate_kode_registrasi_with(store, selection).await?;
    let made = format!(
        "{} kode registrasi dibuat; kode lama sekolah tersebut tidak berlaku lagi.",
        codes.len()
    );
    match out {
        Some(path) => {
            enrollment::write_kode_csv(&path, &codes)?;
            println!("{made} Daftar untuk dicetak: {}", path.display());
        }
        None => {
            enrollment::write_kode_csv_to(std::io::stdout().lock(), &codes)?;
            eprintln!(
                "{made} Daftar (CSV) ada di keluaran standar; simpan dengan --out BERKAS atau \
                 cetak dari halaman /admin/kode-registrasi."
            );
        }
    }
    Ok(())
}
