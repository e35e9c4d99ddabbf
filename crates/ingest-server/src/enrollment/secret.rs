//! School tokens and kode registrasi: generation and hashing.
//!
//! * **School token**: 256 random bits, `dbh1_` + base64url (no padding). The server stores
//!   only `SHA-256(token)` (hex); a token is looked up by that hash.
//! * **Kode registrasi**: 8 characters from an unambiguous 32-letter alphabet (no `I`, `O`,
//!   `0`, `1`), printed as `ABCD-EFGH` (40 bits). Stored as an iterated, salted SHA-256:
//!   `sha256i$<rounds>$<salt hex>$<hash hex>` where `h₀ = SHA-256(salt ‖ npsn ‖ ":" ‖ code)`
//!   and `hᵢ₊₁ = SHA-256(hᵢ ‖ salt)`. Online guessing is stopped by the enrollment rate
//!   limit; the rounds make offline guessing from a stolen database expensive.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// Prefix of every school token (lets log scrubbers and people recognise one).
pub const TOKEN_PREFIX: &str = "dbh1_";
/// Characters of a kode registrasi.
pub const KODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters in a kode registrasi (without the separator).
pub const KODE_LEN: usize = 8;
/// Rounds of the kode hash.
pub const KODE_HASH_ROUNDS: u32 = 10_000;

/// A new school token: 32 random bytes.
pub fn new_school_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What the server stores for a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// A new kode registrasi, formatted `ABCD-EFGH`.
pub fn new_kode_registrasi() -> String {
    let mut out = String::with_capacity(KODE_LEN + 1);
    let mut bytes = [0u8; KODE_LEN];
    OsRng.fill_bytes(&mut bytes);
    for (i, b) in bytes.iter().enumerate() {
        if i == KODE_LEN / 2 {
            out.push('-');
        }
        // 256 is a multiple of 32: no modulo bias.
        out.push(KODE_ALPHABET[usize::from(*b) % KODE_ALPHABET.len()] as char);
    }
    out
}

/// Canonical form of a typed code: upper case, separators and spaces removed. `None` when
/// it cannot be a code (wrong length or characters).
pub fn normalize_kode(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t' | '.' | '_'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == KODE_LEN && s.bytes().all(|b| KODE_ALPHABET.contains(&b))).then_some(s)
}

fn kode_digest(rounds: u32, salt: &[u8], npsn: &str, kode: &str) -> [u8; 32] {
    let mut h: [u8; 32] = Sha256::new()
        .chain_update(salt)
        .chain_update(npsn.as_bytes())
        .chain_update(b":")
        .chain_update(kode.as_bytes())
        .finalize()
        .into();
    for _ in 0..rounds {
        h = Sha256::new()
            .chain_update(h)
            .chain_update(salt)
            .finalize()
            .into();
    }
    h
}

/// Hash to store for `kode` (any accepted spelling) of `npsn`.
pub fn hash_kode(npsn: &str, kode: &str) -> String {
    let canonical = normalize_kode(kode).unwrap_or_else(|| kode.to_owned());
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let h = kode_digest(KODE_HASH_ROUNDS, &salt, npsn, &canonical);
    format!(
        "sha256i${KODE_HASH_ROUNDS}${}${}",
        hex::encode(salt),
        hex::encode(h)
    )
}

/// Whether `kode` (as typed) matches the stored hash. Constant time in the hash comparison.
pub fn verify_kode(npsn: &str, kode: &str, stored: &str) -> bool {
    let Some(canonical) = normalize_kode(kode) else {
        return false;
    };
    let mut parts = stored.split('$');
    let (Some("sha256i"), Some(rounds), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (Ok(rounds), Ok(salt), Ok(hash)) =
        (rounds.parse::<u32>(), hex::decode(salt), hex::decode(hash))
    else {
        return false;
    };
    if rounds > 1_000_000 || hash.len() != 32 {
        return false;
    }
    let h = kode_digest(rounds, &salt, npsn, &canonical);
    constant_time_eq(&h, &hash)
}

/// Byte comparison whose time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = new_school_token();
        let b = new_school_token();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 43);
        assert_eq!(token_hash(&a), token_hash(&format!(" {a}\n")));
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn kode_round_trip_and_typing_tolerance() {
        let kode = new_kode_registrasi();
        assert_eq!(kode.len(), 9);
        assert_eq!(&kode[4..5], "-");
        let stored = hash_kode("20599901", &kode);
        assert!(verify_kode("20599901", &kode, &stored));
        assert!(verify_kode(
            "20599901",
            &kode.to_lowercase().replace('-', " "),
            &stored
        ));
        assert!(
            !verify_kode("20599902", &kode, &stored),
            "bound to the NPSN"
        );
        assert!(!verify_kode("20599901", "ABCD-EFGH", &stored) || kode == "ABCD-EFGH");
        assert!(!verify_kode("20599901", "", &stored));
        assert!(!verify_kode("20599901", &kode, "garbage"));
        assert_eq!(normalize_kode("abcd-efgh").as_deref(), Some("ABCDEFGH"));
        assert_eq!(
            normalize_kode("ABCD-EFG1"),
            None,
            "1 is not in the alphabet"
        );
        assert_eq!(normalize_kode("ABCDEFGHJ"), None);
    }
}
