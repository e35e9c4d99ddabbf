//! Reading a multipart upload form (one file plus text fields) with a size cap.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;

use crate::app::page_error::{WebError, WebResult};
use crate::app::page_state::MAX_UPLOAD_BYTES;

/// The fields and the file of a `multipart/form-data` form.
pub struct Upload {
    pub fields: HashMap<String, String>,
    /// `(file name, bytes)` of the file field, when a file was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Reads a whole multipart form (text fields up to 10 KiB each; one file field).
pub async fn read_multipart(
    multipart: Result<Multipart, MultipartRejection>,
    file_field: &str,
) -> WebResult<Upload> {
    let mut mp =
        multipart.map_err(|e| WebError::BadRequest(format!("Formulir tidak valid: {e}")))?;
    let mut up = Upload {
        fields: HashMap::new(),
        file: None,
    };
    let too_big = || {
        WebError::BadRequest(format!(
            "Berkas terlalu besar (maksimal {} MB).",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ))
    };
    while let Some(field) = mp.next_field().await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            WebError::BadRequest(format!("Formulir tidak dapat dibaca: {e}"))
        }
    })? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name: String = field
                .file_name()
                .unwrap_or("berkas")
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("berkas")
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if !bytes.is_empty() {
                up.file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let value = field
                .text()
                .await
                .map_err(|e| WebError::BadRequest(format!("Formulir tidak dapat dibaca: {e}")))?;
            if value.len() > 10 * 1024 {
                return Err(WebError::BadRequest(format!(
                    "Isian {name} terlalu panjang."
                )));
            }
            up.fields.insert(name, value);
        }
    }
    Ok(up)
}
