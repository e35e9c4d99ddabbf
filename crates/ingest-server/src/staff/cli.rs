//! `ingest-server staf …`: staff accounts from the command line, e.g. the first admin:
//!
//! ```sh
//! echo 'kata-sandi-rahasia' | ingest-server staf tambah --username admin --nama "Administrator" --peran admin
//! INGEST_STAF_PASSWORD=… ingest-server staf tambah --username korwil.berbek --nama "Korwil Berbek" \
//!     --peran korwil --kecamatan 051101
//! ingest-server staf daftar
//! echo 'sandi-baru-12345' | ingest-server staf sandi --username admin
//! ingest-server staf nonaktifkan --username korwil.berbek
//! ```
//!
//! The password comes from `INGEST_STAF_PASSWORD`, else from the first line of stdin.

use std::io::BufRead as _;

use anyhow::{Context as _, bail};
use district_web::auth::{Role, hash_password, validate_new_password};
use district_web::staff::AuditAction;

use crate::app::config::Config;
use crate::app::time::{now_ms, wib};
use crate::storage::NewStaff;
use crate::storage::Storage;

#[derive(Debug, clap::Subcommand)]
pub enum StafCommand {
    /// Add a staff account.
    Tambah {
        #[arg(long)]
        username: String,
        /// Display name (default: the username).
        #[arg(long)]
        nama: Option<String>,
        /// admin | staf (staf dinas) | korwil.
        #[arg(long)]
        peran: String,
        /// Kode kecamatan of a korwil.
        #[arg(long)]
        kecamatan: Option<String>,
    },
    /// List the accounts.
    Daftar,
    /// Set a new password (ends the account's sessions).
    Sandi {
        #[arg(long)]
        username: String,
    },
    /// Deactivate an account (ends its sessions).
    Nonaktifkan {
        #[arg(long)]
        username: String,
    },
    /// Activate an account again.
    Aktifkan {
        #[arg(long)]
        username: String,
    },
}

fn password_input() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("INGEST_STAF_PASSWORD")
        && !p.is_empty()
    {
        return Ok(p);
    }
    eprintln!("Kata sandi (satu baris dari stdin):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("membaca kata sandi dari stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn account(db: &Storage, username: &str) -> anyhow::Result<crate::storage::StaffAccount> {
    db.staff_by_username(&username.trim().to_lowercase())
        .await?
        .with_context(|| format!("akun {username:?} tidak ada"))
}

/// Runs a `staf` command (the store has been opened and migrated).
pub async fn run(_config: &Config, store: &Storage, command: StafCommand) -> anyhow::Result<()> {
    match command {
        StafCommand::Tambah {
            username,
            nama,
            peran,
            kecamatan,
        } => add(store, username, nama, peran, kecamatan).await,
        StafCommand::Daftar => list(store).await,
        StafCommand::Sandi { username } => reset_password(store, &username).await,
        StafCommand::Nonaktifkan { username } => set_active(store, &username, false).await,
        StafCommand::Aktifkan { username } => set_active(store, &username, true).await,
    }
}

/// `staf tambah`: a new account, its password typed twice.
async fn add(
    db: &Storage,
    username: String,
    nama: Option<String>,
    peran: String,
    kecamatan: Option<String>,
) -> anyhow::Result<()> {
    let store = db;
    let username = username.trim().to_lowercase();
    let peran = match peran.trim() {
        "staf" | "staf-dinas" => "staf_dinas",
        other => other,
    };
    let role = Role::from_parts(peran, kecamatan.as_deref()).with_context(|| {
        "peran harus admin, staf atau korwil (korwil dengan --kecamatan KODE)".to_string()
    })?;
    let form = district_web::staff::AccountForm {
        username: username.clone(),
        nama: nama.clone().unwrap_or_else(|| username.clone()),
        peran: role.kode().to_owned(),
        kode_kecamatan: role.kode_kecamatan().unwrap_or_default().to_owned(),
    };
    let kecamatan_options: Vec<_> = store
        .kecamatan_list()
        .await?
        .into_iter()
        .map(|k| district_web::common::KecamatanOption {
            kode: k.kode_kecamatan,
            nama: k.nama,
        })
        .collect();
    if let Err(errors) = form.validate(&kecamatan_options) {
        bail!("{}", errors.join(" "));
    }
    let password = password_input()?;
    validate_new_password(&password, &username).map_err(anyhow::Error::msg)?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
    let created = db
        .create_staff(&NewStaff {
            id: uuid::Uuid::new_v4().to_string(),
            username: username.clone(),
            nama: form.nama.clone(),
            peran: role.kode().to_owned(),
            kode_kecamatan: role.kode_kecamatan().map(str::to_owned),
            password_hash: hash,
            now_ms: now_ms(),
        })
        .await?;
    if !created {
        bail!("nama pengguna {username:?} sudah dipakai");
    }
    crate::staff::audit::cli(db, AuditAction::AkunDibuat, &username, role.label()).await?;
    println!("Akun {username} ({}) dibuat.", role.label());
    Ok(())
}

/// `staf daftar`: every account as CSV.
async fn list(db: &Storage) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout());
    w.write_record([
        "username",
        "nama",
        "peran",
        "kecamatan",
        "aktif",
        "login_terakhir",
    ])?;
    for a in db.staff_list().await? {
        w.write_record([
            a.username.as_str(),
            &a.nama,
            &a.peran,
            a.kode_kecamatan.as_deref().unwrap_or(""),
            if a.aktif { "ya" } else { "tidak" },
            &a.last_login_ms.map(wib).unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// `staf sandi`: a new password; the account's sessions end.
async fn reset_password(db: &Storage, username: &str) -> anyhow::Result<()> {
    let a = account(db, username).await?;
    let password = password_input()?;
    validate_new_password(&password, &a.username).map_err(anyhow::Error::msg)?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
    db.set_staff_password(&a.id, &hash, now_ms()).await?;
    crate::staff::audit::cli(
        db,
        AuditAction::AkunDiubah,
        &a.username,
        "kata sandi direset",
    )
    .await?;
    println!(
        "Kata sandi {} diganti; sesi login akun ini diakhiri.",
        a.username
    );
    Ok(())
}

async fn set_active(db: &Storage, username: &str, aktif: bool) -> anyhow::Result<()> {
    let a = account(db, username).await?;
    db.set_staff_active(&a.id, aktif, now_ms()).await?;
    let what = if aktif { "diaktifkan" } else { "dinonaktifkan" };
    crate::staff::audit::cli(db, AuditAction::AkunDiubah, &a.username, what).await?;
    println!("Akun {} {what}.", a.username);
    Ok(())
}
