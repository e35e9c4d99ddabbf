//! `import-fixtures`: the fixture school's truth and compact re-encoding.

mod common;

use common::{body, fixtures_dir, json};
use dapodik_sim::data_dir::{load_credentials, load_reference, load_truth, load_truth_rombel};
use dapodik_sim::{FIXTURE_TOKEN, ImportOptions, import_fixtures};

#[test]
fn fixture_truth_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = import_fixtures(&fixtures_dir(), dir.path(), &ImportOptions::default()).unwrap();
    assert_eq!(s.npsn, "20599901");
    assert_eq!(s.token, FIXTURE_TOKEN);
    assert_eq!(s.username, "operator.sdn01sukamaju@example.com");
    let t = &load_truth(dir.path()).unwrap()[0];
    assert_eq!(
        (
            t.sekolah,
            t.peserta_didik,
            t.ptk,
            t.riwayat_kepangkatan,
            t.riwayat_pendidikan,
            t.rombel,
            t.anggota_rombel,
            t.pembelajaran
        ),
        (1, 30, 8, 9, 10, 7, 45, 42)
    );
    assert_eq!((t.guru_l, t.guru_p, t.tendik_l, t.tendik_p), (4, 3, 1, 0));
    let rombel = load_truth_rombel(dir.path()).unwrap();
    assert_eq!(rombel.len(), 6);
    assert!(
        rombel
            .iter()
            .all(|r| r.laki_laki + r.perempuan == 5 && r.jenis_rombel == "1")
    );

    let r = &load_reference(dir.path()).unwrap()[0];
    assert_eq!(
        (r.bentuk.as_str(), r.status.as_str(), r.kecamatan.as_str()),
        ("SD", "Negeri", "Kec. Sukamakmur")
    );
    assert_eq!(r.kode_kecamatan, "029901");

    // Compact wire form, same content as the pretty fixture.
    for ep in [
        "getSekolah",
        "getPesertaDidik",
        "getGtk",
        "getRombonganBelajar",
        "getPengguna",
    ] {
        let wire = body(dir.path(), "20599901", ep).unwrap();
        let pretty = std::fs::read_to_string(fixtures_dir().join(format!("{ep}.json"))).unwrap();
        assert!(!wire.contains('\n'));
        assert_eq!(json(&wire), json(&pretty));
        assert_eq!(
            wire.replace("\\/", "/"),
            serde_json::to_string(&json(&pretty)).unwrap()
        );
    }
    assert!(
        body(dir.path(), "20599901", "getPesertaDidik")
            .unwrap()
            .contains("RT 02\\/RW 05")
    );

    // Re-import replaces instead of duplicating; custom token/username.
    let opts = ImportOptions {
        token: Some("abcDEF123456789".into()),
        username: Some("ops@example.com".into()),
    };
    import_fixtures(&fixtures_dir(), dir.path(), &opts).unwrap();
    let creds = load_credentials(dir.path()).unwrap();
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0].token, "abcDEF123456789");
    assert_eq!(load_truth(dir.path()).unwrap().len(), 1);
}
