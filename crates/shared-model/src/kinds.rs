//! The 8 data kinds the district tracks: the 8 count columns of "Progres Kirim Data".
//!
//! Wire names are a contract (JSON keys, URL segments, CSV headers): never rename them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One of the 8 kinds of rows a school sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    Sekolah,
    PesertaDidik,
    Ptk,
    RiwayatKepangkatan,
    RiwayatPendidikan,
    Rombel,
    AnggotaRombel,
    Pembelajaran,
}

impl DataKind {
    /// All kinds in the column order of the "Progres Kirim Data" table.
    pub const ALL: [DataKind; 8] = [
        DataKind::Sekolah,
        DataKind::PesertaDidik,
        DataKind::Ptk,
        DataKind::RiwayatKepangkatan,
        DataKind::RiwayatPendidikan,
        DataKind::Rombel,
        DataKind::AnggotaRombel,
        DataKind::Pembelajaran,
    ];

    /// Stable wire name (`peserta_didik`, …).
    pub const fn wire_name(self) -> &'static str {
        match self {
            DataKind::Sekolah => "sekolah",
            DataKind::PesertaDidik => "peserta_didik",
            DataKind::Ptk => "ptk",
            DataKind::RiwayatKepangkatan => "riwayat_kepangkatan",
            DataKind::RiwayatPendidikan => "riwayat_pendidikan",
            DataKind::Rombel => "rombel",
            DataKind::AnggotaRombel => "anggota_rombel",
            DataKind::Pembelajaran => "pembelajaran",
        }
    }

    /// Column header of the "Progres Kirim Data" table (Bahasa Indonesia).
    pub const fn label(self) -> &'static str {
        match self {
            DataKind::Sekolah => "Data Sekolah",
            DataKind::PesertaDidik => "Data PD",
            DataKind::Ptk => "Data PTK",
            DataKind::RiwayatKepangkatan => "Data Riwayat Kepangkatan",
            DataKind::RiwayatPendidikan => "Data Riwayat Pendidikan",
            DataKind::Rombel => "Data Rombel",
            DataKind::AnggotaRombel => "Data Anggota Rombel",
            DataKind::Pembelajaran => "Data Pembelajaran",
        }
    }

    /// The field that identifies a row of this kind (unique within one school's snapshot).
    pub const fn id_field(self) -> &'static str {
        match self {
            DataKind::Sekolah => "sekolah_id",
            DataKind::PesertaDidik => "peserta_didik_id",
            DataKind::Ptk => "ptk_terdaftar_id",
            DataKind::RiwayatKepangkatan => "riwayat_kepangkatan_id",
            DataKind::RiwayatPendidikan => "riwayat_pendidikan_formal_id",
            DataKind::Rombel => "rombongan_belajar_id",
            DataKind::AnggotaRombel => "anggota_rombel_id",
            DataKind::Pembelajaran => "pembelajaran_id",
        }
    }

    /// Position in [`DataKind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    pub fn from_wire_name(name: &str) -> Option<DataKind> {
        DataKind::ALL.into_iter().find(|k| k.wire_name() == name)
    }
}

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

/// Error for an unknown wire name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("jenis data tidak dikenal: {0}")]
pub struct UnknownKind(pub String);

impl FromStr for DataKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DataKind::from_wire_name(s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// A count per kind. Serialises as a JSON object keyed by wire name, all 8 keys present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindCounts(pub [u64; 8]);

impl KindCounts {
    pub fn get(&self, kind: DataKind) -> u64 {
        self.0[kind.index()]
    }

    pub fn set(&mut self, kind: DataKind, value: u64) {
        self.0[kind.index()] = value;
    }

    pub fn add(&mut self, kind: DataKind, value: u64) {
        self.0[kind.index()] += value;
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn iter(&self) -> impl Iterator<Item = (DataKind, u64)> + '_ {
        DataKind::ALL.into_iter().map(|k| (k, self.get(k)))
    }
}

impl Serialize for KindCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(8))?;
        for (kind, n) in self.iter() {
            map.serialize_entry(kind.wire_name(), &n)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for KindCounts {
    /// Missing kinds count as 0; unknown keys are refused so a typo cannot pass silently.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, u64>::deserialize(deserializer)?;
        let mut counts = KindCounts::default();
        for (name, n) in raw {
            let kind = DataKind::from_wire_name(&name).ok_or_else(|| {
                serde::de::Error::custom(format!("jenis data tidak dikenal: {name}"))
            })?;
            counts.set(kind, n);
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_unique() {
        let names: std::collections::BTreeSet<_> =
            DataKind::ALL.iter().map(|k| k.wire_name()).collect();
        assert_eq!(names.len(), 8);
        for k in DataKind::ALL {
            assert_eq!(k.wire_name().parse::<DataKind>().unwrap(), k);
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.wire_name())
            );
            assert_eq!(DataKind::ALL[k.index()], k);
        }
        assert!("siswa".parse::<DataKind>().is_err());
    }

    #[test]
    fn counts_serialise_by_wire_name() {
        let mut c = KindCounts::default();
        c.set(DataKind::PesertaDidik, 30);
        c.add(DataKind::PesertaDidik, 1);
        let v = serde_json::to_value(c).unwrap();
        assert_eq!(v["peserta_didik"], 31);
        assert_eq!(v["pembelajaran"], 0);
        assert_eq!(v.as_object().unwrap().len(), 8);
        let back: KindCounts = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
        assert!(serde_json::from_str::<KindCounts>(r#"{"siswa": 1}"#).is_err());
        assert_eq!(c.total(), 31);
    }
}
