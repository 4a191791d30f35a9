//! The issuance log's tables: the sequence counter, entries, private openings, tiles and signed
//! checkpoints. Entries and openings are written inside the caller's business transaction;
//! tiles and checkpoints by the integrator in a transaction of its own.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, OnConflict, Order, Query};

use super::StoreError;

fn t(name: &str) -> Alias {
    Alias::new(name)
}

fn to_db(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("log index {v} is too large")))
}

fn from_db(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative log index {v}")))
}

/// Takes the next entry index. On PostgreSQL the update locks the counter row until the
/// caller's transaction ends, on SQLite the transaction holds the write lock: either way a
/// rollback gives the index back, so indexes stay dense, and entries commit in index order.
pub async fn sequence(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let q = Query::update()
        .table(t("log_state"))
        .value(t("next"), Expr::col(t("next")).add(1))
        .and_where(Expr::col(t("id")).eq(1))
        .returning_col(t("next"))
        .to_owned();
    let row = db
        .query_one(&q)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the log_state row is missing".into()))?;
    let next: i64 = row.try_get("", "next")?;
    from_db(next - 1)
}

/// The number of sequenced entries (committed ones, as this connection sees them).
pub async fn next_index(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let q = Query::select()
        .column(t("next"))
        .from(t("log_state"))
        .and_where(Expr::col(t("id")).eq(1))
        .to_owned();
    let row = db
        .query_one(&q)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the log_state row is missing".into()))?;
    from_db(row.try_get("", "next")?)
}

/// Stores entry `idx`.
pub async fn insert_entry(
    db: &impl ConnectionTrait,
    idx: u64,
    data: &[u8],
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(t("log_entry"))
        .columns([t("idx"), t("data")])
        .values_panic([to_db(idx)?.into(), data.to_vec().into()])
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// Stores the opening of certificate `number`'s issue entry `idx`.
pub async fn insert_opening(
    db: &impl ConnectionTrait,
    number: i64,
    idx: u64,
    data: &[u8],
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(t("log_opening"))
        .columns([t("certificate"), t("idx"), t("data")])
        .values_panic([number.into(), to_db(idx)?.into(), data.to_vec().into()])
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// The index and opening of a certificate's issue entry.
pub async fn opening(
    db: &impl ConnectionTrait,
    number: i64,
) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let q = Query::select()
        .columns([t("idx"), t("data")])
        .from(t("log_opening"))
        .and_where(Expr::col(t("certificate")).eq(number))
        .to_owned();
    match db.query_one(&q).await? {
        Some(row) => Ok(Some((
            from_db(row.try_get("", "idx")?)?,
            row.try_get("", "data")?,
        ))),
        None => Ok(None),
    }
}

/// The issue entry indexes of these certificates (those logged), in one query.
pub async fn issue_indexes(
    db: &impl ConnectionTrait,
    numbers: &[i64],
) -> Result<Vec<(i64, u64)>, StoreError> {
    let mut out = Vec::with_capacity(numbers.len());
    // Bounded IN lists keep every backend within its parameter limit.
    for chunk in numbers.chunks(1000) {
        let q = Query::select()
            .columns([t("certificate"), t("idx")])
            .from(t("log_opening"))
            .and_where(Expr::col(t("certificate")).is_in(chunk.iter().copied()))
            .to_owned();
        for row in db.query_all(&q).await? {
            out.push((
                row.try_get("", "certificate")?,
                from_db(row.try_get("", "idx")?)?,
            ));
        }
    }
    Ok(out)
}

/// Entries `from..to`, in index order (fewer if some are not there).
pub async fn entries(
    db: &impl ConnectionTrait,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    let q = Query::select()
        .columns([t("idx"), t("data")])
        .from(t("log_entry"))
        .and_where(Expr::col(t("idx")).gte(to_db(from)?))
        .and_where(Expr::col(t("idx")).lt(to_db(to)?))
        .order_by(t("idx"), Order::Asc)
        .to_owned();
    db.query_all(&q)
        .await?
        .into_iter()
        .map(|row| Ok((from_db(row.try_get("", "idx")?)?, row.try_get("", "data")?)))
        .collect()
}

/// Overwrites one stored entry: for tests that play an attacker with database access.
pub async fn overwrite_entry(
    db: &impl ConnectionTrait,
    idx: u64,
    data: &[u8],
) -> Result<(), StoreError> {
    let q = Query::update()
        .table(t("log_entry"))
        .value(t("data"), data.to_vec())
        .and_where(Expr::col(t("idx")).eq(to_db(idx)?))
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// The stored tiles at these (level, index) positions, each with its width, as stored now
/// (possibly wider than a caller needs). Absent tiles are left out.
pub async fn tiles(
    db: &impl ConnectionTrait,
    at: &[(u8, u64)],
) -> Result<Vec<(u8, u64, u16, Vec<u8>)>, StoreError> {
    if at.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = Cond::any();
    for &(level, idx) in at {
        any = any.add(
            Expr::col(t("level"))
                .eq(i16::from(level))
                .and(Expr::col(t("idx")).eq(to_db(idx)?)),
        );
    }
    let q = Query::select()
        .columns([t("level"), t("idx"), t("width"), t("hashes")])
        .from(t("log_tile"))
        .cond_where(any)
        .to_owned();
    db.query_all(&q)
        .await?
        .into_iter()
        .map(|row| {
            let level: i16 = row.try_get("", "level")?;
            let width: i32 = row.try_get("", "width")?;
            let corrupt = || StoreError::Corrupt("a log tile's level or width".into());
            Ok((
                u8::try_from(level).map_err(|_| corrupt())?,
                from_db(row.try_get("", "idx")?)?,
                u16::try_from(width).map_err(|_| corrupt())?,
                row.try_get("", "hashes")?,
            ))
        })
        .collect()
}

/// Writes tiles, each replacing the stored one only if it is wider: a slower integrator on
/// another node never shrinks a tile a newer checkpoint relies on.
pub async fn upsert_tiles(
    db: &impl ConnectionTrait,
    tiles: &[(u8, u64, u16, Vec<u8>)],
) -> Result<(), StoreError> {
    for (level, idx, width, hashes) in tiles {
        let q = Query::insert()
            .into_table(t("log_tile"))
            .columns([t("level"), t("idx"), t("width"), t("hashes")])
            .values_panic([
                i16::from(*level).into(),
                to_db(*idx)?.into(),
                i32::from(*width).into(),
                hashes.clone().into(),
            ])
            .on_conflict(
                OnConflict::columns([t("level"), t("idx")])
                    .update_columns([t("width"), t("hashes")])
                    .action_and_where(
                        Expr::col((t("excluded"), t("width")))
                            .gt(Expr::col((t("log_tile"), t("width")))),
                    )
                    .to_owned(),
            )
            .to_owned();
        db.execute(&q).await?;
    }
    Ok(())
}

/// The newest signed checkpoint: its size and note.
pub async fn latest_checkpoint(
    db: &impl ConnectionTrait,
) -> Result<Option<(u64, String)>, StoreError> {
    let q = Query::select()
        .columns([t("size"), t("note")])
        .from(t("log_checkpoint"))
        .order_by(t("size"), Order::Desc)
        .limit(1)
        .to_owned();
    match db.query_one(&q).await? {
        Some(row) => Ok(Some((
            from_db(row.try_get("", "size")?)?,
            row.try_get("", "note")?,
        ))),
        None => Ok(None),
    }
}

/// Stores a signed checkpoint; a second one of the same size (another node's) is kept out.
/// Returns whether this one was stored.
pub async fn insert_checkpoint(
    db: &impl ConnectionTrait,
    size: u64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let q = Query::insert()
        .into_table(t("log_checkpoint"))
        .columns([t("size"), t("note"), t("created_at")])
        .values_panic([to_db(size)?.into(), note.into(), now.into()])
        .on_conflict(OnConflict::column(t("size")).do_nothing().to_owned())
        .to_owned();
    Ok(db.execute(&q).await?.rows_affected() == 1)
}

/// The stored note of the checkpoint of `size`.
pub async fn checkpoint_at(
    db: &impl ConnectionTrait,
    size: u64,
) -> Result<Option<String>, StoreError> {
    let q = Query::select()
        .column(t("note"))
        .from(t("log_checkpoint"))
        .and_where(Expr::col(t("size")).eq(to_db(size)?))
        .to_owned();
    match db.query_one(&q).await? {
        Some(row) => Ok(Some(row.try_get("", "note")?)),
        None => Ok(None),
    }
}

/// Replaces the note of the checkpoint of `size`: the same checkpoint with witness
/// cosignatures merged in.
pub async fn set_checkpoint_note(
    db: &impl ConnectionTrait,
    size: u64,
    note: &str,
) -> Result<(), StoreError> {
    let q = Query::update()
        .table(t("log_checkpoint"))
        .value(t("note"), note)
        .and_where(Expr::col(t("size")).eq(to_db(size)?))
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// The newest `limit` signed checkpoints, newest first: sizes and notes.
pub async fn recent_checkpoints(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<(u64, String)>, StoreError> {
    let q = Query::select()
        .columns([t("size"), t("note")])
        .from(t("log_checkpoint"))
        .order_by(t("size"), Order::Desc)
        .limit(limit)
        .to_owned();
    db.query_all(&q)
        .await?
        .into_iter()
        .map(|row| Ok((from_db(row.try_get("", "size")?)?, row.try_get("", "note")?)))
        .collect()
}
