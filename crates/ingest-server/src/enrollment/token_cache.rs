//! Active school tokens cached in process (saves a database round trip per batch);
//! enrollment evicts the school's tokens, so the cache is exact for this process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most (a full cache is simply cleared).
const MAX_ENTRIES: usize = 50_000;

/// Active school tokens: token hash → NPSN.
#[derive(Debug)]
pub struct TokenCache {
    ttl: Duration,
    map: Mutex<HashMap<String, (String, Instant)>>,
}

impl TokenCache {
    /// `ttl` bounds how long a revocation made by *another* process may go unnoticed.
    pub fn new(ttl: Duration) -> TokenCache {
        TokenCache {
            ttl,
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, token_hash: &str) -> Option<String> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(token_hash)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(npsn, _)| npsn.clone())
    }

    pub fn insert(&self, token_hash: &str, npsn: &str) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(token_hash.to_owned(), (npsn.to_owned(), Instant::now()));
    }

    /// Forgets every token of a school (called when it enrolls again).
    pub fn forget_school(&self, npsn: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (n, _)| n != npsn);
    }

    pub fn prune(&self) {
        let ttl = self.ttl;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, at)| at.elapsed() < ttl);
    }
}
