//! The helper↔server protocol, version 1 (`/api/v1`). Behaviour is specified in
//! `docs/protocol.md`; these are the bodies both sides (de)serialise.

mod enroll;
mod error;
mod limits;
mod public;
mod session;
mod version;

pub use enroll::{EnrollRequest, EnrollResponse};
pub use error::{ApiErrorBody, ErrorCode};
pub use limits::*;
pub use public::{
    KelasRecap, ProgresEntry, ProgresLive, PtkRecap, RekapByKecamatan, RekapSatuanPendidikan,
    SekolahPublic,
};
pub use session::{
    BatchAck, BatchRef, BatchStatus, CommitReceipt, KindExpectation, KindReceived,
    OpenSessionRequest, OpenSessionResponse, SessionState, SessionStatus,
};
pub use version::{VersionCheck, VersionInfo};

/// Path prefix of every protocol route.
pub const API_PREFIX: &str = "/api/v1";

/// Request header carrying the lowercase hex SHA-256 of a batch's *uncompressed* body.
pub const CONTENT_SHA256_HEADER: &str = "x-content-sha256";

/// Encodings a batch body may be sent with (`Content-Encoding`).
pub const ACCEPTED_ENCODINGS: [&str; 3] = ["zstd", "gzip", "identity"];
