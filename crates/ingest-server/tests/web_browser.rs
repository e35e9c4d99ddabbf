// Over 400 lines: one browser walk-through with its steps and their checks.
//! End-to-end in headless Chromium (chromedriver + fantoccini), on a server loaded with a
//! generated kabupaten (40 schools sent through protocol v1, SQLite): Progres Kirim Data,
//! Data Pokok → a kecamatan → a school against the generator's truth, client-side search and
//! paging, login, an XLSX download opened and checked, a korwil refused another kecamatan.
//! Screenshots of every page go to `<target>/screenshots/*.png`.
//!
//! Needs `/usr/bin/chromium` and `chromedriver` (Debian `chromium`, `chromium-driver`;
//! `scripts/install-test-deps.sh`). Without them the test is skipped with a loud message,
//! except with `CI=true`, where that is a failure.

mod common;
mod web_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use district_web::auth::Role;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use web_support::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const SCHOOLS: usize = 40;
const STAF: (&str, &str) = ("staf.dinas", "sandi-staf-12345");
const KORWIL: (&str, &str) = ("korwil.satu", "sandi-korwil-12345");

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The chromedriver child; killed on drop.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_driver(bin: &Path) -> (Driver, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(r) = http.get(format!("{url}/status")).send().await
            && let Ok(v) = r.json::<Value>().await
            && v["value"]["ready"] == true
        {
            return (driver, url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not become ready on {url}");
}

struct Shots {
    dir: PathBuf,
}

impl Shots {
    async fn take(&self, c: &Client, name: &str) {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(self.dir.join(format!("{name}.png")), png).expect("write screenshot");
    }
}

async fn path_of(c: &Client) -> String {
    let u = c.current_url().await.unwrap();
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    }
}

async fn wait_path(c: &Client, path: &str) {
    let t = Instant::now();
    while path_of(c).await != path {
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "expected {path}, at {}",
            path_of(c).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Cell texts of every body row of a table (hidden rows included).
async fn table_rows(c: &Client, selector: &str) -> Vec<Vec<String>> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))\
               .filter(r => !r.classList.contains('dt-kosong') && !r.classList.contains('baris-kosong'))\
               .map(r => Array.from(r.cells).map(c => c.textContent.trim()));",
            vec![json!(selector)],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// Rows of a client-side table the user can see (not filtered out, on the current page).
async fn visible_rows(c: &Client, selector: &str) -> usize {
    c.execute(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))\
           .filter(r => r.offsetParent !== null && !r.classList.contains('dt-kosong')).length;",
        vec![json!(selector)],
    )
    .await
    .unwrap()
    .as_u64()
    .unwrap() as usize
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn wait_text(c: &Client, css: &str, expected: &str) {
    let t = Instant::now();
    loop {
        let got = text_of(c, css).await;
        if got.contains(expected) {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{css}: {got:?} does not contain {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn login(c: &Client, base: &str, who: (&str, &str)) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(who.0)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(who.1)
        .await
        .unwrap();
    c.find(Locator::Css("form.formulir button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, "/staf").await;
}

/// Waits for one finished download in `dir`.
async fn downloaded(dir: &Path, ext: &str) -> PathBuf {
    let t = Instant::now();
    loop {
        let done: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == ext))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(p) = done.into_iter().next() {
            return p;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "no .{ext} download in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_walkthrough() {
    let driver_bin = match (Path::new(CHROMIUM).exists(), chromedriver()) {
        (true, Some(d)) => d,
        _ => {
            test_kit::cannot_run(
                "browser_walkthrough",
                &format!("{CHROMIUM} or chromedriver missing"),
                "scripts/install-test-deps.sh, or apt-get install chromium chromium-driver",
            );
            return;
        }
    };

    // A server with a generated kabupaten; one school has not sent.
    let work = tempfile::tempdir().unwrap();
    let kab = Kabupaten::generate(&work.path().join("kab"), 7, SCHOOLS).unwrap();
    let db = common::sqlite_db();
    let mut config = db.config();
    config.site.nama_dinas = "Dinas Pendidikan Kabupaten Mekarsari".into();
    config.site.nama_kabupaten = "Kab. Mekarsari".into();
    config.site.alamat = "Jln. Pendidikan No. 1".into();
    config.downloads_dir = work.path().join("unduhan");
    std::fs::create_dir_all(&config.downloads_dir).unwrap();
    std::fs::write(config.downloads_dir.join("db-helper-0.1.0-x64.msi"), b"msi").unwrap();
    let server = ingest_server::start(config).await.unwrap();
    let by_kec = kab.by_kecamatan();
    let mut kecs: Vec<(&String, usize)> = by_kec.iter().map(|(k, v)| (k, v.len())).collect();
    kecs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let (kec, other_kec) = (kecs[0].0.clone(), kecs[1].0.clone());
    let unsent = by_kec[&kec].last().unwrap().npsn.clone();
    load(&server, &kab, &[&unsent], 6).await.unwrap();
    add_staff(&server, STAF.0, &Role::StafDinas, STAF.1)
        .await
        .unwrap();
    add_staff(
        &server,
        KORWIL.0,
        &Role::Korwil {
            kode_kecamatan: kec.clone(),
        },
        KORWIL.1,
    )
    .await
    .unwrap();
    let sent: Vec<String> = kab
        .reference
        .iter()
        .map(|r| r.npsn.clone())
        .filter(|n| *n != unsent)
        .collect();

    // Chromium.
    let (driver, driver_url) = start_driver(&driver_bin).await;
    let profile = work.path().join("profile");
    let downloads = work.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", format!("--user-data-dir={}", profile.display()),
                     "--window-size=1366,900"],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true
            }
        }
    });
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver_url)
        .await
        .expect("WebDriver session");
    let shots = Shots {
        dir: target_dir().join("screenshots"),
    };
    std::fs::create_dir_all(&shots.dir).unwrap();
    let base = server.base_url.clone();

    // Run the walk-through, then always end the browser session (no stray Chromium).
    let walk = std::panic::AssertUnwindSafe(async {
        // Beranda.
        c.goto(&format!("{base}/")).await.unwrap();
        assert!(
            c.source()
                .await
                .unwrap()
                .contains("Dinas Pendidikan Kabupaten Mekarsari")
        );
        shots.take(&c, "beranda").await;

        // Progres Kirim Data: numbers, paging and search (client side).
        c.goto(&format!("{base}/progres_data")).await.unwrap();
        wait_text(
            &c,
            ".dt-info",
            &format!("Menampilkan 1 sampai 25 dari {} entri", sent.len()),
        )
        .await;
        let rows = table_rows(&c, "#tabel-progres").await;
        assert_eq!(rows.len(), sent.len());
        for row in &rows {
            let t = kab.truth_of(&row[3]);
            let expected: Vec<String> = [
                t.sekolah,
                t.peserta_didik,
                t.ptk,
                t.riwayat_kepangkatan,
                t.riwayat_pendidikan,
                t.rombel,
                t.anggota_rombel,
                t.pembelajaran,
            ]
            .iter()
            .map(u64::to_string)
            .collect();
            assert_eq!(row[5..13].to_vec(), expected, "counts of {}", row[3]);
        }
        assert_eq!(visible_rows(&c, "#tabel-progres").await, 25);
        shots.take(&c, "progres_data").await;
        c.find(Locator::Css(".dt-halaman button:last-child"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(
            &c,
            ".dt-info",
            &format!("Menampilkan 26 sampai {n} dari {n} entri", n = sent.len()),
        )
        .await;
        assert_eq!(visible_rows(&c, "#tabel-progres").await, sent.len() - 25);
        shots.take(&c, "progres_data_halaman_2").await;
        let needle = sent[7].clone();
        c.find(Locator::Css(".dt-atas input[type=search]"))
            .await
            .unwrap()
            .send_keys(&needle)
            .await
            .unwrap();
        wait_text(
            &c,
            ".dt-info",
            &format!(
                "Menampilkan 1 sampai 1 dari 1 entri (disaring dari {} entri keseluruhan)",
                sent.len()
            ),
        )
        .await;
        assert_eq!(visible_rows(&c, "#tabel-progres").await, 1);
        shots.take(&c, "progres_data_cari").await;

        // Data Pokok → a kecamatan → a school.
        c.goto(&format!("{base}/data_pokok")).await.unwrap();
        let foot = c.execute(
            "return Array.from(document.querySelectorAll('#matriks-satuan-pendidikan tfoot th')).map(c => c.textContent.trim());",
            vec![]).await.unwrap();
        let foot: Vec<String> = serde_json::from_value(foot).unwrap();
        assert_eq!(foot.last().unwrap(), &sent.len().to_string());
        shots.take(&c, "data_pokok").await;
        c.find(Locator::Css(&format!("tr[data-kecamatan=\"{kec}\"] a")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, &format!("/data_pokok/kecamatan/{kec}")).await;
        let listed = table_rows(&c, "#daftar-satuan-pendidikan").await;
        let mut got: Vec<String> = listed.iter().map(|r| r[2].clone()).collect();
        let mut want: Vec<String> = by_kec[&kec].iter().map(|r| r.npsn.clone()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "schools of the kecamatan");
        shots.take(&c, "daftar_satuan_pendidikan").await;
        let school = by_kec[&kec]
            .iter()
            .find(|r| r.npsn != unsent)
            .unwrap()
            .npsn
            .clone();
        c.find(Locator::Css(&format!("tr[data-npsn=\"{school}\"] a")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, &format!("/sekolah/{school}")).await;
        let t = kab.truth_of(&school);
        let ptk = c.execute(
            "return Array.from(document.querySelectorAll('#data-ptk tfoot th')).map(c => c.textContent.trim());",
            vec![]).await.unwrap();
        let ptk: Vec<String> = serde_json::from_value(ptk).unwrap();
        assert_eq!(ptk[1], (t.guru_l + t.guru_p).to_string());
        assert_eq!(ptk[2], (t.tendik_l + t.tendik_p).to_string());
        let terkirim = table_rows(&c, "#data-terkirim").await;
        assert_eq!(terkirim[1][1], t.peserta_didik.to_string(), "Data PD sent");
        shots.take(&c, "sekolah").await;

        c.goto(&format!("{base}/belum_kirim")).await.unwrap();
        assert!(c.source().await.unwrap().contains(&unsent));
        shots.take(&c, "belum_kirim").await;
        c.goto(&format!("{base}/unduhan")).await.unwrap();
        shots.take(&c, "unduhan").await;

        // Staff: log in, open the kecamatan, download the students as XLSX and read it.
        login(&c, &base, STAF).await;
        shots.take(&c, "staf_beranda").await;
        c.goto(&format!("{base}/staf/kecamatan/{kec}"))
            .await
            .unwrap();
        shots.take(&c, "staf_kecamatan").await;
        c.goto(&format!("{base}/staf/kecamatan/{kec}/daftar/peserta-didik"))
            .await
            .unwrap();
        let pd_total: u64 = by_kec[&kec]
            .iter()
            .filter(|r| r.npsn != unsent)
            .map(|r| kab.truth_of(&r.npsn).peserta_didik)
            .sum();
        assert!(c.source().await.unwrap().contains("Menampilkan 1 sampai"));
        shots.take(&c, "staf_peserta_didik").await;
        c.find(Locator::Css(
            "a[href$=\"/daftar/peserta-didik/unduh/xlsx\"]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        let file = downloaded(&downloads, "xlsx").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let bytes = std::fs::read(&file).unwrap();
        let sheet = {
            use calamine::{Reader, Xlsx};
            let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
            let name = wb.sheet_names()[0].clone();
            let range = wb.worksheet_range(&name).unwrap();
            range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<String>>())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            sheet.len() as u64,
            pd_total + 1,
            "header + one row per student"
        );
        let nik = sheet[0].iter().position(|h| h == "NIK").unwrap();
        let npsn_col = sheet[0].iter().position(|h| h == "NPSN").unwrap();
        assert!(
            sheet[1..]
                .iter()
                .all(|r| r[nik].is_empty() || r[nik].contains("****")),
            "NIK masked"
        );
        let mut per_school: std::collections::BTreeMap<String, u64> = Default::default();
        for r in &sheet[1..] {
            *per_school.entry(r[npsn_col].clone()).or_default() += 1;
        }
        for (npsn, n) in &per_school {
            assert_eq!(*n, kab.truth_of(npsn).peserta_didik, "students of {npsn}");
        }
        c.find(Locator::Css("form[action$=\"/logout\"] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/").await;

        // A korwil: own kecamatan yes, another no.
        login(&c, &base, KORWIL).await;
        c.goto(&format!("{base}/staf/kecamatan/{kec}"))
            .await
            .unwrap();
        assert!(c.source().await.unwrap().contains("Data per Kecamatan"));
        c.goto(&format!("{base}/staf/kecamatan/{other_kec}"))
            .await
            .unwrap();
        assert_eq!(text_of(&c, "main h1, h1").await, "Akses ditolak");
        shots.take(&c, "korwil_ditolak").await;
        c.goto(&format!(
            "{base}/staf/kecamatan/{other_kec}/daftar/peserta-didik/unduh/xlsx"
        ))
        .await
        .unwrap();
        assert!(c.source().await.unwrap().contains("Akses ditolak"));
    });
    let outcome = futures::FutureExt::catch_unwind(walk).await;
    let _ = c.close().await;
    drop(driver);
    eprintln!("screenshots: {}", shots.dir.display());
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    server.shutdown().await;
}
