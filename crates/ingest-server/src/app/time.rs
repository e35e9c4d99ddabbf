//! Time: stored as UTC epoch milliseconds, shown in WIB (UTC+7) like the district's pages.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, UtcOffset};

/// Western Indonesian Time.
pub const WIB: UtcOffset = offset!(+7);

/// Now, in UTC epoch milliseconds.
pub fn now_ms() -> i64 {
    to_ms(OffsetDateTime::now_utc())
}

pub fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2026-11-22T12:31:05Z` (RFC 3339, UTC, whole seconds).
pub fn rfc3339_utc(ms: i64) -> String {
    let t = from_ms(ms)
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    t.format(&Rfc3339).unwrap_or_default()
}

/// `2026-11-22 19:31:05`: the same instant in WIB, as the Progres Kirim Data table shows it.
pub fn wib(ms: i64) -> String {
    let t = from_ms(ms).to_offset(WIB);
    t.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wib_is_utc_plus_seven() {
        // 2026-11-22T12:31:05Z
        let ms = 1_795_350_665_000;
        assert_eq!(rfc3339_utc(ms), "2026-11-22T12:31:05Z");
        assert_eq!(wib(ms), "2026-11-22 19:31:05");
        // Crossing midnight.
        assert_eq!(wib(ms + 5 * 3_600_000), "2026-11-23 00:31:05");
        assert_eq!(to_ms(from_ms(ms + 123)), ms + 123);
    }
}
