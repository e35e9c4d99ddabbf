//! Exponential backoff with full jitter, honouring `Retry-After`.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Backoff {
            base,
            max,
            attempt: 0,
        }
    }

    /// The default for server calls: 1 s doubling up to 60 s.
    pub fn server() -> Self {
        Backoff::new(Duration::from_secs(1), Duration::from_secs(60))
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Ceiling of the next wait: `base · 2^attempt`, capped at `max`.
    fn ceiling(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt.min(20));
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The next wait: uniformly in [ceiling/2, ceiling] (jitter spreads out many schools
    /// coming back online at once), but never shorter than the server's `Retry-After`.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let low = ceiling / 2;
        let span = ceiling.saturating_sub(low);
        let jittered = low + span.mul_f64(rand::thread_rng().r#gen::<f64>());
        match retry_after {
            Some(ra) => jittered.max(ra.min(Duration::from_secs(3600))),
            None => jittered,
        }
    }
}

/// Parses a `Retry-After` header given in seconds (the HTTP-date form is ignored).
pub fn parse_retry_after(value: Option<&reqwest::header::HeaderValue>) -> Option<Duration> {
    value?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_with_jitter_and_caps() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut prev_ceiling = Duration::ZERO;
        for i in 0..10 {
            let ceiling = b.ceiling();
            assert!(ceiling >= prev_ceiling);
            let d = b.next_delay(None);
            assert!(
                d >= ceiling / 2 && d <= ceiling,
                "attempt {i}: {d:?} not in [{:?}, {ceiling:?}]",
                ceiling / 2
            );
            prev_ceiling = ceiling;
        }
        assert_eq!(b.ceiling(), Duration::from_secs(2));
        assert_eq!(b.attempts(), 10);
        b.reset();
        assert!(b.next_delay(None) <= Duration::from_millis(100));
    }

    #[test]
    fn retry_after_is_a_floor() {
        let mut b = Backoff::new(Duration::from_millis(10), Duration::from_millis(20));
        assert!(b.next_delay(Some(Duration::from_secs(7))) >= Duration::from_secs(7));
        let v = reqwest::header::HeaderValue::from_static("12");
        assert_eq!(parse_retry_after(Some(&v)), Some(Duration::from_secs(12)));
        let d = reqwest::header::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(parse_retry_after(Some(&d)), None);
    }

    #[test]
    fn jitter_differs_between_clients() {
        let delays: std::collections::BTreeSet<_> = (0..20)
            .map(|_| {
                let mut b = Backoff::new(Duration::from_secs(8), Duration::from_secs(60));
                b.next_delay(None)
            })
            .collect();
        assert!(delays.len() > 10);
    }
}
