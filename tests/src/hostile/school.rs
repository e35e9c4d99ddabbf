//! Valid rows of a generated school (parsed and flattened by shared-model from the
//! simulator's wire bodies), and the same rows with every text field made hostile.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use shared_model::DataKind;
use shared_model::batching::{Batch, make_batches};
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::webservice::{Endpoint, parse_body, parse_sekolah};

/// SQL injection, XSS and other strings that must be stored verbatim and shown escaped.
pub const PAYLOADS: [&str; 8] = [
    "'; DROP TABLE snapshot_row; --",
    "Robert'); DELETE FROM school_snapshot WHERE ('1'='1",
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert(1)>",
    "' OR '1'='1' /*",
    "{{ 7*7 }} {% raw %}${7*7}",
    "..\\..\\\u{202e}gnp.exe\u{feff} –’",
    "1; SELECT pg_sleep(10); --",
];

/// The school's rows per kind, as the helper would upload them.
pub fn school_rows(kab: &Path, npsn: &str) -> anyhow::Result<BTreeMap<DataKind, Vec<Value>>> {
    let dir = dapodik_sim::data_dir::school_dir(kab, npsn);
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    fn list<T: serde::de::DeserializeOwned>(
        bytes: Option<Vec<u8>>,
        ep: Endpoint,
    ) -> anyhow::Result<Vec<T>> {
        Ok(match bytes {
            Some(b) => parse_body(ep, 200, &b).map_err(|e| anyhow::anyhow!("{ep:?}: {e:?}"))?,
            None => Vec::new(),
        })
    }
    let sekolah = parse_sekolah(
        200,
        &read("getSekolah.json").ok_or_else(|| anyhow::anyhow!("getSekolah.json"))?,
    )
    .map_err(|e| anyhow::anyhow!("getSekolah: {e:?}"))?;
    let flat = flatten(DapodikSnapshot {
        sekolah,
        peserta_didik: list(read("getPesertaDidik.json"), Endpoint::PesertaDidik)?,
        gtk: list(read("getGtk.json"), Endpoint::Gtk)?,
        rombel: list(read("getRombonganBelajar.json"), Endpoint::RombonganBelajar)?,
    });
    Ok(DataKind::ALL
        .into_iter()
        .map(|k| (k, flat.rows_json(k)))
        .collect())
}

pub fn batches_of(rows: &BTreeMap<DataKind, Vec<Value>>) -> Vec<Batch> {
    rows.iter().flat_map(|(k, v)| make_batches(*k, v)).collect()
}

/// Every string value except the NPSN becomes `payload + "#" + original`: the same
/// original always maps to the same string, so ids stay unique and references intact.
pub fn hostile_rows(
    rows: &BTreeMap<DataKind, Vec<Value>>,
    npsn: &str,
) -> (BTreeMap<DataKind, Vec<Value>>, u64) {
    let mut fields = 0;
    let mut out = BTreeMap::new();
    for (kind, list) in rows {
        let mut new = Vec::with_capacity(list.len());
        for row in list {
            let mut row = row.clone();
            if let Value::Object(map) = &mut row {
                for (key, v) in map.iter_mut() {
                    if let Value::String(s) = v
                        && key != "npsn"
                        && s != npsn
                    {
                        *s = hostile(s);
                        fields += 1;
                    }
                }
            }
            new.push(row);
        }
        out.insert(*kind, new);
    }
    (out, fields)
}

fn hostile(original: &str) -> String {
    let h = original
        .bytes()
        .fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(b as usize));
    format!("{}#{original}", PAYLOADS[h % PAYLOADS.len()])
}
