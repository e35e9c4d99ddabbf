//! The district pages under attack: password guessing at `/login`, path traversal at the
//! download route (raw request lines, so no client normalises the path).

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::{Ctx, STAFF_PASSWORD, STAFF_USER};

/// `(cookie header, csrf token)` of a fresh login form.
async fn login_form(ctx: &Ctx) -> anyhow::Result<(String, String)> {
    let resp = ctx.api.http.get(ctx.api.url("/login")).send().await?;
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    let html = resp.text().await?;
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(
        !csrf.is_empty() && !cookie.is_empty(),
        "login form without csrf/cookie"
    );
    Ok((cookie, csrf))
}

async fn login(ctx: &Ctx, cookie: &str, csrf: &str, user: &str, password: &str) -> u16 {
    let form = [
        ("username", user),
        ("password", password),
        ("csrf_token", csrf),
    ];
    match ctx
        .api
        .http
        .post(ctx.api.url("/login"))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

/// Wrong passwords for one account lock it (even the right password is then refused),
/// and many accounts from one address lock the address.
pub async fn login_brute_force(ctx: &mut Ctx) -> anyhow::Result<()> {
    let cat = "login brute force";
    let (cookie, csrf) = login_form(ctx).await?;
    let mut first_429 = None;
    for i in 0..8 {
        let s = login(ctx, &cookie, &csrf, STAFF_USER, &format!("tebakan-{i}")).await;
        if s == 429 && first_429.is_none() {
            first_429 = Some(i + 1);
        }
        let ok = s == 401 || s == 429;
        ctx.tally
            .record(cat, &format!("wrong password: {s}"), ok, "guess");
    }
    ctx.tally.record(
        cat,
        &format!("account locked after {:?} guesses", first_429),
        first_429.is_some_and(|n| n <= 6),
        "lock",
    );
    let s = login(ctx, &cookie, &csrf, STAFF_USER, STAFF_PASSWORD).await;
    ctx.tally.record(
        cat,
        &format!("right password while locked: {s}"),
        s == 429,
        "locked account",
    );
    let mut addr_locked = false;
    for i in 0..25 {
        let s = login(ctx, &cookie, &csrf, &format!("tebak{i}"), "salah-sekali").await;
        addr_locked |= s == 429;
        ctx.tally.record(
            cat,
            &format!("another username: {s}"),
            s == 401 || s == 429,
            "spray",
        );
    }
    ctx.tally.record(
        cat,
        if addr_locked {
            "address locked"
        } else {
            "address never locked"
        },
        addr_locked,
        "spray",
    );
    Ok(())
}

/// A raw `GET` with the path exactly as given; `(status, body)`.
async fn raw_get(addr: &str, path: &str) -> (u16, String) {
    let io = async {
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    match tokio::time::timeout(Duration::from_secs(30), io).await {
        Ok(Ok(buf)) => {
            let text = String::from_utf8_lossy(&buf).into_owned();
            let status = text
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            (status, text)
        }
        _ => (0, String::new()),
    }
}

/// Download route path traversal: never a file outside the download folder.
pub async fn path_traversal(ctx: &mut Ctx) -> anyhow::Result<()> {
    let cat = "path traversal on /unduhan";
    let marker = "RAHASIA-JANGAN-TERUNDUH-7f3a";
    std::fs::write(ctx.server_dir.join("rahasia.txt"), marker)?;
    std::fs::write(
        ctx.server_dir.join("unduhan").join("panduan.txt"),
        "Panduan operator",
    )?;
    let addr = ctx.api.base.trim_start_matches("http://").to_owned();
    let (s, body) = raw_get(&addr, "/unduhan/panduan.txt").await;
    ctx.tally.record(
        cat,
        &format!("control: a real download {s}"),
        s == 200 && body.contains("Panduan operator"),
        "control",
    );
    let paths = [
        "/unduhan/../rahasia.txt",
        "/unduhan/..%2frahasia.txt",
        "/unduhan/..%2Frahasia.txt",
        "/unduhan/%2e%2e%2frahasia.txt",
        "/unduhan/%2e%2e/rahasia.txt",
        "/unduhan/.%2e/rahasia.txt",
        "/unduhan/..%5crahasia.txt",
        "/unduhan/..\\rahasia.txt",
        "/unduhan/....//rahasia.txt",
        "/unduhan/%252e%252e%252frahasia.txt",
        "/unduhan/%c0%ae%c0%ae%2frahasia.txt",
        "/unduhan/..%2fingest.sqlite",
        "/unduhan/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/unduhan/%2fetc%2fpasswd",
        "/unduhan//etc/passwd",
        "/unduhan/panduan.txt%00.pdf",
        "/unduhan/panduan.txt/..%2f..%2frahasia.txt",
        "/unduhan/.",
        "/unduhan/..",
        "/unduhan/%2e",
        "/static/..%2f..%2frahasia.txt",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
    ];
    for p in paths {
        let (s, body) = raw_get(&addr, p).await;
        let leaked =
            body.contains(marker) || body.contains("root:x:0:0") || body.contains("SQLite format");
        let ok = !leaked && (s == 400 || s == 404);
        ctx.tally.record(
            cat,
            &if leaked {
                format!("{s} LEAKED")
            } else {
                format!("{s}")
            },
            ok,
            p,
        );
    }
    Ok(())
}
