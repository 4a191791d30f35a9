//! The policy parser: one pass over the lines, each rule of c2sp.org/tlog-policy "Policy file
//! syntax and structure" checked where the line that could break it is read.

use std::collections::HashMap;

use tasdiq_tlog::note::{VerifierKey, Verifiers};

use super::{
    Group, MAX_ENTRIES, Member, Policy, PolicyError, PolicyLog, PolicyWitness, expected_algorithm,
};

struct Parser {
    policy: Policy,
    /// Witness and group names → what they are.
    names: HashMap<String, Member>,
    /// All witness keys, so that two witnesses cannot share a (name, key ID).
    witness_keys: Verifiers,
    quorum_seen: bool,
}

pub(super) fn parse(text: &str) -> Result<Policy, PolicyError> {
    let mut p = Parser {
        policy: Policy {
            logs: Vec::new(),
            witnesses: Vec::new(),
            groups: Vec::new(),
            quorum: None,
        },
        names: HashMap::new(),
        witness_keys: Verifiers::new(),
        quorum_seen: false,
    };
    for (i, raw) in text.split('\n').enumerate() {
        let at = |message: String| PolicyError {
            line: i + 1,
            message,
        };
        if raw.chars().any(|c| c.is_control() && c != '\t') {
            return Err(at(
                "only tab and newline may appear as control characters".into()
            ));
        }
        let items: Vec<&str> = raw.split([' ', '\t']).filter(|s| !s.is_empty()).collect();
        let Some(&keyword) = items.first() else {
            continue;
        };
        if keyword.starts_with('#') {
            continue;
        }
        match keyword {
            "log" => p.log(&items).map_err(at)?,
            "witness" => p.witness(&items).map_err(at)?,
            "group" => p.group(&items).map_err(at)?,
            "quorum" => p.quorum(&items).map_err(at)?,
            other => return Err(at(format!("unknown keyword {other:?}"))),
        }
    }
    if !p.quorum_seen {
        return Err(PolicyError {
            line: 0,
            message: "a policy has exactly one quorum line".into(),
        });
    }
    Ok(p.policy)
}

fn key(kind: &str, vkey: &str) -> Result<VerifierKey, String> {
    let key = VerifierKey::parse(vkey).map_err(|e| format!("the {kind}'s vkey: {e}"))?;
    let want = expected_algorithm(kind);
    if key.algorithm() != want {
        return Err(format!(
            "a {kind} key has signature type 0x{:02x}, not 0x{:02x}",
            key.algorithm().byte(),
            want.byte()
        ));
    }
    Ok(key)
}

impl Parser {
    fn log(&mut self, items: &[&str]) -> Result<(), String> {
        let [_, vkey, rest @ ..] = items else {
            return Err("a log line is 'log <vkey> [<url>]'".into());
        };
        if rest.len() > 1 {
            return Err("a log line is 'log <vkey> [<url>]'".into());
        }
        let key = key("log", vkey)?;
        if self.policy.logs.len() == MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} logs"));
        }
        if self
            .policy
            .logs
            .iter()
            .any(|l| l.key.public_key() == key.public_key())
        {
            return Err("this log's public key is already listed".into());
        }
        self.policy.logs.push(PolicyLog {
            key,
            url: rest.first().map(|u| u.to_string()),
        });
        Ok(())
    }

    fn new_name(&self, name: &str) -> Result<(), String> {
        if name == "none" {
            return Err("'none' is predefined and cannot be redefined".into());
        }
        if self.names.contains_key(name) {
            return Err(format!("the name {name:?} is already defined"));
        }
        Ok(())
    }

    fn witness(&mut self, items: &[&str]) -> Result<(), String> {
        let [_, name, vkey, rest @ ..] = items else {
            return Err("a witness line is 'witness <name> <vkey> [<url>]'".into());
        };
        if rest.len() > 1 {
            return Err("a witness line is 'witness <name> <vkey> [<url>]'".into());
        }
        self.new_name(name)?;
        let key = key("witness", vkey)?;
        if self.policy.witnesses.len() == MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} witnesses"));
        }
        if self
            .policy
            .witnesses
            .iter()
            .any(|w| w.key.public_key() == key.public_key())
        {
            return Err("this witness's public key is already listed".into());
        }
        self.witness_keys
            .insert(key.clone())
            .map_err(|e| e.to_string())?;
        let index = self.policy.witnesses.len();
        self.names.insert(name.to_string(), Member::Witness(index));
        self.policy.witnesses.push(PolicyWitness {
            name: name.to_string(),
            key,
            url: rest.first().map(|u| u.to_string()),
        });
        Ok(())
    }

    fn group(&mut self, items: &[&str]) -> Result<(), String> {
        let [_, name, threshold, members @ ..] = items else {
            return Err("a group line is 'group <name> all|any|<k> <member>...'".into());
        };
        if members.is_empty() {
            return Err("a group has at least one member".into());
        }
        self.new_name(name)?;
        if self.policy.groups.len() == MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} groups"));
        }
        let mut resolved: Vec<Member> = Vec::with_capacity(members.len());
        for m in members {
            if *m == "none" {
                return Err("'none' cannot be a group member".into());
            }
            let member = *self
                .names
                .get(*m)
                .ok_or_else(|| format!("{m:?} is not a witness or group defined above"))?;
            if resolved.contains(&member) {
                return Err(format!("{m:?} is listed twice in the group"));
            }
            resolved.push(member);
        }
        let n = resolved.len();
        let k = match *threshold {
            "all" => n,
            "any" => 1,
            k if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) => k
                .parse::<usize>()
                .ok()
                .filter(|k| (1..=n).contains(k))
                .ok_or_else(|| format!("the threshold {k} is not between 1 and {n}"))?,
            other => {
                return Err(format!(
                    "the threshold {other:?} is not all, any or a number"
                ));
            }
        };
        let index = self.policy.groups.len();
        self.names.insert(name.to_string(), Member::Group(index));
        self.policy.groups.push(Group {
            name: name.to_string(),
            threshold: k,
            written: threshold.to_string(),
            members: resolved,
        });
        Ok(())
    }

    fn quorum(&mut self, items: &[&str]) -> Result<(), String> {
        let [_, name] = items else {
            return Err("a quorum line is 'quorum <name>'".into());
        };
        if self.quorum_seen {
            return Err("a policy has exactly one quorum line".into());
        }
        self.quorum_seen = true;
        self.policy.quorum = if *name == "none" {
            None
        } else {
            Some(
                *self
                    .names
                    .get(*name)
                    .ok_or_else(|| format!("{name:?} is not a witness or group defined above"))?,
            )
        };
        Ok(())
    }
}
