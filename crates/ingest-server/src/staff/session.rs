//! Staff sessions: the cookie → session lookup (idle and absolute expiry), the extractors
//! of public ([`Viewer`]) and staff ([`RequireStaff`]) pages and the CSRF check of forms.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use district_web::auth::{
    Permission, Role, SESSION_COOKIE, SESSION_IDLE_TIMEOUT, cookie_value, session_token_hash,
};
use district_web::{PageContext, StaffIdentity};

use crate::app::AppState;
use crate::app::page_error::{WebError, WebResult};
use crate::app::time::now_ms;

/// Sessions are marked as seen at most this often (one write per minute per session).
const TOUCH_EVERY_MS: i64 = 60_000;

/// A logged-in staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: String,
    pub identity: StaffIdentity,
    /// The session cookie's token (keys the CSRF token).
    pub token: String,
    pub csrf_token: String,
}

impl Staff {
    pub fn role(&self) -> &Role {
        &self.identity.role
    }

    pub fn username(&self) -> &str {
        &self.identity.username
    }

    /// The page context of a staff page.
    pub fn ctx(&self) -> PageContext {
        PageContext::staff(self.identity.clone(), self.csrf_token.clone())
    }

    /// `Forbidden` unless the role allows `permission`.
    pub fn require(&self, permission: Permission<'_>) -> WebResult<()> {
        if self.role().allows(permission) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// Checks the CSRF token of a submitted form.
    pub fn check_csrf(&self, state: &AppState, submitted: &str) -> WebResult<()> {
        if state.web.csrf().verify(&self.token, submitted) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// The value of a cookie in the request.
pub fn request_cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| cookie_value(c, name))
        .filter(|v| !v.is_empty())
}

/// Looks up the session of a cookie token; `None` when unknown, expired, idle too long or
/// the account is inactive.
pub async fn lookup(state: &AppState, token: &str) -> WebResult<Option<Staff>> {
    let hash = session_token_hash(token);
    let db = state.web.db();
    let Some(s) = db.lookup_session(&hash).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let idle_ms = SESSION_IDLE_TIMEOUT.as_millis() as i64;
    if now >= s.expires_at_ms || now - s.last_seen_ms >= idle_ms {
        db.delete_session(&hash).await?;
        return Ok(None);
    }
    let Some(role) = Role::from_parts(&s.peran, s.kode_kecamatan.as_deref()) else {
        return Ok(None);
    };
    if now - s.last_seen_ms >= TOUCH_EVERY_MS {
        db.touch_session(&hash, now).await?;
    }
    Ok(Some(Staff {
        id: s.staff_id,
        identity: StaffIdentity {
            username: s.username,
            nama: s.nama,
            role,
        },
        csrf_token: state.web.csrf().token_for(token),
        token: token.to_owned(),
    }))
}

/// Who looks at a public page (a lookup only when a session cookie is sent).
pub struct Viewer(pub Option<Staff>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = request_cookie(parts, SESSION_COOKIE) else {
            return Ok(Viewer(None));
        };
        match lookup(state, token).await {
            Ok(s) => Ok(Viewer(s)),
            Err(e) => {
                // A public page does not depend on the session: show it anonymously.
                tracing::warn!(error = %e, "session lookup failed");
                Ok(Viewer(None))
            }
        }
    }
}

/// A staff page: the logged-in staff member, else a redirect to the login page (which
/// returns to this page for a GET).
pub struct RequireStaff(pub Staff);

impl FromRequestParts<AppState> for RequireStaff {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = (parts.method == Method::GET)
            .then(|| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
            .flatten();
        let Some(token) = request_cookie(parts, SESSION_COOKIE) else {
            return Err(WebError::Login { next });
        };
        match lookup(state, token).await? {
            Some(s) => Ok(RequireStaff(s)),
            None => Err(WebError::Login { next }),
        }
    }
}

/// The client address as the audit log records it.
pub fn ip_text(ip: IpAddr) -> String {
    ip.to_string()
}
