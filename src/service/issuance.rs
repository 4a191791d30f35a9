//! Certificates: issuing one for a lot, and revoking it.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{By, Checks, Outcome, ServiceError, run};
use crate::domain::code::Kid;
use crate::domain::lifecycle::{self, CertificateRequest, RawCertificateRequest};
use crate::domain::values::{self, CertificateNumber, CertificateStatus};
use crate::state::App;
use crate::store::certificates::{CertRecord, CertView};
use crate::store::{self, audit, signing_keys};
use crate::views::certificates::IssueBody;

/// Issues a certificate for a lot. The producer must hold an active right to use an active
/// brand, valid today, and the lot (brand, producer, lot code) must not be certified already;
/// labels 1..=quantity are derived on demand, never stored.
pub async fn issue(app: &App, by: &By, b: &IssueBody) -> Result<Outcome<CertView>, ServiceError> {
    let now = Utc::now();
    let req = CertificateRequest::parse(
        &RawCertificateRequest {
            brand: b.brand,
            producer: b.producer,
            product: &b.product,
            lot: &b.lot,
            quantity: b.quantity,
            produced_on: &b.produced_on,
            expires_on: &b.expires_on,
        },
        now.date_naive(),
    )?;
    let kid = app.key_ring().signer().map(|k| k.kid).ok_or_else(|| {
        ServiceError::Unavailable(
            "this node holds no active signing key; certificates are issued where the signer's key file is".into(),
        )
    })?;
    let (actor, req, claims) = (by.actor.as_str(), &req, b.claims);
    run(app, by, false, |tx| async move {
        let rec = issue_in(&*tx, req, kid, actor, now).await?;
        if claims {
            let number = i64::try_from(rec.facts.number).unwrap_or(i64::MAX);
            store::claims::enable_lot(&*tx, number).await?;
        }
        Ok(rec.view)
    })
    .await
}

/// The work of [`issue`] on the caller's transaction (bootstrap's demo lots use it before the
/// service runs): the issuance rules against the registry, the row, the audit entry.
pub async fn issue_in(
    tx: &impl ConnectionTrait,
    req: &CertificateRequest,
    kid: Kid,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CertRecord, ServiceError> {
    let facts = store::certificates::issuance_facts(tx, req.brand, req.producer).await?;
    let Some(brand_status) = facts.brand_status else {
        return Err(ServiceError::conflict(
            "unknown_brand",
            format!("there is no brand number {}", req.brand),
        ));
    };
    if !facts.producer_exists {
        return Err(ServiceError::conflict(
            "unknown_producer",
            format!("there is no producer {}", req.producer),
        ));
    }
    lifecycle::may_certify(brand_status, facts.right, now.date_naive())
        .map_err(|(reason, detail)| ServiceError::conflict(reason, detail))?;
    // One lot, one certificate. Checked here, in the transaction, to name the certificate the
    // lot has; the unique index on (brand, producer, lot_key) catches two issuances that race
    // past this check (the loser's transaction is retried and stops here).
    if let Some(existing) =
        store::certificates::of_lot(tx, req.brand, req.producer, &req.lot).await?
    {
        return Err(ServiceError::LotAlreadyCertified {
            existing,
            detail: format!(
                "lot {} of brand {} by producer {} is already certified: certificate {existing}",
                req.lot, req.brand, req.producer
            ),
        });
    }
    let number = store::certificates::insert(tx, req, kid, actor, now).await?;
    let rec = store::certificates::record(tx, number).await?;
    crate::translog::append(tx, crate::translog::Entry::issue(&rec)).await?;
    let target = format!("certificate:{number}");
    audit::record(
        tx,
        actor,
        "certificate.issue",
        &target,
        None::<&()>,
        Some(&rec.view),
    )
    .await?;
    Ok(rec)
}

/// Revokes a certificate: every label of the lot is `revoked` from the next verdict on, on
/// every node. Revoking twice is a conflict.
pub async fn revoke(
    app: &App,
    by: &By,
    number: CertificateNumber,
    reason: &str,
) -> Result<Outcome<CertView>, ServiceError> {
    let mut c = Checks::default();
    let reason = c.take(values::text("reason", reason, 500));
    c.finish()?;
    let reason = super::checked(reason)?;
    let (actor, reason) = (by.actor.as_str(), reason.as_str());
    run(app, by, true, |tx| async move {
        Ok(revoke_in(&*tx, number, reason, actor).await?.view)
    })
    .await
}

/// The work of [`revoke`] on the caller's transaction.
pub async fn revoke_in(
    tx: &impl ConnectionTrait,
    number: CertificateNumber,
    reason: &str,
    actor: &str,
) -> Result<CertRecord, ServiceError> {
    let before = store::certificates::record(tx, number).await?;
    if before.view.status == CertificateStatus::Revoked {
        return Err(ServiceError::conflict(
            "already_revoked",
            format!("certificate {number} is already revoked"),
        ));
    }
    store::certificates::revoke(tx, number, reason, Utc::now()).await?;
    signing_keys::bump_epoch(tx).await?;
    let rec = store::certificates::record(tx, number).await?;
    crate::translog::append(tx, crate::translog::Entry::revoke(&rec)).await?;
    let target = format!("certificate:{number}");
    audit::record(
        tx,
        actor,
        "certificate.revoke",
        &target,
        Some(&serde_json::json!({"status": before.view.status})),
        Some(&serde_json::json!({"status": rec.view.status, "reason": reason})),
    )
    .await?;
    Ok(rec)
}
