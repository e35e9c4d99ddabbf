//! Send sessions: open, read (resume), commit.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared_model::DataKind;
use shared_model::protocol::{
    CommitReceipt, KindReceived, OpenSessionRequest, OpenSessionResponse, SessionState,
    SessionStatus,
};

use crate::app::AppState;
use crate::app::api_error::{ApiError, ApiResult};
use crate::app::api_extract::{ApiJson, ApiPath};
use crate::app::time::{now_ms, rfc3339_utc};
use crate::enrollment::token_auth::AuthSchool;
use crate::helper_version::api::require_supported;
use crate::sending::commit::{check_complete, prepare};
use crate::sending::declaration::validate_open;
use crate::storage::{CommitOutcome, HeldBatch, NewSession, SessionRecord};

/// The session, if it exists and belongs to the token's school.
pub async fn load_owned(
    state: &AppState,
    auth: &AuthSchool,
    session_id: &str,
) -> ApiResult<SessionRecord> {
    if session_id.is_empty() || session_id.len() > 64 {
        return Err(ApiError::InvalidRequest("session_id tidak valid".into()));
    }
    let session = state
        .store
        .session(session_id)
        .await?
        .ok_or(ApiError::SessionNotFound)?;
    auth.require_npsn(&session.npsn)?;
    Ok(session)
}

pub async fn open_session(
    State(state): State<AppState>,
    auth: AuthSchool,
    ApiJson(req): ApiJson<OpenSessionRequest>,
) -> ApiResult<(StatusCode, Json<OpenSessionResponse>)> {
    auth.require_npsn(req.npsn.trim())?;
    require_supported(&state, &req.helper_version).await?;
    validate_open(&req).map_err(ApiError::InvalidRequest)?;
    let now = now_ms();
    let expires_at_ms = now + state.session_ttl_ms();
    let session_id = uuid::Uuid::new_v4().to_string();
    let reusable_hashes = state
        .store
        .open_session(&NewSession {
            session_id: session_id.clone(),
            npsn: auth.npsn.clone(),
            username_ops: req.username_ops.trim().to_owned(),
            helper_version: req.helper_version.trim().to_owned(),
            semester_id: req.semester_id.clone(),
            expected: req.expected.clone(),
            now_ms: now,
            expires_at_ms,
        })
        .await?;
    state.session_cache.insert(
        &session_id,
        crate::sending::session_cache::SessionFacts {
            npsn: auth.npsn.clone(),
            expected: std::sync::Arc::new(req.expected.clone()),
        },
    );
    tracing::info!(
        npsn = auth.npsn,
        session_id,
        rows = req.expected_counts().total(),
        reusable = reusable_hashes.len(),
        "send session opened"
    );
    Ok((
        StatusCode::CREATED,
        Json(OpenSessionResponse {
            session_id,
            expires_at: rfc3339_utc(expires_at_ms),
            reusable_hashes,
        }),
    ))
}

pub async fn get_session(
    State(state): State<AppState>,
    auth: AuthSchool,
    ApiPath(session_id): ApiPath<String>,
) -> ApiResult<Json<SessionStatus>> {
    let session = load_owned(&state, &auth, &session_id).await?;
    let held = state.store.session_batches(&session_id).await?;
    let mut received: BTreeMap<DataKind, KindReceived> = DataKind::ALL
        .into_iter()
        .map(|k| (k, KindReceived::default()))
        .collect();
    for b in held {
        let r = received.entry(b.kind).or_default();
        r.rows += b.rows;
        r.batches.push(b.seq);
    }
    Ok(Json(SessionStatus {
        state: session.effective_state(now_ms()),
        session_id: session.session_id,
        npsn: session.npsn,
        expires_at: rfc3339_utc(session.expires_at_ms),
        expected: session.expected,
        received,
        receipt: session.receipt,
    }))
}

pub async fn commit(
    State(state): State<AppState>,
    auth: AuthSchool,
    ApiPath(session_id): ApiPath<String>,
) -> ApiResult<Json<CommitReceipt>> {
    let session = load_owned(&state, &auth, &session_id).await?;
    match session.effective_state(now_ms()) {
        SessionState::Open => {}
        SessionState::Committed => {
            return session
                .receipt
                .map(Json)
                .ok_or_else(|| ApiError::internal("committed session without receipt"));
        }
        other => return Err(ApiError::SessionClosed(other)),
    }
    // Runs as a tracked task: it finishes even if the client goes away, and graceful
    // shutdown waits for it.
    let task_state = state.clone();
    state
        .tasks
        .spawn(run_commit(task_state, session))
        .await
        .map_err(ApiError::internal)?
}

async fn run_commit(state: AppState, session: SessionRecord) -> ApiResult<Json<CommitReceipt>> {
    let _permit = state
        .commit_permits
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable)?;
    let staged = state.store.staged_batches(&session.session_id).await?;
    let held: Vec<HeldBatch> = staged.iter().map(HeldBatch::from).collect();
    check_complete(&session.expected, &held)?;
    let started = std::time::Instant::now();
    let now = now_ms();
    let session_id = session.session_id.clone();
    let prepared = tokio::task::spawn_blocking(move || prepare(&session, staged, now))
        .await
        .map_err(ApiError::internal)??;
    let prepare_ms = started.elapsed().as_millis();
    let outcome = state.store.commit_session(&prepared).await;
    state.session_cache.forget(&session_id);
    let outcome = outcome?;
    match &outcome {
        CommitOutcome::Committed(r) => tracing::info!(
            npsn = r.npsn,
            session_id,
            rows = r.counts.total(),
            prepare_ms,
            total_ms = started.elapsed().as_millis(),
            "snapshot committed"
        ),
        CommitOutcome::AlreadyCommitted(_) => {
            tracing::info!(session_id, "commit retried: already committed")
        }
    }
    Ok(Json(outcome.receipt().clone()))
}
