//! `ingest-server reference import|list`.

use std::path::Path;

use crate::reference;
use crate::storage::Storage;

/// Imports a reference CSV and prints what changed.
pub async fn import(store: &Storage, file: &Path) -> anyhow::Result<()> {
    let s = reference::import_reference(store, file).await?;
    let c = s.counts;
    println!(
        "Impor referensi: {} sekolah di {} kecamatan. Sekolah baru {}, diperbarui {}, tetap {}, \
         dinonaktifkan {}; kecamatan baru {}, diperbarui {}.",
        s.rows,
        s.kecamatan,
        c.sekolah_inserted,
        c.sekolah_updated,
        c.sekolah_unchanged,
        c.sekolah_deactivated,
        c.kecamatan_inserted,
        c.kecamatan_updated
    );
    Ok(())
}

/// Prints the reference list as CSV.
pub async fn list(store: &Storage) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout());
    w.write_record([
        "npsn",
        "nama",
        "bentuk",
        "status",
        "kecamatan",
        "kode_kecamatan",
        "aktif",
    ])?;
    for s in store.reference_schools(None).await? {
        w.write_record([
            s.npsn.as_str(),
            &s.nama,
            &s.bentuk,
            &s.status,
            &s.kecamatan,
            &s.kode_kecamatan,
            if s.aktif { "ya" } else { "tidak" },
        ])?;
    }
    w.flush()?;
    Ok(())
}
