//! Validation of a send session's declaration.

use shared_model::DataKind;
use shared_model::protocol::{MAX_BATCH_ROWS, MAX_BATCHES_PER_KIND, OpenSessionRequest};

/// Longest accepted free-text field (username OPS, device name, versions).
pub const MAX_TEXT_LEN: usize = 200;

/// `Err` carries the Indonesian message of a `400 invalid_request`.
pub fn validate_open(req: &OpenSessionRequest) -> Result<(), String> {
    check_text("username_ops", &req.username_ops, true)?;
    check_text("helper_version", &req.helper_version, true)?;
    if let Some(s) = &req.semester_id {
        check_text("semester_id", s, false)?;
    }
    for kind in DataKind::ALL {
        let Some(e) = req.expected.get(&kind) else {
            return Err(format!(
                "Jumlah data {} ({kind}) belum dinyatakan pada 'expected'.",
                kind.label()
            ));
        };
        if (e.rows == 0) != (e.batches == 0) {
            return Err(format!(
                "{kind}: jumlah baris dan jumlah batch harus sama-sama nol atau sama-sama lebih dari nol."
            ));
        }
        if e.batches > MAX_BATCHES_PER_KIND {
            return Err(format!(
                "{kind}: paling banyak {MAX_BATCHES_PER_KIND} batch per jenis data."
            ));
        }
        if u64::from(e.batches) > e.rows || e.rows > u64::from(e.batches) * MAX_BATCH_ROWS as u64 {
            return Err(format!(
                "{kind}: {} baris tidak mungkin dikirim dalam {} batch.",
                e.rows, e.batches
            ));
        }
    }
    let sekolah = req.expected[&DataKind::Sekolah];
    if sekolah.rows != 1 {
        return Err("Data sekolah harus tepat 1 baris.".into());
    }
    Ok(())
}

/// Non-empty (when `required`), at most [`MAX_TEXT_LEN`] characters, no control characters.
pub fn check_text(field: &str, value: &str, required: bool) -> Result<(), String> {
    if required && value.trim().is_empty() {
        return Err(format!("Kolom {field} wajib diisi."));
    }
    if value.chars().count() > MAX_TEXT_LEN {
        return Err(format!(
            "Kolom {field} terlalu panjang (maksimal {MAX_TEXT_LEN} karakter)."
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "Kolom {field} berisi karakter yang tidak diizinkan."
        ));
    }
    Ok(())
}

/// An NPSN is 8 characters, digits or upper-case letters (non-formal units use letters).
pub fn is_valid_npsn(npsn: &str) -> bool {
    npsn.len() == 8
        && npsn
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::protocol::KindExpectation;

    fn req() -> OpenSessionRequest {
        OpenSessionRequest {
            npsn: "20599901".into(),
            helper_version: "0.1.0".into(),
            username_ops: "ops@example.com".into(),
            semester_id: Some("20251".into()),
            expected: DataKind::ALL
                .into_iter()
                .map(|k| {
                    (
                        k,
                        if k == DataKind::Sekolah {
                            KindExpectation {
                                rows: 1,
                                batches: 1,
                            }
                        } else {
                            KindExpectation::default()
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn declarations() {
        assert!(validate_open(&req()).is_ok());
        let mut r = req();
        r.expected.remove(&DataKind::Ptk);
        assert!(validate_open(&r).is_err());
        let mut r = req();
        r.expected.insert(
            DataKind::Ptk,
            KindExpectation {
                rows: 3,
                batches: 0,
            },
        );
        assert!(validate_open(&r).is_err());
        let mut r = req();
        r.expected.insert(
            DataKind::Ptk,
            KindExpectation {
                rows: 3,
                batches: 4,
            },
        );
        assert!(validate_open(&r).is_err());
        let mut r = req();
        r.expected.insert(
            DataKind::Ptk,
            KindExpectation {
                rows: 4_001,
                batches: 2,
            },
        );
        assert!(validate_open(&r).is_err());
        let mut r = req();
        r.expected.insert(
            DataKind::Sekolah,
            KindExpectation {
                rows: 0,
                batches: 0,
            },
        );
        assert!(validate_open(&r).is_err());
        let mut r = req();
        r.username_ops = " ".into();
        assert!(validate_open(&r).is_err());
        assert!(
            is_valid_npsn("20599901")
                && is_valid_npsn("P9999999")
                && !is_valid_npsn("2059990")
                && !is_valid_npsn("2059990'")
        );
    }
}
