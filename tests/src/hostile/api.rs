//! A raw protocol-v1 client for hostile requests: every header and byte under the test's
//! control, every answer kept as status + body.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::batching::Batch;
use shared_model::protocol::KindExpectation;

/// Status, headers of interest and body of an answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub text: String,
    pub json: Option<Value>,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json
            .as_ref()
            .and_then(|j| j["error"].as_str())
            .unwrap_or("")
    }

    /// `"<status> <error code>"`, the outcome label of the tally.
    pub fn label(&self) -> String {
        if self.code().is_empty() {
            self.status.to_string()
        } else {
            format!("{} {}", self.status, self.code())
        }
    }

    /// A refusal of the protocol: 4xx and `{"error": code, "message": Indonesian text}`.
    pub fn is_api_refusal(&self) -> bool {
        (400..500).contains(&self.status)
            && self.json.as_ref().is_some_and(|j| {
                j["error"].as_str().is_some_and(|c| !c.is_empty())
                    && j["message"].as_str().is_some_and(|m| !m.trim().is_empty())
            })
    }
}

pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    /// A fresh connection for every request: a refusal sent before the body was read
    /// closes its connection, and a reused keep-alive connection would make the next
    /// request fail in transit instead of showing the server's answer.
    pub fn new(base: &str) -> Api {
        Api::with_pool(base, false)
    }

    /// `pooled: false`: a fresh connection for every request (no keep-alive reuse).
    pub fn with_pool(base: &str, pooled: bool) -> Api {
        let builder = reqwest::Client::builder();
        let builder = if pooled {
            builder
        } else {
            builder.pool_max_idle_per_host(0)
        };
        Api {
            http: builder
                .timeout(Duration::from_secs(60))
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends and reads the whole answer; a transport error becomes status 0.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let header = |n: &str| {
                    resp.headers()
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let content_type = header("content-type").unwrap_or_default();
                let retry_after = header("retry-after");
                let text = resp.text().await.unwrap_or_default();
                let json = serde_json::from_str(&text).ok();
                Answer {
                    status,
                    content_type,
                    retry_after,
                    text,
                    json,
                }
            }
            Err(e) => Answer {
                status: 0,
                content_type: String::new(),
                retry_after: None,
                text: {
                    let mut t = format!("transport: {e}");
                    let mut src = std::error::Error::source(&e);
                    while let Some(s) = src {
                        t.push_str(&format!(" / {s}"));
                        src = s.source();
                    }
                    t
                },
                json: None,
            },
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(self.url(path))).await
    }

    pub async fn enroll(&self, npsn: &str, kode: &str) -> Answer {
        let body = json!({"npsn": npsn, "kode_registrasi": kode, "username_ops": "ops@sekolah.sch.id",
                          "helper_version": env!("CARGO_PKG_VERSION"), "device_name": "PC-TU"});
        self.send(self.http.post(self.url("/api/v1/enroll")).json(&body))
            .await
    }

    pub async fn open(
        &self,
        token: &str,
        npsn: &str,
        expected: &BTreeMap<DataKind, KindExpectation>,
    ) -> Answer {
        let body = json!({"npsn": npsn, "helper_version": env!("CARGO_PKG_VERSION"),
                          "username_ops": "ops@sekolah.sch.id", "semester_id": "20251", "expected": expected});
        self.send(
            self.http
                .post(self.url("/api/v1/sessions"))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    /// PUT raw bytes as a batch with the given `Content-Encoding` and hash header.
    #[allow(clippy::too_many_arguments)]
    pub async fn put_raw(
        &self,
        token: &str,
        session: &str,
        kind: &str,
        seq: u32,
        encoding: Option<&str>,
        sha: Option<&str>,
        wire: Vec<u8>,
    ) -> Answer {
        let mut req = self
            .http
            .put(self.url(&format!("/api/v1/sessions/{session}/batches/{kind}/{seq}")))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(wire);
        if let Some(e) = encoding {
            req = req.header("content-encoding", e);
        }
        if let Some(s) = sha {
            req = req.header("x-content-sha256", s);
        }
        self.send(req).await
    }

    /// PUT a batch zstd-compressed, as the helper does.
    pub async fn put_batch(&self, token: &str, session: &str, b: &Batch) -> Answer {
        let wire = zstd::encode_all(b.body.as_slice(), 3).expect("zstd");
        self.put_raw(
            token,
            session,
            b.kind.wire_name(),
            b.seq,
            Some("zstd"),
            Some(&b.sha256),
            wire,
        )
        .await
    }

    pub async fn commit(&self, token: &str, session: &str) -> Answer {
        self.send(
            self.http
                .post(self.url(&format!("/api/v1/sessions/{session}/commit")))
                .bearer_auth(token),
        )
        .await
    }

    pub async fn session(&self, token: &str, session: &str) -> Answer {
        self.send(
            self.http
                .get(self.url(&format!("/api/v1/sessions/{session}")))
                .bearer_auth(token),
        )
        .await
    }
}

/// Expected rows and batches per kind for a list of batches.
pub fn expected_of(batches: &[Batch]) -> BTreeMap<DataKind, KindExpectation> {
    let mut out: BTreeMap<DataKind, KindExpectation> = DataKind::ALL
        .into_iter()
        .map(|k| (k, KindExpectation::default()))
        .collect();
    for b in batches {
        let e = out.entry(b.kind).or_default();
        e.rows += b.rows;
        e.batches += 1;
    }
    out
}
