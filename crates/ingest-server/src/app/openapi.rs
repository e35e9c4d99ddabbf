//! `GET /api/v1/openapi.json`: an OpenAPI 3.0 description of protocol v1
//! (behaviour: `docs/protocol.md`).

use std::sync::OnceLock;

use axum::Json;
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::protocol::{MAX_BATCH_BODY_BYTES, MAX_BATCH_ROWS, MAX_BATCH_UNCOMPRESSED_BYTES};

pub async fn get_openapi() -> Json<Value> {
    Json(document().clone())
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_body(name: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema_ref(name)}}})
}

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn errors(codes: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    for code in codes {
        out.insert(
            (*code).to_owned(),
            json!({"description": "error", "content": {"application/json": {"schema": schema_ref("ApiError")}}}),
        );
    }
    Value::Object(out)
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn counts_schema() -> Value {
    let props: serde_json::Map<String, Value> = DataKind::ALL
        .iter()
        .map(|k| {
            (
                k.wire_name().to_owned(),
                json!({"type": "integer", "minimum": 0}),
            )
        })
        .collect();
    json!({"type": "object", "properties": props, "description": "One count per data kind (all 8 keys)."})
}

fn per_kind(schema: Value) -> Value {
    let props: serde_json::Map<String, Value> = DataKind::ALL
        .iter()
        .map(|k| (k.wire_name().to_owned(), schema.clone()))
        .collect();
    json!({"type": "object", "properties": props})
}

/// The document (built once).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

// A data table (the OpenAPI document), long by nature.
fn build() -> Value {
    let kinds: Vec<&str> = DataKind::ALL.iter().map(|k| k.wire_name()).collect();
    let bearer = json!([{"schoolToken": []}]);
    let session_id =
        json!({"name": "session_id", "in": "path", "required": true, "schema": {"type": "string"}});
    let kind = json!({"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": kinds}});
    let seq = json!({"name": "seq", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}});
    let s = |v: &str| json!({"type": "string", "description": v});
    let opt = |v: &str| json!({"type": "string", "nullable": true, "description": v});
    let int = json!({"type": "integer", "minimum": 0});

    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "ApiError".to_owned(),
        json!({"type": "object", "required": ["error", "message"], "properties": {
                    "error": s("stable code, e.g. invalid_row"),
                    "message": s("Indonesian text for the operator"),
                    "details": {"type": "object", "nullable": true}}}),
    );
    schemas.insert("VersionInfo".to_owned(), json!({"type": "object", "properties": {
                    "latest_version": s("latest helper version"), "min_version": s("minimum version allowed to send"),
                    "download_url": s("where to download the helper"), "notes": s("release notes")}}));
    schemas.insert("EnrollRequest".to_owned(), json!({"type": "object", "required": ["npsn", "kode_registrasi", "username_ops", "helper_version"], "properties": {
                    "npsn": s("8-character NPSN"), "kode_registrasi": s("code issued by the district, e.g. ABCD-EFGH"),
                    "username_ops": s("Dapodik operator username"), "helper_version": s("semver"), "device_name": opt("PC name")}}));
    schemas.insert("EnrollResponse".to_owned(), json!({"type": "object", "properties": {
                    "npsn": s("NPSN"), "school_token": s("secret; send as Bearer token"), "nama_sekolah": opt("school name")}}));
    schemas.insert(
        "KindExpectation".to_owned(),
        json!({"type": "object", "properties": {"rows": int, "batches": int}}),
    );
    schemas.insert("KindCounts".to_owned(), json!(counts_schema()));
    schemas.insert("OpenSessionRequest".to_owned(), json!({"type": "object", "required": ["npsn", "helper_version", "username_ops", "expected"], "properties": {
                    "npsn": s("NPSN of the token's school"), "helper_version": s("semver"), "username_ops": s("operator"),
                    "semester_id": opt("active Dapodik semester, e.g. 20251"),
                    "expected": per_kind(schema_ref("KindExpectation"))}}));
    schemas.insert("OpenSessionResponse".to_owned(), json!({"type": "object", "properties": {
                    "session_id": s("session id"), "expires_at": s("RFC 3339 UTC"),
                    "reusable_hashes": {"type": "array", "items": {"type": "string"}, "description": "SHA-256 of content the server holds for this school"}}}));
    schemas.insert("KindReceived".to_owned(), json!({"type": "object", "properties": {"rows": int, "batches": {"type": "array", "items": int}}}));
    schemas.insert("SessionStatus".to_owned(), json!({"type": "object", "properties": {
                    "session_id": s("id"), "npsn": s("NPSN"),
                    "state": {"type": "string", "enum": ["open", "committed", "expired", "superseded"]},
                    "expires_at": s("RFC 3339 UTC"),
                    "expected": per_kind(schema_ref("KindExpectation")),
                    "received": per_kind(schema_ref("KindReceived")),
                    "receipt": schema_ref("CommitReceipt")}}));
    schemas.insert("BatchRef".to_owned(), json!({"type": "object", "required": ["sha256", "rows"], "properties": {"sha256": s("lowercase hex"), "rows": int}}));
    schemas.insert("BatchAck".to_owned(), json!({"type": "object", "properties": {
                    "kind": {"type": "string", "enum": kinds}, "seq": int, "rows": int, "sha256": s("lowercase hex"),
                    "status": {"type": "string", "enum": ["stored", "duplicate", "reused"]}}}));
    schemas.insert("CommitReceipt".to_owned(), json!({"type": "object", "properties": {
                    "session_id": s("id"), "npsn": s("NPSN"), "tanggal_kirim": s("WIB, YYYY-MM-DD HH:MM:SS"),
                    "tanggal_kirim_utc": s("RFC 3339 UTC"), "counts": schema_ref("KindCounts"),
                    "helper_version": s("semver"), "username_ops": s("operator")}}));
    schemas.insert("ProgresEntry".to_owned(), json!({"type": "object", "description": "One row of Progres Kirim Data; the 8 counts also appear as flat keys named by kind.",
                    "properties": merge(json!({
                        "kecamatan": s("kecamatan"), "nama": s("school name"), "npsn": s("NPSN"), "bentuk": s("SD, SMP, …"),
                        "status": s("Negeri/Swasta"), "tanggal_kirim": s("WIB"), "tanggal_kirim_utc": s("RFC 3339 UTC"),
                        "counts": schema_ref("KindCounts")}), counts_schema()["properties"].clone())}));
    schemas.insert("ProgresLive".to_owned(), json!({"type": "object", "properties": {
                    "npsn": s("NPSN"), "nama": s("school"), "kecamatan": s("kecamatan"), "started_at_utc": s("RFC 3339"),
                    "expected": schema_ref("KindCounts"), "received": schema_ref("KindCounts")}}));
    schemas.insert("PtkRecap".to_owned(), json!({"type": "object", "properties": {"guru_l": int, "guru_p": int, "tendik_l": int, "tendik_p": int}}));
    schemas.insert("KelasRecap".to_owned(), json!({"type": "object", "properties": {
                    "rombongan_belajar_id": s("rombel id"), "nama": s("class name"), "tingkat": opt("grade"),
                    "laki_laki": int, "perempuan": int}}));
    schemas.insert("SekolahPublic".to_owned(), json!({"type": "object", "properties": {
                    "npsn": s("NPSN"), "nama": s("name"), "status": opt("Negeri/Swasta"), "bentuk": opt("SD, SMP, …"),
                    "alamat": opt(""), "rt": opt(""), "rw": opt(""), "dusun": opt(""), "desa_kelurahan": opt(""),
                    "kecamatan": opt(""), "kabupaten_kota": opt(""), "provinsi": opt(""), "email": opt(""),
                    "website": opt(""), "telepon": opt(""), "kode_pos": opt(""), "lintang": opt(""), "bujur": opt(""),
                    "ptk": schema_ref("PtkRecap"), "kelas": {"type": "array", "items": schema_ref("KelasRecap")},
                    "tanggal_kirim": opt("WIB of the last send"), "counts": schema_ref("KindCounts")}}));
    schemas.insert("RekapSatuanPendidikan".to_owned(), json!({"type": "object", "properties": {
                    "kode_kecamatan": s(""), "kecamatan": s(""), "bentuk": s(""), "status": s("Negeri/Swasta"),
                    "sudah_kirim": int, "total_referensi": int}}));
    let mut paths = serde_json::Map::new();
    paths.insert("/version".to_owned(), json!({"get": {"summary": "Helper version policy", "responses": {"200": ok("policy", schema_ref("VersionInfo"))}}}));
    paths.insert("/openapi.json".to_owned(), json!({"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3 JSON"}}}}));
    paths.insert("/enroll".to_owned(), json!({"post": {
                "summary": "Enroll with NPSN + kode registrasi; rotates the school token",
                "requestBody": json_body("EnrollRequest"),
                "responses": merge(json!({"200": ok("token issued", schema_ref("EnrollResponse"))}), errors(&["400", "403", "413", "426", "429"]))}}));
    paths.insert("/sessions".to_owned(), json!({"post": {
                "summary": "Open a send session (supersedes the school's open one)", "security": bearer,
                "requestBody": json_body("OpenSessionRequest"),
                "responses": merge(json!({"201": ok("opened", schema_ref("OpenSessionResponse"))}), errors(&["400", "401", "403", "426", "429"]))}}));
    paths.insert("/sessions/{session_id}".to_owned(), json!({"get": {
                "summary": "Session state for resume / live progress", "security": bearer, "parameters": [session_id],
                "responses": merge(json!({"200": ok("state", schema_ref("SessionStatus"))}), errors(&["401", "403", "404"]))}}));
    paths.insert("/sessions/{session_id}/batches/{kind}/{seq}".to_owned(), json!({"put": {
                "summary": "Upload one batch (JSON array of rows, compressed)", "security": bearer,
                "parameters": [session_id, kind, seq,
                    {"name": "Content-Encoding", "in": "header", "schema": {"type": "string", "enum": ["zstd", "gzip", "identity"]}},
                    {"name": "X-Content-SHA256", "in": "header", "required": true, "schema": {"type": "string"},
                     "description": "lowercase hex SHA-256 of the uncompressed body"}],
                "requestBody": {"required": true, "description": format!(
                    "≤ {MAX_BATCH_BODY_BYTES} bytes as sent, ≤ {MAX_BATCH_UNCOMPRESSED_BYTES} bytes decompressed, ≤ {MAX_BATCH_ROWS} rows"),
                    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
                "responses": merge(json!({"200": ok("stored or duplicate", schema_ref("BatchAck"))}),
                    errors(&["400", "401", "403", "404", "409", "413", "415", "422", "429"]))}}));
    paths.insert("/sessions/{session_id}/batches/{kind}/{seq}/ref".to_owned(), json!({"put": {
                "summary": "Reference content the server already holds for this school (delta)", "security": bearer,
                "parameters": [session_id, kind, seq], "requestBody": json_body("BatchRef"),
                "responses": merge(json!({"200": ok("reused or duplicate", schema_ref("BatchAck"))}),
                    errors(&["400", "401", "403", "404", "409", "429"]))}}));
    paths.insert("/sessions/{session_id}/commit".to_owned(), json!({"post": {
                "summary": "Check completeness and counts, replace the school's snapshot, record progress", "security": bearer,
                "parameters": [session_id],
                "responses": merge(json!({"200": ok("receipt (also for a retried commit)", schema_ref("CommitReceipt"))}),
                    errors(&["401", "403", "404", "409", "422", "429"]))}}));
    paths.insert("/progres".to_owned(), json!({"get": {"summary": "Latest committed send per school, newest first",
                "responses": {"200": ok("entries", json!({"type": "array", "items": schema_ref("ProgresEntry")}))}}}));
    paths.insert("/progres/live".to_owned(), json!({"get": {"summary": "Schools sending right now",
                "responses": {"200": ok("entries", json!({"type": "array", "items": schema_ref("ProgresLive")}))}}}));
    paths.insert("/sekolah/{npsn}".to_owned(), json!({"get": {"summary": "Public school page data",
                "parameters": [{"name": "npsn", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": merge(json!({"200": ok("school", schema_ref("SekolahPublic"))}), errors(&["400", "404"]))}}));
    paths.insert("/rekap/satuan-pendidikan".to_owned(), json!({"get": {"summary": "Schools per kecamatan × bentuk × status: sent and reference totals",
                "responses": {"200": ok("rows", json!({"type": "array", "items": schema_ref("RekapSatuanPendidikan")}))}}}));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "DB Helper ingest server",
            "version": "1",
            "description": "Helper ↔ district server protocol v1. Behaviour is specified in docs/protocol.md; \
                every 4xx/5xx answer has the ApiError body."
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"schoolToken": {"type": "http", "scheme": "bearer", "description": "School token from POST /enroll"}},
            "schemas": schemas
        },
        "paths": paths
    })
}
