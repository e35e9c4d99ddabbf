//! `Authorization: Bearer <school token>` → the authenticated school.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::app::api_error::ApiError;
use crate::enrollment::rate_limit::retry_after_secs;
use crate::enrollment::secret::token_hash;
use crate::storage::TokenLookup;

/// A request made with a valid, current school token.
#[derive(Debug, Clone)]
pub struct AuthSchool {
    pub npsn: String,
    pub token_hash: String,
}

impl AuthSchool {
    /// The token may act only for its own NPSN.
    pub fn require_npsn(&self, npsn: &str) -> Result<(), ApiError> {
        if self.npsn == npsn {
            Ok(())
        } else {
            Err(ApiError::ForbiddenNpsn)
        }
    }
}

/// The token of an `Authorization` header value (`Bearer <token>`, scheme case-insensitive).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 512)
        .then_some(token)
}

impl FromRequestParts<AppState> for AuthSchool {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .ok_or(ApiError::Unauthorized)?;
        let hash = token_hash(token);
        let lookup = match state.token_cache.get(&hash) {
            Some(npsn) => TokenLookup::Active { npsn },
            None => state.store.lookup_token(&hash).await?,
        };
        match lookup {
            TokenLookup::Unknown => Err(ApiError::Unauthorized),
            TokenLookup::Revoked { .. } => Err(ApiError::TokenRevoked),
            TokenLookup::Active { npsn } => {
                state.token_cache.insert(&hash, &npsn);
                state
                    .limiter
                    .check_token(&hash)
                    .map_err(|wait| ApiError::RateLimited {
                        retry_after_secs: retry_after_secs(wait),
                    })?;
                Ok(AuthSchool {
                    npsn,
                    token_hash: hash,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc"), None);
    }
}
