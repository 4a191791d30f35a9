//! Fingerprints of the secrets every node keeps in its keys folder, so that nodes agree on one
//! secret rather than each making its own. The secrets themselves are never stored here.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};

use super::StoreError;

fn t(name: &str) -> Alias {
    Alias::new(name)
}

/// The recorded fingerprint of the secret `name`, if one is recorded.
pub async fn fingerprint(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<String>, StoreError> {
    let q = Query::select()
        .column(t("fingerprint"))
        .from(t("service_secrets"))
        .and_where(Expr::col(t("name")).eq(name))
        .to_owned();
    match db.query_one(&q).await? {
        Some(row) => Ok(Some(row.try_get("", "fingerprint")?)),
        None => Ok(None),
    }
}

/// Records `fingerprint` for `name` unless one is recorded already, and returns the one that
/// stands: a node that lost the race to record its secret learns which secret won.
pub async fn record(
    db: &impl ConnectionTrait,
    name: &str,
    fingerprint_hex: &str,
) -> Result<String, StoreError> {
    let q = Query::insert()
        .into_table(t("service_secrets"))
        .columns([t("name"), t("fingerprint"), t("created_at")])
        .values_panic([name.into(), fingerprint_hex.into(), Utc::now().into()])
        .on_conflict(OnConflict::column(t("name")).do_nothing().to_owned())
        .to_owned();
    db.execute(&q).await?;
    fingerprint(db, name)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("secret fingerprint {name} vanished")))
}
