//! Cross-check: what the simulator serves, read by the client's own parser and flattening
//! (shared-model), gives exactly the counts the generator recorded in truth.csv and
//! truth-rombel.csv. The simulator builds its JSON independently of shared-model, so a type
//! or flattening bug on either side shows up here instead of cancelling out.

mod common;

use std::collections::HashMap;

use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::summary::SchoolSummary;
use shared_model::webservice::{Endpoint, parse_body, parse_sekolah};
use shared_model::{DataKind, KindCounts};

async fn fetch(
    client: &reqwest::Client,
    base: &str,
    endpoint: Endpoint,
    npsn: &str,
    token: &str,
) -> (u16, Vec<u8>) {
    let url = format!("{base}/WebService/{}?npsn={npsn}", endpoint.path());
    let resp = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("simulator answers");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn served_schools_parse_and_flatten_to_generator_truth() {
    let dir = common::generated_with_fixture(20261122, 60);
    let sim = dapodik_sim::spawn(dir.path(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = sim.base_url();
    let client = reqwest::Client::new();

    let creds = dapodik_sim::data_dir::load_credentials(dir.path()).unwrap();
    let truth: HashMap<_, _> = dapodik_sim::data_dir::load_truth(dir.path())
        .unwrap()
        .into_iter()
        .map(|t| (t.npsn.clone(), t))
        .collect();
    let mut rombel_truth: HashMap<String, Vec<_>> = HashMap::new();
    for r in dapodik_sim::data_dir::load_truth_rombel(dir.path()).unwrap() {
        rombel_truth.entry(r.npsn.clone()).or_default().push(r);
    }
    assert_eq!(
        creds.len(),
        61,
        "60 generated schools plus the fixture school"
    );

    let mut totals = KindCounts::default();
    for cred in &creds {
        let (status, body) =
            fetch(&client, &base, Endpoint::Sekolah, &cred.npsn, &cred.token).await;
        let sekolah = parse_sekolah(status, &body)
            .unwrap_or_else(|e| panic!("{}: getSekolah: {e}", cred.npsn));
        let (status, body) = fetch(
            &client,
            &base,
            Endpoint::PesertaDidik,
            &cred.npsn,
            &cred.token,
        )
        .await;
        let peserta_didik = parse_body(Endpoint::PesertaDidik, status, &body).unwrap();
        let (status, body) = fetch(&client, &base, Endpoint::Gtk, &cred.npsn, &cred.token).await;
        let gtk = parse_body(Endpoint::Gtk, status, &body).unwrap();
        let (status, body) = fetch(
            &client,
            &base,
            Endpoint::RombonganBelajar,
            &cred.npsn,
            &cred.token,
        )
        .await;
        let rombel = parse_body(Endpoint::RombonganBelajar, status, &body).unwrap();
        let (status, body) =
            fetch(&client, &base, Endpoint::Pengguna, &cred.npsn, &cred.token).await;
        let pengguna: Vec<shared_model::webservice::Pengguna> =
            parse_body(Endpoint::Pengguna, status, &body).unwrap();
        assert!(
            pengguna
                .iter()
                .any(|p| p.username.as_deref() == Some(cred.username.as_str())),
            "{}: operator {} is among getPengguna users",
            cred.npsn,
            cred.username
        );

        assert_eq!(sekolah.npsn.as_deref(), Some(cred.npsn.as_str()));
        let flat = flatten(DapodikSnapshot {
            sekolah,
            peserta_didik,
            gtk,
            rombel,
        });
        let counts = flat.counts();
        let t = &truth[&cred.npsn];
        let expected = [
            (DataKind::Sekolah, t.sekolah),
            (DataKind::PesertaDidik, t.peserta_didik),
            (DataKind::Ptk, t.ptk),
            (DataKind::RiwayatKepangkatan, t.riwayat_kepangkatan),
            (DataKind::RiwayatPendidikan, t.riwayat_pendidikan),
            (DataKind::Rombel, t.rombel),
            (DataKind::AnggotaRombel, t.anggota_rombel),
            (DataKind::Pembelajaran, t.pembelajaran),
        ];
        for (kind, n) in expected {
            assert_eq!(counts.get(kind), n, "{}: {kind}", cred.npsn);
            totals.add(kind, n);
        }

        let summary = SchoolSummary::from_flat(&flat);
        assert_eq!(
            (
                summary.ptk.guru_l,
                summary.ptk.guru_p,
                summary.ptk.tendik_l,
                summary.ptk.tendik_p
            ),
            (t.guru_l, t.guru_p, t.tendik_l, t.tendik_p),
            "{}: guru/tendik by L/P",
            cred.npsn
        );
        let mut want: Vec<_> = rombel_truth
            .remove(&cred.npsn)
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.rombongan_belajar_id, r.laki_laki, r.perempuan))
            .collect();
        let mut got: Vec<_> = summary
            .kelas
            .iter()
            .map(|k| (k.rombongan_belajar_id.clone(), k.laki_laki, k.perempuan))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{}: students per class rombel by L/P", cred.npsn);
    }
    assert!(
        totals.get(DataKind::PesertaDidik) > 3_000,
        "a realistic kabupaten sample: {totals:?}"
    );
    sim.shutdown().await.unwrap();
}
