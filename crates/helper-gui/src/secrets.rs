//! Secrets: the Dapodik Web Service token and the per-school server token.
//!
//! They live in the OS credential store, **per Windows user** (Windows Credential Manager,
//! persistence "Local": kept on this PC, not roamed), through `keyring-core` and the platform
//! store crate (the `keyring` 4 crate itself recommends linking those directly). On Linux the
//! kernel keyring (keyutils) is used: it needs no D-Bus, but it forgets its keys at reboot,
//! after which the operator pastes the token again (and, for the school token, the kode
//! registrasi). No other platform is supported for secrets.
//!
//! There is **no fallback**: when the store is missing or refuses, the engine reports
//! [`crate::failure::FailureKind::CredentialStore`]. The in-memory and file stores below exist only
//! in test builds (`cfg(test)` or the `test-support` feature, which the release installer never
//! enables); the binary uses the file store only when such a build is also given
//! `DBHELPER_TEST_SECRET_FILE` explicitly.

use std::sync::Arc;

/// Service name under which every entry is stored.
pub const SERVICE: &str = "db-helper";
/// Test builds only: path of the plain-text secret file the binary should use.
pub const ENV_TEST_SECRET_FILE: &str = "DBHELPER_TEST_SECRET_FILE";

/// Which secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretKey {
    /// Token of the local Dapodik Web Service, per school.
    DapodikToken { npsn: String },
    /// The district server's token for this school (from enrollment).
    SchoolToken { npsn: String },
}

impl SecretKey {
    pub fn dapodik(npsn: &str) -> Self {
        SecretKey::DapodikToken {
            npsn: npsn.to_owned(),
        }
    }

    pub fn school(npsn: &str) -> Self {
        SecretKey::SchoolToken {
            npsn: npsn.to_owned(),
        }
    }

    /// The entry's user name in the credential store.
    pub fn account(&self) -> String {
        match self {
            SecretKey::DapodikToken { npsn } => format!("token-dapodik-{npsn}"),
            SecretKey::SchoolToken { npsn } => format!("token-sekolah-{npsn}"),
        }
    }
}

/// Why the credential store failed (never contains the secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("penyimpanan kredensial: {0}")]
pub struct SecretError(pub String);

/// A place for secrets.
pub trait SecretStore: Send + Sync {
    /// `Ok(None)` when there is no such entry.
    fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError>;
    fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;
    /// Human description for `status` and the log (no secret).
    fn describe(&self) -> String;
}

pub type SharedSecrets = Arc<dyn SecretStore>;

/// The OS credential store through keyring-core.
pub struct KeyringStore {
    store: Arc<keyring_core::CredentialStore>,
}

impl KeyringStore {
    /// The platform's store, or an error (no silent fallback).
    pub fn platform() -> Result<Self, SecretError> {
        #[cfg(target_os = "linux")]
        {
            let store = linux_keyutils_keyring_store::Store::new()
                .map_err(|e| SecretError(e.to_string()))?;
            Ok(KeyringStore { store })
        }
        #[cfg(windows)]
        {
            let store = windows_native_keyring_store::Store::new()
                .map_err(|e| SecretError(e.to_string()))?;
            Ok(KeyringStore { store })
        }
        #[cfg(not(any(target_os = "linux", windows)))]
        {
            Err(SecretError("platform ini tidak didukung".to_owned()))
        }
    }

    fn entry(&self, key: &SecretKey) -> Result<keyring_core::Entry, SecretError> {
        let account = key.account();
        #[cfg(windows)]
        let mods = std::collections::HashMap::from([("persistence", "Local")]);
        #[cfg(windows)]
        let mods = Some(&mods);
        #[cfg(not(windows))]
        let mods = None;
        self.store.build(SERVICE, &account, mods).map_err(map_err)
    }
}

fn map_err(e: keyring_core::Error) -> SecretError {
    // keyring-core errors describe the platform failure, never the stored value, except
    // BadEncoding/BadDataFormat which carry bytes: drop those.
    match e {
        keyring_core::Error::BadEncoding(_) => SecretError("isi kredensial bukan UTF-8".to_owned()),
        keyring_core::Error::BadDataFormat(_, inner) => {
            SecretError(format!("format kredensial rusak: {inner}"))
        }
        other => SecretError(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError> {
        self.entry(key)?.set_password(value).map_err(map_err)
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }

    fn describe(&self) -> String {
        self.store.vendor()
    }
}

/// Stands in when the OS store could not be opened: every call fails with the original
/// error, so the operator sees why (it never keeps anything in memory).
pub struct Unavailable(pub SecretError);

impl SecretStore for Unavailable {
    fn get(&self, _: &SecretKey) -> Result<Option<String>, SecretError> {
        Err(self.0.clone())
    }
    fn set(&self, _: &SecretKey, _: &str) -> Result<(), SecretError> {
        Err(self.0.clone())
    }
    fn delete(&self, _: &SecretKey) -> Result<(), SecretError> {
        Err(self.0.clone())
    }
    fn describe(&self) -> String {
        format!("tidak tersedia ({})", self.0)
    }
}

/// The store the binary uses: the OS credential store; in test builds, a file store when
/// `DBHELPER_TEST_SECRET_FILE` is set.
pub fn for_binary() -> Result<SharedSecrets, SecretError> {
    #[cfg(any(test, feature = "test-support"))]
    if let Some(path) = std::env::var_os(ENV_TEST_SECRET_FILE).filter(|p| !p.is_empty()) {
        return Ok(Arc::new(test_stores::FileStore::new(
            std::path::PathBuf::from(path),
        )));
    }
    Ok(Arc::new(KeyringStore::platform()?))
}

#[cfg(any(test, feature = "test-support"))]
pub use test_stores::{FileStore, MemoryStore};

#[cfg(any(test, feature = "test-support"))]
mod test_stores {
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::sync::Mutex;

    use super::{SecretError, SecretKey, SecretStore};

    /// Test-only in-memory store. Can be told to fail, to test the error path.
    #[derive(Default)]
    pub struct MemoryStore {
        map: Mutex<BTreeMap<String, String>>,
        broken: std::sync::atomic::AtomicBool,
    }

    impl MemoryStore {
        pub fn new() -> Self {
            Self::default()
        }

        /// Every call fails from now on (or works again with `false`).
        pub fn set_broken(&self, broken: bool) {
            self.broken
                .store(broken, std::sync::atomic::Ordering::SeqCst);
        }

        fn check(&self) -> Result<(), SecretError> {
            if self.broken.load(std::sync::atomic::Ordering::SeqCst) {
                Err(SecretError("penyimpanan uji dimatikan".into()))
            } else {
                Ok(())
            }
        }
    }

    impl SecretStore for MemoryStore {
        fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError> {
            self.check()?;
            Ok(self.map.lock().expect("lock").get(&key.account()).cloned())
        }
        fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError> {
            self.check()?;
            self.map
                .lock()
                .expect("lock")
                .insert(key.account(), value.to_owned());
            Ok(())
        }
        fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
            self.check()?;
            self.map.lock().expect("lock").remove(&key.account());
            Ok(())
        }
        fn describe(&self) -> String {
            "memori (khusus uji)".to_owned()
        }
    }

    /// Test-only store in a plain JSON file, so two runs of the binary share secrets.
    pub struct FileStore {
        path: PathBuf,
        lock: Mutex<()>,
    }

    impl FileStore {
        pub fn new(path: PathBuf) -> Self {
            FileStore {
                path,
                lock: Mutex::new(()),
            }
        }

        fn read(&self) -> BTreeMap<String, String> {
            std::fs::read(&self.path)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default()
        }

        fn write(&self, map: &BTreeMap<String, String>) -> Result<(), SecretError> {
            let bytes = serde_json::to_vec(map).map_err(|e| SecretError(e.to_string()))?;
            std::fs::write(&self.path, bytes).map_err(|e| SecretError(e.to_string()))
        }
    }

    impl SecretStore for FileStore {
        fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError> {
            let _g = self.lock.lock().expect("lock");
            Ok(self.read().get(&key.account()).cloned())
        }
        fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError> {
            let _g = self.lock.lock().expect("lock");
            let mut map = self.read();
            map.insert(key.account(), value.to_owned());
            self.write(&map)
        }
        fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
            let _g = self.lock.lock().expect("lock");
            let mut map = self.read();
            map.remove(&key.account());
            self.write(&map)
        }
        fn describe(&self) -> String {
            format!("berkas uji {}", self.path.display())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(store: &dyn SecretStore) {
        let k = SecretKey::school("20599901");
        assert_eq!(store.get(&k).unwrap(), None);
        store.set(&k, "rahasia").unwrap();
        assert_eq!(store.get(&k).unwrap().as_deref(), Some("rahasia"));
        assert_eq!(
            store.get(&SecretKey::dapodik("20599901")).unwrap(),
            None,
            "keys are distinct"
        );
        store.delete(&k).unwrap();
        store.delete(&k).unwrap();
        assert_eq!(store.get(&k).unwrap(), None);
    }

    #[test]
    fn memory_and_file_stores_behave_alike() {
        exercise(&MemoryStore::new());
        let dir = tempfile::tempdir().unwrap();
        exercise(&FileStore::new(dir.path().join("s.json")));
        let broken = MemoryStore::new();
        broken.set_broken(true);
        assert!(broken.get(&SecretKey::school("1")).is_err());
    }

    /// The real kernel keyring, where the sandbox allows it (Docker's default seccomp
    /// profile blocks keyctl; then the store reports an error instead of pretending).
    #[cfg(target_os = "linux")]
    #[test]
    fn keyutils_store_works_or_fails_loudly() {
        let store = KeyringStore::platform().expect("keyutils store object");
        let k = SecretKey::dapodik(&format!("uji{}", std::process::id()));
        match store.set(&k, "nilai-uji") {
            Ok(()) => {
                assert_eq!(store.get(&k).unwrap().as_deref(), Some("nilai-uji"));
                store.delete(&k).unwrap();
            }
            Err(e) => eprintln!("keyutils not available here (expected in some containers): {e}"),
        }
        assert!(store.describe().contains("keyutils"));
    }
}
