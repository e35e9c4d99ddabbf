//! Template filters (Indonesian number formatting).

/// `1234567` → `1.234.567` (Indonesian thousands separator).
pub(crate) fn angka(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `{{ sent|persen(total) }}` → `27,3%`.
pub(crate) fn persen(value: u64, total: u64) -> String {
    crate::chart::percent_label(value, total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn angka_groups_by_thousands() {
        assert_eq!(super::angka(0), "0");
        assert_eq!(super::angka(999), "999");
        assert_eq!(super::angka(1000), "1.000");
        assert_eq!(super::angka(1234567), "1.234.567");
    }
}
