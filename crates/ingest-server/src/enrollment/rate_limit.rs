//! In-process rate limits: failed enrollments per client address and per NPSN (fixed
//! window), and requests per school token (token bucket). One server process holds the
//! state; limits are generous by default so 64 concurrent senders are never throttled.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::app::config::RateLimitConfig;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Rate limiter state of one server.
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    failures: Mutex<HashMap<String, Window>>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

fn ip_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

fn npsn_key(npsn: &str) -> String {
    format!("npsn:{npsn}")
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> RateLimiter {
        RateLimiter {
            config,
            failures: Mutex::new(HashMap::new()),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn window(&self) -> Duration {
        Duration::from_secs(self.config.enroll_failure_window_secs.max(1))
    }

    /// `Some(wait)` when the address or the NPSN used up its failed attempts.
    pub fn enroll_blocked(&self, ip: IpAddr, npsn: &str) -> Option<Duration> {
        let now = Instant::now();
        let window = self.window();
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        [
            (ip_key(ip), self.config.enroll_max_failures_per_ip),
            (npsn_key(npsn), self.config.enroll_max_failures_per_npsn),
        ]
        .into_iter()
        .filter_map(|(key, max)| {
            let w = map.get(&key)?;
            let age = now.duration_since(w.started);
            (age < window && w.failures >= max).then(|| window - age)
        })
        .max()
    }

    /// Counts a failed enrollment against the address and the NPSN.
    pub fn record_enroll_failure(&self, ip: IpAddr, npsn: &str) {
        let now = Instant::now();
        let window = self.window();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in [ip_key(ip), npsn_key(npsn)] {
            let w = map.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now.duration_since(w.started) >= window {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    /// Takes one request from the token's bucket; `Err(wait)` when it is empty.
    pub fn check_token(&self, token_hash: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let rate = self.config.token_rate_per_sec.max(f64::MIN_POSITIVE);
        let burst = f64::from(self.config.token_burst.max(1));
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let b = map.entry(token_hash.to_owned()).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.updated).as_secs_f64() * rate).min(burst);
        b.updated = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / rate))
        }
    }

    /// Drops state that no longer limits anything (called by the sweeper).
    pub fn prune(&self) {
        let now = Instant::now();
        let window = self.window();
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, w| now.duration_since(w.started) < window);
        let rate = self.config.token_rate_per_sec.max(f64::MIN_POSITIVE);
        let burst = f64::from(self.config.token_burst.max(1));
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < burst);
    }
}

/// Whole seconds for `Retry-After` (at least 1).
pub fn retry_after_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrollment_failures_block_per_ip_and_npsn() {
        let rl = RateLimiter::new(RateLimitConfig {
            enroll_max_failures_per_ip: 3,
            enroll_max_failures_per_npsn: 2,
            ..Default::default()
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(rl.enroll_blocked(a, "1").is_none());
        rl.record_enroll_failure(a, "1");
        rl.record_enroll_failure(b, "1");
        assert!(rl.enroll_blocked(a, "2").is_none(), "a has 1 failure");
        assert!(rl.enroll_blocked(a, "1").is_some(), "npsn 1 has 2 failures");
        rl.record_enroll_failure(a, "2");
        rl.record_enroll_failure(a, "3");
        assert!(rl.enroll_blocked(a, "4").is_some(), "a has 3 failures");
        assert!(rl.enroll_blocked(b, "4").is_none());
    }

    #[test]
    fn token_bucket() {
        let rl = RateLimiter::new(RateLimitConfig {
            token_rate_per_sec: 1.0,
            token_burst: 3,
            ..Default::default()
        });
        for _ in 0..3 {
            assert!(rl.check_token("t").is_ok());
        }
        let wait = rl.check_token("t").unwrap_err();
        assert!(wait <= Duration::from_secs(1));
        assert_eq!(retry_after_secs(wait), 1);
        assert!(rl.check_token("u").is_ok(), "buckets are per token");
    }
}
