//! Generator: determinism, composition, wire form and truth consistency.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use common::{body, code, csv_header, generated, generated_with_fixture, json, rows};
use dapodik_sim::data_dir::{self, load_reference, load_truth, load_truth_rombel};
use serde_json::Value;

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn same_seed_same_bytes() {
    let a = generated(42, 40, true);
    let b = generated(42, 40, true);
    let fa = files(a.path());
    let fb = files(b.path());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between runs");
    }
    let c = generated(43, 40, true);
    assert_ne!(
        files(c.path()).get("credentials.csv"),
        fa.get("credentials.csv")
    );
}

#[test]
fn one_school_is_an_sd() {
    let d = generated(9, 1, false);
    let refs = load_reference(d.path()).unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].bentuk, "SD");
    let t = &load_truth(d.path()).unwrap()[0];
    assert!((60..=300).contains(&t.peserta_didik), "{}", t.peserta_didik);
}

#[test]
fn csv_headers_are_exact() {
    let d = generated(3, 5, false);
    assert_eq!(
        csv_header(&d.path().join("reference.csv")),
        "npsn,nama,bentuk,status,kecamatan,kode_kecamatan,desa,alamat,lintang,bujur,email,website"
    );
    assert_eq!(
        csv_header(&d.path().join("credentials.csv")),
        "npsn,token,username"
    );
    assert_eq!(
        csv_header(&d.path().join("truth.csv")),
        "npsn,sekolah,peserta_didik,ptk,riwayat_kepangkatan,riwayat_pendidikan,rombel,anggota_rombel,pembelajaran,guru_l,guru_p,tendik_l,tendik_p"
    );
    assert_eq!(
        csv_header(&d.path().join("truth-rombel.csv")),
        "npsn,rombongan_belajar_id,nama,jenis_rombel,laki_laki,perempuan"
    );
    let manifest = json(&std::fs::read_to_string(d.path().join("manifest.json")).unwrap());
    assert_eq!(manifest["seed"], 3);
    assert_eq!(manifest["kecamatan"].as_array().unwrap().len(), 20);
    assert!(
        manifest["kecamatan"][0]["kecamatan"]
            .as_str()
            .unwrap()
            .starts_with("Kec. ")
    );
}

#[test]
fn composition_and_sizes() {
    let d = generated(11, 300, false);
    let refs = load_reference(d.path()).unwrap();
    let truth: HashMap<String, u64> = load_truth(d.path())
        .unwrap()
        .into_iter()
        .map(|t| (t.npsn, t.peserta_didik))
        .collect();
    let mut count: HashMap<&str, (usize, usize)> = HashMap::new();
    for r in &refs {
        let c = count.entry(r.bentuk.as_str()).or_default();
        if r.status == "Negeri" {
            c.0 += 1
        } else {
            c.1 += 1
        }
        assert!(r.kecamatan.starts_with("Kec. "));
        assert_eq!(r.kode_kecamatan.len(), 6);
        let pd = truth[&r.npsn];
        let range = match r.bentuk.as_str() {
            "SD" => 60..=300,
            "SMP" => 200..=1500,
            "TK" => 0..=80,
            "KB" => 0..=60,
            "TPA" | "SPS" => 0..=40,
            _ => 0..=300,
        };
        assert!(
            range.contains(&pd),
            "{} {} has {pd} students",
            r.bentuk,
            r.npsn
        );
    }
    assert_eq!(refs.len(), 300);
    for forbidden in ["SMA", "SMK", "SLB"] {
        assert!(
            !count.contains_key(forbidden),
            "{forbidden} without --with-province-schools"
        );
    }
    let sd = count["SD"];
    let tk = count["TK"];
    let kb = count["KB"];
    assert!(sd.0 + sd.1 > count["SMP"].0 + count["SMP"].1);
    assert!(sd.0 > sd.1, "SD mostly negeri");
    assert!(tk.1 > tk.0 && kb.1 > kb.0, "TK/KB mostly swasta");
    for b in ["TK", "KB", "SD", "SMP", "SPS", "PKBM"] {
        assert!(count.contains_key(b), "missing {b}");
    }

    let p = generated(11, 100, true);
    let prov: HashSet<String> = load_reference(p.path())
        .unwrap()
        .into_iter()
        .map(|r| r.bentuk)
        .collect();
    assert!(prov.contains("SMA") && prov.contains("SMK") && prov.contains("SLB"));
}

/// Wire form: compact PHP json_encode, ASCII only, envelope shape.
#[test]
fn bodies_are_php_wire_form() {
    let d = generated_with_fixture(5, 60);
    let mut slash = false;
    for cred in data_dir::load_credentials(d.path()).unwrap() {
        for ep in [
            "getSekolah",
            "getPesertaDidik",
            "getGtk",
            "getRombonganBelajar",
            "getPengguna",
        ] {
            let Some(text) = body(d.path(), &cred.npsn, ep) else {
                continue;
            };
            assert!(text.is_ascii(), "{ep} of {} not ASCII-escaped", cred.npsn);
            assert!(
                !text.contains('\n') && !text.contains("\": "),
                "{ep} not compact"
            );
            assert!(
                !text.replace("\\/", "").contains('/'),
                "unescaped slash in {ep}"
            );
            slash |= text.contains("\\/");
            assert!(text.starts_with("{\"results\":"));
            let v = json(&text);
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["results", "id", "start", "limit", "rows"]);
            if ep == "getSekolah" {
                assert!(v["rows"].is_object());
                assert_eq!(v["results"], 1);
            } else {
                assert_eq!(v["results"].as_u64().unwrap() as usize, rows(&v).len());
                assert!(!rows(&v).is_empty(), "empty rows must be an absent file");
            }
        }
    }
    assert!(slash);
}

/// Independent recount of the truth semantics from the bodies.
#[test]
fn truth_matches_bodies() {
    let d = generated_with_fixture(21, 120);
    let truth = load_truth(d.path()).unwrap();
    let rombel_truth = load_truth_rombel(d.path()).unwrap();
    assert_eq!(truth.len(), 121);
    let mut leaky_seen = false;
    for t in &truth {
        let get = |ep: &str| body(d.path(), &t.npsn, ep).map(|s| json(&s));
        let pd = get("getPesertaDidik").map(|v| rows(&v)).unwrap_or_default();
        let gtk = get("getGtk").map(|v| rows(&v)).unwrap_or_default();
        let rb = get("getRombonganBelajar")
            .map(|v| rows(&v))
            .unwrap_or_default();
        assert_eq!(t.sekolah, 1);
        assert_eq!(t.peserta_didik as usize, pd.len(), "{}", t.npsn);
        assert_eq!(t.ptk as usize, gtk.len());
        let len = |r: &Value, k: &str| r[k].as_array().map_or(0, Vec::len);
        assert_eq!(
            t.riwayat_kepangkatan as usize,
            gtk.iter().map(|r| len(r, "rwy_kepangkatan")).sum::<usize>()
        );
        assert_eq!(
            t.riwayat_pendidikan as usize,
            gtk.iter().map(|r| len(r, "rwy_pend_formal")).sum::<usize>()
        );
        assert_eq!(t.rombel as usize, rb.len());
        let anggota: HashSet<&str> = rb
            .iter()
            .flat_map(|r| r["anggota_rombel"].as_array().unwrap().iter())
            .map(|a| a["anggota_rombel_id"].as_str().unwrap())
            .collect();
        assert_eq!(t.anggota_rombel as usize, anggota.len());
        let is_class = |r: &Value| code(r.get("jenis_rombel")).as_deref() == Some("1");
        let lessons: HashSet<&str> = rb
            .iter()
            .filter(|r| is_class(r))
            .flat_map(|r| r["pembelajaran"].as_array().unwrap().iter())
            .map(|p| p["pembelajaran_id"].as_str().unwrap())
            .collect();
        assert_eq!(t.pembelajaran as usize, lessons.len());
        leaky_seen |= rb
            .iter()
            .any(|r| !is_class(r) && r.get("pembelajaran").is_some());

        // Guru/tendik by the district rule.
        let (mut gl, mut gp, mut tl, mut tp) = (0, 0, 0, 0);
        for r in &gtk {
            let jenis = code(r.get("jenis_ptk_id")).unwrap();
            let jabatan = code(r.get("jabatan_ptk_id"));
            let guru = jabatan.as_deref() == Some("10001")
                || matches!(
                    jenis.as_str(),
                    "91" | "20" | "92" | "3" | "4" | "5" | "6" | "12" | "13" | "14" | "15" | "16"
                )
                || (jenis == "99" && jabatan.as_deref().is_some_and(|j| j.starts_with('2')));
            match (guru, r["jenis_kelamin"].as_str() == Some("L")) {
                (true, true) => gl += 1,
                (true, false) => gp += 1,
                (false, true) => tl += 1,
                (false, false) => tp += 1,
            }
        }
        assert_eq!(
            (t.guru_l, t.guru_p, t.tendik_l, t.tendik_p),
            (gl, gp, tl, tp),
            "{}",
            t.npsn
        );

        // Class rombel L/P counts over active students.
        let sex: HashMap<&str, &str> = pd
            .iter()
            .map(|r| {
                (
                    r["peserta_didik_id"].as_str().unwrap(),
                    r["jenis_kelamin"].as_str().unwrap(),
                )
            })
            .collect();
        let expected: Vec<(String, u64, u64)> = rb
            .iter()
            .filter(|r| is_class(r))
            .map(|r| {
                let members = r["anggota_rombel"].as_array().unwrap();
                let n = |s: &str| {
                    members
                        .iter()
                        .filter(|m| sex.get(m["peserta_didik_id"].as_str().unwrap()) == Some(&s))
                        .count() as u64
                };
                (
                    r["rombongan_belajar_id"].as_str().unwrap().to_string(),
                    n("L"),
                    n("P"),
                )
            })
            .collect();
        let mut got: Vec<(String, u64, u64)> = rombel_truth
            .iter()
            .filter(|x| x.npsn == t.npsn)
            .map(|x| (x.rombongan_belajar_id.clone(), x.laki_laki, x.perempuan))
            .collect();
        let mut expected = expected;
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
    }
    assert!(leaky_seen, "no leaky ekskul row in 120 schools");
}

/// The field quirks the client must survive are actually present.
#[test]
fn quirks_are_reproduced() {
    let d = generated(8, 250, false);
    let metas = data_dir::load_school_metas(d.path()).unwrap();
    let leaky: HashSet<&str> = metas
        .iter()
        .filter(|m| m.leaky_rows)
        .map(|m| m.npsn.as_str())
        .collect();
    let share = leaky.len() as f64 / metas.len() as f64;
    assert!((0.1..0.35).contains(&share), "leaky share {share}");
    let profiles: HashSet<&str> = metas.iter().map(|m| m.profile.as_str()).collect();
    assert!(profiles.len() >= 4);

    let (mut carried, mut clean_unplaced, mut old_scheme, mut new_scheme, mut lainnya) =
        (0, 0, 0, 0, 0);
    let (mut no_wali, mut left_member, mut num_status, mut null_nisn, mut ekskul) = (0, 0, 0, 0, 0);
    for m in &metas {
        let get = |ep: &str| body(d.path(), &m.npsn, ep).map(|s| json(&s));
        let sek = get("getSekolah").unwrap();
        num_status += usize::from(sek["rows"]["status_sekolah"].is_number());
        let pd = get("getPesertaDidik").map(|v| rows(&v)).unwrap_or_default();
        let active: HashSet<&str> = pd
            .iter()
            .map(|r| r["peserta_didik_id"].as_str().unwrap())
            .collect();
        for r in &pd {
            null_nisn += usize::from(r["nisn"].is_null());
            if r["anggota_rombel_id"] == "Belum masuk ke dalam rombongan belajar" {
                if r.get("rombongan_belajar_id").is_some() {
                    carried += 1;
                    assert!(
                        leaky.contains(m.npsn.as_str()),
                        "carry-over in a non-leaky school"
                    );
                } else {
                    clean_unplaced += 1;
                }
            }
        }
        for r in get("getGtk").map(|v| rows(&v)).unwrap_or_default() {
            if r.get("jabatan_ptk_id").is_some() {
                new_scheme += 1;
                lainnya += usize::from(code(r.get("jabatan_ptk_id")).as_deref() == Some("99999"));
            } else {
                old_scheme += 1;
            }
        }
        for r in get("getRombonganBelajar")
            .map(|v| rows(&v))
            .unwrap_or_default()
        {
            let class = code(r.get("jenis_rombel")).as_deref() == Some("1");
            no_wali += usize::from(class && r["ptk_id"].is_null());
            if !class {
                ekskul += 1;
                for k in ["id_kelas_ekskul", "nm_ekskul", "sk_ekskul"] {
                    assert!(
                        r.get(k).is_some()
                            || leaky.contains(m.npsn.as_str())
                            || r.get("id_ekskul").is_none()
                    );
                }
                if r.get("pembelajaran").is_some() {
                    assert!(leaky.contains(m.npsn.as_str()));
                }
            }
            for a in r["anggota_rombel"].as_array().unwrap() {
                left_member +=
                    usize::from(!active.contains(a["peserta_didik_id"].as_str().unwrap()));
            }
        }
    }
    for (what, n) in [
        ("carried class fields", carried),
        ("clean unplaced", clean_unplaced),
        ("old PTK scheme", old_scheme),
        ("new PTK scheme", new_scheme),
        ("jenis 99", lainnya),
        ("class without wali", no_wali),
        ("member who left", left_member),
        ("numeric status_sekolah", num_status),
        ("null nisn", null_nisn),
        ("ekskul rombel", ekskul),
    ] {
        assert!(n > 0, "no {what} in 250 schools");
    }
}
