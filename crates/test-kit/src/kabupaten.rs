//! A generated kabupaten (`dapodik-sim generate`) with its truth files, and a raw protocol
//! v1 sender that uploads its schools the way a helper would (enroll, open, zstd batches,
//! commit). Shared by the server's page tests and the pages benchmark; it speaks HTTP only,
//! so it does not depend on the server crate (which dev-depends on this one).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use dapodik_sim::data_dir::{ReferenceRow, load_reference, load_truth, load_truth_rombel};
use dapodik_sim::{GenerateOptions, RombelTruth, Truth};
use futures::StreamExt as _;
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::batching::{Batch, make_batches};
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::protocol::KindExpectation;
use shared_model::webservice::{Endpoint, Sekolah, parse_body, parse_sekolah};

/// A generated kabupaten with its truth files.
pub struct Kabupaten {
    pub dir: PathBuf,
    pub reference: Vec<ReferenceRow>,
    pub truth: Vec<Truth>,
    pub truth_rombel: Vec<RombelTruth>,
}

impl Kabupaten {
    /// `dapodik_sim::generate` into `dir`.
    pub fn generate(dir: &Path, seed: u64, schools: usize) -> anyhow::Result<Kabupaten> {
        dapodik_sim::generate(
            &GenerateOptions {
                seed,
                schools,
                with_province_schools: false,
            },
            dir,
        )?;
        Kabupaten::open(dir)
    }

    /// An existing generated directory.
    pub fn open(dir: &Path) -> anyhow::Result<Kabupaten> {
        Ok(Kabupaten {
            dir: dir.to_path_buf(),
            reference: load_reference(dir)?,
            truth: load_truth(dir)?,
            truth_rombel: load_truth_rombel(dir)?,
        })
    }

    pub fn truth_of(&self, npsn: &str) -> &Truth {
        self.truth
            .iter()
            .find(|t| t.npsn == npsn)
            .unwrap_or_else(|| panic!("no truth for {npsn}"))
    }

    pub fn school(&self, npsn: &str) -> &ReferenceRow {
        self.reference
            .iter()
            .find(|r| r.npsn == npsn)
            .unwrap_or_else(|| panic!("no reference row for {npsn}"))
    }

    /// Kecamatan codes with their schools (reference order).
    pub fn by_kecamatan(&self) -> BTreeMap<String, Vec<&ReferenceRow>> {
        let mut out: BTreeMap<String, Vec<&ReferenceRow>> = BTreeMap::new();
        for r in &self.reference {
            out.entry(r.kode_kecamatan.clone()).or_default().push(r);
        }
        out
    }

    /// The batches a helper would upload for one school.
    pub fn batches(&self, npsn: &str) -> anyhow::Result<Vec<Batch>> {
        school_batches(&self.dir, npsn)
    }

    /// The rows of one kind of a school as the helper uploads them (JSON).
    pub fn rows(&self, npsn: &str, kind: DataKind) -> anyhow::Result<Vec<Value>> {
        let mut out = Vec::new();
        for b in self.batches(npsn)?.into_iter().filter(|b| b.kind == kind) {
            out.extend(serde_json::from_slice::<Vec<Value>>(&b.body)?);
        }
        Ok(out)
    }
}

/// The batches a helper would upload for one school of a generated directory.
pub fn school_batches(root: &Path, npsn: &str) -> anyhow::Result<Vec<Batch>> {
    let dir = root.join("sekolah").join(npsn);
    let read = |e: Endpoint| std::fs::read(dir.join(format!("{}.json", e.path()))).ok();
    let sekolah: Sekolah = parse_sekolah(200, &read(Endpoint::Sekolah).context("getSekolah")?)
        .map_err(|e| anyhow::anyhow!("{npsn} getSekolah: {e:?}"))?;
    fn rows<T: serde::de::DeserializeOwned>(
        body: Option<Vec<u8>>,
        e: Endpoint,
    ) -> anyhow::Result<Vec<T>> {
        match body {
            None => Ok(Vec::new()),
            Some(b) => parse_body(e, 200, &b).map_err(|err| anyhow::anyhow!("{e:?}: {err:?}")),
        }
    }
    let flat = flatten(DapodikSnapshot {
        sekolah,
        peserta_didik: rows(read(Endpoint::PesertaDidik), Endpoint::PesertaDidik)?,
        gtk: rows(read(Endpoint::Gtk), Endpoint::Gtk)?,
        rombel: rows(read(Endpoint::RombonganBelajar), Endpoint::RombonganBelajar)?,
    });
    Ok(DataKind::ALL
        .into_iter()
        .flat_map(|k| make_batches(k, &flat.rows_json(k)))
        .collect())
}

/// The `expected` of a session opening: rows and batches per kind (every kind present).
pub fn expected_of(batches: &[Batch]) -> BTreeMap<DataKind, KindExpectation> {
    let mut out: BTreeMap<DataKind, KindExpectation> = DataKind::ALL
        .into_iter()
        .map(|k| (k, KindExpectation::default()))
        .collect();
    for b in batches {
        let e = out.get_mut(&b.kind).expect("every kind");
        e.rows += b.rows;
        e.batches += 1;
    }
    out
}

/// Sends every school of `kab` except `skip` through protocol v1 to the server at
/// `base_url`, `concurrency` helpers at a time. `codes` maps NPSN → kode registrasi (the
/// caller issues them, since that is the server's own business, not the protocol's).
pub async fn send_all(
    base_url: &str,
    kab: &Kabupaten,
    codes: &HashMap<String, String>,
    skip: &[&str],
    concurrency: usize,
) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let api = Arc::new(format!("{base_url}/api/v1"));
    let kab_dir = kab.dir.clone();
    let npsns: Vec<String> = kab
        .reference
        .iter()
        .map(|r| r.npsn.clone())
        .filter(|n| !skip.contains(&n.as_str()))
        .collect();
    let results = futures::stream::iter(npsns)
        .map(|npsn| {
            let (http, api, kode) = (http.clone(), api.clone(), codes[&npsn].clone());
            let dir = kab_dir.clone();
            async move { send_school(&http, &api, &dir, &npsn, &kode).await }
        })
        .buffer_unordered(concurrency.max(1))
        .collect::<Vec<_>>()
        .await;
    for r in results {
        r?;
    }
    Ok(())
}

/// One helper's first send of one school: enroll, open a session, every batch, commit.
pub async fn send_school(
    http: &reqwest::Client,
    api: &str,
    root: &Path,
    npsn: &str,
    kode: &str,
) -> anyhow::Result<()> {
    let batches = school_batches(root, npsn)?;
    let enroll: Value = http
        .post(format!("{api}/enroll"))
        .json(
            &json!({"npsn": npsn, "kode_registrasi": kode, "username_ops": "ops@sekolah.sch.id",
                      "helper_version": "0.1.0", "device_name": "PC-TU"}),
        )
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = enroll["school_token"]
        .as_str()
        .context("school_token")?
        .to_owned();
    let open: Value = http
        .post(format!("{api}/sessions"))
        .bearer_auth(&token)
        .json(
            &json!({"npsn": npsn, "helper_version": "0.1.0", "username_ops": "ops@sekolah.sch.id",
                      "semester_id": "20251", "expected": expected_of(&batches)}),
        )
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let sid = open["session_id"]
        .as_str()
        .context("session_id")?
        .to_owned();
    for b in &batches {
        http.put(format!(
            "{api}/sessions/{sid}/batches/{}/{}",
            b.kind.wire_name(),
            b.seq
        ))
        .bearer_auth(&token)
        .header("content-encoding", "zstd")
        .header("x-content-sha256", &b.sha256)
        .body(zstd::encode_all(&b.body[..], 1)?)
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("{npsn} batch {}/{}", b.kind, b.seq))?;
    }
    http.post(format!("{api}/sessions/{sid}/commit"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("{npsn} commit"))?;
    Ok(())
}
