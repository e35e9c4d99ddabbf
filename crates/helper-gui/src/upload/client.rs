//! Client of the district server's protocol v1 (`docs/protocol.md`).
//!
//! Every call returns the decoded body or a [`ServerError`] carrying the stable error code.
//! Bytes sent and received are counted for the benchmark's "bytes on the wire": request line,
//! headers and body as sent; status line, headers and body of the answer (answer bodies are
//! counted decompressed, so slightly over). TLS framing is not counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared_model::DataKind;
use shared_model::protocol::{
    API_PREFIX, ApiErrorBody, BatchAck, BatchRef, CONTENT_SHA256_HEADER, CommitReceipt,
    EnrollRequest, EnrollResponse, ErrorCode, OpenSessionRequest, OpenSessionResponse,
    SessionStatus, VersionInfo,
};

use super::retry::parse_retry_after;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ServerError {
    /// No connection, DNS failure, timeout or a connection cut mid-request.
    #[error("server tidak dapat dihubungi: {0}")]
    Unreachable(String),
    /// A protocol error body.
    #[error("server menjawab {status} {}: {}", body.error, body.message)]
    Api {
        status: u16,
        body: Box<ApiErrorBody>,
        retry_after: Option<Duration>,
    },
    /// An error status without the protocol's body (a proxy page, a load balancer's 502).
    #[error("server menjawab HTTP {status}")]
    Http {
        status: u16,
        snippet: String,
        retry_after: Option<Duration>,
    },
    /// A success status with a body that does not decode.
    #[error("jawaban server tidak dikenal: {0}")]
    Protocol(String),
}

impl ServerError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ServerError::Api { body, .. } => body.code(),
            _ => None,
        }
    }

    /// Worth retrying unchanged after a wait.
    pub fn is_transient(&self) -> bool {
        match self {
            ServerError::Unreachable(_) => true,
            ServerError::Api { status, body, .. } => body
                .code()
                .map_or(*status >= 500 || *status == 429, ErrorCode::is_transient),
            ServerError::Http { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            ServerError::Protocol(_) => false,
        }
    }

    /// Offline (as opposed to busy): drives the "no internet" message.
    pub fn is_offline(&self) -> bool {
        matches!(self, ServerError::Unreachable(_))
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ServerError::Api { retry_after, .. } | ServerError::Http { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
pub struct WireCounter {
    pub sent: AtomicU64,
    pub received: AtomicU64,
    pub requests: AtomicU64,
}

impl WireCounter {
    pub fn total(&self) -> u64 {
        self.sent.load(Ordering::Relaxed) + self.received.load(Ordering::Relaxed)
    }
}

#[derive(Clone)]
pub struct ServerClient {
    api: String,
    http: reqwest::Client,
    counter: Arc<WireCounter>,
}

impl std::fmt::Debug for ServerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerClient")
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

impl ServerClient {
    pub fn new(server_url: &str, timeout: Duration) -> Result<Self, ServerError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .timeout(timeout)
            .user_agent(concat!("db-helper/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ServerError::Protocol(format!("klien HTTP: {e}")))?;
        Ok(ServerClient {
            api: format!("{}{}", server_url.trim_end_matches('/'), API_PREFIX),
            http,
            counter: Arc::new(WireCounter::default()),
        })
    }

    pub fn counter(&self) -> Arc<WireCounter> {
        self.counter.clone()
    }

    /// Bytes sent plus received so far.
    pub fn wire_bytes(&self) -> u64 {
        self.counter.total()
    }

    async fn exchange<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        body_len: u64,
    ) -> Result<T, ServerError> {
        let request = request
            .build()
            .map_err(|e| ServerError::Protocol(format!("permintaan: {e}")))?;
        self.counter.requests.fetch_add(1, Ordering::Relaxed);
        self.counter.sent.fetch_add(
            body_len + request_head_len(&request, body_len),
            Ordering::Relaxed,
        );
        let response = self.http.execute(request).await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let retry_after = parse_retry_after(response.headers().get(reqwest::header::RETRY_AFTER));
        let head = response_head_len(&response);
        let bytes = response.bytes().await.map_err(unreachable)?;
        self.counter
            .received
            .fetch_add(bytes.len() as u64 + head, Ordering::Relaxed);
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes)
                .map_err(|e| ServerError::Protocol(e.to_string()));
        }
        match serde_json::from_slice::<ApiErrorBody>(&bytes) {
            Ok(body) => Err(ServerError::Api {
                status,
                body: Box::new(body),
                retry_after,
            }),
            Err(_) => Err(ServerError::Http {
                status,
                snippet: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
                retry_after,
            }),
        }
    }

    fn json<B: Serialize>(
        &self,
        builder: reqwest::RequestBuilder,
        body: &B,
    ) -> (reqwest::RequestBuilder, u64) {
        let bytes = serde_json::to_vec(body).expect("protocol bodies serialise");
        let len = bytes.len() as u64;
        (
            builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes),
            len,
        )
    }

    /// `GET /version` (no auth).
    pub async fn version(&self) -> Result<VersionInfo, ServerError> {
        self.exchange(self.http.get(format!("{}/version", self.api)), 0)
            .await
    }

    /// `POST /enroll`.
    pub async fn enroll(&self, req: &EnrollRequest) -> Result<EnrollResponse, ServerError> {
        let (b, len) = self.json(self.http.post(format!("{}/enroll", self.api)), req);
        self.exchange(b, len).await
    }

    /// `POST /sessions`.
    pub async fn open_session(
        &self,
        token: &str,
        req: &OpenSessionRequest,
    ) -> Result<OpenSessionResponse, ServerError> {
        let (b, len) = self.json(
            self.http
                .post(format!("{}/sessions", self.api))
                .bearer_auth(token),
            req,
        );
        self.exchange(b, len).await
    }

    /// `PUT /sessions/{id}/batches/{kind}/{seq}` with a zstd body.
    pub async fn put_batch(
        &self,
        token: &str,
        session_id: &str,
        kind: DataKind,
        seq: u32,
        sha256: &str,
        body_zstd: Vec<u8>,
    ) -> Result<BatchAck, ServerError> {
        let len = body_zstd.len() as u64;
        let b = self
            .http
            .put(format!(
                "{}/sessions/{session_id}/batches/{}/{seq}",
                self.api,
                kind.wire_name()
            ))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::CONTENT_ENCODING, "zstd")
            .header(CONTENT_SHA256_HEADER, sha256)
            .body(body_zstd);
        self.exchange(b, len).await
    }

    /// `PUT /sessions/{id}/batches/{kind}/{seq}/ref`.
    pub async fn put_ref(
        &self,
        token: &str,
        session_id: &str,
        kind: DataKind,
        seq: u32,
        r: &BatchRef,
    ) -> Result<BatchAck, ServerError> {
        let url = format!(
            "{}/sessions/{session_id}/batches/{}/{seq}/ref",
            self.api,
            kind.wire_name()
        );
        let (b, len) = self.json(self.http.put(url).bearer_auth(token), r);
        self.exchange(b, len).await
    }

    /// `GET /sessions/{id}`.
    pub async fn status(
        &self,
        token: &str,
        session_id: &str,
    ) -> Result<SessionStatus, ServerError> {
        self.exchange(
            self.http
                .get(format!("{}/sessions/{session_id}", self.api))
                .bearer_auth(token),
            0,
        )
        .await
    }

    /// `POST /sessions/{id}/commit` (empty body).
    pub async fn commit(
        &self,
        token: &str,
        session_id: &str,
    ) -> Result<CommitReceipt, ServerError> {
        self.exchange(
            self.http
                .post(format!("{}/sessions/{session_id}/commit", self.api))
                .bearer_auth(token),
            0,
        )
        .await
    }
}

fn headers_len(h: &reqwest::header::HeaderMap) -> u64 {
    h.iter()
        .map(|(k, v)| (k.as_str().len() + 2 + v.len() + 2) as u64)
        .sum()
}

/// Bytes of the HTTP/1.1 request line and headers as sent, including the ones hyper and
/// reqwest add at send time (host, accept, accept-encoding, content-length).
fn request_head_len(r: &reqwest::Request, body_len: u64) -> u64 {
    let url = r.url();
    let target = url.path().len() + url.query().map_or(0, |q| q.len() + 1);
    let host =
        url.host_str().map_or(0, str::len) + url.port().map_or(0, |p| p.to_string().len() + 1);
    let line = r.method().as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    let added = "host: \r\n".len()
        + host
        + "accept: */*\r\n".len()
        + "accept-encoding: gzip, zstd\r\n".len();
    let length = if body_len > 0 {
        "content-length: \r\n".len() + body_len.to_string().len()
    } else {
        0
    };
    (line + added + length + 2) as u64 + headers_len(r.headers())
}

/// Bytes of the status line and headers of an answer.
fn response_head_len(r: &reqwest::Response) -> u64 {
    let reason = r.status().canonical_reason().map_or(0, str::len);
    ("HTTP/1.1 200 \r\n".len() + reason + 2) as u64 + headers_len(r.headers())
}

fn unreachable(e: reqwest::Error) -> ServerError {
    // Without the URL's query (there is none in this protocol) and never a header.
    let kind = if e.is_timeout() {
        "batas waktu habis"
    } else if e.is_connect() {
        "tidak tersambung"
    } else {
        "koneksi terputus"
    };
    ServerError::Unreachable(format!("{kind}: {}", e.without_url()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_classification() {
        let api = |status: u16, code: &str| ServerError::Api {
            status,
            body: Box::new(ApiErrorBody {
                error: code.into(),
                message: "m".into(),
                details: None,
            }),
            retry_after: None,
        };
        assert!(ServerError::Unreachable("x".into()).is_transient());
        assert!(api(503, "unavailable").is_transient());
        assert!(api(429, "rate_limited").is_transient());
        assert!(api(500, "kode_baru_dari_masa_depan").is_transient());
        assert!(!api(409, "session_closed").is_transient());
        assert!(!api(422, "invalid_row").is_transient());
        assert!(
            ServerError::Http {
                status: 502,
                snippet: String::new(),
                retry_after: None
            }
            .is_transient()
        );
        assert!(
            !ServerError::Http {
                status: 404,
                snippet: String::new(),
                retry_after: None
            }
            .is_transient()
        );
        assert_eq!(
            api(409, "session_closed").code(),
            Some(ErrorCode::SessionClosed)
        );
    }

    #[tokio::test]
    async fn unreachable_server_is_offline() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c =
            ServerClient::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2)).unwrap();
        let e = c.version().await.unwrap_err();
        assert!(e.is_offline() && e.is_transient(), "{e:?}");
    }
}
