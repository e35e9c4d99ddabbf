//! Batch upload and batch reference (delta).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use shared_model::DataKind;
use shared_model::protocol::{
    BatchAck, BatchRef, CONTENT_SHA256_HEADER, MAX_BATCH_BODY_BYTES, MAX_BATCH_ROWS, SessionState,
};

use crate::app::AppState;
use crate::app::api_error::{ApiError, ApiResult};
use crate::app::api_extract::{ApiJson, ApiPath};
use crate::app::body::read_limited;
use crate::app::time::now_ms;
use crate::enrollment::token_auth::AuthSchool;
use crate::sending::api_sessions::load_owned;
use crate::sending::batch::{Encoding, decode_batch};
use crate::sending::session_cache::SessionFacts;
use crate::storage::{BatchRefInput, NewBatch, StoreError, StoreResult};

/// Bodies up to this size (as sent) are decoded on the request's task; larger ones on a
/// blocking thread. Decompression is capped either way.
const INLINE_DECODE_MAX_BYTES: usize = 16 * 1024;

fn parse_target(kind: &str, seq: &str) -> ApiResult<(DataKind, u32)> {
    let kind = DataKind::from_wire_name(kind)
        .ok_or_else(|| ApiError::InvalidRequest(format!("jenis data tidak dikenal: {kind}")))?;
    let seq = seq
        .parse::<u32>()
        .map_err(|_| ApiError::InvalidRequest(format!("nomor batch tidak valid: {seq}")))?;
    Ok((kind, seq))
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The session's fixed facts (cached after the first batch), after checking that the token's
/// school owns it. Whether it is still open is checked by the store in the write itself.
async fn session_facts(
    state: &AppState,
    auth: &AuthSchool,
    session_id: &str,
) -> ApiResult<SessionFacts> {
    if let Some(facts) = state.session_cache.get(session_id) {
        auth.require_npsn(&facts.npsn)?;
        return Ok(facts);
    }
    let session = load_owned(state, auth, session_id).await?;
    let current = session.effective_state(now_ms());
    if current != SessionState::Open {
        return Err(ApiError::SessionClosed(current));
    }
    let facts = SessionFacts {
        npsn: session.npsn,
        expected: Arc::new(session.expected),
    };
    state.session_cache.insert(session_id, facts.clone());
    Ok(facts)
}

/// The batch must be within the declaration.
fn check_range(facts: &SessionFacts, kind: DataKind, seq: u32) -> ApiResult<()> {
    let batches = facts.expected.get(&kind).map(|e| e.batches).unwrap_or(0);
    if seq >= batches {
        return Err(ApiError::BatchOutOfRange { kind, seq, batches });
    }
    Ok(())
}

/// A closed or vanished session leaves the cache.
fn forget_if_closed<T>(
    state: &AppState,
    session_id: &str,
    result: StoreResult<T>,
) -> StoreResult<T> {
    if matches!(
        result,
        Err(StoreError::SessionClosed(_) | StoreError::SessionNotFound)
    ) {
        state.session_cache.forget(session_id);
    }
    result
}

/// `PUT /api/v1/sessions/{id}/batches/{kind}/{seq}`.
pub async fn put_batch(
    State(state): State<AppState>,
    auth: AuthSchool,
    ApiPath((session_id, kind, seq)): ApiPath<(String, String, String)>,
    req: Request,
) -> ApiResult<Json<BatchAck>> {
    let (kind, seq) = parse_target(&kind, &seq)?;
    let headers = req.headers();
    let encoding = Encoding::from_header(
        headers
            .get(axum::http::header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap_or("?")),
    )
    .map_err(ApiError::UnsupportedEncoding)?;
    let declared = headers
        .get(CONTENT_SHA256_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| is_sha256_hex(v))
        .ok_or_else(|| {
            ApiError::InvalidRequest(format!(
                "header {CONTENT_SHA256_HEADER} wajib berisi SHA-256 heksadesimal"
            ))
        })?;
    let facts = session_facts(&state, &auth, &session_id).await?;
    check_range(&facts, kind, seq)?;

    let body = read_limited(req, MAX_BATCH_BODY_BYTES).await?;
    let decoded = {
        let _permit = state
            .decode_permits
            .acquire()
            .await
            .map_err(|_| ApiError::Unavailable)?;
        if body.len() <= INLINE_DECODE_MAX_BYTES {
            // A small batch decodes in well under a millisecond: cheaper than a thread hop.
            decode_batch(kind, encoding, &body, &declared)?
        } else {
            tokio::task::spawn_blocking(move || decode_batch(kind, encoding, &body, &declared))
                .await
                .map_err(ApiError::internal)??
        }
    };
    let now = now_ms();
    let result = state
        .store
        .put_batch(&NewBatch {
            session_id: session_id.clone(),
            npsn: auth.npsn,
            kind,
            seq,
            sha256: decoded.sha256.clone(),
            rows: decoded.rows,
            payload_zstd: decoded.payload_zstd,
            now_ms: now,
            expires_at_ms: now + state.session_ttl_ms(),
        })
        .await;
    let status = forget_if_closed(&state, &session_id, result)?;
    Ok(Json(BatchAck {
        kind,
        seq,
        rows: decoded.rows,
        sha256: decoded.sha256,
        status,
    }))
}

/// `PUT /api/v1/sessions/{id}/batches/{kind}/{seq}/ref`: content the school already stored.
pub async fn put_batch_ref(
    State(state): State<AppState>,
    auth: AuthSchool,
    ApiPath((session_id, kind, seq)): ApiPath<(String, String, String)>,
    ApiJson(r): ApiJson<BatchRef>,
) -> ApiResult<Json<BatchAck>> {
    let (kind, seq) = parse_target(&kind, &seq)?;
    let sha256 = r.sha256.trim().to_ascii_lowercase();
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::InvalidRequest(
            "sha256 harus 64 digit heksadesimal".into(),
        ));
    }
    if r.rows == 0 || r.rows > MAX_BATCH_ROWS as u64 {
        return Err(ApiError::InvalidRequest(format!(
            "rows harus antara 1 dan {MAX_BATCH_ROWS}"
        )));
    }
    let facts = session_facts(&state, &auth, &session_id).await?;
    check_range(&facts, kind, seq)?;
    let now = now_ms();
    let result = state
        .store
        .ref_batch(&BatchRefInput {
            session_id: session_id.clone(),
            npsn: auth.npsn,
            kind,
            seq,
            sha256: sha256.clone(),
            rows: r.rows,
            now_ms: now,
            expires_at_ms: now + state.session_ttl_ms(),
        })
        .await;
    let status = forget_if_closed(&state, &session_id, result)?;
    Ok(Json(BatchAck {
        kind,
        seq,
        rows: r.rows,
        sha256,
        status,
    }))
}
