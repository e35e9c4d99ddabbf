//! Property tests for flattening generated snapshots.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use serde_json::{Map, Value};
use shared_model::DataKind;
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::rows::FlatSnapshot;
use shared_model::webservice::{
    AnggotaRombel, BELUM_MASUK_ROMBEL, Gtk, Pembelajaran, PesertaDidik, Ptk, Rombel,
    RombonganBelajar, RwyKepangkatan, RwyPendFormal, Sekolah,
};

/// A UUID-shaped id from a small pool, so duplicates happen often.
fn id(tag: u32, n: u32) -> String {
    format!("{tag:08x}-0000-4000-8000-{n:012x}")
}

fn extra() -> impl Strategy<Value = Map<String, Value>> {
    prop::option::of("[a-z ]{0,6}").prop_map(|v| {
        v.map(|s| Map::from_iter([("x_tambahan".to_owned(), Value::from(s))]))
            .unwrap_or_default()
    })
}

fn student() -> impl Strategy<Value = PesertaDidik> {
    (
        0u32..14,
        prop::option::of(prop::sample::select(vec!["L", "P"])),
        prop::option::of("[0-9]{10}"),
        prop_oneof![
            (0u32..24).prop_map(|n| id(7, n)),
            Just(BELUM_MASUK_ROMBEL.to_owned())
        ],
        prop::option::of(0u32..6),
        prop::option::of(prop::sample::select(vec!["110", "120"])),
        extra(),
    )
        .prop_map(
            |(n, jk, nisn, anggota, rombel, tinggi, extra)| PesertaDidik {
                peserta_didik_id: id(1, n),
                jenis_kelamin: jk.map(str::to_owned),
                nisn,
                anggota_rombel_id: Some(anggota),
                rombongan_belajar_id: rombel.map(|r| id(5, r)),
                nama_rombel: rombel.map(|r| format!("Kelas {r}")),
                tinggi_badan: tinggi.map(str::to_owned),
                berat_badan: tinggi.map(|_| "20".to_owned()),
                extra,
                ..Default::default()
            },
        )
}

fn gtk() -> impl Strategy<Value = Gtk> {
    (
        0u32..8,
        0u32..8,
        prop::sample::select(vec!["91", "92", "93", "99", "4", "11"]),
        prop::collection::vec((0u32..12, extra()), 0..3),
        prop::collection::vec(0u32..12, 0..3),
    )
        .prop_map(|(t, p, jenis, pangkat, pend)| Gtk {
            ptk: Ptk {
                ptk_terdaftar_id: id(2, t),
                ptk_id: id(3, p),
                jenis_ptk_id: Some(jenis.to_owned()),
                ..Default::default()
            },
            rwy_kepangkatan: pangkat
                .into_iter()
                .map(|(n, extra)| RwyKepangkatan {
                    riwayat_kepangkatan_id: id(4, n),
                    extra,
                    ..Default::default()
                })
                .collect(),
            rwy_pend_formal: pend
                .into_iter()
                .map(|n| RwyPendFormal {
                    riwayat_pendidikan_formal_id: id(6, n),
                    ..Default::default()
                })
                .collect(),
        })
}

fn rombel() -> impl Strategy<Value = RombonganBelajar> {
    (
        0u32..6,
        prop::sample::select(vec!["1", "1", "8", "51", "2"]),
        prop::option::of(0u32..8),
        prop::collection::vec((0u32..24, 0u32..16), 0..6),
        prop::option::of(prop::collection::vec(0u32..16, 0..4)),
    )
        .prop_map(|(n, jenis, wali, anggota, pemb)| RombonganBelajar {
            rombel: Rombel {
                rombongan_belajar_id: id(5, n),
                nama: Some(format!("Rombel {n}")),
                tingkat_pendidikan_id: Some((n % 3 + 1).to_string()),
                jenis_rombel: Some(jenis.to_owned()),
                ptk_id: wali.map(|w| id(3, w)),
                ..Default::default()
            },
            anggota_rombel: anggota
                .into_iter()
                .map(|(a, pd)| AnggotaRombel {
                    anggota_rombel_id: id(7, a),
                    peserta_didik_id: id(1, pd),
                    ..Default::default()
                })
                .collect(),
            pembelajaran: pemb.map(|list| {
                list.into_iter()
                    .map(|p| Pembelajaran {
                        pembelajaran_id: id(8, p),
                        ..Default::default()
                    })
                    .collect()
            }),
        })
}

fn snapshot() -> impl Strategy<Value = DapodikSnapshot> {
    (
        prop::collection::vec(student(), 0..16),
        prop::collection::vec(gtk(), 0..8),
        prop::collection::vec(rombel(), 0..8),
    )
        .prop_map(|(peserta_didik, gtk, rombel)| DapodikSnapshot {
            sekolah: Sekolah {
                sekolah_id: id(9, 0),
                npsn: Some("20599901".into()),
                ..Default::default()
            },
            peserta_didik,
            gtk,
            rombel,
        })
}

/// First occurrence per id in wire order: id → parent id.
fn first_parent<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> HashMap<&'a str, &'a str> {
    let mut map = HashMap::new();
    for (id, parent) in pairs {
        map.entry(id).or_insert(parent);
    }
    map
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn flattening_properties(snap in snapshot()) {
        let flat = flatten(snap.clone());

        // Expected counts, computed independently: distinct ids per kind.
        let distinct = |ids: Vec<&str>| ids.into_iter().collect::<HashSet<_>>().len() as u64;
        let counts = flat.counts();
        prop_assert_eq!(counts.get(DataKind::Sekolah), 1);
        prop_assert_eq!(counts.get(DataKind::PesertaDidik),
            distinct(snap.peserta_didik.iter().map(|p| p.peserta_didik_id.as_str()).collect()));
        prop_assert_eq!(counts.get(DataKind::Ptk),
            distinct(snap.gtk.iter().map(|g| g.ptk.ptk_terdaftar_id.as_str()).collect()));
        let pangkat = first_parent(snap.gtk.iter().flat_map(|g| g.rwy_kepangkatan.iter()
            .map(move |r| (r.riwayat_kepangkatan_id.as_str(), g.ptk.ptk_terdaftar_id.as_str()))));
        prop_assert_eq!(counts.get(DataKind::RiwayatKepangkatan), pangkat.len() as u64);
        let pend = first_parent(snap.gtk.iter().flat_map(|g| g.rwy_pend_formal.iter()
            .map(move |r| (r.riwayat_pendidikan_formal_id.as_str(), g.ptk.ptk_terdaftar_id.as_str()))));
        prop_assert_eq!(counts.get(DataKind::RiwayatPendidikan), pend.len() as u64);
        prop_assert_eq!(counts.get(DataKind::Rombel),
            distinct(snap.rombel.iter().map(|r| r.rombel.rombongan_belajar_id.as_str()).collect()));
        let anggota = first_parent(snap.rombel.iter().flat_map(|r| r.anggota_rombel.iter()
            .map(move |a| (a.anggota_rombel_id.as_str(), r.rombel.rombongan_belajar_id.as_str()))));
        prop_assert_eq!(counts.get(DataKind::AnggotaRombel), anggota.len() as u64);
        let pemb = first_parent(snap.rombel.iter()
            .filter(|r| r.rombel.jenis_rombel.as_deref() == Some("1"))
            .flat_map(|r| r.pembelajaran.iter().flatten()
                .map(move |p| (p.pembelajaran_id.as_str(), r.rombel.rombongan_belajar_id.as_str()))));
        prop_assert_eq!(counts.get(DataKind::Pembelajaran), pemb.len() as u64);

        // Ids unique per kind.
        for kind in DataKind::ALL {
            let rows = flat.rows_json(kind);
            let ids: HashSet<&str> = rows.iter().map(|r| r[kind.id_field()].as_str().unwrap()).collect();
            prop_assert_eq!(ids.len(), rows.len());
        }

        // Nested rows keep the id of the parent they first appeared in.
        for r in &flat.riwayat_kepangkatan {
            prop_assert_eq!(pangkat[r.item.riwayat_kepangkatan_id.as_str()], r.ptk_terdaftar_id.as_str());
            prop_assert!(r.item.extra.get("ptk_id").is_none());
        }
        for r in &flat.riwayat_pendidikan {
            prop_assert_eq!(pend[r.item.riwayat_pendidikan_formal_id.as_str()], r.ptk_terdaftar_id.as_str());
        }
        for a in &flat.anggota_rombel {
            prop_assert_eq!(anggota[a.item.anggota_rombel_id.as_str()], a.rombongan_belajar_id.as_str());
        }
        for p in &flat.pembelajaran {
            prop_assert_eq!(pemb[p.item.pembelajaran_id.as_str()], p.rombongan_belajar_id.as_str());
        }

        // Class fields come from a regular membership of that very student, or are empty.
        for pd in &flat.peserta_didik {
            match &pd.rombongan_belajar_id {
                None => prop_assert!(pd.anggota_rombel_id.is_none() && pd.nama_rombel.is_none()),
                Some(rid) => {
                    let r = flat.rombel.iter().find(|r| &r.rombongan_belajar_id == rid).unwrap();
                    prop_assert!(r.is_regular());
                    prop_assert_eq!(&pd.nama_rombel, &r.nama);
                    let aid = pd.anggota_rombel_id.as_deref().unwrap();
                    prop_assert!(flat.anggota_rombel.iter().any(|a| a.item.anggota_rombel_id == aid
                        && &a.rombongan_belajar_id == rid
                        && a.item.peserta_didik_id == pd.peserta_didik_id));
                }
            }
        }

        // rows_json → from_rows_json round-trips.
        let back = FlatSnapshot::from_rows_json(DataKind::ALL.map(|k| (k, flat.rows_json(k)))).unwrap();
        let mut sorted = flat.clone();
        sorted.sort_by_id();
        prop_assert_eq!(&back, &sorted);
        for kind in DataKind::ALL {
            prop_assert_eq!(back.rows_json(kind), flat.rows_json(kind));
        }
    }
}
