-- Ingest server schema, PostgreSQL flavour. Keep in step with ../sqlite/0001_init.sql:
-- same tables, columns and meaning; only types differ (INTEGER ↔ BIGINT, BLOB ↔ BYTEA,
-- TEXT JSON ↔ JSONB, INTEGER 0/1 ↔ BOOLEAN). All times are UTC epoch milliseconds (`*_ms`).

-- Reference data: the district's kecamatan and school list (`reference import`).
CREATE TABLE kecamatan (
    kode_kecamatan TEXT PRIMARY KEY,
    nama           TEXT NOT NULL,
    updated_at_ms  BIGINT NOT NULL
);

CREATE TABLE sekolah_ref (
    npsn           TEXT PRIMARY KEY,
    nama           TEXT NOT NULL,
    bentuk         TEXT NOT NULL,
    status         TEXT NOT NULL,
    kode_kecamatan TEXT NOT NULL REFERENCES kecamatan (kode_kecamatan),
    desa           TEXT,
    alamat         TEXT,
    lintang        TEXT,
    bujur          TEXT,
    email          TEXT,
    website        TEXT,
    -- FALSE once a re-import no longer lists the school (closed/merged); kept for history.
    aktif          BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at_ms  BIGINT NOT NULL
);
CREATE INDEX sekolah_ref_kecamatan ON sekolah_ref (kode_kecamatan);

-- Enrollment: one kode registrasi per school (hashed) and the issued school tokens (SHA-256).
CREATE TABLE enrollment (
    npsn              TEXT PRIMARY KEY REFERENCES sekolah_ref (npsn),
    kode_hash         TEXT NOT NULL,
    kode_issued_at_ms BIGINT NOT NULL
);

CREATE TABLE school_token (
    token_hash     TEXT PRIMARY KEY,
    npsn           TEXT NOT NULL REFERENCES sekolah_ref (npsn),
    username_ops   TEXT NOT NULL,
    device_name    TEXT,
    helper_version TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    revoked_at_ms  BIGINT
);
CREATE INDEX school_token_npsn ON school_token (npsn);

-- District settings changed at runtime (e.g. helper version policy).
CREATE TABLE setting (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- Send sessions and their staged batches.
CREATE TABLE send_session (
    session_id       TEXT PRIMARY KEY,
    npsn             TEXT NOT NULL REFERENCES sekolah_ref (npsn),
    state            TEXT NOT NULL CHECK (state IN ('open', 'committed', 'expired', 'superseded')),
    username_ops     TEXT NOT NULL,
    helper_version   TEXT NOT NULL,
    semester_id      TEXT,
    expected         TEXT NOT NULL,          -- JSON {kind: {rows, batches}}
    created_at_ms    BIGINT NOT NULL,
    last_activity_ms BIGINT NOT NULL,
    expires_at_ms    BIGINT NOT NULL,
    closed_at_ms     BIGINT,
    receipt          TEXT                    -- JSON CommitReceipt once committed
);
CREATE INDEX send_session_npsn_state ON send_session (npsn, state);
CREATE INDEX send_session_state_expires ON send_session (state, expires_at_ms);

-- Content-addressed batch bodies per school (zstd of the uncompressed JSON array).
CREATE TABLE batch_blob (
    npsn          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    rows          BIGINT NOT NULL,
    payload       BYTEA NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (npsn, sha256)
);

CREATE TABLE session_batch (
    session_id     TEXT NOT NULL REFERENCES send_session (session_id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    npsn           TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    rows           BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    PRIMARY KEY (session_id, kind, seq),
    FOREIGN KEY (npsn, sha256) REFERENCES batch_blob (npsn, sha256)
);
CREATE INDEX session_batch_blob ON session_batch (npsn, sha256);

-- The committed snapshot of each school: batch list (for delta), rows, summary.
CREATE TABLE snapshot_batch (
    npsn   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    seq    BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    rows   BIGINT NOT NULL,
    PRIMARY KEY (npsn, kind, seq),
    FOREIGN KEY (npsn, sha256) REFERENCES batch_blob (npsn, sha256)
);
CREATE INDEX snapshot_batch_blob ON snapshot_batch (npsn, sha256);

CREATE TABLE snapshot_row (
    npsn         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    batch_sha256 TEXT NOT NULL,
    data         JSONB NOT NULL,             -- the flattened row
    PRIMARY KEY (npsn, kind, row_id)
);

CREATE TABLE school_snapshot (
    npsn                TEXT PRIMARY KEY REFERENCES sekolah_ref (npsn),
    session_id          TEXT NOT NULL,
    tanggal_kirim_ms    BIGINT NOT NULL,
    helper_version      TEXT NOT NULL,
    username_ops        TEXT NOT NULL,
    sekolah             BIGINT NOT NULL,
    peserta_didik       BIGINT NOT NULL,
    ptk                 BIGINT NOT NULL,
    riwayat_kepangkatan BIGINT NOT NULL,
    riwayat_pendidikan  BIGINT NOT NULL,
    rombel              BIGINT NOT NULL,
    anggota_rombel      BIGINT NOT NULL,
    pembelajaran        BIGINT NOT NULL,
    nama                TEXT NOT NULL,       -- identity as sent (sekolah row)
    bentuk              TEXT,
    status              TEXT,
    summary             TEXT NOT NULL,       -- JSON shared_model::summary::SchoolSummary
    public              TEXT NOT NULL        -- JSON SekolahPublic (served as is)
);

-- Send history: one entry per committed session ("Progres Kirim Data").
CREATE TABLE progres_kirim (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    npsn                TEXT NOT NULL REFERENCES sekolah_ref (npsn),
    session_id          TEXT NOT NULL UNIQUE,
    tanggal_kirim_ms    BIGINT NOT NULL,
    sekolah             BIGINT NOT NULL,
    peserta_didik       BIGINT NOT NULL,
    ptk                 BIGINT NOT NULL,
    riwayat_kepangkatan BIGINT NOT NULL,
    riwayat_pendidikan  BIGINT NOT NULL,
    rombel              BIGINT NOT NULL,
    anggota_rombel      BIGINT NOT NULL,
    pembelajaran        BIGINT NOT NULL,
    helper_version      TEXT NOT NULL,
    username_ops        TEXT NOT NULL
);
CREATE INDEX progres_kirim_npsn ON progres_kirim (npsn, tanggal_kirim_ms);
