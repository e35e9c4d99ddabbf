//! "JUMLAH SATUAN PENDIDIKAN (SEKOLAH)": schools per kecamatan × bentuk × Negeri/Swasta.
//!
//! Columns: the fixed bentuk [`BENTUK_TETAP`] (TK, KB, TPA, SPS, SD, SMP, Kursus, PKBM, SKB,
//! always shown, as in the district's current site) followed by any other bentuk that has a
//! non-zero count (e.g. SLB, SMA, SMK), alphabetically; each as N / S / Jml, then a
//! "Jumlah" column; a "JUMLAH" row sums every column.

use std::collections::BTreeMap;

use serde::Serialize;
use shared_model::classify::{Bentuk, StatusSekolah};
use shared_model::protocol::RekapSatuanPendidikan;

/// Bentuk columns always present, in this order.
pub const BENTUK_TETAP: [&str; 9] = [
    "TK", "KB", "TPA", "SPS", "SD", "SMP", "Kursus", "PKBM", "SKB",
];

/// Which number the matrix counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Schools that have sent data (what the district's current site shows).
    #[default]
    SudahKirim,
    /// Schools in the reference list.
    Referensi,
}

impl Measure {
    fn of(self, r: &RekapSatuanPendidikan) -> u64 {
        match self {
            Measure::SudahKirim => r.sudah_kirim,
            Measure::Referensi => r.total_referensi,
        }
    }

    /// `?tampil=` query value: `kirim` (default) or `referensi`.
    pub fn from_query(v: Option<&str>) -> Measure {
        match v.map(str::trim) {
            Some("referensi") => Measure::Referensi,
            _ => Measure::SudahKirim,
        }
    }
}

/// Negeri / Swasta / Jml of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NsCell {
    pub n: u64,
    pub s: u64,
    pub jml: u64,
}

impl NsCell {
    pub fn new(n: u64, s: u64) -> Self {
        NsCell { n, s, jml: n + s }
    }

    fn add(&mut self, other: NsCell) {
        *self = NsCell::new(self.n + other.n, self.s + other.s);
    }
}

/// One kecamatan row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixRow {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    /// One cell per [`SatuanPendidikanMatrix::bentuk`] column.
    pub sel: Vec<NsCell>,
    /// The row's "Jumlah".
    pub jumlah: NsCell,
}

/// The whole table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SatuanPendidikanMatrix {
    pub ukuran: Measure,
    /// Column headers (bentuk labels).
    pub bentuk: Vec<String>,
    /// Kecamatan rows with a non-zero "Jumlah", ordered by kode kecamatan.
    pub baris: Vec<MatrixRow>,
    /// The "JUMLAH" row: one cell per bentuk column.
    pub total: Vec<NsCell>,
    pub total_jumlah: NsCell,
}

/// `Negeri` (also `N`, `1`, any case) → true; everything else counts as Swasta.
pub fn is_negeri(status: &str) -> bool {
    status.parse::<StatusSekolah>() == Ok(StatusSekolah::Negeri)
}

/// The label a bentuk is shown under: the known spelling of `shared_model::classify::Bentuk`
/// (case-insensitive; "kursus" → "Kursus", SDLB/SMPLB → SLB, LKP → Kursus), the trimmed
/// input otherwise, "Lainnya" if empty.
pub fn canonical_bentuk(bentuk: &str) -> String {
    let b = bentuk.trim();
    if b.is_empty() {
        return "Lainnya".to_owned();
    }
    Bentuk::from_label(b)
        .map(|k| k.label().to_owned())
        .unwrap_or_else(|| b.to_owned())
}

/// Builds the matrix from rekap rows (any order, any number of rows per cell: they add up).
pub fn build_matrix(rows: &[RekapSatuanPendidikan], ukuran: Measure) -> SatuanPendidikanMatrix {
    // Columns: fixed first, then others with a non-zero count (case-insensitive grouping).
    let mut others: BTreeMap<String, String> = BTreeMap::new();
    for r in rows {
        let label = canonical_bentuk(&r.bentuk);
        if ukuran.of(r) > 0 && !BENTUK_TETAP.contains(&label.as_str()) {
            others.entry(label.to_uppercase()).or_insert(label);
        }
    }
    let mut bentuk: Vec<String> = BENTUK_TETAP.iter().map(|s| (*s).to_owned()).collect();
    bentuk.extend(others.into_values());
    let column_of = |label: &str| bentuk.iter().position(|b| b.eq_ignore_ascii_case(label));

    // Rows keyed by kode kecamatan (name from the first row seen).
    let mut by_kec: BTreeMap<String, MatrixRow> = BTreeMap::new();
    for r in rows {
        let v = ukuran.of(r);
        let row = by_kec
            .entry(r.kode_kecamatan.trim().to_owned())
            .or_insert_with(|| MatrixRow {
                kode_kecamatan: r.kode_kecamatan.trim().to_owned(),
                kecamatan: r.kecamatan.trim().to_owned(),
                sel: vec![NsCell::default(); bentuk.len()],
                jumlah: NsCell::default(),
            });
        if v == 0 {
            continue;
        }
        let Some(col) = column_of(&canonical_bentuk(&r.bentuk)) else {
            continue;
        };
        let cell = if is_negeri(&r.status) {
            NsCell::new(v, 0)
        } else {
            NsCell::new(0, v)
        };
        row.sel[col].add(cell);
        row.jumlah.add(cell);
    }

    let baris: Vec<MatrixRow> = by_kec.into_values().filter(|r| r.jumlah.jml > 0).collect();
    let mut total = vec![NsCell::default(); bentuk.len()];
    let mut total_jumlah = NsCell::default();
    for r in &baris {
        for (t, c) in total.iter_mut().zip(&r.sel) {
            t.add(*c);
        }
        total_jumlah.add(r.jumlah);
    }
    SatuanPendidikanMatrix {
        ukuran,
        bentuk,
        baris,
        total,
        total_jumlah,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(
        kode: &str,
        kec: &str,
        bentuk: &str,
        status: &str,
        kirim: u64,
        refr: u64,
    ) -> RekapSatuanPendidikan {
        RekapSatuanPendidikan {
            kode_kecamatan: kode.into(),
            kecamatan: kec.into(),
            bentuk: bentuk.into(),
            status: status.into(),
            sudah_kirim: kirim,
            total_referensi: refr,
        }
    }

    /// The example of the district's manual (Gambar 9), plus an SMA and a TK to exercise columns.
    #[test]
    fn matrix_matches_the_manual_example() {
        let rows = vec![
            r("051102", "Kec. Nganjuk", "SD", "Negeri", 2, 30),
            r("051103", "Kec. Lengkong", "SD", "Negeri", 1, 25),
            r("051101", "Kec. Berbek", "SD", "Negeri", 1, 28),
            r("051101", "Kec. Berbek", "SMA", "Swasta", 0, 1),
            r("051104", "Kec. Gondang", "TK", "Swasta", 0, 12),
        ];
        let m = build_matrix(&rows, Measure::SudahKirim);
        assert_eq!(
            m.bentuk,
            BENTUK_TETAP.map(String::from).to_vec(),
            "SMA has no sends: no column"
        );
        let names: Vec<_> = m.baris.iter().map(|r| r.kecamatan.as_str()).collect();
        assert_eq!(
            names,
            ["Kec. Berbek", "Kec. Nganjuk", "Kec. Lengkong"],
            "only kecamatan with sends, by kode"
        );
        let sd = 4;
        assert_eq!(m.baris[1].sel[sd], NsCell { n: 2, s: 0, jml: 2 });
        assert_eq!(m.baris[1].jumlah, NsCell { n: 2, s: 0, jml: 2 });
        assert_eq!(m.total[sd], NsCell { n: 4, s: 0, jml: 4 });
        assert_eq!(m.total_jumlah, NsCell { n: 4, s: 0, jml: 4 });
        assert!(
            m.total
                .iter()
                .enumerate()
                .all(|(i, c)| i == sd || c.jml == 0)
        );
    }

    #[test]
    fn other_bentuk_columns_only_when_present_and_totals_add_up() {
        let rows = vec![
            r("1", "Kec. A", "sd", "negeri", 3, 3),
            r("1", "Kec. A", "SD", "Swasta", 1, 2),
            r("1", "Kec. A", "SMK", "2", 2, 2),
            r("1", "Kec. A", "kursus", "Swasta", 1, 1),
            r("2", "Kec. B", "SLB", "Negeri", 1, 1),
            r("2", "Kec. B", "smk", "Negeri", 1, 1),
            r("2", "Kec. B", "", "Swasta", 1, 1),
            r("3", "Kec. C", "SD", "Negeri", 0, 9),
        ];
        let m = build_matrix(&rows, Measure::SudahKirim);
        let extra: Vec<_> = m.bentuk[BENTUK_TETAP.len()..].to_vec();
        assert_eq!(extra, ["Lainnya", "SLB", "SMK"]);
        assert_eq!(canonical_bentuk("sdlb"), "SLB");
        assert!(is_negeri(" N ") && is_negeri("1") && !is_negeri("Swasta") && !is_negeri(""));
        let a = &m.baris[0];
        assert_eq!(a.sel[4], NsCell::new(3, 1));
        assert_eq!(a.sel[6], NsCell::new(0, 1), "Kursus");
        assert_eq!(a.jumlah, NsCell::new(3, 4));
        let smk = m.bentuk.iter().position(|b| b == "SMK").unwrap();
        assert_eq!(m.total[smk], NsCell::new(1, 2));
        assert_eq!(m.baris.len(), 2, "Kec. C has no sends");
        // Column sums equal the row sums.
        let col_sum: u64 = m.total.iter().map(|c| c.jml).sum();
        let row_sum: u64 = m.baris.iter().map(|r| r.jumlah.jml).sum();
        assert_eq!(col_sum, row_sum);
        assert_eq!(m.total_jumlah.jml, 10);
        // Reference measure shows Kec. C and counts references.
        let refm = build_matrix(&rows, Measure::Referensi);
        assert_eq!(refm.baris.len(), 3);
        assert_eq!(refm.total_jumlah.jml, 20);
        assert_eq!(Measure::from_query(Some("referensi")), Measure::Referensi);
        assert_eq!(Measure::from_query(Some("x")), Measure::SudahKirim);
    }

    #[test]
    fn empty_input_gives_fixed_columns_and_zero_total() {
        let m = build_matrix(&[], Measure::SudahKirim);
        assert_eq!(m.bentuk.len(), 9);
        assert!(m.baris.is_empty());
        assert_eq!(m.total_jumlah, NsCell::default());
    }
}
