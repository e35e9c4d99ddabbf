//! Server calls retried with backoff and jitter while the server is unreachable or busy;
//! the progress shows the "retrying in N s" notice meanwhile.

use std::time::{Duration, Instant};

use super::Engine;
use crate::messages;
use crate::upload::{Backoff, ServerError};

impl Engine {
    /// Retries transient server errors until `max_offline` (never, by default).
    pub(super) async fn with_retry<T, F, Fut>(
        &self,
        what: &str,
        mut op: F,
    ) -> Result<T, ServerError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ServerError>>,
    {
        let mut backoff = Backoff::new(self.cfg.backoff_base, self.cfg.backoff_max);
        let started = Instant::now();
        loop {
            match op().await {
                Ok(v) => {
                    if backoff.attempts() > 0 {
                        self.update(|p| p.retry_notice = None);
                    }
                    return Ok(v);
                }
                Err(e) if e.is_transient() => {
                    let mut delay = backoff.next_delay(e.retry_after());
                    if let Some(max) = self.cfg.max_offline {
                        let spent = started.elapsed();
                        if spent >= max {
                            return Err(e);
                        }
                        delay = delay.min(max - spent + Duration::from_millis(10));
                    }
                    let secs = delay.as_secs_f64().ceil() as u64;
                    let notice = if e.is_offline() {
                        messages::retry_line(secs)
                    } else {
                        messages::busy_retry_line(secs)
                    };
                    tracing::warn!(
                        what,
                        attempt = backoff.attempts(),
                        delay_ms = delay.as_millis() as u64,
                        "{e}"
                    );
                    self.update(|p| p.retry_notice = Some(notice));
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
