//! `getPengguna`: Dapodik user accounts of the school (§3.5).
//!
//! The server includes each account's **password hash**. It is consumed while parsing and
//! never stored: [`Pengguna::password`] is a unit placeholder, never serialised, and any
//! other secret-looking key is dropped instead of landing in `extra`.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::lenient;

/// A user account row of `getPengguna` (§3.5), minus the password hash.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pengguna {
    /// Row key.
    #[serde(deserialize_with = "lenient::string")]
    pub pengguna_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sekolah_id: Option<String>,
    /// Login, usually an e-mail address.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nama: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub peran_id_str: Option<String>,
    /// Always empty: the `password` key (a hash) is read and thrown away, never serialised.
    #[serde(default, skip_serializing)]
    pub password: IgnoredAny,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alamat: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub no_telepon: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub no_hp: Option<String>,
    /// Linked PTK (joins to getGtk `ptk_id`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ptk_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub peserta_didik_id: Option<String>,
    /// Unknown fields, except secret-looking ones (see [`is_secret_key`]).
    #[serde(flatten, deserialize_with = "without_secrets")]
    pub extra: Map<String, Value>,
}

/// `true` for keys that may hold credentials (`password_hash`, `kata_sandi`, `token`, …).
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["pass", "sandi", "hash", "secret", "token", "salt"]
        .iter()
        .any(|needle| k.contains(needle))
}

fn without_secrets<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    let mut map = Map::<String, Value>::deserialize(d)?;
    map.retain(|k, _| !is_secret_key(k));
    Ok(map)
}
