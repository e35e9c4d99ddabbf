//! Login and logout: pre-session CSRF on the login form, rate limiting per address and
//! username, argon2id verification off the async workers (same cost for unknown users),
//! a fresh session token on success, audit of every attempt.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use district_web::PageContext;
use district_web::auth::{
    CookieOptions, PRESESSION_COOKIE, SESSION_COOKIE, SESSION_IDLE_TIMEOUT, SESSION_MAX_AGE,
    clear_cookie_header, new_session_token, session_token_hash, set_cookie_header,
    verify_password_or_dummy,
};
use district_web::staff::AuditAction;
use district_web::staff::{LoginView, safe_next_path};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebForm, WebQuery, WebResult};
use crate::app::respond::{self, Caching};
use crate::app::time::now_ms;
use crate::staff::audit;
use crate::staff::session::{RequireStaff, Viewer, request_cookie};
use crate::storage::NewStaffSession;

/// The pre-session cookie of the login form, if the browser sent one.
pub struct PreSession(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for PreSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PreSession(
            request_cookie(parts, PRESESSION_COOKIE).map(str::to_owned),
        ))
    }
}

fn cookie_options(state: &AppState) -> CookieOptions {
    CookieOptions::new(
        &state.web.pages().site().base_path,
        state.web.secure_cookies(),
    )
}

/// Renders the login form with a (new or kept) pre-session cookie.
fn login_page(
    state: &AppState,
    pre: Option<String>,
    view: &LoginView,
    status: StatusCode,
) -> WebResult<Response> {
    let (pre, fresh) = match pre {
        Some(p) if p.len() >= 32 && p.len() <= 64 => (p, false),
        _ => (new_session_token(), true),
    };
    let ctx = PageContext::anonymous(state.web.csrf().token_for(&pre));
    let html = state.web.pages().login(&ctx, view)?;
    let mut r = respond::html(status, html, Caching::NoStore);
    if fresh {
        let mut opts = cookie_options(state);
        opts.max_age = None;
        r = respond::with_cookie(r, &set_cookie_header(PRESESSION_COOKIE, &pre, &opts));
    }
    Ok(r)
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    berikutnya: Option<String>,
}

/// GET `/login?berikutnya=`.
pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    pre: PreSession,
    WebQuery(q): WebQuery<LoginQuery>,
) -> WebResult<Response> {
    if viewer.0.is_some() {
        let next = q.berikutnya.as_deref().and_then(safe_next_path);
        return Ok(respond::redirect(next.as_deref().unwrap_or("/staf")));
    }
    let view = LoginView::new().with_next(q.berikutnya.as_deref());
    login_page(&state, pre.0, &view, StatusCode::OK)
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    berikutnya: Option<String>,
}

/// POST `/login`.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    pre: PreSession,
    WebForm(form): WebForm<LoginForm>,
) -> WebResult<Response> {
    let next = form.berikutnya.as_deref();
    let username = form.username.trim().to_lowercase();
    let csrf_ok = pre
        .0
        .as_deref()
        .is_some_and(|p| state.web.csrf().verify(p, &form.csrf_token));
    if !csrf_ok {
        let mut view = LoginView::new().with_next(next);
        view.username = username.chars().take(100).collect();
        view.galat = Some(
            "Formulir login kedaluwarsa. Silakan isi kembali nama pengguna dan kata sandi.".into(),
        );
        return login_page(&state, None, &view, StatusCode::FORBIDDEN);
    }
    let limiter = state.web.login_limiter();
    if let Err(limited) = limiter.check(ip, &username) {
        audit::anonymous(
            &state,
            &username,
            ip,
            AuditAction::LoginGagal,
            "login",
            "ditolak: terlalu banyak percobaan gagal",
        )
        .await?;
        let view = LoginView::terkunci(&username, &limited, next);
        let mut r = login_page(&state, pre.0, &view, StatusCode::TOO_MANY_REQUESTS)?;
        if let Ok(v) = axum::http::HeaderValue::from_str(&limited.retry_after_secs().to_string()) {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        return Ok(r);
    }
    let account = if username.is_empty() || username.len() > 64 {
        None
    } else {
        state.web.db().staff_by_username(&username).await?
    };
    let hash = account
        .as_ref()
        .filter(|a| a.aktif)
        .map(|a| a.password_hash.clone());
    let password = form.password;
    let verified =
        tokio::task::spawn_blocking(move || verify_password_or_dummy(&password, hash.as_deref()))
            .await?;
    let account = match account {
        Some(a) if verified => a,
        _ => {
            limiter.record_failure(ip, &username);
            audit::anonymous(
                &state,
                &username,
                ip,
                AuditAction::LoginGagal,
                "login",
                "nama pengguna atau kata sandi salah",
            )
            .await?;
            let view = LoginView::gagal(&username, next);
            return login_page(&state, pre.0, &view, StatusCode::UNAUTHORIZED);
        }
    };
    limiter.record_success(ip, &username);
    start_session(&state, &account, ip, next).await
}

/// A verified login: a fresh session token (never the pre-session one), its cookie, the
/// audit entry, and the redirect back to where the login was asked for.
async fn start_session(
    state: &AppState,
    account: &crate::storage::StaffAccount,
    ip: std::net::IpAddr,
    next: Option<&str>,
) -> WebResult<Response> {
    let db = state.web.db();
    let now = now_ms();
    let _ = db
        .delete_expired_sessions(now, now - SESSION_IDLE_TIMEOUT.as_millis() as i64)
        .await;
    let token = new_session_token();
    db.create_session(&NewStaffSession {
        token_hash: session_token_hash(&token),
        staff_id: account.id.clone(),
        now_ms: now,
        expires_at_ms: now + SESSION_MAX_AGE.as_millis() as i64,
        ip: ip.to_string(),
    })
    .await?;
    db.record_login(&account.id, now).await?;
    audit::write_login(state, &account.username, &account.peran, ip).await?;

    let target = next
        .and_then(safe_next_path)
        .unwrap_or_else(|| "/staf".into());
    let opts = cookie_options(state);
    let r = respond::redirect(&target);
    let r = respond::with_cookie(r, &set_cookie_header(SESSION_COOKIE, &token, &opts));
    Ok(respond::with_cookie(
        r,
        &clear_cookie_header(PRESESSION_COOKIE, &opts),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// POST `/logout`.
pub async fn logout(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebForm(form): WebForm<LogoutForm>,
) -> WebResult<Response> {
    staff.check_csrf(&state, &form.csrf_token)?;
    state
        .web
        .db()
        .delete_session(&session_token_hash(&staff.token))
        .await?;
    audit::staff(&state, &staff, ip, AuditAction::Logout, "logout", "").await?;
    let r = respond::redirect("/");
    Ok(respond::with_cookie(
        r,
        &clear_cookie_header(SESSION_COOKIE, &cookie_options(&state)),
    ))
}
