//! The dashboard (counts, scans per day, inclusion by region, suspected copies, recent scans
//! and reports) and the audit log.

use super::*;

// ----- dashboard -----------------------------------------------------------------------------

#[derive(Serialize)]
struct Bar {
    x: f64,
    y: f64,
    h: f64,
    label: String,
    value: i64,
}

#[derive(Serialize)]
struct RegionShare {
    name: String,
    producers: i64,
    women_pct: i64,
    youth_pct: i64,
}

pub(super) async fn dashboard(State(state): State<AppState>, ui: Ui) -> Response {
    let result = async {
        let today = Utc::now().date_naive();
        let from = today - Days::new(29);
        let counts = st::dashboard::counts(&state.db).await?;
        let inclusion = st::dashboard::inclusion(&state.db).await?;
        let per_day = st::scans::per_day(&state.db, from).await?;
        let t = state.verifier.scans.thresholds;
        let suspected = st::dashboard::suspected_copies(
            &state.db,
            t.distinct_clients,
            t.scans_per_day,
            today,
            10,
        )
        .await?;
        let recent = st::dashboard::recent_scans(&state.db, 10).await?;
        let reports = st::reports::list(&state.db, 5, 0).await?.items;
        Ok::<_, StoreError>((counts, inclusion, per_day, suspected, recent, reports, from))
    }
    .await;
    let (counts, inclusion, per_day, suspected, recent, reports, from) = match result {
        Ok(r) => r,
        Err(e) => return ui.failed(e),
    };
    // Scans per day: 30 bars, every day shown even without scans.
    let (width, height, bar) = (600.0, 160.0, 16.0);
    let by_day: HashMap<_, _> = per_day.iter().map(|(d, s, _)| (*d, *s)).collect();
    let max = by_day.values().copied().max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = (0..30u64)
        .map(|i| {
            let day = from + Days::new(i);
            let value = by_day.get(&day).copied().unwrap_or(0);
            let h = (value as f64 / max as f64) * (height - 20.0);
            Bar {
                x: 2.0 + i as f64 * 19.9,
                y: height - h,
                h,
                label: crate::i18n::date(day),
                value,
            }
        })
        .collect();
    let i18n = I18n::global();
    let shares: Vec<RegionShare> = inclusion
        .iter()
        .map(|r| RegionShare {
            name: i18n.t(ui.lang, &format!("region-{}", r.region)),
            producers: r.producers,
            women_pct: (r.women_led * 100).checked_div(r.producers).unwrap_or(0),
            youth_pct: (r.youth_led * 100).checked_div(r.producers).unwrap_or(0),
        })
        .collect();
    ui.page(StatusCode::OK, "officer/dashboard.html", context! {
        counts => counts,
        inclusion => shares,
        chart => context! { width => width, height => height, bar => bar, bars => bars, max => max,
            first => crate::i18n::date(from), last => crate::i18n::date(Utc::now().date_naive()) },
        suspected => suspected,
        recent => recent,
        reports => reports,
    })
}

// ----- audit ---------------------------------------------------------------------------------

pub(super) async fn audit(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let text = |name: &str| field(&q, name).chars().take(100).collect::<String>();
    let (actor, action, target, from, to) = (
        text("actor"),
        text("action"),
        text("target"),
        text("from"),
        text("to"),
    );
    let aq = crate::views::audit::AuditQuery {
        actor: Some(actor.clone()),
        action: Some(action.clone()),
        target: Some(target.clone()),
        from: Some(from.clone()),
        to: Some(to.clone()),
        ..Default::default()
    };
    let (filter, errors) = filter_or_errors(&ui, aq.filter());
    let base = list_url(
        "/officer/audit",
        &[
            ("actor", &actor),
            ("action", &action),
            ("target", &target),
            ("from", &from),
            ("to", &to),
        ],
    );
    let total = match st::audit::search(&state.db, &filter, 1, 0).await {
        Ok(p) => p.total,
        Err(e) => return ui.failed(e),
    };
    let (offset, prev, next) = paging(&q, &base, total);
    let page = match st::audit::search(&state.db, &filter, PAGE, offset).await {
        Ok(page) => page,
        Err(e) => return ui.failed(e),
    };
    let short = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|v| values::clip(&v.to_string()))
            .unwrap_or_default()
    };
    let rows: Vec<Value> = page
        .items
        .iter()
        .map(|e| {
            context! {
                at => e.at.format("%d/%m/%Y %H:%M:%S").to_string(), actor => e.actor.clone(),
                action => e.action.clone(), action_name => action_name(&ui, &e.action),
                target => e.target.clone(),
                before => short(&e.before), after => short(&e.after),
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    ui.page(
        status,
        "officer/audit.html",
        context! {
            entries => rows, total => page.total, prev => prev, next => next, errors => errors,
            f => context! { actor => actor, action => action, target => target, from => from, to => to },
        },
    )
}

/// An audit action (`certificate.issue`) in the officer's language, if it has a name there.
fn action_name(ui: &Ui, action: &str) -> Option<String> {
    let key = format!("o-action-{}", action.replace('.', "-"));
    I18n::global().has(Lang::Fr, &key).then(|| ui.t(&key))
}
