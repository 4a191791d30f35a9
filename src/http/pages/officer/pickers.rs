//! Brand and producer pickers: the forms that need a brand or a producer (issuing a
//! certificate, granting a right of use) take it by name. Each picker is an `<input list>` with
//! a `<datalist>` of "name (code)" for brands and "name — ICE …" for producers, so no script is
//! needed; what the officer sent is mapped to the id here. A typed name that is not an option
//! is searched (accents and case ignored): one match is taken, several or none are a refusal
//! shown next to the field, with the matches offered.

use serde::Serialize;

use super::*;
use crate::domain::search::fold;
use crate::store::producers;

/// How many options a datalist carries at most.
const OPTIONS: u64 = 2000;

/// One choice of a picker.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Choice {
    /// What the input holds once chosen, and what the server reads back.
    pub label: String,
    pub id: i64,
}

/// The picker text of a brand.
pub(super) fn brand_label(ui: &Ui, name: &registry::Names, code: &str) -> String {
    format!("{} ({code})", name.get(ui.lang.code()))
}

/// The picker text of a producer.
pub(super) fn producer_label(name: &str, ice: &str) -> String {
    format!("{name} — ICE {ice}")
}

/// Every brand, in the officer's language.
pub(super) async fn brand_choices(state: &AppState, ui: &Ui) -> Result<Vec<Choice>, StoreError> {
    let page = registry::list_brands(&state.db, &BrandFilter::default(), OPTIONS, 0).await?;
    Ok(page
        .items
        .iter()
        .map(|b| Choice {
            label: brand_label(ui, &b.names, &b.code),
            id: i64::from(b.number),
        })
        .collect())
}

/// Producers by name (all of them, or those matching `q`).
pub(super) async fn producer_choices(
    state: &AppState,
    q: Option<&str>,
) -> Result<Vec<Choice>, StoreError> {
    let page = producers::search(&state.db, q, None, OPTIONS, 0).await?;
    Ok(page
        .items
        .iter()
        .map(|p| Choice {
            label: producer_label(&p.name, &p.ice),
            id: p.id,
        })
        .collect())
}

/// Why a picker's text names no single brand or producer.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Pick {
    /// Nothing was chosen.
    Empty,
    /// Nothing matches the text.
    None,
    /// More than one matches: the officer must choose.
    Many,
}

impl Pick {
    /// The message next to the field, in the officer's language.
    pub(super) fn message(&self, ui: &Ui, what: &str) -> String {
        let key = match self {
            Pick::Empty => format!("o-pick-empty-{what}"),
            Pick::None => format!("o-pick-none-{what}"),
            Pick::Many => format!("o-pick-many-{what}"),
        };
        ui.t(&key)
    }
}

/// The one candidate whose label or folded name equals the text, else the only candidate.
fn choose<T>(
    text: &str,
    items: Vec<T>,
    label: impl Fn(&T) -> Vec<String>,
    id: impl Fn(&T) -> i64,
) -> Result<i64, Pick> {
    let wanted = fold(text);
    let exact: Vec<&T> = items
        .iter()
        .filter(|t| label(t).iter().any(|l| fold(l) == wanted))
        .collect();
    match (exact.as_slice(), items.as_slice()) {
        ([one], _) => Ok(id(one)),
        ([], [one]) => Ok(id(one)),
        ([], []) => Err(Pick::None),
        _ => Err(Pick::Many),
    }
}

/// The text inside the last parentheses, e.g. the code of "Argane (AOP-ARGANE)".
fn in_parentheses(text: &str) -> Option<&str> {
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some(inner[open + 1..].trim())
}

/// The brand number the picker text names.
pub(super) async fn resolve_brand(state: &AppState, ui: &Ui, text: &str) -> Result<u16, PickErr> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PickErr::Pick(Pick::Empty));
    }
    // A number typed in full (as the API takes it) names the brand of that number.
    if let Ok(n) = BrandNumber::parse("brand", text)
        && registry::get_brand(&state.db, n).await.is_ok()
    {
        return Ok(n.get());
    }
    let search = |q: String| async move {
        let filter = BrandFilter {
            q: Some(q),
            ..BrandFilter::default()
        };
        registry::list_brands(&state.db, &filter, 50, 0).await
    };
    let mut items = Vec::new();
    if let Some(code) = in_parentheses(text) {
        items = search(code.to_owned())
            .await?
            .items
            .into_iter()
            .filter(|b| b.code.eq_ignore_ascii_case(code))
            .collect();
    }
    if items.is_empty() {
        items = search(text.to_owned()).await?.items;
    }
    let lang = ui.lang.code();
    let picked = choose(
        text,
        items,
        |b| {
            vec![
                brand_label(ui, &b.names, &b.code),
                b.names.get(lang).to_owned(),
                b.names.fr.clone(),
                b.names.ar.clone(),
                b.names.en.clone(),
                b.names.zgh.clone(),
                b.code.clone(),
            ]
        },
        |b| i64::from(b.number),
    )?;
    u16::try_from(picked).map_err(|_| PickErr::Pick(Pick::None))
}

/// The producer id the picker text names.
pub(super) async fn resolve_producer(state: &AppState, text: &str) -> Result<i64, PickErr> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PickErr::Pick(Pick::Empty));
    }
    // An id typed in full (as the API takes it) names that producer; 15 digits are an ICE.
    if text.len() < 15
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(id) = text.parse::<i64>()
        && producers::get(&state.db, id).await.is_ok()
    {
        return Ok(id);
    }
    // "name — ICE 001234567000089" as the option has it, or the ICE alone.
    let ice = Some(text.rsplit_once("ICE").map_or(text, |(_, ice)| ice.trim()))
        .filter(|ice| ice.len() == 15 && ice.bytes().all(|b| b.is_ascii_digit()));
    let mut items = Vec::new();
    if let Some(ice) = ice {
        items = producers::search(&state.db, Some(ice), None, 50, 0)
            .await?
            .items
            .into_iter()
            .filter(|p| p.ice == ice)
            .collect();
    }
    if items.is_empty() {
        items = producers::search(&state.db, Some(text), None, 50, 0)
            .await?
            .items;
    }
    Ok(choose(
        text,
        items,
        |p| {
            vec![
                producer_label(&p.name, &p.ice),
                p.name.clone(),
                p.ice.clone(),
            ]
        },
        |p| p.id,
    )?)
}

/// A picker that named nothing, or a failed query.
pub(super) enum PickErr {
    Pick(Pick),
    Store(StoreError),
}

impl From<Pick> for PickErr {
    fn from(p: Pick) -> Self {
        PickErr::Pick(p)
    }
}

impl From<StoreError> for PickErr {
    fn from(e: StoreError) -> Self {
        PickErr::Store(e)
    }
}

/// The picker text of brand `number` (to fill a form from a link that names it).
pub(super) async fn brand_text(state: &AppState, ui: &Ui, number: &str) -> Option<String> {
    let n = BrandNumber::parse("brand", number).ok()?;
    let b = registry::get_brand(&state.db, n).await.ok()?;
    Some(brand_label(ui, &b.names, &b.code))
}

/// The picker text of producer `id`.
pub(super) async fn producer_text(state: &AppState, id: &str) -> Option<String> {
    let id: i64 = id.parse().ok()?;
    let p = producers::get(&state.db, id).await.ok()?;
    Some(producer_label(&p.name, &p.ice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_read_from_the_last_parentheses() {
        assert_eq!(in_parentheses("Argane (bio) (AOP-ARG)"), Some("AOP-ARG"));
        assert_eq!(in_parentheses("Argane"), None);
    }

    #[test]
    fn an_exact_label_wins_over_other_matches() {
        let items = vec![(1, "Coopérative Tifaout"), (2, "Coopérative Tifaout Nord")];
        let pick = |t: &str| choose(t, items.clone(), |i| vec![i.1.to_owned()], |i| i.0);
        assert_eq!(pick("cooperative tifaout"), Ok(1));
        assert_eq!(pick("Tifaout"), Err(Pick::Many));
        assert_eq!(
            choose("x", Vec::<(i64, &str)>::new(), |_| vec![], |i| i.0),
            Err(Pick::None)
        );
    }
}
