//! `/WebService/<endpoint>`: the check order of §2.1, data of the token's
//! school, optional filters, and the fault switches.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::App;
use super::auth::{bearer_token, ip_matches};
use super::encode::{self, NOT_FOUND_HTML};
use super::faults::{Faults, PreambleScope};
use super::params::Params;
use super::store::School;
use crate::php_json;
use crate::wire::{self, Endpoint};

/// `getPrasarana` exists on real installs; the simulator has no land data,
/// and the server then prints an empty table (no "tidak ditemukan" error).
const PRASARANA_EMPTY: &str = r#"{"results":0,"id":"id_tanah","start":0,"limit":20,"rows":[]}"#;

enum Outcome {
    /// Plain text printed by `die()` (not JSON).
    Plain(&'static str),
    /// `{"success":false,…}`; `empty_data` for "Data … tidak ditemukan".
    Error {
        message: &'static str,
        empty_data: bool,
    },
    Body(Bytes),
    /// Reading the stored body failed.
    Broken,
}

fn form_body(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    ct.starts_with("application/x-www-form-urlencoded")
        .then(|| String::from_utf8_lossy(body).into_owned())
}

/// Name of the optional 2022.a filter parameter of an endpoint.
fn filter_param(endpoint: Endpoint) -> Option<&'static str> {
    match endpoint {
        Endpoint::Gtk => Some("ptk_id"),
        Endpoint::PesertaDidik => Some("peserta_didik_id"),
        Endpoint::Pengguna => Some("peran_id"),
        _ => None,
    }
}

fn row_matches(endpoint: Endpoint, school: &School, row: &Value, wanted: &str) -> bool {
    let field = |k: &str| row.get(k).and_then(Value::as_str);
    match endpoint {
        Endpoint::Pengguna => {
            let id = field("pengguna_id").unwrap_or_default();
            school.meta.peran_ids.get(id).map(u32::to_string).as_deref() == Some(wanted)
        }
        Endpoint::Gtk => field("ptk_id") == Some(wanted),
        _ => field("peserta_didik_id") == Some(wanted),
    }
}

/// Applies the optional filters (`ptk_id`, `peserta_didik_id`, `peran_id`).
fn filter(endpoint: Endpoint, school: &School, params: &Params, body: Bytes) -> Outcome {
    let Some(wanted) = filter_param(endpoint).and_then(|p| params.truthy(p)) else {
        return Outcome::Body(body);
    };
    let Ok(mut doc) = serde_json::from_slice::<Value>(&body) else {
        return Outcome::Body(body);
    };
    let rows: Vec<Value> = match doc.get_mut("rows").map(Value::take) {
        Some(Value::Array(rows)) => rows
            .into_iter()
            .filter(|r| row_matches(endpoint, school, r, wanted))
            .collect(),
        _ => return Outcome::Body(body),
    };
    if rows.is_empty() {
        return Outcome::Error {
            message: endpoint.empty_message(),
            empty_data: true,
        };
    }
    Outcome::Body(Bytes::from(php_json::encode(&wire::envelope(
        endpoint,
        Value::Array(rows),
    ))))
}

/// What the handler learned about a request before the checks run.
struct Call<'a> {
    /// `None` for getPrasarana.
    endpoint: Option<Endpoint>,
    params: &'a Params,
    token: Option<&'a str>,
    token_school: Option<&'a Arc<School>>,
    peer: SocketAddr,
    in_scope: bool,
}

/// The checks of §2.1 in server order, then the token school's data.
async fn decide(app: &App, faults: &Faults, call: Call<'_>) -> Outcome {
    let err = |message| Outcome::Error {
        message,
        empty_data: false,
    };
    if call.token.is_none() {
        return Outcome::Plain(wire::ACCESS_DENIED);
    }
    let Some(npsn) = call.params.truthy("npsn") else {
        return err(wire::MSG_NPSN_MISSING);
    };
    let Some(school) = app.store.school(npsn) else {
        return err(wire::MSG_SCHOOL_UNKNOWN);
    };
    if !school.meta.semester_active || (call.in_scope && faults.semester_inactive) {
        return err(wire::MSG_NO_SEMESTER);
    }
    let Some(owner) = call.token_school else {
        return err(wire::MSG_TOKEN_UNKNOWN);
    };
    let registered = faults
        .ip_override
        .get(&owner.meta.npsn)
        .unwrap_or(&owner.meta.registered_ip);
    if !ip_matches(call.peer.ip(), registered) {
        return err(wire::MSG_IP_MISMATCH);
    }
    let Some(endpoint) = call.endpoint else {
        return Outcome::Body(Bytes::from_static(PRASARANA_EMPTY.as_bytes()));
    };
    match owner.body(endpoint).await {
        Ok(Some(body)) => filter(endpoint, owner, call.params, body),
        Ok(None) => Outcome::Error {
            message: endpoint.empty_message(),
            empty_data: true,
        },
        Err(e) => {
            tracing::error!(npsn = %owner.meta.npsn, error = %e, "reading stored body");
            Outcome::Broken
        }
    }
}

pub async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(name): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::from_name(&name);
    if endpoint.is_none() && name != "getPrasarana" {
        tracing::info!(path = %uri.path(), status = 404, "unknown endpoint");
        return encode::html(StatusCode::NOT_FOUND, NOT_FOUND_HTML);
    }
    app.record(&name);
    let params = Params::new(uri.query(), form_body(&headers, &body).as_deref());
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| bearer_token(v.as_bytes()));
    let token_school = token.as_deref().and_then(|t| app.store.by_token(t));
    let faults = app.faults.get();
    let npsn = params.get("npsn").unwrap_or_default().to_string();
    let in_scope = faults.applies_to(
        [
            Some(npsn.as_str()),
            token_school.map(|s| s.meta.npsn.as_str()),
        ]
        .into_iter()
        .flatten(),
    );

    if in_scope && faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if in_scope && app.faults.should_fail(faults.server_error_rate) {
        let status = StatusCode::from_u16(faults.server_error_status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        tracing::info!(endpoint = %name, %npsn, status = status.as_u16(), "injected server error");
        return encode::html(status, encode::server_error_html(status.as_u16()));
    }

    let call = Call {
        endpoint,
        params: &params,
        token: token.as_deref(),
        token_school,
        peer,
        in_scope,
    };
    let outcome = decide(&app, &faults, call).await;
    let (status, bytes, label) = match outcome {
        Outcome::Plain(text) => (
            StatusCode::OK,
            Bytes::from_static(text.as_bytes()),
            "access denied",
        ),
        Outcome::Error {
            message,
            empty_data,
        } => {
            let json = wire::error_body(message);
            let prefixed = in_scope
                && match faults.error_preamble {
                    PreambleScope::Off => false,
                    PreambleScope::EmptyData => empty_data,
                    PreambleScope::All => true,
                };
            let text = if prefixed {
                encode::preamble(SystemTime::now()) + &json
            } else {
                json
            };
            (StatusCode::OK, Bytes::from(text), message)
        }
        Outcome::Body(b) => (StatusCode::OK, b, "ok"),
        Outcome::Broken => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Bytes::from(encode::server_error_html(500)),
            "broken body",
        ),
    };
    tracing::info!(endpoint = %name, %npsn, peer = %peer.ip(), bytes = bytes.len(), outcome = label, "request");
    match faults.cut_body_after.filter(|_| in_scope) {
        Some(after) => encode::cut(status, bytes, after),
        None => encode::html(status, bytes),
    }
}
