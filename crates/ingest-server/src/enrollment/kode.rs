//! `ingest-server kode-registrasi generate`: one kode registrasi per school, like the
//! codes Dinas hands out for Dapodik registration. Only hashes are stored; the plain codes
//! exist once, in the returned list / the printed CSV.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};

use crate::app::time::{now_ms, wib};
use crate::enrollment::secret::{hash_kode, new_kode_registrasi};
use crate::storage::Storage;

/// A freshly issued code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KodeRegistrasi {
    pub npsn: String,
    pub nama: String,
    pub kecamatan: String,
    pub kode: String,
}

/// Which schools get a (new) code.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every active school of the reference list (replacing existing codes).
    All,
    /// Active schools that have no code yet.
    Missing,
    /// These NPSNs (replacing their codes); unknown NPSNs are an error.
    Npsn(&'a [String]),
}

/// Issues codes for `npsns` (or every active reference school when `None`), replacing
/// earlier codes of those schools. Returns `(npsn, nama, kode)`.
pub async fn generate_kode_registrasi(
    store: &Storage,
    npsns: Option<&[String]>,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let selection = npsns.map_or(Selection::All, Selection::Npsn);
    Ok(generate_kode_registrasi_with(store, selection)
        .await?
        .into_iter()
        .map(|k| (k.npsn, k.nama, k.kode))
        .collect())
}

/// Issues codes for a selection of schools.
pub async fn generate_kode_registrasi_with(
    store: &Storage,
    selection: Selection<'_>,
) -> anyhow::Result<Vec<KodeRegistrasi>> {
    let schools = match selection {
        Selection::All => store
            .reference_schools(None)
            .await?
            .into_iter()
            .filter(|s| s.aktif)
            .collect::<Vec<_>>(),
        Selection::Missing => {
            let have: std::collections::HashSet<String> =
                store.schools_with_kode().await?.into_iter().collect();
            store
                .reference_schools(None)
                .await?
                .into_iter()
                .filter(|s| s.aktif && !have.contains(&s.npsn))
                .collect()
        }
        Selection::Npsn(wanted) => {
            let found = store.reference_schools(Some(wanted)).await?;
            let unknown: Vec<&str> = wanted
                .iter()
                .filter(|n| !found.iter().any(|s| &s.npsn == *n && s.aktif))
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                bail!(
                    "NPSN tidak ada di daftar referensi (atau tidak aktif): {}",
                    unknown.join(", ")
                );
            }
            found
        }
    };
    let issued: Vec<KodeRegistrasi> = schools
        .into_iter()
        .map(|s| KodeRegistrasi {
            npsn: s.npsn,
            nama: s.nama,
            kecamatan: s.kecamatan,
            kode: new_kode_registrasi(),
        })
        .collect();
    let pairs: Vec<(String, String)> = {
        let input: Vec<(String, String)> = issued
            .iter()
            .map(|k| (k.npsn.clone(), k.kode.clone()))
            .collect();
        tokio::task::spawn_blocking(move || hash_all(&input)).await?
    };
    store.set_kode_hashes(&pairs, now_ms()).await?;
    Ok(issued)
}

/// Hashes codes on every core (each hash is deliberately slow).
fn hash_all(input: &[(String, String)]) -> Vec<(String, String)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(1);
    let chunk = input.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = input
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(n, k)| (n.clone(), hash_kode(n, k)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("hashing thread"))
            .collect()
    })
}

/// Writes the printable list: `no,kecamatan,npsn,nama_sekolah,kode_registrasi,dibuat_wib`.
/// The file is created readable by its owner only (Unix).
pub fn write_kode_csv(path: &Path, codes: &[KodeRegistrasi]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(path)
        .with_context(|| format!("tidak dapat menulis {}", path.display()))?;
    write_kode_csv_to(file, codes)
}

/// The printable list of codes as CSV, to any writer (a file, or stdout).
pub fn write_kode_csv_to(out: impl std::io::Write, codes: &[KodeRegistrasi]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "no",
        "kecamatan",
        "npsn",
        "nama_sekolah",
        "kode_registrasi",
        "dibuat_wib",
    ])?;
    let created = wib(now_ms());
    for (i, k) in codes.iter().enumerate() {
        w.write_record([
            (i + 1).to_string().as_str(),
            &k.kecamatan,
            &k.npsn,
            &k.nama,
            &k.kode,
            &created,
        ])?;
    }
    w.flush()?;
    Ok(())
}
