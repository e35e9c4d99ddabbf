//! Index of the schools in a data dir. Only `school.json` is kept in memory;
//! bodies are read from disk per request (RSS stays small for 1,200 schools).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use bytes::Bytes;

use crate::data_dir::{self, SchoolMeta};
use crate::wire::Endpoint;

#[derive(Debug)]
pub struct School {
    pub meta: SchoolMeta,
    pub dir: PathBuf,
}

#[derive(Debug, Default)]
pub struct Store {
    by_npsn: HashMap<String, Arc<School>>,
    by_token: HashMap<String, Arc<School>>,
}

impl Store {
    pub fn load(root: &Path) -> Result<Self> {
        let mut store = Store::default();
        for meta in data_dir::load_school_metas(root)? {
            let school = Arc::new(School {
                dir: data_dir::school_dir(root, &meta.npsn),
                meta,
            });
            if school.meta.token_active
                && let Some(prev) = store
                    .by_token
                    .insert(school.meta.token.clone(), school.clone())
            {
                tracing::warn!(npsn = %prev.meta.npsn, "token registered twice; the later school wins");
            }
            store.by_npsn.insert(school.meta.npsn.clone(), school);
        }
        Ok(store)
    }

    pub fn len(&self) -> usize {
        self.by_npsn.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_npsn.is_empty()
    }

    pub fn school(&self, npsn: &str) -> Option<&Arc<School>> {
        self.by_npsn.get(npsn)
    }

    /// School of an active token.
    pub fn by_token(&self, token: &str) -> Option<&Arc<School>> {
        self.by_token.get(token)
    }
}

impl School {
    /// The stored wire body; `None` when the endpoint has no rows.
    pub async fn body(&self, endpoint: Endpoint) -> std::io::Result<Option<Bytes>> {
        match tokio::fs::read(self.dir.join(endpoint.file_name())).await {
            Ok(b) => Ok(Some(Bytes::from(b))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}
