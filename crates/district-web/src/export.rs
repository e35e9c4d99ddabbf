//! CSV and XLSX files of a table.
//!
//! * CSV: UTF-8 **with BOM** (Excel then reads UTF-8), comma separated, CRLF line ends, RFC
//!   4180 quoting; cells that a spreadsheet would run as a formula (first character `=`,
//!   `+`, `-`, `@`, tab or CR) get a leading `'`, except plain numbers such as `-7.6032`
//!   (a number is not a formula, and coordinates must stay usable). A cell holding `;` is
//!   quoted like one holding `,`: Excel with the Indonesian list separator `;` splits an
//!   unquoted `a;=HYPERLINK(…)` into a second cell that *starts* with `=`.
//! * XLSX (rust_xlsxwriter): every value is written as a string cell (never a formula, so no
//!   injection), number columns as numbers; identifier columns (NPSN, NISN, NIK …) are text
//!   cells with the text format `@`, so leading zeros survive; bold header row with
//!   autofilter, frozen header, column widths, landscape printing with repeated header.

use std::borrow::Cow;

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

use crate::columns::{CellKind, ColumnMeta, ListKind, Table};

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Rows of one XLSX sheet, header included.
pub const XLSX_MAX_ROWS: usize = 1_048_576;

/// Download format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// `csv` / `xlsx` (the URL segment), case-insensitive.
    pub fn from_extension(ext: &str) -> Option<ExportFormat> {
        match ext.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => CSV_CONTENT_TYPE,
            ExportFormat::Xlsx => XLSX_CONTENT_TYPE,
        }
    }
}

/// A file ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
}

impl ExportFile {
    /// `Content-Disposition` header value (`attachment; filename="…"`).
    pub fn content_disposition(&self) -> String {
        content_disposition(&self.file_name)
    }
}

/// Errors while building a file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("gagal membuat berkas XLSX: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("terlalu banyak baris untuk satu lembar XLSX ({0} baris)")]
    TooManyRows(usize),
}

fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut digits = 0;
    let mut seps = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' | ',' => seps += 1,
            _ => return false,
        }
    }
    digits > 0 && seps <= 1 && !body.starts_with(['.', ',']) && !body.ends_with(['.', ','])
}

/// Whether a spreadsheet would run `s` as a formula when it begins a cell.
fn runs_as_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(s)
}

/// Neutralises spreadsheet formula injection in a CSV cell (see the module docs): a leading
/// `'` where the cell would run as a formula, and where a part after a `,` or `;` inside it
/// would, since Excel whose list separator is not the file's splits the line there, quotes
/// or not (the file's quotes only count at the start of a field).
pub fn sanitize_csv_cell(s: &str) -> Cow<'_, str> {
    let parts: Vec<&str> = s.split([',', ';']).collect();
    if !parts.iter().any(|p| runs_as_formula(p)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + parts.len());
    let mut rest = s;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // The separator that ended the previous part.
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
        if runs_as_formula(part) {
            out.push('\'');
        }
        out.push_str(part);
        rest = &rest[part.len()..];
    }
    Cow::Owned(out)
}

fn push_csv_field(out: &mut String, raw: &str) {
    let v = sanitize_csv_cell(raw);
    // `;` too: the list separator of Indonesian Excel (see the module docs).
    if v.contains([',', ';', '"', '\r', '\n']) || v.starts_with(' ') || v.ends_with(' ') {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&v);
    }
}

/// CSV bytes: BOM, header line, one line per row, CRLF after every line.
pub fn to_csv<H: AsRef<str>, C: AsRef<str>>(headers: &[H], rows: &[Vec<C>]) -> Vec<u8> {
    let mut out = String::with_capacity(64 + rows.len() * headers.len() * 12);
    out.push('\u{feff}');
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
        for (i, c) in cells.enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_field(out, c);
        }
        out.push_str("\r\n");
    };
    line(&mut headers.iter().map(AsRef::as_ref), &mut out);
    for row in rows {
        line(&mut row.iter().map(AsRef::as_ref), &mut out);
    }
    out.into_bytes()
}

/// A valid sheet name: without `[]:*?/\`, not blank, at most 31 characters.
pub fn sanitize_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('\'').trim();
    let short: String = trimmed.chars().take(31).collect();
    let short = short.trim_end().to_owned();
    if short.is_empty() {
        "Data".to_owned()
    } else {
        short
    }
}

/// XLSX bytes of one sheet (see the module docs).
pub fn to_xlsx<C: AsRef<str>>(
    sheet_name: &str,
    columns: &[ColumnMeta],
    rows: &[Vec<C>],
) -> Result<Vec<u8>, ExportError> {
    if rows.len() + 1 > XLSX_MAX_ROWS {
        return Err(ExportError::TooManyRows(rows.len()));
    }
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDE7F0))
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let text = Format::new().set_num_format("@");
    let plain = Format::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sanitize_sheet_name(sheet_name))?;
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, col.header.as_ref(), &header)?;
        let longest = rows
            .iter()
            .take(2000)
            .filter_map(|r| r.get(c as usize))
            .map(|v| v.as_ref().chars().count())
            .max()
            .unwrap_or(0)
            .max(col.header.chars().count().min(24));
        let width = (longest as f64 + 2.0).max(col.width).min(60.0);
        sheet.set_column_width(c, width)?;
        if matches!(col.kind, CellKind::Id | CellKind::Nik) {
            sheet.set_column_format(c, &text)?;
        }
    }
    for (r, row) in rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, value) in row.iter().enumerate().take(columns.len()) {
            let value = value.as_ref();
            if value.is_empty() {
                continue;
            }
            let c16 = c as u16;
            match columns[c].kind {
                CellKind::Number => match value.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => {
                        sheet.write_number(r, c16, n)?;
                    }
                    _ => {
                        sheet.write_string_with_format(r, c16, value, &plain)?;
                    }
                },
                CellKind::Id | CellKind::Nik => {
                    sheet.write_string_with_format(r, c16, value, &text)?;
                }
                CellKind::Text | CellKind::Date => {
                    sheet.write_string(r, c16, value)?;
                }
            }
        }
    }
    if !columns.is_empty() {
        let last_col = (columns.len() - 1) as u16;
        sheet.autofilter(0, 0, rows.len() as u32, last_col)?;
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_repeat_rows(0, 0)?;
    }
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    Ok(workbook.save_to_buffer()?)
}

/// Builds the download of a table in `format`.
pub fn export_table(
    table: &Table,
    format: ExportFormat,
    file_name: &str,
    sheet_name: &str,
) -> Result<ExportFile, ExportError> {
    let bytes = match format {
        ExportFormat::Csv => table.to_csv(),
        ExportFormat::Xlsx => table.to_xlsx(sheet_name)?,
    };
    Ok(ExportFile {
        bytes,
        content_type: format.content_type(),
        file_name: file_name.to_owned(),
    })
}

/// `peserta-didik_kec-nganjuk_2025-12-01.xlsx`: ASCII, lowercase, safe in every header.
pub fn export_file_name(
    kind: ListKind,
    kecamatan: &str,
    tanggal: time::Date,
    format: ExportFormat,
) -> String {
    format!(
        "{}_{}_{:04}-{:02}-{:02}.{}",
        kind.slug(),
        slugify(kecamatan),
        tanggal.year(),
        u8::from(tanggal.month()),
        tanggal.day(),
        format.extension()
    )
}

/// Lowercase ASCII letters and digits joined by `-` ("Kec. Nganjuk" → "kec-nganjuk").
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "data".to_owned()
    } else {
        out
    }
}

/// `attachment; filename="…"` with a sanitised ASCII name (quotes, slashes, controls dropped).
pub fn content_disposition(file_name: &str) -> String {
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control() && !matches!(c, '"' | '\\' | '/' | ';'))
        .collect();
    let safe = if safe.trim().is_empty() {
        "unduhan".to_owned()
    } else {
        safe
    };
    format!("attachment; filename=\"{safe}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_prefixed_but_numbers_are_not() {
        assert_eq!(sanitize_csv_cell("=1+1"), "'=1+1");
        assert_eq!(sanitize_csv_cell("+SUM(A1)"), "'+SUM(A1)");
        assert_eq!(sanitize_csv_cell("-1+2"), "'-1+2");
        assert_eq!(sanitize_csv_cell("@cmd"), "'@cmd");
        assert_eq!(sanitize_csv_cell("\t=x"), "'\t=x");
        assert_eq!(sanitize_csv_cell("-7.60320000000000"), "-7.60320000000000");
        assert_eq!(sanitize_csv_cell("+62"), "+62");
        assert_eq!(sanitize_csv_cell("-"), "'-");
        assert_eq!(sanitize_csv_cell("SD NEGERI 1"), "SD NEGERI 1");
        assert_eq!(sanitize_csv_cell(""), "");
        // Parts after an inner `,` or `;` (where Excel with the other separator splits).
        assert_eq!(sanitize_csv_cell("a;=1"), "a;'=1");
        assert_eq!(sanitize_csv_cell("=a,@b;c"), "'=a,'@b;c");
        assert_eq!(sanitize_csv_cell("1;-2,5"), "1;-2,5");
        assert_eq!(sanitize_csv_cell("Jl. Mawar, RT 02"), "Jl. Mawar, RT 02");
    }

    /// Opens the file as Excel would with either list separator (`,` or the Indonesian `;`):
    /// no cell may begin with a formula character, and every value comes back whole.
    #[test]
    fn no_formula_cell_with_either_list_separator() {
        let hostile = [
            "a;=HYPERLINK(\"http://x\")",
            "SD 1;+SUM(A1)",
            "x;-1+2;@cmd",
            "b,=1+1",
            "c;\t=x",
            "plain; text",
            "=1+1",
            "-7.6032",
        ];
        let rows: Vec<Vec<&str>> = hostile.iter().map(|v| vec!["20599901", v]).collect();
        let bytes = to_csv(&["npsn", "nilai"], &rows);
        let text = String::from_utf8(bytes).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        for sep in [b',', b';'] {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(sep)
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
            assert_eq!(records.len(), hostile.len() + 1);
            for rec in &records {
                for cell in rec.iter() {
                    assert!(
                        !runs_as_formula(cell),
                        "separator {}: cell {cell:?}",
                        sep as char
                    );
                }
            }
            if sep == b',' {
                let values: Vec<&str> = records[1..].iter().map(|r| r.get(1).unwrap()).collect();
                let expected: Vec<String> = hostile
                    .iter()
                    .map(|v| sanitize_csv_cell(v).into_owned())
                    .collect();
                assert_eq!(values, expected, "values come back whole");
            }
        }
    }

    #[test]
    fn names_are_safe() {
        assert_eq!(sanitize_sheet_name("a/b:c*?[x]"), "a b c   x");
        assert_eq!(sanitize_sheet_name("   "), "Data");
        assert_eq!(sanitize_sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(slugify("Kec. Nganjuk"), "kec-nganjuk");
        assert_eq!(slugify("<>"), "data");
        let d = time::macros::date!(2025 - 12 - 01);
        assert_eq!(
            export_file_name(
                ListKind::PesertaDidik,
                "Kec. Nganjuk",
                d,
                ExportFormat::Xlsx
            ),
            "peserta-didik_kec-nganjuk_2025-12-01.xlsx"
        );
        assert_eq!(
            content_disposition("a\"b/c.csv"),
            "attachment; filename=\"abc.csv\""
        );
        assert_eq!(
            ExportFormat::from_extension("XLSX"),
            Some(ExportFormat::Xlsx)
        );
        assert_eq!(ExportFormat::from_extension("pdf"), None);
    }
}
