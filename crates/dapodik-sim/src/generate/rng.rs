//! Deterministic randomness helpers. Every school gets its own ChaCha8 stream
//! derived from the seed, so one school's data never depends on another's.

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub type SimRng = ChaCha8Rng;

/// Stream used for the kabupaten-wide plan.
pub const PLAN_STREAM: u64 = 1;
/// Streams `SCHOOL_STREAM_BASE + index` are the schools.
pub const SCHOOL_STREAM_BASE: u64 = 1 << 20;
/// Streams `SHARED_STREAM_BASE + k` are PTK shared by two schools.
pub const SHARED_STREAM_BASE: u64 = 1 << 40;

pub fn stream(seed: u64, stream: u64) -> SimRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Lowercase hyphenated v4-shaped UUID from the stream (Dapodik keys are v4).
pub fn uuid(rng: &mut SimRng) -> String {
    uuid::Builder::from_random_bytes(rng.r#gen())
        .into_uuid()
        .to_string()
}

/// `n` random decimal digits (leading zeros kept).
pub fn digits(rng: &mut SimRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

pub fn chance(rng: &mut SimRng, p: f64) -> bool {
    rng.gen_bool(p.clamp(0.0, 1.0))
}

pub fn pick<'a, T>(rng: &mut SimRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Picks by integer weights (weights must not all be zero).
pub fn weighted<'a, T>(rng: &mut SimRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

pub fn date(y: i32, m: u32, d: u32) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// A valid random date inside `year`, months `months` (inclusive).
pub fn date_in(rng: &mut SimRng, year: i32, months: std::ops::RangeInclusive<u32>) -> String {
    let m = rng.gen_range(months);
    let d = rng.gen_range(1..=days_in_month(year, m));
    date(year, m, d)
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Splits `total` into `parts` positive-ish shares with mild random variation.
pub fn split(rng: &mut SimRng, total: u32, parts: usize) -> Vec<u32> {
    if parts == 0 {
        return Vec::new();
    }
    let weights: Vec<f64> = (0..parts).map(|_| rng.gen_range(0.8..1.2)).collect();
    let sum: f64 = weights.iter().sum();
    let mut out: Vec<u32> = weights
        .iter()
        .map(|w| (f64::from(total) * w / sum).floor() as u32)
        .collect();
    let mut rest = total - out.iter().sum::<u32>();
    let mut i = 0;
    while rest > 0 {
        out[i % parts] += 1;
        rest -= 1;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible() {
        let a = uuid(&mut stream(7, 3));
        let b = uuid(&mut stream(7, 3));
        let c = uuid(&mut stream(7, 4));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 36);
    }

    #[test]
    fn split_sums() {
        let mut r = stream(1, 1);
        let parts = split(&mut r, 101, 6);
        assert_eq!(parts.iter().sum::<u32>(), 101);
    }
}
