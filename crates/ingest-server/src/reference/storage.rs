//! Storage of the reference list: kecamatan and schools (`kecamatan`, `sekolah_ref`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::storage::query::{Exec, query};
use crate::storage::{Storage, StoreResult};

/// One kecamatan of the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct KecamatanRef {
    pub kode_kecamatan: String,
    pub nama: String,
}

/// One school of the district's reference list (columns of `reference.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, sqlx::FromRow)]
pub struct SekolahRef {
    pub npsn: String,
    pub nama: String,
    /// Form of school label (`SD`, `SMP`, `TK`, …; see `shared_model::classify::Bentuk`).
    pub bentuk: String,
    /// `Negeri` or `Swasta`.
    pub status: String,
    pub kode_kecamatan: String,
    /// Kecamatan name (filled from `kecamatan` when read back).
    pub kecamatan: String,
    pub desa: Option<String>,
    pub alamat: Option<String>,
    pub lintang: Option<String>,
    pub bujur: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// `false` once a re-import no longer lists the school.
    #[serde(default = "yes")]
    pub aktif: bool,
}

fn yes() -> bool {
    true
}

/// What a reference import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub kecamatan_inserted: u64,
    pub kecamatan_updated: u64,
    pub sekolah_inserted: u64,
    pub sekolah_updated: u64,
    pub sekolah_unchanged: u64,
    /// Schools in the database that the file no longer lists (marked `aktif = false`).
    pub sekolah_deactivated: u64,
}

/// Size and age of the active reference list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceTotals {
    pub jumlah_sekolah: i64,
    pub jumlah_kecamatan: i64,
    /// Latest change of a school or kecamatan (0: never).
    pub last_change_ms: i64,
}

/// One school with its kecamatan name (`''` when the kecamatan is unknown).
const SEKOLAH_BY_NPSN: &str = "SELECT s.*, COALESCE(k.nama, '') AS kecamatan FROM sekolah_ref s
     LEFT JOIN kecamatan k ON k.kode_kecamatan = s.kode_kecamatan WHERE s.npsn = $1";

impl Storage {
    /// Upserts kecamatan and schools in one transaction; schools missing from `sekolah`
    /// are marked inactive (when `deactivate_missing`).
    pub async fn import_reference(
        &self,
        kecamatan: &[KecamatanRef],
        sekolah: &[SekolahRef],
        deactivate_missing: bool,
        now_ms: i64,
    ) -> StoreResult<ImportCounts> {
        let mut counts = ImportCounts::default();
        let mut tx = self.begin().await?;
        for k in kecamatan {
            upsert_kecamatan(tx.exec(), k, now_ms, &mut counts).await?;
        }
        let active_before: Vec<String> = query("SELECT npsn FROM sekolah_ref WHERE aktif")
            .scalars(tx.exec())
            .await?;
        for s in sekolah {
            let old: Option<SekolahRef> = query(SEKOLAH_BY_NPSN)
                .bind(&s.npsn)
                .fetch_optional(tx.exec())
                .await?;
            let mut incoming = s.clone();
            incoming.aktif = true;
            match old {
                Some(mut o) => {
                    o.kecamatan = incoming.kecamatan.clone();
                    if o == incoming {
                        counts.sekolah_unchanged += 1;
                        continue;
                    }
                    counts.sekolah_updated += 1;
                }
                None => counts.sekolah_inserted += 1,
            }
            upsert_sekolah(tx.exec(), s, now_ms).await?;
        }
        if deactivate_missing {
            let listed: HashSet<&str> = sekolah.iter().map(|s| s.npsn.as_str()).collect();
            for npsn in active_before
                .iter()
                .filter(|n| !listed.contains(n.as_str()))
            {
                query("UPDATE sekolah_ref SET aktif = FALSE, updated_at_ms = $2 WHERE npsn = $1")
                    .bind(npsn)
                    .bind(now_ms)
                    .execute(tx.exec())
                    .await?;
                counts.sekolah_deactivated += 1;
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// Reference schools (all, or the given NPSNs), ordered by kecamatan then name.
    pub async fn reference_schools(
        &self,
        npsns: Option<&[String]>,
    ) -> StoreResult<Vec<SekolahRef>> {
        let all: Vec<SekolahRef> = query(
            "SELECT s.*, COALESCE(k.nama, '') AS kecamatan FROM sekolah_ref s
             LEFT JOIN kecamatan k ON k.kode_kecamatan = s.kode_kecamatan
             ORDER BY k.nama, s.nama, s.npsn",
        )
        .fetch_all(self.read())
        .await?;
        Ok(match npsns {
            None => all,
            Some(wanted) => {
                let set: HashSet<&str> = wanted.iter().map(String::as_str).collect();
                all.into_iter()
                    .filter(|s| set.contains(s.npsn.as_str()))
                    .collect()
            }
        })
    }

    pub async fn reference_school(&self, npsn: &str) -> StoreResult<Option<SekolahRef>> {
        query(SEKOLAH_BY_NPSN)
            .bind(npsn)
            .fetch_optional(self.read())
            .await
    }

    pub async fn kecamatan_list(&self) -> StoreResult<Vec<KecamatanRef>> {
        query("SELECT kode_kecamatan, nama FROM kecamatan ORDER BY nama, kode_kecamatan")
            .fetch_all(self.read())
            .await
    }

    pub async fn kecamatan_by_kode(&self, kode: &str) -> StoreResult<Option<KecamatanRef>> {
        query("SELECT kode_kecamatan, nama FROM kecamatan WHERE kode_kecamatan = $1")
            .bind(kode)
            .fetch_optional(self.read())
            .await
    }

    /// Every NPSN and kecamatan code of the reference list (the ids public URLs may name).
    pub async fn public_ids(&self) -> StoreResult<(Vec<String>, Vec<String>)> {
        let npsn = query("SELECT npsn FROM sekolah_ref")
            .scalars(self.read())
            .await?;
        let kecamatan = query("SELECT kode_kecamatan FROM kecamatan")
            .scalars(self.read())
            .await?;
        Ok((npsn, kecamatan))
    }

    /// Size and age of the active list (`None`: nothing imported yet).
    pub async fn reference_totals(&self) -> StoreResult<Option<ReferenceTotals>> {
        let (jumlah_sekolah, jumlah_kecamatan, last_change_ms): (i64, i64, i64) =
            query(self.dialect().sql().referensi_summary.as_str())
                .fetch_one(self.read())
                .await?;
        Ok((jumlah_sekolah > 0).then_some(ReferenceTotals {
            jumlah_sekolah,
            jumlah_kecamatan,
            last_change_ms,
        }))
    }
}

async fn upsert_kecamatan(
    mut exec: Exec<'_>,
    k: &KecamatanRef,
    now_ms: i64,
    counts: &mut ImportCounts,
) -> StoreResult<()> {
    let old: Option<String> = query("SELECT nama FROM kecamatan WHERE kode_kecamatan = $1")
        .bind(&k.kode_kecamatan)
        .scalar_optional(exec.reborrow())
        .await?;
    match old {
        Some(n) if n == k.nama => {}
        Some(_) => counts.kecamatan_updated += 1,
        None => counts.kecamatan_inserted += 1,
    }
    query(
        "INSERT INTO kecamatan (kode_kecamatan, nama, updated_at_ms) VALUES ($1, $2, $3)
         ON CONFLICT (kode_kecamatan) DO UPDATE SET nama = excluded.nama, updated_at_ms = excluded.updated_at_ms
         WHERE kecamatan.nama <> excluded.nama",
    )
    .bind(&k.kode_kecamatan)
    .bind(&k.nama)
    .bind(now_ms)
    .execute(exec)
    .await?;
    Ok(())
}

async fn upsert_sekolah(exec: Exec<'_>, s: &SekolahRef, now_ms: i64) -> StoreResult<()> {
    query(
        "INSERT INTO sekolah_ref (npsn, nama, bentuk, status, kode_kecamatan, desa, alamat, lintang, bujur,
                                  email, website, aktif, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12)
         ON CONFLICT (npsn) DO UPDATE SET nama = excluded.nama, bentuk = excluded.bentuk,
            status = excluded.status, kode_kecamatan = excluded.kode_kecamatan, desa = excluded.desa,
            alamat = excluded.alamat, lintang = excluded.lintang, bujur = excluded.bujur,
            email = excluded.email, website = excluded.website, aktif = TRUE,
            updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&s.npsn)
    .bind(&s.nama)
    .bind(&s.bentuk)
    .bind(&s.status)
    .bind(&s.kode_kecamatan)
    .bind(&s.desa)
    .bind(&s.alamat)
    .bind(&s.lintang)
    .bind(&s.bujur)
    .bind(&s.email)
    .bind(&s.website)
    .bind(now_ms)
    .execute(exec)
    .await?;
    Ok(())
}
