-- District web pages, SQLite flavour. Keep in step with ../postgres/0002_web.sql: same
-- tables, columns and meaning; only types differ (INTEGER ms ↔ BIGINT, INTEGER 0/1 ↔
-- BOOLEAN, AUTOINCREMENT ↔ IDENTITY). All times are UTC epoch milliseconds (`*_ms`).

-- Staff accounts (admin, staf dinas, korwil). Usernames are stored lowercased.
CREATE TABLE staff_account (
    id             TEXT PRIMARY KEY,                 -- UUID
    username       TEXT NOT NULL UNIQUE,
    nama           TEXT NOT NULL,
    peran          TEXT NOT NULL CHECK (peran IN ('admin', 'staf_dinas', 'korwil')),
    -- The korwil's kecamatan (NULL for the other roles).
    kode_kecamatan TEXT REFERENCES kecamatan (kode_kecamatan),
    password_hash  TEXT NOT NULL,                    -- argon2id PHC string
    aktif          INTEGER NOT NULL DEFAULT 1,
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    last_login_ms  INTEGER,
    CHECK (peran <> 'korwil' OR kode_kecamatan IS NOT NULL)
);

-- Logged-in browser sessions: only the SHA-256 of the cookie token is stored.
CREATE TABLE staff_session (
    token_hash    TEXT PRIMARY KEY,
    staff_id      TEXT NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,
    created_at_ms INTEGER NOT NULL,
    last_seen_ms  INTEGER NOT NULL,
    -- Absolute end of the session (idle expiry is checked against last_seen_ms).
    expires_at_ms INTEGER NOT NULL,
    ip            TEXT NOT NULL
);
CREATE INDEX staff_session_staff ON staff_session (staff_id);
CREATE INDEX staff_session_expires ON staff_session (expires_at_ms);

-- Logins, administrative changes and every view or download of personal data.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms      INTEGER NOT NULL,
    username   TEXT NOT NULL,                        -- for failed logins: the name tried
    peran      TEXT NOT NULL,                        -- '' when not logged in
    aksi       TEXT NOT NULL,                        -- district_web AuditAction::kode
    objek      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    keterangan TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_ms);
CREATE INDEX audit_log_aksi_at ON audit_log (aksi, at_ms);

-- Program lists (PIP, beasiswa, perlengkapan dasar) uploaded by the district's departments.
CREATE TABLE program_upload (
    id            TEXT PRIMARY KEY,                  -- UUID
    nama_berkas   TEXT NOT NULL,
    diunggah_oleh TEXT NOT NULL,                     -- staff username
    at_ms         INTEGER NOT NULL,
    baris_valid   INTEGER NOT NULL,
    baris_galat   INTEGER NOT NULL,
    cocok         INTEGER NOT NULL,
    tidak_cocok   INTEGER NOT NULL
);

-- Current recipients: the matched rows of the latest upload per (program, tahun); an upload
-- replaces the rows of every (program, tahun) it contains. Student fields as matched.
CREATE TABLE program_penerima (
    program          TEXT NOT NULL,                  -- pip | beasiswa | perlengkapan
    tahun            INTEGER NOT NULL,
    peserta_didik_id TEXT NOT NULL,
    upload_id        TEXT NOT NULL REFERENCES program_upload (id) ON DELETE CASCADE,
    baris            INTEGER NOT NULL,
    dicocokkan       TEXT NOT NULL CHECK (dicocokkan IN ('nisn', 'nik')),
    npsn             TEXT NOT NULL,
    nama_sekolah     TEXT NOT NULL,
    kode_kecamatan   TEXT NOT NULL,
    kecamatan        TEXT NOT NULL,
    nama             TEXT NOT NULL,
    nisn             TEXT,
    nik              TEXT,
    jenis_kelamin    TEXT,
    rombel           TEXT,
    catatan          TEXT,
    PRIMARY KEY (program, tahun, peserta_didik_id)
);
CREATE INDEX program_penerima_kecamatan ON program_penerima (kode_kecamatan, program, tahun);
CREATE INDEX program_penerima_upload ON program_penerima (upload_id);

-- Rows of an upload that matched no (unique) received student.
CREATE TABLE program_tidak_cocok (
    upload_id TEXT NOT NULL REFERENCES program_upload (id) ON DELETE CASCADE,
    baris     INTEGER NOT NULL,
    program   TEXT NOT NULL,
    tahun     INTEGER NOT NULL,
    nisn      TEXT,
    nik       TEXT,
    nama      TEXT,
    alasan    TEXT NOT NULL,
    PRIMARY KEY (upload_id, baris)
);
