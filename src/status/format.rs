//! The bodies of the signed status list, version 1 (`docs/status-list.md` §2–§5): snapshots,
//! `latest` and deltas, written and read strictly. Pure: no clock, no I/O, no signatures (the
//! notes around these bodies are `tasdiq_tlog::Note`s).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest as _, Sha256};

/// The largest version: 2^53 − 1, so a JavaScript number holds it.
pub const MAX_VERSION: u64 = (1 << 53) - 1;
/// The largest body a verifier accepts (§6).
pub const MAX_BODY: usize = 16 << 20;
const MAX_LINE: usize = 256;

/// Why a body was refused. The text names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status list: {0}")]
pub struct FormatError(pub String);

fn bad<T>(msg: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(msg.into()))
}

/// The three kinds of note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Snapshot,
    Latest,
    Delta,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Snapshot => "snapshot",
            Kind::Latest => "latest",
            Kind::Delta => "delta",
        }
    }
}

/// What an entry line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Brand(u16),
    Cert(u64),
    /// A label key, by its 32-bit kid.
    Key(u32),
}

/// One entry line: `{kind} {id} {status} {reason} {since}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub subject: Subject,
    /// `suspended`/`withdrawn` (brand), `revoked`/`suspended` (cert), `compromised` (key).
    pub status: &'static str,
    pub reason: String,
    pub since: DateTime<Utc>,
}

impl Entry {
    /// The line, without its newline.
    pub fn line(&self) -> String {
        let (kind, id) = match self.subject {
            Subject::Brand(b) => ("brand", b.to_string()),
            Subject::Cert(c) => ("cert", c.to_string()),
            Subject::Key(k) => ("key", format!("{k:08x}")),
        };
        format!(
            "{kind} {id} {} {} {}",
            self.status,
            self.reason,
            time(self.since)
        )
    }

    /// Reads one entry line strictly.
    pub fn parse(line: &str) -> Result<Entry, FormatError> {
        let parts: Vec<&str> = line.split(' ').collect();
        let [kind, id, status, reason, since] = parts[..] else {
            return bad(format!("not an entry line: {line:?}"));
        };
        let (subject, statuses): (Subject, &[&'static str]) = match kind {
            "brand" => (
                Subject::Brand(
                    number(id)?
                        .try_into()
                        .or_else(|_| bad("a brand number is a u16"))?,
                ),
                &["suspended", "withdrawn"],
            ),
            "cert" => (Subject::Cert(number(id)?), &["revoked", "suspended"]),
            "key" => {
                if id.len() != 8 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    return bad(format!("a key id is 8 lowercase hex digits: {id:?}"));
                }
                let k = u32::from_str_radix(id, 16).or_else(|_| bad("key id"))?;
                (Subject::Key(k), &["compromised"])
            }
            _ => return bad(format!("unknown line {line:?}")),
        };
        let Some(status) = statuses.iter().copied().find(|s| *s == status) else {
            return bad(format!("{kind} lines have no status {status:?}"));
        };
        if !is_reason(reason) {
            return bad(format!("a reason is a machine word: {reason:?}"));
        }
        Ok(Entry {
            subject,
            status,
            reason: reason.to_owned(),
            since: parse_time(since)?,
        })
    }
}

/// A reason word: `[a-z][a-z0-9_]{0,39}`.
pub fn is_reason(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 40
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// A decimal number: no sign, no leading zero.
fn number(s: &str) -> Result<u64, FormatError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return bad(format!("not a canonical number: {s:?}"));
    }
    s.parse()
        .or_else(|_| bad(format!("number out of range: {s:?}")))
}

fn version(s: &str) -> Result<u64, FormatError> {
    let v = number(s)?;
    if !(1..=MAX_VERSION).contains(&v) {
        return bad(format!("a version is 1 to 2^53-1: {s}"));
    }
    Ok(v)
}

/// A time as the format writes it: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Reads a time strictly (20 characters, a real calendar time).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, FormatError> {
    let ok = s.len() == 20
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            19 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if !ok {
        return bad(format!("not a YYYY-MM-DDTHH:MM:SSZ time: {s:?}"));
    }
    NaiveDateTime::parse_from_str(&s[..19], "%Y-%m-%dT%H:%M:%S")
        .map(|t| t.and_utc())
        .or_else(|_| bad(format!("not a calendar time: {s:?}")))
}

/// The digest of a body: SHA-256, standard base64 with padding.
pub fn digest(body: &str) -> String {
    STANDARD.encode(Sha256::digest(body.as_bytes()))
}

fn check_digest(s: &str) -> Result<(), FormatError> {
    match STANDARD.decode(s) {
        Ok(b) if b.len() == 32 && s.len() == 44 => Ok(()),
        _ => bad(format!("a digest is 32 bytes of base64: {s:?}")),
    }
}

/// Splits a body into its lines after the common checks of §2 and checks the first line.
fn lines<'a>(body: &'a str, origin: &str, kind: Kind) -> Result<Vec<&'a str>, FormatError> {
    if body.len() > MAX_BODY {
        return bad("the body is over 16 MiB");
    }
    let Some(inner) = body.strip_suffix('\n') else {
        return bad("the body ends with a newline");
    };
    let lines: Vec<&str> = inner.split('\n').collect();
    for l in &lines {
        if l.is_empty() {
            return bad("no empty line");
        }
        if l.len() > MAX_LINE {
            return bad("a line is at most 256 bytes");
        }
        if !l.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return bad("lines are printable ASCII");
        }
        if l.ends_with(' ') {
            return bad("no trailing space");
        }
    }
    let first = format!("{origin}/v1 {}", kind.word());
    if lines[0] != first {
        return bad(format!("the first line is not {first:?}"));
    }
    Ok(lines)
}

/// `name value` with the expected name.
fn field<'a>(line: Option<&&'a str>, name: &str) -> Result<&'a str, FormatError> {
    line.and_then(|l| l.strip_prefix(name))
        .and_then(|l| l.strip_prefix(' '))
        .map_or_else(|| bad(format!("expected the {name} line")), Ok)
}

/// A snapshot: the list at one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub version: u64,
    pub created: DateTime<Utc>,
    /// In canonical order, one per subject.
    pub entries: Vec<Entry>,
}

impl Snapshot {
    /// A snapshot of `entries` in any order; the last entry wins for a repeated subject.
    pub fn new(version: u64, created: DateTime<Utc>, entries: Vec<Entry>) -> Snapshot {
        let map: BTreeMap<Subject, Entry> = entries.into_iter().map(|e| (e.subject, e)).collect();
        Snapshot {
            version,
            created,
            entries: map.into_values().collect(),
        }
    }

    /// The body, signed as the note text (`origin` is the key name).
    pub fn body(&self, origin: &str) -> String {
        let mut out = format!(
            "{origin}/v1 snapshot\nversion {}\ncreated {}\ncount {}\n",
            self.version,
            time(self.created),
            self.entries.len()
        );
        for e in &self.entries {
            out.push_str(&e.line());
            out.push('\n');
        }
        out
    }

    /// Reads a body strictly: fixed header lines, canonical order, no duplicate, right count.
    pub fn parse(body: &str, origin: &str) -> Result<Snapshot, FormatError> {
        let lines = lines(body, origin, Kind::Snapshot)?;
        let version = version(field(lines.get(1), "version")?)?;
        let created = parse_time(field(lines.get(2), "created")?)?;
        let count = number(field(lines.get(3), "count")?)?;
        let entries = lines[4.min(lines.len())..]
            .iter()
            .map(|l| Entry::parse(l))
            .collect::<Result<Vec<_>, _>>()?;
        check_order(&entries)?;
        if entries.len() as u64 != count {
            return bad(format!("count {count} but {} entries", entries.len()));
        }
        Ok(Snapshot {
            version,
            created,
            entries,
        })
    }

    /// The entry about `subject`, if listed.
    pub fn find(&self, subject: Subject) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.subject.cmp(&subject))
            .ok()
            .map(|i| &self.entries[i])
    }
}

fn check_order(entries: &[Entry]) -> Result<(), FormatError> {
    for w in entries.windows(2) {
        match w[0].subject.cmp(&w[1].subject) {
            Ordering::Less => {}
            Ordering::Equal => return bad(format!("two lines for {:?}", w[0].subject)),
            Ordering::Greater => return bad("entries are not in canonical order"),
        }
    }
    Ok(())
}

/// `latest`: which version is current, and until when that may be relied on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    pub version: u64,
    pub digest: String,
    pub as_of: DateTime<Utc>,
    pub fresh_until: DateTime<Utc>,
}

impl Latest {
    pub fn body(&self, origin: &str) -> String {
        format!(
            "{origin}/v1 latest\nversion {}\ndigest {}\nas_of {}\nfresh_until {}\n",
            self.version,
            self.digest,
            time(self.as_of),
            time(self.fresh_until)
        )
    }

    pub fn parse(body: &str, origin: &str) -> Result<Latest, FormatError> {
        let lines = lines(body, origin, Kind::Latest)?;
        if lines.len() != 5 {
            return bad("a latest body has five lines");
        }
        let version = version(field(lines.get(1), "version")?)?;
        let digest = field(lines.get(2), "digest")?;
        check_digest(digest)?;
        let as_of = parse_time(field(lines.get(3), "as_of")?)?;
        let fresh_until = parse_time(field(lines.get(4), "fresh_until")?)?;
        if fresh_until <= as_of {
            return bad("fresh_until is after as_of");
        }
        Ok(Latest {
            version,
            digest: digest.to_owned(),
            as_of,
            fresh_until,
        })
    }
}

/// One change line of a delta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Remove(Entry),
    Add(Entry),
}

impl Change {
    fn key(&self) -> (Subject, u8) {
        match self {
            Change::Remove(e) => (e.subject, 0),
            Change::Add(e) => (e.subject, 1),
        }
    }
}

/// A delta from one version to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    pub from: (u64, String),
    pub to: (u64, String),
    /// The target's header lines after the first, verbatim (`version N`, `created …`, `count …`).
    pub header: Vec<String>,
    pub changes: Vec<Change>,
}

impl Delta {
    /// The delta between two snapshot bodies: a pure function of the two.
    pub fn between(base: &Snapshot, target: &Snapshot, origin: &str) -> Delta {
        let target_body = target.body(origin);
        let header = target_body
            .lines()
            .skip(1)
            .take(3)
            .map(str::to_owned)
            .collect();
        let old: BTreeMap<Subject, &Entry> = base.entries.iter().map(|e| (e.subject, e)).collect();
        let new: BTreeMap<Subject, &Entry> =
            target.entries.iter().map(|e| (e.subject, e)).collect();
        let mut changes = Vec::new();
        let mut subjects: Vec<Subject> = old.keys().chain(new.keys()).copied().collect();
        subjects.sort();
        subjects.dedup();
        for s in subjects {
            match (old.get(&s), new.get(&s)) {
                (Some(a), Some(b)) if a == b => {}
                (a, b) => {
                    if let Some(a) = a {
                        changes.push(Change::Remove((*a).clone()));
                    }
                    if let Some(b) = b {
                        changes.push(Change::Add((*b).clone()));
                    }
                }
            }
        }
        Delta {
            from: (base.version, digest(&base.body(origin))),
            to: (target.version, digest(&target_body)),
            header,
            changes,
        }
    }

    pub fn body(&self, origin: &str) -> String {
        let mut out = format!(
            "{origin}/v1 delta\nfrom {} {}\nto {} {}\n",
            self.from.0, self.from.1, self.to.0, self.to.1
        );
        for h in &self.header {
            out.push_str("= ");
            out.push_str(h);
            out.push('\n');
        }
        for c in &self.changes {
            let (sign, e) = match c {
                Change::Remove(e) => ("- ", e),
                Change::Add(e) => ("+ ", e),
            };
            out.push_str(sign);
            out.push_str(&e.line());
            out.push('\n');
        }
        out
    }

    pub fn parse(body: &str, origin: &str) -> Result<Delta, FormatError> {
        let lines = lines(body, origin, Kind::Delta)?;
        let pair = |line: Option<&&str>, name: &str| -> Result<(u64, String), FormatError> {
            let v = field(line, name)?;
            let Some((n, d)) = v.split_once(' ') else {
                return bad(format!("{name} is a version and a digest"));
            };
            check_digest(d)?;
            Ok((version(n)?, d.to_owned()))
        };
        let from = pair(lines.get(1), "from")?;
        let to = pair(lines.get(2), "to")?;
        let mut i = 3;
        let mut header = Vec::new();
        while let Some(h) = lines.get(i).and_then(|l| l.strip_prefix("= ")) {
            header.push(h.to_owned());
            i += 1;
        }
        if header.first().map(String::as_str) != Some(format!("version {}", to.0).as_str()) {
            return bad("the first = line is the target's version");
        }
        let mut changes = Vec::new();
        for l in &lines[i..] {
            let c = if let Some(e) = l.strip_prefix("- ") {
                Change::Remove(Entry::parse(e)?)
            } else if let Some(e) = l.strip_prefix("+ ") {
                Change::Add(Entry::parse(e)?)
            } else {
                return bad(format!("not a change line: {l:?}"));
            };
            changes.push(c);
        }
        for w in changes.windows(2) {
            if w[0].key() >= w[1].key() {
                return bad("change lines are not in canonical order");
            }
        }
        Ok(Delta {
            from,
            to,
            header,
            changes,
        })
    }

    /// Applies the delta to the held snapshot body and returns the target body, checked
    /// against the target digest.
    pub fn apply(&self, base_body: &str, origin: &str) -> Result<String, FormatError> {
        let base = Snapshot::parse(base_body, origin)?;
        if base.version != self.from.0 || digest(base_body) != self.from.1 {
            return bad("the delta's from is not the held snapshot");
        }
        let mut map: BTreeMap<Subject, String> =
            base.entries.iter().map(|e| (e.subject, e.line())).collect();
        for c in &self.changes {
            match c {
                Change::Remove(e) => {
                    if map.get(&e.subject) != Some(&e.line()) {
                        return bad(format!("the delta removes a line not held: {}", e.line()));
                    }
                    map.remove(&e.subject);
                }
                Change::Add(e) => {
                    if map.insert(e.subject, e.line()).is_some() {
                        return bad(format!("the delta adds a line already held: {}", e.line()));
                    }
                }
            }
        }
        let mut out = format!("{origin}/v1 snapshot\n");
        for h in &self.header {
            out.push_str(h);
            out.push('\n');
        }
        for l in map.values() {
            out.push_str(l);
            out.push('\n');
        }
        if digest(&out) != self.to.1 {
            return bad("the rebuilt snapshot does not have the target digest");
        }
        Snapshot::parse(&out, origin)?;
        Ok(out)
    }
}
