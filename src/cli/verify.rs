//! `tasdiq verify CODE_OR_URL_OR_PNG [--keys FILE_OR_URL] [--dir D] [--max-status-age 7d]
//! [--require-status]`: checks a label offline, from a published key set and the status list
//! `tasdiq sync` keeps in D, with the server stopped. Exit codes: 0 authentic, 1 not
//! authentic, 2 usage or input error, 3 cannot decide offline (no list under
//! `--require-status`, a list past its maximum age, a compromised key).

use std::path::Path;
use std::process::ExitCode;

use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::Deserialize;

use crate::config::{DEFAULT_PUBLIC_URL, PublicUrlArg, parse_public_url};
use crate::domain::code::{Kid, Label};
use crate::domain::keys::{KeyEntry, KeyRing};
use crate::domain::values::{KeyStatus, date_from_label_days};
use crate::status::offline::{self, LabelFacts};
use crate::verify::code_from_input;

const NOT_AUTHENTIC: u8 = 1;
const USAGE: u8 = 2;
/// Cannot decide offline: the status list is missing (under `--require-status`) or stale, or
/// the label key was reported compromised.
const UNDECIDED: u8 = 3;

/// The options of `tasdiq verify`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A JWKS file or URL.
    pub keys: Option<String>,
    /// The folder `tasdiq sync` wrote (default: its default folder, when it exists).
    pub dir: Option<std::path::PathBuf>,
    /// `30s`, `12h`, `7d`: how old a list may be (capped by its `fresh_until`).
    pub max_status_age: Option<String>,
    /// Exit 3 when no status list is held.
    pub require_status: bool,
    /// Decide as at this time (RFC 3339) instead of now.
    pub now: Option<String>,
    /// A tlog-proof file and the log policy to check it with (`--proof`, `--log-policy`).
    pub proof: Option<(String, Option<String>)>,
}

pub fn run(public: &PublicUrlArg, input: &str, opts: &Options) -> ExitCode {
    match check(public, input, opts) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(USAGE)
        }
    }
}

/// `30s`, `45m`, `12h`, `7d`.
pub fn parse_duration(s: &str) -> Result<chrono::Duration, String> {
    let bad = || format!("not a duration: {s:?} (write 30s, 12h or 7d)");
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(secs)
        .filter(|v| *v >= 0 && *v <= 100 * 365 * 86_400)
        .map(chrono::Duration::seconds)
        .ok_or_else(bad)
}

fn check(public: &PublicUrlArg, input: &str, opts: &Options) -> Result<ExitCode, String> {
    let max_age = parse_duration(opts.max_status_age.as_deref().unwrap_or("7d"))?;
    let now = match &opts.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("--now {t}: {e}"))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let text = read_input(input)?;
    let code = code_from_input(&text);
    let label = Label::parse(code).map_err(|e| format!("not a tasdiq label code: {e}"))?;
    let given = public
        .public_url
        .as_deref()
        .map(parse_public_url)
        .transpose()?;
    let synced = opts.dir.clone().or_else(|| {
        let d = super::sync::default_dir();
        d.join(super::sync::KEYS_FILE).is_file().then_some(d)
    });
    let default_keys = match &synced {
        Some(d) => d.join(super::sync::KEYS_FILE).display().to_string(),
        None => format!(
            "{}/.well-known/tasdiq/keys.json",
            given.as_deref().unwrap_or(DEFAULT_PUBLIC_URL)
        ),
    };
    let source = opts.keys.as_deref().unwrap_or(&default_keys);
    let (ring, jwks) = load_keys(source)?;
    let online = online_base(source, given.as_deref());
    let held = match &synced {
        Some(d) => match super::sync::load_held(d, &jwks) {
            Ok(h) => h,
            Err(e) => {
                eprintln!(
                    "warning: the synced status list in {} is not used: {e}",
                    d.display()
                );
                None
            }
        },
        None => None,
    };

    let h = label.header;
    println!("version      1");
    println!("key id       {}", h.kid);
    println!("certificate  {}", h.certificate);
    println!("item         {}", h.item);
    println!("brand        {}", h.brand);
    println!("expires on   {}", date_from_label_days(h.expiry_days));
    let key = ring.get(h.kid);
    let signature_ok = key.is_some_and(|k| label.verify(&k.public));
    match key {
        None => println!("key          unknown to {source}"),
        Some(k) => println!("key          {} ({})", k.kid, k.status),
    }
    println!(
        "signature    {}",
        if signature_ok {
            "valid (strict Ed25519)"
        } else {
            "INVALID"
        }
    );
    let Some(key) = key.filter(|_| signature_ok) else {
        let reason = if key.is_none() {
            "unknown_key"
        } else {
            "bad_signature"
        };
        println!("verdict      counterfeit ({reason})");
        return Ok(ExitCode::from(NOT_AUTHENTIC));
    };
    match &held {
        Some(held) => println!(
            "statuses     as of {} (v{}), fresh until {}",
            held.latest.as_of.format("%d/%m/%Y %H:%M UTC"),
            held.latest.version,
            held.latest.fresh_until.format("%d/%m/%Y %H:%M UTC"),
        ),
        None => println!("statuses     none held: run `tasdiq sync` to check revocations offline"),
    }
    let facts = LabelFacts {
        kid: u32::from_be_bytes(h.kid.0),
        certificate: h.certificate,
        brand: h.brand,
        expires_on: date_from_label_days(h.expiry_days),
    };
    let d = offline::decide(
        &facts,
        key.status == KeyStatus::Compromised,
        held.as_ref(),
        now,
        max_age,
    );
    println!("verdict      {} ({})", d.status, d.reason);
    if let Some((file, policy)) = &opts.proof
        && !super::logproof::check(
            online.as_deref().unwrap_or(DEFAULT_PUBLIC_URL),
            &label,
            file,
            policy.as_deref(),
        )?
    {
        return Ok(ExitCode::from(NOT_AUTHENTIC));
    }
    if let Some(w) = d.warning {
        eprintln!("warning: {w}: no status list is held, so revocations are not checked");
    }
    match d.status.as_str() {
        "authentic" if d.warning.is_some() && opts.require_status => {
            println!(
                "cannot decide offline: --require-status and no status list (run `tasdiq sync`)"
            );
            Ok(ExitCode::from(UNDECIDED))
        }
        "authentic" => {
            if held.is_none() {
                println!(
                    "offline check: signature and expiry. Revocation and suspension are known only online:"
                );
                println!("  {}", check_online(online.as_deref(), code));
            }
            Ok(ExitCode::SUCCESS)
        }
        "unknown" => {
            if d.reason == "status_stale" {
                println!(
                    "cannot decide offline: the status list is older than the maximum age; run `tasdiq sync`, or check online:"
                );
            } else {
                println!(
                    "this key was reported compromised: only the online service can tell whether the certificate predates that; check online:"
                );
            }
            println!("  {}", check_online(online.as_deref(), code));
            Ok(ExitCode::from(UNDECIDED))
        }
        _ => Ok(ExitCode::from(NOT_AUTHENTIC)),
    }
}

/// Where to check online: the service that published the key set when it was fetched (it
/// answered, so it serves), else the public URL this run was given. Never the address in the
/// label itself: a copied code can be printed under anyone's address.
fn online_base(keys_source: &str, given: Option<&str>) -> Option<String> {
    keys_source
        .strip_suffix("/.well-known/tasdiq/keys.json")
        .filter(|b| b.starts_with("http://") || b.starts_with("https://"))
        .map(str::to_owned)
        .or_else(|| given.map(str::to_owned))
}

/// The "check online" line: a link, or what to do without one.
fn check_online(base: Option<&str>, code: &str) -> String {
    match base {
        Some(base) => format!("{base}/v/{code}"),
        None => "at the address of the service that published the key set (pass \
                 --public-url URL or --keys URL to print the link)"
            .to_owned(),
    }
}

/// A code, a URL, or the path of a PNG whose QR code holds one.
fn read_input(input: &str) -> Result<String, String> {
    let path = Path::new(input);
    if input.len() < 4096 && path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {input}: {e}"))?;
        if !bytes.starts_with(b"\x89PNG") {
            return Err(format!("{input} is not a PNG image"));
        }
        return decode_png(&bytes);
    }
    Ok(input.to_owned())
}

/// Reads the QR code of a PNG with a real QR decoder.
pub fn decode_png(bytes: &[u8]) -> Result<String, String> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .map_err(|e| format!("cannot decode the PNG: {e}"))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    let grid = grids.first().ok_or("no QR code found in the image")?;
    let (_, content) = grid
        .decode()
        .map_err(|e| format!("the QR code cannot be read: {e}"))?;
    Ok(content)
}

#[derive(Deserialize)]
struct JwksDoc {
    keys: Vec<JwkDoc>,
}

#[derive(Deserialize)]
struct JwkDoc {
    kty: String,
    crv: String,
    x: String,
    kid: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    created: Option<DateTime<Utc>>,
    #[serde(default)]
    compromised_since: Option<DateTime<Utc>>,
    #[serde(default)]
    purpose: Option<String>,
}

/// Loads a published key set from a file or a plain-HTTP URL: the label keys, and the text.
fn load_keys(source: &str) -> Result<(KeyRing, String), String> {
    let text = if source.starts_with("http://") || source.starts_with("https://") {
        ureq::get(source)
            .call()
            .map_err(|e| {
                format!(
                    "cannot fetch the key set {source}: {e} (pass --keys FILE to check offline)"
                )
            })?
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("cannot read the key set {source}: {e}"))?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| format!("cannot read the key set {source}: {e}"))?
    };
    let ring = parse_jwks(&text).map_err(|e| format!("{source}: {e}"))?;
    Ok((ring, text))
}

/// Reads a JWKS document into a key ring; each key's id must match its public key.
pub fn parse_jwks(text: &str) -> Result<KeyRing, String> {
    let doc: JwksDoc = serde_json::from_str(text).map_err(|e| format!("not a key set: {e}"))?;
    let mut entries = Vec::new();
    for k in doc.keys {
        // Label keys only: a label "signed" by the status or log key is counterfeit.
        if k.kty != "OKP"
            || k.crv != "Ed25519"
            || k.purpose.as_deref().is_some_and(|p| p != "label")
        {
            continue;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(k.x.trim_end_matches('='))
            .map_err(|_| format!("key {}: x is not base64url", k.kid))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("key {}: x is not 32 bytes", k.kid))?;
        let public = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| format!("key {}: not a valid point", k.kid))?;
        let kid = Kid::of(&public);
        if Kid::parse(&k.kid) != Some(kid) {
            return Err(format!(
                "key {}: kid does not match its public key ({kid})",
                k.kid
            ));
        }
        let status = match (k.status.as_deref(), k.compromised_since) {
            (_, Some(_)) | (Some("compromised"), _) => KeyStatus::Compromised,
            (Some("retired"), _) => KeyStatus::Retired,
            _ => KeyStatus::Active,
        };
        entries.push(KeyEntry {
            kid,
            public,
            status,
            created: k.created.unwrap_or_default(),
            compromised_since: k.compromised_since,
            secret: None,
        });
    }
    Ok(KeyRing::new(entries))
}
