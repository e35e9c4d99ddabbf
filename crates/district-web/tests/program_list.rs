//! PIP / beasiswa / perlengkapan lists: tolerant CSV and XLSX parsing with row errors, and
//! matching against received students.

use district_web::program::*;
use rust_xlsxwriter::{Format, Workbook};

fn students() -> Vec<StudentKey> {
    let s = |id: &str, npsn: &str, kode: &str, nisn: Option<&str>, nik: Option<&str>, jk: &str| {
        StudentKey {
            peserta_didik_id: id.into(),
            npsn: npsn.into(),
            nama_sekolah: format!("SD {npsn}"),
            kode_kecamatan: kode.into(),
            kecamatan: format!("Kec. {kode}"),
            nisn: nisn.map(Into::into),
            nik: nik.map(Into::into),
            nama: format!("SISWA {id}"),
            jenis_kelamin: Some(jk.into()),
            rombel: Some("Kelas 4".into()),
        }
    };
    vec![
        s(
            "a",
            "20599901",
            "051101",
            Some("0012345678"),
            Some("3299017001990001"),
            "L",
        ),
        s(
            "b",
            "20599901",
            "051101",
            Some("0012345679"),
            Some("3299017001990002"),
            "P",
        ),
        s(
            "c",
            "20599902",
            "051102",
            None,
            Some("3299017001990003"),
            "P",
        ),
        // The same NISN at two schools (a moved student not yet re-sent by the old school).
        s("d1", "20599903", "051102", Some("0099999999"), None, "L"),
        s("d2", "20599904", "051103", Some("0099999999"), None, "L"),
    ]
}

#[test]
fn csv_with_bom_semicolons_title_rows_and_tolerant_headers() {
    let csv = "\u{feff}DAFTAR PENERIMA PIP TAHUN 2025;;;;\r\n\
               ;;;;\r\n\
               No.;No. NISN; N I K ;Nama Siswa;Jenis Bantuan;Tahun Anggaran\r\n\
               1;'0012345678;;Siswa A;PIP;2025\r\n\
               2;12345679;3299 0170 0199 0002;Siswa B;KIP SD;2025/2026\r\n\
               3;;;Tanpa identitas;PIP;2025\r\n\
               4;0012;;Pendek;PIP;2025\r\n\
               ;;;;;\r\n\
               5;;3.29901E+15;Rusak;PIP;2025\r\n\
               6;;3299017001990003;Siswa C;Bansos;2025\r\n\
               7;;3299017001990003;Siswa C;Beasiswa Tidak Mampu;20x5\r\n";
    let parsed =
        parse_program_list(csv.as_bytes(), UploadFormat::Csv, ParseOptions::default()).unwrap();
    assert_eq!(parsed.baris_judul, 3);
    assert_eq!(parsed.kolom, ["nisn", "nik", "program", "tahun", "nama"]);
    assert_eq!(parsed.rows.len(), 2, "{:?}", parsed.errors);
    assert_eq!(parsed.rows[0].baris, 4);
    assert_eq!(parsed.rows[0].nisn.as_deref(), Some("0012345678"));
    assert_eq!(parsed.rows[0].nama.as_deref(), Some("Siswa A"));
    assert_eq!(
        parsed.rows[1].nisn.as_deref(),
        Some("0012345679"),
        "lost leading zeros restored"
    );
    assert_eq!(parsed.rows[1].nik.as_deref(), Some("3299017001990002"));
    assert_eq!(parsed.rows[1].program, Program::Pip);
    assert_eq!(parsed.rows[1].tahun, 2025);
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert_eq!(errors[0], "Baris 6: NISN dan NIK kosong; isi salah satu.");
    assert!(
        errors[1].starts_with("Baris 7: NISN tidak valid: terbaca 4 digit"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].starts_with("Baris 9: NIK tersimpan sebagai angka"),
        "{}",
        errors[2]
    );
    assert!(
        errors[3].starts_with("Baris 10: Program \"Bansos\" tidak dikenal"),
        "{}",
        errors[3]
    );
    assert!(
        errors[4].starts_with("Baris 11: Tahun \"20x5\" tidak valid"),
        "{}",
        errors[4]
    );
    assert!(
        errors.iter().all(|e| !e.contains("3299017001990003")),
        "NIK values are not echoed"
    );
}

#[test]
fn csv_comma_and_defaults_from_the_form() {
    let csv = "nisn,nama\n0012345678,A\n,B\n";
    assert_eq!(
        parse_program_list(csv.as_bytes(), UploadFormat::Csv, ParseOptions::default()).unwrap_err(),
        ProgramListError::KolomProgramTidakAda
    );
    let opts = ParseOptions {
        default_program: Some(Program::PerlengkapanDasar),
        default_tahun: None,
    };
    assert_eq!(
        parse_program_list(csv.as_bytes(), UploadFormat::Csv, opts).unwrap_err(),
        ProgramListError::KolomTahunTidakAda
    );
    let opts = ParseOptions {
        default_program: Some(Program::PerlengkapanDasar),
        default_tahun: Some(2024),
    };
    let p = parse_program_list(csv.as_bytes(), UploadFormat::Csv, opts).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(
        (p.rows[0].program, p.rows[0].tahun),
        (Program::PerlengkapanDasar, 2024)
    );
    assert_eq!(p.errors[0].baris, 3);
}

#[test]
fn fatal_problems_are_reported_in_indonesian() {
    let none = ParseOptions::default();
    let e = parse_program_list(b"nama,program,tahun\nA,PIP,2025\n", UploadFormat::Csv, none)
        .unwrap_err();
    assert_eq!(e, ProgramListError::KolomIdentitasTidakAda);
    assert!(e.to_string().contains("NISN"));
    assert_eq!(
        parse_program_list(b"", UploadFormat::Csv, none).unwrap_err(),
        ProgramListError::Kosong
    );
    assert_eq!(
        parse_program_list(b" \r\n;;\r\n", UploadFormat::Csv, none).unwrap_err(),
        ProgramListError::Kosong
    );
    let e =
        parse_program_list(b"PK\x03\x04 bukan zip", UploadFormat::Spreadsheet, none).unwrap_err();
    assert!(matches!(e, ProgramListError::BerkasRusak(_)), "{e:?}");
    assert!(e.to_string().starts_with("Berkas tidak dapat dibaca"));
    assert_eq!(
        UploadFormat::detect("daftar.CSV", b"nisn"),
        Some(UploadFormat::Csv)
    );
    assert_eq!(
        UploadFormat::detect("daftar.bin", b"PK\x03\x04"),
        Some(UploadFormat::Spreadsheet)
    );
    assert_eq!(UploadFormat::detect("daftar.pdf", b"%PDF"), None);
}

fn xlsx_list() -> Vec<u8> {
    let mut wb = Workbook::new();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.write_string(0, 1, "Daftar Penerima Beasiswa").unwrap();
    for (c, h) in ["NISN", "NIK", "Nama Peserta Didik", "Program", "Tahun"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16 + 1, *h).unwrap();
    }
    // Row 4: NISN as text.
    ws.write_string_with_format(3, 1, "0012345678", &text)
        .unwrap();
    ws.write_string(3, 3, "Siswa A").unwrap();
    ws.write_string(3, 4, "Beasiswa").unwrap();
    ws.write_number(3, 5, 2025).unwrap();
    // Row 5: NISN typed as a number (leading zeros lost).
    ws.write_number(4, 1, 12345679.0).unwrap();
    ws.write_string(4, 4, "beasiswa tidak mampu").unwrap();
    ws.write_number(4, 5, 2025).unwrap();
    // Row 6: NIK typed as a number.
    ws.write_number(5, 2, 3299017001990003.0).unwrap();
    ws.write_string(5, 4, "Beasiswa").unwrap();
    ws.write_number(5, 5, 2025).unwrap();
    // Row 7: NIK as text.
    ws.write_string_with_format(6, 2, "3299017001990003", &text)
        .unwrap();
    ws.write_string(6, 4, "Perlengkapan Dasar").unwrap();
    ws.write_string(6, 5, "2024").unwrap();
    // Row 8: bad year.
    ws.write_string(7, 1, "0012345678").unwrap();
    ws.write_string(7, 4, "PIP").unwrap();
    ws.write_number(7, 5, 1999).unwrap();
    wb.save_to_buffer().unwrap()
}

type Parsed<'a> = (usize, Option<&'a str>, Option<&'a str>, Program, u16);

#[test]
fn xlsx_lists_are_read_with_row_numbers() {
    let bytes = xlsx_list();
    assert_eq!(
        UploadFormat::detect("x.xlsx", &bytes),
        Some(UploadFormat::Spreadsheet)
    );
    let p = parse_program_list(&bytes, UploadFormat::Spreadsheet, ParseOptions::default()).unwrap();
    assert_eq!(p.baris_judul, 3);
    let rows: Vec<Parsed> = p
        .rows
        .iter()
        .map(|r| {
            (
                r.baris,
                r.nisn.as_deref(),
                r.nik.as_deref(),
                r.program,
                r.tahun,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                4,
                Some("0012345678"),
                None,
                Program::BeasiswaTidakMampu,
                2025
            ),
            (
                5,
                Some("0012345679"),
                None,
                Program::BeasiswaTidakMampu,
                2025
            ),
            (
                7,
                None,
                Some("3299017001990003"),
                Program::PerlengkapanDasar,
                2024
            ),
        ]
    );
    let errors: Vec<String> = p.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with("Baris 6: NIK tersimpan sebagai angka"));
    assert!(errors[0].contains("Teks"));
    assert!(errors[1].starts_with("Baris 8: Tahun \"1999\" tidak valid"));
}

#[test]
fn matching_by_nisn_then_nik_with_ambiguous_duplicate_and_unmatched_rows() {
    let row =
        |baris: usize, nisn: Option<&str>, nik: Option<&str>, program: Program, tahun: u16| {
            ProgramListRow {
                baris,
                nisn: nisn.map(Into::into),
                nik: nik.map(Into::into),
                nama: Some(format!("baris {baris}")),
                program,
                tahun,
            }
        };
    let rows = vec![
        row(2, Some("0012345678"), None, Program::Pip, 2025),
        row(
            3,
            Some("0012345679"),
            Some("3299017001990099"),
            Program::Pip,
            2025,
        ),
        row(4, None, Some("3299017001990003"), Program::Pip, 2025),
        row(
            5,
            Some("0000000000"),
            Some("3299017001990003"),
            Program::BeasiswaTidakMampu,
            2025,
        ),
        row(6, Some("0099999999"), None, Program::Pip, 2025),
        row(7, Some("0012345678"), None, Program::Pip, 2025),
        row(8, Some("0012345678"), None, Program::Pip, 2024),
        row(
            9,
            Some("0011111111"),
            Some("3299000000000000"),
            Program::Pip,
            2025,
        ),
    ];
    let m = match_program_list(&rows, &students());
    let matched: Vec<(usize, &str, MatchedBy)> = m
        .matched
        .iter()
        .map(|r| (r.baris, r.peserta_didik_id.as_str(), r.dicocokkan))
        .collect();
    assert_eq!(
        matched,
        vec![
            (2, "a", MatchedBy::Nisn),
            (3, "b", MatchedBy::Nisn),
            (4, "c", MatchedBy::Nik),
            (5, "c", MatchedBy::Nik),
            (8, "a", MatchedBy::Nisn),
        ]
    );
    assert_eq!(
        m.matched[1].catatan.as_deref(),
        Some("NIK pada daftar berbeda dengan NIK di Dapodik.")
    );
    assert_eq!(
        m.matched[3].catatan.as_deref(),
        Some("NISN pada daftar tidak ditemukan; dicocokkan dengan NIK.")
    );
    assert_eq!(m.matched[0].kode_kecamatan, "051101");
    let unmatched: Vec<(usize, &str)> = m
        .unmatched
        .iter()
        .map(|u| (u.baris, u.alasan.as_str()))
        .collect();
    assert_eq!(unmatched.len(), 3);
    assert_eq!(unmatched[0].0, 6);
    assert!(
        unmatched[0].1.contains("lebih dari satu") && unmatched[0].1.contains("20599903, 20599904")
    );
    assert_eq!(
        unmatched[1],
        (
            7,
            "Duplikat: peserta didik yang sama sudah tercantum pada baris 2 untuk program dan tahun yang sama."
        )
    );
    assert_eq!(unmatched[2].0, 9);
    assert!(unmatched[2].1.starts_with("Tidak ditemukan"));
    assert_eq!(m.unmatched[2].nama.as_deref(), Some("baris 9"));

    let pip_2025: Vec<MatchedRow> = m
        .matched
        .iter()
        .filter(|r| r.program == Program::Pip && r.tahun == 2025)
        .cloned()
        .collect();
    let per_sekolah = recap_per_sekolah(&pip_2025, "051101");
    assert_eq!(per_sekolah.len(), 1);
    assert_eq!(
        (
            per_sekolah[0].penerima,
            per_sekolah[0].laki_laki,
            per_sekolah[0].perempuan
        ),
        (2, 1, 1)
    );
    let per_kec = recap_per_kecamatan(&m.matched);
    let counts: Vec<(&str, u64)> = per_kec
        .iter()
        .map(|k| (k.kode_kecamatan.as_str(), k.penerima))
        .collect();
    assert_eq!(counts, vec![("051101", 3), ("051102", 2)]);
}

#[test]
fn parsed_csv_flows_into_matching() {
    let csv = "NISN,Program,Tahun\n0012345678,PIP,2025\n0012345679,Perlengkapan,2025\n";
    let p = parse_program_list(csv.as_bytes(), UploadFormat::Csv, ParseOptions::default()).unwrap();
    let m = match_program_list(&p.rows, &students());
    assert_eq!(m.matched.len(), 2);
    assert!(m.unmatched.is_empty());
    assert_eq!(m.matched[1].program, Program::PerlengkapanDasar);
}
