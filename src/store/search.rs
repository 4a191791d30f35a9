//! Text search that ignores accents and case on SQLite and PostgreSQL alike: the query is
//! folded in Rust by `domain::search::fold`, and the stored text by the same table inside the
//! SQL ([`folded`]), so nothing has to be stored twice or kept up to date on write.

use sea_orm::Condition;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr};

use crate::domain::search::{FOLDS, fold};

/// `expr` folded as [`fold`] folds text: `LOWER(REPLACE(…REPLACE(expr, 'é', 'e')…))`.
pub fn folded(expr: impl Into<Expr>) -> Expr {
    let mut e: Expr = expr.into();
    for (from, to) in FOLDS {
        e = Func::cust(Alias::new("REPLACE"))
            .arg(e)
            .arg(Expr::val(from.to_string()))
            .arg(Expr::val((*to).to_owned()))
            .into();
    }
    Func::lower(e).into()
}

/// The LIKE pattern that finds the folded `q` anywhere; `None` for text with control
/// characters, which no stored text holds. SQLite's LIKE stops reading a pattern at a NUL, so
/// `%<NUL>%` would be `%` and match every row: such text must match nothing instead.
pub fn pattern(q: &str) -> Option<String> {
    if q.chars().any(char::is_control) {
        return None;
    }
    Some(format!("%{}%", escape_like(&fold(q))))
}

/// Rows where any of `exprs`, folded, contains the folded `q`. `None` when `q` can match
/// nothing (see [`pattern`]).
pub fn any_contains(exprs: impl IntoIterator<Item = Expr>, q: &str) -> Option<Condition> {
    let pattern = pattern(q)?;
    let mut any = Condition::any();
    for e in exprs {
        any = any.add(folded(e).like(LikeExpr::new(pattern.clone()).escape('\\')));
    }
    Some(any)
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
