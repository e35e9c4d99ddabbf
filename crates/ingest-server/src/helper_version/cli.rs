//! `ingest-server version show|set`.

use crate::app::cli::VersionCommand;
use crate::app::config::Config;
use crate::helper_version;
use crate::storage::Storage;

/// Prints the effective policy, after storing the given changes for `set`.
pub async fn run(config: &Config, store: &Storage, command: VersionCommand) -> anyhow::Result<()> {
    let info = match command {
        VersionCommand::Show => {
            helper_version::policy::effective(store, &config.version.info()).await?
        }
        VersionCommand::Set {
            latest,
            min,
            download_url,
            notes,
        } => {
            helper_version::set_version_policy(
                store,
                &config.version.info(),
                latest.as_deref(),
                min.as_deref(),
                download_url.as_deref(),
                notes.as_deref(),
            )
            .await?
        }
    };
    println!("{}", serde_json::to_string_pretty(&info)?);
    Ok(())
}
