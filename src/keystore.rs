//! Private key files and the key ring built from them and the `signing_keys` table.
//!
//! Files live in `TASDIQ_KEYS_DIR`, one per key: `<kid>.key` holding the 32-byte secret as hex,
//! mode 0600. A key file that group or others can read stops the service with a message that
//! says which file and how to fix it.
//!
//! The same folder holds `shortcode.secret`, the key of the short codes' check (see
//! `domain::humancode`): not a signing key, and needed by every node that resolves or prints
//! short codes. Its fingerprint is recorded in the database, so a node started without it, or
//! with a different one, stops and says so instead of making a second secret.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::domain::code::Kid;
use crate::domain::humancode::ShortCodeKey;
use crate::domain::keys::{KeyEntry, KeyRing, SecretKey};
use crate::domain::values::KeyStatus;
use crate::store::tx::Writer;
use crate::store::{self, StoreError, signing_keys};

/// Problems with key files.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error(
        "refusing to start: key file {path} can be read by group or others (mode {mode:o}); \
         run `chmod 600 {path}`"
    )]
    TooOpen { path: String, mode: u32 },
    #[error("key file {path} is not a 64-hex-digit Ed25519 secret key")]
    Unreadable { path: String },
    #[error("key file {path} holds the key {actual}, not {expected}; rename it to {actual}.key")]
    WrongName {
        path: String,
        expected: String,
        actual: Kid,
    },
    #[error("key folder {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the short-code secret {path} is missing, but other nodes use one (fingerprint \
         {fingerprint}): copy shortcode.secret from another node's keys folder (mode 0600)"
    )]
    ShortCodeMissing { path: String, fingerprint: String },
    #[error(
        "the short-code secret {path} (fingerprint {ours}) is not the one the other nodes use \
         (fingerprint {theirs}): copy shortcode.secret from another node's keys folder"
    )]
    ShortCodeMismatch {
        path: String,
        ours: String,
        theirs: String,
    },
    /// The issuance log's key is unreadable, for another origin, or not the other nodes' one.
    #[error("{0}")]
    LogKey(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The file name of the short-code secret inside the keys folder.
pub const SHORTCODE_FILE: &str = "shortcode.secret";
/// Its name in the table of fingerprints.
const SHORTCODE_NAME: &str = "shortcode";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads every `*.key` file of `dir`. A missing folder holds no keys.
pub fn read_secrets(dir: &Path) -> Result<Vec<SecretKey>, KeyFileError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "key"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read_secret(p)).collect()
}

fn read_secret(path: &Path) -> Result<SecretKey, KeyFileError> {
    let shown = path.display().to_string();
    check_mode(path)?;
    let text = fs::read_to_string(path).map_err(io(path))?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| KeyFileError::Unreadable {
        path: shown.clone(),
    })?;
    let secret = SecretKey::new(SigningKey::from_bytes(&bytes));
    bytes.fill(0);
    let kid = Kid::of(&secret.public());
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if stem != kid.to_string() {
        return Err(KeyFileError::WrongName {
            path: shown,
            expected: stem.to_owned(),
            actual: kid,
        });
    }
    Ok(secret)
}

#[cfg(unix)]
pub(crate) fn check_mode(path: &Path) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).map_err(io(path))?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::TooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn check_mode(_: &Path) -> Result<(), KeyFileError> {
    Ok(())
}

/// Writes a new key file with mode 0600 (created that way, never widened then narrowed).
pub fn write_secret(dir: &Path, secret: &SecretKey) -> Result<PathBuf, KeyFileError> {
    let name = format!("{}.key", Kid::of(&secret.public()));
    write_private(dir, &name, &hex::encode(secret.signing_key().to_bytes()))
}

/// Writes `hex` and a newline to a new file `dir/name` of mode 0600, then overwrites the copy.
pub(crate) fn write_private(dir: &Path, name: &str, hex: &str) -> Result<PathBuf, KeyFileError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join(name);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path).map_err(io(&path))?;
    let mut text = String::with_capacity(hex.len() + 1);
    text.push_str(hex);
    text.push('\n');
    let written = f.write_all(text.as_bytes()).and_then(|()| f.sync_all());
    // Overwrite the hex copy before it is freed.
    text.clear();
    text.shrink_to_fit();
    written.map_err(io(&path))?;
    Ok(path)
}

/// Reads the short-code secret of `dir`, if the file exists (refused if others can read it).
pub fn read_shortcode_key(dir: &Path) -> Result<Option<ShortCodeKey>, KeyFileError> {
    let path = dir.join(SHORTCODE_FILE);
    match fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path)(e)),
    }
    check_mode(&path)?;
    let text = fs::read_to_string(&path).map_err(io(&path))?;
    let mut bytes = [0u8; 32];
    let parsed = hex::decode_to_slice(text.trim(), &mut bytes);
    let mut text = text;
    text.clear();
    parsed.map_err(|_| KeyFileError::Unreadable {
        path: path.display().to_string(),
    })?;
    let key = ShortCodeKey::from_bytes(bytes);
    bytes.fill(0);
    Ok(Some(key))
}

fn write_shortcode_key(dir: &Path, key: &ShortCodeKey) -> Result<PathBuf, KeyFileError> {
    write_private(dir, SHORTCODE_FILE, &hex::encode(key.as_bytes()))
}

/// Makes sure this node holds the short-code secret: made here on a database that has none yet,
/// checked against the recorded fingerprint otherwise. Returns whether it was made just now.
pub async fn ensure_shortcode_key(
    db: &impl ConnectionTrait,
    dir: &Path,
) -> Result<bool, KeyFileError> {
    if read_shortcode_key(dir)?.is_some() {
        load_shortcode_key(db, dir).await?;
        return Ok(false);
    }
    let path = dir.join(SHORTCODE_FILE).display().to_string();
    if let Some(fingerprint) = store::secrets::fingerprint(db, SHORTCODE_NAME).await? {
        return Err(KeyFileError::ShortCodeMissing { path, fingerprint });
    }
    let key = ShortCodeKey::generate();
    let written = write_shortcode_key(dir, &key)?;
    let standing = store::secrets::record(db, SHORTCODE_NAME, &key.fingerprint()).await?;
    if standing != key.fingerprint() {
        // Another node recorded its secret between our look and our write: ours must go.
        let _ = fs::remove_file(&written);
        return Err(KeyFileError::ShortCodeMissing {
            path,
            fingerprint: standing,
        });
    }
    Ok(true)
}

/// The short-code secret this node serves with: present, private, and the one the database
/// knows (recorded now if the database knows none).
pub async fn load_shortcode_key(
    db: &impl ConnectionTrait,
    dir: &Path,
) -> Result<ShortCodeKey, KeyFileError> {
    let path = dir.join(SHORTCODE_FILE).display().to_string();
    let recorded = store::secrets::fingerprint(db, SHORTCODE_NAME).await?;
    let Some(key) = read_shortcode_key(dir)? else {
        return Err(KeyFileError::ShortCodeMissing {
            path,
            fingerprint: recorded.unwrap_or_else(|| "none yet: run `tasdiq serve` once".into()),
        });
    };
    let ours = key.fingerprint();
    let theirs = match recorded {
        Some(fp) => fp,
        None => store::secrets::record(db, SHORTCODE_NAME, &ours).await?,
    };
    if theirs != ours {
        return Err(KeyFileError::ShortCodeMismatch { path, ours, theirs });
    }
    Ok(key)
}

/// Builds the ring from the table (statuses, public keys) and the folder (secrets).
pub async fn load_ring(db: &impl ConnectionTrait, dir: &Path) -> Result<KeyRing, KeyFileError> {
    let mut secrets = read_secrets(dir)?;
    let rows = signing_keys::all(db).await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            let secret = secrets
                .iter()
                .position(|s| Kid::of(&s.public()) == r.kid)
                .map(|i| secrets.swap_remove(i));
            KeyEntry {
                kid: r.kid,
                public: r.public,
                status: r.status,
                created: r.created,
                compromised_since: r.compromised_since,
                secret,
            }
        })
        .collect();
    Ok(KeyRing::new(entries))
}

/// Makes sure a signer exists: key files unknown to the table are recorded (the newest one
/// active if no key is), and if there is still no active key with a secret here, a new key is
/// generated. Returns the kid of a key made just now, if any.
pub async fn ensure_signer(
    db: &DatabaseConnection,
    dir: &Path,
) -> Result<Option<Kid>, KeyFileError> {
    let secrets = read_secrets(dir)?;
    let rows = signing_keys::all(db).await?;
    let now = Utc::now();
    let mut have_active = rows.iter().any(|r| r.status == KeyStatus::Active);
    for s in &secrets {
        let kid = Kid::of(&s.public());
        if !rows.iter().any(|r| r.kid == kid) {
            let status = if have_active {
                KeyStatus::Retired
            } else {
                KeyStatus::Active
            };
            signing_keys::insert(db, &s.public(), status, now).await?;
            have_active = true;
        }
    }
    let ring = load_ring(db, dir).await?;
    if ring.signer().is_some() {
        return Ok(None);
    }
    if ring.all().iter().any(|k| k.status == KeyStatus::Active) {
        // An active key exists but its secret lives elsewhere (another node): this node can
        // verify, and will not sign. Generating a second active key here would split issuance.
        return Ok(None);
    }
    let kid = rotate(&Writer::new(db.clone()), dir, "bootstrap").await?;
    Ok(Some(kid))
}

/// Generates a key, writes its file, and makes it the active signer; the previous active key
/// is retired (it keeps verifying, and keeps signing re-prints of its own certificates).
pub async fn rotate(writer: &Writer, dir: &Path, actor: &str) -> Result<Kid, KeyFileError> {
    let secret = SecretKey::generate();
    let kid = Kid::of(&secret.public());
    write_secret(dir, &secret)?;
    let now = Utc::now();
    let public = secret.public();
    let public = &public;
    writer
        .write(|tx| async move {
            let tx = &*tx;
            let retired = signing_keys::retire_active(tx, Some(kid), now).await?;
            let row = signing_keys::insert(tx, public, KeyStatus::Active, now).await?;
            signing_keys::bump_epoch(tx).await?;
            crate::translog::append(
                tx,
                crate::translog::Entry::key(public, crate::translog::KeyEvent::Active, now),
            )
            .await?;
            store::audit::record(
                tx,
                actor,
                "key.rotate",
                &format!("key:{kid}"),
                None::<&()>,
                Some(&serde_json::json!({
                    "kid": kid.to_string(), "status": row.status, "retired": retired
                })),
            )
            .await
        })
        .await?;
    Ok(kid)
}

/// Generates a key and records it as retired: a spare that can be promoted later.
pub async fn generate(writer: &Writer, dir: &Path, actor: &str) -> Result<Kid, KeyFileError> {
    let secret = SecretKey::generate();
    let kid = Kid::of(&secret.public());
    write_secret(dir, &secret)?;
    let public = secret.public();
    let public = &public;
    writer
        .write(|tx| async move {
            let tx = &*tx;
            let has_active = signing_keys::all(tx)
                .await?
                .iter()
                .any(|r| r.status == KeyStatus::Active);
            let (status, event) = if has_active {
                (KeyStatus::Retired, crate::translog::KeyEvent::Spare)
            } else {
                (KeyStatus::Active, crate::translog::KeyEvent::Active)
            };
            let now = Utc::now();
            signing_keys::insert(tx, public, status, now).await?;
            signing_keys::bump_epoch(tx).await?;
            crate::translog::append(tx, crate::translog::Entry::key(public, event, now)).await?;
            store::audit::record(
                tx,
                actor,
                "key.generate",
                &format!("key:{kid}"),
                None::<&()>,
                Some(&serde_json::json!({"kid": kid.to_string(), "status": status})),
            )
            .await
        })
        .await?;
    Ok(kid)
}

/// Marks a key compromised since `since`: certificates issued under it from that instant on
/// become `revoked` with reason `key_compromised`.
pub async fn revoke(
    writer: &Writer,
    kid: Kid,
    since: DateTime<Utc>,
    actor: &str,
) -> Result<(), KeyFileError> {
    writer
        .write(|tx| async move {
            let tx = &*tx;
            let (before, after) = signing_keys::compromise(tx, kid, since).await?;
            signing_keys::bump_epoch(tx).await?;
            crate::translog::append(
                tx,
                crate::translog::Entry::key(
                    &after.public,
                    crate::translog::KeyEvent::Compromised,
                    since,
                ),
            )
            .await?;
            let show = |k: &signing_keys::KeyRow| {
                serde_json::json!({"status": k.status, "compromised_since": k.compromised_since})
            };
            store::audit::record(
                tx,
                actor,
                "key.compromise",
                &format!("key:{kid}"),
                Some(&show(&before)),
                Some(&show(&after)),
            )
            .await
        })
        .await?;
    Ok(())
}

/// The file of the issuance log's signed-note key (`PRIVATE+KEY+{host}/log+…`, mode 0600).
pub const LOG_KEY_FILE: &str = "log.note-key";
/// Its name in the table of fingerprints.
const LOG_KEY_NAME: &str = "log";

/// The fingerprint recorded for the log key: SHA-256 of its vkey, in hex.
fn log_key_fingerprint(signer: &tasdiq_tlog::Signer) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(signer.verifier().to_string().as_bytes()))
}

/// Reads the log key of `dir`, if the file exists (refused if others can read it).
pub fn read_log_signer(dir: &Path) -> Result<Option<tasdiq_tlog::Signer>, KeyFileError> {
    let path = dir.join(LOG_KEY_FILE);
    match fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path)(e)),
    }
    check_mode(&path)?;
    let text = fs::read_to_string(&path).map_err(io(&path))?;
    let signer = tasdiq_tlog::Signer::parse(text.trim()).map_err(|_| KeyFileError::Unreadable {
        path: path.display().to_string(),
    });
    let mut text = text;
    text.clear();
    signer.map(Some)
}

/// Makes sure this node holds the log key for `origin` if no other node made one: made here on
/// a database that records none. Returns whether it was made just now.
pub async fn ensure_log_signer(
    db: &impl ConnectionTrait,
    dir: &Path,
    origin: &str,
) -> Result<bool, KeyFileError> {
    if read_log_signer(dir)?.is_some()
        || store::secrets::fingerprint(db, LOG_KEY_NAME)
            .await?
            .is_some()
    {
        return Ok(false);
    }
    let name = tasdiq_tlog::note::KeyName::new(origin)
        .map_err(|e| KeyFileError::LogKey(format!("the log origin {origin}: {e}")))?;
    let signer = tasdiq_tlog::Signer::new(
        name,
        tasdiq_tlog::note::Algorithm::Ed25519,
        SigningKey::from_bytes(&rand::random::<[u8; 32]>()),
    );
    let written = write_private(dir, LOG_KEY_FILE, &signer.to_private_string())?;
    let ours = log_key_fingerprint(&signer);
    if store::secrets::record(db, LOG_KEY_NAME, &ours).await? != ours {
        let _ = fs::remove_file(&written);
    }
    Ok(true)
}

/// The log key this node signs checkpoints with: `None` if this node holds none (it serves
/// the log, another node signs). Its name is the log's origin for good, whatever the public URL
/// says later. A key that is not the one the database records stops the service.
pub async fn load_log_signer(
    db: &impl ConnectionTrait,
    dir: &Path,
) -> Result<Option<tasdiq_tlog::Signer>, KeyFileError> {
    let Some(signer) = read_log_signer(dir)? else {
        return Ok(None);
    };
    let path = dir.join(LOG_KEY_FILE).display().to_string();
    let ours = log_key_fingerprint(&signer);
    let theirs = match store::secrets::fingerprint(db, LOG_KEY_NAME).await? {
        Some(fp) => fp,
        None => store::secrets::record(db, LOG_KEY_NAME, &ours).await?,
    };
    if theirs != ours {
        return Err(KeyFileError::LogKey(format!(
            "the log key {path} is not the one the other nodes sign with: copy {LOG_KEY_FILE} \
             from the node that made it, or remove it to serve the log without signing"
        )));
    }
    Ok(Some(signer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_are_written_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = SecretKey::generate();
        let path = write_secret(dir.path(), &s).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let back = read_secrets(dir.path()).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].public(), s.public());
    }

    #[cfg(unix)]
    #[test]
    fn an_open_key_file_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = write_secret(dir.path(), &SecretKey::generate()).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_secrets(dir.path()).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
        assert!(err.contains("644"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_short_code_secret_is_private_and_separate() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        assert!(read_shortcode_key(dir.path()).unwrap().is_none());
        let key = ShortCodeKey::generate();
        let path = write_shortcode_key(dir.path(), &key).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let back = read_shortcode_key(dir.path()).unwrap().unwrap();
        assert_eq!(back.as_bytes(), key.as_bytes());
        // Not a signing key: the key files are read without it.
        assert!(read_secrets(dir.path()).unwrap().is_empty());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let err = read_shortcode_key(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("chmod 600") && err.contains("shortcode.secret"),
            "{err}"
        );
    }

    #[test]
    fn a_misnamed_or_garbled_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_secret(dir.path(), &SecretKey::generate()).unwrap();
        fs::rename(&path, dir.path().join("00000000.key")).unwrap();
        assert!(matches!(
            read_secrets(dir.path()),
            Err(KeyFileError::WrongName { .. })
        ));
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("abcd0123.key");
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(&bad).unwrap().write_all(b"not hex").unwrap();
        assert!(matches!(
            read_secrets(dir.path()),
            Err(KeyFileError::Unreadable { .. })
        ));
    }
}
