//! SQL injection and XSS strings in every text field of a whole send: committed, stored
//! verbatim (read back from the database), served verbatim by the JSON API and escaped on
//! the pages.

use std::collections::BTreeMap;

use serde_json::Value;
use shared_model::DataKind;

use super::Ctx;
use super::api::{Answer, expected_of};
use super::auth::Tokens;
use super::limits::id_key;
use super::school::{PAYLOADS, batches_of, hostile_rows, school_rows};

/// Opens, uploads and commits `rows` for school `i`; the commit's answer.
async fn send(
    ctx: &mut Ctx,
    token: &str,
    npsn: &str,
    rows: &BTreeMap<DataKind, Vec<Value>>,
) -> anyhow::Result<Answer> {
    let batches = batches_of(rows);
    let open = ctx.api.open(token, npsn, &expected_of(&batches)).await;
    let Some(sid) = open
        .json
        .as_ref()
        .and_then(|j| j["session_id"].as_str())
        .map(str::to_owned)
    else {
        return Ok(open);
    };
    for b in &batches {
        let a = ctx.api.put_batch(token, &sid, b).await;
        if !(200..300).contains(&a.status) {
            return Ok(a);
        }
    }
    Ok(ctx.api.commit(token, &sid).await)
}

/// The whole send of school 1 with every text field hostile.
pub async fn every_field(
    ctx: &mut Ctx,
    tokens: &Tokens,
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    let cat = "SQL injection / XSS in every field";
    let npsn = ctx.npsn(1).to_owned();
    let token = tokens[&1].clone();
    let (rows, fields) = hostile_rows(&school_rows(&ctx.kab, &npsn)?, &npsn);
    let a = send(ctx, &token, &npsn, &rows).await?;
    let committed = a.status == 200;
    ctx.tally.record(
        cat,
        &format!("send of {fields} hostile fields: {}", a.label()),
        committed,
        &a.text.chars().take(300).collect::<String>(),
    );
    if !committed {
        return Ok(());
    }
    ctx.committed.push(npsn.clone());

    // Stored verbatim: every field of every row as sent.
    let stored = crate::db::snapshot_rows(&ctx.db_backend, &ctx.db_url, &npsn).await?;
    let (mut same, mut differ) = (0u64, 0u64);
    for (kind, list) in &rows {
        for row in list {
            let id = row[id_key(*kind)].as_str().unwrap_or_default();
            let Some(got) = stored.get(&(kind.wire_name().to_owned(), id.to_owned())) else {
                differ += 1;
                if differ < 5 {
                    problems.push(format!("{kind:?} row {id} not found in the database"));
                }
                continue;
            };
            for (k, v) in row.as_object().into_iter().flatten() {
                if v.is_string() {
                    if got.get(k) == Some(v) {
                        same += 1;
                    } else {
                        differ += 1;
                        if differ < 5 {
                            problems.push(format!(
                                "{kind:?} {id} field {k}: sent {v}, stored {:?}",
                                got.get(k)
                            ));
                        }
                    }
                }
            }
        }
    }
    ctx.tally.record(
        cat,
        &format!("fields read back verbatim from the database: {same}"),
        differ == 0,
        "verbatim",
    );
    if differ > 0 {
        ctx.tally.record(
            cat,
            &format!("fields not stored verbatim: {differ}"),
            false,
            "verbatim",
        );
    }

    // The JSON API gives the text back as sent; the pages escape it.
    let sekolah = &rows[&DataKind::Sekolah][0];
    let api = ctx.api.get(&format!("/api/v1/sekolah/{npsn}")).await;
    // Every identity text the API shows that came from the send is the hostile text, verbatim.
    let sent: Vec<&str> = sekolah
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, v)| v.as_str())
        .collect();
    let shown: Vec<&str> = api
        .json
        .as_ref()
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, v)| v.as_str())
        .filter(|v| sent.contains(v))
        .collect();
    ctx.tally.record(
        cat,
        &format!(
            "/api/v1/sekolah {}: {} hostile identity fields verbatim",
            api.status,
            shown.len()
        ),
        api.status == 200 && !shown.is_empty(),
        &api.text,
    );
    for path in [
        format!("/sekolah/{npsn}"),
        "/progres_data".to_owned(),
        "/data_pokok".to_owned(),
    ] {
        let page = ctx.api.get(&path).await;
        let raw = PAYLOADS
            .iter()
            .filter(|p| p.contains('<') && page.text.contains(**p))
            .count();
        let escaped = page.text.contains("&lt;script&gt;") || page.text.contains("&lt;img");
        let ok = page.status == 200 && raw == 0;
        ctx.tally.record(
            cat,
            &format!(
                "page {path}: {} raw markup payloads, escaped form {}",
                raw,
                if escaped { "shown" } else { "absent" }
            ),
            ok,
            &path,
        );
    }
    Ok(())
}

/// NUL and other control characters in a text field: refused at upload with the row's
/// kind and index on every backend (PostgreSQL cannot store NUL; it used to be a 500 at
/// commit there while SQLite stored it).
pub async fn nul_bytes(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "NUL and control characters";
    let npsn = ctx.npsn(2).to_owned();
    let token = tokens[&2].clone();
    let mut rows = school_rows(&ctx.kab, &npsn)?;
    if let Some(list) = rows.get_mut(&DataKind::PesertaDidik)
        && let Some(Value::Object(m)) = list.first_mut()
    {
        m.insert(
            "nama".into(),
            Value::String("Siti\u{0000}Aminah\u{0007}\u{001b}[31m".into()),
        );
    }
    let a = send(ctx, &token, &npsn, &rows).await?;
    ctx.refused(cat, "NUL in a name", &a, &["invalid_row"]);
    Ok(())
}
