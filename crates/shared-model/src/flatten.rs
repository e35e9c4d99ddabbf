//! Flattening the four endpoint answers of one school into rows of the 8 [`DataKind`]s.
//!
//! Rules:
//! * nested rows (`rwy_kepangkatan`, `rwy_pend_formal`, `anggota_rombel`, `pembelajaran`)
//!   become rows of their own kind carrying their parent's id (a same-named key in the
//!   nested row's `extra` is dropped: the parent wins);
//! * every kind is de-duplicated by its id ([`DataKind::id_field`]), keeping the first row;
//! * row-leak quirk (§3.2/§3.4): `pembelajaran` is ignored on rombel rows that are not a
//!   class (`jenis_rombel` ≠ 1); `ptk_id_str` is cleared when `ptk_id` is empty and
//!   `jurusan_*` are cleared on ekskul rows (the server never sets them there, so any value is
//!   carried over from the previous row);
//! * `anggota_rombel` is the truth for class membership: the class fields of a student
//!   (`anggota_rombel_id`, `rombongan_belajar_id`, `nama_rombel`, `tingkat_pendidikan_id`)
//!   are rewritten from the student's membership in a regular rombel (jenis 1 or 8–14; the
//!   membership named by the row's own `anggota_rombel_id` first, then jenis 1, then the
//!   first regular one), or set to `None` when there is none;
//! * `tinggi_badan`/`berat_badan` of a student whose `anggota_rombel_id` is not a UUID are
//!   cleared when both equal the previous wire row's values (the carried-over signature;
//!   a real record on a class-less student is kept otherwise);
//! * all memberships are kept, including ekskul ones and members missing from
//!   getPesertaDidik.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::DataKind;
use crate::lenient;
use crate::rows::{
    AnggotaRombelRow, FlatSnapshot, KindRow, PembelajaranRow, RiwayatKepangkatanRow,
    RiwayatPendidikanRow,
};
use crate::webservice::{Gtk, PesertaDidik, Rombel, RombonganBelajar, Sekolah};

/// What the helper read from Dapodik for one school (getPengguna is not sent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DapodikSnapshot {
    pub sekolah: Sekolah,
    pub peserta_didik: Vec<PesertaDidik>,
    pub gtk: Vec<Gtk>,
    pub rombel: Vec<RombonganBelajar>,
}

impl DapodikSnapshot {
    /// Rows of `kind` as the Web Service sent them (nested rows counted, nothing
    /// de-duplicated or dropped yet): what the helper shows while it pulls.
    pub fn pulled_rows(&self, kind: DataKind) -> u64 {
        let total = |n: usize| n as u64;
        match kind {
            DataKind::Sekolah => 1,
            DataKind::PesertaDidik => total(self.peserta_didik.len()),
            DataKind::Ptk => total(self.gtk.len()),
            DataKind::RiwayatKepangkatan => self
                .gtk
                .iter()
                .map(|g| total(g.rwy_kepangkatan.len()))
                .sum(),
            DataKind::RiwayatPendidikan => self
                .gtk
                .iter()
                .map(|g| total(g.rwy_pend_formal.len()))
                .sum(),
            DataKind::Rombel => total(self.rombel.len()),
            DataKind::AnggotaRombel => self
                .rombel
                .iter()
                .map(|r| total(r.anggota_rombel.len()))
                .sum(),
            DataKind::Pembelajaran => self
                .rombel
                .iter()
                .map(|r| r.pembelajaran.as_ref().map_or(0, |v| total(v.len())))
                .sum(),
        }
    }
}

impl From<DapodikSnapshot> for FlatSnapshot {
    fn from(snapshot: DapodikSnapshot) -> Self {
        flatten(snapshot)
    }
}

/// Keeps the first row per id.
struct Dedup<T> {
    seen: HashSet<String>,
    rows: Vec<T>,
}

impl<T: KindRow> Dedup<T> {
    fn new() -> Self {
        Dedup {
            seen: HashSet::new(),
            rows: Vec::new(),
        }
    }
    fn push(&mut self, row: T) {
        if self.seen.insert(row.id().to_owned()) {
            self.rows.push(row);
        }
    }
}

/// Flatten one school's answers (see the module docs for the rules).
pub fn flatten(snapshot: DapodikSnapshot) -> FlatSnapshot {
    let DapodikSnapshot {
        sekolah,
        peserta_didik,
        gtk,
        rombel,
    } = snapshot;
    let (ptk, riwayat_kepangkatan, riwayat_pendidikan) = flatten_gtk(gtk);
    let (rombel, anggota_rombel, pembelajaran) = flatten_rombel(rombel);
    let peserta_didik = fix_students(peserta_didik, &rombel, &anggota_rombel);
    FlatSnapshot {
        sekolah: vec![sekolah],
        peserta_didik,
        ptk,
        riwayat_kepangkatan,
        riwayat_pendidikan,
        rombel,
        anggota_rombel,
        pembelajaran,
    }
}

type GtkRows = (
    Vec<crate::webservice::Ptk>,
    Vec<RiwayatKepangkatanRow>,
    Vec<RiwayatPendidikanRow>,
);

fn flatten_gtk(gtk: Vec<Gtk>) -> GtkRows {
    let mut ptk = Dedup::new();
    let mut pangkat = Dedup::new();
    let mut pendidikan = Dedup::new();
    for row in gtk {
        let parent = &row.ptk;
        for mut item in row.rwy_kepangkatan {
            item.extra.remove("ptk_id");
            item.extra.remove("ptk_terdaftar_id");
            pangkat.push(RiwayatKepangkatanRow {
                ptk_id: parent.ptk_id.clone(),
                ptk_terdaftar_id: parent.ptk_terdaftar_id.clone(),
                item,
            });
        }
        for mut item in row.rwy_pend_formal {
            item.extra.remove("ptk_id");
            item.extra.remove("ptk_terdaftar_id");
            pendidikan.push(RiwayatPendidikanRow {
                ptk_id: parent.ptk_id.clone(),
                ptk_terdaftar_id: parent.ptk_terdaftar_id.clone(),
                item,
            });
        }
        ptk.push(row.ptk);
    }
    (ptk.rows, pangkat.rows, pendidikan.rows)
}

fn flatten_rombel(
    rows: Vec<RombonganBelajar>,
) -> (Vec<Rombel>, Vec<AnggotaRombelRow>, Vec<PembelajaranRow>) {
    let mut rombel = Dedup::new();
    let mut anggota = Dedup::new();
    let mut pembelajaran = Dedup::new();
    for row in rows {
        let mut r = row.rombel;
        let parent = r.rombongan_belajar_id.clone();
        for mut item in row.anggota_rombel {
            item.extra.remove("rombongan_belajar_id");
            anggota.push(AnggotaRombelRow {
                rombongan_belajar_id: parent.clone(),
                item,
            });
        }
        if r.is_kelas() {
            for mut item in row.pembelajaran.unwrap_or_default() {
                item.extra.remove("rombongan_belajar_id");
                pembelajaran.push(PembelajaranRow {
                    rombongan_belajar_id: parent.clone(),
                    item,
                });
            }
        }
        if lenient::is_blank(r.ptk_id.as_deref()) {
            r.ptk_id_str = None;
        }
        if r.jenis() == crate::classify::RombelJenis::Ekstrakurikuler {
            r.jurusan_id = None;
            r.jurusan_id_str = None;
        }
        rombel.push(r);
    }
    (rombel.rows, anggota.rows, pembelajaran.rows)
}

/// Rewrites class fields from `anggota_rombel` and drops carried-over heights.
fn fix_students(
    students: Vec<PesertaDidik>,
    rombel: &[Rombel],
    anggota: &[AnggotaRombelRow],
) -> Vec<PesertaDidik> {
    let by_id: HashMap<&str, &Rombel> = rombel
        .iter()
        .map(|r| (r.rombongan_belajar_id.as_str(), r))
        .collect();
    // student id → regular memberships in wire order
    let mut memberships: HashMap<&str, Vec<(&AnggotaRombelRow, &Rombel)>> = HashMap::new();
    for a in anggota {
        if let Some(r) = by_id
            .get(a.rombongan_belajar_id.as_str())
            .filter(|r| r.is_regular())
        {
            memberships
                .entry(a.item.peserta_didik_id.as_str())
                .or_default()
                .push((a, r));
        }
    }

    let mut out = Dedup::new();
    let mut previous_body: Option<(Option<String>, Option<String>)> = None;
    for mut pd in students {
        let body = (pd.tinggi_badan.clone(), pd.berat_badan.clone());
        let carried =
            previous_body.as_ref() == Some(&body) && (body.0.is_some() || body.1.is_some());
        if carried && !pd.has_membership_uuid() {
            pd.tinggi_badan = None;
            pd.berat_badan = None;
        }
        previous_body = Some(body);

        let options = memberships.get(pd.peserta_didik_id.as_str());
        let chosen = options.and_then(|list| {
            let own = pd
                .anggota_rombel_id
                .as_deref()
                .filter(|id| lenient::is_uuid(id));
            own.and_then(|id| list.iter().find(|(a, _)| a.item.anggota_rombel_id == id))
                .or_else(|| list.iter().find(|(_, r)| r.is_kelas()))
                .or_else(|| list.first())
        });
        match chosen {
            Some((a, r)) => {
                pd.anggota_rombel_id = Some(a.item.anggota_rombel_id.clone());
                pd.rombongan_belajar_id = Some(r.rombongan_belajar_id.clone());
                pd.nama_rombel = r.nama.clone();
                pd.tingkat_pendidikan_id = r.tingkat_pendidikan_id.clone();
            }
            None => {
                pd.anggota_rombel_id = None;
                pd.rombongan_belajar_id = None;
                pd.nama_rombel = None;
                pd.tingkat_pendidikan_id = None;
            }
        }
        out.push(pd);
    }
    out.rows
}
