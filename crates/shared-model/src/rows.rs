//! Row shapes of the 8 data kinds and [`FlatSnapshot`], one school's rows per kind.
//!
//! Nested Dapodik rows become their own kind and carry their parent's id. The JSON form of
//! each row (`rows_json`) is what the helper uploads; [`FlatSnapshot::from_rows_json`] is
//! what the server uses to validate an upload (wrong types or an empty id ⇒ [`RowError`]).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kinds::{DataKind, KindCounts};
use crate::lenient;
use crate::webservice::{
    AnggotaRombel, Pembelajaran, PesertaDidik, Ptk, Rombel, RwyKepangkatan, RwyPendFormal, Sekolah,
};

/// A `rwy_kepangkatan` entry with the ids of the PTK row it was nested in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RiwayatKepangkatanRow {
    #[serde(deserialize_with = "lenient::string")]
    pub ptk_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub ptk_terdaftar_id: String,
    #[serde(flatten)]
    pub item: RwyKepangkatan,
}

/// A `rwy_pend_formal` entry with the ids of the PTK row it was nested in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RiwayatPendidikanRow {
    #[serde(deserialize_with = "lenient::string")]
    pub ptk_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub ptk_terdaftar_id: String,
    #[serde(flatten)]
    pub item: RwyPendFormal,
}

/// An `anggota_rombel` entry with the id of its rombel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnggotaRombelRow {
    #[serde(deserialize_with = "lenient::string")]
    pub rombongan_belajar_id: String,
    #[serde(flatten)]
    pub item: AnggotaRombel,
}

/// A `pembelajaran` entry with the id of its rombel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PembelajaranRow {
    #[serde(deserialize_with = "lenient::string")]
    pub rombongan_belajar_id: String,
    #[serde(flatten)]
    pub item: Pembelajaran,
}

/// A row type of one [`DataKind`].
pub trait KindRow: Serialize + DeserializeOwned {
    const KIND: DataKind;
    /// Value of [`DataKind::id_field`].
    fn id(&self) -> &str;
    /// Keys that must not be empty: the id and, for nested kinds, the parent ids.
    fn required_keys(&self) -> Vec<(&'static str, &str)> {
        vec![(Self::KIND.id_field(), self.id())]
    }
}

macro_rules! kind_row {
    ($ty:ty, $kind:ident, |$r:ident| $id:expr $(, [$($key:literal => $val:expr),*])?) => {
        impl KindRow for $ty {
            const KIND: DataKind = DataKind::$kind;
            fn id(&self) -> &str {
                let $r = self;
                $id
            }
            $(fn required_keys(&self) -> Vec<(&'static str, &str)> {
                let $r = self;
                vec![(Self::KIND.id_field(), $id) $(, ($key, $val))*]
            })?
        }
    };
}

kind_row!(Sekolah, Sekolah, |r| r.sekolah_id.as_str());
kind_row!(PesertaDidik, PesertaDidik, |r| r.peserta_didik_id.as_str());
kind_row!(Ptk, Ptk, |r| r.ptk_terdaftar_id.as_str(), ["ptk_id" => r.ptk_id.as_str()]);
kind_row!(RiwayatKepangkatanRow, RiwayatKepangkatan, |r| r.item.riwayat_kepangkatan_id.as_str(),
    ["ptk_id" => r.ptk_id.as_str(), "ptk_terdaftar_id" => r.ptk_terdaftar_id.as_str()]);
kind_row!(RiwayatPendidikanRow, RiwayatPendidikan, |r| r.item.riwayat_pendidikan_formal_id.as_str(),
    ["ptk_id" => r.ptk_id.as_str(), "ptk_terdaftar_id" => r.ptk_terdaftar_id.as_str()]);
kind_row!(Rombel, Rombel, |r| r.rombongan_belajar_id.as_str());
kind_row!(AnggotaRombelRow, AnggotaRombel, |r| r.item.anggota_rombel_id.as_str(),
    ["rombongan_belajar_id" => r.rombongan_belajar_id.as_str(), "peserta_didik_id" => r.item.peserta_didik_id.as_str()]);
kind_row!(PembelajaranRow, Pembelajaran, |r| r.item.pembelajaran_id.as_str(),
    ["rombongan_belajar_id" => r.rombongan_belajar_id.as_str()]);

/// A row of an upload that does not fit its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} baris indeks {index}: {detail}", kind.label())]
pub struct RowError {
    pub kind: DataKind,
    /// 0-based position among the rows given for this kind.
    pub index: usize,
    pub detail: String,
}

/// One school's rows, one list per [`DataKind`] (`sekolah` normally holds exactly one row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlatSnapshot {
    pub sekolah: Vec<Sekolah>,
    pub peserta_didik: Vec<PesertaDidik>,
    pub ptk: Vec<Ptk>,
    pub riwayat_kepangkatan: Vec<RiwayatKepangkatanRow>,
    pub riwayat_pendidikan: Vec<RiwayatPendidikanRow>,
    pub rombel: Vec<Rombel>,
    pub anggota_rombel: Vec<AnggotaRombelRow>,
    pub pembelajaran: Vec<PembelajaranRow>,
}

fn to_json<T: KindRow>(rows: &[T]) -> Vec<Value> {
    let mut sorted: Vec<&T> = rows.iter().collect();
    sorted.sort_by(|a, b| a.id().cmp(b.id()));
    sorted
        .into_iter()
        .map(|r| serde_json::to_value(r).expect("row types always serialise to JSON"))
        .collect()
}

fn from_json<T: KindRow>(out: &mut Vec<T>, rows: Vec<Value>) -> Result<(), RowError> {
    let offset = out.len();
    for (i, value) in rows.into_iter().enumerate() {
        let error = |detail: String| RowError {
            kind: T::KIND,
            index: offset + i,
            detail,
        };
        let row: T = serde_json::from_value(value).map_err(|e| error(e.to_string()))?;
        if let Some((key, _)) = row
            .required_keys()
            .into_iter()
            .find(|(_, v)| v.trim().is_empty())
        {
            return Err(error(format!("kolom {key} kosong")));
        }
        out.push(row);
    }
    Ok(())
}

impl FlatSnapshot {
    /// Number of rows of one kind.
    pub fn len(&self, kind: DataKind) -> usize {
        match kind {
            DataKind::Sekolah => self.sekolah.len(),
            DataKind::PesertaDidik => self.peserta_didik.len(),
            DataKind::Ptk => self.ptk.len(),
            DataKind::RiwayatKepangkatan => self.riwayat_kepangkatan.len(),
            DataKind::RiwayatPendidikan => self.riwayat_pendidikan.len(),
            DataKind::Rombel => self.rombel.len(),
            DataKind::AnggotaRombel => self.anggota_rombel.len(),
            DataKind::Pembelajaran => self.pembelajaran.len(),
        }
    }

    /// `true` when no kind has a row.
    pub fn is_empty(&self) -> bool {
        DataKind::ALL.into_iter().all(|k| self.len(k) == 0)
    }

    /// Row count per kind.
    pub fn counts(&self) -> KindCounts {
        let mut counts = KindCounts::default();
        for kind in DataKind::ALL {
            counts.set(kind, self.len(kind) as u64);
        }
        counts
    }

    /// The rows of one kind as JSON objects, sorted by the kind's id (deterministic batches).
    pub fn rows_json(&self, kind: DataKind) -> Vec<Value> {
        match kind {
            DataKind::Sekolah => to_json(&self.sekolah),
            DataKind::PesertaDidik => to_json(&self.peserta_didik),
            DataKind::Ptk => to_json(&self.ptk),
            DataKind::RiwayatKepangkatan => to_json(&self.riwayat_kepangkatan),
            DataKind::RiwayatPendidikan => to_json(&self.riwayat_pendidikan),
            DataKind::Rombel => to_json(&self.rombel),
            DataKind::AnggotaRombel => to_json(&self.anggota_rombel),
            DataKind::Pembelajaran => to_json(&self.pembelajaran),
        }
    }

    /// Append JSON rows of one kind, validating each (types, non-empty id and parent ids).
    pub fn push_rows_json(&mut self, kind: DataKind, rows: Vec<Value>) -> Result<(), RowError> {
        match kind {
            DataKind::Sekolah => from_json(&mut self.sekolah, rows),
            DataKind::PesertaDidik => from_json(&mut self.peserta_didik, rows),
            DataKind::Ptk => from_json(&mut self.ptk, rows),
            DataKind::RiwayatKepangkatan => from_json(&mut self.riwayat_kepangkatan, rows),
            DataKind::RiwayatPendidikan => from_json(&mut self.riwayat_pendidikan, rows),
            DataKind::Rombel => from_json(&mut self.rombel, rows),
            DataKind::AnggotaRombel => from_json(&mut self.anggota_rombel, rows),
            DataKind::Pembelajaran => from_json(&mut self.pembelajaran, rows),
        }
    }

    /// Build a snapshot from JSON rows per kind (the inverse of [`FlatSnapshot::rows_json`]).
    /// Kinds may be missing or repeated (rows are appended). The first bad row is reported.
    pub fn from_rows_json<I>(rows: I) -> Result<FlatSnapshot, RowError>
    where
        I: IntoIterator<Item = (DataKind, Vec<Value>)>,
    {
        let mut flat = FlatSnapshot::default();
        for (kind, list) in rows {
            flat.push_rows_json(kind, list)?;
        }
        Ok(flat)
    }

    /// Sort every kind by its id (the order of [`FlatSnapshot::rows_json`]).
    pub fn sort_by_id(&mut self) {
        fn sort<T: KindRow>(rows: &mut [T]) {
            rows.sort_by(|a, b| a.id().cmp(b.id()));
        }
        sort(&mut self.sekolah);
        sort(&mut self.peserta_didik);
        sort(&mut self.ptk);
        sort(&mut self.riwayat_kepangkatan);
        sort(&mut self.riwayat_pendidikan);
        sort(&mut self.rombel);
        sort(&mut self.anggota_rombel);
        sort(&mut self.pembelajaran);
    }
}
