//! A TCP fault proxy on 127.0.0.1 between the school helpers and the district server.
//!
//! Each accepted connection is, by a seeded draw, passed through untouched, **dropped**
//! (closed before a byte is forwarded), **stalled** (forwarding pauses for a while after a
//! random number of bytes in one direction, like a congested school link) or **cut**
//! (both sides closed after a random number of bytes in one direction, like a dropped
//! mobile connection mid-request or mid-answer). When the server is down (killed), the
//! upstream connect fails and the client's connection is closed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Shares of faulted connections (0.0–1.0 each) and the stall length.
#[derive(Debug, Clone, Copy)]
pub struct ProxyFaults {
    pub drop_rate: f64,
    pub stall_rate: f64,
    pub cut_rate: f64,
    pub stall_ms: (u64, u64),
    /// Cuts and stalls happen after 0..this many bytes in the chosen direction.
    pub max_offset: usize,
}

impl Default for ProxyFaults {
    fn default() -> Self {
        ProxyFaults {
            drop_rate: 0.04,
            stall_rate: 0.04,
            cut_rate: 0.04,
            stall_ms: (500, 4_000),
            max_offset: 256 * 1024,
        }
    }
}

/// What the proxy did.
#[derive(Debug, Default)]
pub struct ProxyStats {
    pub connections: AtomicU64,
    pub passed: AtomicU64,
    pub dropped: AtomicU64,
    pub stalled: AtomicU64,
    pub cut: AtomicU64,
    /// Connections whose upstream connect failed (server down).
    pub upstream_refused: AtomicU64,
}

/// A snapshot of [`ProxyStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyCounts {
    pub connections: u64,
    pub passed: u64,
    pub dropped: u64,
    pub stalled: u64,
    pub cut: u64,
    pub upstream_refused: u64,
}

impl ProxyStats {
    pub fn snapshot(&self) -> ProxyCounts {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ProxyCounts {
            connections: g(&self.connections),
            passed: g(&self.passed),
            dropped: g(&self.dropped),
            stalled: g(&self.stalled),
            cut: g(&self.cut),
            upstream_refused: g(&self.upstream_refused),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Plan {
    Pass,
    Drop,
    Stall {
        upstream: bool,
        after: usize,
        ms: u64,
    },
    Cut {
        upstream: bool,
        after: usize,
    },
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    pub stats: Arc<ProxyStats>,
    enabled: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(
        target: SocketAddr,
        faults: ProxyFaults,
        seed: u64,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(ProxyStats::default());
        let enabled = Arc::new(AtomicBool::new(true));
        let rng = Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(seed)));
        let (st, en) = (stats.clone(), enabled.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                st.connections.fetch_add(1, Ordering::Relaxed);
                let plan = if en.load(Ordering::Relaxed) {
                    draw(&mut rng.lock().expect("rng"), &faults)
                } else {
                    Plan::Pass
                };
                tokio::spawn(serve(client, target, plan, st.clone()));
            }
        });
        Ok(FaultProxy {
            addr,
            stats,
            enabled,
            task,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Turns the faults off (every connection passes) or on again.
    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn draw(rng: &mut ChaCha8Rng, f: &ProxyFaults) -> Plan {
    let x: f64 = rng.r#gen();
    let upstream = rng.gen_bool(0.5);
    let after = rng.gen_range(0..f.max_offset.max(1));
    if x < f.drop_rate {
        Plan::Drop
    } else if x < f.drop_rate + f.stall_rate {
        Plan::Stall {
            upstream,
            after,
            ms: rng.gen_range(f.stall_ms.0..=f.stall_ms.1.max(f.stall_ms.0)),
        }
    } else if x < f.drop_rate + f.stall_rate + f.cut_rate {
        Plan::Cut { upstream, after }
    } else {
        Plan::Pass
    }
}

async fn serve(client: TcpStream, target: SocketAddr, plan: Plan, stats: Arc<ProxyStats>) {
    if let Plan::Drop = plan {
        stats.dropped.fetch_add(1, Ordering::Relaxed);
        drop(client);
        return;
    }
    let Ok(Ok(server)) =
        tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(target)).await
    else {
        stats.upstream_refused.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    let (up, down) = match plan {
        Plan::Stall {
            upstream,
            after,
            ms,
            ..
        } => {
            stats.stalled.fetch_add(1, Ordering::Relaxed);
            let s = Fault::Stall(after, Duration::from_millis(ms));
            if upstream {
                (s, Fault::None)
            } else {
                (Fault::None, s)
            }
        }
        Plan::Cut { upstream, after } => {
            stats.cut.fetch_add(1, Ordering::Relaxed);
            if upstream {
                (Fault::Cut(after), Fault::None)
            } else {
                (Fault::None, Fault::Cut(after))
            }
        }
        _ => {
            stats.passed.fetch_add(1, Ordering::Relaxed);
            (Fault::None, Fault::None)
        }
    };
    // Whichever direction ends (EOF, error or cut) closes the whole connection.
    tokio::select! {
        _ = pump(cr, sw, up) => {}
        _ = pump(sr, cw, down) => {}
    }
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    Stall(usize, Duration),
    Cut(usize),
}

async fn pump(
    mut r: tokio::net::tcp::OwnedReadHalf,
    mut w: tokio::net::tcp::OwnedWriteHalf,
    mut fault: Fault,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        match fault {
            Fault::Cut(at) if sent + chunk.len() > at => {
                let keep = at.saturating_sub(sent);
                let _ = w.write_all(&chunk[..keep]).await;
                return;
            }
            Fault::Stall(at, pause) if sent + chunk.len() > at => {
                let keep = at.saturating_sub(sent);
                if w.write_all(&chunk[..keep]).await.is_err() {
                    return;
                }
                sent += keep;
                chunk = &chunk[keep..];
                tokio::time::sleep(pause).await;
                fault = Fault::None;
            }
            _ => {}
        }
        if w.write_all(chunk).await.is_err() {
            return;
        }
        sent += chunk.len();
    }
}
