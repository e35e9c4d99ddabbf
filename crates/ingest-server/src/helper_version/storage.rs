//! Storage of district settings (`setting`), such as the helper version policy.

use crate::storage::query::query;
use crate::storage::{Storage, StoreResult};

impl Storage {
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        query("SELECT value FROM setting WHERE key = $1")
            .bind(key)
            .scalar_optional(self.read())
            .await
    }

    pub async fn set_setting(&self, key: &str, value: &str, now_ms: i64) -> StoreResult<()> {
        self.write(
            query(
                "INSERT INTO setting (key, value, updated_at_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms",
            )
            .bind(key)
            .bind(value)
            .bind(now_ms),
        )
        .await?;
        Ok(())
    }
}
