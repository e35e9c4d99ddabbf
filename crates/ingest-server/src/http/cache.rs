//! Small in-process caches on the batch hot path (each saves a database round trip per
//! request). Both are exact for this process: enrollment evicts the school's tokens, and
//! session facts cached here never change (the session's state is checked by the store
//! inside the write transaction).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::store::Expected;

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

/// What never changes about a session.
#[derive(Debug, Clone)]
pub struct SessionFacts {
    pub npsn: String,
    pub expected: Arc<Expected>,
}

/// Session id → facts, for sessions seen open.
#[derive(Debug, Default)]
pub struct SessionCache {
    map: Mutex<HashMap<String, (SessionFacts, Instant)>>,
}

impl SessionCache {
    pub fn get(&self, session_id: &str) -> Option<SessionFacts> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(session_id)
            .map(|(f, _)| f.clone())
    }

    pub fn insert(&self, session_id: &str, facts: SessionFacts) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(session_id.to_owned(), (facts, Instant::now()));
    }

    pub fn forget(&self, session_id: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(session_id);
    }

    /// Drops entries older than `age` (sessions that long idle have expired).
    pub fn prune(&self, age: Duration) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, at)| at.elapsed() < age);
    }
}
