//! The login rate limiter (in memory): a sliding window of failed attempts per client address and
//! per username. The server holds one [`LoginRateLimiter`] (it is `Sync`) for its lifetime.
//!
//! Flow of a login POST:
//! 1. [`LoginRateLimiter::check`] → `Err(RateLimited)` ⇒ answer 429 with `Retry-After` and
//!    do not verify the password at all;
//! 2. verify the password;
//! 3. failure ⇒ [`LoginRateLimiter::record_failure`]; success ⇒
//!    [`LoginRateLimiter::record_success`] (clears the username's failures).
//!
//! IPv6 clients are counted per /64 (one household or host usually owns a whole /64).
//! Locking a username for a window is a deliberate trade-off: it stops password guessing at
//! the price of a temporary lock-out an attacker could provoke; the window is short.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use district_web::staff::RateLimited;

/// Limits; see [`RateLimitConfig::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Failed attempts allowed per client address within `window`.
    pub max_per_ip: usize,
    /// Failed attempts allowed per username within `window`.
    pub max_per_username: usize,
    pub window: Duration,
    /// Upper bound of tracked keys per map (memory bound); expired entries are pruned first,
    /// then the keys with the oldest activity are dropped.
    pub max_keys: usize,
}

impl Default for RateLimitConfig {
    /// 20 failures per address and 5 per username in 15 minutes; 10,000 keys.
    fn default() -> Self {
        RateLimitConfig {
            max_per_ip: 20,
            max_per_username: 5,
            window: Duration::from_secs(15 * 60),
            max_keys: 10_000,
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    by_ip: HashMap<IpKey, VecDeque<Instant>>,
    by_user: HashMap<String, VecDeque<Instant>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum IpKey {
    V4([u8; 4]),
    V6Prefix([u8; 8]),
}

fn ip_key(ip: IpAddr) -> IpKey {
    match ip {
        IpAddr::V4(v4) => IpKey::V4(v4.octets()),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpKey::V4(v4.octets()),
            None => {
                let o = v6.octets();
                let mut p = [0u8; 8];
                p.copy_from_slice(&o[..8]);
                IpKey::V6Prefix(p)
            }
        },
    }
}

fn user_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct LoginRateLimiter {
    config: RateLimitConfig,
    inner: Mutex<Inner>,
}

impl LoginRateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        LoginRateLimiter {
            config,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn config(&self) -> RateLimitConfig {
        self.config
    }

    /// May this address try to log in as `username` now?
    pub fn check(&self, ip: IpAddr, username: &str) -> Result<(), RateLimited> {
        self.check_at(ip, username, Instant::now())
    }

    /// [`Self::check`] at a given instant (for tests).
    pub fn check_at(&self, ip: IpAddr, username: &str, now: Instant) -> Result<(), RateLimited> {
        let mut inner = self.lock();
        let window = self.config.window;
        let mut wait = Duration::ZERO;
        if let Some(q) = inner.by_ip.get_mut(&ip_key(ip)) {
            wait = wait.max(blocked_for(q, now, window, self.config.max_per_ip));
        }
        if let Some(q) = inner.by_user.get_mut(&user_key(username)) {
            wait = wait.max(blocked_for(q, now, window, self.config.max_per_username));
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(RateLimited { retry_after: wait })
        }
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, ip: IpAddr, username: &str) {
        self.record_failure_at(ip, username, Instant::now());
    }

    /// [`Self::record_failure`] at a given instant (for tests).
    pub fn record_failure_at(&self, ip: IpAddr, username: &str, now: Instant) {
        let mut inner = self.lock();
        let cfg = self.config;
        push(&mut inner.by_ip, ip_key(ip), now, cfg);
        push(&mut inner.by_user, user_key(username), now, cfg);
    }

    /// A successful login clears the username's failures (the address keeps its count, so
    /// one valid account cannot be used to reset guessing against others).
    pub fn record_success(&self, _ip: IpAddr, username: &str) {
        self.lock().by_user.remove(&user_key(username));
    }

    /// Drops every expired entry (call now and then, e.g. from a periodic task).
    pub fn prune(&self, now: Instant) {
        let window = self.config.window;
        let mut inner = self.lock();
        prune_map(&mut inner.by_ip, now, window);
        prune_map(&mut inner.by_user, now, window);
    }

    /// Number of tracked (address, username) keys.
    pub fn tracked_keys(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.by_ip.len(), inner.by_user.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a harmful way.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn expire(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while let Some(&front) = q.front() {
        if now.saturating_duration_since(front) >= window {
            q.pop_front();
        } else {
            break;
        }
    }
}

fn blocked_for(q: &mut VecDeque<Instant>, now: Instant, window: Duration, max: usize) -> Duration {
    expire(q, now, window);
    if q.len() < max {
        return Duration::ZERO;
    }
    // Allowed again when enough old failures leave the window: the (len - max + 1)-th oldest.
    let idx = q.len() - max;
    let t = q[idx];
    (t + window).saturating_duration_since(now)
}

fn push<K: std::hash::Hash + Eq + Clone>(
    map: &mut HashMap<K, VecDeque<Instant>>,
    key: K,
    now: Instant,
    cfg: RateLimitConfig,
) {
    if !map.contains_key(&key) && map.len() >= cfg.max_keys {
        prune_map(map, now, cfg.window);
        if map.len() >= cfg.max_keys {
            // Still full: forget the key whose latest failure is oldest.
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, q)| q.back().copied())
                .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
    }
    let q = map.entry(key).or_default();
    expire(q, now, cfg.window);
    q.push_back(now);
    // Never keep more than needed to decide (bounded memory per key).
    let cap = cfg.max_per_ip.max(cfg.max_per_username).max(1);
    while q.len() > cap {
        q.pop_front();
    }
}

fn prune_map<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, VecDeque<Instant>>,
    now: Instant,
    window: Duration,
) {
    map.retain(|_, q| {
        expire(q, now, window);
        !q.is_empty()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> RateLimitConfig {
        RateLimitConfig {
            max_per_ip: 4,
            max_per_username: 3,
            window: Duration::from_secs(60),
            max_keys: 3,
        }
    }

    #[test]
    fn username_is_limited_in_a_sliding_window() {
        let rl = LoginRateLimiter::new(cfg());
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(
                rl.check_at(ip, "Admin", t0 + Duration::from_secs(i))
                    .is_ok()
            );
            rl.record_failure_at(ip, "admin ", t0 + Duration::from_secs(i));
        }
        let err = rl
            .check_at(ip, "admin", t0 + Duration::from_secs(10))
            .unwrap_err();
        // The first failure (t0) leaves the window at t0+60.
        assert_eq!(err.retry_after, Duration::from_secs(50));
        assert_eq!(err.retry_after_secs(), 50);
        assert!(err.message().contains("1 menit") || err.message().contains("detik"));
        assert!(
            rl.check_at(ip, "admin", t0 + Duration::from_secs(60))
                .is_ok()
        );
        // Another user from the same address is still allowed (address limit is 4).
        assert!(
            rl.check_at(ip, "budi", t0 + Duration::from_secs(10))
                .is_ok()
        );
    }

    #[test]
    fn address_limit_applies_across_usernames_and_ipv6_per_64() {
        let rl = LoginRateLimiter::new(cfg());
        let t0 = Instant::now();
        for (i, user) in ["a", "b", "c", "d"].iter().enumerate() {
            let ip: IpAddr = format!("2001:db8:1:2::{}", i + 1).parse().unwrap();
            rl.record_failure_at(ip, user, t0);
        }
        let other_host_same_64: IpAddr = "2001:db8:1:2::ff".parse().unwrap();
        assert!(rl.check_at(other_host_same_64, "e", t0).is_err());
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(rl.check_at(other_64, "e", t0).is_ok());
    }

    #[test]
    fn success_clears_username_and_memory_is_bounded() {
        let rl = LoginRateLimiter::new(cfg());
        let ip: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            rl.record_failure_at(ip, "siti", t0);
        }
        assert!(rl.check_at(ip, "siti", t0).is_err());
        rl.record_success(ip, "siti");
        assert!(rl.check_at(ip, "siti", t0).is_ok());
        for i in 0..10u8 {
            rl.record_failure_at(
                IpAddr::from([10, 1, 0, i]),
                &format!("u{i}"),
                t0 + Duration::from_secs(u64::from(i)),
            );
        }
        let (ips, users) = rl.tracked_keys();
        assert!(ips <= 3 && users <= 3, "{ips} {users}");
        rl.prune(t0 + Duration::from_secs(1000));
        assert_eq!(rl.tracked_keys(), (0, 0));
    }
}
