//! Every place SQLite and PostgreSQL SQL differ, side by side: the fragments ([`Dialect`])
//! and the statements that contain them ([`Statements`]), each written once and built once
//! per backend ([`Dialect::sql`]). Statements that are the same on both backends stay next
//! to the storage method that runs them.

use std::sync::LazyLock;

/// The SQL dialect of a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The statements of this dialect, built on first use.
    pub(crate) fn sql(self) -> &'static Statements {
        static SQLITE: LazyLock<Statements> = LazyLock::new(|| Statements::new(Dialect::Sqlite));
        static POSTGRES: LazyLock<Statements> =
            LazyLock::new(|| Statements::new(Dialect::Postgres));
        match self {
            Dialect::Sqlite => &SQLITE,
            Dialect::Postgres => &POSTGRES,
        }
    }

    /// Parameter `$n` where it is compared with `NULL`: PostgreSQL cannot infer the type of
    /// `$n IS NULL`, so it is given one (`text`, `bigint`).
    pub(crate) fn nullable_param(self, n: u32, pg_type: &str) -> String {
        match self {
            Dialect::Sqlite => format!("${n}"),
            Dialect::Postgres => format!("${n}::{pg_type}"),
        }
    }

    /// A JSON column (`snapshot_row.data`: `TEXT` on SQLite, `JSONB` on PostgreSQL) as
    /// JSON text.
    pub(crate) fn json_as_text(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => format!("{column}::text"),
        }
    }

    /// Field `key` of a JSON column (as in [`Self::json_as_text`]) as text, `NULL` if absent.
    fn json_field(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(json_extract({column}, '$.{key}') AS TEXT)"),
            Dialect::Postgres => format!("{column}->>'{key}'"),
        }
    }

    /// Field `key` of a `TEXT` column holding JSON (on both backends), as text.
    fn text_json_field(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => self.json_field(column, key),
            Dialect::Postgres => self.json_field(&format!("({column}::jsonb)"), key),
        }
    }

    /// `SUM` of an integer column as a 64-bit integer, `0` over no rows (PostgreSQL's `SUM`
    /// of a `BIGINT` is a `NUMERIC`).
    fn sum_i64(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("COALESCE(SUM({column}), 0)"),
            Dialect::Postgres => format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"),
        }
    }

    /// The larger of two values.
    fn greatest(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => format!("MAX({a}, {b})"),
            Dialect::Postgres => format!("GREATEST({a}, {b})"),
        }
    }

    /// 1-based position of `needle` in `haystack`, `0` when absent.
    fn strpos(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({haystack}, {needle})"),
            Dialect::Postgres => format!("strpos({haystack}, {needle})"),
        }
    }
}

/// A commit's snapshot summary (`$1` npsn … `$18` public JSON), the same on both backends.
const SNAPSHOT_UPSERT: &str = "INSERT INTO school_snapshot (npsn, session_id, tanggal_kirim_ms, helper_version, username_ops,
        sekolah, peserta_didik, ptk, riwayat_kepangkatan, riwayat_pendidikan, rombel, anggota_rombel,
        pembelajaran, nama, bentuk, status, summary, public)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (npsn) DO UPDATE SET session_id = excluded.session_id,
        tanggal_kirim_ms = excluded.tanggal_kirim_ms, helper_version = excluded.helper_version,
        username_ops = excluded.username_ops, sekolah = excluded.sekolah,
        peserta_didik = excluded.peserta_didik, ptk = excluded.ptk,
        riwayat_kepangkatan = excluded.riwayat_kepangkatan, riwayat_pendidikan = excluded.riwayat_pendidikan,
        rombel = excluded.rombel, anggota_rombel = excluded.anggota_rombel,
        pembelajaran = excluded.pembelajaran, nama = excluded.nama, bentuk = excluded.bentuk,
        status = excluded.status, summary = excluded.summary, public = excluded.public";

/// A commit's progress entry (the counts `$6…$13`).
const PROGRES_INSERT: &str = "INSERT INTO progres_kirim (npsn, session_id, tanggal_kirim_ms, sekolah, peserta_didik, ptk,
        riwayat_kepangkatan, riwayat_pendidikan, rombel, anggota_rombel, pembelajaran, helper_version,
        username_ops)
     VALUES ($1, $2, $3, $6, $7, $8, $9, $10, $11, $12, $13, $4, $5)";

/// The session's end (`$19` the receipt JSON).
const SESSION_COMMITTED: &str = "UPDATE send_session SET state = 'committed', closed_at_ms = $3, last_activity_ms = $3, receipt = $19
     WHERE session_id = $2";

/// The statements that differ between the dialects. Built from constant fragments only (no
/// input), once per backend, so they live as long as the program.
pub(crate) struct Statements {
    /// The end of a commit: batch list, snapshot summary, progress entry, session state
    /// (SQLite: statements run in order, the batch list appended by the caller; PostgreSQL:
    /// one statement, the batch list from arrays `$20…$23`).
    pub(crate) commit_snapshot: String,
    /// Supersede the school's open sessions, open one, list the school's stored content.
    pub(crate) open_session: &'static str,
    pub(crate) snapshot_rows: String,
    pub(crate) belum_kirim: String,
    pub(crate) kecamatan_stats: String,
    pub(crate) peserta_didik_page: String,
    pub(crate) peserta_didik_count: String,
    pub(crate) gtk_rows: String,
    pub(crate) rombel: String,
    pub(crate) anggota_rombel: String,
    pub(crate) jenis_kelamin: String,
    pub(crate) pembelajaran: String,
    pub(crate) students_for_matching: String,
    pub(crate) audit_page: String,
    pub(crate) audit_count: String,
    pub(crate) referensi_summary: String,
}

impl Statements {
    // A data table: every dialect-dependent statement, built from the fragments above.
    fn new(d: Dialect) -> Statements {
        let data = d.json_as_text("sr.data");
        let field = |key: &str| d.json_field("sr.data", key);
        let nama = field("nama");
        let rombel_id = field("rombongan_belajar_id");
        // Rows of one kind of the active schools of kecamatan `$1`, only school `$2` if set.
        let npsn_param = d.nullable_param(2, "text");
        let rows_of = |kind: &str| {
            format!(
                "FROM snapshot_row sr JOIN sekolah_ref r ON r.npsn = sr.npsn
                 WHERE sr.kind = '{kind}' AND r.aktif AND r.kode_kecamatan = $1
                   AND ({npsn_param} IS NULL OR sr.npsn = $2)"
            )
        };
        let audit_where = format!(
            "WHERE ({aksi} IS NULL OR aksi = $1)
               AND ({username} IS NULL OR {contains} > 0)
               AND ({from} IS NULL OR at_ms >= $3) AND ({to} IS NULL OR at_ms < $4)",
            aksi = d.nullable_param(1, "text"),
            username = d.nullable_param(2, "text"),
            contains = d.strpos("lower(username)", "lower($2)"),
            from = d.nullable_param(3, "bigint"),
            to = d.nullable_param(4, "bigint"),
        );
        Statements {
            commit_snapshot: match d {
                Dialect::Sqlite => format!(
                    "DELETE FROM snapshot_batch WHERE npsn = $1;
                     {SNAPSHOT_UPSERT};
                     {PROGRES_INSERT};
                     {SESSION_COMMITTED};"
                ),
                Dialect::Postgres => format!(
                    "WITH batches AS (
                         INSERT INTO snapshot_batch (npsn, kind, seq, sha256, rows)
                         SELECT $1, * FROM UNNEST($20::text[], $21::bigint[], $22::text[], $23::bigint[])
                     ), snapshot AS ({SNAPSHOT_UPSERT}), progres AS ({PROGRES_INSERT})
                     {SESSION_COMMITTED}"
                ),
            },
            open_session: match d {
                // Statements of one query string run in order (the caller wraps them in a
                // transaction).
                Dialect::Sqlite => {
                    "UPDATE send_session SET state = 'superseded', closed_at_ms = $7 WHERE npsn = $2 AND state = 'open';
                     INSERT INTO send_session (session_id, npsn, state, username_ops, helper_version, semester_id, expected,
                                               created_at_ms, last_activity_ms, expires_at_ms)
                     VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7, $8);
                     SELECT sha256 FROM batch_blob WHERE npsn = $2 ORDER BY sha256"
                }
                // One statement (atomic by itself).
                Dialect::Postgres => {
                    "WITH superseded AS (
                         UPDATE send_session SET state = 'superseded', closed_at_ms = $7
                         WHERE npsn = $2 AND state = 'open'
                     ), opened AS (
                         INSERT INTO send_session (session_id, npsn, state, username_ops, helper_version, semester_id,
                                                   expected, created_at_ms, last_activity_ms, expires_at_ms)
                         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7, $8)
                     )
                     SELECT sha256 FROM batch_blob WHERE npsn = $2 ORDER BY sha256"
                }
            },
            snapshot_rows: format!(
                "SELECT sr.npsn, sr.row_id, {data} AS data FROM snapshot_row sr
                 LEFT JOIN sekolah_ref r ON r.npsn = sr.npsn
                 WHERE sr.kind = $1 AND ({npsn} IS NULL OR sr.npsn = $2)
                   AND ({kode} IS NULL OR r.kode_kecamatan = $3)
                 ORDER BY sr.npsn, sr.row_id",
                npsn = d.nullable_param(2, "text"),
                kode = d.nullable_param(3, "text"),
            ),
            belum_kirim: format!(
                "SELECT r.npsn, r.nama, r.bentuk, r.status, r.kode_kecamatan, k.nama AS kecamatan,
                        r.desa, s.tanggal_kirim_ms, {telepon} AS telepon
                 FROM sekolah_ref r
                 JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                 LEFT JOIN school_snapshot s ON s.npsn = r.npsn
                 WHERE r.aktif
                 ORDER BY r.kode_kecamatan, r.nama, r.npsn",
                telepon = d.text_json_field("s.public", "telepon"),
            ),
            kecamatan_stats: format!(
                "SELECT COUNT(*), COUNT(s.npsn), {}, {}, {}
                 FROM sekolah_ref r LEFT JOIN school_snapshot s ON s.npsn = r.npsn
                 WHERE r.aktif AND r.kode_kecamatan = $1",
                d.sum_i64("s.peserta_didik"),
                d.sum_i64("s.rombel"),
                d.sum_i64("s.ptk"),
            ),
            peserta_didik_page: format!(
                "SELECT sr.npsn, r.nama, {data} {}
                 ORDER BY r.nama, sr.npsn, lower({nama}), sr.row_id
                 LIMIT $3 OFFSET $4",
                rows_of("peserta_didik"),
            ),
            peserta_didik_count: format!("SELECT COUNT(*) {}", rows_of("peserta_didik")),
            gtk_rows: format!(
                "SELECT sr.npsn, r.nama, {data} {}
                 ORDER BY r.nama, sr.npsn, lower({nama}), sr.row_id",
                rows_of("ptk"),
            ),
            rombel: format!(
                "SELECT sr.npsn, r.nama, {data} {} ORDER BY r.nama, sr.npsn, sr.row_id",
                rows_of("rombel"),
            ),
            anggota_rombel: format!(
                "SELECT sr.npsn, {rombel_id}, {} {}",
                field("peserta_didik_id"),
                rows_of("anggota_rombel"),
            ),
            jenis_kelamin: format!(
                "SELECT sr.npsn, sr.row_id, {} {}",
                field("jenis_kelamin"),
                rows_of("peserta_didik"),
            ),
            pembelajaran: format!(
                "SELECT sr.npsn, {rombel_id} AS rid, COUNT(*) {} GROUP BY sr.npsn, rid",
                rows_of("pembelajaran"),
            ),
            students_for_matching: format!(
                "SELECT sr.npsn, sr.row_id, r.nama AS nama_sekolah, r.kode_kecamatan,
                        k.nama AS kecamatan, {} AS nisn, {} AS nik, {nama} AS nama,
                        {} AS jenis_kelamin, {} AS rombel
                 FROM snapshot_row sr
                 JOIN sekolah_ref r ON r.npsn = sr.npsn
                 JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                 WHERE sr.kind = 'peserta_didik'",
                field("nisn"),
                field("nik"),
                field("jenis_kelamin"),
                field("nama_rombel"),
            ),
            audit_page: format!(
                "SELECT * FROM audit_log {audit_where}
                 ORDER BY at_ms DESC, id DESC LIMIT $5 OFFSET $6"
            ),
            audit_count: format!("SELECT COUNT(*) FROM audit_log {audit_where}"),
            referensi_summary: format!(
                "SELECT COUNT(*), COUNT(DISTINCT kode_kecamatan), {}
                 FROM sekolah_ref WHERE aktif",
                d.greatest(
                    "(SELECT COALESCE(MAX(updated_at_ms), 0) FROM sekolah_ref)",
                    "(SELECT COALESCE(MAX(updated_at_ms), 0) FROM kecamatan)",
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    /// No dialect's fragment leaks into the other's statements (the shared templates
    /// must go through [`Dialect`]).
    #[test]
    fn statements_use_only_their_dialect() {
        let all = |d: Dialect| {
            let s = d.sql();
            [
                &s.commit_snapshot,
                &s.snapshot_rows,
                &s.belum_kirim,
                &s.kecamatan_stats,
                &s.peserta_didik_page,
                &s.peserta_didik_count,
                &s.gtk_rows,
                &s.rombel,
                &s.anggota_rombel,
                &s.jenis_kelamin,
                &s.pembelajaran,
                &s.students_for_matching,
                &s.audit_page,
                &s.audit_count,
                &s.referensi_summary,
            ]
            .map(|q| q.to_lowercase())
        };
        for q in all(Dialect::Sqlite) {
            for pg in ["::", "->>", "greatest(", "strpos("] {
                assert!(!q.contains(pg), "{pg} in SQLite statement {q}");
            }
        }
        for q in all(Dialect::Postgres) {
            for lite in ["json_extract(", "instr(", "max(("] {
                assert!(!q.contains(lite), "{lite} in PostgreSQL statement {q}");
            }
        }
    }
}
