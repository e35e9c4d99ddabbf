//! The one tolerant table reader of uploaded lists (the reference list, the aid-programme
//! lists): CSV in UTF-8 (BOM optional), UTF-16 (BOM) or Windows-1252, separated by `,`,
//! `;` or tab (sniffed), and XLSX/XLS/ODS (first sheet, read with calamine). It only
//! reads cells; each caller finds its header and checks its own columns.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

/// Kind of uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFormat {
    Csv,
    /// XLSX (also XLS, XLSB, ODS: read with calamine).
    Spreadsheet,
}

impl UploadFormat {
    /// By content first (ZIP or OLE signature ⇒ spreadsheet), else by extension.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Option<UploadFormat> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Some(UploadFormat::Spreadsheet);
        }
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".csv") || lower.ends_with(".txt") || lower.ends_with(".tsv") {
            Some(UploadFormat::Csv)
        } else if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".ods") {
            Some(UploadFormat::Spreadsheet)
        } else {
            None
        }
    }
}

/// One cell as read (spreadsheets keep numbers as numbers).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Cell::Float(f) => f.to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Why a table could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// Not a valid file of its format (the Indonesian reason).
    Unreadable(String),
    /// A workbook without a sheet.
    Empty,
    /// More rows than the caller accepts (the count read so far).
    TooManyRows(usize),
}

/// Reads every row of a table of `format`, refusing more than `max_rows` rows.
pub fn read_table(bytes: &[u8], format: UploadFormat, max_rows: usize) -> Result<Rows, TableError> {
    match format {
        UploadFormat::Csv => read_csv(bytes, max_rows),
        UploadFormat::Spreadsheet => read_spreadsheet(bytes, max_rows),
    }
}

/// Decodes text: UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252/Latin-1.
fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{fffd}'))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn sniff_delimiter(text: &str) -> u8 {
    // Title rows may precede the header: look at the first few non-empty lines.
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    let count = |d: char| {
        sample
            .iter()
            .map(|l| l.matches(d).count())
            .max()
            .unwrap_or(0)
    };
    [(b',', count(',')), (b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .fold((b',', 0), |best, c| if c.1 > best.1 { c } else { best })
        .0
}

/// Rows with their 1-based line (CSV) or row (spreadsheet) number.
pub type Rows = Vec<(usize, Vec<Cell>)>;

fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Rows, TableError> {
    let text = decode_text(bytes);
    let delimiter = sniff_delimiter(&text);
    // Line numbers from byte offsets (the csv crate's own line counter is off with CRLF).
    let raw = text.as_bytes();
    let newlines: Vec<usize> = raw
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |byte: usize| {
        let mut pos = byte.min(raw.len());
        while pos < raw.len() && matches!(raw[pos], b'\r' | b'\n') {
            pos += 1;
        }
        newlines.partition_point(|&n| n < pos) + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(raw);
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e
                .position()
                .map(|p| line_at(p.byte() as usize))
                .unwrap_or(0);
            TableError::Unreadable(format!("CSV rusak di sekitar baris {line}."))
        })?;
        let line = rec
            .position()
            .map(|p| line_at(p.byte() as usize))
            .unwrap_or(rows.len() + 1);
        let cells = rec
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_owned())
                }
            })
            .collect();
        rows.push((line, cells));
        if rows.len() > max_rows {
            return Err(TableError::TooManyRows(rows.len()));
        }
    }
    Ok(rows)
}

fn read_spreadsheet(bytes: &[u8], max_rows: usize) -> Result<Rows, TableError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| TableError::Unreadable("bukan berkas XLSX/XLS yang valid.".to_owned()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(TableError::Empty)?
        .map_err(|e| TableError::Unreadable(format!("lembar pertama tidak dapat dibaca ({e}).")))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    if range.height() > max_rows {
        return Err(TableError::TooManyRows(range.height()));
    }
    let lead = col0 as usize;
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let mut cells: Vec<Cell> = Vec::with_capacity(lead + r.len());
            cells.extend(std::iter::repeat_n(Cell::Empty, lead));
            cells.extend(r.iter().map(|d| match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Int(i) => Cell::Int(*i),
                Data::Float(f) => Cell::Float(*f),
                Data::Bool(b) => Cell::Text(b.to_string()),
                Data::DateTime(d) => Cell::Text(d.to_string()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::Error(e) => Cell::Text(format!("#{e:?}")),
            }));
            (row0 as usize + i + 1, cells)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_line_numbers_survive_crlf_and_multiline_fields() {
        let rows = read_csv(b"A;;\r\n;;\r\nNo.;\"X\ny\"\r\n1;2\r\n\r\n3;4\n", 100).unwrap();
        let lines: Vec<usize> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3, 5, 7]);
    }

    #[test]
    fn delimiters_and_encodings() {
        assert_eq!(sniff_delimiter("NISN;Program;Tahun\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("NISN,Program,Tahun"), b',');
        assert_eq!(sniff_delimiter("NISN\tProgram\tTahun"), b'\t');
        assert_eq!(decode_text(b"\xEF\xBB\xBFa"), "a");
        assert_eq!(decode_text(&[0xFF, 0xFE, b'a', 0]), "a");
        assert_eq!(decode_text(&[0x41, 0xE9]), "Aé");
    }
}
