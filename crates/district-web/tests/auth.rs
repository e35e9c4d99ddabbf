//! Staff auth primitives: argon2id, session and CSRF tokens, constant-time compare, roles,
//! NIK masking (the login rate limiter is tested with the server: `ingest-server/tests/login_limiter.rs`).

use district_web::auth::*;
use district_web::privacy::{NikMode, mask_nik, nik_for_display};

#[test]
fn argon2id_hash_and_verify() {
    let hash = hash_password("kata-sandi-rahasia").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(verify_password("kata-sandi-rahasia", &hash));
    assert!(!verify_password("kata-sandi-salah", &hash));
    assert!(!verify_password("kata-sandi-rahasia", "bukan-hash"));
    assert!(!verify_password("", &hash));
    let again = hash_password("kata-sandi-rahasia").unwrap();
    assert_ne!(hash, again, "random salt");
    assert!(verify_password_or_dummy("kata-sandi-rahasia", Some(&hash)));
    assert!(
        !verify_password_or_dummy("kata-sandi-rahasia", None),
        "unknown user never verifies"
    );
}

#[test]
fn password_policy() {
    assert!(
        validate_new_password("pendek", "budi")
            .unwrap_err()
            .contains("minimal 12")
    );
    assert!(
        validate_new_password("sebelas-cha", "budi").is_err(),
        "11 characters"
    );
    assert!(validate_new_password("budi.santoso", "budi.santoso").is_err());
    assert!(validate_new_password("aaaaaaaaaaaa", "budi").is_err());
    assert!(validate_new_password("Mekarsari-2025!", "budi").is_ok());
    // The common-password list, also with digits and punctuation added at the end.
    for common in [
        "Password2025!",
        "bismillah123",
        "Indonesia1945",
        "123456789012",
        "P@ssw0rd2025",
    ] {
        let err = validate_new_password(common, "budi").unwrap_err();
        assert!(err.contains("terlalu umum"), "{common}: {err}");
    }
    assert!(validate_new_password("meja-hujan-kopi-sawah", "budi").is_ok());
}

#[test]
fn session_tokens_are_random_and_stored_hashed() {
    let a = new_session_token();
    let b = new_session_token();
    assert_ne!(a, b);
    assert_eq!(a.len(), 43);
    assert!(
        a.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "cookie-safe"
    );
    let h = session_token_hash(&a);
    assert_eq!(h.len(), 64);
    assert_eq!(h, session_token_hash(&a));
    assert_ne!(h, session_token_hash(&b));
}

#[test]
fn csrf_tokens_are_bound_to_the_session_and_compared_in_constant_time() {
    let key = CsrfKey::generate();
    let session = new_session_token();
    let token = key.token_for(&session);
    assert_eq!(token, key.token_for(&session), "stable for a session");
    assert!(key.verify(&session, &token));
    assert!(key.verify(&session, &format!(" {token} ")));
    assert!(!key.verify(&new_session_token(), &token), "another session");
    assert!(!key.verify(&session, ""));
    assert!(!key.verify("", &key.token_for("")), "no session, no token");
    let mut tampered = token.clone().into_bytes();
    tampered[0] ^= 1;
    assert!(!key.verify(&session, std::str::from_utf8(&tampered).unwrap()));
    assert!(
        !CsrfKey::generate().verify(&session, &token),
        "another server key"
    );
    let restored = CsrfKey::from_hex(&key.to_hex()).unwrap();
    assert!(restored.verify(&session, &token));
    assert!(CsrfKey::from_hex("abc").is_none());
    assert_eq!(format!("{key:?}"), "CsrfKey(…)", "the key is never printed");

    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
    assert!(constant_time_eq(b"", b""));
}

#[test]
fn roles_and_kecamatan_access() {
    let korwil = Role::Korwil {
        kode_kecamatan: "051101".into(),
    };
    assert!(can_view_kecamatan(&korwil, "051101"));
    assert!(!can_view_kecamatan(&korwil, "051102"));
    assert!(can_view_kecamatan(&Role::Admin, "051102"));
    assert!(can_view_kecamatan(&Role::StafDinas, "051102"));
    assert!(!can_view_kecamatan(&Role::Admin, " "));
    for role in [Role::Admin, Role::StafDinas, korwil.clone()] {
        let back = Role::from_parts(role.kode(), role.kode_kecamatan()).unwrap();
        assert_eq!(back, role);
    }
    assert!(!korwil.allows(Permission::KelolaKodeRegistrasi));
    assert!(Role::Admin.allows(Permission::ImporReferensi));
}

#[test]
fn nik_masking() {
    assert_eq!(mask_nik("3299017001990007"), "3299********0007");
    assert_eq!(
        nik_for_display(Some("3299017001990007"), NikMode::default()),
        "3299********0007"
    );
    assert_eq!(
        nik_for_display(Some("3299017001990007"), NikMode::Revealed),
        "3299017001990007"
    );
}
