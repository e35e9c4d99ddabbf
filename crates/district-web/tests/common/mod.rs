// Over 400 lines: the view models of every page for the page tests, built in one place.
//! A small generated kabupaten and the view models of every page, for the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use district_web::auth::Role;
use district_web::columns::{
    AlamatSatuanPendidikanRow, GtkListRow, PesertaDidikListRow, RombelListRow,
};
use district_web::common::{ErrorView, KecamatanOption};
use district_web::enrollment::*;
use district_web::helper_version::*;
use district_web::lists::*;
use district_web::matrix::Measure;
use district_web::privacy::NikMode;
use district_web::program::{
    MatchedRow, ParseOptions, Program, StudentKey, UploadFormat, match_program_list,
    parse_program_list,
};
use district_web::programs::*;
use district_web::progress::*;
use district_web::reference::*;
use district_web::staff::*;
use district_web::{FooterLink, PageContext, Pages, SiteConfig, StaffIdentity};
use shared_model::protocol::{
    KelasRecap, ProgresEntry, ProgresLive, PtkRecap, RekapSatuanPendidikan, SekolahPublic,
    VersionInfo,
};
use shared_model::{DataKind, KindCounts};

pub const XSS: &str = "<script>alert(1)</script>";
pub const XSS_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";
pub const XSS_KEC: &str = "Kec. <img src=x onerror=alert(2)>";
pub const XSS_KEC_ESCAPED: &str = "Kec. &lt;img src=x onerror=alert(2)&gt;";
pub const CSRF: &str = "tokenCSRF_uji-123";
/// Student names, NIK and NISN that must never reach a public page.
pub const CANARY_NAMA: &str = "SITI KANARIWATI";
pub const CANARY_NIK: &str = "3299017001990007";
pub const CANARY_NISN: &str = "0098765432";
pub const CANARY_GURU: &str = "BUDI GURUSANTOSO";

pub fn site() -> SiteConfig {
    let mut s = SiteConfig::new("Dinas Pendidikan Kabupaten Mekarsari", "Kab. Mekarsari");
    s.alamat = "Jln. Pendidikan No. 19, Mekarsari 64418".into();
    s.telepon = "(0358) 321667".into();
    s.tautan = vec![FooterLink {
        label: "Dapodikdasmen".into(),
        url: "https://dapo.kemdikbud.go.id".into(),
    }];
    s
}

pub fn pages() -> Pages {
    Pages::new(site())
}

pub struct Kecamatan {
    pub kode: String,
    pub nama: String,
}

pub struct School {
    pub public: SekolahPublic,
    pub kode_kecamatan: String,
    pub sent: bool,
}

pub struct Kabupaten {
    pub kecamatan: Vec<Kecamatan>,
    pub schools: Vec<School>,
    pub entries: Vec<ProgresEntry>,
    pub live: Vec<ProgresLive>,
    pub rekap: Vec<RekapSatuanPendidikan>,
    pub referensi: Vec<SekolahReferensi>,
    pub students: Vec<PesertaDidikListRow>,
    pub student_keys: Vec<StudentKey>,
}

const BENTUK: [&str; 8] = ["SD", "SD", "SMP", "TK", "KB", "SD", "PKBM", "SMA"];

fn counts(pd: u64) -> KindCounts {
    let mut c = KindCounts::default();
    for (k, v) in [
        (DataKind::Sekolah, 1),
        (DataKind::PesertaDidik, pd),
        (DataKind::Ptk, 9),
        (DataKind::RiwayatKepangkatan, 16),
        (DataKind::RiwayatPendidikan, 36),
        (DataKind::Rombel, 6),
        (DataKind::AnggotaRombel, pd),
        (DataKind::Pembelajaran, 22),
    ] {
        c.set(k, v);
    }
    c
}

/// 4 kecamatan × 8 schools; school 3 and 7 of each kecamatan have not sent. School 0 of the
/// first kecamatan is named `<script>alert(1)</script>`; the last kecamatan has an HTML name.
pub fn kabupaten() -> Kabupaten {
    let kec_names = ["Kec. Berbek", "Kec. Nganjuk", "Kec. Lengkong", XSS_KEC];
    let kecamatan: Vec<Kecamatan> = kec_names
        .iter()
        .enumerate()
        .map(|(i, n)| Kecamatan {
            kode: format!("05110{}", i + 1),
            nama: (*n).into(),
        })
        .collect();
    let mut schools = Vec::new();
    let mut entries = Vec::new();
    let mut referensi = Vec::new();
    let mut students = Vec::new();
    let mut student_keys = Vec::new();
    for (k, kec) in kecamatan.iter().enumerate() {
        for (j, bentuk) in BENTUK.iter().copied().enumerate() {
            let npsn = format!("2059{k:02}{j:02}");
            let status = if j % 3 == 0 { "Swasta" } else { "Negeri" };
            let nama = if k == 0 && j == 0 {
                XSS.to_owned()
            } else {
                format!(
                    "{bentuk} {} {} {}",
                    if status == "Negeri" {
                        "NEGERI"
                    } else {
                        "SWASTA"
                    },
                    j + 1,
                    kec.nama.trim_start_matches("Kec. ").to_uppercase()
                )
            };
            let sent = j % 4 != 3;
            let tanggal = format!("2025-11-{:02} 0{}:1{}:05", 10 + k * 4 + j, j % 10, k);
            let kelas: Vec<KelasRecap> = (1..=6)
                .map(|t| KelasRecap {
                    rombongan_belajar_id: format!("rb-{npsn}-{t}"),
                    nama: Some(if t == 5 && j == 0 {
                        format!("Kelas {t}B")
                    } else {
                        format!("Kelas {t}")
                    }),
                    tingkat: Some(t.to_string()),
                    laki_laki: 10 + t as u64 + j as u64,
                    perempuan: 9 + t as u64,
                })
                .rev()
                .collect();
            let public = SekolahPublic {
                npsn: npsn.clone(),
                nama: nama.clone(),
                status: Some(status.into()),
                bentuk: Some(bentuk.into()),
                alamat: Some(format!("Jl. Pendidikan No. {}", j + 1)),
                rt: Some("1".into()),
                rw: Some("5".into()),
                dusun: Some("Krajan".into()),
                desa_kelurahan: Some(format!("Desa {}", j + 1)),
                kecamatan: Some(kec.nama.clone()),
                kabupaten_kota: Some("Kab. Mekarsari".into()),
                provinsi: Some("Prov. Jawa Timur".into()),
                email: Some(format!("sekolah{npsn}@gmail.com")),
                website: Some(if j == 1 {
                    "javascript:alert(3)".into()
                } else if j == 2 {
                    "https://sdn2.sch.id".into()
                } else {
                    "http://".into()
                }),
                telepon: Some("0358330286".into()),
                kode_pos: Some("64415".into()),
                lintang: Some("-7.60320000000000".into()),
                bujur: Some("111.890600000000".into()),
                ptk: PtkRecap {
                    guru_l: 3,
                    guru_p: 7,
                    tendik_l: 0,
                    tendik_p: 2,
                },
                kelas,
                tanggal_kirim: sent.then(|| tanggal.clone()),
                counts: sent.then(|| counts(118 + j as u64)),
            };
            if sent {
                entries.push(ProgresEntry::new(
                    kec.nama.clone(),
                    nama.clone(),
                    npsn.clone(),
                    bentuk.into(),
                    status.into(),
                    tanggal.clone(),
                    format!("{}Z", tanggal.replace(' ', "T")),
                    counts(118 + j as u64),
                ));
                for s in 0..3 {
                    let (nama_pd, nik, nisn) = if k == 1 && j == 1 && s == 0 {
                        (
                            CANARY_NAMA.to_owned(),
                            CANARY_NIK.to_owned(),
                            CANARY_NISN.to_owned(),
                        )
                    } else {
                        (
                            format!("PESERTA {k}{j}{s}"),
                            format!("32990170019900{k}{j}"),
                            format!("00{k}{j}{s}45678"),
                        )
                    };
                    let row = PesertaDidikListRow {
                        npsn: npsn.clone(),
                        nama_sekolah: nama.clone(),
                        nama: nama_pd.clone(),
                        nipd: Some(format!("2025{s:03}")),
                        nisn: Some(nisn.clone()),
                        nik: Some(nik.clone()),
                        jenis_kelamin: Some(if s % 2 == 0 { "P" } else { "L" }.into()),
                        tempat_lahir: Some("Mekarsari".into()),
                        tanggal_lahir: Some("2016-05-21".into()),
                        agama: Some("Islam".into()),
                        tingkat: Some("4".into()),
                        rombel: Some("Kelas 4".into()),
                        tanggal_masuk: Some("2022-07-14".into()),
                        nama_ibu: Some(format!("IBU {nama_pd}")),
                    };
                    student_keys.push(StudentKey {
                        peserta_didik_id: format!("pd-{npsn}-{s}"),
                        npsn: npsn.clone(),
                        nama_sekolah: nama.clone(),
                        kode_kecamatan: kec.kode.clone(),
                        kecamatan: kec.nama.clone(),
                        nisn: Some(nisn),
                        nik: Some(nik),
                        nama: nama_pd,
                        jenis_kelamin: row.jenis_kelamin.clone(),
                        rombel: row.rombel.clone(),
                    });
                    students.push(row);
                }
            }
            referensi.push(SekolahReferensi {
                npsn: npsn.clone(),
                nama: nama.clone(),
                bentuk: Some(bentuk.into()),
                status: Some(status.into()),
                kode_kecamatan: kec.kode.clone(),
                kecamatan: kec.nama.clone(),
                desa_kelurahan: Some(format!("Desa {}", j + 1)),
                telepon: Some("0358330286".into()),
                tanggal_kirim: sent.then(|| tanggal.clone()),
            });
            schools.push(School {
                public,
                kode_kecamatan: kec.kode.clone(),
                sent,
            });
        }
    }
    // A school sending for the first time, and a sent school re-sending.
    let mut expected = counts(120);
    expected.set(DataKind::Pembelajaran, 22);
    let mut received = KindCounts::default();
    received.set(DataKind::Sekolah, 1);
    received.set(DataKind::PesertaDidik, 120);
    let live = vec![
        ProgresLive {
            npsn: "20590003".into(),
            nama: schools[3].public.nama.clone(),
            kecamatan: kecamatan[0].nama.clone(),
            started_at_utc: "2025-12-01T01:00:00Z".into(),
            expected,
            received,
        },
        ProgresLive {
            npsn: "20590101".into(),
            nama: schools[9].public.nama.clone(),
            kecamatan: kecamatan[1].nama.clone(),
            started_at_utc: "2025-12-01T00:59:00Z".into(),
            expected,
            received: expected,
        },
    ];
    let mut rekap_map: BTreeMap<(String, String, String, String), (u64, u64)> = BTreeMap::new();
    for s in &schools {
        let key = (
            s.kode_kecamatan.clone(),
            s.public.kecamatan.clone().unwrap(),
            s.public.bentuk.clone().unwrap(),
            s.public.status.clone().unwrap(),
        );
        let e = rekap_map.entry(key).or_default();
        e.0 += u64::from(s.sent);
        e.1 += 1;
    }
    let rekap = rekap_map
        .into_iter()
        .map(
            |((kode_kecamatan, kecamatan, bentuk, status), (sudah_kirim, total_referensi))| {
                RekapSatuanPendidikan {
                    kode_kecamatan,
                    kecamatan,
                    bentuk,
                    status,
                    sudah_kirim,
                    total_referensi,
                }
            },
        )
        .collect();
    Kabupaten {
        kecamatan,
        schools,
        entries,
        live,
        rekap,
        referensi,
        students,
        student_keys,
    }
}

pub fn admin() -> StaffIdentity {
    StaffIdentity {
        username: "admin".into(),
        nama: "Admin Dinas".into(),
        role: Role::Admin,
    }
}

pub fn korwil(kode: &str) -> StaffIdentity {
    StaffIdentity {
        username: "korwil1".into(),
        nama: "Korwil Berbek".into(),
        role: Role::Korwil {
            kode_kecamatan: kode.into(),
        },
    }
}

pub fn staf_dinas() -> StaffIdentity {
    StaffIdentity {
        username: "staf".into(),
        nama: "Staf Dinas".into(),
        role: Role::StafDinas,
    }
}

pub fn ctx(identity: Option<StaffIdentity>) -> PageContext {
    match identity {
        Some(i) => PageContext::staff(i, CSRF),
        None => PageContext::anonymous(CSRF),
    }
}

/// Every public view model of the kabupaten.
pub struct PublicViews {
    pub beranda: BerandaView,
    pub progres: ProgresDataView,
    pub belum: BelumKirimView,
    pub data_pokok: DataPokokView,
    pub daftar: DaftarSatuanPendidikanView,
    pub sekolah: SekolahView,
    pub sekolah_xss: SekolahView,
    pub unduhan: UnduhanView,
}

pub fn version() -> VersionInfo {
    VersionInfo {
        latest_version: "1.2.0".into(),
        min_version: "1.1.0".into(),
        download_url: "/unduhan".into(),
        notes: "Perbaikan kirim ulang.".into(),
    }
}

pub fn public_views(kab: &Kabupaten) -> PublicViews {
    let k0 = &kab.kecamatan[0];
    let sekolah_k0: Vec<SatuanPendidikanRow> = kab
        .schools
        .iter()
        .filter(|s| s.kode_kecamatan == k0.kode && s.sent)
        .map(|s| SatuanPendidikanRow::from(&s.public))
        .collect();
    PublicViews {
        beranda: BerandaView::build(&kab.rekap, &kab.entries, &kab.live, 10),
        progres: ProgresDataView::build(kab.entries.clone(), &kab.live, &ProgresFilter::default()),
        belum: BelumKirimView::build(&kab.referensi, None),
        data_pokok: DataPokokView::build(&kab.rekap, Measure::SudahKirim),
        daftar: DaftarSatuanPendidikanView::new(&k0.kode, &k0.nama, sekolah_k0),
        sekolah: SekolahView::new(kab.schools[1].public.clone(), Some(k0.kode.clone())),
        sekolah_xss: SekolahView::new(kab.schools[0].public.clone(), Some(k0.kode.clone())),
        unduhan: UnduhanView::from_listing(
            vec![
                FileEntry {
                    nama: "Panduan DB Helper.pdf".into(),
                    ukuran: 2_400_000,
                    diubah: Some("2025-12-01 08:00".into()),
                },
                FileEntry {
                    nama: "db-helper-setup-1.2.0.exe".into(),
                    ukuran: 12_595_000,
                    diubah: Some("2025-12-01 08:00".into()),
                },
                FileEntry {
                    nama: ".rahasia".into(),
                    ukuran: 1,
                    diubah: None,
                },
                FileEntry {
                    nama: format!("{XSS}.txt"),
                    ukuran: 10,
                    diubah: None,
                },
            ],
            Some(version()),
        ),
    }
}

/// Renders every public page (name, html).
pub fn render_public(
    pages: &Pages,
    ctx: &PageContext,
    v: &PublicViews,
) -> Vec<(&'static str, String)> {
    vec![
        ("beranda", pages.beranda(ctx, &v.beranda).unwrap()),
        ("progres_data", pages.progres_data(ctx, &v.progres).unwrap()),
        ("belum_kirim", pages.belum_kirim(ctx, &v.belum).unwrap()),
        ("data_pokok", pages.data_pokok(ctx, &v.data_pokok).unwrap()),
        (
            "daftar_satuan",
            pages.daftar_satuan_pendidikan(ctx, &v.daftar).unwrap(),
        ),
        ("sekolah", pages.sekolah(ctx, &v.sekolah).unwrap()),
        ("sekolah_xss", pages.sekolah(ctx, &v.sekolah_xss).unwrap()),
        ("unduhan", pages.unduhan(ctx, &v.unduhan).unwrap()),
        (
            "login",
            pages
                .login(ctx, &LoginView::gagal(XSS, Some("/staf")))
                .unwrap(),
        ),
        ("error_404", pages.error(ctx, &ErrorView::not_found())),
        ("error_403", pages.error(ctx, &ErrorView::forbidden())),
        ("error_500", pages.error(ctx, &ErrorView::internal())),
    ]
}

pub fn kecamatan_options(kab: &Kabupaten) -> Vec<KecamatanOption> {
    kab.kecamatan
        .iter()
        .map(|k| KecamatanOption {
            kode: k.kode.clone(),
            nama: k.nama.clone(),
        })
        .collect()
}

pub fn matched_rows(kab: &Kabupaten) -> Vec<MatchedRow> {
    let csv = format!(
        "NISN;NIK;Nama;Program;Tahun\r\n{CANARY_NISN};;{CANARY_NAMA};PIP;2025\r\n;{};;Beasiswa;2025\r\n0011111111;;{XSS};PIP;2025\r\n",
        kab.student_keys[0].nik.as_deref().unwrap()
    );
    let parsed =
        parse_program_list(csv.as_bytes(), UploadFormat::Csv, ParseOptions::default()).unwrap();
    match_program_list(&parsed.rows, &kab.student_keys).matched
}

/// Every staff and admin page rendered for an admin (name, html).
pub fn render_staff(pages: &Pages, kab: &Kabupaten) -> Vec<(&'static str, String)> {
    let c = ctx(Some(admin()));
    let k0 = &kab.kecamatan[0];
    let k1 = &kab.kecamatan[1];
    let pd_k1: Vec<PesertaDidikListRow> = kab
        .students
        .iter()
        .filter(|s| s.npsn.starts_with("205901"))
        .cloned()
        .collect();
    let rombel = vec![RombelListRow {
        npsn: "20590001".into(),
        nama_sekolah: XSS.into(),
        nama_rombel: "Kelas 1".into(),
        tingkat: Some("1".into()),
        jenis_rombel: Some("Kelas".into()),
        kurikulum: Some("Kurikulum Merdeka".into()),
        wali_kelas: Some(CANARY_GURU.into()),
        ruang: Some("R-01".into()),
        laki_laki: 12,
        perempuan: 10,
        jumlah_anggota: 22,
        jumlah_pembelajaran: 9,
    }];
    let gtk = vec![GtkListRow {
        npsn: "20590001".into(),
        nama_sekolah: XSS.into(),
        nama: CANARY_GURU.into(),
        nik: Some("3299011111110001".into()),
        nuptk: Some("0123456789012345".into()),
        nip: Some("198001012005011001".into()),
        jenis_kelamin: Some("L".into()),
        kategori: Some("Guru".into()),
        sekolah_induk: Some(true),
        ..Default::default()
    }];
    let alamat: Vec<AlamatSatuanPendidikanRow> = kab
        .schools
        .iter()
        .filter(|s| s.kode_kecamatan == k0.kode)
        .map(|s| AlamatSatuanPendidikanRow::from(&s.public))
        .collect();
    let matched = matched_rows(kab);
    let progress = kecamatan_progress(&kab.rekap);
    let csv =
        format!("NISN,Program,Tahun\n{CANARY_NISN},PIP,2025\n123,PIP,2025\n0000000001,PIP,2025\n");
    let parsed =
        parse_program_list(csv.as_bytes(), UploadFormat::Csv, ParseOptions::default()).unwrap();
    let hasil = match_program_list(&parsed.rows, &kab.student_keys);
    let akun = vec![
        AccountRow {
            id: "1".into(),
            username: "admin".into(),
            nama: "Admin Dinas".into(),
            peran: Role::Admin,
            kecamatan: None,
            aktif: true,
            login_terakhir: Some("2025-12-01 08:00:00".into()),
        },
        AccountRow {
            id: "2".into(),
            username: "korwil1".into(),
            nama: XSS.into(),
            peran: Role::Korwil {
                kode_kecamatan: k0.kode.clone(),
            },
            kecamatan: Some(k0.nama.clone()),
            aktif: false,
            login_terakhir: None,
        },
    ];
    let kode_rows: Vec<KodeRegistrasiRow> = kab
        .schools
        .iter()
        .map(|s| KodeRegistrasiRow {
            npsn: s.public.npsn.clone(),
            nama: s.public.nama.clone(),
            kode_kecamatan: s.kode_kecamatan.clone(),
            kecamatan: s.public.kecamatan.clone().unwrap(),
            punya_kode: s.sent,
            dibuat: s.sent.then(|| "2025-10-01 09:00:00".into()),
            terdaftar: s.sent.then(|| "2025-10-02 10:00:00".into()),
        })
        .collect();
    let audit = vec![AuditEntryRow {
        waktu: "2025-12-01 08:00:00".into(),
        pengguna: "admin".into(),
        peran: "Administrator".into(),
        aksi: AuditAction::UnduhDataPribadi,
        objek: format!("Data Peserta Didik · {XSS_KEC}"),
        alamat_ip: "10.0.0.5".into(),
        keterangan: XSS.into(),
    }];
    vec![
        (
            "staf_beranda",
            pages
                .staf_beranda(&c, &StafBerandaView::build(&Role::Admin, progress))
                .unwrap(),
        ),
        (
            "staf_kecamatan",
            pages
                .staf_kecamatan(
                    &c,
                    &KecamatanDashboardView::new(
                        &k0.kode,
                        XSS_KEC,
                        KecamatanStats {
                            jumlah_sekolah: 8,
                            sekolah_kirim: 6,
                            jumlah_pd: 18,
                            jumlah_rombel: 36,
                            jumlah_gtk: 54,
                        },
                    ),
                )
                .unwrap(),
        ),
        (
            "staf_daftar_pd",
            pages
                .staf_daftar(
                    &c,
                    &DataListView::new(&k1.kode, &k1.nama, &pd_k1, NikMode::Masked)
                        .with_sekolah_filter(
                            vec![SekolahOption {
                                npsn: "20590101".into(),
                                nama: XSS.into(),
                            }],
                            Some("20590101".into()),
                        ),
                )
                .unwrap(),
        ),
        (
            "staf_daftar_rombel",
            pages
                .staf_daftar(
                    &c,
                    &DataListView::new(&k0.kode, &k0.nama, &rombel, NikMode::Masked),
                )
                .unwrap(),
        ),
        (
            "staf_daftar_gtk",
            pages
                .staf_daftar(
                    &c,
                    &DataListView::new(&k0.kode, &k0.nama, &gtk, NikMode::Revealed),
                )
                .unwrap(),
        ),
        (
            "staf_daftar_alamat",
            pages
                .staf_daftar(
                    &c,
                    &DataListView::new(&k0.kode, &k0.nama, &alamat, NikMode::Masked).with_pager(
                        district_web::common::Pager::new(2, 4, 8).with_query(&[("npsn", "")]),
                    ),
                )
                .unwrap(),
        ),
        (
            "staf_program_rekap",
            pages
                .staf_program_rekap(
                    &c,
                    &ProgramRecapView::build(
                        Program::Pip,
                        Some(2025),
                        vec![2024, 2025],
                        &k1.kode,
                        &k1.nama,
                        &matched,
                    ),
                )
                .unwrap(),
        ),
        (
            "staf_program_unggah",
            pages
                .staf_program_unggah(
                    &c,
                    &ProgramUploadView::new(
                        2025,
                        Some(ProgramUploadResult::from_parsed(
                            "daftar <pip>.csv",
                            &parsed,
                            &hasil,
                        )),
                    ),
                )
                .unwrap(),
        ),
        (
            "admin_akun",
            pages
                .admin_akun(
                    &c,
                    &AccountsView::new(akun, kecamatan_options(kab)).with_form_errors(
                        AccountForm {
                            username: XSS.into(),
                            ..Default::default()
                        },
                        vec!["Peran tidak dikenal.".into()],
                    ),
                )
                .unwrap(),
        ),
        (
            "admin_kode_registrasi",
            pages
                .admin_kode_registrasi(
                    &c,
                    &KodeRegistrasiView::new(kode_rows, kecamatan_options(kab), None),
                )
                .unwrap(),
        ),
        (
            "admin_kode_registrasi_cetak",
            pages
                .admin_kode_registrasi_cetak(
                    &c,
                    &KodeRegistrasiPrintView {
                        lembar: vec![KodeRegistrasiSlip {
                            npsn: "20590001".into(),
                            nama: XSS.into(),
                            kecamatan: k0.nama.clone(),
                            kode: "ABCD-EFGH".into(),
                        }],
                        alamat_server: "https://backbone.mekarsari.go.id".into(),
                        dicetak: "2025-12-01 08:00:00".into(),
                    },
                )
                .unwrap(),
        ),
        (
            "admin_referensi",
            pages
                .admin_referensi(
                    &c,
                    &ReferensiImportView::new(
                        Some(ReferensiSummary {
                            jumlah_sekolah: 32,
                            jumlah_kecamatan: 4,
                            terakhir_impor: Some("2025-11-01 08:00:00".into()),
                        }),
                        Some(ReferensiImportResult {
                            nama_berkas: "referensi.csv".into(),
                            jumlah_baris: 32,
                            sekolah_baru: 2,
                            ..Default::default()
                        }),
                    ),
                )
                .unwrap(),
        ),
        (
            "admin_versi_helper",
            pages
                .admin_versi_helper(
                    &c,
                    &HelperVersionView {
                        versi: version(),
                        galat: vec!["Versi terbaru harus berupa nomor versi seperti 1.2.0.".into()],
                    },
                )
                .unwrap(),
        ),
        (
            "admin_audit",
            pages
                .admin_audit(
                    &c,
                    &AuditLogView::new(
                        audit,
                        &AuditFilter {
                            aksi: Some("unduh_data_pribadi".into()),
                            ..Default::default()
                        },
                        50,
                        1,
                    ),
                )
                .unwrap(),
        ),
    ]
}

/// Start index and body of every `<form …>…</form>` in a page.
pub fn forms(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let open_end = after.find('>').unwrap();
        let close = after.find("</form>").expect("form closed");
        out.push((
            after[..open_end + 1].to_owned(),
            after[open_end + 1..close].to_owned(),
        ));
        rest = &after[close + 7..];
    }
    out
}

/// Values of every `attr="…"` in a page.
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        let v = &rest[i + pat.len()..];
        let end = v.find('"').unwrap();
        out.push(&v[..end]);
        rest = &v[end..];
    }
    out
}

/// `n` committed sends spread over 20 kecamatan (for size and timing checks).
pub fn many_entries(kab: &Kabupaten, n: usize) -> Vec<ProgresEntry> {
    let template = kab.entries[1].clone();
    (0..n)
        .map(|i| {
            let mut e = template.clone();
            e.npsn = format!("2060{i:04}");
            e.nama = format!("SD NEGERI {i} MEKARSARI");
            e.kecamatan = format!("Kec. {}", i % 20);
            e.tanggal_kirim_utc = format!("2025-11-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24);
            e
        })
        .collect()
}
