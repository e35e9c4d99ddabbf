//! View models of the staff area: login, the staff home and kecamatan dashboard,
//! accounts and the audit log. These may carry personal data; the render functions refuse
//! them to anonymous viewers, and kecamatan pages to staff whose role may not open them.

mod admin;
mod area;

pub use admin::*;
pub use area::*;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::auth::Role;

    #[allow(unused_imports)]
    use crate::lists::*;
    #[allow(unused_imports)]
    use crate::programs::*;
    use crate::progress::KecamatanProgress;

    #[test]
    fn login_view_keeps_only_local_next_paths() {
        assert_eq!(
            LoginView::gagal("budi", Some("//evil.example")).berikutnya,
            None
        );
        assert_eq!(
            LoginView::new()
                .with_next(Some("/staf"))
                .berikutnya
                .as_deref(),
            Some("/staf")
        );
        let limited = RateLimited {
            retry_after: std::time::Duration::from_secs(120),
        };
        let v = LoginView::terkunci(" budi ", &limited, None);
        assert_eq!(v.username, "budi");
        assert!(v.galat.unwrap().contains("2 menit"));
    }

    #[test]
    fn next_paths_are_local_only() {
        assert_eq!(
            safe_next_path("/staf/kecamatan/1").as_deref(),
            Some("/staf/kecamatan/1")
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "staf",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn staff_home_keeps_own_kecamatan_for_korwil() {
        let all = vec![
            KecamatanProgress {
                kode_kecamatan: "1".into(),
                kecamatan: "A".into(),
                sudah_kirim: 1,
                total_referensi: 2,
            },
            KecamatanProgress {
                kode_kecamatan: "2".into(),
                kecamatan: "B".into(),
                sudah_kirim: 0,
                total_referensi: 2,
            },
        ];
        let korwil = Role::Korwil {
            kode_kecamatan: "2".into(),
        };
        let v = StafBerandaView::build(&korwil, all.clone());
        assert_eq!(v.kecamatan.len(), 1);
        assert_eq!(v.kecamatan[0].kode_kecamatan, "2");
        assert!(!v.bisa_unggah);
        assert_eq!(
            StafBerandaView::build(&Role::StafDinas, all)
                .kecamatan
                .len(),
            2
        );
    }
}

#[cfg(test)]
mod admin_tests {
    use super::*;
    use crate::common::KecamatanOption;

    use crate::auth::Role;

    #[allow(unused_imports)]
    use crate::enrollment::*;
    #[allow(unused_imports)]
    use crate::helper_version::*;
    #[allow(unused_imports)]
    use crate::reference::*;

    #[test]
    fn account_form_validation() {
        let kec = vec![KecamatanOption {
            kode: "051101".into(),
            nama: "Kec. Berbek".into(),
        }];
        let ok = AccountForm {
            username: "korwil.berbek".into(),
            nama: "Pak Korwil".into(),
            peran: "korwil".into(),
            kode_kecamatan: "051101".into(),
        };
        assert_eq!(
            ok.validate(&kec),
            Ok(Role::Korwil {
                kode_kecamatan: "051101".into()
            })
        );
        let no_kec = AccountForm {
            kode_kecamatan: String::new(),
            ..ok.clone()
        };
        assert_eq!(
            no_kec.validate(&kec).unwrap_err(),
            vec!["Korwil wajib memilih kecamatan."]
        );
        let bad_kec = AccountForm {
            kode_kecamatan: "999".into(),
            ..ok.clone()
        };
        assert!(bad_kec.validate(&kec).is_err());
        let bad = AccountForm {
            username: "a b".into(),
            nama: " ".into(),
            peran: "root".into(),
            kode_kecamatan: String::new(),
        };
        assert_eq!(bad.validate(&kec).unwrap_err().len(), 3);
    }

    #[test]
    fn version_form_validation() {
        let f = HelperVersionForm {
            latest_version: "v1.2.0".into(),
            min_version: "1.1.0".into(),
            download_url: "/unduhan".into(),
            notes: " ok ".into(),
        };
        let v = f.validate().unwrap();
        assert_eq!(
            (
                v.latest_version.as_str(),
                v.min_version.as_str(),
                v.notes.as_str()
            ),
            ("1.2.0", "1.1.0", "ok")
        );
        let bad = HelperVersionForm {
            latest_version: "1.0".into(),
            min_version: "2.0.0".into(),
            download_url: "javascript:x".into(),
            notes: String::new(),
        };
        assert_eq!(bad.validate().unwrap_err().len(), 2);
        let inverted = HelperVersionForm {
            latest_version: "1.0.0".into(),
            min_version: "2.0.0".into(),
            ..f
        };
        assert!(inverted.validate().unwrap_err()[0].contains("minimum"));
    }

    #[test]
    fn audit_actions_and_filter() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_kode(a.kode()), Some(a));
        }
        let f = AuditFilter {
            aksi: Some("x".into()),
            pengguna: Some(" ".into()),
            dari: Some("2025-01-02".into()),
            sampai: Some("kemarin".into()),
            halaman: Some(2),
        };
        let n = f.normalized();
        assert_eq!(
            n,
            AuditFilter {
                aksi: None,
                pengguna: None,
                dari: Some("2025-01-02".into()),
                sampai: None,
                halaman: Some(2)
            }
        );
        let v = AuditLogView::new(Vec::new(), &f, 50, 120);
        assert_eq!(v.pager.halaman, 2);
        assert_eq!(v.pager.query, "dari=2025-01-02&");
    }
}
