//! One-time claims (issue 17): the buyer of an item of a lot issued with `"claims": true`
//! enters the code printed inside the pack, once. The code is derived from a server secret and
//! the item (`tasdiq_custody::claim`), never stored; what is stored is the claim (when, from
//! which network, which device) and each wrong or repeated try, which the copy detector reads.
//!
//! Limits: tries per client network ([`NETWORK_LIMIT`], across nodes), and per label: after
//! [`WRONG_PER_DAY`] wrong codes in 24 hours the label takes no more tries until the oldest of
//! them is a day old. A mistyped code (its check character is wrong) is not a try: it is a
//! person, not a guess, and costs only the network's tokens.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use tasdiq_custody::claim::{ClaimCode, ClaimCodeError, ClaimSecret};

use super::ServiceError;
use crate::domain::humancode::ShortCodeKey;
use crate::state::App;
use crate::store::claims::{self, ClaimRow, TryOutcome, TryRow};
use crate::store::rate_limits::{self, Limit};
use crate::store::scans::LabelKey;
use crate::verify::Checked;
use crate::verify::risk::{NetId, label_network};

/// Wrong codes for one label within 24 hours before it takes no more tries.
pub const WRONG_PER_DAY: u64 = 10;

/// Claim tries per client network: 10 at once, then one a minute.
pub const NETWORK_LIMIT: Limit = Limit {
    interval_ms: 60_000,
    burst: 10,
};

/// The claim-code secret: derived from the short-code secret every node already holds (0600 in
/// the keys folder, its fingerprint checked against the database), under its own label, so no
/// second file has to be copied between nodes and neither secret reveals the other's outputs.
pub fn secret(key: &ShortCodeKey) -> ClaimSecret {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(b"tasdiq-claim-secret-v1");
    let bytes = mac.finalize().into_bytes();
    ClaimSecret::new(&bytes).expect("32 bytes")
}

/// The claim code of an item, for printing.
pub fn code(key: &ShortCodeKey, certificate: u64, item: u32) -> ClaimCode {
    ClaimCode::derive(&secret(key), certificate, item)
}

/// The stored form of a device cookie.
pub fn device_hash(cookie: &str) -> String {
    hex::encode(Sha256::digest(cookie.as_bytes()))
}

/// Who claims.
#[derive(Clone, Debug)]
pub struct Claimant<'a> {
    /// The client network's rate-limit bucket (the salted daily hash).
    pub bucket: &'a str,
    /// The client network's id, if the request has an address.
    pub net: Option<NetId>,
    /// The hash of the device cookie ([`device_hash`]), if the device has one.
    pub device: Option<&'a str>,
}

/// An accepted claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claimed {
    /// Claimed just now.
    Now(DateTime<Utc>),
    /// Claimed before from this same device: the buyer checking that it worked.
    Before(DateTime<Utc>),
}

/// Why a claim is refused.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// The label is not a genuine label of a known certificate.
    #[error("this label is not genuine, so it has nothing to claim")]
    NotGenuine,
    /// The lot was issued without claim codes.
    #[error("this lot was issued without claim codes")]
    NoClaims,
    /// The text is not a claim code (length, character, check character).
    #[error("{0}")]
    Mistyped(ClaimCodeError),
    /// A well-formed code that is not this item's; `left` tries remain today.
    #[error("this is not the code of this item")]
    Wrong { left: u64 },
    /// The item was claimed already, from another device: refused, and the label flagged.
    #[error("this item was already claimed on {0}")]
    Taken(DateTime<Utc>),
    /// Too many wrong codes for this label: no tries until `until`.
    #[error("too many wrong codes for this label; try again after {until}")]
    Locked { until: DateTime<Utc> },
    /// Too many tries from this network; retry after this many seconds.
    #[error("too many claim tries from this network; retry in {0} s")]
    Limited(u64),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::store::StoreError> for ClaimError {
    fn from(e: crate::store::StoreError) -> Self {
        ClaimError::Service(e.into())
    }
}

/// Claims the item of a checked label with the typed code.
pub async fn claim(
    app: &App,
    checked: &Checked,
    typed: &str,
    who: &Claimant<'_>,
) -> Result<Claimed, ClaimError> {
    if !checked.genuine() {
        return Err(ClaimError::NotGenuine);
    }
    let key = LabelKey {
        certificate: i64::try_from(checked.certificate).unwrap_or(i64::MAX),
        item: i32::try_from(checked.item).unwrap_or(i32::MAX),
    };
    // Microseconds, as PostgreSQL stores them: the answer says what later verdicts say.
    let now = Utc::now().trunc_subsecs(6);
    if let Some(wait_ms) = rate_limits::take(
        &app.db,
        &format!("claim:{}", who.bucket),
        NETWORK_LIMIT,
        now.timestamp_millis(),
    )
    .await?
    {
        let secs = u64::try_from(wait_ms).unwrap_or(1).div_ceil(1000).max(1);
        return Err(ClaimError::Limited(secs));
    }
    if !claims::lots(&app.db, &[key.certificate])
        .await?
        .contains(&key.certificate)
    {
        return Err(ClaimError::NoClaims);
    }
    let day_ago = now - Duration::days(1);
    let wrong = claims::tries(&app.db, &[key], day_ago)
        .await?
        .into_iter()
        .filter(|t| t.outcome == TryOutcome::Wrong)
        .map(|t| t.at)
        .collect::<Vec<_>>();
    if wrong.len() as u64 >= WRONG_PER_DAY {
        let oldest = wrong.iter().min().copied().unwrap_or(now);
        return Err(ClaimError::Locked {
            until: oldest + Duration::days(1),
        });
    }
    let code = ClaimCode::parse(typed).map_err(ClaimError::Mistyped)?;
    let network = who.net.map_or(0, |n| label_network(n, key));
    let secret = secret(&app.shortcodes);
    let right = code.matches(&secret, checked.certificate, checked.item);
    let device = who.device.map(str::to_owned);
    let outcome = app
        .write(|tx| {
            let device = device.clone();
            async move {
                let mut attempt = TryRow {
                    key,
                    at: now,
                    network,
                    outcome: TryOutcome::Wrong,
                };
                if !right {
                    claims::insert_try(&*tx, &attempt).await?;
                    return Ok::<_, ServiceError>(Done::Wrong);
                }
                let row = ClaimRow {
                    certificate: key.certificate,
                    item: key.item,
                    claimed_at: now,
                    network,
                    device: device.clone().unwrap_or_default(),
                };
                if claims::insert_claim(&*tx, &row).await? {
                    return Ok(Done::New);
                }
                let first = claims::claims(&*tx, &[key])
                    .await?
                    .remove(&key)
                    .ok_or_else(|| ServiceError::Internal("a claim vanished".into()))?;
                let mine = device.is_some_and(|d| !d.is_empty() && d == first.device);
                attempt.outcome = if mine {
                    TryOutcome::RepeatSameDevice
                } else {
                    TryOutcome::Repeat
                };
                claims::insert_try(&*tx, &attempt).await?;
                Ok(if mine {
                    Done::Mine(first.claimed_at)
                } else {
                    Done::Taken(first.claimed_at)
                })
            }
        })
        .await?;
    app.verifier.risk.forget(&[key]);
    match outcome {
        Done::New => Ok(Claimed::Now(now)),
        Done::Mine(at) => Ok(Claimed::Before(at)),
        Done::Taken(at) => Err(ClaimError::Taken(at)),
        Done::Wrong => {
            let left = WRONG_PER_DAY.saturating_sub(wrong.len() as u64 + 1);
            if left == 0 {
                return Err(ClaimError::Locked {
                    until: wrong.iter().min().copied().unwrap_or(now) + Duration::days(1),
                });
            }
            Err(ClaimError::Wrong { left })
        }
    }
}

/// What the claim transaction did.
enum Done {
    Wrong,
    New,
    Mine(DateTime<Utc>),
    Taken(DateTime<Utc>),
}

/// The claim secret, if certificate `number` was issued with claim codes (for printing them).
pub async fn lot_secret(app: &App, number: u64) -> Result<Option<ClaimSecret>, ServiceError> {
    let n = i64::try_from(number).unwrap_or(i64::MAX);
    Ok(claims::lots(&app.db, &[n])
        .await?
        .contains(&n)
        .then(|| secret(&app.shortcodes)))
}
