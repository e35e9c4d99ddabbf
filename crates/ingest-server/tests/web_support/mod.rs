// Over 400 lines: the loaded kabupaten, the HTTP client and the page checks the page tests share.
//! Support for the page tests (and the pages benchmark): a generated kabupaten sent through
//! protocol v1, staff accounts, and a small cookie-aware HTTP client for the pages.
//!
//! Used from `tests/web_*.rs` (`mod common; mod web_support;`) and from
//! `benches/pages.rs` (`#[path]`), so it depends only on crates both have.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use dapodik_sim::data_dir::{ReferenceRow, load_reference, load_truth, load_truth_rombel};
use dapodik_sim::{GenerateOptions, RombelTruth, Truth};
use district_web::auth::{Role, hash_password};
use futures::StreamExt as _;
use ingest_server::RunningServer;
use ingest_server::storage::NewStaff;
use ingest_server::{enrollment, reference};
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

fn expected_of(batches: &[Batch]) -> BTreeMap<DataKind, KindExpectation> {
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

/// Imports the kabupaten's `reference.csv`, issues codes, and sends every school except
/// `skip` through protocol v1 (enroll, open, batches, commit) with `concurrency` helpers.
pub async fn load(
    server: &RunningServer,
    kab: &Kabupaten,
    skip: &[&str],
    concurrency: usize,
) -> anyhow::Result<()> {
    reference::import_reference(&server.store, &kab.dir.join("reference.csv")).await?;
    let codes: HashMap<String, String> = enrollment::generate_kode_registrasi(&server.store, None)
        .await?
        .into_iter()
        .map(|(npsn, _, kode)| (npsn, kode))
        .collect();
    let http = reqwest::Client::new();
    let api = Arc::new(format!("{}/api/v1", server.base_url));
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

async fn send_school(
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

/// Creates a staff account directly in the store.
pub async fn add_staff(
    server: &RunningServer,
    username: &str,
    role: &Role,
    password: &str,
) -> anyhow::Result<()> {
    let created = server
        .state
        .web
        .db()
        .create_staff(&NewStaff {
            id: uuid::Uuid::new_v4().to_string(),
            username: username.to_owned(),
            nama: format!("Staf {username}"),
            peran: role.kode().to_owned(),
            kode_kecamatan: role.kode_kecamatan().map(str::to_owned),
            password_hash: hash_password(password)?,
            now_ms: ingest_server::app::time::now_ms(),
        })
        .await?;
    anyhow::ensure!(created, "username {username} taken");
    Ok(())
}

/// An answer of the pages.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `csrf_token` of the first POST form.
    pub fn csrf(&self) -> Option<String> {
        let html = self.text();
        let at = html.find("name=\"csrf_token\" value=\"")?;
        let rest = &html[at + "name=\"csrf_token\" value=\"".len()..];
        Some(rest[..rest.find('"')?].to_owned())
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            self.text().chars().take(600).collect::<String>()
        );
        self
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub struct Web {
    pub http: reqwest::Client,
    pub base: String,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl Web {
    pub fn new(base: &str) -> Web {
        Web {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // Like a browser test: see Content-Encoding, decompress ourselves.
                .no_gzip()
                .no_zstd()
                .build()
                .expect("client"),
            base: base.to_owned(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    fn cookie_header(&self) -> Option<String> {
        let c = self.cookies.lock().unwrap();
        (!c.is_empty()).then(|| {
            c.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    async fn answer(&self, resp: reqwest::Response) -> Answer {
        for v in resp.headers().get_all("set-cookie") {
            let Ok(v) = v.to_str() else { continue };
            let Some((pair, attrs)) = v.split_once(';').or(Some((v, ""))) else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let mut c = self.cookies.lock().unwrap();
            if attrs.contains("Max-Age=0") || value.is_empty() {
                c.remove(name.trim());
            } else {
                c.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
        Answer {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            bytes: resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.http.get(self.url(path));
        if let Some(c) = self.cookie_header() {
            req = req.header("cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.answer(req.send().await.expect("GET")).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let mut req = self.http.post(self.url(path)).form(form);
        if let Some(c) = self.cookie_header() {
            req = req.header("cookie", c);
        }
        self.answer(req.send().await.expect("POST")).await
    }

    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Answer {
        let mut req = self.http.post(self.url(path)).multipart(form);
        if let Some(c) = self.cookie_header() {
            req = req.header("cookie", c);
        }
        self.answer(req.send().await.expect("POST")).await
    }

    /// Opens the login form and submits it; returns the answer of the POST.
    pub async fn login(&self, username: &str, password: &str) -> Answer {
        let form = self.get("/login").await;
        let csrf = form.csrf().expect("csrf token on the login form");
        self.post_form(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf_token", &csrf),
            ],
        )
        .await
    }
}

/// Text of every `<td>` of the row that carries `attr="value"` (e.g. `data-npsn`).
pub fn row_cells(html: &str, attr: &str, value: &str) -> Option<Vec<String>> {
    let needle = format!("{attr}=\"{value}\"");
    let at = html.find(&needle)?;
    let row = &html[at..at + html[at..].find("</tr>")?];
    Some(cells(row))
}

/// Text of every `<td>`/`<th>` cell in an HTML fragment, tags stripped.
pub fn cells(fragment: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = fragment;
    while let Some(start) = rest.find("<td").or_else(|| rest.find("<th")) {
        let open_end = match rest[start..].find('>') {
            Some(e) => start + e + 1,
            None => break,
        };
        let close = rest[open_end..]
            .find("</t")
            .map(|c| open_end + c)
            .unwrap_or(rest.len());
        out.push(strip_tags(&rest[open_end..close]).trim().to_owned());
        rest = &rest[close..];
        rest = &rest[rest.find('>').map(|i| i + 1).unwrap_or(rest.len())..];
    }
    out
}

/// Removes tags and decodes the few entities the templates produce.
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
}

/// The inner HTML of the element with `id="…"` up to its first closing `</table>`.
pub fn table_by_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let end = html[at..].find("</table>")?;
    Some(&html[at..at + end])
}

/// Rows (`<tr>…</tr>`) of the `<tbody>` of a table fragment, as cell texts.
pub fn body_rows(table: &str) -> Vec<Vec<String>> {
    let Some(b) = table.find("<tbody>") else {
        return Vec::new();
    };
    let body = &table[b..table[b..]
        .find("</tbody>")
        .map(|e| b + e)
        .unwrap_or(table.len())];
    body.split("<tr")
        .skip(1)
        .map(|r| cells(&format!("<tr{r}")))
        .collect()
}

/// `target/` of the workspace (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_relative() {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}
