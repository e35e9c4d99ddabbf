//! Personal data rules (UU 27/2022 Pelindungan Data Pribadi).
//!
//! * Public pages and the public API never carry a student's or staff member's name, NIK,
//!   NISN, birth date or address: public view models are built from types that have no such
//!   fields (see [`crate::public_view::PublicView`]).
//! * Staff views show NIK masked ([`mask_nik`]) unless the user reveals it on purpose
//!   ([`NikMode::Revealed`]), which the server records in the audit log.

use serde::Serialize;

/// Whether NIK values are shown in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NikMode {
    /// `3299********0007` (the default everywhere).
    #[default]
    Masked,
    /// Full NIK: only after an explicit, audited request.
    Revealed,
}

/// Masks a NIK as `3299********0007`: the first 4 and the last 4 characters stay, the rest
/// become `*`. Values shorter than 12 characters are masked completely (they are not valid
/// NIKs and may be something else). Empty stays empty.
pub fn mask_nik(nik: &str) -> String {
    let chars: Vec<char> = nik.trim().chars().collect();
    let n = chars.len();
    if n < 12 {
        return "*".repeat(n);
    }
    let mut out = String::with_capacity(n);
    out.extend(&chars[..4]);
    out.extend(std::iter::repeat_n('*', n - 8));
    out.extend(&chars[n - 4..]);
    out
}

/// The NIK as a staff view shows it under `mode`.
pub fn nik_for_display(nik: Option<&str>, mode: NikMode) -> String {
    match (nik.map(str::trim), mode) {
        (None, _) => String::new(),
        (Some(v), NikMode::Revealed) => v.to_owned(),
        (Some(v), NikMode::Masked) => mask_nik(v),
    }
}

/// Field names that identify a person; none of them may appear in a public view model.
/// (A school's own `nama`, `alamat`, `email`, `telepon` are public identity and allowed.)
pub const PERSONAL_FIELD_NAMES: &[&str] = &[
    "nik",
    "nisn",
    "nipd",
    "nip",
    "nuptk",
    "tanggal_lahir",
    "tempat_lahir",
    "nama_ibu",
    "nama_ibu_kandung",
    "nama_ayah",
    "nama_wali",
    "alamat_jalan",
    "nomor_telepon_seluler",
    "nomor_telepon_rumah",
    "peserta_didik_id",
    "ptk_id",
    "nama_pd",
    "nama_ptk",
    "nama_peserta_didik",
    "jenis_kelamin",
];

/// Every object key (at any depth) of `value` that is in [`PERSONAL_FIELD_NAMES`],
/// as a JSON-pointer-like path. Used by tests to prove public view models are clean.
pub fn personal_keys_in(value: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    let p = format!("{path}/{k}");
                    if PERSONAL_FIELD_NAMES.contains(&k.as_str()) {
                        out.push(p.clone());
                    }
                    walk(child, &p, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_masked_in_the_middle() {
        assert_eq!(mask_nik("3299010101010007"), "3299********0007");
        assert_eq!(mask_nik(" 3299010101010007 "), "3299********0007");
        assert_eq!(mask_nik("123456789012"), "1234****9012");
        assert_eq!(mask_nik("12345"), "*****");
        assert_eq!(mask_nik(""), "");
        assert_eq!(
            nik_for_display(Some("3299010101010007"), NikMode::Revealed),
            "3299010101010007"
        );
        assert_eq!(
            nik_for_display(Some("3299010101010007"), NikMode::Masked),
            "3299********0007"
        );
        assert_eq!(nik_for_display(None, NikMode::Revealed), "");
    }

    #[test]
    fn personal_keys_are_found_at_any_depth() {
        let v = serde_json::json!({"nama": "SD", "rows": [{"x": {"nik": "1"}}], "nisn": null});
        let mut keys = personal_keys_in(&v);
        keys.sort();
        assert_eq!(keys, vec!["/nisn", "/rows/0/x/nik"]);
    }
}
