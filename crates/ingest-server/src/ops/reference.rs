//! `ingest-server reference import FILE.csv`: the kabupaten's kecamatan and school list.
//!
//! Columns (header names are matched case-insensitively; spaces, `-` and `/` count as `_`;
//! `,` or `;` delimited; UTF-8, an Excel BOM is ignored):
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
use serde::{Deserialize, Serialize};
use shared_model::classify::{Bentuk, StatusSekolah};

use crate::domain::session::is_valid_npsn;
use crate::domain::time::now_ms;
use crate::store::{ImportCounts, KecamatanRef, SekolahRef, Store};

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

/// Parses a reference CSV into kecamatan and schools (validated, not stored).
pub fn parse_reference_csv(
    mut reader: impl Read,
) -> anyhow::Result<(Vec<KecamatanRef>, Vec<SekolahRef>)> {
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .context("berkas referensi bukan teks UTF-8")?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());

    let headers: Vec<String> = csv.headers()?.iter().map(normalize_header).collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (name, aliases) in COLUMNS {
        if let Some(i) = aliases
            .iter()
            .find_map(|a| headers.iter().position(|h| h == a))
        {
            index.insert(name, i);
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

    let mut errors = Vec::new();
    let mut schools = Vec::new();
    let mut kecamatan: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (i, record) in csv.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("baris {line}: {e}"));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            index
                .get(name)
                .and_then(|&i| record.get(i))
                .map(str::trim)
                .unwrap_or_default()
        };
        let opt = |name: &str| Some(get(name)).filter(|v| !v.is_empty()).map(str::to_owned);
        let mut row_errors = Vec::new();
        let npsn = get("npsn").to_uppercase();
        if !is_valid_npsn(&npsn) {
            row_errors.push(format!("NPSN tidak valid: {npsn:?}"));
        } else if let Some(prev) = seen.insert(npsn.clone(), line) {
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
        let kode_kecamatan = get("kode_kecamatan").to_owned();
        let nama_kecamatan = get("kecamatan").to_owned();
        if let Some(existing) = kecamatan.get(&kode_kecamatan)
            && *existing != nama_kecamatan
        {
            row_errors.push(format!(
                "kode kecamatan {kode_kecamatan} sudah dipakai untuk {existing:?}, bukan {nama_kecamatan:?}"
            ));
        }
        if !row_errors.is_empty() {
            errors.push(format!("baris {line}: {}", row_errors.join("; ")));
            continue;
        }
        kecamatan.insert(kode_kecamatan.clone(), nama_kecamatan.clone());
        schools.push(SekolahRef {
            npsn,
            nama: get("nama").to_owned(),
            bentuk: Bentuk::detect(None, Some(get("bentuk"))).label().to_owned(),
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
    if !errors.is_empty() {
        let shown = errors
            .iter()
            .take(MAX_ERRORS)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        let more = errors.len().saturating_sub(MAX_ERRORS);
        bail!(
            "{} baris tidak valid; tidak ada yang disimpan:\n{shown}{}",
            errors.len(),
            if more > 0 {
                format!("\n… dan {more} lainnya")
            } else {
                String::new()
            }
        );
    }
    if schools.is_empty() {
        bail!("berkas referensi tidak berisi sekolah");
    }
    let kecamatan = kecamatan
        .into_iter()
        .map(|(kode_kecamatan, nama)| KecamatanRef {
            kode_kecamatan,
            nama,
        })
        .collect();
    Ok((kecamatan, schools))
}

/// Imports a reference CSV file (the complete list: unlisted schools become inactive).
pub async fn import_reference(store: &dyn Store, path: &Path) -> anyhow::Result<ImportSummary> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("tidak dapat membuka {}", path.display()))?;
    import_reference_reader(store, file)
        .await
        .with_context(|| format!("impor {}", path.display()))
}

/// Imports a complete reference list from any reader.
pub async fn import_reference_reader(
    store: &dyn Store,
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
    store: &dyn Store,
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
