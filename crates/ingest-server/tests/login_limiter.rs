//! The login rate limiter across threads (moved here from district-web with the limiter).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ingest_server::staff::login_limiter::{LoginRateLimiter, RateLimitConfig};

#[test]
fn rate_limiter_is_shared_between_threads() {
    let cfg = RateLimitConfig {
        max_per_ip: 100,
        max_per_username: 5,
        window: Duration::from_secs(900),
        max_keys: 1000,
    };
    let rl = Arc::new(LoginRateLimiter::new(cfg));
    let ip: IpAddr = "192.168.1.10".parse().unwrap();
    let threads: Vec<_> = (0..5)
        .map(|_| {
            let rl = rl.clone();
            std::thread::spawn(move || rl.record_failure(ip, "operator"))
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let err = rl.check(ip, "OPERATOR").unwrap_err();
    assert!(err.retry_after > Duration::from_secs(890));
    assert!(err.message().contains("menit"));
    assert!(rl.check(ip, "lainnya").is_ok());
    rl.prune(Instant::now() + Duration::from_secs(901));
    assert!(rl.check(ip, "operator").is_ok());
}
