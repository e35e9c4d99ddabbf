// Over 400 lines only with its unit tests.
//! Staff authentication primitives, without storage.
//!
//! * Passwords: argon2id (PHC string, default parameters m=19 MiB, t=2, p=1), see
//!   [`hash_password`] / [`verify_password`]; [`verify_password_or_dummy`] spends the same time
//!   for unknown usernames so timing does not reveal which accounts exist.
//! * Sessions: a random 256-bit token in an `HttpOnly; SameSite=Lax` cookie
//!   ([`SESSION_COOKIE`]); the server stores only [`session_token_hash`] of it.
//! * CSRF: per-session synchroniser token *derived* from the session token,
//!   `HMAC-SHA256(server key, session token)` ([`CsrfKey`]). The server needs no extra
//!   storage: it recomputes the token from the session cookie and compares it in constant
//!   time with the `csrf_token` form field. Before login the same derivation runs on a random
//!   pre-session cookie ([`PRESESSION_COOKIE`]), so the login form is protected too.
//! * Roles: [`Role`] with [`Role::allows`] / [`can_view_kecamatan`].

use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::Serialize;
use serde::ser::SerializeStruct;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Cookie holding the staff session token.
pub const SESSION_COOKIE: &str = "dw_sesi";
/// Cookie holding the random pre-session token that keys the login form's CSRF token.
pub const PRESESSION_COOKIE: &str = "dw_pra";
/// Name of the hidden form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// Suggested absolute session lifetime.
pub const SESSION_MAX_AGE: Duration = Duration::from_secs(8 * 60 * 60);
/// Suggested idle timeout (the server extends `expires_at` on activity up to this).
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);
/// Minimum length of a new staff password (characters).
pub const MIN_PASSWORD_LEN: usize = 12;
/// Passwords (and bases) too common to allow: `data/common_passwords.txt`.
const COMMON_PASSWORDS: &str = include_str!("data/common_passwords.txt");
/// Maximum accepted password length (bounds the hashing work per request).
pub const MAX_PASSWORD_LEN: usize = 256;

/// Errors of the auth primitives.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("gagal membuat hash kata sandi: {0}")]
    Hash(String),
}

/// Hashes a password with argon2id and a random salt; returns the PHC string to store.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Verifies a password against a stored PHC string. A malformed hash verifies as `false`.
pub fn verify_password(password: &str, phc_hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_LEN * 4 {
        return false;
    }
    match PasswordHash::new(phc_hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("akun-tidak-ada").unwrap_or_default());

/// Like [`verify_password`], but for an unknown user (`None`) verifies against a fixed dummy
/// hash and returns `false`, so a login attempt costs the same time whether or not the
/// username exists.
pub fn verify_password_or_dummy(password: &str, phc_hash: Option<&str>) -> bool {
    match phc_hash {
        Some(h) => verify_password(password, h),
        None => {
            let _ = verify_password(password, &DUMMY_HASH);
            false
        }
    }
}

/// Checks a new password against the district's policy; the error is shown to the user.
pub fn validate_new_password(password: &str, username: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(format!("Kata sandi minimal {MIN_PASSWORD_LEN} karakter."));
    }
    if n > MAX_PASSWORD_LEN {
        return Err(format!("Kata sandi maksimal {MAX_PASSWORD_LEN} karakter."));
    }
    if !username.trim().is_empty() && password.trim().eq_ignore_ascii_case(username.trim()) {
        return Err("Kata sandi tidak boleh sama dengan nama pengguna.".to_owned());
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) {
        return Err("Kata sandi tidak boleh berupa satu karakter yang diulang.".to_owned());
    }
    if is_common_password(password) {
        return Err(
            "Kata sandi ini terlalu umum dan mudah ditebak. Pakai gabungan beberapa kata yang \
             tidak berhubungan, misalnya 'meja-hujan-kopi-sawah'."
                .to_owned(),
        );
    }
    Ok(())
}

/// Whether `password`, or it without trailing digits and punctuation ("Password2025!" →
/// "password"), is on the common-password list. Case-insensitive.
fn is_common_password(password: &str) -> bool {
    let lower = password.trim().to_lowercase();
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|common| common == lower || common == base)
}

/// 256 random bits from the OS, base64url without padding (43 characters, cookie-safe).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new session token (also used for the pre-session cookie).
pub fn new_session_token() -> String {
    random_token()
}

/// What the server stores for a session: lowercase hex SHA-256 of the token, so a leaked
/// session table does not hand out live sessions.
pub fn session_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two byte strings in constant time (for equal lengths; the length itself is not
/// secret for tokens of fixed size).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

type HmacSha256 = Hmac<Sha256>;

/// The server's secret for deriving CSRF tokens. Generate once at start-up (tokens then
/// become invalid on restart: the user reloads the form) or persist it with
/// [`CsrfKey::to_hex`] / [`CsrfKey::from_hex`].
#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfKey(…)")
    }
}

impl CsrfKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        CsrfKey(key)
    }

    pub fn from_bytes(key: [u8; 32]) -> Self {
        CsrfKey(key)
    }

    /// Parses 64 hex characters.
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        let key: [u8; 32] = bytes.try_into().ok()?;
        Some(CsrfKey(key))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The CSRF token bound to a session (or pre-session) token.
    pub fn token_for(&self, session_token: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(b"district-web csrf v1\0");
        mac.update(session_token.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `submitted` is the CSRF token of `session_token` (constant-time compare).
    /// An empty session token never verifies.
    pub fn verify(&self, session_token: &str, submitted: &str) -> bool {
        if session_token.is_empty() || submitted.is_empty() {
            return false;
        }
        constant_time_eq(
            self.token_for(session_token).as_bytes(),
            submitted.trim().as_bytes(),
        )
    }
}

/// Attributes of the cookies the server sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieOptions {
    /// Cookie path: the site's base path or "/".
    pub path: String,
    /// Add `Secure` (set when the site is served over HTTPS).
    pub secure: bool,
    /// `Max-Age`; `None` makes a browser-session cookie.
    pub max_age: Option<Duration>,
}

impl CookieOptions {
    pub fn new(base_path: &str, secure: bool) -> Self {
        let path = if base_path.trim_matches('/').is_empty() {
            "/".to_owned()
        } else {
            crate::config::normalize_base_path(base_path)
        };
        CookieOptions {
            path,
            secure,
            max_age: Some(SESSION_MAX_AGE),
        }
    }
}

/// `Set-Cookie` header value: `HttpOnly; SameSite=Lax`, plus `Secure` and `Max-Age` as set.
pub fn set_cookie_header(name: &str, value: &str, opts: &CookieOptions) -> String {
    let mut s = format!("{name}={value}; Path={}; HttpOnly; SameSite=Lax", opts.path);
    if let Some(age) = opts.max_age {
        s.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    if opts.secure {
        s.push_str("; Secure");
    }
    s
}

/// `Set-Cookie` header value that deletes the cookie.
pub fn clear_cookie_header(name: &str, opts: &CookieOptions) -> String {
    let mut s = format!(
        "{name}=; Path={}; HttpOnly; SameSite=Lax; Max-Age=0",
        opts.path
    );
    if opts.secure {
        s.push_str("; Secure");
    }
    s
}

/// The value of cookie `name` in a `Cookie` request header (`a=1; b=2`).
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then_some(v.trim().trim_matches('"'))
    })
}

/// A staff role.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including accounts, kode registrasi, reference import, helper version,
    /// audit log.
    Admin,
    /// All kecamatan, program list uploads; no administration.
    StafDinas,
    /// Koordinator wilayah: only their own kecamatan.
    Korwil { kode_kecamatan: String },
}

/// Something a staff member may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission<'a> {
    /// Lists, downloads and program recaps of one kecamatan (NIK reveal included, audited).
    LihatKecamatan(&'a str),
    /// District-wide staff views (all kecamatan, unmatched program rows).
    LihatSeluruhKabupaten,
    /// Upload PIP / beasiswa / perlengkapan lists.
    UnggahDaftarProgram,
    KelolaAkun,
    KelolaKodeRegistrasi,
    ImporReferensi,
    AturVersiHelper,
    LihatLogAudit,
}

impl Role {
    /// Stable storage name: `admin`, `staf_dinas`, `korwil`.
    pub fn kode(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::StafDinas => "staf_dinas",
            Role::Korwil { .. } => "korwil",
        }
    }

    /// Label shown to people.
    pub fn label(&self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::StafDinas => "Staf Dinas",
            Role::Korwil { .. } => "Korwil",
        }
    }

    pub fn kode_kecamatan(&self) -> Option<&str> {
        match self {
            Role::Korwil { kode_kecamatan } => Some(kode_kecamatan),
            _ => None,
        }
    }

    /// Builds a role from its storage form; a korwil needs a non-empty kode kecamatan.
    pub fn from_parts(kode: &str, kode_kecamatan: Option<&str>) -> Option<Role> {
        match kode.trim() {
            "admin" => Some(Role::Admin),
            "staf_dinas" => Some(Role::StafDinas),
            "korwil" => {
                let k = kode_kecamatan.map(str::trim).filter(|k| !k.is_empty())?;
                Some(Role::Korwil {
                    kode_kecamatan: k.to_owned(),
                })
            }
            _ => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Role::Admin)
    }

    pub fn can_view_kecamatan(&self, kode_kecamatan: &str) -> bool {
        can_view_kecamatan(self, kode_kecamatan)
    }

    /// The authorisation rule, in one place.
    pub fn allows(&self, permission: Permission<'_>) -> bool {
        match permission {
            Permission::LihatKecamatan(kode) => can_view_kecamatan(self, kode),
            Permission::LihatSeluruhKabupaten | Permission::UnggahDaftarProgram => {
                matches!(self, Role::Admin | Role::StafDinas)
            }
            Permission::KelolaAkun
            | Permission::KelolaKodeRegistrasi
            | Permission::ImporReferensi
            | Permission::AturVersiHelper
            | Permission::LihatLogAudit => self.is_admin(),
        }
    }

    /// All storage names with labels (for the account form).
    pub fn options() -> [(&'static str, &'static str); 3] {
        [
            ("admin", "Administrator"),
            ("staf_dinas", "Staf Dinas"),
            ("korwil", "Korwil"),
        ]
    }
}

/// Whether `role` may open the staff views of kecamatan `kode_kecamatan`:
/// admin and staf dinas every kecamatan, a korwil only their own.
pub fn can_view_kecamatan(role: &Role, kode_kecamatan: &str) -> bool {
    let wanted = kode_kecamatan.trim();
    if wanted.is_empty() {
        return false;
    }
    match role {
        Role::Admin | Role::StafDinas => true,
        Role::Korwil {
            kode_kecamatan: own,
        } => own.trim() == wanted,
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Role", 3)?;
        s.serialize_field("kode", self.kode())?;
        s.serialize_field("label", self.label())?;
        s.serialize_field("kode_kecamatan", &self.kode_kecamatan())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_authorise() {
        let korwil = Role::from_parts("korwil", Some(" 050101 ")).unwrap();
        assert_eq!(
            korwil,
            Role::Korwil {
                kode_kecamatan: "050101".into()
            }
        );
        assert!(Role::from_parts("korwil", None).is_none());
        assert!(Role::from_parts("korwil", Some("  ")).is_none());
        assert!(Role::from_parts("root", None).is_none());
        assert!(korwil.can_view_kecamatan("050101"));
        assert!(!korwil.can_view_kecamatan("050102"));
        assert!(!korwil.can_view_kecamatan(""));
        assert!(Role::StafDinas.can_view_kecamatan("050102"));
        assert!(!Role::StafDinas.allows(Permission::KelolaAkun));
        assert!(Role::StafDinas.allows(Permission::UnggahDaftarProgram));
        assert!(!korwil.allows(Permission::UnggahDaftarProgram));
        assert!(!korwil.allows(Permission::LihatSeluruhKabupaten));
        assert!(Role::Admin.allows(Permission::LihatLogAudit));
        let v = serde_json::to_value(&korwil).unwrap();
        assert_eq!(v["kode"], "korwil");
        assert_eq!(v["kode_kecamatan"], "050101");
    }

    #[test]
    fn cookies() {
        let opts = CookieOptions::new("/backbone/", true);
        let c = set_cookie_header(SESSION_COOKIE, "abc", &opts);
        assert_eq!(
            c,
            "dw_sesi=abc; Path=/backbone; HttpOnly; SameSite=Lax; Max-Age=28800; Secure"
        );
        let root = CookieOptions {
            max_age: None,
            ..CookieOptions::new("", false)
        };
        assert_eq!(
            set_cookie_header("x", "1", &root),
            "x=1; Path=/; HttpOnly; SameSite=Lax"
        );
        assert!(clear_cookie_header("x", &root).contains("Max-Age=0"));
        assert_eq!(
            cookie_value("a=1; dw_sesi=tok ; b=2", SESSION_COOKIE),
            Some("tok")
        );
        assert_eq!(cookie_value("a=1", SESSION_COOKIE), None);
    }
}
