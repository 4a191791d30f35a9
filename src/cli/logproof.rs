//! `tasdiq verify CODE --proof FILE [--log-policy FILE_OR_URL]`: checks offline that a label's
//! certificate is in the public issuance log. The proof (`GET /api/v1/certificates/{n}/proof`)
//! carries the certificate's opening; this module
//! 1. matches the opening to the label (certificate, key, brand, expiry),
//! 2. rebuilds the issue entry from it and runs the inclusion proof to the checkpoint's root,
//! 3. checks the checkpoint's log signature and the cosignatures the policy asks for.

use crate::domain::code::Label;
use crate::domain::values::date_from_label_days;
use crate::translog::proof;

/// Prints the check; `Ok(true)` if the label's certificate is proven logged.
pub fn check(
    base: &str,
    label: &Label,
    proof_file: &str,
    policy_source: Option<&str>,
) -> Result<bool, String> {
    let bytes = std::fs::read(proof_file)
        .map_err(|e| format!("cannot read the proof {proof_file}: {e}"))?;
    let default_policy = format!("{base}/.well-known/tasdiq/log-policy");
    let source = policy_source.unwrap_or(&default_policy);
    let text = read_text(source)?;
    let policy = tasdiq_witness::policy::Policy::parse(&text)
        .map_err(|e| format!("{source} is not a log policy: {e}"))?;
    let origin = policy
        .logs()
        .first()
        .map(|l| l.key.name().as_str().to_owned())
        .ok_or_else(|| format!("{source} names no log"))?;
    let policy = policy
        .to_proof_policy(&origin)
        .ok_or_else(|| format!("{source}: its quorum is not a k-of-n of witnesses"))?;
    let checked = match proof::check(&bytes, &policy) {
        Ok(c) => c,
        Err(e) => {
            println!("log proof    INVALID: {e}");
            return Ok(false);
        }
    };
    let o = &checked.opening;
    let h = &label.header;
    let matches = o.certificate == h.certificate
        && o.kid == h.kid
        && o.brand == h.brand
        && o.expires == date_from_label_days(h.expiry_days);
    let cp = &checked.verified.checkpoint;
    if !matches {
        println!(
            "log proof    for another certificate ({} under key {}, brand {}, expires {})",
            o.certificate, o.kid, o.brand, o.expires
        );
        return Ok(false);
    }
    println!(
        "log proof    valid: entry {} of {} in {} ({} witness cosignatures)",
        checked.index,
        cp.size,
        cp.origin,
        checked.verified.cosignatures.len()
    );
    println!(
        "logged       producer {}, quantity {}, issued {}",
        o.producer,
        o.quantity,
        chrono::DateTime::from_timestamp(o.issued, 0)
            .map_or_else(|| o.issued.to_string(), |t| t.to_rfc3339())
    );
    Ok(true)
}

/// A file, or a plain-HTTP(S) URL.
fn read_text(source: &str) -> Result<String, String> {
    if source.starts_with("http://") || source.starts_with("https://") {
        ureq::get(source)
            .call()
            .map_err(|e| {
                format!("cannot fetch {source}: {e} (pass --log-policy FILE to check offline)")
            })?
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("cannot read {source}: {e}"))
    } else {
        std::fs::read_to_string(source).map_err(|e| format!("cannot read {source}: {e}"))
    }
}
