//! Storage of send progress and the public pages: who sent what and when, live sessions,
//! the per-school public data and the rekap per kecamatan.

use std::collections::BTreeMap;

use shared_model::protocol::{ProgresEntry, ProgresLive, RekapSatuanPendidikan, SekolahPublic};
use shared_model::{DataKind, KindCounts};

use crate::storage::query::query;
use crate::storage::{Expected, SekolahRef, Storage, StoreResult, from_json, parse_kind};

/// A row of a school's send history (`progres_kirim`).
pub type SendHistoryEntry = ProgresEntry;

/// One stored snapshot row with its school, for pages and downloads.
#[derive(Debug, Clone, PartialEq)]
pub struct KindRowOut {
    pub npsn: String,
    pub row_id: String,
    pub data: serde_json::Value,
}

/// Filter for [`Storage::snapshot_rows`].
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    pub npsn: Option<String>,
    pub kode_kecamatan: Option<String>,
}

/// An active school with its last send (`None`: never sent).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BelumKirimRecord {
    pub npsn: String,
    pub nama: String,
    pub bentuk: String,
    pub status: String,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub desa: Option<String>,
    pub telepon: Option<String>,
    pub tanggal_kirim_ms: Option<i64>,
}

/// A progress row as stored: the school, its send time and the 8 counts.
#[derive(sqlx::FromRow)]
struct ProgresRow {
    kecamatan: Option<String>,
    nama: String,
    npsn: String,
    bentuk: Option<String>,
    status: Option<String>,
    tanggal_kirim_ms: i64,
    sekolah: i64,
    peserta_didik: i64,
    ptk: i64,
    riwayat_kepangkatan: i64,
    riwayat_pendidikan: i64,
    rombel: i64,
    anggota_rombel: i64,
    pembelajaran: i64,
}

impl ProgresRow {
    fn into_entry(self) -> ProgresEntry {
        let mut counts = KindCounts::default();
        for (kind, n) in [
            (DataKind::Sekolah, self.sekolah),
            (DataKind::PesertaDidik, self.peserta_didik),
            (DataKind::Ptk, self.ptk),
            (DataKind::RiwayatKepangkatan, self.riwayat_kepangkatan),
            (DataKind::RiwayatPendidikan, self.riwayat_pendidikan),
            (DataKind::Rombel, self.rombel),
            (DataKind::AnggotaRombel, self.anggota_rombel),
            (DataKind::Pembelajaran, self.pembelajaran),
        ] {
            counts.set(kind, n.max(0) as u64);
        }
        ProgresEntry::new(
            self.kecamatan.unwrap_or_default(),
            self.nama,
            self.npsn,
            self.bentuk.unwrap_or_default(),
            self.status.unwrap_or_default(),
            crate::app::time::wib(self.tanggal_kirim_ms),
            crate::app::time::rfc3339_utc(self.tanggal_kirim_ms),
            counts,
        )
    }
}

/// An open session with its school, for live progress.
#[derive(sqlx::FromRow)]
struct LiveSessionRow {
    session_id: String,
    npsn: String,
    nama: Option<String>,
    kecamatan: Option<String>,
    created_at_ms: i64,
    expected: String,
}

impl Storage {
    /// Latest committed send of every school, newest first.
    pub async fn progres(&self) -> StoreResult<Vec<ProgresEntry>> {
        // Reference identity wins over the identity as sent.
        let rows: Vec<ProgresRow> = query(
            "SELECT s.npsn, COALESCE(r.nama, s.nama) AS nama, COALESCE(r.bentuk, s.bentuk) AS bentuk,
                    COALESCE(r.status, s.status) AS status, k.nama AS kecamatan, s.tanggal_kirim_ms,
                    s.sekolah, s.peserta_didik, s.ptk, s.riwayat_kepangkatan, s.riwayat_pendidikan,
                    s.rombel, s.anggota_rombel, s.pembelajaran
             FROM school_snapshot s
             LEFT JOIN sekolah_ref r ON r.npsn = s.npsn
             LEFT JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
             ORDER BY s.tanggal_kirim_ms DESC, s.npsn",
        )
        .fetch_all(self.read())
        .await?;
        Ok(rows.into_iter().map(ProgresRow::into_entry).collect())
    }

    /// Every committed send of a school, newest first.
    pub async fn send_history(&self, npsn: &str) -> StoreResult<Vec<SendHistoryEntry>> {
        let rows: Vec<ProgresRow> = query(
            "SELECT p.npsn, COALESCE(r.nama, s.nama, '') AS nama, COALESCE(r.bentuk, s.bentuk) AS bentuk,
                    COALESCE(r.status, s.status) AS status, k.nama AS kecamatan, p.tanggal_kirim_ms,
                    p.sekolah, p.peserta_didik, p.ptk, p.riwayat_kepangkatan, p.riwayat_pendidikan,
                    p.rombel, p.anggota_rombel, p.pembelajaran
             FROM progres_kirim p
             LEFT JOIN sekolah_ref r ON r.npsn = p.npsn
             LEFT JOIN school_snapshot s ON s.npsn = p.npsn
             LEFT JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
             WHERE p.npsn = $1
             ORDER BY p.tanggal_kirim_ms DESC, p.id DESC",
        )
        .bind(npsn)
        .fetch_all(self.read())
        .await?;
        Ok(rows.into_iter().map(ProgresRow::into_entry).collect())
    }

    /// Open sessions with expected and received rows per kind.
    pub async fn progres_live(&self, now_ms: i64) -> StoreResult<Vec<ProgresLive>> {
        let sessions: Vec<LiveSessionRow> = query(
            "SELECT ss.session_id, ss.npsn, r.nama, k.nama AS kecamatan, ss.created_at_ms, ss.expected
             FROM send_session ss
             LEFT JOIN sekolah_ref r ON r.npsn = ss.npsn
             LEFT JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
             WHERE ss.state = 'open' AND ss.expires_at_ms > $1
             ORDER BY ss.created_at_ms, ss.session_id",
        )
        .bind(now_ms)
        .fetch_all(self.read())
        .await?;
        let received: Vec<(String, String, i64)> = query(
            "SELECT sb.session_id, sb.kind, CAST(SUM(sb.rows) AS BIGINT) AS n FROM session_batch sb
             JOIN send_session ss ON ss.session_id = sb.session_id
             WHERE ss.state = 'open' AND ss.expires_at_ms > $1
             GROUP BY sb.session_id, sb.kind",
        )
        .bind(now_ms)
        .fetch_all(self.read())
        .await?;
        let mut by_session: BTreeMap<String, KindCounts> = BTreeMap::new();
        for (id, kind, n) in received {
            by_session
                .entry(id)
                .or_default()
                .set(parse_kind(&kind)?, n as u64);
        }
        sessions
            .into_iter()
            .map(|s| {
                let expected: Expected = from_json(&s.expected)?;
                let mut exp = KindCounts::default();
                for (k, e) in &expected {
                    exp.set(*k, e.rows);
                }
                Ok(ProgresLive {
                    received: by_session.get(&s.session_id).cloned().unwrap_or_default(),
                    npsn: s.npsn,
                    nama: s.nama.unwrap_or_default(),
                    kecamatan: s.kecamatan.unwrap_or_default(),
                    started_at_utc: crate::app::time::rfc3339_utc(s.created_at_ms),
                    expected: exp,
                })
            })
            .collect()
    }

    /// Public page data of a school (snapshot, else reference identity).
    pub async fn sekolah_public(&self, npsn: &str) -> StoreResult<Option<SekolahPublic>> {
        let public: Option<String> = query("SELECT public FROM school_snapshot WHERE npsn = $1")
            .bind(npsn)
            .scalar_optional(self.read())
            .await?;
        if let Some(json) = public {
            return Ok(Some(from_json(&json)?));
        }
        Ok(self
            .reference_school(npsn)
            .await?
            .map(|r| public_from_reference(&r)))
    }

    /// The public data of every active school of a kecamatan, by name.
    pub async fn kecamatan_schools(&self, kode: &str) -> StoreResult<Vec<SekolahPublic>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            reference: SekolahRef,
            public: Option<String>,
        }
        let rows: Vec<Row> = query(
            "SELECT r.*, k.nama AS kecamatan, s.public FROM sekolah_ref r
             JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
             LEFT JOIN school_snapshot s ON s.npsn = r.npsn
             WHERE r.aktif AND r.kode_kecamatan = $1
             ORDER BY r.nama, r.npsn",
        )
        .bind(kode)
        .fetch_all(self.read())
        .await?;
        rows.into_iter()
            .map(|r| match r.public {
                Some(json) => from_json(&json),
                None => Ok(public_from_reference(&r.reference)),
            })
            .collect()
    }

    /// Schools per kecamatan × bentuk × status: sent and reference totals.
    pub async fn rekap_satuan_pendidikan(&self) -> StoreResult<Vec<RekapSatuanPendidikan>> {
        let rows: Vec<(String, String, String, String, i64, i64)> = query(
            "SELECT r.kode_kecamatan, k.nama AS kecamatan, r.bentuk, r.status,
                    COUNT(s.npsn) AS sudah_kirim, COUNT(*) AS total
             FROM sekolah_ref r
             JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
             LEFT JOIN school_snapshot s ON s.npsn = r.npsn
             WHERE r.aktif
             GROUP BY r.kode_kecamatan, k.nama, r.bentuk, r.status
             ORDER BY k.nama, r.kode_kecamatan, r.bentuk, r.status",
        )
        .fetch_all(self.read())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(kode_kecamatan, kecamatan, bentuk, status, sudah, total)| RekapSatuanPendidikan {
                    kode_kecamatan,
                    kecamatan,
                    bentuk,
                    status,
                    sudah_kirim: sudah as u64,
                    total_referensi: total as u64,
                },
            )
            .collect())
    }

    /// Active schools with their last send, by kecamatan then name.
    pub async fn belum_kirim(&self) -> StoreResult<Vec<BelumKirimRecord>> {
        query(self.dialect().sql().belum_kirim.as_str())
            .fetch_all(self.read())
            .await
    }

    /// `SchoolSummary` JSON of a school's current snapshot.
    pub async fn school_summary_json(&self, npsn: &str) -> StoreResult<Option<String>> {
        query("SELECT summary FROM school_snapshot WHERE npsn = $1")
            .bind(npsn)
            .scalar_optional(self.read())
            .await
    }

    /// Snapshot rows of one kind (for pages and staff downloads), by school then row id.
    pub async fn snapshot_rows(
        &self,
        kind: DataKind,
        filter: &RowFilter,
    ) -> StoreResult<Vec<KindRowOut>> {
        let rows: Vec<(String, String, String)> =
            query(self.dialect().sql().snapshot_rows.as_str())
                .bind(kind.wire_name())
                .bind(&filter.npsn)
                .bind(&filter.kode_kecamatan)
                .fetch_all(self.read())
                .await?;
        rows.into_iter()
            .map(|(npsn, row_id, data)| {
                Ok(KindRowOut {
                    npsn,
                    row_id,
                    data: from_json(&data)?,
                })
            })
            .collect()
    }

    /// Changes whenever anything the public pages show changes: a commit, live send
    /// progress, the reference list.
    pub async fn data_version(&self) -> StoreResult<u64> {
        let parts: (i64, i64, i64, i64, i64, i64, i64) = query(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM progres_kirim),
                    (SELECT COUNT(*) FROM session_batch),
                    (SELECT COALESCE(MAX(received_at_ms), 0) FROM session_batch),
                    (SELECT COUNT(*) FROM send_session WHERE state = 'open'),
                    (SELECT COALESCE(MAX(updated_at_ms), 0) FROM sekolah_ref),
                    (SELECT COUNT(*) FROM sekolah_ref WHERE aktif),
                    (SELECT COALESCE(MAX(updated_at_ms), 0) FROM kecamatan)",
        )
        .fetch_one(self.read())
        .await?;
        let (a, b, c, d, e, f, g) = parts;
        Ok(version_hash(&[a, b, c, d, e, f, g]))
    }
}

/// One number from the parts of a data version.
fn version_hash(parts: &[i64]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// A reference-only public page (school has not sent yet).
pub(crate) fn public_from_reference(r: &SekolahRef) -> SekolahPublic {
    SekolahPublic {
        npsn: r.npsn.clone(),
        nama: r.nama.clone(),
        status: Some(r.status.clone()).filter(|s| !s.is_empty()),
        bentuk: Some(r.bentuk.clone()).filter(|s| !s.is_empty()),
        alamat: r.alamat.clone(),
        rt: None,
        rw: None,
        dusun: None,
        desa_kelurahan: r.desa.clone(),
        kecamatan: Some(r.kecamatan.clone()).filter(|s| !s.is_empty()),
        kabupaten_kota: None,
        provinsi: None,
        email: r.email.clone(),
        website: r.website.clone(),
        telepon: None,
        kode_pos: None,
        lintang: r.lintang.clone(),
        bujur: r.bujur.clone(),
        ptk: Default::default(),
        kelas: Vec::new(),
        tanggal_kirim: None,
        counts: None,
    }
}
