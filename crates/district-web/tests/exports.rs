//! CSV and XLSX exports: BOM, quoting, formula injection, XLSX round trip, shared columns.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use district_web::columns::{
    CellKind, ColumnMeta, GtkListRow, ListKind, PesertaDidikListRow, RombelListRow, Table,
};
use district_web::export::{
    CSV_CONTENT_TYPE, ExportFormat, XLSX_CONTENT_TYPE, export_file_name, export_table, to_csv,
    to_xlsx,
};
use district_web::privacy::NikMode;

fn students() -> Vec<PesertaDidikListRow> {
    vec![
        PesertaDidikListRow {
            npsn: "00599901".into(),
            nama_sekolah: "SD NEGERI 1, \"TELADAN\"".into(),
            nama: "=HYPERLINK(\"http://x\")".into(),
            nisn: Some("0012345678".into()),
            nik: Some("3299017001990007".into()),
            jenis_kelamin: Some("L".into()),
            tanggal_lahir: Some("2016-05-21".into()),
            nama_ibu: Some("Baris\nbaru".into()),
            ..Default::default()
        },
        PesertaDidikListRow {
            npsn: "00599901".into(),
            nama_sekolah: "SD NEGERI 1".into(),
            nama: "@ANI".into(),
            nisn: Some("0098765432".into()),
            nik: Some("0299017001990008".into()),
            jenis_kelamin: Some("P".into()),
            ..Default::default()
        },
    ]
}

#[test]
fn csv_has_bom_crlf_quoting_and_no_formulas() {
    let table = Table::build(&students(), NikMode::Revealed);
    let bytes = table.to_csv();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("No,NPSN,Nama Sekolah,Nama Peserta Didik,NIPD,NISN,NIK,L/P,"));
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches("\r\n").count(),
        3,
        "header + 2 rows (the embedded newline is quoted)"
    );
    assert!(
        text.contains("\"SD NEGERI 1, \"\"TELADAN\"\"\""),
        "quotes doubled, comma quoted"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "formula neutralised, then quoted"
    );
    assert!(text.contains(",'@ANI,"));
    assert!(text.contains("\"Baris\nbaru\""));
    assert!(
        text.contains(",0012345678,3299017001990007,"),
        "identifiers exactly as text"
    );

    // A CSV reader sees the original values (apart from the formula prefix).
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let headers = r.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), table.headers());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][2], "SD NEGERI 1, \"TELADAN\"");
    assert_eq!(&rows[0][3], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[1][6], "0299017001990008");
}

#[test]
fn csv_of_plain_headers_and_rows() {
    let bytes = to_csv(
        &["A", "-B"],
        &[
            vec!["1".to_string(), "-7.5".to_string()],
            vec![" x".to_string(), "+1 2".to_string()],
        ],
    );
    assert_eq!(
        bytes,
        "\u{feff}A,'-B\r\n1,-7.5\r\n\" x\",'+1 2\r\n".as_bytes()
    );
    assert_eq!(to_csv::<&str, &str>(&[], &[]), "\u{feff}\r\n".as_bytes());
}

fn read_xlsx(bytes: &[u8]) -> (Vec<String>, calamine::Range<Data>) {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[0]).unwrap();
    (names, range)
}

#[test]
fn xlsx_round_trips_with_text_identifiers_and_number_counts() {
    let table = Table::build(&students(), NikMode::Masked);
    let bytes = table.to_xlsx("Peserta Didik: Kec. [Nganjuk]").unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let (names, range) = read_xlsx(&bytes);
    assert_eq!(
        names,
        ["Peserta Didik  Kec.  Nganjuk"],
        "sheet name sanitised"
    );
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 3);
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(header, table.headers());
    // "No" is a number; NPSN/NISN/NIK keep their leading zeros as text.
    assert_eq!(rows[1][0], Data::Float(1.0));
    assert_eq!(rows[1][1], Data::String("00599901".into()));
    assert_eq!(rows[1][5], Data::String("0012345678".into()));
    assert_eq!(
        rows[1][6],
        Data::String("3299********0007".into()),
        "masked NIK"
    );
    assert_eq!(rows[2][6], Data::String("0299********0008".into()));
    // A formula-looking value is a plain string cell, unchanged.
    assert_eq!(rows[1][3], Data::String("=HYPERLINK(\"http://x\")".into()));
    assert_eq!(rows[1][14], Data::String("Baris\nbaru".into()));
    assert_eq!(rows[2][8], Data::Empty, "empty optional cell");
}

#[test]
fn xlsx_writes_count_columns_as_numbers() {
    let rombel = vec![RombelListRow {
        npsn: "20599901".into(),
        nama_sekolah: "SD".into(),
        nama_rombel: "Kelas 1".into(),
        laki_laki: 12,
        perempuan: 10,
        jumlah_anggota: 22,
        jumlah_pembelajaran: 9,
        ..Default::default()
    }];
    let table = Table::build(&rombel, NikMode::Masked);
    let (_, range) = read_xlsx(
        &table
            .to_xlsx(ListKind::RombonganBelajar.sheet_name())
            .unwrap(),
    );
    let row: Vec<Data> = range.rows().nth(1).unwrap().to_vec();
    let h = table.headers();
    let col = |name: &str| h.iter().position(|x| *x == name).unwrap();
    assert_eq!(row[col("Laki-laki")], Data::Float(12.0));
    assert_eq!(row[col("Jumlah Anggota")], Data::Float(22.0));
    assert_eq!(row[col("NPSN")], Data::String("20599901".into()));
}

#[test]
fn html_csv_and_xlsx_share_one_column_set() {
    let gtk = vec![GtkListRow {
        npsn: "1".into(),
        nama: "X".into(),
        nik: Some("3299011111110001".into()),
        ..Default::default()
    }];
    for (kind, table) in [
        (
            ListKind::PesertaDidik,
            Table::build(&students(), NikMode::Masked),
        ),
        (ListKind::Gtk, Table::build(&gtk, NikMode::Masked)),
    ] {
        let headers: Vec<String> = kind
            .columns()
            .iter()
            .map(|c| c.header.to_string())
            .collect();
        assert_eq!(table.headers(), headers);
        let csv = String::from_utf8(table.to_csv()).unwrap();
        assert_eq!(
            csv.trim_start_matches('\u{feff}').lines().next().unwrap(),
            headers.join(",")
        );
        let (_, range) = read_xlsx(&table.to_xlsx(kind.sheet_name()).unwrap());
        let xlsx_headers: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(xlsx_headers, headers);
        assert!(table.rows.iter().all(|r| r.len() == headers.len()));
    }
}

#[test]
fn ad_hoc_xlsx_and_export_files() {
    let cols = vec![
        ColumnMeta::new("Kode", CellKind::Id, 8.0),
        ColumnMeta::text("Nama"),
        ColumnMeta::new("Jumlah", CellKind::Number, 6.0),
    ];
    let rows = vec![vec!["007", "A", "3"], vec!["010", "B", "x"]];
    let (_, range) = read_xlsx(&to_xlsx("Rekap", &cols, &rows).unwrap());
    let r: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        r[1],
        vec![
            Data::String("007".into()),
            Data::String("A".into()),
            Data::Float(3.0)
        ]
    );
    assert_eq!(
        r[2][2],
        Data::String("x".into()),
        "a non-number in a number column stays text"
    );

    let table = Table::build(&students(), NikMode::Masked);
    let d = time::macros::date!(2025 - 12 - 01);
    let name = export_file_name(ListKind::PesertaDidik, "Kec. Nganjuk", d, ExportFormat::Csv);
    let f = export_table(&table, ExportFormat::Csv, &name, "x").unwrap();
    assert_eq!(f.content_type, CSV_CONTENT_TYPE);
    assert_eq!(
        f.content_disposition(),
        "attachment; filename=\"peserta-didik_kec-nganjuk_2025-12-01.csv\""
    );
    let f = export_table(&table, ExportFormat::Xlsx, "a.xlsx", "Peserta Didik").unwrap();
    assert_eq!(f.content_type, XLSX_CONTENT_TYPE);
    assert!(f.bytes.starts_with(b"PK"));
}
