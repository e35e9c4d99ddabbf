//! Stage 1, pull: the five Web Service endpoints one at a time, in `Endpoint::ALL` order.
//!
//! getSekolah proves the token belongs to the NPSN entered, getPengguna that the username
//! is one of the school's users (its password hashes are dropped while parsing and never
//! stored). Which kinds each endpoint yields is shared-model's `Endpoint::kinds`.

use std::time::Instant;

use shared_model::DataKind;
use shared_model::flatten::DapodikSnapshot;
use shared_model::webservice::{Endpoint, Pengguna, Sekolah};

use super::{Engine, KindState, Phase, SendRequest};
use crate::dapodik::{self, DapodikClient};
use crate::failure::{Failure, FailureKind};
use crate::messages;
use crate::secrets::SecretKey;
use crate::validate;

/// What the five endpoints gave for one school (getPengguna only checked).
pub(super) struct PulledSchool {
    pub snapshot: DapodikSnapshot,
    /// Bytes of the five answers, as Dapodik sent them.
    pub raw_bytes: u64,
}

impl Engine {
    /// The remembered Dapodik token for a school, if any.
    pub fn saved_dapodik_token(&self, npsn: &str) -> Option<String> {
        match self.secrets.get(&SecretKey::dapodik(npsn)) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("token Dapodik tersimpan tidak terbaca: {e}");
                None
            }
        }
    }

    /// Pulls every endpoint, publishing each one's kinds as it goes, then remembers the
    /// token (if asked) and the identity for the next start.
    pub(super) async fn pull(
        &self,
        req: &SendRequest,
        npsn: &str,
    ) -> Result<PulledSchool, Failure> {
        let token = self.dapodik_token(req, npsn)?;
        crate::logging::register_secret(&token);
        self.update(|p| p.phase = Phase::Pulling);
        let client = DapodikClient::new(&self.cfg.dapodik_url, &token, self.cfg.dapodik_timeout)
            .map_err(|e| dapodik::to_failure(&e))?;
        let started = Instant::now();
        let mut pulled = PulledSchool {
            snapshot: DapodikSnapshot::default(),
            raw_bytes: 0,
        };
        for endpoint in Endpoint::ALL {
            let kinds = endpoint.kinds();
            if !kinds.is_empty() {
                self.set_kinds_state(kinds, KindState::Pulling);
            }
            pulled.raw_bytes += fetch(&client, endpoint, req, npsn, &mut pulled.snapshot).await?;
            self.pulled(kinds, &pulled.snapshot);
        }
        tracing::info!(
            npsn,
            raw_bytes = pulled.raw_bytes,
            elapsed_ms = started.elapsed().as_millis() as u64,
            rss_kib = crate::memory::current_rss_kib(),
            peak_rss_kib = crate::memory::peak_rss_kib(),
            "data Dapodik ditarik"
        );
        self.remember(req, npsn, &token);
        Ok(pulled)
    }

    /// The token typed in, else the one stored for this NPSN.
    fn dapodik_token(&self, req: &SendRequest, npsn: &str) -> Result<String, Failure> {
        let token = match req
            .dapodik_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => t.to_owned(),
            None => self.saved_dapodik_token(npsn).ok_or_else(|| {
                Failure::with_detail(FailureKind::InvalidInput, messages::TOKEN_EMPTY)
            })?,
        };
        match validate::check_token(&token) {
            Some(msg) => Err(Failure::with_detail(FailureKind::InvalidInput, msg)),
            None => Ok(token),
        }
    }

    /// After a good pull: the token (when asked) and NPSN + username for the next start.
    fn remember(&self, req: &SendRequest, npsn: &str, token: &str) {
        if req.remember_token
            && let Err(e) = self.secrets.set(&SecretKey::dapodik(npsn), token)
        {
            tracing::warn!("token Dapodik tidak tersimpan: {e}");
        }
        if let Err(e) = crate::config::remember_identity(
            &self.cfg.data_dir.config_path(),
            npsn,
            req.username_ops.trim(),
        ) {
            tracing::warn!("config.toml tidak tersimpan: {e}");
        }
    }

    fn set_kinds_state(&self, kinds: &[DataKind], state: KindState) {
        self.update(|p| {
            for k in kinds {
                p.kind_mut(*k).state = state;
            }
        });
    }

    /// One more endpoint done: its kinds with the rows it gave.
    fn pulled(&self, kinds: &[DataKind], snapshot: &DapodikSnapshot) {
        self.update(|p| {
            p.endpoints_done = p.endpoints_done.saturating_add(1);
            for k in kinds {
                let kp = p.kind_mut(*k);
                kp.rows = snapshot.pulled_rows(*k);
                kp.state = KindState::Pulled;
            }
        });
    }
}

/// Reads one endpoint into the snapshot (getSekolah and getPengguna checked first);
/// returns the bytes Dapodik sent.
async fn fetch(
    client: &DapodikClient,
    endpoint: Endpoint,
    req: &SendRequest,
    npsn: &str,
    snapshot: &mut DapodikSnapshot,
) -> Result<u64, Failure> {
    match endpoint {
        Endpoint::Sekolah => {
            let answer = client
                .sekolah(npsn)
                .await
                .map_err(|e| dapodik::to_failure(&e))?;
            check_school(&answer.rows, npsn)?;
            snapshot.sekolah = answer.rows;
            Ok(answer.raw_bytes)
        }
        Endpoint::PesertaDidik => {
            list_into(client, endpoint, npsn, &mut snapshot.peserta_didik).await
        }
        Endpoint::Gtk => list_into(client, endpoint, npsn, &mut snapshot.gtk).await,
        Endpoint::RombonganBelajar => list_into(client, endpoint, npsn, &mut snapshot.rombel).await,
        Endpoint::Pengguna => {
            let mut users = Vec::<Pengguna>::new();
            let raw_bytes = list_into(client, endpoint, npsn, &mut users).await?;
            check_username(&users, &req.username_ops)?;
            Ok(raw_bytes)
        }
    }
}

/// A list endpoint's rows into their place in the snapshot; returns the bytes sent.
async fn list_into<T: serde::de::DeserializeOwned>(
    client: &DapodikClient,
    endpoint: Endpoint,
    npsn: &str,
    rows: &mut Vec<T>,
) -> Result<u64, Failure> {
    let answer = client
        .list(endpoint, npsn)
        .await
        .map_err(|e| dapodik::to_failure(&e))?;
    *rows = answer.rows;
    Ok(answer.raw_bytes)
}

/// The token's school must be the NPSN entered (an empty NPSN in the answer passes).
fn check_school(sekolah: &Sekolah, npsn: &str) -> Result<(), Failure> {
    match sekolah.npsn.as_deref().map(str::trim) {
        Some(found) if !found.is_empty() && found != npsn => Err(Failure::with_detail(
            FailureKind::DapodikNpsnMismatch,
            format!("NPSN pada token: {found}"),
        )),
        _ => Ok(()),
    }
}

/// The username must be one of the school's Dapodik users (case and spaces ignored).
fn check_username(users: &[Pengguna], username: &str) -> Result<(), Failure> {
    let wanted = username.trim().to_lowercase();
    let known = users.iter().any(|u| {
        u.username
            .as_deref()
            .is_some_and(|n| n.trim().to_lowercase() == wanted)
    });
    if known {
        return Ok(());
    }
    Err(Failure::with_detail(
        FailureKind::UsernameNotFound,
        format!("{} pengguna terdaftar di Dapodik sekolah ini", users.len()),
    ))
}
