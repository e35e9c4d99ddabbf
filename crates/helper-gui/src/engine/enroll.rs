//! Stage 3, enroll: the school token this PC sends with, from the credential store or by
//! enrolling with the district's kode registrasi (the latest PC of a school wins).

use shared_model::protocol::{EnrollRequest, ErrorCode};

use super::{Engine, Phase};
use crate::failure::{Failure, FailureKind};
use crate::outbox::SendRecord;
use crate::secrets::SecretKey;
use crate::upload::{ServerClient, ServerError};
use crate::validate;

/// The kode registrasi, if the operator gave one.
pub(super) fn given(kode: Option<&str>) -> Option<&str> {
    kode.map(str::trim).filter(|k| !k.is_empty())
}

impl Engine {
    /// Whether this PC already holds a server token for the school.
    pub fn has_school_token(&self, npsn: &str) -> Result<bool, Failure> {
        self.secrets
            .get(&SecretKey::school(npsn))
            .map(|t| t.is_some())
            .map_err(|e| Failure::with_detail(FailureKind::CredentialStore, e.0))
    }

    /// The school token from the store, or a new one by enrolling with the kode registrasi.
    pub(super) async fn school_token(
        &self,
        send: &SendRecord,
        kode: Option<&str>,
        server: &ServerClient,
    ) -> Result<String, Failure> {
        let key = SecretKey::school(&send.npsn);
        match self.secrets.get(&key) {
            Ok(Some(t)) => {
                crate::logging::register_secret(&t);
                return Ok(t);
            }
            Ok(None) => {}
            Err(e) => return Err(Failure::with_detail(FailureKind::CredentialStore, e.0)),
        }
        let Some(kode) = given(kode) else {
            self.update(|p| p.needs_kode = true);
            return Err(Failure::new(FailureKind::NeedKodeRegistrasi));
        };
        self.enroll(send, kode, server).await
    }

    /// The server refused the school token mid-send (`refused` says how): it is forgotten,
    /// and replaced by enrolling with `kode` if there is one; else the operator needs one.
    pub(super) async fn replace_school_token(
        &self,
        send: &SendRecord,
        kode: Option<&str>,
        server: &ServerClient,
        refused: Failure,
    ) -> Result<String, Failure> {
        let _ = self.secrets.delete(&SecretKey::school(&send.npsn));
        match kode {
            Some(k) => self.enroll(send, k, server).await,
            None => {
                self.update(|p| p.needs_kode = true);
                Err(refused)
            }
        }
    }

    async fn enroll(
        &self,
        send: &SendRecord,
        kode: &str,
        server: &ServerClient,
    ) -> Result<String, Failure> {
        if let Some(msg) = validate::check_kode(kode) {
            return Err(Failure::with_detail(FailureKind::InvalidInput, msg));
        }
        crate::logging::register_secret(kode);
        self.update(|p| p.phase = Phase::Enrolling);
        let req = EnrollRequest {
            npsn: send.npsn.clone(),
            kode_registrasi: kode.to_owned(),
            username_ops: send.username_ops.clone(),
            helper_version: self.cfg.helper_version.clone(),
            device_name: Some(self.cfg.device_name.clone()),
        };
        // A 429 here means too many wrong codes: waiting silently would hide that.
        let resp = self
            .with_retry("enroll", || async {
                match server.enroll(&req).await {
                    Err(e) if e.code() == Some(ErrorCode::RateLimited) => {
                        Err(ServerError::Protocol(e.to_string()))
                    }
                    other => other,
                }
            })
            .await;
        let resp = match resp {
            Ok(r) => r,
            Err(ServerError::Protocol(msg)) if msg.contains("rate_limited") => {
                return Err(Failure::with_detail(
                    FailureKind::ServerRefused,
                    "Terlalu banyak percobaan Kode Registrasi. Tunggu beberapa menit lalu coba lagi.",
                ));
            }
            Err(e) => return Err(self.server_failure(server, &e).await),
        };
        crate::logging::register_secret(&resp.school_token);
        tracing::info!(npsn = %resp.npsn, nama = ?resp.nama_sekolah, "komputer terdaftar di server");
        if let Err(e) = self
            .secrets
            .set(&SecretKey::school(&send.npsn), &resp.school_token)
        {
            // The token still works for this send; the next start will ask for the code again.
            tracing::warn!("token sekolah tidak tersimpan: {e}");
        }
        self.update(|p| p.needs_kode = false);
        Ok(resp.school_token)
    }
}
