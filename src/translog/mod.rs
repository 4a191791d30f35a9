//! The public issuance log (issue 20): every issuance, revocation, right-of-use and brand status
//! change and key event, in a C2SP tlog-tiles Merkle log with tlog-checkpoint signed notes under
//! a `{host}/log` key of its own.
//!
//! - [`append`] sequences an entry inside the business transaction that makes the change, so
//!   the change and its entry commit together or not at all, and indexes stay dense.
//! - [`integrate`] (every 500 ms on a serving node) hashes new entries into tiles and signs a
//!   checkpoint, after checking that the stored right edge still gives the last signed root.
//! - [`Log::open`] runs the start-up self-check; a log that fails it never signs again in this
//!   process, and `/readyz` fails.
//! - [`proof`] builds `c2sp.org/tlog-proof@v1` proofs for certificates and checks them offline.

mod entry;
mod integrate;
pub mod proof;
pub mod witness;

use std::sync::Mutex;

pub use entry::{Entry, KeyEvent, Opening};
pub use integrate::{integrate, read_tiles, self_check};
use sea_orm::ConnectionTrait;
use tasdiq_tlog::note::{Signer, VerifierKey};

use crate::config::Config;
use crate::store::{StoreError, translog as st};

/// Longest entry the log takes (trust-design §1.1).
pub const MAX_ENTRY: usize = 1024;

/// Sequences `entry` on the caller's transaction and returns its index. Call it in the function
/// that makes the change, after the change: a rollback takes the entry back with it.
pub async fn append(db: &impl ConnectionTrait, entry: Entry) -> Result<u64, StoreError> {
    let reference = match &entry {
        Entry::Revoke { certificate, .. } => match i64::try_from(*certificate) {
            Ok(n) => st::opening(db, n).await?.map(|(idx, _)| idx),
            Err(_) => None,
        },
        _ => None,
    };
    let text = entry.text(reference);
    if text.len() > MAX_ENTRY {
        return Err(StoreError::Corrupt(format!(
            "a log entry of {} bytes is over the limit",
            text.len()
        )));
    }
    let idx = st::sequence(db).await?;
    if let Entry::Issue(o) = &entry {
        let number = i64::try_from(o.certificate)
            .map_err(|_| StoreError::Corrupt("certificate number".into()))?;
        st::insert_opening(db, number, idx, o.text().as_bytes()).await?;
    }
    st::insert_entry(db, idx, text.as_bytes()).await?;
    Ok(idx)
}

/// The checkpoint origin and log key name for a public URL: `{host}/log`, the host with its
/// port if it has one (`https://tasdiq.ma/` → `tasdiq.ma/log`).
pub fn origin(public_url: &str) -> String {
    let rest = public_url.split_once("://").map_or(public_url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    format!("{}/log", host.to_ascii_lowercase())
}

/// The log as one node holds it: origin, signing key (if this node has it) and whether the
/// self-check let it sign.
pub struct Log {
    pub origin: String,
    signer: Option<Signer>,
    refused: Mutex<Option<String>>,
    /// The witnesses of the published policy, and how many must cosign.
    pub witnesses: Vec<witness::Witness>,
    pub quorum: usize,
    client: tasdiq_witness::client::Client,
}

impl Log {
    /// Opens the log: loads the key (`keys/log.note-key`), then runs the self-check. The
    /// origin is the key's name, fixed when the first node made the key from its public URL: a
    /// log's origin never changes.
    pub async fn open(db: &impl ConnectionTrait, config: &Config) -> anyhow::Result<Log> {
        let signer = crate::keystore::load_log_signer(db, &config.keys_dir).await?;
        let origin = signer.as_ref().map_or_else(
            || origin(config.public_base()),
            |s| s.name().as_str().to_owned(),
        );
        let witnesses = witness::parse(&config.witnesses)
            .map_err(|e| anyhow::anyhow!("TASDIQ_WITNESSES: {e}"))?;
        if config.witness_quorum > witnesses.len() {
            anyhow::bail!(
                "TASDIQ_WITNESS_QUORUM is {}, but only {} witnesses are configured",
                config.witness_quorum,
                witnesses.len()
            );
        }
        let log = Log {
            origin,
            signer,
            refused: Mutex::new(None),
            witnesses,
            quorum: config.witness_quorum,
            client: tasdiq_witness::client::Client::default(),
        };
        if let Some(v) = log.verifier()
            && let Err(e) = self_check(db, &log.origin, &v).await
        {
            tracing::error!(error = %e, "the issuance log failed its self-check: it will not sign");
            log.refuse(e.to_string());
        }
        Ok(log)
    }

    /// The key checkpoints are signed with, when this node holds it.
    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    /// The log's verifier key, when this node holds the signing key.
    pub fn verifier(&self) -> Option<VerifierKey> {
        self.signer.as_ref().map(Signer::verifier)
    }

    /// Why the log refuses to sign, if it does.
    pub fn refusal(&self) -> Option<String> {
        self.refused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Stops signing for the rest of this process.
    pub fn refuse(&self, why: String) {
        let mut r = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if r.is_none() {
            *r = Some(why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn the_origin_is_the_host_and_log() {
        assert_eq!(origin("https://tasdiq.ma/"), "tasdiq.ma/log");
        assert_eq!(origin("http://127.0.0.1:8080"), "127.0.0.1:8080/log");
        assert_eq!(origin("https://Example.org/base/path"), "example.org/log");
    }
}
