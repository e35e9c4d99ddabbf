//! HTTP client for the five read endpoints, one request at a time.
//!
//! Parsing and classification of bodies is shared-model's ([`parse_body`]); this module adds
//! the transport: long timeouts (real schools answer slowly), a short connect timeout, no
//! proxy (the Web Service is local) and a couple of retries on connect/timeout errors.

use std::time::Duration;

use serde::de::DeserializeOwned;
use shared_model::webservice::{DapodikFailure, Endpoint, parse_body, parse_sekolah};

/// Connect errors are retried this many times (Dapodik may be restarting its services).
const CONNECT_RETRIES: u32 = 2;
/// A timed-out read is retried once: the second call often hits a warm database cache.
const TIMEOUT_RETRIES: u32 = 1;

/// Rows of one endpoint and how many bytes Dapodik sent for them.
#[derive(Debug, Clone)]
pub struct Pulled<T> {
    pub rows: T,
    pub raw_bytes: u64,
}

pub struct DapodikClient {
    base_url: String,
    token: String,
    http: reqwest::Client,
    retry_base: Duration,
}

impl std::fmt::Debug for DapodikClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("DapodikClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl DapodikClient {
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Result<Self, DapodikFailure> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .timeout(timeout)
            .user_agent(concat!("db-helper/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DapodikFailure::Malformed {
                detail: format!("klien HTTP: {e}"),
            })?;
        Ok(DapodikClient {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
            http,
            retry_base: Duration::from_millis(500),
        })
    }

    /// Shorter waits between retries (tests).
    pub fn with_retry_base(mut self, base: Duration) -> Self {
        self.retry_base = base;
        self
    }

    /// One GET with retries on connect errors and timeouts; returns status and body.
    async fn get_raw(
        &self,
        endpoint: Endpoint,
        npsn: &str,
    ) -> Result<(u16, Vec<u8>), DapodikFailure> {
        let url = format!("{}{}", self.base_url, endpoint.url_path());
        let mut connect_failures = 0;
        let mut timeouts = 0;
        loop {
            match self.get_once(&url, npsn).await {
                Ok(ok) => return Ok(ok),
                Err(DapodikFailure::NotRunning) if connect_failures < CONNECT_RETRIES => {
                    connect_failures += 1;
                    tracing::info!(
                        endpoint = endpoint.path(),
                        "Dapodik tidak menjawab, mencoba lagi"
                    );
                    tokio::time::sleep(self.retry_base * 2u32.pow(connect_failures)).await;
                }
                Err(DapodikFailure::Timeout) if timeouts < TIMEOUT_RETRIES => {
                    timeouts += 1;
                    tracing::info!(
                        endpoint = endpoint.path(),
                        "Dapodik terlalu lama, mencoba lagi"
                    );
                    tokio::time::sleep(self.retry_base).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn get_once(&self, url: &str, npsn: &str) -> Result<(u16, Vec<u8>), DapodikFailure> {
        let response = self
            .http
            .get(url)
            .query(&[("npsn", npsn)])
            .header(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", self.token),
            )
            .send()
            .await
            .map_err(transport_failure)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport_failure)?;
        // A NUL pasted into Dapodik text would make the server refuse the row.
        Ok((
            status,
            shared_model::nul::strip_nul_escapes(&body).into_owned(),
        ))
    }

    /// `getSekolah` (exactly one school row).
    pub async fn sekolah(
        &self,
        npsn: &str,
    ) -> Result<Pulled<shared_model::webservice::Sekolah>, DapodikFailure> {
        let (status, body) = self.get_raw(Endpoint::Sekolah, npsn).await?;
        let rows = match fast_rows(status, &body) {
            Some(mut rows) if rows.len() == 1 => rows.remove(0),
            _ => parse_sekolah(status, &body)?,
        };
        Ok(Pulled {
            rows,
            raw_bytes: body.len() as u64,
        })
    }

    /// Any list endpoint; an empty endpoint (`Data … tidak ditemukan`) is an empty list.
    pub async fn list<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        npsn: &str,
    ) -> Result<Pulled<Vec<T>>, DapodikFailure> {
        let (status, body) = self.get_raw(endpoint, npsn).await?;
        let raw_bytes = body.len() as u64;
        let rows = parse_list(endpoint, status, &body)?;
        Ok(Pulled { rows, raw_bytes })
    }
}

/// Rows of a clean success envelope, deserialised straight from the text; `None` for
/// anything else (error bodies, preambles, notices, non-2xx), which then takes
/// shared-model's tolerant path. Same rows either way (tested), but without first building
/// a `Value` tree of the whole body — the largest allocation of a pull.
fn fast_rows<T: DeserializeOwned>(status: u16, body: &[u8]) -> Option<Vec<T>> {
    if !(200..300).contains(&status) {
        return None;
    }
    let env: FastEnvelope<T> = serde_json::from_slice(body).ok()?;
    env.success.is_none().then_some(env.rows)
}

/// [`fast_rows`], else `shared_model::webservice::parse_body`.
pub fn parse_list<T: DeserializeOwned>(
    endpoint: Endpoint,
    status: u16,
    body: &[u8],
) -> Result<Vec<T>, DapodikFailure> {
    match fast_rows(status, body) {
        Some(rows) => Ok(rows),
        None => parse_body(endpoint, status, body),
    }
}

#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
struct FastEnvelope<T> {
    #[serde(deserialize_with = "one_or_many")]
    rows: Vec<T>,
    /// Present only in error bodies: then the fast path steps aside.
    #[serde(default)]
    success: Option<serde::de::IgnoredAny>,
}

/// `rows` as a list, a single object (getSekolah) or null, streamed without buffering.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of rows, one row object or null")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(100_000));
            while let Some(row) = seq.next_element()? {
                out.push(row);
            }
            Ok(out)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|row| vec![row])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

/// Transport errors: connection refused → not running; timeout → too slow; a cut while
/// reading → connection lost.
fn transport_failure(e: reqwest::Error) -> DapodikFailure {
    if e.is_timeout() {
        DapodikFailure::Timeout
    } else if e.is_connect() {
        DapodikFailure::NotRunning
    } else {
        // reqwest's text names the URL (no token: it travels in a header).
        DapodikFailure::ConnectionLost {
            detail: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn serve_once(reply: &'static [u8]) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(reply);
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn refused_connection_means_not_running() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = DapodikClient::new(
            &format!("http://127.0.0.1:{port}"),
            "t",
            Duration::from_secs(2),
        )
        .unwrap()
        .with_retry_base(Duration::from_millis(1));
        let err = c
            .list::<serde_json::Value>(Endpoint::Gtk, "20599901")
            .await
            .unwrap_err();
        assert_eq!(err, DapodikFailure::NotRunning);
    }

    #[tokio::test]
    async fn silent_server_is_a_timeout() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for s in listener.incoming().flatten() {
                held.push(s);
                if held.len() > 4 {
                    break;
                }
            }
            std::thread::sleep(Duration::from_secs(5));
        });
        let c = DapodikClient::new(&format!("http://{addr}"), "t", Duration::from_millis(200))
            .unwrap()
            .with_retry_base(Duration::from_millis(1));
        assert_eq!(
            c.list::<serde_json::Value>(Endpoint::Gtk, "1")
                .await
                .unwrap_err(),
            DapodikFailure::Timeout
        );
    }

    #[tokio::test]
    async fn http_200_error_bodies_are_classified() {
        let base = serve_once(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nConnection: close\r\n\r\n\
              {\"success\":false,\"http_code\":403,\"status_code\":\"Forbidden\",\
              \"message\":\"IP Address yang didaftarkan pada Web Service Dapodik berbeda\"}",
        );
        let c = DapodikClient::new(&base, "t", Duration::from_secs(5)).unwrap();
        let err = c
            .list::<serde_json::Value>(Endpoint::PesertaDidik, "1")
            .await
            .unwrap_err();
        assert_eq!(err, DapodikFailure::IpNotRegistered);
        assert!(!format!("{c:?}").contains("\"t\""), "Debug hides the token");
    }

    use test_kit::fixtures::bytes as fixture;

    /// The fast path gives exactly what shared-model's tolerant parser gives.
    #[test]
    fn fast_path_matches_shared_model() {
        use shared_model::webservice::{Gtk, Pengguna, PesertaDidik, RombonganBelajar, Sekolah};
        fn same<T: DeserializeOwned + PartialEq + std::fmt::Debug>(e: Endpoint, body: &[u8]) {
            let fast = fast_rows::<T>(200, body).expect("clean envelope takes the fast path");
            assert_eq!(fast, parse_body::<T>(e, 200, body).unwrap(), "{e}");
        }
        let pd = fixture("getPesertaDidik.json");
        same::<PesertaDidik>(Endpoint::PesertaDidik, &pd);
        same::<Gtk>(Endpoint::Gtk, &fixture("getGtk.json"));
        same::<RombonganBelajar>(
            Endpoint::RombonganBelajar,
            &fixture("getRombonganBelajar.json"),
        );
        same::<Pengguna>(Endpoint::Pengguna, &fixture("getPengguna.json"));
        let s = fixture("getSekolah.json");
        assert_eq!(
            fast_rows::<Sekolah>(200, &s).unwrap(),
            vec![parse_sekolah(200, &s).unwrap()]
        );

        // Error bodies, empty endpoints, preambles and 404s step aside to the tolerant path.
        let err = fixture("error-ip-berbeda.json");
        assert!(fast_rows::<serde_json::Value>(200, &err).is_none());
        assert_eq!(
            parse_list::<serde_json::Value>(Endpoint::Gtk, 200, &err),
            Err(DapodikFailure::IpNotRegistered)
        );
        let empty = fixture("error-data-kosong.json");
        assert_eq!(
            parse_list::<serde_json::Value>(Endpoint::PesertaDidik, 200, &empty),
            Ok(vec![])
        );
        let pre = b"HTTP/1.0 403 Forbidden\r\n\r\n{\"success\":false,\"message\":\"Sekolah tidak ditemukan\"}";
        assert_eq!(
            parse_list::<serde_json::Value>(Endpoint::Gtk, 200, pre),
            Err(DapodikFailure::NpsnUnknown)
        );
        assert!(fast_rows::<serde_json::Value>(404, b"{\"rows\":[]}").is_none());
        assert_eq!(
            fast_rows::<serde_json::Value>(200, b"{\"results\":0,\"rows\":null}"),
            Some(vec![])
        );
    }

    #[tokio::test]
    async fn envelope_rows_and_bytes() {
        let base = serve_once(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n\
              {\"results\":2,\"id\":\"x\",\"start\":0,\"limit\":20,\"rows\":[{\"a\":1},{\"a\":2}]}",
        );
        let c = DapodikClient::new(&base, "t", Duration::from_secs(5)).unwrap();
        let p = c
            .list::<serde_json::Value>(Endpoint::Gtk, "1")
            .await
            .unwrap();
        assert_eq!(p.rows.len(), 2);
        assert!(p.raw_bytes > 40);
    }
}
