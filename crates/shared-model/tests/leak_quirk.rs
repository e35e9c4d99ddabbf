//! The "reused row array" leak of the 2022.a server (§3.2, §3.4), reproduced by hand.

mod common;

use common::*;
use shared_model::DataKind;
use shared_model::flatten::flatten;
use shared_model::summary::SchoolSummary;
use shared_model::warnings::{WarningKind, data_warnings};
use shared_model::webservice::{AnggotaRombel, BELUM_MASUK_ROMBEL, RombonganBelajar};

#[test]
fn leaked_class_fields_and_pembelajaran_are_ignored() {
    let mut snap = fixture_snapshot();

    // Student #6 (index 5) has no class: drop its membership; the server leaks the previous
    // student's class fields and body measurements onto its row.
    let prev = snap.peserta_didik[4].clone();
    let victim_id = snap.peserta_didik[5].peserta_didik_id.clone();
    for r in &mut snap.rombel {
        r.anggota_rombel.retain(|a| a.peserta_didik_id != victim_id);
    }
    {
        let v = &mut snap.peserta_didik[5];
        v.anggota_rombel_id = Some(BELUM_MASUK_ROMBEL.to_owned());
        v.rombongan_belajar_id = prev.rombongan_belajar_id.clone();
        v.nama_rombel = prev.nama_rombel.clone();
        v.tingkat_pendidikan_id = prev.tingkat_pendidikan_id.clone();
        v.tinggi_badan = prev.tinggi_badan.clone();
        v.berat_badan = prev.berat_badan.clone();
    }
    // Student #11 (index 10) has no class but its own (different) measurements: kept.
    let keeper_id = snap.peserta_didik[10].peserta_didik_id.clone();
    for r in &mut snap.rombel {
        r.anggota_rombel.retain(|a| a.peserta_didik_id != keeper_id);
    }
    snap.peserta_didik[10].anggota_rombel_id = Some(BELUM_MASUK_ROMBEL.to_owned());
    snap.peserta_didik[10].tinggi_badan = Some("999".into());
    let keeper_berat = snap.peserta_didik[10].berat_badan.clone();

    // Student #2 claims class 1 on its row but anggota_rombel moved it to class 2.
    let mover_id = snap.peserta_didik[1].peserta_didik_id.clone();
    let kelas2 = snap.rombel[1].rombel.clone();
    let membership = snap.rombel[0]
        .anggota_rombel
        .iter()
        .position(|a| a.peserta_didik_id == mover_id)
        .unwrap();
    let moved = snap.rombel[0].anggota_rombel.remove(membership);
    snap.rombel[1].anggota_rombel.push(moved.clone());

    // A member who left the school (missing from getPesertaDidik) is still listed.
    snap.rombel[2].anggota_rombel.push(AnggotaRombel {
        anggota_rombel_id: "11111111-2222-4333-8444-555555555555".into(),
        peserta_didik_id: "99999999-2222-4333-8444-555555555555".into(),
        ..Default::default()
    });

    // A second ekskul row carries the previous row's pembelajaran, jurusan and wali name.
    let pramuka = snap.rombel[6].clone();
    let mut leaked = RombonganBelajar {
        rombel: pramuka.rombel.clone(),
        anggota_rombel: vec![],
        pembelajaran: snap.rombel[5].pembelajaran.clone(),
    };
    leaked.rombel.rombongan_belajar_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".into();
    leaked.rombel.nama = Some("Tari".into());
    leaked.rombel.ptk_id = None;
    leaked.rombel.ptk_id_str = Some("Agus Setiawan".into());
    leaked.rombel.jurusan_id = Some("1".into());
    leaked.rombel.jurusan_id_str = Some("Umum".into());
    // Even a leaked list with a *new* id on an ekskul row is ignored.
    let mut extra = leaked.pembelajaran.clone().unwrap();
    extra[0].pembelajaran_id = "abababab-bbbb-4ccc-8ddd-eeeeeeeeeeee".into();
    leaked.pembelajaran = Some(extra);
    snap.rombel.push(leaked);

    let flat = flatten(snap);
    let counts = flat.counts();
    assert_eq!(counts.get(DataKind::PesertaDidik), 30);
    assert_eq!(counts.get(DataKind::Rombel), 8);
    assert_eq!(
        counts.get(DataKind::Pembelajaran),
        42,
        "leaked pembelajaran ignored"
    );
    assert_eq!(
        counts.get(DataKind::AnggotaRombel),
        45 - 2 + 1,
        "all memberships kept"
    );

    let victim = &flat.peserta_didik[5];
    assert_eq!(victim.anggota_rombel_id, None);
    assert_eq!(victim.rombongan_belajar_id, None);
    assert_eq!(victim.nama_rombel, None);
    assert_eq!(victim.tingkat_pendidikan_id, None);
    assert_eq!(
        (victim.tinggi_badan.as_ref(), victim.berat_badan.as_ref()),
        (None, None)
    );

    let keeper = &flat.peserta_didik[10];
    assert_eq!(keeper.rombongan_belajar_id, None);
    assert_eq!(keeper.tinggi_badan.as_deref(), Some("999"));
    assert_eq!(keeper.berat_badan, keeper_berat);

    let mover = &flat.peserta_didik[1];
    assert_eq!(
        mover.rombongan_belajar_id.as_ref(),
        Some(&kelas2.rombongan_belajar_id)
    );
    assert_eq!(mover.nama_rombel, kelas2.nama);
    assert_eq!(mover.tingkat_pendidikan_id, kelas2.tingkat_pendidikan_id);
    assert_eq!(
        mover.anggota_rombel_id.as_ref(),
        Some(&moved.anggota_rombel_id)
    );

    let tari = flat
        .rombel
        .iter()
        .find(|r| r.nama.as_deref() == Some("Tari"))
        .unwrap();
    assert!(!tari.is_kelas());
    assert_eq!(
        (tari.ptk_id_str.as_ref(), tari.jurusan_id.as_ref()),
        (None, None)
    );

    let warnings = data_warnings(&flat);
    let no_class = warnings
        .iter()
        .find(|w| w.kind == WarningKind::SiswaTanpaKelas)
        .unwrap();
    assert_eq!(no_class.count, 2);
    assert_eq!(no_class.examples, ["baris 6", "baris 11"]);

    let summary = SchoolSummary::from_flat(&flat);
    let total: u64 = summary
        .kelas
        .iter()
        .map(|k| k.laki_laki + k.perempuan)
        .sum();
    assert_eq!(total, 28, "the departed member is not counted");
    assert_eq!(summary.kelas.len(), 6);
}
