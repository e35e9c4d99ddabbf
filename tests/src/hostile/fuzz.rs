//! Random input at the batch decoder and at enrollment over real HTTP, for a bounded
//! time (`HOSTILE_FUZZ_SECS`). Seeded and printed, so a failure can be replayed with
//! `HOSTILE_FUZZ_SEED`. (The in-process proptest of the decoder lives in
//! `crates/ingest-server/tests/decoder_prop.rs`; coverage-guided targets: `fuzz/`.)

use std::io::Write as _;
use std::time::Instant;

use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use sha2::Digest as _;

use super::Ctx;
use super::api::{Api, expected_of};
use super::auth::Tokens;
use super::school::{batches_of, school_rows};

fn seed() -> u64 {
    std::env::var("HOSTILE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().r#gen())
}

fn sha_hex(b: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(b))
}

/// A random JSON value shaped like rows: arrays of objects with id-like keys and wrong types.
fn random_json(rng: &mut ChaCha8Rng, depth: u32) -> Value {
    const KEYS: [&str; 10] = [
        "sekolah_id",
        "peserta_didik_id",
        "ptk_id",
        "rombongan_belajar_id",
        "anggota_rombel_id",
        "pembelajaran_id",
        "npsn",
        "nama",
        "jenis_kelamin",
        "x",
    ];
    let pick = if depth == 0 {
        rng.gen_range(0..5)
    } else {
        rng.gen_range(0..7)
    };
    match pick {
        0 => Value::Null,
        1 => json!(rng.r#gen::<bool>()),
        2 => json!(rng.r#gen::<i64>()),
        3 => json!(rng.r#gen::<f64>() * 1e12),
        4 => {
            let n = rng.gen_range(0..24);
            let s: String = (0..n).map(|_| rng.gen_range(' '..='~')).collect();
            json!(s)
        }
        5 => Value::Array(
            (0..rng.gen_range(0..6))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.gen_range(0..8) {
                let k = KEYS.choose(rng).copied().unwrap_or("x");
                m.insert(k.to_owned(), random_json(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

fn random_bytes(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let n = *[0usize, 1, 7, 64, 512, 4096, 65_536]
        .choose(rng)
        .unwrap_or(&64);
    (0..rng.gen_range(0..=n)).map(|_| rng.r#gen()).collect()
}

fn compress(rng: &mut ChaCha8Rng, body: &[u8]) -> (Option<&'static str>, Vec<u8>) {
    match rng.gen_range(0..6) {
        0 => (None, body.to_vec()),
        1 => (Some("zstd"), zstd::encode_all(body, 1).unwrap_or_default()),
        2 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = e.write_all(body);
            (Some("gzip"), e.finish().unwrap_or_default())
        }
        3 => (Some("br"), body.to_vec()),
        4 => (Some("zstd"), body.to_vec()), // claims zstd, is not
        _ => (Some("gzip, zstd"), body.to_vec()),
    }
}

/// Random byte streams and random JSON as batch bodies of an open session.
pub async fn batches(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "batch decoder fuzz (HTTP)";
    let seed = seed();
    println!("batch decoder fuzz seed: {seed} (HOSTILE_FUZZ_SEED to replay)");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (token, npsn) = (tokens[&3].clone(), ctx.npsn(3).to_owned());
    let rows = school_rows(&ctx.kab, &npsn)?;
    let real = batches_of(&rows);
    let open = ctx.api.open(&token, &npsn, &expected_of(&real)).await;
    let sid = open
        .json
        .as_ref()
        .and_then(|j| j["session_id"].as_str())
        .unwrap_or("")
        .to_owned();
    anyhow::ensure!(!sid.is_empty(), "fuzz open: {}", open.text);
    let kinds = [
        "sekolah",
        "peserta_didik",
        "ptk",
        "rombel",
        "anggota_rombel",
        "pembelajaran",
        "x",
        "%2e%2e",
    ];
    // A fresh connection per request: an early refusal closes its connection, and a reused
    // keep-alive connection would blame the next request for it.
    let fresh = Api::with_pool(&ctx.api.base, false);
    let started = Instant::now();
    while started.elapsed() < ctx.fuzz_budget {
        let body = if rng.gen_bool(0.5) {
            random_bytes(&mut rng)
        } else {
            serde_json::to_vec(&random_json(&mut rng, 3)).unwrap_or_default()
        };
        let sha = match rng.gen_range(0..4) {
            0 => Some(sha_hex(&body)),
            1 => Some("0".repeat(64)),
            2 => None,
            _ => Some("zz' OR 1=1".to_owned()),
        };
        let (enc, wire) = compress(&mut rng, &body);
        let kind = kinds.choose(&mut rng).copied().unwrap_or("x");
        let seq = *[0u32, 1, 2, 9_999, u32::MAX].choose(&mut rng).unwrap_or(&0);
        let a = fresh
            .put_raw(&token, &sid, kind, seq, enc, sha.as_deref(), wire)
            .await;
        if (200..300).contains(&a.status) {
            // Only a body that happens to be valid rows of the kind may be held (never committed).
            ctx.tally
                .record(cat, "2xx (valid by chance, held uncommitted)", true, "fuzz");
        } else {
            ctx.refused(
                cat,
                &format!("{} bytes, {enc:?}, {kind}/{seq}", body.len()),
                &a,
                &[],
            );
        }
    }
    Ok(())
}

/// Random bodies at `POST /api/v1/enroll` (after the brute force: 429 is expected too).
pub async fn enroll(ctx: &mut Ctx) -> anyhow::Result<()> {
    let cat = "enrollment fuzz";
    let seed = seed();
    println!("enrollment fuzz seed: {seed} (HOSTILE_FUZZ_SEED to replay)");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let fresh = Api::with_pool(&ctx.api.base, false);
    let started = Instant::now();
    let budget = ctx.fuzz_budget;
    while started.elapsed() < budget {
        let body: Vec<u8> = match rng.gen_range(0..3) {
            0 => random_bytes(&mut rng),
            1 => serde_json::to_vec(&random_json(&mut rng, 3)).unwrap_or_default(),
            _ => {
                let mut v = json!({"npsn": ctx.npsn(1), "kode_registrasi": "ABCD-EFGH",
                                   "username_ops": "ops", "helper_version": "0.1.0"});
                let key = [
                    "npsn",
                    "kode_registrasi",
                    "username_ops",
                    "helper_version",
                    "device_name",
                ]
                .choose(&mut rng)
                .copied()
                .unwrap_or("npsn");
                v[key] = random_json(&mut rng, 2);
                serde_json::to_vec(&v).unwrap_or_default()
            }
        };
        let req = fresh
            .http
            .post(fresh.url("/api/v1/enroll"))
            .header("content-type", "application/json")
            .body(body.clone());
        let a = fresh.send(req).await;
        ctx.refused(cat, &format!("{} bytes", body.len()), &a, &[]);
    }
    Ok(())
}
