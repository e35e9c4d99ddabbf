//! Tokens and enrollment under attack: a rotated token replayed, one school's token used
//! on another school, guessing kode registrasi.

use std::collections::BTreeMap;

use super::Ctx;
use super::api::expected_of;
use super::school::{batches_of, school_rows};

/// School tokens by index of `ctx.schools` (index 0 rotated below).
pub type Tokens = BTreeMap<usize, String>;

/// Enrolls the first four schools the legitimate way.
pub async fn enroll_all(ctx: &mut Ctx) -> anyhow::Result<Tokens> {
    let mut tokens = Tokens::new();
    for i in 0..4 {
        let a = ctx.api.enroll(ctx.npsn(i), ctx.kode(i)).await;
        anyhow::ensure!(
            a.status == 200,
            "enroll {}: {} {}",
            ctx.npsn(i),
            a.status,
            a.text
        );
        let t = a
            .json
            .as_ref()
            .and_then(|j| j["school_token"].as_str())
            .unwrap_or("");
        tokens.insert(i, t.to_owned());
    }
    Ok(tokens)
}

/// Enrolling again rotates the token: the old one is refused everywhere.
pub async fn rotated_token(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "rotated token replayed";
    let old = tokens[&0].clone();
    let a = ctx.api.enroll(ctx.npsn(0), ctx.kode(0)).await;
    anyhow::ensure!(a.status == 200, "re-enroll: {} {}", a.status, a.text);
    let new = a
        .json
        .as_ref()
        .and_then(|j| j["school_token"].as_str())
        .unwrap_or("")
        .to_owned();
    anyhow::ensure!(new != old, "rotation gave the same token");
    let rows = school_rows(&ctx.kab, ctx.npsn(0))?;
    let batches = batches_of(&rows);
    let npsn = ctx.npsn(0).to_owned();
    let a = ctx.api.open(&old, &npsn, &expected_of(&batches)).await;
    ctx.refused(
        cat,
        "open a session with the old token",
        &a,
        &["token_revoked"],
    );
    // A session opened with the new token, then attacked with the old one.
    let open = ctx.api.open(&new, &npsn, &expected_of(&batches)).await;
    let sid = open
        .json
        .as_ref()
        .and_then(|j| j["session_id"].as_str())
        .unwrap_or("")
        .to_owned();
    anyhow::ensure!(!sid.is_empty(), "open with the new token: {}", open.text);
    let a = ctx.api.put_batch(&old, &sid, &batches[0]).await;
    ctx.refused(cat, "upload with the old token", &a, &["token_revoked"]);
    let a = ctx.api.session(&old, &sid).await;
    ctx.refused(
        cat,
        "read the session with the old token",
        &a,
        &["token_revoked"],
    );
    let a = ctx.api.commit(&old, &sid).await;
    ctx.refused(cat, "commit with the old token", &a, &["token_revoked"]);
    for bad in [
        "",
        "dbh1_",
        "dbh1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer x",
        "' OR 1=1 --",
    ] {
        let a = ctx.api.session(bad, &sid).await;
        ctx.refused(
            cat,
            "a made-up token",
            &a,
            &["unauthorized", "invalid_request"],
        );
    }
    Ok(())
}

/// School A's valid token against school B: opening, reading, writing, committing.
pub async fn cross_school(ctx: &mut Ctx, tokens: &Tokens) -> anyhow::Result<()> {
    let cat = "cross-school writes";
    // Index 0 was rotated; use schools 1 (attacker) and 2 (victim).
    let (ta, tb) = (tokens[&1].clone(), tokens[&2].clone());
    let victim = ctx.npsn(2).to_owned();
    let rows = school_rows(&ctx.kab, &victim)?;
    let batches = batches_of(&rows);
    let a = ctx.api.open(&ta, &victim, &expected_of(&batches)).await;
    ctx.refused(
        cat,
        "open a session for another NPSN",
        &a,
        &["forbidden_npsn"],
    );
    let open = ctx.api.open(&tb, &victim, &expected_of(&batches)).await;
    let sid = open
        .json
        .as_ref()
        .and_then(|j| j["session_id"].as_str())
        .unwrap_or("")
        .to_owned();
    anyhow::ensure!(!sid.is_empty(), "victim open: {}", open.text);
    let a = ctx.api.session(&ta, &sid).await;
    ctx.refused(
        cat,
        "read another school's session",
        &a,
        &["forbidden_npsn", "session_not_found"],
    );
    for b in batches.iter().take(3) {
        let a = ctx.api.put_batch(&ta, &sid, b).await;
        ctx.refused(
            cat,
            "upload into another school's session",
            &a,
            &["forbidden_npsn", "session_not_found"],
        );
    }
    let a = ctx.api.commit(&ta, &sid).await;
    ctx.refused(
        cat,
        "commit another school's session",
        &a,
        &["forbidden_npsn", "session_not_found"],
    );
    // The victim's session holds nothing.
    let st = ctx.api.session(&tb, &sid).await;
    let held: u64 = st
        .json
        .as_ref()
        .and_then(|j| j["received"].as_object().cloned())
        .map(|m| m.values().map(|v| v["rows"].as_u64().unwrap_or(0)).sum())
        .unwrap_or(u64::MAX);
    let ok = st.status == 200 && held == 0;
    ctx.tally.record(
        cat,
        if ok {
            "victim session still empty"
        } else {
            "victim session changed"
        },
        ok,
        "victim check",
    );
    Ok(())
}

/// Guessing kode registrasi: refused, then rate limited (429 with Retry-After).
pub async fn enroll_brute_force(ctx: &mut Ctx) -> anyhow::Result<()> {
    let cat = "enrollment brute force";
    let npsn = ctx.npsn(4.min(ctx.schools.len() - 1)).to_owned();
    let mut limited = false;
    for i in 0..12 {
        let guess = format!("ABCD{:04}", 1000 + i);
        let a = ctx.api.enroll(&npsn, &guess).await;
        if a.code() == "rate_limited" {
            limited = true;
            let has_retry = a.retry_after.is_some();
            ctx.refused(cat, "guess after the limit", &a, &["rate_limited"]);
            if !has_retry {
                ctx.tally
                    .record(cat, "429 without Retry-After", false, "retry-after");
            }
        } else {
            ctx.refused(cat, "wrong kode registrasi", &a, &["enroll_refused"]);
        }
    }
    ctx.tally.record(
        cat,
        if limited {
            "rate limit reached"
        } else {
            "never rate limited"
        },
        limited,
        "12 wrong guesses",
    );
    // The right code for that school is refused too while the limit holds.
    let real = ctx
        .schools
        .iter()
        .find(|(n, _)| *n == npsn)
        .map(|(_, k)| k.clone())
        .unwrap_or_default();
    let a = ctx.api.enroll(&npsn, &real).await;
    ctx.refused(cat, "the right code while locked", &a, &["rate_limited"]);
    Ok(())
}
