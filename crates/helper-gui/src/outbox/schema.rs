//! The outbox schema. `PRAGMA user_version` holds the version; migrations only add.

use rusqlite::Connection;

pub const VERSION: i64 = 1;

const V1: &str = "
CREATE TABLE IF NOT EXISTS sends (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    npsn          TEXT    NOT NULL,
    username_ops  TEXT    NOT NULL,
    semester_id   TEXT,
    server_url    TEXT    NOT NULL,
    created_utc   TEXT    NOT NULL,
    -- prepared: batches stored, no session yet; open: a session id is known;
    -- committed: the server returned a receipt; abandoned: replaced or too old.
    state         TEXT    NOT NULL CHECK (state IN ('prepared', 'open', 'committed', 'abandoned')),
    session_id    TEXT,
    expected_json TEXT    NOT NULL,
    preview_json  TEXT,
    raw_bytes     INTEGER NOT NULL DEFAULT 0,
    wire_bytes    INTEGER NOT NULL DEFAULT 0,
    receipt_json  TEXT,
    finished_utc  TEXT,
    last_error    TEXT
);
CREATE INDEX IF NOT EXISTS sends_by_state ON sends (state, npsn);

CREATE TABLE IF NOT EXISTS batches (
    send_id  INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    sha256   TEXT    NOT NULL,
    rows     INTEGER NOT NULL,
    raw_len  INTEGER NOT NULL,
    -- zstd-compressed JSON array, exactly what is PUT.
    body     BLOB    NOT NULL,
    done     INTEGER NOT NULL DEFAULT 0,
    status   TEXT,
    PRIMARY KEY (send_id, kind, seq)
);
";

/// Opens pragmas and brings the schema up to [`VERSION`].
pub fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    // WAL + FULL: every committed transaction survives a power cut.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current < 1 {
        conn.execute_batch(V1)?;
        conn.pragma_update(None, "user_version", VERSION)?;
    }
    Ok(())
}
