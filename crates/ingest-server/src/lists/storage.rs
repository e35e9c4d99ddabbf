//! Storage of the staff lists: the rows of one kecamatan (optionally one school) for the
//! list pages and their downloads, and the kecamatan's totals.

use crate::storage::query::query;
use crate::storage::{Storage, StoreResult};

/// One snapshot row of a school with the school's reference name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRow {
    pub npsn: String,
    pub nama_sekolah: String,
    /// The row's JSON text.
    pub data: String,
}

impl From<(String, String, String)> for SchoolRow {
    fn from((npsn, nama_sekolah, data): (String, String, String)) -> Self {
        SchoolRow {
            npsn,
            nama_sekolah,
            data,
        }
    }
}

/// `LIMIT` / `OFFSET` of a paged list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

/// What the "Data Rombongan Belajar" list is built from (one kecamatan, optionally one school).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RombelListData {
    pub rombel: Vec<SchoolRow>,
    /// `(npsn, rombongan_belajar_id, peserta_didik_id)` of every `anggota_rombel` row.
    pub anggota: Vec<(String, String, String)>,
    /// `(npsn, peserta_didik_id, jenis_kelamin)` of every student.
    pub jenis_kelamin: Vec<(String, String, Option<String>)>,
    /// `(npsn, rombongan_belajar_id, rows)` of `pembelajaran`.
    pub pembelajaran: Vec<(String, String, u64)>,
}

/// The numbers of one kecamatan's active schools.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KecamatanTotals {
    pub schools: u64,
    pub schools_sent: u64,
    pub peserta_didik: u64,
    pub rombel: u64,
    pub ptk: u64,
}

/// `(LIMIT, OFFSET)`; no page = everything.
fn page_bounds(page: Option<Page>) -> (i64, i64) {
    match page {
        Some(p) => (
            p.limit.min(i64::MAX as u64) as i64,
            p.offset.min(i64::MAX as u64) as i64,
        ),
        None => (i64::MAX, 0),
    }
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl Storage {
    /// Schools, sent schools, students, rombel and PTK of kecamatan `kode`.
    pub async fn kecamatan_totals(&self, kode: &str) -> StoreResult<KecamatanTotals> {
        let (schools, sent, pd, rombel, ptk): (i64, i64, i64, i64, i64) =
            query(self.dialect().sql().kecamatan_stats.as_str())
                .bind(kode)
                .fetch_one(self.read())
                .await?;
        Ok(KecamatanTotals {
            schools: count(schools),
            schools_sent: count(sent),
            peserta_didik: count(pd),
            rombel: count(rombel),
            ptk: count(ptk),
        })
    }

    /// Students of kecamatan `kode` (one school if `npsn`), a page of them with the total.
    pub async fn peserta_didik_rows(
        &self,
        kode: &str,
        npsn: Option<&str>,
        page: Option<Page>,
    ) -> StoreResult<(Vec<SchoolRow>, u64)> {
        let sql = self.dialect().sql();
        let (limit, offset) = page_bounds(page);
        let rows: Vec<(String, String, String)> = query(sql.peserta_didik_page.as_str())
            .bind(kode)
            .bind(npsn)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.read())
            .await?;
        let out: Vec<SchoolRow> = rows.into_iter().map(SchoolRow::from).collect();
        let total = match page {
            None => out.len() as u64,
            Some(_) => count(
                query(sql.peserta_didik_count.as_str())
                    .bind(kode)
                    .bind(npsn)
                    .scalar(self.read())
                    .await?,
            ),
        };
        Ok((out, total))
    }

    /// PTK of kecamatan `kode` (one school if `npsn`).
    pub async fn gtk_rows(&self, kode: &str, npsn: Option<&str>) -> StoreResult<Vec<SchoolRow>> {
        let rows: Vec<(String, String, String)> = query(self.dialect().sql().gtk_rows.as_str())
            .bind(kode)
            .bind(npsn)
            .fetch_all(self.read())
            .await?;
        Ok(rows.into_iter().map(SchoolRow::from).collect())
    }

    /// Rombel of kecamatan `kode` (one school if `npsn`) with what their list counts.
    pub async fn rombel_list_data(
        &self,
        kode: &str,
        npsn: Option<&str>,
    ) -> StoreResult<RombelListData> {
        let sql = self.dialect().sql();
        let rombel: Vec<(String, String, String)> = query(sql.rombel.as_str())
            .bind(kode)
            .bind(npsn)
            .fetch_all(self.read())
            .await?;
        let anggota: Vec<(String, Option<String>, Option<String>)> =
            query(sql.anggota_rombel.as_str())
                .bind(kode)
                .bind(npsn)
                .fetch_all(self.read())
                .await?;
        let jenis_kelamin = query(sql.jenis_kelamin.as_str())
            .bind(kode)
            .bind(npsn)
            .fetch_all(self.read())
            .await?;
        let pembelajaran: Vec<(String, Option<String>, i64)> = query(sql.pembelajaran.as_str())
            .bind(kode)
            .bind(npsn)
            .fetch_all(self.read())
            .await?;
        Ok(RombelListData {
            rombel: rombel.into_iter().map(SchoolRow::from).collect(),
            anggota: anggota
                .into_iter()
                .map(|(npsn, rid, pid)| (npsn, rid.unwrap_or_default(), pid.unwrap_or_default()))
                .collect(),
            jenis_kelamin,
            pembelajaran: pembelajaran
                .into_iter()
                .map(|(npsn, rid, n)| (npsn, rid.unwrap_or_default(), count(n)))
                .collect(),
        })
    }
}
