//! Errors of the page handlers and the layer that turns them into HTML error pages.
//!
//! A [`WebError`] becomes a bare response carrying an [`ErrorPage`] extension; the
//! [`render_error_page`] layer (which has the templates) renders the page. Redirects to the
//! login page are answered directly.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use district_web::auth::{SESSION_COOKIE, cookie_value};
use district_web::common::ErrorView;
use district_web::staff::RateLimited;
use district_web::{PageContext, RenderError, StaffIdentity};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::app::respond;
use crate::storage::StoreError;

/// Why a page request failed.
#[derive(Debug)]
pub enum WebError {
    NotFound,
    /// The viewer's role may not open this page or kecamatan.
    Forbidden,
    /// A POST without a valid CSRF token.
    Csrf,
    /// Login needed: `303` to the login page, back to `next` afterwards.
    Login {
        next: Option<String>,
    },
    BadRequest(String),
    RateLimited(RateLimited),
    Unavailable,
    /// Logged with this text; the viewer sees a generic page.
    Internal(String),
}

pub type WebResult<T> = Result<T, WebError>;

impl WebError {
    pub fn internal(e: impl std::fmt::Display) -> WebError {
        WebError::Internal(e.to_string())
    }

    fn view(&self) -> ErrorView {
        match self {
            WebError::NotFound | WebError::Login { .. } => ErrorView::not_found(),
            WebError::Forbidden => ErrorView::forbidden(),
            WebError::Csrf => ErrorView::new(
                403,
                "Formulir tidak berlaku",
                "Formulir ini sudah kedaluwarsa atau tidak dikirim dari halaman ini. Muat ulang halaman, lalu coba lagi.",
            ),
            WebError::BadRequest(msg) => ErrorView::bad_request(msg.clone()),
            WebError::RateLimited(r) => ErrorView::too_many_requests(r.message()),
            WebError::Unavailable => ErrorView::unavailable(),
            WebError::Internal(_) => ErrorView::internal(),
        }
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::Internal(cause) => write!(f, "internal: {cause}"),
            other => write!(f, "{}", other.view().judul),
        }
    }
}

/// The error page to render (set on the bare response of a [`WebError`]).
#[derive(Debug, Clone)]
pub struct ErrorPage(pub ErrorView);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Login { next } = &self {
            let location = match next {
                Some(n) => format!(
                    "/login?berikutnya={}",
                    district_web::common::percent_encode(n)
                ),
                None => "/login".to_owned(),
            };
            return respond::redirect(&location);
        }
        match &self {
            WebError::Internal(cause) => tracing::error!(error = %cause, "page failed"),
            WebError::Unavailable => tracing::warn!("page unavailable"),
            other => tracing::debug!(error = %other, "page refused"),
        }
        let view = self.view();
        let status = StatusCode::from_u16(view.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        if let WebError::RateLimited(r) = &self
            && let Ok(v) = HeaderValue::from_str(&r.retry_after_secs().to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response.extensions_mut().insert(ErrorPage(view));
        response
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::Db(sqlx::Error::PoolTimedOut) => WebError::Unavailable,
            StoreError::UnknownSchool(_) => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<RenderError> for WebError {
    fn from(e: RenderError) -> WebError {
        match e {
            RenderError::Unauthenticated => WebError::Login { next: None },
            RenderError::Forbidden => WebError::Forbidden,
            RenderError::Template(t) => WebError::Internal(format!("template: {t:#}")),
        }
    }
}

impl From<crate::app::api_error::ApiError> for WebError {
    fn from(e: crate::app::api_error::ApiError) -> WebError {
        match e {
            crate::app::api_error::ApiError::NotFound => WebError::NotFound,
            crate::app::api_error::ApiError::Unavailable => WebError::Unavailable,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> WebError {
        WebError::Internal(format!("task: {e}"))
    }
}

/// Whether the request carries a session cookie (only to choose "Area Staf" over "Login" in
/// the navigation of an error page; nothing is trusted from it).
pub struct HasSessionCookie(bool);

impl<S: Send + Sync> FromRequestParts<S> for HasSessionCookie {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(HasSessionCookie(
            parts
                .headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|c| cookie_value(c, SESSION_COOKIE).is_some_and(|v| !v.is_empty())),
        ))
    }
}

/// Renders the [`ErrorPage`] of a failed page request (layer of [`crate::app::router::page_routes`]).
pub async fn render_error_page(
    State(state): State<AppState>,
    HasSessionCookie(masuk): HasSessionCookie,
    response: Response,
) -> Response {
    let Some(ErrorPage(view)) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let ctx = if masuk {
        PageContext::staff(placeholder_identity(), "")
    } else {
        PageContext::anonymous("")
    };
    let html = state.web.pages().error(&ctx, &view);
    let mut page = respond::html(response.status(), html, respond::Caching::NoStore);
    if let Some(v) = response.headers().get(header::RETRY_AFTER) {
        page.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    page
}

/// The identity used to render public pages for a logged-in viewer: public pages only show
/// "Area Staf" instead of "Login", never the user.
pub fn placeholder_identity() -> StaffIdentity {
    StaffIdentity {
        username: String::new(),
        nama: String::new(),
        role: district_web::auth::Role::StafDinas,
    }
}

/// `Query<T>` whose rejection is a 400 page.
pub struct WebQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for WebQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| WebQuery(q.0))
            .map_err(|e| WebError::BadRequest(format!("Parameter alamat tidak valid: {e}")))
    }
}

/// `Form<T>` whose rejection is a 400 page.
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for WebForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Form::<T>::from_request(req, state)
            .await
            .map(|f| WebForm(f.0))
            .map_err(|e| WebError::BadRequest(format!("Isian formulir tidak valid: {e}")))
    }
}

/// `Path<T>` whose rejection is a 404 page.
pub struct WebPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for WebPath<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| WebPath(p.0))
            .map_err(|_| WebError::NotFound)
    }
}
