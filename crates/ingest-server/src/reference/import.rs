//! `ingest-server reference import FILE.csv`: the kabupaten's kecamatan and school list.
//!
//! Columns (header names are matched case-insensitively; spaces, `-` and `/` count as `_`).
//! The file is read by the one tolerant table reader (`district_web::table`): CSV in UTF-8
//! (BOM optional), UTF-16 or Windows-1252 with `,`, `;` or tab, or XLSX.
//!
//! | column | required | meaning | also accepted |
//! |---|---|---|---|
//! | `npsn` | yes | 8-character NPSN | |
//! | `nama` | yes | school name | `nama_sekolah`, `nama_satuan_pendidikan`, `satuan_pendidikan` |
//! | `bentuk` | yes | form of school: TK, KB, TPA, SPS, SD, SMP, SMA, SMK, SLB, Kursus, PKBM, SKB (others kept as written) | `bentuk_pendidikan`, `jenjang` |
//! | `status` | yes | `Negeri`/`Swasta` (also `N`/`S`, `1`/`2`) | `status_sekolah` |
//! | `kecamatan` | yes | kecamatan name as it should be shown | `nama_kecamatan` |
//! | `kode_kecamatan` | yes | kecamatan code (e.g. the 6-digit kode wilayah) | `kode_wilayah_kecamatan`, `kode_wilayah` |
//! | `desa` | no | desa/kelurahan | `desa_kelurahan`, `kelurahan` |
//! | `alamat` | no | street address | `alamat_jalan` |
//! | `lintang`, `bujur` | no | coordinates as decimal text | `latitude`, `longitude` |
//! | `email`, `website` | no | contact | |
//!
//! This is the `reference.csv` that `dapodik-sim generate` writes. A Data Referensi export
//! maps onto it by renaming its columns (or using the accepted names above). The import is
//! all-or-nothing: any bad row refuses the whole file (with line numbers). Re-importing
//! updates rows in place; schools no longer listed are marked inactive (kept for history,
//! left out of the rekap totals and refused at enrollment).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use anyhow::{Context as _, bail};
use district_web::table::{Cell, TableError, UploadFormat, read_table};
use serde::{Deserialize, Serialize};
use shared_model::classify::{Bentuk, StatusSekolah};

use crate::app::time::now_ms;
use crate::sending::declaration::is_valid_npsn;
use crate::storage::{ImportCounts, KecamatanRef, SekolahRef, Storage};

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Schools in the file.
    pub rows: usize,
    /// Distinct kecamatan in the file.
    pub kecamatan: usize,
    pub counts: ImportCounts,
}

const COLUMNS: &[(&str, &[&str])] = &[
    ("npsn", &["npsn"]),
    (
        "nama",
        &[
            "nama",
            "nama_sekolah",
            "nama_satuan_pendidikan",
            "satuan_pendidikan",
        ],
    ),
    ("bentuk", &["bentuk", "bentuk_pendidikan", "jenjang"]),
    ("status", &["status", "status_sekolah"]),
    ("kecamatan", &["kecamatan", "nama_kecamatan"]),
    (
        "kode_kecamatan",
        &["kode_kecamatan", "kode_wilayah_kecamatan", "kode_wilayah"],
    ),
    ("desa", &["desa", "desa_kelurahan", "kelurahan"]),
    ("alamat", &["alamat", "alamat_jalan"]),
    ("lintang", &["lintang", "latitude"]),
    ("bujur", &["bujur", "longitude"]),
    ("email", &["email"]),
    ("website", &["website"]),
];
const REQUIRED: &[&str] = &[
    "npsn",
    "nama",
    "bentuk",
    "status",
    "kecamatan",
    "kode_kecamatan",
];
const MAX_ERRORS: usize = 20;

fn normalize_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if matches!(c, ' ' | '-' | '/' | '.') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Upper bound of rows in a reference list (a province has some tens of thousands).
const MAX_ROWS: usize = 1_000_000;

/// Parses a reference list (CSV in any common encoding and separator, or XLSX) into
/// kecamatan and schools (validated, not stored).
pub fn parse_reference_csv(
    mut reader: impl Read,
) -> anyhow::Result<(Vec<KecamatanRef>, Vec<SekolahRef>)> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .context("berkas referensi tidak dapat dibaca")?;
    let format = UploadFormat::detect("", &bytes).unwrap_or(UploadFormat::Csv);
    let rows = read_table(&bytes, format, MAX_ROWS).map_err(|e| match e {
        TableError::Unreadable(m) => anyhow::anyhow!("berkas referensi tidak dapat dibaca: {m}"),
        TableError::Empty => anyhow::anyhow!("berkas referensi tidak berisi sekolah"),
        TableError::TooManyRows(n) => anyhow::anyhow!("berkas referensi terlalu besar: {n} baris"),
    })?;
    let mut rows = rows.into_iter().map(|(_, cells)| cells);
    let headers: Vec<String> = rows
        .next()
        .unwrap_or_default()
        .iter()
        .map(|c| normalize_header(&c.text()))
        .collect();
    let index = column_index(&headers)?;
    let mut list = ReferenceList::default();
    // Lines count records from the header (line 1), as the import always reported them.
    for (i, cells) in rows.enumerate() {
        let line = i as u64 + 2;
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let get = |name: &str| {
            index
                .get(name)
                .and_then(|&i| cells.get(i))
                .map(Cell::text)
                .unwrap_or_default()
        };
        list.add(line, get);
    }
    list.finish()
}

/// Where each known column is; an error naming the required columns that are missing.
fn column_index(headers: &[String]) -> anyhow::Result<HashMap<&'static str, usize>> {
    let mut index = HashMap::new();
    for (name, aliases) in COLUMNS {
        if let Some(i) = aliases
            .iter()
            .find_map(|a| headers.iter().position(|h| h == a))
        {
            index.insert(*name, i);
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        bail!(
            "kolom wajib tidak ada: {} (kolom yang ada: {})",
            missing.join(", "),
            headers.join(", ")
        );
    }
    Ok(index)
}

/// The list being read: the valid schools, their kecamatan, and the bad rows.
#[derive(Default)]
struct ReferenceList {
    errors: Vec<String>,
    schools: Vec<SekolahRef>,
    kecamatan: BTreeMap<String, String>,
    seen: HashMap<String, u64>,
}

impl ReferenceList {
    /// Checks one row (`get` gives a column's trimmed text) and keeps it if valid.
    fn add(&mut self, line: u64, get: impl Fn(&str) -> String) {
        let opt = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
        let mut row_errors = Vec::new();
        let npsn = get("npsn").to_uppercase();
        if !is_valid_npsn(&npsn) {
            row_errors.push(format!("NPSN tidak valid: {npsn:?}"));
        } else if let Some(prev) = self.seen.insert(npsn.clone(), line) {
            row_errors.push(format!("NPSN {npsn} sudah ada di baris {prev}"));
        }
        for col in ["nama", "bentuk", "kecamatan", "kode_kecamatan"] {
            if get(col).is_empty() {
                row_errors.push(format!("kolom {col} kosong"));
            }
        }
        let status = match get("status").parse::<StatusSekolah>() {
            Ok(s) => s.label().to_owned(),
            Err(_) => {
                row_errors.push(format!(
                    "status harus Negeri atau Swasta, bukan {:?}",
                    get("status")
                ));
                String::new()
            }
        };
        let kode_kecamatan = get("kode_kecamatan");
        let nama_kecamatan = get("kecamatan");
        if let Some(existing) = self.kecamatan.get(&kode_kecamatan)
            && *existing != nama_kecamatan
        {
            row_errors.push(format!(
                "kode kecamatan {kode_kecamatan} sudah dipakai untuk {existing:?}, bukan {nama_kecamatan:?}"
            ));
        }
        if !row_errors.is_empty() {
            self.errors
                .push(format!("baris {line}: {}", row_errors.join("; ")));
            return;
        }
        self.kecamatan
            .insert(kode_kecamatan.clone(), nama_kecamatan.clone());
        self.schools.push(SekolahRef {
            npsn,
            nama: get("nama"),
            bentuk: Bentuk::detect(None, Some(&get("bentuk")))
                .label()
                .to_owned(),
            status,
            kode_kecamatan,
            kecamatan: nama_kecamatan,
            desa: opt("desa"),
            alamat: opt("alamat"),
            lintang: opt("lintang"),
            bujur: opt("bujur"),
            email: opt("email"),
            website: opt("website"),
            aktif: true,
        });
    }

    /// All or nothing: the list, or every bad row (the first [`MAX_ERRORS`]).
    fn finish(self) -> anyhow::Result<(Vec<KecamatanRef>, Vec<SekolahRef>)> {
        if !self.errors.is_empty() {
            let shown = self
                .errors
                .iter()
                .take(MAX_ERRORS)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            let more = self.errors.len().saturating_sub(MAX_ERRORS);
            bail!(
                "{} baris tidak valid; tidak ada yang disimpan:\n{shown}{}",
                self.errors.len(),
                if more > 0 {
                    format!("\n… dan {more} lainnya")
                } else {
                    String::new()
                }
            );
        }
        if self.schools.is_empty() {
            bail!("berkas referensi tidak berisi sekolah");
        }
        let kecamatan = self
            .kecamatan
            .into_iter()
            .map(|(kode_kecamatan, nama)| KecamatanRef {
                kode_kecamatan,
                nama,
            })
            .collect();
        Ok((kecamatan, self.schools))
    }
}

/// Imports a reference CSV file (the complete list: unlisted schools become inactive).
pub async fn import_reference(store: &Storage, path: &Path) -> anyhow::Result<ImportSummary> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("tidak dapat membuka {}", path.display()))?;
    import_reference_reader(store, file)
        .await
        .with_context(|| format!("impor {}", path.display()))
}

/// Imports a complete reference list from any reader.
pub async fn import_reference_reader(
    store: &Storage,
    reader: impl Read,
) -> anyhow::Result<ImportSummary> {
    let (kecamatan, schools) = parse_reference_csv(reader)?;
    let counts = store
        .import_reference(&kecamatan, &schools, true, now_ms())
        .await?;
    Ok(ImportSummary {
        rows: schools.len(),
        kecamatan: kecamatan.len(),
        counts,
    })
}

/// Adds or updates the given schools (and their kecamatan) without touching others
/// (tests, single-school corrections).
pub async fn import_reference_rows(
    store: &Storage,
    schools: &[SekolahRef],
) -> anyhow::Result<ImportSummary> {
    let mut kecamatan: BTreeMap<String, String> = BTreeMap::new();
    for s in schools {
        anyhow::ensure!(is_valid_npsn(&s.npsn), "NPSN tidak valid: {:?}", s.npsn);
        anyhow::ensure!(
            !s.kode_kecamatan.trim().is_empty(),
            "kode_kecamatan kosong untuk {}",
            s.npsn
        );
        kecamatan.insert(s.kode_kecamatan.clone(), s.kecamatan.clone());
    }
    let kecamatan: Vec<KecamatanRef> = kecamatan
        .into_iter()
        .map(|(kode_kecamatan, nama)| KecamatanRef {
            kode_kecamatan,
            nama,
        })
        .collect();
    let counts = store
        .import_reference(&kecamatan, schools, false, now_ms())
        .await?;
    Ok(ImportSummary {
        rows: schools.len(),
        kecamatan: kecamatan.len(),
        counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sim_format_and_aliases() {
        let csv = "npsn,nama,bentuk,status,kecamatan,kode_kecamatan,desa,alamat,lintang,bujur,email,website\n\
                   20599901,SD NEGERI SUKAMAJU 01,SD,Negeri,Kec. Sukamakmur,029901,Sukamaju,Jl. X,-7.25,108.25,,\n\
                   20599902,SMP SWASTA BINA,smp,S,Kec. Sukamakmur,029901,,,,,,\n";
        let (k, s) = parse_reference_csv(csv.as_bytes()).unwrap();
        assert_eq!(k.len(), 1);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].bentuk, "SMP");
        assert_eq!(s[1].status, "Swasta");
        assert_eq!(s[0].email, None);

        let semi = "\u{feff}NPSN;Nama Satuan Pendidikan;Bentuk Pendidikan;Status Sekolah;Kecamatan;Kode Wilayah Kecamatan\n\
                    20599903;TK MELATI;TK;Swasta;Kec. A;010101\n";
        let (_, s) = parse_reference_csv(semi.as_bytes()).unwrap();
        assert_eq!(s[0].nama, "TK MELATI");
    }

    #[test]
    fn refuses_bad_rows_with_line_numbers() {
        let csv = "npsn,nama,bentuk,status,kecamatan,kode_kecamatan\n\
                   20599901,A,SD,Negeri,Kec. A,01\n\
                   20599901,B,SD,Negeri,Kec. A,01\n\
                   123,C,SD,Entah,Kec. A,01\n";
        let err = parse_reference_csv(csv.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("baris 3") && err.contains("baris 4"), "{err}");
        assert!(parse_reference_csv("npsn,nama\n1,2\n".as_bytes()).is_err());
    }
}
