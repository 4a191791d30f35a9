//! Witness policies in the c2sp.org/tlog-policy text format: which logs, which witnesses, and
//! the quorum of cosignatures a checkpoint needs before a verifier trusts it.
//!
//! ```text
//! # tasdiq's policy: the log, three witnesses, any two of them
//! log tasdiq.ma/log+1a2b3c4d+AQ… https://tasdiq.ma/log
//! witness ompic witness.ompic.ma/w1+5e6f7a8b+BA… https://witness.ompic.ma
//! witness argane witness.argane.ma+9c0d1e2f+BA…
//! witness ministry w.agriculture.gov.ma+01234567+BA…
//! group two-of-three 2 ompic argane ministry
//! quorum two-of-three
//! ```
//!
//! - `log <vkey> [<url>]`: a log whose Ed25519 (0x01) key name is its checkpoint origin;
//! - `witness <name> <vkey> [<url>]`: an Ed25519 cosignature (0x04) key; the URL, when given,
//!   is the witness's submission prefix;
//! - `group <name> all|any|<k> <member>…`: witnessed when at least k members are (`any` is 1,
//!   `all` is n); members are witnesses or groups defined on earlier lines, each at most once;
//! - `quorum <name>`: exactly one; `none` asks for no cosignature.
//!
//! Items are separated by spaces or tabs; blank lines and `#` comments are ignored; names of
//! witnesses and groups share one namespace. Two deviations from the text of the specification:
//! a policy is read as UTF-8 (the specification recommends UTF-8 but treats high-bit octets as
//! opaque), and ML-DSA-44 (0x06) witness keys are refused, since `tasdiq-tlog` verifies Ed25519
//! only. [`Policy::threshold`] builds the common "k of these witnesses" policy, and
//! [`Policy::check`] decides whether a cosigned checkpoint meets a policy.

use std::fmt;

use tasdiq_tlog::Checkpoint;
use tasdiq_tlog::note::{Algorithm, Note, NoteError, VerifiedSignature, VerifierKey, Verifiers};

/// Most lines of each kind (logs, witnesses, groups) a policy may have; the specification asks
/// implementations to support at least 32.
pub const MAX_ENTRIES: usize = 256;

/// A log of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLog {
    /// Its key; the key name is the checkpoint origin.
    pub key: VerifierKey,
    /// Where to reach it, if given.
    pub url: Option<String>,
}

/// A witness of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWitness {
    /// Its name in this policy (not the key name).
    pub name: String,
    /// Its cosignature key.
    pub key: VerifierKey,
    /// Its submission prefix, if given.
    pub url: Option<String>,
}

/// A member of a group: a witness or an earlier group, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    Witness(usize),
    Group(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: String,
    /// How many members must be witnessed (1 ≤ k ≤ n).
    threshold: usize,
    /// `all`, `any` or a number, as written.
    written: String,
    members: Vec<Member>,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<Group>,
    /// `None`: `quorum none`.
    quorum: Option<Member>,
}

/// A policy that does not parse, with the line at fault (1-based; 0 for the whole text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("witness policy, line {line}: {message}")]
pub struct PolicyError {
    /// The line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Why a checkpoint does not meet a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The note's text is not a checkpoint.
    #[error("not a checkpoint: {0}")]
    Malformed(String),
    /// No log of the policy has this origin.
    #[error("no log of the policy has the origin {0}")]
    UnknownLog(String),
    /// The log's signature is missing, or a signature by a key of the policy fails.
    #[error(transparent)]
    Signature(#[from] NoteError),
    /// A cosignature of the policy's witness states time zero.
    #[error("the cosignature of {0} has no timestamp (zero)")]
    ZeroTimestamp(String),
    /// Not enough witnesses cosigned.
    #[error("the quorum is not met: cosigned by {} of the policy's witnesses", .cosigned.len())]
    Quorum {
        /// The policy names of the witnesses that did cosign.
        cosigned: Vec<String>,
    },
}

/// A checkpoint that meets the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witnessed {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The policy names and verified cosignatures of the witnesses that cosigned, in policy
    /// order.
    pub cosignatures: Vec<(String, VerifiedSignature)>,
}

mod parse;

impl Policy {
    /// Parses a policy (the module docs give the format).
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        parse::parse(text)
    }

    /// The common policy: these logs, these witnesses (policy name, key, URL), and at least
    /// `k` of the witnesses (`k = 0`: none needed).
    pub fn threshold(
        logs: Vec<PolicyLog>,
        witnesses: Vec<PolicyWitness>,
        k: usize,
    ) -> Result<Policy, PolicyError> {
        let mut text = String::new();
        for l in &logs {
            text.push_str(&line(&["log", &l.key.to_string()], l.url.as_deref()));
        }
        for w in &witnesses {
            text.push_str(&line(
                &["witness", &w.name, &w.key.to_string()],
                w.url.as_deref(),
            ));
        }
        if k == 0 {
            text.push_str("quorum none\n");
        } else {
            let group = "quorum-of-witnesses";
            let mut items = vec!["group", group];
            let k = k.to_string();
            items.push(&k);
            items.extend(witnesses.iter().map(|w| w.name.as_str()));
            text.push_str(&line(&items, None));
            text.push_str(&format!("quorum {group}\n"));
        }
        // Parsing what we wrote applies every rule once, in one place.
        Policy::parse(&text)
    }

    /// The logs.
    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    /// The witnesses.
    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// Whether `note` is a checkpoint of one of the policy's logs, signed by it, and cosigned
    /// by witnesses meeting the quorum. Signature lines by keys outside the policy are ignored;
    /// one by a key of the policy that does not verify rejects the note (signed-note rules).
    pub fn check(&self, note: &Note) -> Result<Witnessed, CheckError> {
        let checkpoint =
            Checkpoint::parse(note.text()).map_err(|e| CheckError::Malformed(e.to_string()))?;
        let logs: Vec<VerifierKey> = self
            .logs
            .iter()
            .filter(|l| l.key.name().as_str() == checkpoint.origin)
            .map(|l| l.key.clone())
            .collect();
        if logs.is_empty() {
            return Err(CheckError::UnknownLog(checkpoint.origin));
        }
        note.verify(&Verifiers::from_keys(logs)?)?;
        let mut witnessed = vec![false; self.witnesses.len()];
        let mut cosignatures = Vec::new();
        for (i, w) in self.witnesses.iter().enumerate() {
            let by_key = note
                .signatures()
                .iter()
                .filter(|s| s.name == *w.key.name() && s.id == w.key.id());
            for sig in by_key {
                let time = w.key.verify(note.text(), &sig.bytes)?;
                if time == Some(0) {
                    return Err(CheckError::ZeroTimestamp(w.name.clone()));
                }
                if !witnessed[i] {
                    witnessed[i] = true;
                    let v = VerifiedSignature {
                        name: sig.name.clone(),
                        id: sig.id,
                        algorithm: w.key.algorithm(),
                        timestamp: time,
                    };
                    cosignatures.push((w.name.clone(), v));
                }
            }
        }
        if !self.quorum_met(&witnessed) {
            return Err(CheckError::Quorum {
                cosigned: cosignatures.into_iter().map(|(n, _)| n).collect(),
            });
        }
        Ok(Witnessed {
            checkpoint,
            cosignatures,
        })
    }

    /// Groups only name earlier groups, so one pass in order decides each of them.
    fn quorum_met(&self, witnessed: &[bool]) -> bool {
        let mut groups = Vec::with_capacity(self.groups.len());
        let is = |m: &Member, groups: &[bool]| match *m {
            Member::Witness(i) => witnessed[i],
            Member::Group(g) => groups[g],
        };
        for g in &self.groups {
            let n = g.members.iter().filter(|m| is(m, &groups)).count();
            groups.push(n >= g.threshold);
        }
        self.quorum.as_ref().is_none_or(|q| is(q, &groups))
    }

    /// The quorum as `tasdiq-tlog`'s flat k-of-n [`tasdiq_tlog::proof::Policy`] for the log
    /// with `origin`, when it is one: `none`, one witness, or one group of witnesses only.
    pub fn to_proof_policy(&self, origin: &str) -> Option<tasdiq_tlog::proof::Policy> {
        let log = Verifiers::from_keys(
            self.logs
                .iter()
                .filter(|l| l.key.name().as_str() == origin)
                .map(|l| l.key.clone()),
        )
        .ok()?;
        if log.keys().is_empty() {
            return None;
        }
        let (members, quorum) = match self.quorum {
            None => (Vec::new(), 0),
            Some(Member::Witness(i)) => (vec![i], 1),
            Some(Member::Group(g)) => {
                let g = &self.groups[g];
                let ws = g.members.iter().map(|m| match *m {
                    Member::Witness(i) => Some(i),
                    Member::Group(_) => None,
                });
                (ws.collect::<Option<Vec<_>>>()?, g.threshold)
            }
        };
        let witnesses =
            Verifiers::from_keys(members.iter().map(|&i| self.witnesses[i].key.clone())).ok()?;
        Some(tasdiq_tlog::proof::Policy {
            origin: origin.to_owned(),
            log,
            witnesses,
            quorum,
        })
    }
}

fn line(items: &[&str], url: Option<&str>) -> String {
    let mut s = items.join(" ");
    if let Some(u) = url {
        s.push(' ');
        s.push_str(u);
    }
    s.push('\n');
    s
}

impl fmt::Display for Policy {
    /// The policy as text that [`Policy::parse`] reads back to the same policy.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |m: &Member| match *m {
            Member::Witness(i) => self.witnesses[i].name.as_str(),
            Member::Group(g) => self.groups[g].name.as_str(),
        };
        for l in &self.logs {
            f.write_str(&line(&["log", &l.key.to_string()], l.url.as_deref()))?;
        }
        for w in &self.witnesses {
            let key = w.key.to_string();
            f.write_str(&line(&["witness", &w.name, &key], w.url.as_deref()))?;
        }
        for g in &self.groups {
            let mut items = vec!["group", g.name.as_str(), g.written.as_str()];
            items.extend(g.members.iter().map(name));
            f.write_str(&line(&items, None))?;
        }
        writeln!(f, "quorum {}", self.quorum.as_ref().map_or("none", name))
    }
}

/// Witness keys are Ed25519 cosignature keys; log keys Ed25519 note keys.
fn expected_algorithm(kind: &str) -> Algorithm {
    if kind == "log" {
        Algorithm::Ed25519
    } else {
        Algorithm::Cosignature
    }
}

#[cfg(test)]
mod tests;
