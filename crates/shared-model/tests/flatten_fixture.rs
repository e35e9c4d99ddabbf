//! The fixture school flattened: exact counts, class membership, summary, warnings, rows JSON.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{Value, json};
use shared_model::classify::{Bentuk, PtkKategori, RombelJenis, StatusSekolah};
use shared_model::rows::FlatSnapshot;
use shared_model::summary::SchoolSummary;
use shared_model::warnings::{WarningKind, data_warnings};
use shared_model::{DataKind, KindCounts};

#[test]
fn fixture_counts_per_kind() {
    let flat = fixture_flat();
    let want = [
        (DataKind::Sekolah, 1),
        (DataKind::PesertaDidik, 30),
        (DataKind::Ptk, 8),
        (DataKind::RiwayatKepangkatan, 9),
        (DataKind::RiwayatPendidikan, 10),
        (DataKind::Rombel, 7),
        (DataKind::AnggotaRombel, 45),
        (DataKind::Pembelajaran, 42),
    ];
    let mut expected = KindCounts::default();
    for (k, n) in want {
        expected.set(k, n);
        assert_eq!(flat.rows_json(k).len() as u64, n, "{k}");
    }
    assert_eq!(flat.counts(), expected);
}

/// Each endpoint's answer alone yields rows of exactly the kinds `Endpoint::kinds` names
/// (the school row is always there), and the pulled counts bound the flattened ones.
#[test]
fn each_endpoint_yields_its_kinds() {
    use shared_model::flatten::{DapodikSnapshot, flatten};
    use shared_model::webservice::Endpoint;
    let full = fixture_snapshot();
    for endpoint in [
        Endpoint::PesertaDidik,
        Endpoint::Gtk,
        Endpoint::RombonganBelajar,
    ] {
        let mut only = DapodikSnapshot {
            sekolah: full.sekolah.clone(),
            ..DapodikSnapshot::default()
        };
        match endpoint {
            Endpoint::PesertaDidik => only.peserta_didik = full.peserta_didik.clone(),
            Endpoint::Gtk => only.gtk = full.gtk.clone(),
            _ => only.rombel = full.rombel.clone(),
        }
        let flat = flatten(only.clone());
        for kind in DataKind::ALL {
            let (pulled, kept) = (only.pulled_rows(kind), flat.counts().get(kind));
            if kind == DataKind::Sekolah {
                assert_eq!((pulled, kept), (1, 1));
            } else if endpoint.kinds().contains(&kind) {
                assert!(
                    kept > 0 && pulled >= kept,
                    "{endpoint} {kind}: {pulled} {kept}"
                );
            } else {
                assert_eq!((pulled, kept), (0, 0), "{endpoint} {kind}");
            }
        }
    }
}

#[test]
fn fixture_class_fields_match_membership() {
    let snapshot = fixture_snapshot();
    let flat = fixture_flat();
    // The fixture is consistent, so rewriting changes nothing.
    assert_eq!(flat.peserta_didik, snapshot.peserta_didik);
    for pd in &flat.peserta_didik {
        let member = flat
            .anggota_rombel
            .iter()
            .find(|a| Some(&a.item.anggota_rombel_id) == pd.anggota_rombel_id.as_ref())
            .expect("membership exists");
        assert_eq!(
            Some(&member.rombongan_belajar_id),
            pd.rombongan_belajar_id.as_ref()
        );
        assert_eq!(member.item.peserta_didik_id, pd.peserta_didik_id);
    }
    let ekskul: Vec<_> = flat.rombel.iter().filter(|r| !r.is_kelas()).collect();
    assert_eq!(ekskul.len(), 1);
    assert_eq!(ekskul[0].jenis(), RombelJenis::Ekstrakurikuler);
    let ekskul_members = flat
        .anggota_rombel
        .iter()
        .filter(|a| a.rombongan_belajar_id == ekskul[0].rombongan_belajar_id)
        .count();
    assert_eq!(ekskul_members, 15);
}

#[test]
fn fixture_ptk_classification() {
    let flat = fixture_flat();
    let count = |k: PtkKategori| flat.ptk.iter().filter(|p| p.kategori() == k).count();
    assert_eq!(count(PtkKategori::KepalaSekolah), 1);
    assert_eq!(count(PtkKategori::Guru), 6);
    assert_eq!(count(PtkKategori::Tendik), 1);
    assert_eq!(count(PtkKategori::Lainnya), 0);
    assert_eq!(
        flat.ptk.iter().filter(|p| p.kategori().is_guru()).count(),
        7
    );
}

#[test]
fn fixture_summary() {
    let flat = fixture_flat();
    let s = SchoolSummary::from_flat(&flat);
    assert_eq!(s.identitas.npsn.as_deref(), Some("20599901"));
    assert_eq!(s.identitas.bentuk, Some(Bentuk::SD));
    assert_eq!(s.identitas.status, Some(StatusSekolah::Negeri));
    assert_eq!(s.identitas.kecamatan.as_deref(), Some("Kec. Sukamakmur"));
    assert_eq!(
        (s.ptk.guru_l, s.ptk.guru_p, s.ptk.tendik_l, s.ptk.tendik_p),
        (4, 3, 1, 0)
    );
    assert_eq!(s.kelas.len(), 6);
    for (i, k) in s.kelas.iter().enumerate() {
        assert_eq!(k.tingkat.as_deref(), Some((i + 1).to_string().as_str()));
        assert_eq!(k.laki_laki + k.perempuan, 5, "{:?}", k.nama);
    }
    assert_eq!((s.siswa_l, s.siswa_p), (15, 15));
    assert_eq!(
        s.kelas.iter().map(|k| k.laki_laki).sum::<u64>(),
        15,
        "every student is in exactly one class"
    );
    // No personal data: no student/PTK name, NIK or NISN appears in the JSON.
    let text = serde_json::to_string(&s).unwrap();
    for pd in &flat.peserta_didik {
        for v in [&pd.nama, &pd.nik, &pd.nisn].into_iter().flatten() {
            assert!(!text.contains(v.as_str()), "{v}");
        }
    }
    for p in &flat.ptk {
        assert!(!text.contains(p.nama.as_deref().unwrap()));
    }
}

#[test]
fn fixture_warnings() {
    let flat = fixture_flat();
    let w = data_warnings(&flat);
    let kinds: Vec<_> = w.iter().map(|w| w.kind).collect();
    assert!(!kinds.contains(&WarningKind::SiswaTanpaKelas));
    assert!(!kinds.contains(&WarningKind::KelasTanpaWali));
    let nuptk = w
        .iter()
        .find(|w| w.kind == WarningKind::PtkTanpaNuptk)
        .unwrap();
    assert_eq!(nuptk.count, 2);
    let nisn_missing = flat
        .peserta_didik
        .iter()
        .filter(|p| p.nisn.is_none())
        .count();
    assert_eq!(
        w.iter()
            .find(|w| w.kind == WarningKind::SiswaTanpaNisn)
            .map_or(0, |w| w.count),
        nisn_missing
    );
    for warning in &w {
        let text = warning.message_id();
        assert!(text.contains("belum"), "{text}");
        for p in &flat.ptk {
            assert!(!text.contains(p.nama.as_deref().unwrap()), "{text}");
        }
        for p in &flat.peserta_didik {
            assert!(!text.contains(p.nama.as_deref().unwrap()), "{text}");
        }
    }
}

#[test]
fn rows_json_sorted_and_round_trips() {
    let flat = fixture_flat();
    for kind in DataKind::ALL {
        let rows = flat.rows_json(kind);
        let ids: Vec<&str> = rows
            .iter()
            .map(|r| r[kind.id_field()].as_str().unwrap())
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{kind}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            ids.len(),
            "{kind}"
        );
    }
    // Nested rows carry their parent ids.
    let pangkat = flat.rows_json(DataKind::RiwayatKepangkatan);
    assert!(
        pangkat
            .iter()
            .all(|r| r["ptk_id"].is_string() && r["ptk_terdaftar_id"].is_string())
    );
    let ptk = flat.rows_json(DataKind::Ptk);
    assert!(ptk.iter().all(|r| r.get("rwy_pend_formal").is_none()));
    let rombel = flat.rows_json(DataKind::Rombel);
    assert!(rombel.iter().all(|r| r.get("anggota_rombel").is_none()));

    let back = FlatSnapshot::from_rows_json(DataKind::ALL.map(|k| (k, flat.rows_json(k)))).unwrap();
    let mut sorted = flat.clone();
    sorted.sort_by_id();
    assert_eq!(back, sorted);
}

#[test]
fn from_rows_json_rejects_bad_rows() {
    let flat = fixture_flat();
    let mut rows = flat.rows_json(DataKind::PesertaDidik);
    rows[3]["nama"] = json!({"depan": "x"});
    let err = FlatSnapshot::from_rows_json([(DataKind::PesertaDidik, rows)]).unwrap_err();
    assert_eq!((err.kind, err.index), (DataKind::PesertaDidik, 3));

    let mut rows = flat.rows_json(DataKind::Rombel);
    rows[1]
        .as_object_mut()
        .unwrap()
        .remove("rombongan_belajar_id");
    let err = FlatSnapshot::from_rows_json([(DataKind::Rombel, rows)]).unwrap_err();
    assert_eq!((err.kind, err.index), (DataKind::Rombel, 1));

    let mut rows = flat.rows_json(DataKind::Ptk);
    rows[2]["ptk_terdaftar_id"] = json!("  ");
    let err = FlatSnapshot::from_rows_json([(DataKind::Ptk, rows)]).unwrap_err();
    assert_eq!((err.kind, err.index), (DataKind::Ptk, 2));
    assert!(err.detail.contains("ptk_terdaftar_id"), "{}", err.detail);

    let mut rows = flat.rows_json(DataKind::AnggotaRombel);
    rows[5]["rombongan_belajar_id"] = json!("");
    let err = FlatSnapshot::from_rows_json([(DataKind::AnggotaRombel, rows)]).unwrap_err();
    assert_eq!((err.kind, err.index), (DataKind::AnggotaRombel, 5));

    // Index counts across repeated kinds; non-object rows are rejected.
    let err = FlatSnapshot::from_rows_json([
        (
            DataKind::Pembelajaran,
            flat.rows_json(DataKind::Pembelajaran),
        ),
        (DataKind::Pembelajaran, vec![Value::from(7)]),
    ])
    .unwrap_err();
    assert_eq!((err.kind, err.index), (DataKind::Pembelajaran, 42));
    assert!(err.to_string().contains("Data Pembelajaran"));

    // Numbers for ids/codes are accepted and canonicalised.
    let mut rows = flat.rows_json(DataKind::Sekolah);
    rows[0]["bentuk_pendidikan_id"] = json!(5);
    rows[0]["status_sekolah"] = json!(1);
    let back = FlatSnapshot::from_rows_json([(DataKind::Sekolah, rows)]).unwrap();
    assert_eq!(back.sekolah, flat.sekolah);
}
