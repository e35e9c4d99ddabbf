//! Adds the hand-written fixture school (NPSN 20599901) to a data dir,
//! re-encoding the pretty fixtures into the compact PHP wire form and
//! computing its truth with the generator's code.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::data_dir::{self, Credential, ReferenceRow, SchoolMeta};
use crate::php_json;
use crate::truth::{self, Bodies, Truth};
use crate::wire::Endpoint;

pub use dapodik_fixtures::ENV_FIXTURES;

/// The fixture folder (`crates/dapodik-fixtures/webservice`, or `$DAPODIK_FIXTURES`): the
/// default `--from` of `import-fixtures`.
pub fn fixtures_dir() -> std::path::PathBuf {
    dapodik_fixtures::dir()
}

/// Token registered for the fixture school unless one is given.
pub const FIXTURE_TOKEN: &str = "Fixture20599901";

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Web Service token to register (default [`FIXTURE_TOKEN`]).
    pub token: Option<String>,
    /// Operator username for `credentials.csv` (default: the fixture's
    /// "Operator Sekolah" account).
    pub username: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ImportSummary {
    pub npsn: String,
    pub token: String,
    pub username: String,
    pub truth: Truth,
}

fn read(from: &Path, endpoint: Endpoint) -> Result<Option<Value>> {
    let path = from.join(endpoint.file_name());
    if !path.exists() {
        return Ok(None);
    }
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(Some(value))
}

fn peran_id(label: &str) -> u32 {
    match label {
        "Operator Sekolah" => 10,
        "Kepala Sekolah" => 53,
        _ => 54,
    }
}

/// Imports the fixtures found in `from` into the data dir `out`, replacing a
/// previous import of the same school.
pub fn import_fixtures(from: &Path, out: &Path, opts: &ImportOptions) -> Result<ImportSummary> {
    let mut bodies = Vec::new();
    for e in Endpoint::ALL {
        bodies.push((e, read(from, e)?));
    }
    let get = |e: Endpoint| bodies.iter().find(|b| b.0 == e).and_then(|b| b.1.as_ref());
    let Some(sekolah_row) = get(Endpoint::Sekolah).and_then(|b| b.get("rows")) else {
        bail!("{} has no getSekolah.json with rows", from.display());
    };
    let reference = ReferenceRow::from_sekolah(sekolah_row);
    let npsn = reference.npsn.clone();
    let sekolah_id = sekolah_row
        .get("sekolah_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();

    let pengguna_rows = get(Endpoint::Pengguna)
        .and_then(|b| b.get("rows"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let field = |r: &Value, k: &str| {
        r.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let operator = pengguna_rows
        .iter()
        .find(|r| field(r, "peran_id_str") == "Operator Sekolah")
        .map(|r| field(r, "username"))
        .unwrap_or_default();
    let peran_ids: BTreeMap<String, u32> = pengguna_rows
        .iter()
        .map(|r| (field(r, "pengguna_id"), peran_id(&field(r, "peran_id_str"))))
        .collect();

    let (truth, rombel_truth) = truth::compute(
        &npsn,
        Bodies {
            sekolah: get(Endpoint::Sekolah),
            peserta_didik: get(Endpoint::PesertaDidik),
            gtk: get(Endpoint::Gtk),
            rombongan_belajar: get(Endpoint::RombonganBelajar),
        },
    );

    let token = opts
        .token
        .clone()
        .unwrap_or_else(|| FIXTURE_TOKEN.to_string());
    let username = opts.username.clone().unwrap_or(operator);
    let meta = SchoolMeta {
        npsn: npsn.clone(),
        sekolah_id,
        nama: reference.nama.clone(),
        token: token.clone(),
        token_active: true,
        app_name: "DB Helper".to_string(),
        registered_ip: "127.0.0.1".to_string(),
        semester_id: "20251".to_string(),
        semester_active: true,
        profile: "fixture".to_string(),
        leaky_rows: false,
        type_drift: "none".to_string(),
        peran_ids,
    };
    let encoded: Vec<(Endpoint, Option<String>)> = bodies
        .iter()
        .map(|(e, v)| (*e, v.as_ref().map(php_json::encode)))
        .collect();
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    data_dir::write_school(out, &meta, &encoded)?;

    data_dir::upsert_csv(&out.join(data_dir::REFERENCE_CSV), &npsn, vec![reference])?;
    data_dir::upsert_csv(
        &out.join(data_dir::CREDENTIALS_CSV),
        &npsn,
        vec![Credential {
            npsn: npsn.clone(),
            token: token.clone(),
            username: username.clone(),
        }],
    )?;
    data_dir::upsert_csv(&out.join(data_dir::TRUTH_CSV), &npsn, vec![truth.clone()])?;
    data_dir::upsert_csv(&out.join(data_dir::TRUTH_ROMBEL_CSV), &npsn, rombel_truth)?;
    Ok(ImportSummary {
        npsn,
        token,
        username,
        truth,
    })
}
