//! Field checks shared by the window (shown while typing) and the headless mode.

use crate::messages;

/// Values as typed, trimmed by [`normalise`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    pub token: String,
    pub npsn: String,
    pub username: String,
    /// Only needed the first time (no school token stored yet).
    pub kode_registrasi: String,
}

/// Per-field problems; `None` means the field is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub token: Option<&'static str>,
    pub npsn: Option<&'static str>,
    pub username: Option<&'static str>,
    pub kode_registrasi: Option<&'static str>,
}

impl FormErrors {
    pub fn is_ok(&self) -> bool {
        self.token.is_none()
            && self.npsn.is_none()
            && self.username.is_none()
            && self.kode_registrasi.is_none()
    }
}

/// Trims pasted values (copying from Dapodik often adds spaces or a newline).
pub fn normalise(v: &FormValues) -> FormValues {
    FormValues {
        token: v.token.trim().to_owned(),
        npsn: v.npsn.trim().to_owned(),
        username: v.username.trim().to_owned(),
        kode_registrasi: v.kode_registrasi.trim().to_owned(),
    }
}

pub fn check_npsn(npsn: &str) -> Option<&'static str> {
    let n = npsn.trim();
    (n.len() != 8 || !n.bytes().all(|b| b.is_ascii_digit())).then_some(messages::NPSN_INVALID)
}

pub fn check_token(token: &str) -> Option<&'static str> {
    let t = token.trim();
    if t.is_empty() {
        Some(messages::TOKEN_EMPTY)
    } else if t.chars().any(char::is_whitespace) || t.len() > 512 {
        Some(messages::TOKEN_INVALID)
    } else {
        None
    }
}

pub fn check_username(username: &str) -> Option<&'static str> {
    let u = username.trim();
    if u.is_empty() {
        Some(messages::USERNAME_EMPTY)
    } else if u.chars().any(char::is_whitespace) || u.len() > 254 {
        Some(messages::USERNAME_INVALID)
    } else {
        None
    }
}

pub fn check_kode(kode: &str) -> Option<&'static str> {
    let k = kode.trim();
    let ok = (6..=64).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (!ok).then_some(messages::KODE_INVALID)
}

/// Checks every field; the kode registrasi only when `needs_kode`.
pub fn check(v: &FormValues, needs_kode: bool) -> FormErrors {
    FormErrors {
        token: check_token(&v.token),
        npsn: check_npsn(&v.npsn),
        username: check_username(&v.username),
        kode_registrasi: if needs_kode {
            check_kode(&v.kode_registrasi)
        } else {
            None
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npsn_is_eight_digits() {
        assert_eq!(check_npsn("20599901"), None);
        assert_eq!(check_npsn(" 20599901\n"), None);
        assert!(check_npsn("2059990").is_some());
        assert!(check_npsn("205999011").is_some());
        assert!(check_npsn("2059990a").is_some());
        assert!(check_npsn("").is_some());
        assert!(
            check_npsn("２０５９９９０１").is_some(),
            "full-width digits are not NPSN"
        );
    }

    #[test]
    fn token_username_kode() {
        assert_eq!(check_token("Ab12Cd34Ef56Gh7"), None);
        assert_eq!(
            check_token("  Ab12Cd34Ef56Gh7\r\n"),
            None,
            "a pasted newline is fine"
        );
        assert!(check_token("").is_some());
        assert!(check_token("Ab12 Cd34").is_some());
        assert_eq!(check_username("operator@sekolah.sch.id"), None);
        assert!(check_username("").is_some());
        assert!(check_username("nama operator").is_some());
        assert_eq!(check_kode("ABCD-1234"), None);
        assert!(check_kode("abc").is_some());
        assert!(check_kode("ABCD 1234").is_some());
    }

    #[test]
    fn kode_only_checked_when_needed() {
        let v = FormValues {
            token: "tok123".into(),
            npsn: "20599901".into(),
            username: "op@x".into(),
            kode_registrasi: String::new(),
        };
        assert!(check(&v, false).is_ok());
        assert!(!check(&v, true).is_ok());
        assert_eq!(
            normalise(&FormValues {
                npsn: " 1 ".into(),
                ..v.clone()
            })
            .npsn,
            "1"
        );
    }
}
