//! Support for the page tests: a generated kabupaten loaded into a running server (the
//! kabupaten and its protocol v1 sender are test-kit's, shared with the pages bench), staff
//! accounts, and a small cookie-aware HTTP client for the pages.
//!
//! Used from `tests/web_*.rs` (`mod common; mod web_support;`).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use district_web::auth::{Role, hash_password};
use ingest_server::RunningServer;
use ingest_server::storage::NewStaff;
use ingest_server::{enrollment, reference};

// The kabupaten and the protocol v1 sender live in test-kit (shared with the pages bench).
pub use test_kit::kabupaten::Kabupaten;

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
    test_kit::kabupaten::send_all(&server.base_url, kab, &codes, skip, concurrency).await
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
