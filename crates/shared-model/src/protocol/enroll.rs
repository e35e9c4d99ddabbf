//! Enrollment: the helper's first contact, modelled on Dapodik's kode registrasi.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/enroll`. Presenting a valid code again rotates the school token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub npsn: String,
    pub kode_registrasi: String,
    pub username_ops: String,
    pub helper_version: String,
    /// Free text identifying the PC (hostname), shown to district staff.
    #[serde(default)]
    pub device_name: Option<String>,
}

/// The per-school secret; the server keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub npsn: String,
    pub school_token: String,
    /// School name from the district's reference list, for the operator to confirm.
    #[serde(default)]
    pub nama_sekolah: Option<String>,
}
