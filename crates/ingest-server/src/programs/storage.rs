//! Storage of the aid-programme lists (PIP, beasiswa, perlengkapan): uploads, matched
//! recipients, unmatched rows, and the students a list is matched against.

use std::collections::{BTreeSet, HashSet};

use district_web::program::{MatchedBy, MatchedRow, Program, StudentKey, UnmatchedRow};

use crate::storage::query::{Tx, query, query_built};
use crate::storage::{Storage, StoreResult};

/// Rows per multi-row `INSERT` of program rows (16 parameters each).
const PROGRAM_CHUNK: usize = 100;

/// One program list upload.
#[derive(Debug, Clone)]
pub struct ProgramUpload {
    pub id: String,
    pub nama_berkas: String,
    pub diunggah_oleh: String,
    pub at_ms: i64,
    pub baris_valid: u64,
    pub baris_galat: u64,
}

/// A student of the latest snapshots with the identifiers a list can name.
#[derive(sqlx::FromRow)]
struct StudentRow {
    row_id: String,
    npsn: String,
    nama_sekolah: String,
    kode_kecamatan: String,
    kecamatan: String,
    nisn: Option<String>,
    nik: Option<String>,
    nama: Option<String>,
    jenis_kelamin: Option<String>,
    rombel: Option<String>,
}

/// `program_penerima` as stored.
#[derive(sqlx::FromRow)]
struct RecipientRow {
    baris: i64,
    program: String,
    tahun: i64,
    dicocokkan: String,
    peserta_didik_id: String,
    npsn: String,
    nama_sekolah: String,
    kode_kecamatan: String,
    kecamatan: String,
    nama: String,
    nisn: Option<String>,
    nik: Option<String>,
    jenis_kelamin: Option<String>,
    rombel: Option<String>,
    catatan: Option<String>,
}

impl From<RecipientRow> for MatchedRow {
    fn from(r: RecipientRow) -> Self {
        MatchedRow {
            baris: r.baris.max(0) as usize,
            program: Program::from_slug(&r.program).unwrap_or(Program::Pip),
            tahun: year(r.tahun),
            dicocokkan: if r.dicocokkan == "nik" {
                MatchedBy::Nik
            } else {
                MatchedBy::Nisn
            },
            peserta_didik_id: r.peserta_didik_id,
            npsn: r.npsn,
            nama_sekolah: r.nama_sekolah,
            kode_kecamatan: r.kode_kecamatan,
            kecamatan: r.kecamatan,
            nama: r.nama,
            nisn: r.nisn,
            nik: r.nik,
            jenis_kelamin: r.jenis_kelamin,
            rombel: r.rombel,
            catatan: r.catatan,
        }
    }
}

fn year(v: i64) -> u16 {
    v.clamp(0, i64::from(u16::MAX)) as u16
}

/// `MatchedBy` as stored.
fn matched_by_kode(m: MatchedBy) -> &'static str {
    match m {
        MatchedBy::Nisn => "nisn",
        MatchedBy::Nik => "nik",
    }
}

/// Keeps a student when one of its identifiers is wanted.
fn wanted_student(nisn: &HashSet<String>, nik: &HashSet<String>, s: &StudentRow) -> bool {
    let has = |v: &Option<String>, set: &HashSet<String>| {
        v.as_deref()
            .map(str::trim)
            .is_some_and(|v| !v.is_empty() && set.contains(v))
    };
    has(&s.nisn, nisn) || has(&s.nik, nik)
}

/// `INSERT INTO table (cols) VALUES ($1, …), (…)` for `rows` rows of `cols` columns.
fn multi_insert(table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", i * columns.len() + c + 1));
        }
        sql.push(')');
    }
    sql
}

const PENERIMA_COLUMNS: &[&str] = &[
    "program",
    "tahun",
    "peserta_didik_id",
    "upload_id",
    "baris",
    "dicocokkan",
    "npsn",
    "nama_sekolah",
    "kode_kecamatan",
    "kecamatan",
    "nama",
    "nisn",
    "nik",
    "jenis_kelamin",
    "rombel",
    "catatan",
];

const TIDAK_COCOK_COLUMNS: &[&str] = &[
    "upload_id",
    "baris",
    "program",
    "tahun",
    "nisn",
    "nik",
    "nama",
    "alasan",
];

impl Storage {
    /// Students of the latest snapshots whose NISN or NIK is in the sets.
    pub async fn students_for_matching(
        &self,
        nisn: &HashSet<String>,
        nik: &HashSet<String>,
    ) -> StoreResult<Vec<StudentKey>> {
        let mut out = Vec::new();
        if nisn.is_empty() && nik.is_empty() {
            return Ok(out);
        }
        let sql = self.dialect().sql().students_for_matching.as_str();
        query(sql)
            .for_each(self.read(), |s: StudentRow| {
                if wanted_student(nisn, nik, &s) {
                    out.push(StudentKey {
                        peserta_didik_id: s.row_id,
                        npsn: s.npsn,
                        nama_sekolah: s.nama_sekolah,
                        kode_kecamatan: s.kode_kecamatan,
                        kecamatan: s.kecamatan,
                        nisn: s.nisn,
                        nik: s.nik,
                        nama: s.nama.unwrap_or_default(),
                        jenis_kelamin: s.jenis_kelamin,
                        rombel: s.rombel,
                    });
                }
            })
            .await?;
        Ok(out)
    }

    /// Records an upload; its rows replace those of every (program, tahun) it contains.
    pub async fn save_program_list(
        &self,
        upload: &ProgramUpload,
        matched: &[MatchedRow],
        unmatched: &[UnmatchedRow],
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        query(
            "INSERT INTO program_upload (id, nama_berkas, diunggah_oleh, at_ms,
                         baris_valid, baris_galat, cocok, tidak_cocok)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&upload.id)
        .bind(&upload.nama_berkas)
        .bind(&upload.diunggah_oleh)
        .bind(upload.at_ms)
        .bind(upload.baris_valid as i64)
        .bind(upload.baris_galat as i64)
        .bind(matched.len() as i64)
        .bind(unmatched.len() as i64)
        .execute(tx.exec())
        .await?;
        let pairs: BTreeSet<(&'static str, u16)> = matched
            .iter()
            .map(|m| (m.program.slug(), m.tahun))
            .chain(unmatched.iter().map(|u| (u.program.slug(), u.tahun)))
            .collect();
        for (program, tahun) in &pairs {
            query("DELETE FROM program_penerima WHERE program = $1 AND tahun = $2")
                .bind(*program)
                .bind(i64::from(*tahun))
                .execute(tx.exec())
                .await?;
        }
        insert_recipients(&mut tx, upload, matched).await?;
        insert_unmatched(&mut tx, upload, unmatched).await?;
        tx.commit().await
    }

    /// The current recipients of a programme in a kecamatan, newest year first.
    pub async fn program_recipients(
        &self,
        kode_kecamatan: &str,
        program: Program,
    ) -> StoreResult<Vec<MatchedRow>> {
        let rows: Vec<RecipientRow> = query(
            "SELECT * FROM program_penerima WHERE kode_kecamatan = $1 AND program = $2
             ORDER BY tahun DESC, nama_sekolah, nama",
        )
        .bind(kode_kecamatan)
        .bind(program.slug())
        .fetch_all(self.read())
        .await?;
        Ok(rows.into_iter().map(MatchedRow::from).collect())
    }

    /// The years a programme has recipients for, newest first.
    pub async fn program_years(&self, program: Program) -> StoreResult<Vec<u16>> {
        let years: Vec<i64> = query(
            "SELECT DISTINCT tahun FROM program_penerima WHERE program = $1
             ORDER BY tahun DESC",
        )
        .bind(program.slug())
        .scalars(self.read())
        .await?;
        Ok(years.into_iter().map(year).collect())
    }
}

/// The matched rows, in multi-row inserts.
async fn insert_recipients(
    tx: &mut Tx,
    upload: &ProgramUpload,
    matched: &[MatchedRow],
) -> StoreResult<()> {
    for chunk in matched.chunks(PROGRAM_CHUNK) {
        let mut q = query_built(multi_insert(
            "program_penerima",
            PENERIMA_COLUMNS,
            chunk.len(),
        ));
        for m in chunk {
            q = q
                .bind(m.program.slug())
                .bind(i64::from(m.tahun))
                .bind(&m.peserta_didik_id)
                .bind(&upload.id)
                .bind(m.baris as i64)
                .bind(matched_by_kode(m.dicocokkan))
                .bind(&m.npsn)
                .bind(&m.nama_sekolah)
                .bind(&m.kode_kecamatan)
                .bind(&m.kecamatan)
                .bind(&m.nama)
                .bind(&m.nisn)
                .bind(&m.nik)
                .bind(&m.jenis_kelamin)
                .bind(&m.rombel)
                .bind(&m.catatan);
        }
        q.execute(tx.exec()).await?;
    }
    Ok(())
}

/// The rows no student matched, in multi-row inserts.
async fn insert_unmatched(
    tx: &mut Tx,
    upload: &ProgramUpload,
    unmatched: &[UnmatchedRow],
) -> StoreResult<()> {
    for chunk in unmatched.chunks(PROGRAM_CHUNK) {
        let mut q = query_built(multi_insert(
            "program_tidak_cocok",
            TIDAK_COCOK_COLUMNS,
            chunk.len(),
        ));
        for u in chunk {
            q = q
                .bind(&upload.id)
                .bind(u.baris as i64)
                .bind(u.program.slug())
                .bind(i64::from(u.tahun))
                .bind(&u.nisn)
                .bind(&u.nik)
                .bind(&u.nama)
                .bind(&u.alasan);
        }
        q.execute(tx.exec()).await?;
    }
    Ok(())
}
