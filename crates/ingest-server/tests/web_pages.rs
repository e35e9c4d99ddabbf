// Over 400 lines: one test per page family over real HTTP, each run on both backends.
//! The district pages over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL, with a
//! generated kabupaten sent through protocol v1: public pages against the generator's
//! truth, privacy, caching; login, sessions, CSRF, rate limiting; staff lists and
//! downloads per role; NIK reveal and the audit log; program lists; administration.

mod common;
mod web_support;

use std::collections::BTreeMap;
use std::io::Read as _;

use common::TestDb;
use district_web::auth::Role;
use ingest_server::RunningServer;
use serde_json::Value;
use shared_model::DataKind;
use web_support::*;

const DINAS: &str = "Dinas Pendidikan Kabupaten Mekarsari";
const ADMIN: (&str, &str) = ("admin", "sandi-admin-12345");
const STAF: (&str, &str) = ("staf.dinas", "sandi-staf-12345");
const KORWIL: (&str, &str) = ("korwil.satu", "sandi-korwil-12345");

struct Env {
    server: RunningServer,
    kab: Kabupaten,
    /// A reference school that has not sent.
    unsent: String,
    /// The kecamatan with the most schools (the korwil's).
    kec: String,
    /// Another kecamatan with schools.
    other_kec: String,
    downloads: std::path::PathBuf,
    _dir: tempfile::TempDir,
    _db: TestDb,
}

impl Env {
    async fn start(db: TestDb) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let kab = Kabupaten::generate(&dir.path().join("kab"), 3, 14).unwrap();
        let downloads = dir.path().join("unduhan");
        std::fs::create_dir_all(&downloads).unwrap();
        std::fs::write(
            downloads.join("db-helper-0.1.0-x64.msi"),
            b"MSI installer bytes",
        )
        .unwrap();
        std::fs::write(downloads.join("Panduan Operator.pdf"), b"%PDF-1.4 panduan").unwrap();
        std::fs::write(downloads.join(".rahasia"), b"jangan").unwrap();
        let mut config = db.config();
        config.downloads_dir = downloads.clone();
        config.site.nama_dinas = DINAS.into();
        config.site.nama_kabupaten = "Kab. Mekarsari".into();
        let server = ingest_server::start(config).await.expect("server starts");

        let by_kec = kab.by_kecamatan();
        let mut sizes: Vec<(&String, usize)> = by_kec.iter().map(|(k, v)| (k, v.len())).collect();
        sizes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let kec = sizes[0].0.clone();
        let other_kec = sizes[1].0.clone();
        let unsent = by_kec[&kec].last().unwrap().npsn.clone();
        load(&server, &kab, &[&unsent], 4)
            .await
            .expect("kabupaten loads");
        add_staff(&server, ADMIN.0, &Role::Admin, ADMIN.1)
            .await
            .unwrap();
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
        Env {
            server,
            kab,
            unsent,
            kec,
            other_kec,
            downloads,
            _dir: dir,
            _db: db,
        }
    }

    fn web(&self) -> Web {
        Web::new(&self.server.base_url)
    }

    async fn logged_in(&self, who: (&str, &str)) -> Web {
        let web = self.web();
        web.login(who.0, who.1).await.assert_status(303);
        web
    }

    fn sent(&self) -> Vec<&str> {
        self.kab
            .reference
            .iter()
            .map(|r| r.npsn.as_str())
            .filter(|n| *n != self.unsent)
            .collect()
    }

    fn sent_in(&self, kode: &str) -> Vec<&str> {
        self.kab.by_kecamatan()[kode]
            .iter()
            .map(|r| r.npsn.as_str())
            .filter(|n| *n != self.unsent)
            .collect()
    }

    async fn finish(self) {
        self.server.shutdown().await;
    }
}

fn gunzip(bytes: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[track_caller]
fn assert_html_page(a: &Answer) {
    assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        a.header("content-security-policy")
            .is_some_and(|c| c.contains("default-src 'self'")),
        "CSP header"
    );
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
}

fn counts(t: &dapodik_sim::Truth) -> Vec<String> {
    [
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
    .collect()
}

/// Personal values of a school's students and staff that must never be public.
fn personal_values(kab: &Kabupaten, npsn: &str) -> Vec<String> {
    let mut out = Vec::new();
    for kind in [DataKind::PesertaDidik, DataKind::Ptk] {
        for row in kab.rows(npsn, kind).unwrap() {
            // Full names (two words or more), identifiers and birth dates; single words
            // (a street that is also a village name) would be false alarms.
            for key in ["nama", "nama_ibu"] {
                if let Some(v) = row[key].as_str().filter(|v| v.trim().contains(' ')) {
                    out.push(v.to_owned());
                }
            }
            for key in ["nik", "nisn", "tanggal_lahir"] {
                if let Some(v) = row[key].as_str().filter(|v| v.len() >= 8) {
                    out.push(v.to_owned());
                }
            }
        }
    }
    out
}

async fn public_pages_match_the_truth(db: TestDb) {
    let env = Env::start(db).await;
    let web = env.web();
    let sent = env.sent();

    // Beranda.
    let a = web.get("/").await;
    a.assert_status(200);
    assert_html_page(&a);
    let home = a.text();
    assert!(home.contains(DINAS));
    assert!(home.contains("<svg"), "progress chart");

    // Progres Kirim Data: one row per sent school with the truth's 8 counts.
    let a = web.get("/progres_data").await;
    a.assert_status(200);
    let html = a.text();
    let rows = body_rows(table_by_id(&html, "tabel-progres").unwrap());
    assert_eq!(rows.len(), sent.len());
    for row in &rows {
        let npsn = &row[3];
        assert_eq!(
            row[5..13].to_vec(),
            counts(env.kab.truth_of(npsn)),
            "{npsn}"
        );
    }
    // Filtered views are rendered per request.
    let kec_name = env.kab.school(sent[0]).kecamatan.clone();
    let filtered = web
        .get(&format!(
            "/progres_data?kecamatan={}",
            district_web::common::percent_encode(&kec_name)
        ))
        .await;
    let n = body_rows(table_by_id(&filtered.text(), "tabel-progres").unwrap()).len();
    let expected = sent
        .iter()
        .filter(|n| env.kab.school(n).kecamatan == kec_name)
        .count();
    assert_eq!(n, expected);
    let q = web.get(&format!("/progres_data?q={}", sent[1])).await;
    assert_eq!(
        body_rows(table_by_id(&q.text(), "tabel-progres").unwrap()).len(),
        1
    );

    // Cached public page: gzip, ETag, 304.
    let gz = web
        .get_with("/progres_data", &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("vary"), Some("accept-encoding"));
    assert_eq!(gunzip(&gz.bytes), html, "gzip body is the same page");
    let etag = gz.header("etag").unwrap().to_owned();
    let again = web
        .get_with("/progres_data", &[("if-none-match", &etag)])
        .await;
    again.assert_status(304);

    // Data Pokok: sent schools, and reference schools with ?tampil=referensi.
    let dp = web.get("/data_pokok").await.text();
    let total_row = |html: &str| {
        let t = table_by_id(html, "matriks-satuan-pendidikan").unwrap();
        let foot = &t[t.find("<tfoot>").unwrap()..];
        cells(foot).last().unwrap().clone()
    };
    assert_eq!(total_row(&dp), sent.len().to_string());
    let dp_ref = web.get("/data_pokok?tampil=referensi").await.text();
    assert_eq!(total_row(&dp_ref), env.kab.reference.len().to_string());
    assert!(dp.contains(&format!("data-kecamatan=\"{}\"", env.kec)));

    // A kecamatan: every reference school of it, sent or not.
    let daftar = web.get(&format!("/data_pokok/kecamatan/{}", env.kec)).await;
    daftar.assert_status(200);
    let daftar = daftar.text();
    for s in &env.kab.by_kecamatan()[&env.kec] {
        assert!(
            row_cells(&daftar, "data-npsn", &s.npsn).is_some(),
            "{} listed",
            s.npsn
        );
    }
    web.get("/data_pokok/kecamatan/999999")
        .await
        .assert_status(404);

    // A school page: PTK and class numbers of the truth.
    let npsn = env.sent_in(&env.kec)[0].to_owned();
    let t = env.kab.truth_of(&npsn);
    let page = web.get(&format!("/sekolah/{npsn}")).await;
    page.assert_status(200);
    let page = page.text();
    let ptk = table_by_id(&page, "data-ptk").unwrap();
    let foot = cells(&ptk[ptk.find("<tfoot>").unwrap()..]);
    assert_eq!(foot[1], (t.guru_l + t.guru_p).to_string());
    assert_eq!(foot[2], (t.tendik_l + t.tendik_p).to_string());
    let rombel: Vec<_> = env
        .kab
        .truth_rombel
        .iter()
        .filter(|r| r.npsn == npsn)
        .collect();
    if !rombel.is_empty() {
        let pd = table_by_id(&page, "data-pd").unwrap();
        let foot = cells(&pd[pd.find("<tfoot>").unwrap()..]);
        let sum: u64 = rombel.iter().map(|r| r.laki_laki + r.perempuan).sum();
        assert_eq!(foot.last().unwrap(), &sum.to_string());
    }
    let unsent = web.get(&format!("/sekolah/{}", env.unsent)).await.text();
    assert!(unsent.contains("Belum pernah mengirim data"));
    web.get("/sekolah/abc").await.assert_status(404);
    web.get("/sekolah/20999999").await.assert_status(404);

    // Belum Kirim: the unsent school; all of them since a future date.
    let belum = web.get("/belum_kirim").await.text();
    assert!(belum.contains(&env.unsent));
    assert!(!belum.contains(&format!(">{}<", sent[0])));
    let future = web.get("/belum_kirim?sejak=2999-01-01").await.text();
    for n in &sent {
        assert!(future.contains(n.to_owned()), "{n} not sent since 2999");
    }

    // No personal data on any public page or public API answer.
    let mut public = vec![home, html.clone(), dp, daftar, page, belum];
    for path in ["/api/v1/progres", &format!("/api/v1/sekolah/{npsn}")] {
        public.push(web.get(path).await.text());
    }
    let personal = personal_values(&env.kab, &npsn);
    assert!(!personal.is_empty());
    for text in &public {
        for v in &personal {
            assert!(
                !text.contains(v.as_str()),
                "personal value {v:?} on a public page"
            );
        }
    }

    // Downloads folder.
    let unduhan = web.get("/unduhan").await;
    unduhan.assert_status(200);
    let unduhan = unduhan.text();
    assert!(unduhan.contains("db-helper-0.1.0-x64.msi"));
    assert!(unduhan.contains("Panduan Operator.pdf"));
    assert!(!unduhan.contains(".rahasia"));
    let file = web.get("/unduhan/Panduan%20Operator.pdf").await;
    file.assert_status(200);
    assert_eq!(
        file.bytes,
        std::fs::read(env.downloads.join("Panduan Operator.pdf")).unwrap()
    );
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    for bad in [
        "/unduhan/.rahasia",
        "/unduhan/..%2Fkab%2Freference.csv",
        "/unduhan/tidak-ada.msi",
    ] {
        web.get(bad).await.assert_status(404);
    }

    // Embedded assets: hashed URL, immutable, 304.
    let css_at = html.find("/static/app.").unwrap();
    let css = &html[css_at..css_at + html[css_at..].find('"').unwrap()];
    let a = web.get(css).await;
    a.assert_status(200);
    assert!(a.header("cache-control").unwrap().contains("immutable"));
    let etag = a.header("etag").unwrap().to_owned();
    web.get_with(css, &[("if-none-match", &etag)])
        .await
        .assert_status(304);

    // Unknown pages: HTML outside the API, JSON inside.
    let missing = web.get("/tidak-ada").await;
    missing.assert_status(404);
    assert_html_page(&missing);
    assert!(missing.text().contains("Halaman tidak ditemukan"));
    let api_missing = web.get("/api/v1/tidak-ada").await;
    api_missing.assert_status(404);
    assert_eq!(
        serde_json::from_slice::<Value>(&api_missing.bytes).unwrap()["error"],
        "not_found"
    );
    env.finish().await;
}

async fn login_sessions_csrf_and_rate_limit(db: TestDb) {
    let env = Env::start(db).await;
    let web = env.web();

    // Staff pages need a login and come back afterwards.
    let a = web.get("/staf").await;
    a.assert_status(303);
    assert_eq!(a.header("location"), Some("/login?berikutnya=%2Fstaf"));

    // Wrong password: same message as an unknown user, no session.
    let a = web.login(STAF.0, "salah-sekali-123").await;
    a.assert_status(401);
    assert!(a.text().contains("Nama pengguna atau kata sandi salah."));
    assert!(web.cookie("dw_sesi").is_none());
    web.login("tidak.ada", "salah-sekali-123")
        .await
        .assert_status(401);

    // A login form posted without its pre-session (CSRF) is refused.
    let other = env.web();
    other
        .post_form(
            "/login",
            &[
                ("username", STAF.0),
                ("password", STAF.1),
                ("csrf_token", "palsu"),
            ],
        )
        .await
        .assert_status(403);
    assert!(other.cookie("dw_sesi").is_none());

    // Success: a new HttpOnly SameSite session cookie, back to the page asked for.
    let form = web.get("/login?berikutnya=%2Fstaf%2Fprogram").await;
    let csrf = form.csrf().unwrap();
    let a = web
        .post_form(
            "/login",
            &[
                ("username", "Staf.Dinas"),
                ("password", STAF.1),
                ("csrf_token", &csrf),
                ("berikutnya", "/staf/program"),
            ],
        )
        .await;
    a.assert_status(303);
    assert_eq!(a.header("location"), Some("/staf/program"));
    let set_cookie: Vec<&str> = a
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("dw_sesi="))
        .unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    let staf = web.get("/staf").await;
    staf.assert_status(200);
    assert_eq!(staf.header("cache-control"), Some("no-store"));
    // Open redirects are not followed.
    let a = web.get("/login?berikutnya=%2F%2Fevil.example").await;
    assert_eq!(a.header("location"), Some("/staf"));

    // Logout needs the CSRF token.
    let csrf = staf.csrf().unwrap();
    web.post_form("/logout", &[("csrf_token", "salah")])
        .await
        .assert_status(403);
    web.get("/staf").await.assert_status(200);
    let a = web.post_form("/logout", &[("csrf_token", &csrf)]).await;
    a.assert_status(303);
    assert_eq!(a.header("location"), Some("/"));
    let stolen = env.web();
    stolen.set_cookie("dw_sesi", "x");
    stolen.get("/staf").await.assert_status(303);
    web.get("/staf").await.assert_status(303);

    // Five failures lock the username (even the right password) with 429 + Retry-After.
    let attacker = env.web();
    for _ in 0..5 {
        attacker
            .login(KORWIL.0, "tebakan-salah-1")
            .await
            .assert_status(401);
    }
    let a = attacker.login(KORWIL.0, KORWIL.1).await;
    a.assert_status(429);
    assert!(a.header("retry-after").is_some());
    assert!(a.text().contains("Terlalu banyak percobaan masuk"));

    // The audit log has the logins and failures.
    let admin = env.logged_in(ADMIN).await;
    let audit = admin.get("/admin/audit?aksi=login_gagal").await;
    audit.assert_status(200);
    let audit = audit.text();
    assert!(audit.contains(KORWIL.0) && audit.contains("tidak.ada"));
    assert!(
        admin
            .get("/admin/audit?aksi=logout")
            .await
            .text()
            .contains(STAF.0)
    );
    env.finish().await;
}

async fn staff_lists_downloads_and_roles(db: TestDb) {
    let env = Env::start(db).await;
    let kec = env.kec.clone();
    let sent = env.sent_in(&kec);

    // A korwil sees only their own kecamatan and no administration.
    let korwil = env.logged_in(KORWIL).await;
    let home = korwil.get("/staf").await.text();
    assert!(home.contains(&format!("data-kecamatan=\"{kec}\"")));
    assert!(!home.contains(&format!("data-kecamatan=\"{}\"", env.other_kec)));
    korwil
        .get(&format!("/staf/kecamatan/{kec}"))
        .await
        .assert_status(200);
    for path in [
        format!("/staf/kecamatan/{}", env.other_kec),
        format!("/staf/kecamatan/{}/daftar/peserta-didik", env.other_kec),
        format!("/staf/kecamatan/{}/daftar/gtk/unduh/xlsx", env.other_kec),
        format!("/staf/kecamatan/{}/program/pip", env.other_kec),
        "/admin/akun".to_owned(),
        "/admin/audit".to_owned(),
        "/staf/program".to_owned(),
    ] {
        let a = korwil.get(&path).await;
        a.assert_status(403);
        assert!(a.text().contains("Akses ditolak"), "{path}");
    }
    korwil
        .get(&format!("/staf/kecamatan/{kec}/daftar/tidak-ada"))
        .await
        .assert_status(404);

    // Staf dinas: the students of the kecamatan, paged, NIK masked.
    let staf = env.logged_in(STAF).await;
    let pd_total: u64 = sent.iter().map(|n| env.kab.truth_of(n).peserta_didik).sum();
    let page = staf
        .get(&format!("/staf/kecamatan/{kec}/daftar/peserta-didik"))
        .await;
    page.assert_status(200);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let html = page.text();
    assert!(html.contains(&format!("dari {} entri", district_web_angka(pd_total))));
    let rows = body_rows(table_by_id(&html, "tabel-daftar").unwrap());
    assert_eq!(rows.len() as u64, pd_total.min(100));
    let nik_col = 6;
    assert!(rows.iter().any(|r| r[nik_col].contains("********")));
    if pd_total > 100 {
        let p2 = staf
            .get(&format!(
                "/staf/kecamatan/{kec}/daftar/peserta-didik?halaman=2"
            ))
            .await
            .text();
        let r2 = body_rows(table_by_id(&p2, "tabel-daftar").unwrap());
        assert_eq!(r2[0][0], "101", "numbering continues on page 2");
    }

    // CSV: BOM, the whole list, NIK masked.
    let csv = staf
        .get(&format!(
            "/staf/kecamatan/{kec}/daftar/peserta-didik/unduh/csv"
        ))
        .await;
    csv.assert_status(200);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"peserta-didik_")
    );
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv.bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let nik = header.iter().position(|h| h == "NIK").unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len() as u64, pd_total);
    assert!(
        records
            .iter()
            .all(|r| r[nik].is_empty() || r[nik].contains('*'))
    );

    // XLSX: the same rows.
    let xlsx = staf
        .get(&format!(
            "/staf/kecamatan/{kec}/daftar/peserta-didik/unduh/xlsx"
        ))
        .await;
    xlsx.assert_status(200);
    let sheet = read_xlsx(&xlsx.bytes);
    assert_eq!(sheet.len() as u64, pd_total + 1);
    assert_eq!(sheet[0][0], "No");

    // Rombongan belajar: class members per gender as the truth counts them.
    let rombel = staf
        .get(&format!(
            "/staf/kecamatan/{kec}/daftar/rombongan-belajar/unduh/csv"
        ))
        .await;
    let mut reader = csv::Reader::from_reader(&rombel.bytes[3..]);
    let h: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (c_npsn, c_nama, c_l, c_p) = (
        col("NPSN"),
        col("Nama Rombel"),
        col("Laki-laki"),
        col("Perempuan"),
    );
    let mut got: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    let listed: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for r in &listed {
        got.entry((r[c_npsn].to_owned(), r[c_nama].to_owned()))
            .or_default()
            .push((r[c_l].to_owned(), r[c_p].to_owned()));
    }
    let rombel_total: u64 = sent.iter().map(|n| env.kab.truth_of(n).rombel).sum();
    assert_eq!(listed.len() as u64, rombel_total);
    for t in env
        .kab
        .truth_rombel
        .iter()
        .filter(|t| sent.contains(&t.npsn.as_str()))
    {
        let entries = &got[&(t.npsn.clone(), t.nama.clone())];
        assert!(
            entries.contains(&(t.laki_laki.to_string(), t.perempuan.to_string())),
            "{} {}: {entries:?} vs L {} P {}",
            t.npsn,
            t.nama,
            t.laki_laki,
            t.perempuan
        );
    }

    // GTK and addresses: one row per PTK / school.
    let gtk = staf
        .get(&format!("/staf/kecamatan/{kec}/daftar/gtk/unduh/xlsx"))
        .await;
    let gtk_total: u64 = sent.iter().map(|n| env.kab.truth_of(n).ptk).sum();
    assert_eq!(read_xlsx(&gtk.bytes).len() as u64, gtk_total + 1);
    let alamat = staf
        .get(&format!(
            "/staf/kecamatan/{kec}/daftar/alamat-satuan-pendidikan"
        ))
        .await
        .text();
    let rows = body_rows(table_by_id(&alamat, "tabel-daftar").unwrap());
    assert_eq!(rows.len(), env.kab.by_kecamatan()[&kec].len());
    // One school only.
    let one = staf
        .get(&format!(
            "/staf/kecamatan/{kec}/daftar/gtk/unduh/csv?npsn={}",
            sent[0]
        ))
        .await;
    let n = csv::Reader::from_reader(&one.bytes[3..]).records().count() as u64;
    assert_eq!(n, env.kab.truth_of(sent[0]).ptk);

    // NIK reveal: a reason is required, the full NIK is shown and the reason audited.
    let page = staf
        .get(&format!(
            "/staf/kecamatan/{kec}/daftar/gtk?npsn={}",
            sent[0]
        ))
        .await;
    let csrf = page.csrf().unwrap();
    let path = format!("/staf/kecamatan/{kec}/daftar/gtk/buka-nik");
    staf.post_form(
        &path,
        &[("csrf_token", &csrf), ("alasan", " "), ("format", "html")],
    )
    .await
    .assert_status(400);
    staf.post_form(
        &path,
        &[
            ("csrf_token", "salah"),
            ("alasan", "verifikasi"),
            ("format", "html"),
        ],
    )
    .await
    .assert_status(403);
    let full_nik: Vec<String> = env
        .kab
        .rows(sent[0], DataKind::Ptk)
        .unwrap()
        .iter()
        .filter_map(|r| {
            r["nik"]
                .as_str()
                .filter(|n| n.len() == 16)
                .map(str::to_owned)
        })
        .collect();
    assert!(!full_nik.is_empty());
    assert!(!page.text().contains(&full_nik[0]), "masked by default");
    let open = staf
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("alasan", "Verifikasi tunjangan <b>guru</b>"),
                ("format", "html"),
                ("npsn", sent[0]),
            ],
        )
        .await;
    open.assert_status(200);
    assert!(open.text().contains(&full_nik[0]));
    let file = staf
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("alasan", "Verifikasi tunjangan"),
                ("format", "csv"),
                ("npsn", sent[0]),
            ],
        )
        .await;
    file.assert_status(200);
    assert!(String::from_utf8_lossy(&file.bytes).contains(&full_nik[0]));

    // The audit log records views, downloads and the reveal with its (escaped) reason.
    let admin = env.logged_in(ADMIN).await;
    let log = admin.get("/admin/audit?aksi=buka_nik").await.text();
    assert!(log.contains("Verifikasi tunjangan &lt;b&gt;guru&lt;/b&gt;"));
    assert!(!log.contains("<b>guru</b>"));
    let log = admin
        .get("/admin/audit?aksi=unduh_data_pribadi&pengguna=staf")
        .await
        .text();
    assert!(log.contains("Data Peserta Didik") && log.contains("XLSX"));
    let log = admin
        .get("/admin/audit?aksi=lihat_data_pribadi")
        .await
        .text();
    assert!(log.contains(STAF.0));
    env.finish().await;
}

/// `12.345` (the pages' thousands separator).
fn district_web_angka(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn program_lists_are_matched_and_recapped(db: TestDb) {
    let env = Env::start(db).await;
    let kec = env.kec.clone();
    let school = env.sent_in(&kec)[0].to_owned();
    let students: Vec<Value> = env
        .kab
        .rows(&school, DataKind::PesertaDidik)
        .unwrap()
        .into_iter()
        .filter(|r| r["nisn"].as_str().is_some_and(|n| !n.is_empty()))
        .take(3)
        .collect();
    assert_eq!(students.len(), 3);
    let mut csv = String::from("No;NISN;Nama Siswa;Program;Tahun\n");
    for (i, s) in students.iter().enumerate() {
        csv.push_str(&format!(
            "{};{};{};PIP;2025\n",
            i + 1,
            s["nisn"].as_str().unwrap(),
            s["nama"].as_str().unwrap_or("")
        ));
    }
    csv.push_str("4;0099999999;Tidak Terdaftar;PIP;2025\n");

    let staf = env.logged_in(STAF).await;
    let form = staf.get("/staf/program").await;
    form.assert_status(200);
    let csrf = form.csrf().unwrap();
    let upload = |csrf: String, body: String| {
        reqwest::multipart::Form::new()
            .text("csrf_token", csrf)
            .text("program", "")
            .text("tahun", "2025")
            .part(
                "berkas",
                reqwest::multipart::Part::bytes(body.into_bytes()).file_name("pip-2025.csv"),
            )
    };
    staf.post_multipart("/staf/program", upload("salah".into(), csv.clone()))
        .await
        .assert_status(403);
    let result = staf
        .post_multipart("/staf/program", upload(csrf.clone(), csv.clone()))
        .await;
    result.assert_status(200);
    let html = result.text();
    let hasil = &html[html.find("id=\"hasil-unggah\"").unwrap()..];
    assert!(
        hasil.contains("<span class=\"angka-besar\">3</span>"),
        "3 matched"
    );
    assert!(
        hasil.contains("<span class=\"angka-besar\">1</span>"),
        "1 unmatched"
    );
    assert!(hasil.contains("Tidak Terdaftar"));

    // The recap of the kecamatan lists the recipients (NIK masked).
    let recap = staf
        .get(&format!("/staf/kecamatan/{kec}/program/pip?tahun=2025"))
        .await;
    recap.assert_status(200);
    let recap = recap.text();
    for s in &students {
        assert!(
            recap.contains(s["nama"].as_str().unwrap()),
            "recipient listed"
        );
    }
    // Other kecamatan have none; a korwil of the kecamatan sees them, others cannot.
    let other = staf
        .get(&format!("/staf/kecamatan/{}/program/pip", env.other_kec))
        .await
        .text();
    assert!(!other.contains(students[0]["nama"].as_str().unwrap()));
    let korwil = env.logged_in(KORWIL).await;
    assert!(
        korwil
            .get(&format!("/staf/kecamatan/{kec}/program/pip"))
            .await
            .text()
            .contains(students[0]["nama"].as_str().unwrap())
    );

    // A corrected list for the same program and year replaces the recipients.
    let fewer: String = csv.lines().take(2).map(|l| format!("{l}\n")).collect();
    staf.post_multipart("/staf/program", upload(csrf.clone(), fewer))
        .await
        .assert_status(200);
    let recap = staf
        .get(&format!("/staf/kecamatan/{kec}/program/pip?tahun=2025"))
        .await
        .text();
    assert!(recap.contains(students[0]["nama"].as_str().unwrap()));
    assert!(!recap.contains(students[2]["nama"].as_str().unwrap()));

    // A file that is not a list.
    let bad = staf
        .post_multipart("/staf/program", upload(csrf, "bukan daftar\n".into()))
        .await;
    bad.assert_status(200);
    assert!(bad.text().contains("pesan-galat"));
    env.finish().await;
}

async fn administration(db: TestDb) {
    let env = Env::start(db).await;
    let admin = env.logged_in(ADMIN).await;
    // Staf dinas may not administer.
    let staf = env.logged_in(STAF).await;
    staf.get("/admin/kode-registrasi").await.assert_status(403);

    // Accounts: refused form, then a new korwil who can log in; deactivation ends sessions.
    let page = admin.get("/admin/akun").await;
    page.assert_status(200);
    let csrf = page.csrf().unwrap();
    let short = admin
        .post_form(
            "/admin/akun",
            &[
                ("csrf_token", &csrf),
                ("username", "korwil.dua"),
                ("nama", "Korwil Dua"),
                ("peran", "korwil"),
                ("kode_kecamatan", &env.other_kec),
                ("kata_sandi", "pendek"),
            ],
        )
        .await;
    short.assert_status(400);
    assert!(short.text().contains("Kata sandi minimal"));
    let ok = admin
        .post_form(
            "/admin/akun",
            &[
                ("csrf_token", &csrf),
                ("username", "korwil.dua"),
                ("nama", "Korwil <Dua>"),
                ("peran", "korwil"),
                ("kode_kecamatan", &env.other_kec),
                ("kata_sandi", "sandi-korwil-dua-1"),
            ],
        )
        .await;
    ok.assert_status(303);
    let list = admin.get("/admin/akun?pesan=akun-dibuat").await.text();
    assert!(list.contains("Akun staf dibuat.") && list.contains("Korwil &lt;Dua&gt;"));
    let dua = env.logged_in(("korwil.dua", "sandi-korwil-dua-1")).await;
    dua.get(&format!("/staf/kecamatan/{}", env.other_kec))
        .await
        .assert_status(200);
    let accounts = env.server.state.web.db().staff_list().await.unwrap();
    let id = accounts
        .iter()
        .find(|a| a.username == "korwil.dua")
        .unwrap()
        .id
        .clone();
    admin
        .post_form(
            &format!("/admin/akun/{id}"),
            &[("csrf_token", &csrf), ("aksi", "nonaktifkan")],
        )
        .await
        .assert_status(303);
    dua.get("/staf").await.assert_status(303);
    env.web()
        .login("korwil.dua", "sandi-korwil-dua-1")
        .await
        .assert_status(401);

    // Kode registrasi: rotate one school's code; the printed code enrolls, the old does not.
    let npsn = env.unsent.clone();
    let kode_page = admin.get("/admin/kode-registrasi").await;
    kode_page.assert_status(200);
    let printed = admin
        .post_form(
            &format!("/admin/kode-registrasi/{npsn}/ganti"),
            &[("csrf_token", &csrf)],
        )
        .await;
    printed.assert_status(200);
    assert_eq!(printed.header("cache-control"), Some("no-store"));
    let html = printed.text();
    let at = html.find("<p class=\"kode\">").expect("printed code") + "<p class=\"kode\">".len();
    let code = &html[at..at + html[at..].find('<').unwrap()];
    let api = common::Api::new(&env.server.base_url);
    api.enroll(&npsn, code, "0.1.0").await.assert_ok();
    assert_eq!(html.matches("<p class=\"kode\">").count(), 1, "one slip");

    // Reference import from the browser: names are escaped on every page.
    let reference = std::fs::read_to_string(env.kab.dir.join("reference.csv")).unwrap();
    let sent_victim = env.sent_in(&env.kec)[0].to_owned();
    let edited = reference
        .replacen(
            &env.kab.school(&env.unsent).nama,
            "SD <script>alert(1)</script>",
            1,
        )
        .replacen(
            &env.kab.school(&sent_victim).nama,
            "SD <img src=x onerror=alert(2)>",
            1,
        );
    let page = admin.get("/admin/referensi").await;
    let csrf_ref = page.csrf().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_ref.clone())
        .part(
            "berkas",
            reqwest::multipart::Part::bytes(edited.into_bytes()).file_name("referensi.csv"),
        );
    let imported = admin.post_multipart("/admin/referensi", form).await;
    imported.assert_status(200);
    assert!(imported.text().contains("Hasil impor referensi.csv"));
    let web = env.web();
    let script = "SD &lt;script&gt;alert(1)&lt;/script&gt;";
    let img = "SD &lt;img src=x onerror=alert(2)&gt;";
    for (path, escaped) in [
        ("/progres_data".to_owned(), img),
        (format!("/data_pokok/kecamatan/{}", env.kec), script),
        (format!("/sekolah/{}", env.unsent), script),
        ("/belum_kirim".to_owned(), script),
        ("/belum_kirim?sejak=2999-01-01".to_owned(), img),
    ] {
        let t = web.get(&path).await.text();
        assert!(t.contains(escaped), "{path}");
        assert!(
            !t.contains("<script>alert") && !t.contains("<img src=x"),
            "{path}"
        );
    }
    let kode = admin.get("/admin/kode-registrasi").await.text();
    assert!(kode.contains(script) && !kode.contains("<script>alert"));
    let refused = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_ref)
        .part(
            "berkas",
            reqwest::multipart::Part::bytes(b"npsn,nama\n1,2\n".to_vec()).file_name("rusak.csv"),
        );
    let r = admin.post_multipart("/admin/referensi", refused).await;
    r.assert_status(400);
    assert!(r.text().contains("Berkas ditolak"));

    // Helper version policy.
    let page = admin.get("/admin/versi-helper").await;
    let csrf_v = page.csrf().unwrap();
    admin
        .post_form(
            "/admin/versi-helper",
            &[
                ("csrf_token", &csrf_v),
                ("latest_version", "0.3.0"),
                ("min_version", "0.4.0"),
                ("download_url", "/unduhan"),
                ("notes", ""),
            ],
        )
        .await
        .assert_status(400);
    admin
        .post_form(
            "/admin/versi-helper",
            &[
                ("csrf_token", &csrf_v),
                ("latest_version", "0.3.0"),
                ("min_version", "0.1.0"),
                ("download_url", "/unduhan"),
                ("notes", "Perbaikan"),
            ],
        )
        .await
        .assert_status(303);
    let v: Value = serde_json::from_slice(&web.get("/api/v1/version").await.bytes).unwrap();
    assert_eq!(v["latest_version"], "0.3.0");

    // Everything above is in the audit log.
    let log = admin.get("/admin/audit").await.text();
    for aksi in [
        "Akun dibuat",
        "Akun diubah",
        "Kode registrasi diganti",
        "Referensi diimpor",
        "Versi helper diubah",
    ] {
        assert!(log.contains(aksi), "{aksi} audited");
    }
    env.finish().await;
}

/// A school that is sending right now shows up as "sedang mengirim" with its progress.
async fn live_progress_is_shown(db: TestDb) {
    let env = Env::start(db).await;
    let web = env.web();
    let before = web.get("/progres_data").await.text();
    assert!(!before.contains("sedang mengirim"));
    let code = ingest_server::enrollment::generate_kode_registrasi(
        &env.server.store,
        Some(std::slice::from_ref(&env.unsent)),
    )
    .await
    .unwrap()
    .remove(0)
    .2;
    let api = common::Api::new(&env.server.base_url);
    let token = api.enroll(&env.unsent, &code, "0.1.0").await.assert_ok()["school_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let batches = env.kab.batches(&env.unsent).unwrap();
    let open = api.open(&token, &env.unsent, &batches).await;
    let sid = open.assert_ok()["session_id"].as_str().unwrap().to_owned();
    api.put_batch(&token, &sid, &batches[0], common::Enc::Zstd)
        .await
        .assert_ok();
    // Public pages follow the data within about a second.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let during = web.get("/progres_data").await.text();
    let row = during
        .split("<tr")
        .find(|r| r.contains(&env.unsent))
        .expect("the sending school is listed");
    assert!(row.contains("sedang mengirim"), "{row}");
    assert!(web.get("/").await.text().contains(&env.unsent));
    env.finish().await;
}

/// `ingest-server staf tambah` creates an account that can log in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_adds_staff_accounts() {
    let db = common::sqlite_db();
    let server = ingest_server::start(db.config()).await.unwrap();
    let run = |args: &[&str], password: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ingest-server"));
        cmd.args(args)
            .env("INGEST_DATABASE_URL", &db.url)
            .env("INGEST_DATA_DIR", db.dir.path())
            .env("RUST_LOG", "warn")
            .env_remove("INGEST_STAF_PASSWORD");
        if let Some(p) = password {
            cmd.env("INGEST_STAF_PASSWORD", p);
        }
        cmd.output().unwrap()
    };
    let out = run(
        &[
            "staf",
            "tambah",
            "--username",
            "Admin",
            "--nama",
            "Administrator",
            "--peran",
            "admin",
        ],
        Some("sandi-admin-12345"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        &["staf", "tambah", "--username", "admin", "--peran", "admin"],
        Some("sandi-admin-12345"),
    );
    assert!(!out.status.success(), "duplicate username refused");
    let out = run(
        &["staf", "tambah", "--username", "k", "--peran", "korwil"],
        Some("sandi-korwil-12345"),
    );
    assert!(!out.status.success(), "korwil without kecamatan refused");
    let out = run(&["staf", "daftar"], None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("admin,Administrator,admin"));
    let web = Web::new(&server.base_url);
    web.login("admin", "sandi-admin-12345")
        .await
        .assert_status(303);
    web.get("/admin/akun").await.assert_status(200);
    server.shutdown().await;
}

/// `ingest-server kode-registrasi generate` without `--out` prints the CSV and leaves no
/// plain-text list of codes in the data dir; with `--out` it writes the file (owner only).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_kode_registrasi_leaves_no_plain_text_codes_in_the_data_dir() {
    let db = common::sqlite_db();
    let kab = tempfile::tempdir().unwrap();
    let opts = dapodik_sim::GenerateOptions {
        seed: 3,
        schools: 2,
        with_province_schools: false,
    };
    dapodik_sim::generate(&opts, kab.path()).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ingest-server"))
            .args(args)
            .env("INGEST_DATABASE_URL", &db.url)
            .env("INGEST_DATA_DIR", db.dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let reference = kab.path().join("reference.csv");
    let out = run(&["reference", "import", reference.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = run(&["kode-registrasi", "generate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8_lossy(&out.stdout);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("no,kecamatan,npsn,nama_sekolah,kode_registrasi,dibuat_wib")
    );
    assert_eq!(lines.count(), 2, "one code per school:\n{csv}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 kode registrasi dibuat"));
    let left: Vec<String> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert!(left.is_empty(), "CSV files left in the data dir: {left:?}");

    let file = kab.path().join("kode.csv");
    let out = run(&[
        "kode-registrasi",
        "generate",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 3);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner reads the codes");
    }
}

both_backends!(
    live_progress_is_shown,
    public_pages_match_the_truth,
    login_sessions_csrf_and_rate_limit,
    staff_lists_downloads_and_roles,
    program_lists_are_matched_and_recapped,
    administration,
);
