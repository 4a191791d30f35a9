//! The status-list key: `{host}/status`, Ed25519, a key of its own (never a label key or the
//! log key), made at bootstrap in `status.secret` (mode 0600) in the keys folder. Its public
//! key is recorded in the database, so every node signs with the same one and a node started
//! with another stops and says so.

use std::path::Path;

use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sea_orm::ConnectionTrait;
use tasdiq_tlog::note::{Algorithm, KeyName};
use tasdiq_tlog::{Note, Signer, VerifierKey, Verifiers};

use crate::keystore;
use crate::store;

/// The file of the status key inside the keys folder (not `*.key`: it is no label key).
pub const STATUS_FILE: &str = "status.secret";
/// Its name in the table of fingerprints.
const SECRET_NAME: &str = "status";

/// The key name for a public base URL: the URL without its scheme, then `/status`.
pub fn key_name(public_url: &str) -> String {
    let host = public_url
        .trim_end_matches('/')
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    format!("{host}/status")
}

/// The status key as this node knows it: the public half (recorded in the database) always,
/// the private half when this node holds the file. A node without it serves the stored notes
/// but signs nothing (no deltas, no re-signing).
pub struct StatusKey {
    verifier: VerifierKey,
    signer: Option<Signer>,
    /// When it was recorded.
    pub created: DateTime<Utc>,
}

impl std::fmt::Debug for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusKey")
            .field("vkey", &self.vkey())
            .field("can_sign", &self.signer.is_some())
            .finish_non_exhaustive()
    }
}

fn name_of(name: &str) -> anyhow::Result<KeyName> {
    KeyName::new(name).map_err(|e| anyhow::anyhow!("status key name {name:?}: {e}"))
}

impl StatusKey {
    /// A key from its secret.
    pub fn from_secret(
        name: &str,
        secret: SigningKey,
        created: DateTime<Utc>,
    ) -> anyhow::Result<StatusKey> {
        let signer = Signer::new(name_of(name)?, Algorithm::Ed25519, secret);
        Ok(StatusKey {
            verifier: signer.verifier(),
            signer: Some(signer),
            created,
        })
    }

    /// A key this node cannot sign with.
    pub fn public_only(
        name: &str,
        public: VerifyingKey,
        created: DateTime<Utc>,
    ) -> anyhow::Result<StatusKey> {
        Ok(StatusKey {
            verifier: VerifierKey::new(name_of(name)?, Algorithm::Ed25519, public),
            signer: None,
            created,
        })
    }

    /// The key name, also the origin of every body's first line.
    pub fn name(&self) -> &str {
        self.verifier.name().as_str()
    }

    pub fn public(&self) -> &VerifyingKey {
        self.verifier.public_key()
    }

    /// The note verifier key, `name+hex8+base64(0x01 ‖ pub)`.
    pub fn vkey(&self) -> String {
        self.verifier.to_string()
    }

    /// The verifier set holding this key alone.
    pub fn verifiers(&self) -> Verifiers {
        Verifiers::from_keys([self.verifier.clone()]).unwrap_or_default()
    }

    /// Whether this node holds the private half.
    pub fn can_sign(&self) -> bool {
        self.signer.is_some()
    }

    /// Signs a body: the whole note, as served.
    pub fn sign(&self, body: &str) -> anyhow::Result<String> {
        let Some(signer) = &self.signer else {
            anyhow::bail!("this node does not hold the status key");
        };
        let mut note = Note::new(body).map_err(|e| anyhow::anyhow!("status note: {e}"))?;
        note.sign(signer)
            .map_err(|e| anyhow::anyhow!("status note: {e}"))?;
        Ok(note.to_string())
    }
}

fn read_secret(dir: &Path) -> anyhow::Result<Option<SigningKey>> {
    let path = dir.join(STATUS_FILE);
    match std::fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
    keystore::check_mode(&path)?;
    let text = std::fs::read_to_string(&path)?;
    let mut bytes = [0u8; 32];
    let parsed = hex::decode_to_slice(text.trim(), &mut bytes);
    drop(text);
    parsed.map_err(|_| {
        anyhow::anyhow!(
            "{} is not a 64-hex-digit Ed25519 secret key",
            path.display()
        )
    })?;
    let key = SigningKey::from_bytes(&bytes);
    bytes.fill(0);
    Ok(Some(key))
}

/// Makes the status key on a database that records none; returns whether it was made now.
pub async fn ensure(db: &impl ConnectionTrait, dir: &Path) -> anyhow::Result<bool> {
    if read_secret(dir)?.is_some() {
        return Ok(false);
    }
    if store::secrets::fingerprint(db, SECRET_NAME)
        .await?
        .is_some()
    {
        anyhow::bail!(
            "the status key {} is missing, but other nodes use one: copy {STATUS_FILE} from another node's keys folder (mode 0600)",
            dir.join(STATUS_FILE).display()
        );
    }
    let secret = SigningKey::generate(&mut rand::rng());
    let public = hex::encode(secret.verifying_key().as_bytes());
    let path = keystore::write_private(dir, STATUS_FILE, &hex::encode(secret.to_bytes()))?;
    let standing = store::secrets::record(db, SECRET_NAME, &public).await?;
    if standing != public {
        let _ = std::fs::remove_file(&path);
        anyhow::bail!(
            "another node made the status key first: copy {STATUS_FILE} from its keys folder"
        );
    }
    Ok(true)
}

/// Loads the status key: `None` on a database that records none yet. A key file other than
/// the recorded key, or one others can read, stops the node.
pub async fn load(
    db: &impl ConnectionTrait,
    dir: &Path,
    public_url: &str,
) -> anyhow::Result<Option<StatusKey>> {
    let path = dir.join(STATUS_FILE);
    let name = key_name(public_url);
    let recorded = store::secrets::fingerprint(db, SECRET_NAME).await?;
    let secret = read_secret(dir)?;
    let recorded = match (recorded, &secret) {
        (Some(fp), _) => fp,
        (None, None) => return Ok(None),
        (None, Some(s)) => {
            store::secrets::record(db, SECRET_NAME, &hex::encode(s.verifying_key().as_bytes()))
                .await?
        }
    };
    let created = store::status_list::key_created(db, SECRET_NAME)
        .await?
        .unwrap_or_else(Utc::now);
    match secret {
        Some(s) if hex::encode(s.verifying_key().as_bytes()) == recorded => {
            StatusKey::from_secret(&name, s, created).map(Some)
        }
        Some(_) => anyhow::bail!(
            "the status key {} is not the one the other nodes use: copy {STATUS_FILE} from another node",
            path.display()
        ),
        None => {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(&recorded, &mut bytes)
                .map_err(|_| anyhow::anyhow!("the recorded status key is not hex"))?;
            let public = VerifyingKey::from_bytes(&bytes)
                .map_err(|_| anyhow::anyhow!("the recorded status key is not a valid point"))?;
            tracing::warn!(
                "this node has no {STATUS_FILE}: it serves the status list but cannot re-sign it"
            );
            StatusKey::public_only(&name, public, created).map(Some)
        }
    }
}
