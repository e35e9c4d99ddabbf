//! View models of the staff lists of a kecamatan.

use serde::{Deserialize, Serialize};

use crate::columns::{CellKind, ListKind, ListRow, Table};
use crate::common::Pager;
use crate::privacy::NikMode;

/// A school in a filter select box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SekolahOption {
    pub npsn: String,
    pub nama: String,
}

/// `/staf/kecamatan/{kode}/daftar/{daftar}`: one of the four lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataListView {
    pub jenis: ListKind,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    /// Built with the list's column set (the same as the downloads).
    pub tabel: Table,
    /// CSS class per column (`num` for counts, `nowrap` for identifiers and dates).
    pub kelas_kolom: Vec<&'static str>,
    /// Whether the list has a NIK column (offers "Buka NIK lengkap").
    pub punya_nik: bool,
    pub nik_terbuka: bool,
    pub sekolah_options: Vec<SekolahOption>,
    /// Selected school filter.
    pub npsn: Option<String>,
    /// Server-side paging; `None` = all rows on one page with client-side paging.
    pub pager: Option<Pager>,
}

impl DataListView {
    /// The list of `rows` (all rows, or one page of them with [`DataListView::with_pager`]).
    pub fn new<R: ListRow>(
        kode_kecamatan: impl Into<String>,
        kecamatan: impl Into<String>,
        rows: &[R],
        nik: NikMode,
    ) -> Self {
        let tabel = Table::build(rows, nik);
        DataListView {
            jenis: R::KIND,
            kode_kecamatan: kode_kecamatan.into(),
            kecamatan: kecamatan.into(),
            punya_nik: tabel.has_nik(),
            kelas_kolom: tabel
                .columns
                .iter()
                .map(|c| match c.kind {
                    CellKind::Number => "num",
                    CellKind::Id | CellKind::Nik | CellKind::Date => "nowrap",
                    CellKind::Text => "",
                })
                .collect(),
            tabel,
            nik_terbuka: nik == NikMode::Revealed,
            sekolah_options: Vec::new(),
            npsn: None,
            pager: None,
        }
    }

    /// Adds the school filter select.
    pub fn with_sekolah_filter(
        mut self,
        options: Vec<SekolahOption>,
        selected: Option<String>,
    ) -> Self {
        self.sekolah_options = options;
        self.npsn = selected.filter(|s| !s.trim().is_empty());
        self
    }

    /// Marks the rows as one page of a longer list: numbering continues from `pager.dari`.
    pub fn with_pager(mut self, pager: Pager) -> Self {
        let first = pager.dari.max(1);
        for (i, row) in self.tabel.rows.iter_mut().enumerate() {
            if let Some(no) = row.first_mut() {
                *no = (first + i as u64).to_string();
            }
        }
        self.pager = Some(pager);
        self
    }
}
