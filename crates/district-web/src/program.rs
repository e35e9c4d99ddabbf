// Over 400 lines: parsing, matching and recaps of programme lists; it moves to ingest-server `programs/` next (issue 10).
//! PIP / beasiswa / perlengkapan dasar lists.
//!
//! The Dapodik Web Service carries no PIP/KIP fields, so the district's departments upload
//! their recipient lists (CSV or XLSX: NISN or NIK, program, tahun, optionally nama).
//! [`parse_program_list`] reads such a file tolerantly (header names case/space/punctuation-
//! insensitive, title rows above the header skipped, `,`/`;`/tab separators, UTF-8 with or
//! without BOM, UTF-16, Windows-1252) and reports bad rows in Indonesian with their row
//! number; [`match_program_list`] matches the rows against the received students.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::table::UploadFormat;
use crate::table::{Cell, TableError, read_table};

/// The three programs the district recaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Program {
    Pip,
    BeasiswaTidakMampu,
    PerlengkapanDasar,
}

impl Program {
    pub const ALL: [Program; 3] = [
        Program::Pip,
        Program::BeasiswaTidakMampu,
        Program::PerlengkapanDasar,
    ];

    /// URL segment and storage name.
    pub fn slug(self) -> &'static str {
        match self {
            Program::Pip => "pip",
            Program::BeasiswaTidakMampu => "beasiswa",
            Program::PerlengkapanDasar => "perlengkapan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Program::Pip => "Program Indonesia Pintar (PIP)",
            Program::BeasiswaTidakMampu => "Beasiswa Peserta Didik Tidak Mampu",
            Program::PerlengkapanDasar => "Perlengkapan Dasar Peserta Didik",
        }
    }

    /// Title of the recap page (the labels of the district's current site).
    pub fn judul_rekap(self) -> &'static str {
        match self {
            Program::Pip => "Rekapitulasi Peserta Didik Penerima PIP",
            Program::BeasiswaTidakMampu => "Data Penerima Beasiswa Bagi Peserta Didik Tidak Mampu",
            Program::PerlengkapanDasar => "Data Penerima Perlengkapan Dasar Peserta Didik",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Program> {
        Program::ALL.into_iter().find(|p| p.slug() == slug.trim())
    }

    /// Reads a program name as departments write it: "PIP", "KIP", "Program Indonesia
    /// Pintar", "Beasiswa", "Beasiswa Tidak Mampu", "Perlengkapan Dasar", slugs …
    pub fn parse(text: &str) -> Option<Program> {
        let t = normalize_key(text);
        if t.is_empty() {
            return None;
        }
        if t.contains("perlengkapan") {
            Some(Program::PerlengkapanDasar)
        } else if t.contains("beasiswa") || t.contains("tidakmampu") {
            Some(Program::BeasiswaTidakMampu)
        } else if t == "pip"
            || t == "kip"
            || t.starts_with("pip")
            || t.contains("indonesiapintar")
            || t.starts_with("kip")
        {
            Some(Program::Pip)
        } else {
            None
        }
    }
}

impl Serialize for Program {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Program", 3)?;
        s.serialize_field("slug", self.slug())?;
        s.serialize_field("label", self.label())?;
        s.serialize_field("judul", self.judul_rekap())?;
        s.end()
    }
}

/// Lowercase letters and digits only ("No. NISN" → "nonisn").
fn normalize_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Defaults from the upload form, used when the file has no such column (or an empty cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    pub default_program: Option<Program>,
    pub default_tahun: Option<u16>,
}

/// A valid row of an uploaded list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramListRow {
    /// Row number as the spreadsheet shows it (header row included).
    pub baris: usize,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    /// Name as written in the list (helps staff with unmatched rows).
    pub nama: Option<String>,
    pub program: Program,
    pub tahun: u16,
}

/// A rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub baris: usize,
    pub pesan: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Baris {}: {}", self.baris, self.pesan)
    }
}

/// Result of reading a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedProgramList {
    pub rows: Vec<ProgramListRow>,
    pub errors: Vec<RowError>,
    /// Row number of the header.
    pub baris_judul: usize,
    /// Recognised columns (`nisn`, `nik`, `program`, `tahun`, `nama`).
    pub kolom: Vec<&'static str>,
}

/// The file as a whole cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgramListError {
    #[error("Format berkas tidak dikenal. Unggah berkas CSV atau XLSX.")]
    FormatTidakDikenal,
    #[error("Berkas tidak dapat dibaca: {0}")]
    BerkasRusak(String),
    #[error("Berkas kosong atau tidak berisi baris data.")]
    Kosong,
    #[error(
        "Baris judul dengan kolom NISN atau NIK tidak ditemukan pada 10 baris pertama. Pastikan ada kolom berjudul \"NISN\" atau \"NIK\"."
    )]
    KolomIdentitasTidakAda,
    #[error(
        "Kolom \"Program\" tidak ditemukan. Tambahkan kolom program atau pilih program pada formulir unggah."
    )]
    KolomProgramTidakAda,
    #[error(
        "Kolom \"Tahun\" tidak ditemukan. Tambahkan kolom tahun atau isi tahun pada formulir unggah."
    )]
    KolomTahunTidakAda,
    #[error("Berkas terlalu besar: {0} baris (maksimal {max} baris).", max = MAX_ROWS)]
    TerlaluBanyakBaris(usize),
}

/// Upper bound of data rows per upload.
pub const MAX_ROWS: usize = 200_000;

const NISN_KEYS: &[&str] = &[
    "nisn",
    "nonisn",
    "nomornisn",
    "nisnpd",
    "nisnsiswa",
    "nisnpesertadidik",
    "nomorinduksiswanasional",
];
const NIK_KEYS: &[&str] = &[
    "nik",
    "nonik",
    "nomornik",
    "nikpd",
    "niksiswa",
    "nikpesertadidik",
    "nomorindukkependudukan",
];
const PROGRAM_KEYS: &[&str] = &[
    "program",
    "namaprogram",
    "jenisprogram",
    "programbantuan",
    "jenisbantuan",
    "bantuan",
    "jenisbeasiswa",
];
const TAHUN_KEYS: &[&str] = &[
    "tahun",
    "tahunanggaran",
    "tahunpenerimaan",
    "tahunpenyaluran",
    "tahunbantuan",
    "thn",
    "ta",
];
const NAMA_KEYS: &[&str] = &[
    "nama",
    "namapd",
    "namasiswa",
    "namapesertadidik",
    "namalengkap",
    "namapenerima",
];

#[derive(Debug, Default)]
struct Columns {
    nisn: Option<usize>,
    nik: Option<usize>,
    program: Option<usize>,
    tahun: Option<usize>,
    nama: Option<usize>,
}

fn find_columns(header: &[Cell]) -> Columns {
    let mut c = Columns::default();
    for (i, cell) in header.iter().enumerate() {
        let k = normalize_key(&cell.text());
        let slot = if NISN_KEYS.contains(&k.as_str()) {
            &mut c.nisn
        } else if NIK_KEYS.contains(&k.as_str()) {
            &mut c.nik
        } else if PROGRAM_KEYS.contains(&k.as_str()) {
            &mut c.program
        } else if TAHUN_KEYS.contains(&k.as_str()) {
            &mut c.tahun
        } else if NAMA_KEYS.contains(&k.as_str()) {
            &mut c.nama
        } else {
            continue;
        };
        slot.get_or_insert(i);
    }
    c
}

/// Reads an uploaded list. Fatal problems (unknown format, no header, missing required
/// column) → `Err`; bad rows → [`ParsedProgramList::errors`], the other rows are kept.
pub fn parse_program_list(
    bytes: &[u8],
    format: UploadFormat,
    options: ParseOptions,
) -> Result<ParsedProgramList, ProgramListError> {
    let rows = read_table(bytes, format, MAX_ROWS + 20).map_err(|e| match e {
        TableError::Unreadable(m) => ProgramListError::BerkasRusak(m),
        TableError::Empty => ProgramListError::Kosong,
        TableError::TooManyRows(n) => ProgramListError::TerlaluBanyakBaris(n),
    })?;
    if rows
        .iter()
        .all(|(_, cells)| cells.iter().all(Cell::is_empty))
    {
        return Err(ProgramListError::Kosong);
    }
    let (header_idx, cols) = rows
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, (_, cells))| (i, find_columns(cells)))
        .find(|(_, c)| c.nisn.is_some() || c.nik.is_some())
        .ok_or(ProgramListError::KolomIdentitasTidakAda)?;
    if cols.program.is_none() && options.default_program.is_none() {
        return Err(ProgramListError::KolomProgramTidakAda);
    }
    if cols.tahun.is_none() && options.default_tahun.is_none() {
        return Err(ProgramListError::KolomTahunTidakAda);
    }
    let data = &rows[header_idx + 1..];
    if data.len() > MAX_ROWS {
        return Err(ProgramListError::TerlaluBanyakBaris(data.len()));
    }
    let mut kolom = Vec::new();
    for (name, idx) in [
        ("nisn", cols.nisn),
        ("nik", cols.nik),
        ("program", cols.program),
        ("tahun", cols.tahun),
        ("nama", cols.nama),
    ] {
        if idx.is_some() {
            kolom.push(name);
        }
    }

    let mut out = ParsedProgramList {
        rows: Vec::new(),
        errors: Vec::new(),
        baris_judul: rows[header_idx].0,
        kolom,
    };
    for (baris, cells) in data {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        match parse_row(cells, &cols, options) {
            Ok((nisn, nik, program, tahun, nama)) => out.rows.push(ProgramListRow {
                baris: *baris,
                nisn,
                nik,
                nama,
                program,
                tahun,
            }),
            Err(pesan) => out.errors.push(RowError {
                baris: *baris,
                pesan,
            }),
        }
    }
    Ok(out)
}

/// The fields of one list row read from its cells.
type RowFields = (Option<String>, Option<String>, Program, u16, Option<String>);

/// One data row: its NISN, NIK, program, tahun and nama, or every problem in one message.
fn parse_row(cells: &[Cell], cols: &Columns, options: ParseOptions) -> Result<RowFields, String> {
    let empty = Cell::Empty;
    let get = |i: Option<usize>| i.and_then(|i| cells.get(i)).unwrap_or(&empty);
    let mut problems: Vec<String> = Vec::new();
    let nisn = parse_nisn(get(cols.nisn)).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let nik = parse_nik(get(cols.nik)).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    if problems.is_empty() && nisn.is_none() && nik.is_none() {
        problems.push("NISN dan NIK kosong; isi salah satu.".to_owned());
    }
    let program_cell = get(cols.program);
    let program = if program_cell.is_empty() {
        options
            .default_program
            .ok_or_else(|| "program kosong.".to_owned())
    } else {
        let t = program_cell.text();
        Program::parse(&t).ok_or_else(|| {
            format!(
                "program \"{t}\" tidak dikenal (gunakan PIP, Beasiswa, atau Perlengkapan Dasar)."
            )
        })
    };
    let tahun_cell = get(cols.tahun);
    let tahun = if tahun_cell.is_empty() {
        options
            .default_tahun
            .ok_or_else(|| "tahun kosong.".to_owned())
    } else {
        parse_tahun(tahun_cell)
    };
    match (program, tahun) {
        (Ok(program), Ok(tahun)) if problems.is_empty() => {
            let nama = Some(get(cols.nama).text()).filter(|s| !s.is_empty());
            Ok((nisn, nik, program, tahun, nama))
        }
        (p, t) => {
            if let Err(e) = p {
                problems.push(capitalize(&e));
            }
            if let Err(e) = t {
                problems.push(capitalize(&e));
            }
            Err(problems.join(" "))
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn digits_only(s: &str) -> String {
    s.trim()
        .trim_start_matches('\'')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn is_blank_marker(s: &str) -> bool {
    matches!(s, "" | "-" | "0" | "'-")
}

fn parse_nisn(cell: &Cell) -> Result<Option<String>, String> {
    let raw = match cell {
        Cell::Empty => return Ok(None),
        Cell::Float(f) if f.fract() != 0.0 || *f < 0.0 => {
            return Err("NISN tidak valid (harus 10 digit angka).".to_owned());
        }
        other => digits_only(&other.text()),
    };
    if is_blank_marker(&raw) {
        return Ok(None);
    }
    if !raw.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "NISN \"{}\" tidak valid (harus 10 digit angka).",
            truncate(&raw, 20)
        ));
    }
    // Spreadsheets drop leading zeros of numbers: NISN has exactly 10 digits.
    let padded = if (8..10).contains(&raw.len()) {
        format!("{raw:0>10}")
    } else {
        raw
    };
    if padded.len() != 10 {
        return Err(format!(
            "NISN tidak valid: terbaca {} digit, seharusnya 10 digit.",
            padded.len()
        ));
    }
    Ok(Some(padded))
}

fn parse_nik(cell: &Cell) -> Result<Option<String>, String> {
    const AS_NUMBER: &str = "NIK tersimpan sebagai angka sehingga digit terakhirnya bisa berubah (Excel hanya menyimpan 15 digit). Ubah format kolom NIK menjadi Teks, ketik ulang NIK, lalu unggah kembali.";
    let raw = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(_) | Cell::Float(_) => return Err(AS_NUMBER.to_owned()),
        Cell::Text(s) => digits_only(s),
    };
    if is_blank_marker(&raw) {
        return Ok(None);
    }
    if raw.contains(['E', 'e']) && raw.contains(['+', '.', ',']) {
        return Err(AS_NUMBER.to_owned());
    }
    if !raw.chars().all(|c| c.is_ascii_digit()) {
        return Err("NIK tidak valid (harus 16 digit angka).".to_owned());
    }
    if raw.len() != 16 {
        return Err(format!(
            "NIK tidak valid: terbaca {} digit, seharusnya 16 digit.",
            raw.len()
        ));
    }
    Ok(Some(raw))
}

fn parse_tahun(cell: &Cell) -> Result<u16, String> {
    let t = cell.text();
    let lead: String = t.trim().chars().take_while(char::is_ascii_digit).collect();
    match lead.parse::<u16>() {
        Ok(y) if lead.len() == 4 && (2000..=2100).contains(&y) => Ok(y),
        _ => Err(format!(
            "tahun \"{}\" tidak valid (contoh: 2025).",
            truncate(&t, 20)
        )),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n).chain(std::iter::once('…')).collect()
    }
}

/// A received student, as matching needs it (built by the server from its snapshots).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentKey {
    pub peserta_didik_id: String,
    pub npsn: String,
    pub nama_sekolah: String,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    pub nama: String,
    pub jenis_kelamin: Option<String>,
    pub rombel: Option<String>,
}

/// Which identifier matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MatchedBy {
    #[serde(rename = "NISN")]
    Nisn,
    #[serde(rename = "NIK")]
    Nik,
}

/// A list row matched to a received student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedRow {
    pub baris: usize,
    pub program: Program,
    pub tahun: u16,
    pub dicocokkan: MatchedBy,
    pub peserta_didik_id: String,
    pub npsn: String,
    pub nama_sekolah: String,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub nama: String,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    pub jenis_kelamin: Option<String>,
    pub rombel: Option<String>,
    /// A remark for staff (e.g. the NIK of the list differs from Dapodik).
    pub catatan: Option<String>,
}

/// A list row without (a unique) student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedRow {
    pub baris: usize,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    pub nama: Option<String>,
    pub program: Program,
    pub tahun: u16,
    pub alasan: String,
}

/// Result of [`match_program_list`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProgramMatch {
    pub matched: Vec<MatchedRow>,
    pub unmatched: Vec<UnmatchedRow>,
}

fn key(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

enum Lookup<'a> {
    None,
    One(&'a StudentKey),
    Many(Vec<&'a StudentKey>),
}

fn lookup<'a>(index: &HashMap<&str, Vec<&'a StudentKey>>, k: Option<&str>) -> Lookup<'a> {
    match k.and_then(|k| index.get(k)) {
        None => Lookup::None,
        Some(v) => {
            let first = v[0];
            if v.iter()
                .all(|s| s.peserta_didik_id == first.peserta_didik_id)
            {
                Lookup::One(first)
            } else {
                Lookup::Many(v.clone())
            }
        }
    }
}

/// Matches list rows to students: by NISN first, then by NIK. A row whose identifier
/// belongs to several different students is not matched (reason given); a second row for
/// the same student, program and year is reported as a duplicate.
pub fn match_program_list(rows: &[ProgramListRow], students: &[StudentKey]) -> ProgramMatch {
    let mut by_nisn: HashMap<&str, Vec<&StudentKey>> = HashMap::new();
    let mut by_nik: HashMap<&str, Vec<&StudentKey>> = HashMap::new();
    for s in students {
        if let Some(k) = key(&s.nisn) {
            by_nisn.entry(k).or_default().push(s);
        }
        if let Some(k) = key(&s.nik) {
            by_nik.entry(k).or_default().push(s);
        }
    }
    let mut seen: HashMap<(&str, Program, u16), usize> = HashMap::new();
    let mut out = ProgramMatch::default();
    for row in rows {
        let unmatched = |alasan: String| UnmatchedRow {
            baris: row.baris,
            nisn: row.nisn.clone(),
            nik: row.nik.clone(),
            nama: row.nama.clone(),
            program: row.program,
            tahun: row.tahun,
            alasan,
        };
        let by_nisn_hit = lookup(&by_nisn, key(&row.nisn));
        let (student, by, catatan) = match by_nisn_hit {
            Lookup::One(s) => {
                let note = match (key(&row.nik), key(&s.nik)) {
                    (Some(a), Some(b)) if a != b => {
                        Some("NIK pada daftar berbeda dengan NIK di Dapodik.".to_owned())
                    }
                    _ => None,
                };
                (s, MatchedBy::Nisn, note)
            }
            Lookup::Many(v) => {
                out.unmatched.push(unmatched(ambiguous("NISN", &v)));
                continue;
            }
            Lookup::None => match lookup(&by_nik, key(&row.nik)) {
                Lookup::One(s) => {
                    let note = key(&row.nisn).map(|_| {
                        "NISN pada daftar tidak ditemukan; dicocokkan dengan NIK.".to_owned()
                    });
                    (s, MatchedBy::Nik, note)
                }
                Lookup::Many(v) => {
                    out.unmatched.push(unmatched(ambiguous("NIK", &v)));
                    continue;
                }
                Lookup::None => {
                    out.unmatched.push(unmatched(
                        "Tidak ditemukan pada data peserta didik yang sudah dikirim sekolah (NISN/NIK tidak cocok)."
                            .to_owned(),
                    ));
                    continue;
                }
            },
        };
        if let Some(first) = seen.get(&(student.peserta_didik_id.as_str(), row.program, row.tahun))
        {
            out.unmatched.push(unmatched(format!(
                "Duplikat: peserta didik yang sama sudah tercantum pada baris {first} untuk program dan tahun yang sama."
            )));
            continue;
        }
        seen.insert(
            (student.peserta_didik_id.as_str(), row.program, row.tahun),
            row.baris,
        );
        out.matched.push(matched_row(row, student, by, catatan));
    }
    out
}

/// A list row matched to its student (the student's fields as received).
fn matched_row(
    row: &ProgramListRow,
    student: &StudentKey,
    by: MatchedBy,
    catatan: Option<String>,
) -> MatchedRow {
    MatchedRow {
        baris: row.baris,
        program: row.program,
        tahun: row.tahun,
        dicocokkan: by,
        peserta_didik_id: student.peserta_didik_id.clone(),
        npsn: student.npsn.clone(),
        nama_sekolah: student.nama_sekolah.clone(),
        kode_kecamatan: student.kode_kecamatan.clone(),
        kecamatan: student.kecamatan.clone(),
        nama: student.nama.clone(),
        nisn: student.nisn.clone(),
        nik: student.nik.clone(),
        jenis_kelamin: student.jenis_kelamin.clone(),
        rombel: student.rombel.clone(),
        catatan,
    }
}

fn ambiguous(what: &str, v: &[&StudentKey]) -> String {
    let mut npsn: Vec<&str> = v.iter().map(|s| s.npsn.as_str()).collect();
    npsn.sort_unstable();
    npsn.dedup();
    format!(
        "{what} dimiliki lebih dari satu peserta didik (NPSN {}); periksa data di sekolah terkait.",
        npsn.join(", ")
    )
}

/// Recipients of one school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramSekolahRecap {
    pub npsn: String,
    pub nama_sekolah: String,
    pub penerima: u64,
    pub laki_laki: u64,
    pub perempuan: u64,
}

/// Recipients of one kecamatan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramKecamatanRecap {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub penerima: u64,
}

/// Recipients per school of one kecamatan, by school name.
pub fn recap_per_sekolah(matched: &[MatchedRow], kode_kecamatan: &str) -> Vec<ProgramSekolahRecap> {
    let mut by: BTreeMap<&str, ProgramSekolahRecap> = BTreeMap::new();
    for m in matched
        .iter()
        .filter(|m| m.kode_kecamatan.trim() == kode_kecamatan.trim())
    {
        let r = by
            .entry(m.npsn.as_str())
            .or_insert_with(|| ProgramSekolahRecap {
                npsn: m.npsn.clone(),
                nama_sekolah: m.nama_sekolah.clone(),
                penerima: 0,
                laki_laki: 0,
                perempuan: 0,
            });
        r.penerima += 1;
        match m.jenis_kelamin.as_deref().map(str::trim) {
            Some(j) if j.eq_ignore_ascii_case("l") => r.laki_laki += 1,
            Some(j) if j.eq_ignore_ascii_case("p") => r.perempuan += 1,
            _ => {}
        }
    }
    let mut v: Vec<_> = by.into_values().collect();
    v.sort_by(|a, b| crate::common::natural_cmp(&a.nama_sekolah, &b.nama_sekolah));
    v
}

/// Recipients per kecamatan, by kode kecamatan.
pub fn recap_per_kecamatan(matched: &[MatchedRow]) -> Vec<ProgramKecamatanRecap> {
    let mut by: BTreeMap<&str, ProgramKecamatanRecap> = BTreeMap::new();
    for m in matched {
        by.entry(m.kode_kecamatan.trim())
            .or_insert_with(|| ProgramKecamatanRecap {
                kode_kecamatan: m.kode_kecamatan.trim().to_owned(),
                kecamatan: m.kecamatan.clone(),
                penerima: 0,
            })
            .penerima += 1;
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_names_are_read_tolerantly() {
        assert_eq!(Program::parse("PIP"), Some(Program::Pip));
        assert_eq!(Program::parse(" kip sd "), Some(Program::Pip));
        assert_eq!(
            Program::parse("Program Indonesia Pintar"),
            Some(Program::Pip)
        );
        assert_eq!(
            Program::parse("Beasiswa Tidak Mampu"),
            Some(Program::BeasiswaTidakMampu)
        );
        assert_eq!(
            Program::parse("PERLENGKAPAN DASAR"),
            Some(Program::PerlengkapanDasar)
        );
        assert_eq!(
            Program::parse("perlengkapan"),
            Some(Program::PerlengkapanDasar)
        );
        assert_eq!(Program::parse("bansos"), None);
        assert_eq!(Program::parse(""), None);
        for p in Program::ALL {
            assert_eq!(Program::from_slug(p.slug()), Some(p));
            assert_eq!(Program::parse(p.slug()), Some(p));
        }
    }

    #[test]
    fn identifiers_are_validated() {
        assert_eq!(
            parse_nisn(&Cell::Text("'0012345678".into())),
            Ok(Some("0012345678".into()))
        );
        assert_eq!(
            parse_nisn(&Cell::Float(12345678.0)),
            Ok(Some("0012345678".into()))
        );
        assert_eq!(parse_nisn(&Cell::Text("-".into())), Ok(None));
        assert!(parse_nisn(&Cell::Text("12345".into())).is_err());
        assert!(parse_nisn(&Cell::Text("abc".into())).is_err());
        assert_eq!(
            parse_nik(&Cell::Text("3299 0101 0101 0007".into())),
            Ok(Some("3299010101010007".into()))
        );
        assert!(
            parse_nik(&Cell::Float(3299010101010007.0))
                .unwrap_err()
                .contains("Teks")
        );
        assert!(
            parse_nik(&Cell::Text("3.29901E+15".into()))
                .unwrap_err()
                .contains("Teks")
        );
        assert!(
            parse_nik(&Cell::Text("329901".into()))
                .unwrap_err()
                .contains("6 digit")
        );
        assert_eq!(parse_tahun(&Cell::Float(2025.0)), Ok(2025));
        assert_eq!(parse_tahun(&Cell::Text("2025/2026".into())), Ok(2025));
        assert!(parse_tahun(&Cell::Text("25".into())).is_err());
    }
}
