//! Bodies past the limits, decompression bombs and rows of the wrong type.

use std::io::Write as _;

use serde_json::{Value, json};
use sha2::Digest as _;
use shared_model::DataKind;
use shared_model::batching::Batch;
use shared_model::protocol::{
    MAX_BATCH_BODY_BYTES, MAX_BATCH_UNCOMPRESSED_BYTES, MAX_JSON_BODY_BYTES,
};

use super::Ctx;
use super::api::expected_of;
use super::auth::Tokens;
use super::school::{batches_of, school_rows};

fn sha_hex(b: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(b))
}

/// Opens a session of school `i` for its real rows; `(session, batches)`.
async fn open(ctx: &mut Ctx, tokens: &Tokens, i: usize) -> anyhow::Result<(String, Vec<Batch>)> {
    let npsn = ctx.npsn(i).to_owned();
    let batches = batches_of(&school_rows(&ctx.kab, &npsn)?);
    let a = ctx
        .api
        .open(&tokens[&i], &npsn, &expected_of(&batches))
        .await;
    let sid = a
        .json
        .as_ref()
        .and_then(|j| j["session_id"].as_str())
        .unwrap_or("")
        .to_owned();
    anyhow::ensure!(!sid.is_empty(), "open: {}", a.text);
    Ok((sid, batches))
}

/// Declared and streamed bodies over the batch limit, and JSON routes over theirs.
pub async fn oversized(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "oversized bodies";
    let token = tokens[&3].clone();
    let (sid, _) = open(ctx, tokens, 3).await?;
    let big = vec![b'['; MAX_BATCH_BODY_BYTES + 1];
    let a = ctx
        .api
        .put_raw(
            &token,
            &sid,
            "peserta_didik",
            0,
            None,
            Some(&sha_hex(&big)),
            big.clone(),
        )
        .await;
    ctx.refused(
        cat,
        "batch with Content-Length over the limit",
        &a,
        &["payload_too_large"],
    );
    // The same without a Content-Length (chunked), 6 MiB in 64 KiB chunks.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..96).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let req = ctx
        .api
        .http
        .put(
            ctx.api
                .url(&format!("/api/v1/sessions/{sid}/batches/peserta_didik/0")),
        )
        .bearer_auth(&token)
        .header("x-content-sha256", "0".repeat(64))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)));
    let a = ctx.api.send(req).await;
    ctx.refused(
        cat,
        "chunked batch over the limit",
        &a,
        &["payload_too_large"],
    );
    let padding = "x".repeat(MAX_JSON_BODY_BYTES + 10);
    for (path, auth) in [("/api/v1/sessions", true), ("/api/v1/enroll", false)] {
        let mut req = ctx
            .api
            .http
            .post(ctx.api.url(path))
            .json(&json!({"npsn": ctx.npsn(3), "padding": padding}));
        if auth {
            req = req.bearer_auth(&token);
        }
        let a = ctx.api.send(req).await;
        ctx.refused(
            cat,
            &format!("{path} over the JSON limit"),
            &a,
            &["payload_too_large"],
        );
    }
    Ok(())
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = e.write_all(b);
    e.finish().unwrap_or_default()
}

/// Small bodies that inflate to far more than the uncompressed cap.
pub async fn bombs(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "decompression bombs";
    let token = tokens[&3].clone();
    let (sid, _) = open(ctx, tokens, 3).await?;
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let mut rows = Vec::with_capacity(MAX_BATCH_UNCOMPRESSED_BYTES * 2);
    rows.push(b'[');
    while rows.len() < MAX_BATCH_UNCOMPRESSED_BYTES * 2 {
        rows.extend_from_slice(br#"{"peserta_didik_id":"a","nama":"b"},"#);
    }
    rows.push(b'{');
    rows.extend_from_slice(b"}]");
    let cases: Vec<(&str, &str, Vec<u8>, String)> = vec![
        (
            "zstd of 64 MiB of zeros",
            "zstd",
            zstd::encode_all(zeros.as_slice(), 3)?,
            sha_hex(&zeros),
        ),
        (
            "gzip of 64 MiB of zeros",
            "gzip",
            gzip(&zeros),
            sha_hex(&zeros),
        ),
        (
            "zstd of an 8 MiB JSON row array",
            "zstd",
            zstd::encode_all(rows.as_slice(), 3)?,
            sha_hex(&rows),
        ),
        (
            "gzip of an 8 MiB JSON row array",
            "gzip",
            gzip(&rows),
            sha_hex(&rows),
        ),
    ];
    drop(zeros);
    for (what, enc, wire, sha) in cases {
        let what = format!("{what} ({} bytes on the wire)", wire.len());
        let a = ctx
            .api
            .put_raw(
                &token,
                &sid,
                "peserta_didik",
                0,
                Some(enc),
                Some(&sha),
                wire,
            )
            .await;
        ctx.refused(
            cat,
            &what,
            &a,
            &["payload_too_large", "decompression_failed"],
        );
    }
    Ok(())
}

/// A named change of one row (`row`, the kind's id key).
type Mutation = (&'static str, fn(&mut Value, &str));

/// Each kind's first batch with one row given the wrong shape: refused with the kind and
/// the row's index.
pub async fn wrong_typed(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "wrong-typed rows";
    let token = tokens[&3].clone();
    let (sid, batches) = open(ctx, tokens, 3).await?;
    let mutations: [Mutation; 5] = [
        ("id as an array", |r, id| r[id] = json!(["a", 1])),
        ("id as an object", |r, id| r[id] = json!({"$ne": null})),
        ("id empty", |r, id| r[id] = json!("")),
        ("row as a string", |r, _| *r = json!("DROP TABLE")),
        ("row as null", |r, _| *r = Value::Null),
    ];
    for kind in DataKind::ALL {
        let Some(b) = batches.iter().find(|b| b.kind == kind && b.rows > 0) else {
            continue;
        };
        let rows: Vec<Value> = serde_json::from_slice(&b.body)?;
        let index = rows.len() / 2;
        let id = id_key(kind);
        for (what, mutate) in mutations {
            let mut rows = rows.clone();
            mutate(&mut rows[index], id);
            let body = serde_json::to_vec(&rows)?;
            let wire = zstd::encode_all(body.as_slice(), 3)?;
            let a = ctx
                .api
                .put_raw(
                    &token,
                    &sid,
                    kind.wire_name(),
                    b.seq,
                    Some("zstd"),
                    Some(&sha_hex(&body)),
                    wire,
                )
                .await;
            let details = a
                .json
                .as_ref()
                .map(|j| j["details"].clone())
                .unwrap_or(Value::Null);
            let names_row =
                details["kind"] == json!(kind.wire_name()) && details["index"] == json!(index);
            let label = format!("{}: {what}", kind.wire_name());
            ctx.refused(cat, &label, &a, &["invalid_row"]);
            if a.code() == "invalid_row" && !names_row {
                ctx.tally
                    .record(cat, "invalid_row without kind and index", false, &label);
            }
        }
    }
    // Rows of one kind sent as another.
    if let Some(b) = batches
        .iter()
        .find(|b| b.kind == DataKind::PesertaDidik && b.rows > 0)
    {
        let wire = zstd::encode_all(b.body.as_slice(), 3)?;
        let a = ctx
            .api
            .put_raw(&token, &sid, "ptk", 0, Some("zstd"), Some(&b.sha256), wire)
            .await;
        ctx.refused(cat, "peserta_didik rows sent as ptk", &a, &["invalid_row"]);
    }
    // The whole body an object instead of an array.
    let body = br#"{"rows": []}"#.to_vec();
    let a = ctx
        .api
        .put_raw(&token, &sid, "rombel", 0, None, Some(&sha_hex(&body)), body)
        .await;
    ctx.refused(
        cat,
        "an object instead of an array",
        &a,
        &["invalid_row", "invalid_request"],
    );
    Ok(())
}

/// The id field of each kind's row.
pub fn id_key(kind: DataKind) -> &'static str {
    match kind {
        DataKind::Sekolah => "sekolah_id",
        DataKind::PesertaDidik => "peserta_didik_id",
        DataKind::Ptk => "ptk_terdaftar_id",
        DataKind::RiwayatKepangkatan => "riwayat_kepangkatan_id",
        DataKind::RiwayatPendidikan => "riwayat_pendidikan_formal_id",
        DataKind::Rombel => "rombongan_belajar_id",
        DataKind::AnggotaRombel => "anggota_rombel_id",
        DataKind::Pembelajaran => "pembelajaran_id",
    }
}
