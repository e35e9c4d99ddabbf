//! Fault switches, settable at start (CLI / `spawn_with`) and at runtime
//! (`/__sim/faults` or [`FaultHandle`]). Decisions are counter-based, so a
//! test sees the same sequence every run.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

/// Which error bodies get a raw `HTTP/1.0 403 Forbidden` preamble.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreambleScope {
    #[default]
    Off,
    /// Only "Data … tidak ditemukan" bodies (as reported from the field).
    EmptyData,
    /// Every `{"success":false,…}` body.
    All,
}

/// The fault configuration. All fields are optional in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Delay before answering a Web Service request.
    pub latency_ms: u64,
    /// Send only this many bytes of the body (at most all but one), then
    /// abort the connection.
    pub cut_body_after: Option<usize>,
    /// Share of requests answered with a server error (0.0 – 1.0; 1.0 = always).
    pub server_error_rate: f64,
    /// Status of those answers (500, 502, 503…; 200 emulates PHP
    /// `display_errors=On`, an HTML error page with status 200).
    pub server_error_status: u16,
    pub error_preamble: PreambleScope,
    /// Pretend the install has no active semester.
    pub semester_inactive: bool,
    /// Registered IP per NPSN (the token's school), e.g. to provoke "IP berbeda".
    pub ip_override: BTreeMap<String, String>,
    /// If set, the switches above (except `ip_override`) only affect requests
    /// for these NPSNs (the `npsn` parameter or the token's school).
    pub only_npsn: Option<BTreeSet<String>>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            cut_body_after: None,
            server_error_rate: 0.0,
            server_error_status: 500,
            error_preamble: PreambleScope::Off,
            semester_inactive: false,
            ip_override: BTreeMap::new(),
            only_npsn: None,
        }
    }
}

impl Faults {
    /// Whether the scoped switches apply to a request touching `npsns`.
    pub fn applies_to<'a>(&self, mut npsns: impl Iterator<Item = &'a str>) -> bool {
        match &self.only_npsn {
            None => true,
            Some(set) => npsns.any(|n| set.contains(n)),
        }
    }
}

/// Shared, mutable fault state of a running simulator.
#[derive(Debug, Clone, Default)]
pub struct FaultHandle {
    inner: Arc<RwLock<Faults>>,
    counter: Arc<AtomicU64>,
}

impl FaultHandle {
    pub fn new(faults: Faults) -> Self {
        Self {
            inner: Arc::new(RwLock::new(faults)),
            counter: Arc::default(),
        }
    }

    /// Current configuration.
    pub fn get(&self) -> Faults {
        self.inner.read().map(|f| f.clone()).unwrap_or_default()
    }

    /// Replaces the configuration and restarts the server-error sequence.
    pub fn set(&self, faults: Faults) {
        if let Ok(mut f) = self.inner.write() {
            *f = faults;
        }
        self.counter.store(0, Ordering::SeqCst);
    }

    /// Edits the configuration in place.
    pub fn update(&self, edit: impl FnOnce(&mut Faults)) {
        let mut f = self.get();
        edit(&mut f);
        self.set(f);
    }

    /// Clears all faults.
    pub fn reset(&self) {
        self.set(Faults::default());
    }

    /// Deterministic rate: the n-th in-scope request fails iff
    /// ⌊(n+1)·rate⌋ > ⌊n·rate⌋ (rate 0.5 fails every second request).
    pub fn should_fail(&self, rate: f64) -> bool {
        if rate <= 0.0 {
            return false;
        }
        if rate >= 1.0 {
            return true;
        }
        let n = self.counter.fetch_add(1, Ordering::SeqCst) as f64;
        ((n + 1.0) * rate).floor() > (n * rate).floor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_deterministic() {
        let h = FaultHandle::default();
        let seq: Vec<bool> = (0..6).map(|_| h.should_fail(0.5)).collect();
        assert_eq!(seq, [false, true, false, true, false, true]);
        let third: usize = (0..9).filter(|_| h.should_fail(1.0 / 3.0)).count();
        assert_eq!(third, 3);
    }

    #[test]
    fn json_defaults() {
        let f: Faults = serde_json::from_str(r#"{"latency_ms": 5}"#).unwrap();
        assert_eq!(f.latency_ms, 5);
        assert_eq!(f.server_error_status, 500);
        assert!(serde_json::from_str::<Faults>(r#"{"nope": 1}"#).is_err());
    }
}
