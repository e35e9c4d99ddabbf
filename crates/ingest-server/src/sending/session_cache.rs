//! Session facts cached in process for the batch hot path: they never change (the
//! session's state is checked by the storage inside the write transaction).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::storage::Expected;

/// Entries kept at most (a full cache is simply cleared).
const MAX_ENTRIES: usize = 50_000;

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
