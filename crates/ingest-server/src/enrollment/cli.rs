//! `ingest-server kode-registrasi generate`.

use std::path::PathBuf;

use crate::app::config::Config;
use crate::enrollment;
use crate::storage::Storage;

/// Issues codes (every active school, the given NPSNs, or those without one) and writes
/// the CSV to print.
pub async fn generate(
    config: &Config,
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
    let path = out.unwrap_or_else(|| {
        let stamp = crate::app::time::wib(crate::app::time::now_ms()).replace([' ', ':'], "-");
        config.data_dir.join(format!("kode-registrasi-{stamp}.csv"))
    });
    enrollment::write_kode_csv(&path, &codes)?;
    println!(
        "{} kode registrasi dibuat; kode lama sekolah tersebut tidak berlaku lagi. Daftar untuk dicetak: {}",
        codes.len(),
        path.display()
    );
    Ok(())
}
