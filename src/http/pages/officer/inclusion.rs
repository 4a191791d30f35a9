//! The inclusion figures (`/officer/inclusion`, and `.csv`): shares of women-led and youth-led
//! producers by region, kind of producer and brand, over rights of use in force today, with
//! their definitions. Computed by `service::inclusion`.

use super::*;
use crate::service::inclusion::{self, BrandNames, Group, Report};

fn share(v: Option<f64>, lang: Lang) -> String {
    match v {
        None => "–".to_owned(),
        Some(p) => {
            let s = format!("{p:.1}");
            if lang == Lang::Fr {
                s.replace('.', ",")
            } else {
                s
            }
        }
    }
}

fn brand_name(n: &BrandNames, lang: Lang) -> String {
    let name = match lang {
        Lang::Ar => &n.ar,
        Lang::Zgh => &n.zgh,
        Lang::En => &n.en,
        Lang::Fr => &n.fr,
    };
    if name.is_empty() {
        n.fr.clone()
    } else {
        name.clone()
    }
}

/// Rows of one table: `(dimension, key, name, group)`.
fn rows<'a>(ui: &Ui, r: &'a Report) -> Vec<(&'static str, String, &'a Group)> {
    let i18n = I18n::global();
    let mut out = vec![("all", ui.t("o-inclusion-all"), &r.total)];
    out.extend(
        r.by_region
            .iter()
            .map(|g| ("region", i18n.t(ui.lang, &format!("region-{}", g.key)), g)),
    );
    out.extend(
        r.by_kind
            .iter()
            .map(|g| ("kind", ui.word("producer", &g.key), g)),
    );
    out.extend(
        r.by_brand
            .iter()
            .map(|(g, n)| ("brand", format!("{} {}", g.key, brand_name(n, ui.lang)), g)),
    );
    out
}

async fn figures(state: &AppState, ui: &Ui) -> Result<Report, Response> {
    inclusion::report(state, Utc::now().date_naive())
        .await
        .map_err(|e| ui.finish(Err(e.into())))
}

pub(super) async fn page(State(state): State<AppState>, ui: Ui) -> Response {
    let report = match figures(&state, &ui).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    let table = |dimension: &str| -> Vec<Value> {
        rows(&ui, &report)
            .into_iter()
            .filter(|(d, _, _)| *d == dimension)
            .map(|(_, name, g)| {
                context! {
                    key => g.key.clone(), name => name, producers => g.producers,
                    women_led => g.women_led, women_pct => share(g.women_pct(), ui.lang),
                    youth_led => g.youth_led, youth_pct => share(g.youth_pct(), ui.lang),
                }
            })
            .collect()
    };
    let tables: Vec<Value> = [
        ("all", "o-inclusion-all", "o-inclusion-all"),
        ("region", "o-inclusion-by-region", "o-filter-region"),
        ("kind", "o-inclusion-by-kind", "o-inclusion-kind"),
        ("brand", "o-inclusion-by-brand", "o-inclusion-brand"),
    ]
    .into_iter()
    .map(|(id, heading, column)| {
        context! {
            id => id, heading => heading, column => column, rows => table(id),
        }
    })
    .collect();
    ui.page(
        StatusCode::OK,
        "officer/inclusion.html",
        context! {
            day => crate::i18n::date(report.day),
            tables => tables,
        },
    )
}

/// A CSV field: quoted when needed, and never read as a formula by a spreadsheet.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub(super) async fn csv(State(state): State<AppState>, ui: Ui) -> Response {
    let report = match figures(&state, &ui).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    let mut out = String::from(
        "day,group,key,name,producers,women_led,women_led_pct,youth_led,youth_led_pct\n",
    );
    let pct = |v: Option<f64>| v.map(|p| format!("{p:.1}")).unwrap_or_default();
    for (dimension, name, g) in rows(&ui, &report) {
        out.push_str(&format!(
            "{},{dimension},{},{},{},{},{},{},{}\n",
            report.day,
            field(&g.key),
            field(&name),
            g.producers,
            g.women_led,
            pct(g.women_pct()),
            g.youth_led,
            pct(g.youth_pct()),
        ));
    }
    let disposition = format!(
        "attachment; filename=\"tasdiq-inclusion-{}.csv\"",
        report.day
    );
    (
        StatusCode::OK,
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(field("Souss-Massa"), "Souss-Massa");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-1"), "'-1");
    }

    #[test]
    fn shares_use_the_decimal_sign_of_the_language() {
        assert_eq!(share(Some(66.7), Lang::Fr), "66,7");
        assert_eq!(share(Some(66.7), Lang::En), "66.7");
        assert_eq!(share(None, Lang::En), "–");
    }
}
